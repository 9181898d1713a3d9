"""Timelines: a volunteered one needs a deadline phrase; an asked one takes bare answers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from convodesk.runtime import load_flow
from convodesk.runtime.understanding import RuleUnderstander
from convodesk.runtime.understanding.timeline import find_timeline, parse_timeline

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows" / "saas_inbound.yaml")
REF = date(2026, 1, 15)  # Q1 2026


def extract(text: str, expecting: list[str]) -> dict[str, Any]:
    analysis = RuleUnderstander().analyze(text, FLOW, expecting, {}, REF)
    return {e.slot: e.value for e in analysis.extractions}


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("We use Excel today", "current_tool"),
        ("Right now it's email, we started it this week", "current_tool"),
        ("I talked to my boss yesterday about this", "pain"),
        ("call me tomorrow", "pain"),
        ("We grew a lot this year", "pain"),
        ("Our Q3 numbers were a mess", "pain"),
        ("We've used spreadsheets for over 5 years", "current_tool"),
        ("not sure yet what we need", "pain"),
        ("I'm just looking for a better checklist tool", "pain"),
        ("We hired 40 people in the last 3 months", "pain"),
    ],
)
def test_no_timeline_without_a_deadline_phrase(text: str, asked: str) -> None:
    assert "timeline" not in extract(text, [asked])


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("We want something in place this month", "this_quarter"),
        ("We need it by tomorrow", "this_quarter"),
        ("It's urgent, the audit is coming", "this_quarter"),
        ("We'd like to decide by March", "this_quarter"),
        ("Ideally within 6 months", "this_year"),
        ("We need something over the next 6 months", "this_year"),
        ("We're planning for next year", "next_year"),
        ("We'd like something in place this year", "this_year"),
        ("by Q3 at the latest", "this_year"),
        ("We are not in a hurry", "none"),
        ("no rush on our side", "none"),
        ("We're just researching for now", "none"),  # a flow synonym
    ],
)
def test_volunteered_deadline_phrases_count(text: str, bucket: str) -> None:
    assert extract(text, ["pain"])["timeline"] == bucket


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("March", "this_quarter"),
        ("March.", "this_quarter"),
        ("Probably April", "next_quarter"),
        ("Sept.", "this_year"),
        ("May.", "next_quarter"),
        ("Early March 2027", "next_year"),
        ("we are not in a hurry", "none"),
        ("not in any rush", "none"),
        ("in no hurry at all", "none"),
        ("tomorrow", "this_quarter"),
        ("not this quarter, next quarter", "next_quarter"),
        ("Not before next year.", "next_year"),
    ],
)
def test_asked_timeline_takes_bare_answers(text: str, bucket: str) -> None:
    assert extract(text, ["timeline"])["timeline"] == bucket


@pytest.mark.parametrize(
    "text", ["I like March Madness", "we may do it", "the mar on the table", "six years ago"]
)
def test_months_inside_other_words_are_no_timeline(text: str) -> None:
    assert parse_timeline(text, REF) is None


def test_strict_mode_is_what_volunteering_uses() -> None:
    assert parse_timeline("We use Excel today", REF) == "this_quarter"  # asked: a bare "today"
    assert parse_timeline("We use Excel today", REF, strict=True) is None


def test_find_timeline_reports_where_the_phrase_is() -> None:
    text = "We have 300 staff and want it live by March"
    found = find_timeline(text, REF, strict=True)
    assert found is not None and text[found.start : found.end] == "by March"
