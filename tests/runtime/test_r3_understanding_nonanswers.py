"""A non-answer leaves its slot empty; a real "none" fills it.

"Not sure yet", "hard to say", "it depends", "TBD" do not say there is no timeline: the buyer
did not answer, so the slot is declined (the bot moves on instead of asking again what the
buyer just said they cannot tell), and the CRM does not read "no timeline". "No rush" and
"just researching" do say there is none. "No budget yet" answers the budget question: a
budget of zero, where the slot can hold it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from convodesk.runtime import Engine, load_flow, parse_flow
from convodesk.runtime.understanding import Analysis, RuleUnderstander

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")
REF = date(2026, 1, 15)

DEFLECTIONS = [
    "Not sure yet, still working that out.",
    "Hard to say at this point.",
    "It depends on what we find.",
    "it depends",
    "hard to say",
    "no idea yet",
    "TBD",
    "Too early to say.",
    "Still figuring that out.",
    "We haven't decided.",
    "Honestly it's up in the air.",
    "don't know yet",
]


def analyze(text: str, expecting: list[str], flow: Any = FLOW) -> Analysis:
    return RuleUnderstander().analyze(text, flow, expecting, {}, REF)


def values(analysis: Analysis) -> dict[str, Any]:
    return {e.slot: e.value for e in analysis.extractions}


@pytest.mark.parametrize("text", DEFLECTIONS)
def test_a_deflected_timeline_is_declined_not_none(text: str) -> None:
    found = analyze(text, ["timeline"])
    assert "timeline" not in values(found), text
    assert found.declined == ["timeline"], text


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("No rush.", "none"),
        ("We're just researching for now.", "none"),
        ("no timeline", "none"),
        ("Not urgent at all.", "none"),
        ("Not sure yet, maybe next quarter.", "next_quarter"),  # a value beats the hedge
        ("It depends, probably by March.", "this_quarter"),
    ],
)
def test_a_real_answer_still_fills_the_timeline(text: str, bucket: str) -> None:
    found = analyze(text, ["timeline"])
    assert values(found).get("timeline") == bucket
    assert found.declined == []


@pytest.mark.parametrize("text", DEFLECTIONS[:4])
def test_a_deflection_volunteered_elsewhere_sets_no_timeline(text: str) -> None:
    assert "timeline" not in values(analyze(f"We use Excel. {text}", ["current_tool"]))


def test_the_bot_moves_on_after_a_deflected_timeline_and_keeps_it_empty() -> None:
    """The cautious evaluator's conversation: the timeline question is answered with a
    non-answer; the bot asks the next question at once, and the outcome has no timeline."""
    session = Engine(FLOW).start(reference_date="2026-01-15")
    for text in ["We struggle with purchase approvals.", "Smartsheet", "150 people"]:
        turn = session.send(text)
    assert turn.asking == ["timeline"]
    turn = session.send("Not sure yet, still working that out.")
    assert turn.asking == ["committee"]
    assert "timeline" not in session.slots
    assert "timeline" in session.state.declined
    session.send("Our plant director and IT lead.")
    outcome = session.send("grace@hudson.example").outcome
    assert outcome is not None and outcome.handoff.fields["timeline"] is None


@pytest.mark.parametrize(
    "text",
    [
        "No budget yet.",
        "no budget yet",
        "We have no budget for this yet.",
        "Nothing set aside so far.",
        "We haven't allocated anything.",
        "Not yet.",
        "Nope, not yet",
        "No.",
        "Zero budget at the moment.",
    ],
)
def test_no_budget_yet_is_a_budget_of_zero(text: str) -> None:
    found = analyze(text, ["budget"])
    assert values(found) == {"budget": 0.0}, text
    assert found.declined == []


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        ("No budget yet, but we'd expect around 20k a year.", 20000.0),
        ("There's no budget limit, we'd spend $80k a year.", 80000.0),
    ],
)
def test_an_amount_beats_no_budget(text: str, budget: float) -> None:
    assert values(analyze(text, ["budget"]))["budget"] == budget


@pytest.mark.parametrize(
    "text",
    ["No budget limit on our side.", "No money worries here.", "No idea.", "Not sure yet."],
)
def test_phrases_that_do_not_say_zero_are_not_zero(text: str) -> None:
    assert "budget" not in values(analyze(text, ["budget"]))


def test_no_budget_volunteered_needs_the_slots_own_words() -> None:
    assert values(analyze("Spreadsheets. We have no budget yet.", ["current_tool"]))["budget"] == 0
    assert "budget" not in values(analyze("No, not yet.", ["current_tool"]))


def test_no_budget_where_zero_is_out_of_range_is_declined_not_asked_again() -> None:
    flow = parse_flow(
        "flow: t\n"
        "slots:\n"
        "  budget: {type: money, ask: 'Budget?', min: 1000, cues: [budget]}\n"
        "steps:\n"
        "  - {id: b, ask: budget}\n"
        "  - {id: e, end: true}\n",
        "t.yaml",
    ).flow
    assert flow is not None
    found = analyze("No budget yet.", ["budget"], flow)
    assert values(found) == {} and found.declined == ["budget"]
    turn = Engine(flow).start().send("No budget yet.")
    assert turn.done


@pytest.mark.parametrize(
    ("text", "committee"),
    [
        ("Not sure, probably our CFO and IT.", ["CFO", "IT"]),
        ("Hard to say, but likely the CFO.", ["CFO"]),
        ("It depends on the budget, but our CFO for sure.", ["CFO"]),
    ],
)
def test_a_hedged_committee_keeps_the_names(text: str, committee: list[str]) -> None:
    found = analyze(text, ["committee"])
    assert values(found)["committee"] == committee
    assert found.declined == []


@pytest.mark.parametrize(
    "text",
    [
        "Not sure who else yet.",
        "No idea, sorry.",
        "Hard to say.",
        "TBD",
        "It depends.",
        # Authority deflected: who decides is not said.
        "I'd have to check.",
        "That's above my pay grade.",
        "Not my call.",
        "Depends who signs off.",
        "Still being decided.",
        "Whoever signs off, not sure yet.",
    ],
)
def test_a_deflected_committee_is_declined(text: str) -> None:
    found = analyze(text, ["committee"])
    assert "committee" not in values(found) and found.declined == ["committee"]


@pytest.mark.parametrize(
    ("text", "committee"), [("Nobody yet.", ["me"]), ("No one else so far", ["me"])]
)
def test_nobody_yet_means_the_buyer_alone(text: str, committee: list[str]) -> None:
    assert values(analyze(text, ["committee"]))["committee"] == committee


@pytest.mark.parametrize("slot", ["budget", "timeline"])
@pytest.mark.parametrize("text", ["That's above my pay grade.", "I'd have to check."])
def test_an_authority_deflection_declines_budget_and_timeline(slot: str, text: str) -> None:
    found = analyze(text, [slot])
    assert values(found) == {} and found.declined == [slot]
