"""Text and list answers keep the buyer's answer, not the other facts or the filler around it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from convodesk.runtime import load_flow
from convodesk.runtime.understanding import RuleUnderstander
from convodesk.runtime.understanding.choices import parse_list
from convodesk.runtime.understanding.freetext import answer_text, strip_lead_ins
from convodesk.runtime.understanding.signals import wants_human

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows" / "saas_inbound.yaml")
REF = date(2026, 1, 15)


def extract(text: str, expecting: list[str]) -> dict[str, Any]:
    analysis = RuleUnderstander().analyze(text, FLOW, expecting, {}, REF)
    return {e.slot: e.value for e in analysis.extractions}


def test_other_facts_leave_the_pain() -> None:
    found = extract(
        "The problem is coordinating equipment checks across our clinics. I'm the Director of "
        "Clinical Operations. We're a healthcare provider with outpatient clinics across the "
        "state. Our HQ is in Texas.",
        ["pain"],
    )
    assert found["pain"] == "coordinating equipment checks across our clinics"
    assert found["role"] == "Director of Clinical Operations"
    assert found["industry"] == "healthcare" and found["region"] == "north_america"


def test_everything_in_the_first_message() -> None:
    found = extract(
        "The problem is scheduling warehouse shifts and orders in spreadsheets. I'm the VP of "
        "Operations. I'm with Delta Distribution. We have about 450 employees. We're a logistics "
        "company. We're based in Amsterdam. We currently use Excel. We want something in place "
        "this quarter. We have $60k set aside annually. I'm evaluating with our CFO and IT lead.",
        ["pain"],
    )
    assert found["pain"] == "scheduling warehouse shifts and orders in spreadsheets"
    assert found["committee"] == ["CFO", "IT lead"]
    assert found["current_tool"] == "Excel" and found["company_size"] == 450


def test_a_first_sentence_made_of_other_facts_is_not_the_pain() -> None:
    assert extract("Logistics company in Chicago. Spreadsheets are killing us", ["pain"])[
        "pain"
    ] == ("Spreadsheets are killing us")


def test_a_later_sentence_without_other_facts_stays() -> None:
    found = extract(
        "We're drowning in spreadsheets. Nobody knows which version is current.", ["pain"]
    )
    assert found["pain"] == "We're drowning in spreadsheets. Nobody knows which version is current"


def test_when_every_sentence_is_another_fact_the_clauses_decide() -> None:
    assert extract("Excel, we're about 200 people", ["current_tool"])["current_tool"] == "Excel"


def test_a_message_that_only_states_other_facts_is_not_the_answer() -> None:
    found = extract("We're a 500-person manufacturer", ["pain"])
    assert "pain" not in found and found["company_size"] == 500


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("Right now it's spreadsheets and a shared inbox", "spreadsheets and a shared inbox"),
        ("now it's paper checklists and Excel", "paper checklists and Excel"),
        ("Currently we use Monday.com", "Monday.com"),
        (
            "We're using Trello plus a couple of Google Sheets.",
            "Trello plus a couple of Google Sheets",
        ),
        ("Mostly Trello and Google Sheets, honestly.", "Trello and Google Sheets"),
        ("Good question. Mostly Trello and Google Sheets, honestly.", "Trello and Google Sheets"),
        ("Happy to share. We use a shared Excel workbook.", "a shared Excel workbook"),
        ("We use Excel today", "Excel"),
        ("Salesforce plus a lot of spreadsheets", "Salesforce plus a lot of spreadsheets"),
    ],
)
def test_lead_ins_and_filler_leave_the_tool(text: str, tool: str) -> None:
    assert extract(text, ["current_tool"])["current_tool"] == tool


@pytest.mark.parametrize(
    ("text", "pain"),
    [
        ("The problem is keeping schedules in sync", "keeping schedules in sync"),
        ("Honestly, too many manual status updates.", "too many manual status updates"),
        ("We're tired of chasing approvals by email", "chasing approvals by email"),
        ("We need to fix our scheduling mess", "We need to fix our scheduling mess"),
        ("Sure. Our biggest problem is downtime tracking.", "downtime tracking"),
    ],
)
def test_pain_lead_ins(text: str, pain: str) -> None:
    assert extract(text, ["pain"])["pain"] == pain


@pytest.mark.parametrize("text", ["jen@acme-mfg.com", "Sure, it's jen@acme-mfg.com."])
def test_an_email_is_never_the_current_tool(text: str) -> None:
    found = extract(text, ["current_tool"])
    assert "current_tool" not in found and found["email"] == "jen@acme-mfg.com"


@pytest.mark.parametrize(
    ("text", "committee"),
    [
        ("Good question. Our CFO and IT lead.", ["CFO", "IT lead"]),
        ("Sure. The CFO and IT lead will be involved. We're 300 people.", ["CFO", "IT lead"]),
        ("nobody else", ["me"]),
        ("Nobody else, it's just me.", ["me"]),
        ("Just me for now.", ["me"]),
        ("No one else.", ["me"]),
        ("Our CFO and nobody else", ["CFO"]),
        ('The plant manager -- and "maybe" the COO.', ["plant manager", "COO"]),
    ],
)
def test_committee_answers(text: str, committee: list[str]) -> None:
    assert extract(text, ["committee"])["committee"] == committee


def test_parse_list_drops_chatty_sentences() -> None:
    assert parse_list("Good question. Our CFO and IT lead.") == ["CFO", "IT lead"]


def test_strip_lead_ins_keeps_something() -> None:
    assert strip_lead_ins("Honestly") == "Honestly"
    assert strip_lead_ins("The problem is that it breaks", ["the problem is"]) == "it breaks"
    assert strip_lead_ins("We're stuck with Excel", ["stuck with"]) == "Excel"


def test_answer_text_masks_contact_data_and_the_words_handing_it_over() -> None:
    said = "Spreadsheets, reach me at jen@acme.com"
    at = said.index("jen")
    assert answer_text(said, [], contact=[(at, at + len("jen@acme.com"))]) == "Spreadsheets"


@pytest.mark.parametrize(
    "said",
    [
        "My email is bo@x.com. Sorry, my email is actually bo@y.com",
        "sorry, my email is actually bo@y.com, not bo@x.com.",
        "It's bo@y.com or bo@x.com",
    ],
)
def test_a_message_that_only_hands_over_contact_data_answers_no_text_question(said: str) -> None:
    contact = [(m.start(), m.end()) for m in re.finditer(r"\S+@\S+\.com", said)]
    assert answer_text(said, [], contact=contact) == ""
    assert "pain" not in extract(said, ["pain"])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Let us know if it works offline", None),
        ("about 200 of us use it daily", None),
        ("none of us like it", None),
        ("We're a US-based logistics company", "north_america"),
        ("Our HQ is in the U.S.", "north_america"),
        ("We're in the USA", "north_america"),
        ("We're UK based", "uk"),
    ],
)
def test_us_the_pronoun_is_not_the_us(text: str, value: str | None) -> None:
    assert extract(text, ["pain"]).get("region") == value


@pytest.mark.parametrize(
    "text",
    [
        "Is there someone I can speak with?",
        "can I talk to someone",
        "Could we speak with one of your specialists?",
        "Can someone reach out to me next week?",
        "please have someone call me",
    ],
)
def test_asking_for_a_person(text: str) -> None:
    assert wants_human(text)


@pytest.mark.parametrize(
    "text",
    [
        "Is there anyone using Relay in healthcare?",
        "I don't need to talk to anyone",
        "can I talk to my team first?",
    ],
)
def test_not_asking_for_a_person(text: str) -> None:
    assert not wants_human(text)
