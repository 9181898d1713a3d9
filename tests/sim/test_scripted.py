"""The scripted buyer: deterministic per seed, and every behaviour the persona file names."""

from __future__ import annotations

import asyncio

from convodesk.runtime.model import Flow
from convodesk.runtime.state import Message, Turn
from convodesk.sim.scripted import ScriptedPersona

from .conftest import make_persona
from .helpers import check, converse


def buyer_lines(flow: Flow, seed: int, **persona: object) -> list[str]:
    c = converse(flow, make_persona(behavior={"verbosity": "normal"}, **persona), seed=seed)
    return [m.text for m in c.state.transcript if m.role == "buyer"]


def test_same_seed_same_words_other_seeds_other_words(tiny_flow: Flow) -> None:
    assert buyer_lines(tiny_flow, 1) == buyer_lines(tiny_flow, 1)
    variants = {tuple(buyer_lines(tiny_flow, seed)) for seed in range(8)}
    assert len(variants) > 1


def test_volunteers_facts_up_front_and_the_bot_skips_them(tiny_flow: Flow) -> None:
    c = converse(tiny_flow, make_persona(behavior={"volunteers": ["tool"], "verbosity": "normal"}))
    opening = next(m.text for m in c.state.transcript if m.role == "buyer")
    assert "spreadsheets" in opening
    assert next(a.kind for a in c.actions) == "volunteered"
    assert c.state.slots["tool"].value == "spreadsheets" and c.state.slots["tool"].turn == 1
    asked = [m for m in c.state.transcript if m.role == "bot" and "tool" in m.asking]
    assert asked == [], "the bot re-asked a slot the buyer had volunteered"
    assert any(e.kind == "skipped_step" and e.detail == "tool" for _, e in c.events)
    assert not any(a.kind == "answered" and a.fact == "tool" for a in c.actions)


def test_asks_questions_at_the_turns_given() -> None:
    persona = make_persona(behavior={"asks": [{"text": "Do you do SSO?", "at": 2}]})
    driver = ScriptedPersona(persona, seed=0)
    asking = Turn(asking=["size"])
    first = driver.first_message(asking, [])
    second = driver.next_message(Turn(asking=["tool"]), [])
    assert first is not None and "SSO" not in first
    assert second is not None and second.endswith("Do you do SSO?")
    assert [a.turn for a in driver.actions if a.kind == "asked"] == [2]


def test_corrects_itself_in_the_next_message(tiny_flow: Flow) -> None:
    persona = make_persona(
        behavior={"corrects": [{"fact": "size", "said": 300}]}, expect={"slots": {"size": 500}}
    )
    c = converse(tiny_flow, persona)
    said = [m.text for m in c.state.transcript if m.role == "buyer"]
    assert any("300" in s for s in said)
    assert any(s.lower().startswith(("actually", "wait, actually")) and "500" in s for s in said)
    assert c.state.slots["size"].value == 500 and c.state.slots["size"].previous == [300]


def test_refuses_and_deflects() -> None:
    persona = make_persona(behavior={"refuses": ["budget"], "deflects": ["team"]})
    driver = ScriptedPersona(persona, seed=3)
    driver.first_message(Turn(asking=["size"]), [])
    refusal = driver.next_message(Turn(asking=["budget"]), [])
    deflection = driver.next_message(Turn(asking=["team"]), [])
    assert refusal is not None and "20000" not in refusal and "20,000" not in refusal
    assert deflection is not None and "CFO" not in deflection
    assert [a.kind for a in driver.actions][-2:] == ["refused", "deflected"]


def test_leaves_when_patience_runs_out_and_repeats_cost_double() -> None:
    driver = ScriptedPersona(make_persona(behavior={"patience": 4}), seed=0)
    assert driver.first_message(Turn(asking=["size"]), []) is not None  # 1
    assert driver.next_message(Turn(asking=["tool"]), []) is not None  # 2
    assert driver.next_message(Turn(asking=["tool"]), []) is not None  # repeated: 4
    assert driver.next_message(Turn(asking=["team"]), []) is None
    assert driver.actions[-1].kind == "left" and "team" in driver.actions[-1].detail


def test_leaving_ends_the_conversation_with_drop_off(tiny_flow: Flow) -> None:
    c = converse(tiny_flow, make_persona(behavior={"patience": 2}))
    assert c.left and c.left_while_asking == ["budget"]
    assert c.outcome.ended_by == "abandoned"


def test_recognises_the_question_from_its_text(tiny_flow: Flow) -> None:
    driver = ScriptedPersona(make_persona(), seed=0, flow=tiny_flow)
    history = [Message(role="bot", text="What do you use today?")]
    assert driver.recognise(Turn(), history) == ["tool"]
    assert driver.recognise(Turn(), [Message(role="bot", text="And your email?")]) == ["email"]
    assert driver.recognise(Turn(), [Message(role="bot", text="Thanks.")]) == []


