"""Asked slots take bare answers; other slots fill only on unambiguous evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from convodesk.runtime import load_flow
from convodesk.runtime.understanding import RuleUnderstander

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows" / "saas_inbound.yaml")
REF = date(2026, 1, 15)


def extract(
    text: str, expecting: list[str] | None = None, filled: dict[str, Any] | None = None
) -> dict[str, Any]:
    analysis = RuleUnderstander().analyze(text, FLOW, expecting or [], filled or {}, REF)
    return {e.slot: e.value for e in analysis.extractions}


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("500", "company_size", 500),
        ("about five hundred", "company_size", 500),
        ("2k", "company_size", 2000),
        ("50-100", "company_size", 75),
        ("around 20k a year", "budget", 20_000),
        ("$50k", "budget", 50_000),
        ("next month probably", "timeline", "this_quarter"),
        ("by March", "timeline", "this_quarter"),
        ("no rush", "timeline", "none"),
        ("me, our CFO and the IT lead", "committee", ["me", "CFO", "IT lead"]),
        (
            "Salesforce plus a lot of spreadsheets",
            "current_tool",
            "Salesforce plus a lot of spreadsheets",
        ),
        ("jen@acme-mfg.com", "email", "jen@acme-mfg.com"),
    ],
)
def test_bare_answers_fill_the_asked_slot(text: str, slot: str, value: Any) -> None:
    assert extract(text, [slot])[slot] == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We're a 500-person manufacturer", {"company_size": 500, "industry": "manufacturing"}),
        (
            "we use Salesforce and spreadsheets, but it's a mess",
            {"current_tool": "Salesforce and spreadsheets"},
        ),
        ("our budget is about $40k", {"budget": 40_000}),
        ("we have 1,200 employees in Germany", {"company_size": 1200, "region": "europe"}),
        (
            "I'm the Director of Operations",
            {"seniority": "director", "role": "Director of Operations"},
        ),
    ],
)
def test_volunteered_facts(text: str, expected: dict[str, Any]) -> None:
    found = extract(text, ["pain"])
    for slot, value in expected.items():
        assert found.get(slot) == value, found


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("We have 3 tools and 2 problems", "company_size"),  # numbers without a cue word
        ("me, our CFO and the IT lead", "seniority"),  # the CFO is a colleague, not the buyer
        ("Do you work with manufacturers?", "industry"),  # a question states nothing
        ("Can you help us?", "region"),
        ("is it under $50 per user?", "budget"),
    ],
)
def test_no_fill_without_evidence(text: str, absent: str) -> None:
    assert absent not in extract(text, ["pain"])


def test_unasked_number_is_not_taken_as_size() -> None:
    assert "company_size" not in extract("Excel, mostly 3 spreadsheets", ["current_tool"])


def test_one_number_never_fills_two_slots() -> None:
    found = extract("about 500 people and a budget of 60k", ["company_size"])
    assert found["company_size"] == 500 and found["budget"] == 60_000


def test_correction_is_flagged() -> None:
    analysis = RuleUnderstander().analyze(
        "Actually we're 800 people, not 500", FLOW, [], {"company_size": 500}, REF
    )
    size = analysis.value_of("company_size")
    assert size is not None and size.value == 800 and size.correction


def test_refusal_and_unknown_decline_the_asked_slot() -> None:
    for text in ("I'd rather not say", "that's confidential", "no idea honestly"):
        analysis = RuleUnderstander().analyze(text, FLOW, ["budget"], {}, REF)
        assert analysis.declined == ["budget"], text
        assert analysis.value_of("budget") is None


def test_question_only_fills_nothing_but_is_reported() -> None:
    analysis = RuleUnderstander().analyze("Do you support SSO?", FLOW, ["current_tool"], {}, REF)
    assert analysis.extractions == [] and analysis.questions == ["Do you support SSO?"]


def test_human_request_is_not_a_knowledge_question() -> None:
    analysis = RuleUnderstander().analyze("Can I talk to a real person?", FLOW, ["pain"], {}, REF)
    assert analysis.wants_human and analysis.questions == []


def test_trivial_replies_do_not_fill_text() -> None:
    for text in ("ok", "hi", "yes", "?"):
        assert "current_tool" not in extract(text, ["current_tool"])


@pytest.mark.parametrize(
    "text",
    ["", "\x00\x01\x02", "🙂" * 5000, "a" * 100_000, "9" * 5000, "(" * 3000, "$" * 4000 + "1k"],
)
def test_never_raises(text: str) -> None:
    RuleUnderstander().analyze(text, FLOW, ["company_size", "budget"], {}, REF)


def test_a_colleagues_title_is_not_the_buyers_seniority() -> None:
    assert "seniority" not in extract("I'm talking to my CFO about it")
    assert extract("I'm the VP of ops")["seniority"] == "executive"


def test_contact_digits_and_dates_never_fill_counts() -> None:
    found = extract("call me on +1 415 555 0100 before March 15", ["company_size"])
    assert "company_size" not in found


def test_private_is_not_a_refusal() -> None:
    assert extract("we use a private cloud", ["current_tool"]) == {
        "current_tool": "a private cloud"
    }


@pytest.mark.parametrize(
    "text", ["+1 (" * 25_000, "1-" * 50_000, "x@" * 50_000, "\u202e\x07" * 500]
)
def test_hostile_inputs_stay_fast(text: str) -> None:
    import time

    started = time.perf_counter()
    RuleUnderstander().analyze(text, FLOW, ["company_size", "budget", "pain"], {}, REF)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("So Relay stores our checklists in the cloud.", "industry", None),  # a verb here
        ("Add it to our email distribution list", "industry", None),
        ("We have 40 retail stores", "industry", "retail"),
        ("We're a distribution company", "industry", "logistics"),
        ("I'm the product owner for ops tooling", "seniority", "individual"),
        ("I'm the business owner", "seniority", "executive"),
    ],
)
def test_short_synonyms_need_their_context(text: str, slot: str, value: Any) -> None:
    assert extract(text).get(slot) == value


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("bo@wrong.com. Wait, no, actually it's bo@right.com.", "bo@right.com"),
        ("actually use bo@right.com instead of bo@wrong.com", "bo@right.com"),
        ("bo@first.com, or cc anna@second.com", "bo@first.com"),
    ],
)
def test_a_corrected_email_takes_the_address_meant(text: str, email: str) -> None:
    assert extract(text, ["email"], {"email": "bo@old.com"})["email"] == email
