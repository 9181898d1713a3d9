"""Regexes that ignore case run case-sensitively on lowercased ASCII text, which is only a
speed-up: the fast way must find exactly what ignoring case finds, and what callers report
keeps the buyer's own case."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convodesk.runtime import load_flow
from convodesk.runtime.understanding import RuleUnderstander
from convodesk.runtime.understanding.anycase import AnyCase, lowercase_only
from convodesk.runtime.understanding.money import find_money
from convodesk.runtime.understanding.numbers import find_numbers
from convodesk.runtime.understanding.rules import _cue_regex

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")
UNDERSTANDING = ("choices", "contact", "freetext", "guard", "money", "numbers", "rules", "signals")
GUARD = ("abuse", "authority", "blanking", "extraction", "fold", "injection", "markup")
GUARD += ("override", "payloads", "reprogram", "scan", "visitors")
MODULES = [
    *(f"convodesk.runtime.understanding.{name}" for name in (*UNDERSTANDING, "timeline")),
    *(f"convodesk.runtime.understanding.guard.{name}" for name in GUARD),
    "convodesk.runtime.knowledge",
]


def _module_regexes() -> dict[str, AnyCase]:
    found: dict[str, AnyCase] = {}
    for module in MODULES:
        for name, value in vars(importlib.import_module(module)).items():
            if isinstance(value, AnyCase):
                found[f"{module.rsplit('.', 1)[1]}.{name}"] = value
            elif isinstance(value, tuple) and value and isinstance(value[0], AnyCase):
                short = module.rsplit(".", 1)[1]
                found.update({f"{short}.{name}[{i}]": v for i, v in enumerate(value)})
    return found


def _flow_regexes() -> dict[str, AnyCase]:
    understander = RuleUnderstander()
    found: dict[str, AnyCase] = {}
    for name, slot in FLOW.slots.items():
        if slot.type == "enum":
            table = understander._table(slot)
            assert table.regex is not None
            found[f"table:{name}"] = table.regex
        cues = _cue_regex(tuple(slot.cues))
        if cues is not None:
            found[f"cues:{name}"] = cues
    return found


MODULE_REGEXES = _module_regexes()
REGEXES = {**MODULE_REGEXES, **_flow_regexes()}


def _found(regex: re.Pattern[str], text: str) -> list[tuple[object, ...]]:
    """Every match with the span of every group, as a caller could read them."""
    return [
        (m.span(), m.lastindex, tuple(m.span(g) for g in range(1, (regex.groups or 0) + 1)))
        for m in regex.finditer(text)
    ]


def test_every_module_regex_keeps_the_fast_way() -> None:
    slow = [name for name, regex in MODULE_REGEXES.items() if regex.lowered is None]
    assert not slow, f"these regexes lost the lowercase fast way: {slow}"
    assert len(MODULE_REGEXES) > 60


@pytest.mark.parametrize("name", sorted(REGEXES))
def test_the_fast_way_finds_what_ignoring_case_finds(name: str, messages: list[str]) -> None:
    regex = REGEXES[name]
    if regex.lowered is None:  # a table with phrases in capitals ("US") always ignores case
        assert "(?-i:" in regex.pattern
        return
    for text in messages:
        if text.isascii():
            assert _found(regex.lowered, text.lower()) == _found(regex.regex, text), text


WORD = st.sampled_from(
    sorted(
        {w for regex in REGEXES.values() for w in re.findall(r"[a-z]{2,}", regex.pattern)}
        | {"5", "500", "12k", "$", "€", "2,000", "u.s.", "x"}
    )
)
CASED = st.tuples(WORD, st.sampled_from([str.lower, str.upper, str.title])).map(
    lambda pair: pair[1](pair[0])
)
GAP = st.sampled_from([" ", "  ", ", ", ". ", "-", "_", "'", "\n", "; ", ""])
PHRASES = st.lists(st.tuples(CASED, GAP), max_size=14).map(
    lambda parts: "".join(w + g for w, g in parts)
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(PHRASES)
def test_the_fast_way_agrees_on_made_up_phrases(text: str) -> None:
    for name, regex in REGEXES.items():
        if regex.lowered is not None:
            assert _found(regex.lowered, text.lower()) == _found(regex.regex, text), name
            if name == "freetext._TRAILING":
                assert regex.sub("", text) == regex.regex.sub("", text)


@pytest.mark.parametrize(
    ("pattern", "fast"),
    [
        (r"\b(?:rather not|prefer not|can'?t (?:say|share))\b", True),
        (r"(?<![\w])(?:n(ew[\s_-]+york)|c())(?![\w])", True),
        (r"(?P<whole>\d+)(?:\s?(?P<suffix>k|m))?", True),
        (r"[a-z0-9][\w'-]*\s*$", True),
        (r"(?:-|–|—|to)\s*[$€£]", True),
        (r"(?-i:US)|usa", False),  # a phrase in capitals must stay in capitals
        (r"(?i:may)", False),
        (r"May|june", False),
        (r"[A-Z]\w+", False),
        (r"[@-\[]", False),  # a range over capitals, without naming one
        (r"[!-~]", False),
        (r"\x41", False),  # "A", spelt in an escape
        (r"\N{LATIN SMALL LETTER A}", False),
        (r"(a)\1", False),
        ("ſ", False),  # matches "s" when case is ignored, but is not "s" lowercased
        ("straße", False),
    ],
)
def test_which_patterns_may_take_the_fast_way(pattern: str, fast: bool) -> None:
    assert lowercase_only(pattern) is fast


def test_text_beyond_ascii_is_matched_ignoring_case() -> None:
    # The Kelvin sign and the long s are "k" and "s" when case is ignored, but lowercasing
    # leaves them as they are: such text never takes the fast way.
    kelvin = AnyCase(r"\bkelvin\b")
    assert kelvin.search("\u212aelvin") is not None
    assert AnyCase(r"\bask\b").search("a\u017fk") is not None


def test_groups_are_read_from_lowercased_text_and_spans_from_the_callers() -> None:
    regex = AnyCase(r"(\w+) (people|staff)")
    match = regex.search("About 500 PEOPLE")
    assert match is not None and match.group(2) == "people"
    assert "About 500 PEOPLE"[match.start(2) : match.end(2)] == "PEOPLE"


def test_sub_keeps_the_buyers_own_case() -> None:
    trailing = AnyCase(r"[\s,;-]+(?:honestly|for now)\W*$")
    assert trailing.sub("", "We use Excel, HONESTLY!") == "We use Excel"
    assert trailing.sub("", "Spreadsheets For Now") == "Spreadsheets"
    assert trailing.sub("", "nothing to trim") == "nothing to trim"
    assert AnyCase(r"x*").sub("-", "AxB") == re.sub(r"x*", "-", "AxB", flags=re.I)  # empty matches
    assert AnyCase(r"(b)").sub(r"[\1]", "aBc") == "a[B]c"  # a template: case-insensitive way


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("We are TWO THOUSAND strong", "TWO THOUSAND"),
        ("Just Me for now", "Just Me"),
        ("NONE", "NONE"),
        ("500 OR MORE", "500 OR MORE"),
        ("About 2K Employees", "2K"),
        ("Roughly 1.5M users", "1.5M"),
    ],
)
def test_numbers_keep_the_buyers_case(text: str, raw: str) -> None:
    assert [n.raw for n in find_numbers(text)] == [raw]


def test_money_keeps_the_buyers_case() -> None:
    assert [m.raw for m in find_money("Budget is $50K, or 20 EUR, or Two Thousand Dollars")] == [
        "$50K",
        "20 EUR",
        "Two Thousand Dollars",
    ]
