from __future__ import annotations

import re

import pytest

from convodesk.runtime.conditions import ConditionError, compile_condition

ENV = {
    "company_size": 500,
    "industry": "Manufacturing",
    "committee": ["CFO", "IT lead"],
    "timeline": None,
    "email": "jen@acme-mfg.com",
    "fit": 70,
    "intent": 55,
    "context": {"page": "/pricing", "utm_campaign": "q4"},
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("company_size >= 200", True),
        ("company_size > 500", False),
        ("company_size == 500 and fit >= 70", True),
        ("company_size < 100 or intent > 50", True),
        ("not (company_size < 100)", True),
        ("industry == 'manufacturing'", True),  # string equality ignores case
        ("industry in ['manufacturing', 'logistics']", True),
        ("industry not in ['retail']", True),
        ("'cfo' in committee", True),
        ("'CEO' in committee", False),
        ("timeline is set", False),
        ("timeline is not set", True),
        ("committee is set", True),
        ("timeline == 'this_quarter'", False),
        ("timeline >= 3", False),  # unset never compares true
        ("not timeline >= 3", True),
        ("domain(email) == 'acme-mfg.com'", True),
        ("endswith(email, '.com') and len(committee) == 2", True),
        ("fit + intent >= 120", True),
        ("fit * 2 - 40 == 100", True),
        ("context.page == '/pricing'", True),
        ("context.utm_source is set", False),
        ("industry > 5", False),  # mismatched types are false, never an error
        ("company_size / 0 > 1", False),
        ("contains(industry, 'manu')", True),
        ("-5 < 0", True),
        ('industry == "Manufacturing"', True),
        ("true and not false", True),
    ],
)
def test_evaluates(source: str, expected: bool) -> None:
    assert compile_condition(source)(ENV) is expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("company_size >=", "expected"),
        ("company_size >= 200 and", "expected"),
        ("(fit > 3", "expected ')'"),
        ("fit => 3", "unexpected"),
        ("fit > 3 $", "unexpected character '$'"),
        ("__import__('os')", "cannot start with '_'"),
        ("system('ls')", "unknown function"),
        ("open('x')", "unknown function"),
        ("len(a, b)", "takes 1 argument"),
        ("", "empty condition"),
        ("fit in [1, 2", "expected"),
        ("fit is nothing", "expected 'set'"),
    ],
)
def test_syntax_errors(source: str, message: str) -> None:
    with pytest.raises(ConditionError, match=re.escape(message)):
        compile_condition(source)


def test_unknown_names_are_errors_with_column() -> None:
    with pytest.raises(ConditionError, match="unknown name 'company_sise'") as info:
        compile_condition("fit > 1 and company_sise > 3", {"fit", "company_size"})
    assert info.value.column == len("fit > 1 and ")


def test_context_names_are_open() -> None:
    condition = compile_condition("context.anything == 'x'", {"fit"})
    assert condition({"context": {"anything": "x"}})


def test_no_python_evaluation() -> None:
    # attribute access and dunder tricks are simply not part of the language
    with pytest.raises(ConditionError):
        compile_condition("fit.__class__.__bases__")
    with pytest.raises(ConditionError):
        compile_condition("[].__class__")
    with pytest.raises(ConditionError, match="cannot start with '_'"):
        compile_condition("fit._private == 1")
    env = {"fit": {"klass": "leak"}}
    assert compile_condition("fit.klass == 'leak'")(env)  # plain dict lookup, nothing more


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ConditionError):
        compile_condition("(" * 1500 + "fit" + ")" * 1500)
