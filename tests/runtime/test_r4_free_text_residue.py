"""A free-text answer must be the buyer's own words, not another slot's answer restated.

"What brings you to Relay today?" answered with "Hi, we are 400 people" gives a company size
and no pain: the pain question stays open (and is asked again without "Sorry", since the bot
did understand something). Real answers that mention numbers, tools or roles keep their words.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from convodesk.runtime import Engine, load_flow
from convodesk.runtime.understanding import RuleUnderstander

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows" / "saas_inbound.yaml")
REF = date(2026, 1, 15)


def extract(text: str, expecting: list[str]) -> dict[str, Any]:
    analysis = RuleUnderstander().analyze(text, FLOW, expecting, {}, REF)
    return {e.slot: e.value for e in analysis.extractions}


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        # a size statement
        ("Hi, we are 400 people", "company_size", 400),
        ("we are 400 people", "company_size", 400),
        ("Hello! We have about 450 employees.", "company_size", 450),
        ("Thanks! We have around 2k staff.", "company_size", 2000),
        ("Honestly, we're 400 people", "company_size", 400),
        ("Actually we're 800 people", "company_size", 800),
        ("We're a 500-person manufacturer", "company_size", 500),
        ("We're a logistics company with 400 people", "company_size", 400),
        # a timeline statement
        ("We want something in place this quarter", "timeline", "this_quarter"),
        ("We need it by March", "timeline", "this_quarter"),
        ("We're looking at this quarter", "timeline", "this_quarter"),
        ("ASAP", "timeline", "this_quarter"),
        # a budget statement
        ("Our budget is $50k a year", "budget", 50000.0),
        ("We have $60k set aside annually.", "budget", 60000.0),
        # the tool, which is its own slot
        ("We use Excel", "current_tool", "Excel"),
        # the buyer's role, company, region, industry
        ("I'm the CTO", "role", "CTO"),
        ("I'm the VP of Operations.", "role", "VP of Operations"),
        ("I'm with Delta Distribution", "company", "Delta Distribution"),
        ("We're based in Amsterdam", "region", "europe"),
        ("We're a healthcare provider", "industry", "healthcare"),
    ],
)
def test_another_slots_answer_is_not_the_pain(text: str, slot: str, value: Any) -> None:
    found = extract(text, ["pain"])
    assert "pain" not in found
    assert found[slot] == value


@pytest.mark.parametrize(
    "text",
    ["You can reach me at +1 415 555 0100", "my email is jen@acme.com", "Sure, it's bo@x.com"],
)
def test_a_contact_line_is_not_the_pain(text: str) -> None:
    assert "pain" not in extract(text, ["pain"])


@pytest.mark.parametrize(
    ("asked", "text", "slot"),
    [
        ("current_tool", "We're about 200 people", "company_size"),
        ("current_tool", "I'm the head of ops", "role"),
        ("role", "We're 300 people", "company_size"),
        ("role", "we use Excel", "current_tool"),
        ("company", "we're 300 people", "company_size"),
        ("committee", "We're about 300 people", "company_size"),
    ],
)
def test_other_text_and_list_slots_are_not_filled_with_another_fact(
    asked: str, text: str, slot: str
) -> None:
    found = extract(text, [asked])
    assert asked not in found
    assert slot in found


@pytest.mark.parametrize(
    ("text", "pain"),
    [
        (
            "We waste 10 hours a week on manual reports",
            "We waste 10 hours a week on manual reports",
        ),
        ("our 400 reps can't see pipeline", "our 400 reps can't see pipeline"),
        ("We're 400 people and it's chaos", "We're 400 people and it's chaos"),
        ("We use spreadsheets and it's painful", "We use spreadsheets and it's painful"),
        ("We're 400 people. Reporting takes forever.", "Reporting takes forever"),
        (
            "500 employees across 3 sites and approvals take 2 weeks",
            "500 employees across 3 sites and approvals take 2 weeks",
        ),
        ("Our team of 40 is buried in spreadsheets", "Our team of 40 is buried in spreadsheets"),
        ("Hi, we need to cut 20 hours of manual entry", "we need to cut 20 hours of manual entry"),
    ],
)
def test_real_pains_that_mention_numbers_or_other_facts_stay(text: str, pain: str) -> None:
    assert extract(text, ["pain"])["pain"] == pain


def test_a_role_before_the_pain_ends_at_the_pain() -> None:
    found = extract("I'm the CTO and we're drowning in manual work", ["pain"])
    assert found["role"] == "CTO"
    assert found["pain"] == "I'm the CTO and we're drowning in manual work"


@pytest.mark.parametrize(
    ("asked", "text", "value"),
    [
        # The seniority reads the same words as the role (the slots share cues): still a role.
        ("role", "CTO here", "CTO here"),
        ("role", "I'm the CEO", "CEO"),
        ("role", "Director of Operations here", "Director of Operations here"),
        ("committee", "Just me", ["me"]),
        ("committee", "Nobody else, it's just me.", ["me"]),
    ],
)
def test_answers_made_of_a_related_slots_words_stay(asked: str, text: str, value: Any) -> None:
    assert extract(text, [asked])[asked] == value


def test_the_engine_asks_again_without_sorry_when_something_else_was_understood() -> None:
    session = Engine(FLOW).start(reference_date="2026-01-15")
    question = "What brings you to Relay today?"
    turn = session.send("Hi, we are 400 people")
    assert turn.asking == ["pain"]
    assert turn.messages == [question]
    assert "pain" not in session.state.slots
    assert session.state.slots["company_size"].value == 400
    # Nothing new this time: now it is a re-ask.
    turn = session.send("we are 400 people")
    assert turn.messages == [f"Sorry, I didn't catch that. {question}"]
    turn = session.send("Our reporting is a mess")
    assert session.state.slots["pain"].value == "Our reporting is a mess"
    assert turn.asking == ["current_tool"]
