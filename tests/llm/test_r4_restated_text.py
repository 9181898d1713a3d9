"""LLM understanding: a text value that only restates other slots' facts is no answer.

The rule path leaves "What brings you to Relay today?" open when the buyer only says "Hi, we
are 400 people" (tests/runtime/test_r4_free_text_residue.py). A model that copies that
sentence into `pain` must not close the question either; a real pain that mentions a number
keeps its words. The model's replies come over real HTTP from the loopback server.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from convodesk.llm.understanding import LLMUnderstander, PrecomputedUnderstander
from convodesk.runtime import Engine, load_flow

TODAY = date(2026, 1, 15)


@pytest.fixture
def flow(example_flow_path):  # type: ignore[no-untyped-def]
    return load_flow(example_flow_path)


def replying(slots: dict[str, Any]):  # type: ignore[no-untyped-def]
    reply = json.dumps({"slots": slots})
    return lambda request: reply


async def read(fake, client_for, flow, text: str, slots: dict[str, Any], asked: list[str]):  # type: ignore[no-untyped-def]
    fake.script = replying(slots)
    llm = LLMUnderstander(client_for(fake))
    analysis = await llm.analyze_async(text, flow, asked, {}, TODAY, conversation="c", turn=1)
    assert analysis.source == "llm" and fake.calls == 1
    return analysis, {e.slot: e.value for e in analysis.extractions}


@pytest.mark.parametrize(
    ("text", "slots", "asked", "kept"),
    [
        (
            "Hi, we are 400 people",
            {"pain": "we are 400 people", "company_size": 400},
            ["pain"],
            {"company_size": 400},
        ),
        # The model's own paraphrase of the size is no pain either.
        (
            "Hi, we are 400 people",
            {"pain": "The company has 400 employees", "company_size": 400},
            ["pain"],
            {"company_size": 400},
        ),
        # The model left the size out, the rules read it: still only the size.
        (
            "Hello! We have about 450 employees.",
            {"pain": "We have about 450 employees"},
            ["pain"],
            {},
        ),
        (
            "I'm the CTO",
            {"pain": "I'm the CTO", "role": "CTO", "seniority": "executive"},
            ["pain"],
            {"role": "CTO", "seniority": "executive"},
        ),
        ("We use Excel", {"pain": "We use Excel", "current_tool": "Excel"}, ["pain"], {}),
        (
            "We're about 200 people",
            {"current_tool": "about 200 people", "company_size": 200},
            ["current_tool"],
            {"company_size": 200},
        ),
        (
            "We're about 300 people",
            {"committee": ["300 people"], "company_size": 300},
            ["committee"],
            {"company_size": 300},
        ),
    ],
)
async def test_a_text_value_that_only_restates_other_facts_is_dropped(
    fake, client_for, flow, text, slots, asked, kept
) -> None:
    analysis, values = await read(fake, client_for, flow, text, slots, asked)
    (name,) = asked
    assert name not in values
    assert {k: v for k, v in values.items() if k in kept} == kept
    assert "dropped values that only restate other slots" in analysis.note
    shown = slots[name] if not isinstance(slots[name], list) else [slots[name][0].lower()]
    assert f"{name}={shown!r}" in analysis.note


@pytest.mark.parametrize(
    ("text", "pain"),
    [
        (
            "Hi, we waste 10 hours a week on manual reports",
            "we waste 10 hours a week on manual reports",
        ),
        ("Our 400 reps can't see pipeline", "400 reps can't see pipeline"),
        ("We're 400 people and it's chaos", "400 people and it's chaos"),
        ("Our team of 40 is buried in spreadsheets", "a team of 40 buried in spreadsheets"),
    ],
)
async def test_a_real_pain_that_mentions_a_number_stays(fake, client_for, flow, text, pain) -> None:
    slots = {"pain": pain, "company_size": 400} if "400" in text else {"pain": pain}
    analysis, values = await read(fake, client_for, flow, text, slots, ["pain"])
    assert values["pain"] == pain
    assert "restate" not in analysis.note


async def test_the_rules_pain_stands_when_the_model_copied_the_size(fake, client_for, flow) -> None:
    text = "We're 400 people. Reporting takes forever."
    slots = {"pain": "We're 400 people", "company_size": 400}
    analysis, values = await read(fake, client_for, flow, text, slots, ["pain"])
    assert values == {"company_size": 400, "pain": "Reporting takes forever"}
    assert 'pain="We\'re 400 people" (only company_size)' in analysis.note


async def test_the_engine_asks_for_the_pain_again_and_the_transcript_says_why(
    fake, client_for, flow
) -> None:
    fake.script = replying({"pain": "we are 400 people", "company_size": 400})
    hook = PrecomputedUnderstander(LLMUnderstander(client_for(fake)))
    session = Engine(flow, understander=hook).start(reference_date=TODAY.isoformat())
    turn = await hook.send(session, "Hi, we are 400 people", conversation="c")
    assert turn.asking == ["pain"]
    assert "pain" not in session.state.slots
    assert session.slots["company_size"] == 400
    assert session.state.slots["company_size"].source == "llm"
    notes = [e.detail for e in turn.events if e.kind == "understanding"]
    assert any("pain='we are 400 people' (only company_size)" in n for n in notes), notes