def test_async_protocol_wraps_the_same_core() -> None:
    persona = make_persona()
    a, b = ScriptedPersona(persona, seed=5), ScriptedPersona(persona, seed=5)
    turn = Turn(asking=["size"])
    assert asyncio.run(a.opening(turn, [])) == b.first_message(turn, [])


def test_corrects_the_last_question_in_the_same_message(tiny_flow: Flow) -> None:
    # email is the flow's last question: after it the bot only says goodbye, so a correction
    # left for "the next message" would never be said
    persona = make_persona(
        profile={"email": "bo@right.example"},
        behavior={"corrects": [{"fact": "email", "said": "bo@wrong.example"}]},
        expect={"slots": {"email": "bo@right.example"}},
    )
    c = converse(tiny_flow, persona)
    last = [m.text for m in c.state.transcript if m.role == "buyer"][-1]
    assert last.index("bo@wrong.example") < last.index("bo@right.example")
    assert "actually" in last.lower()
    assert [a.kind for a in c.actions if a.fact == "email"] == ["answered", "corrected"]
    assert c.state.slots["email"].value == "bo@right.example"
    assert next(r for r in c.checks if r.id == "slots_captured").status == "pass"


def test_corrects_an_earlier_answer_in_the_next_message_not_the_same(tiny_flow: Flow) -> None:
    persona = make_persona(behavior={"corrects": [{"fact": "size", "said": 300}]})
    c = converse(tiny_flow, persona)
    buyer = [m.text for m in c.state.transcript if m.role == "buyer"]
    assert "300" in buyer[0] and "500" not in buyer[0]
    assert "500" in buyer[1]


def test_a_correction_the_conversation_ends_before_is_explained(tiny_flow: Flow) -> None:
    # a student is disqualified on the first message, before the buyer can correct the size
    persona = make_persona(
        behavior={
            "opening": "I'm a student.",
            "volunteers": ["size"],
            "corrects": [{"fact": "size", "said": 300}],
        },
        expect={"route": "disqualify", "slots": {"size": 500}},
    )
    c = converse(tiny_flow, persona)
    assert c.outcome.disqualified == "student" and c.turns == 1
    status, why = check(c, "slots_captured")
    assert status == "fail"
    assert "the buyer said 300 on purpose (behavior.corrects)" in why
    assert "ended before they could correct it" in why


def test_deflects_every_time_and_the_bot_gives_up(tiny_flow: Flow) -> None:
    persona = make_persona(behavior={"deflects": ["tool"], "patience": 20})
    c = converse(tiny_flow, persona)
    deflected = [a for a in c.actions if a.kind == "deflected"]
    assert [a.fact for a in deflected] == ["tool"] * 3  # the question and both re-asks
    assert "tool" in c.state.skipped and "tool" not in c.state.slots
    assert "spreadsheets" not in " ".join(m.text for m in c.state.transcript if m.role == "buyer")


def test_list_answers_never_double_up_possessives() -> None:
    import random

    from convodesk.sim import phrasing

    said = set()
    for seed in range(40):
        rng = random.Random(seed)
        said.add(phrasing.answer("committee", None, ["my business partner"], rng, "normal"))
        said.add(phrasing.volunteer("committee", None, ["my business partner"], rng))
    assert all("my business partner" in s.lower() for s in said)
    assert not any(s.lower().startswith(("our my", "the my")) or "our my" in s for s in said)
    assert len(said) >= 4


def test_a_terse_answer_before_a_question_ends_with_a_full_stop() -> None:
    persona = make_persona(behavior={"asks": [{"text": "Do you do SSO?", "at": 2}]})
    driver = ScriptedPersona(persona, seed=0)
    driver.first_message(Turn(asking=["size"]), [])
    assert driver.next_message(Turn(asking=["tool"]), []) == "spreadsheets. Do you do SSO?"
    assert driver.next_message(Turn(asking=["size"]), []) == "500"  # alone: bare, as typed


def test_message_punctuates_every_part_but_the_last() -> None:
    from convodesk.sim.phrasing import message

    assert message(["500", "CFO and IT lead", "Do you do SSO?"]) == (
        "500. CFO and IT lead. Do you do SSO?"
    )
    assert message(["Sure.", "Is it on premise?", "ok"]) == "Sure. Is it on premise? ok"
    assert message(["spreadsheets"]) == "spreadsheets"
    assert message([" a@b.example ", "", "Thanks!"]) == "a@b.example. Thanks!"
