"""Timelines resolve against the reference date, never the clock."""

from __future__ import annotations

from datetime import date

import pytest

from convodesk.runtime.understanding.timeline import bucket_for, parse_timeline

NOV = date(2026, 11, 23)
FEB = date(2026, 2, 10)


@pytest.mark.parametrize(
    ("text", "in_november", "in_february"),
    [
        ("asap", "this_quarter", "this_quarter"),
        ("tomorrow", "this_quarter", "this_quarter"),
        ("in 2 weeks", "this_quarter", "this_quarter"),
        ("Q3", "next_year", "this_year"),
        ("Q4", "this_quarter", "this_year"),
        ("by March", "next_quarter", "this_quarter"),
        ("in 3 months", "next_quarter", "next_quarter"),
        ("within six months", "next_year", "this_year"),
        ("later this year", "this_quarter", "this_year"),
        ("in 2027", "next_year", "next_year"),
        ("in 2026", "this_quarter", "this_year"),
        ("just looking", "none", "none"),
    ],
)
def test_relative_to_reference(text: str, in_november: str, in_february: str) -> None:
    assert parse_timeline(text, NOV) == in_november
    assert parse_timeline(text, FEB) == in_february


def test_bucket_for_crosses_the_year_by_quarter() -> None:
    assert bucket_for(date(2027, 1, 5), NOV) == "next_quarter"
    assert bucket_for(date(2027, 6, 1), NOV) == "next_year"


def test_slot_values_restrict_and_synonyms_win() -> None:
    assert parse_timeline("in 2027", NOV, values=("this_quarter", "none")) is None
    assert parse_timeline("no rush, renewal is coming up", NOV, {"this_quarter": ["renewal"]}) == (
        "this_quarter"
    )


@pytest.mark.parametrize("text", ["we have 2027 employees", "500 people", "we use Excel"])
def test_not_timelines(text: str) -> None:
    assert parse_timeline(text, NOV) is None
