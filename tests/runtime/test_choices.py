"""Enum phrases, yes/no, lists of people and cleaned free text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convodesk.runtime.understanding.choices import (
    clean_text,
    enum_table,
    match_phrases,
    parse_bool,
    parse_list,
)

TABLE = enum_table(
    ["this_quarter", "next_quarter", "none"],
    {"this_quarter": ["asap", "renewal is coming up"], "none": ["just looking"]},
)


@pytest.mark.parametrize(
    ("text", "value", "prefer_last"),
    [
        ("This Quarter please", "this_quarter", False),
        ("our renewal is coming up", "this_quarter", False),
        ("next quarter, or asap", None, False),
        ("asap, actually no: next quarter", "next_quarter", True),
        ("the quarterly report", None, False),
    ],
)
def test_enum(text: str, value: str | None, prefer_last: bool) -> None:
    assert match_phrases(text, TABLE, prefer_last=prefer_last) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("of course", True),
        ("we do", True),
        ("nah", False),
        ("we don't", False),
        ("I don't know", None),
        ("not sure", None),
        ("maybe", None),
    ],
)
def test_booleans(text: str, value: bool | None) -> None:
    assert parse_bool(text) is value


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("me, our CFO and the IT lead", ["me", "CFO", "IT lead"]),
        ("just me", ["me"]),
        ("CFO & VP Sales", ["CFO", "VP Sales"]),
        ("Me plus our head of IT", ["me", "head of IT"]),
    ],
)
def test_lists(text: str, items: list[str]) -> None:
    assert parse_list(text) == items


def test_clean_text_strips_filler_only() -> None:
    assert clean_text("well, um we use spreadsheets.") == "we use spreadsheets"
    assert clean_text("Um, the reporting is painful!!") == "the reporting is painful"


# Every character Python counts as whitespace (the regex engine's \s is the same set).
SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=SPACES + "ab.,!U", max_size=24))
def test_clean_text_collapses_whitespace_like_the_regex(text: str) -> None:
    squeezed = re.sub(r"\s+", " ", text).strip()
    assert clean_text(text) == clean_text(squeezed)
    assert " ".join(text.split()) == squeezed
