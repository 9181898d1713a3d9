"""Understanding misses an audit found, each with the phrasings around it that must not move.

A volunteered enum is never a name in the committee list; a negative number is no count; a past
date is no purchase timeline; "not this year" and a bare year are read against the session's
reference date; "no thanks" to a contact question declines it; a greeting is no part of a text
answer; "and IT's" is a team, not a new clause; a corrected email is the last one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from convodesk.runtime import Engine, load_flow, parse_flow
from convodesk.runtime.understanding import Analysis, RuleUnderstander
from convodesk.runtime.understanding.numbers import find_numbers
from convodesk.runtime.understanding.timeline import parse_timeline

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")
REF = date(2026, 1, 15)


def analyze(
    text: str, expecting: list[str], reference: date = REF, filled: dict[str, Any] | None = None
) -> Analysis:
    return RuleUnderstander().analyze(text, FLOW, expecting, filled or {}, reference)


def values(text: str, expecting: list[str], reference: date = REF) -> dict[str, Any]:
    return {e.slot: e.value for e in analyze(text, expecting, reference).extractions}


# -- a committee list names people, not facts ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "committee"),
    [
        ("the CTO, head of IT, and finance", ["CTO", "head of IT", "finance"]),
        ("Our CFO and finance.", ["CFO", "finance"]),
        ("The plant manager and the finance team.", ["plant manager", "finance team"]),
        ("CFO, IT, retail ops", ["CFO", "IT", "retail ops"]),
        ("Someone from finance and our COO", ["Someone from finance", "COO"]),
    ],
)
def test_a_committee_answer_sets_no_industry(text: str, committee: list[str]) -> None:
    found = values(text, ["committee"])
    assert found["committee"] == committee
    assert "industry" not in found, found


@pytest.mark.parametrize(
    "text",
    [
        "Our head of finance signs off.",
        "The finance team hates the spreadsheets.",
        "Our VP of finance",
        "Our finance people are involved.",
    ],
)
def test_a_department_is_not_the_industry(text: str) -> None:
    assert "industry" not in values(text, ["pain"])


def test_a_place_before_staff_is_still_the_region() -> None:
    assert values("We have 200 UK staff.", ["pain"])["region"] == "uk"


@pytest.mark.parametrize(
    ("text", "expecting", "industry"),
    [
        ("Our CFO. We're a bank.", ["committee"], "finance"),
        ("We're in financial services.", ["pain"], "finance"),
        ("We're a fintech with 80 people.", ["pain"], "finance"),
        ("We run three plants.", ["pain"], "manufacturing"),
    ],
)
def test_an_industry_stated_as_such_still_counts(
    text: str, expecting: list[str], industry: str
) -> None:
    assert values(text, expecting)["industry"] == industry


# -- negative numbers are no count ----------------------------------------------------------


@pytest.mark.parametrize("text", ["-5", "-5 people", "about -300", "−20"])
def test_a_negative_number_is_no_headcount(text: str) -> None:
    found = analyze(text, ["company_size"])
    assert "company_size" not in {e.slot for e in found.extractions}


def test_a_negative_number_is_no_budget() -> None:
    assert "budget" not in values("-5000", ["budget"])


@pytest.mark.parametrize(
    ("text", "value"), [("5-10 people", 8), ("50 -100", 75), ("2026-01-15: 300 people", 300)]
)
def test_a_dash_between_numbers_is_still_a_range(text: str, value: int) -> None:
    assert values(text, ["company_size"])["company_size"] == value


def test_the_sign_is_read_as_minus() -> None:
    assert [n.value for n in find_numbers("-5")] == [-5.0]
    assert [n.value for n in find_numbers("5-10")] == [7.5]


# -- timelines: past dates, "not this year", bare years -------------------------------------


@pytest.mark.parametrize(
    "text", ["yesterday", "Yesterday.", "by March 2025", "Q4 2025", "last year", "in 2024"]
)
def test_a_past_date_is_no_purchase_timeline(text: str) -> None:
    """Seen from 2026-01-15 these are over: the slot stays empty and the bot asks again."""
    found = analyze(text, ["timeline"])
    assert "timeline" not in {e.slot for e in found.extractions}, text
    assert found.declined == []


@pytest.mark.parametrize("text", ["We needed it yesterday.", "we need this yesterday honestly"])
def test_needed_it_yesterday_is_urgent(text: str) -> None:
    assert values(text, ["timeline"])["timeline"] == "this_quarter"


@pytest.mark.parametrize(
    ("text", "reference", "bucket"),
    [
        ("not this year", date(2026, 1, 15), "next_year"),
        ("Not this year, no.", date(2026, 11, 30), "next_year"),
        ("Not until next year.", date(2026, 1, 15), "next_year"),
        ("2027", date(2026, 1, 15), "next_year"),
        ("2027, probably.", date(2026, 6, 1), "next_year"),
        ("FY2027", date(2026, 1, 15), "next_year"),
        ("2027", date(2027, 2, 1), "this_year"),  # the reference date's own year
        ("2026", date(2026, 1, 15), "this_year"),
    ],
)
def test_not_this_year_and_bare_years_read_against_the_reference_date(
    text: str, reference: date, bucket: str
) -> None:
    assert values(text, ["timeline"], reference)["timeline"] == bucket


def test_a_bare_year_is_not_volunteered_and_not_a_headcount_year() -> None:
    assert "timeline" not in values("We were founded in 2009", ["timeline"])
    assert "timeline" not in values("We started using Excel in 2019.", ["current_tool"])
    assert parse_timeline("2027", REF, strict=True) is None  # only an asked timeline takes it


def test_not_this_year_follows_the_session_reference_date() -> None:
    session = Engine(FLOW).start(reference_date="2026-01-15")
    for text in ["We struggle with approvals.", "Excel", "300 people"]:
        session.send(text)
    session.send("Not this year.")
    assert session.slots["timeline"] == "next_year"


# -- refusals and corrections of contact details -----------------------------------------------


@pytest.mark.parametrize(
    "text", ["no thanks", "No thanks.", "No thank you", "I'm not giving my email."]
)
def test_no_thanks_to_the_email_question_declines_it(text: str) -> None:
    found = analyze(text, ["email"])
    assert found.extractions == [] and found.declined == ["email"]


def test_no_thanks_ends_the_email_question_in_a_session() -> None:
    session = Engine(FLOW).start()
    for text in ["We struggle with approvals.", "Excel", "300", "this quarter", "$60k", "our CFO"]:
        turn = session.send(text)
    assert turn.asking == ["email"]
    turn = session.send("no thanks")
    assert turn.done and "email" in session.state.declined


@pytest.mark.parametrize(
    "text",
    [
        "bo@x.com. Sorry, typo: bo@y.com",
        "it's bo@x.com - sorry, wrong one, bo@y.com",
        "bo@x.com, sorry, my email is actually bo@y.com",
        "bo@x.com. The correct address is bo@y.com",
    ],
)
def test_a_corrected_email_is_the_last_one(text: str) -> None:
    found = analyze(text, ["email"], filled={"email": "bo@x.com"})
    assert [(e.slot, e.value) for e in found.extractions] == [("email", "bo@y.com")]


def test_a_corrected_phone_is_the_last_one() -> None:
    flow = parse_flow(
        "flow: t\n"
        "slots:\n  phone: {type: phone, ask: 'Phone?'}\n"
        "steps:\n  - {id: p, ask: phone}\n  - {id: e, end: true}\n",
        "t.yaml",
    ).flow
    assert flow is not None
    found = RuleUnderstander().analyze(
        "call me at 312 555 0199, sorry, actually 312 555 0100", flow, ["phone"], {}, REF
    )
    assert [e.value for e in found.extractions] == ["312 555 0100"]


# -- text answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pain"),
    [
        ("Hi, we are struggling with scheduling across sites", "scheduling across sites"),
        ("Hi Ava, we are struggling with approvals", "approvals"),
        ("Hello Relay team! We need a way to track audits.", "We need a way to track audits"),
        ("Hey there, our problem is scheduling", "scheduling"),
        ("Good morning - tired of spreadsheets", "spreadsheets"),
        ("Hey Excel keeps crashing on us", "Excel keeps crashing on us"),
    ],
)
def test_a_greeting_is_no_part_of_the_pain(text: str, pain: str) -> None:
    assert values(text, ["pain"])["pain"] == pain


@pytest.mark.parametrize(
    ("text", "committee"),
    [
        ("We're deciding with our CFO and IT's director.", ["CFO", "IT's director"]),
        ("I'm evaluating with our CFO and IT lead.", ["CFO", "IT lead"]),
        ("I'm evaluating with our CFO and it's urgent.", ["CFO"]),
    ],
)
def test_and_its_ends_a_clause_only_as_a_pronoun(text: str, committee: list[str]) -> None:
    assert values(text, ["pain"])["committee"] == committee
