"""Literals in a condition are read once, when it is parsed; what a condition means must not
change with that: comparisons with a literal on either side, lists of literals, `in`."""

from __future__ import annotations

import pytest

from convodesk.runtime.conditions import compile_condition

ENV = {
    "size": 500,
    "ratio": 2.5,
    "flag": True,
    "industry": "Manufacturing",
    "committee": ["CFO", "IT lead"],
    "unset": None,
    "empty": [],
    "numbers": [1, 2],
    "context": {"page": "/pricing", "count": 1},
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("size == 500", True),
        ("500 == size", True),
        ("size == 500.0", True),  # numbers compare as numbers
        ("size != 500", False),
        ("size >= 500 and size < 501", True),
        ("size > '400'", False),  # a number and a text never order
        ("flag == 1", True),  # as Python has it: True is 1
        ("flag > 0", False),  # but booleans never order
        ("unset == none", True),
        ("unset != none", False),
        ("unset < 3", False),
        ("industry == 'MANUFACTURING'", True),  # texts compare without case
        ("'manufacturing' == industry", True),
        ("industry in ['retail', 'manufacturing']", True),
        ("industry in ['retail']", False),
        ("industry not in ['retail']", True),
        ("industry in []", False),
        ("unset in ['x', none]", False),  # an unset value is in no list
        ("size in [1, 500.0]", True),
        ("flag in [1]", True),
        ("1 in numbers", True),
        ("3 in numbers", False),
        ("'cfo' in committee", True),
        ("'ceo' in committee", False),
        ("'fact' in industry", True),  # in a text: part of it, without case
        ("'x' in 'XYZ'", True),
        ("'page' in context", True),
        ("committee == ['CFO', 'IT lead']", True),
        ("committee == ['cfo', 'it lead']", False),  # in a list, case counts
        ("committee == ['CFO']", False),
        ("numbers == [1, 2]", True),
        ("[1, size] == [1, 500]", True),  # a list with a name in it is read each time
        ("size in [size]", True),
        ("len(['a', 'b']) == 2", True),
        ("ratio * 2 == 5", True),
        ("-size < 0", True),
        ("context.count in [1]", True),
        ("empty is set", False),
        ("[] is set", False),
        ("['x'] is set", True),
    ],
)
def test_literals_mean_what_they_say(source: str, expected: bool) -> None:
    assert compile_condition(source)(ENV) is expected


def test_a_list_literal_is_the_same_list_at_every_evaluation() -> None:
    condition = compile_condition("committee == ['CFO', 'IT lead'] and 'cfo' in ['CFO']")
    for _ in range(3):
        assert condition(ENV) is True
    assert condition({**ENV, "committee": ["CFO"]}) is False


def test_a_condition_follows_the_environment_it_is_given() -> None:
    condition = compile_condition("industry in ['manufacturing', 'logistics'] and size >= 200")
    assert condition(ENV)
    assert not condition({**ENV, "industry": "Retail"})
    assert not condition({**ENV, "size": 199})
    assert not condition({**ENV, "industry": None})
    assert condition({**ENV, "industry": "LOGISTICS"})
