"""The engine's turn logic: step kinds, give-before-ask, volunteered slots, corrections,
disqualifiers, routes, handoff payload, state round-trip and determinism."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from convodesk.runtime import ActionResult, Engine, Flow, StateError, load_flow, parse_flow

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")
DATE = "2026-01-15"


def clock() -> datetime:
    return datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def engine(flow: Flow = FLOW, **kwargs: object) -> Engine:
    return Engine(flow, clock=clock, **kwargs)  # type: ignore[arg-type]


def flow_of(text: str) -> Flow:
    loaded = parse_flow(textwrap.dedent(text), "t.yaml")
    assert loaded.flow is not None, loaded.problems
    return loaded.flow


def bot_kinds(session) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.kind for m in session.state.transcript if m.role == "bot"]


def test_opening_discloses_and_asks_first_question() -> None:
    session = engine().start(reference_date=DATE)
    assert session.opening.messages == [
        "Hi, I'm Ava, Relay's AI assistant. This chat is recorded so our team can follow up. "
        "What brings you to Relay today?"
    ]
    assert session.opening.asking == ["pain"]
    assert not session.opening.done


def test_disclosure_is_prepended_when_first_step_does_not_include_it() -> None:
    flow = flow_of("""\
        flow: t
        bot: {disclosure: "I'm an AI assistant; this chat is recorded."}
        slots: {n: {type: integer, ask: "How many people?"}}
        steps:
          - {id: a, ask: n}
          - {id: e, end: true}
        """)
    session = engine(flow).start()
    assert session.opening.messages == [
        "I'm an AI assistant; this chat is recorded.",
        "How many people?",
    ]


def test_give_before_ask_answers_then_reasks() -> None:
    session = engine().start(reference_date=DATE)
    session.send("We're drowning in spreadsheets")
    turn = session.send("Do you support SSO?")
    assert turn.messages[0].startswith("Yes: SAML 2.0")
    assert turn.messages[-1] == "What are you using for this today?"
    assert turn.asking == ["current_tool"]
    assert session.state.reasks == 0


def test_unknown_question_is_outstanding_and_human_offered_once() -> None:
    session = engine().start(reference_date=DATE)
    turn = session.send("Can I pay in bitcoin?")
    assert turn.messages[:2] == [FLOW.bot.dont_know, FLOW.bot.offer_human]
    assert session.state.outstanding == ["Can I pay in bitcoin?"]
    turn = session.send("Do you have a blockchain module?")
    assert FLOW.bot.offer_human not in turn.messages
    assert len(session.state.outstanding) == 2


def test_volunteered_facts_fill_slots_and_skip_questions() -> None:
    session = engine().start(reference_date=DATE)
    turn = session.send(
        "We're a 500-person manufacturer and we use spreadsheets and Walnut; "
        "we need to replace them this quarter."
    )
    slots = session.slots
    assert slots["company_size"] == 500
    assert slots["industry"] == "manufacturing"
    assert slots["timeline"] == "this_quarter"
    assert "spreadsheets" in slots["current_tool"].lower()
    # tool, size and timeline are known: the next question is budget (fit and timeline qualify) or committee
    assert turn.asking in (["budget"], ["committee"])
    asked = [m.asking for m in session.state.transcript if m.role == "bot" and m.asking]
    assert ["current_tool"] not in asked and ["company_size"] not in asked


def test_correction_updates_a_filled_slot() -> None:
    session = engine().start(reference_date=DATE)
    session.send("Our team wastes hours on manual reports")
    session.send("Spreadsheets")
    session.send("500")
    assert session.slots["company_size"] == 500
    session.send("Actually we're 800 people now. Timeline is this quarter")
    assert session.slots["company_size"] == 800
    assert session.state.slots["company_size"].previous == [500]
    assert session.state.slots["company_size"].source == "correction"


def test_filled_slot_is_not_overwritten_without_a_correction() -> None:
    session = engine().start(reference_date=DATE)
    session.send("We have 300 employees and need better planning")
    assert session.slots["company_size"] == 300
    session.send("Spreadsheets, used by 40 people")
    assert session.slots["company_size"] == 300


def test_reask_at_most_twice_then_move_on() -> None:
    session = engine().start(reference_date=DATE)
    session.send("Inventory planning is a mess")
    session.send("Spreadsheets")
    first = session.send("banana")
    assert first.asking == ["company_size"] and bot_kinds(session)[-1] == "reask"
    second = session.send("banana")
    assert second.asking == ["company_size"] and bot_kinds(session)[-1] == "reask"
    third = session.send("banana")
    assert third.asking == ["timeline"]
    assert session.state.skipped == ["company_size"]


def test_declined_budget_moves_on_without_reask() -> None:
    session = engine().start(reference_date=DATE)
    for message in ["Planning across plants is chaos", "Excel", "1200 employees", "this quarter"]:
        turn = session.send(message)
    assert turn.asking == ["budget"]
    turn = session.send("I'd rather not say")
    assert turn.asking == ["committee"]
    assert session.state.declined == ["budget"]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("Hi, I'm a student working on my thesis about operations software", "student"),
        ("Are you hiring? I'd like to send my resume", "job_seeker"),
        ("We're already a customer and I can't log in to our account", "existing_customer_support"),
        ("Hello, doing some competitive research on workflow tools", "competitor"),
        ("We're based in Brazil and need help with our warehouses", "unsupported_region"),
    ],
)
def test_disqualifiers_end_politely(message: str, reason: str) -> None:
    session = engine().start(reference_date=DATE)
    turn = session.send(message)
    assert turn.done
    assert turn.outcome is not None
    assert turn.outcome.route == "disqualify"
    assert turn.outcome.disqualified == reason
    assert turn.outcome.ended_by == "disqualify"
    assert turn.messages  # a polite close-out, never silence


def test_competitor_email_domain_disqualifies_mid_conversation() -> None:
    session = engine().start(reference_date=DATE)
    session.send("Need better ops tooling")
    turn = session.send("Reach me at sam@opsgrid.io, we use our own tool")
    assert turn.done and turn.outcome is not None and turn.outcome.disqualified == "competitor"


def test_support_disqualifier_routes_to_support_owner() -> None:
    session = engine().start(reference_date=DATE)
    turn = session.send("I'm an existing customer and our dashboard stopped working")
    assert turn.outcome is not None
    assert turn.outcome.next_action.action == "route_to_support"
    assert turn.outcome.next_action.owner == "support"


def test_human_request_hands_off() -> None:
    session = engine().start(reference_date=DATE)
    turn = session.send("Can I talk to a real person please?")
    assert turn.done and turn.outcome is not None
    assert turn.outcome.ended_by == "handoff"
    assert turn.outcome.next_action.action == "human_followup"
    assert turn.messages[-1] == FLOW.bot.human_handoff


WARM = [
    "We're a 600-person manufacturer and our planning lives in spreadsheets that keep breaking",
    "Excel and email",
    "this quarter, our renewal is coming up",
    "about $80k a year",
    "me, our CFO and the IT lead",
    "jen@acme-mfg.com",
]


def run(messages: list[str], eng: Engine | None = None, context: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    session = (eng or engine()).start(
        context=context or {"page": "/pricing", "utm_campaign": "q1"}, reference_date=DATE
    )
    for message in messages:
        if session.done:
            break
        session.send(message)
    return session


def test_warm_route_with_reasons_and_payload() -> None:
    session = run(["I'm the VP of Operations. " + WARM[0], *WARM[1:]])
    outcome = session.outcome
    assert outcome is not None, session.state.transcript
    assert outcome.route == "warm"
    assert outcome.reasons[0].startswith("route warm:")
    assert any(r.startswith("fit +40") for r in outcome.reasons)
    payload = outcome.handoff
    assert (
        payload.flow.id == "saas_inbound"
        and payload.flow.version == 1
        and len(payload.flow.hash) == 16
    )
    assert payload.timestamp == "2026-01-15T09:30:00+00:00"
    assert payload.fields["email"] == "jen@acme-mfg.com"
    assert payload.fields["page"] == "/pricing"
    assert payload.source == {"page": "/pricing", "utm_campaign": "q1"}
    assert (
        payload.next_action.action == "book_meeting"
        and payload.next_action.owner == "account_executive"
    )
    assert payload.transcript[0]["role"] == "bot" and payload.transcript[1]["role"] == "buyer"
    assert (
        outcome.scores.fit >= 60 and outcome.scores.intent >= 60 and outcome.scores.capacity >= 40
    )


def test_action_handlers_and_handoff_callback() -> None:
    booked: list[dict[str, object]] = []
    payloads = []

    def book(request):  # type: ignore[no-untyped-def]
        booked.append(dict(request.slots))
        return ActionResult(message="Booked: Tuesday 10:00 with Sam.")

    eng = engine(actions={"book_meeting": book}, on_handoff=payloads.append)
    session = run(["I'm the VP of Operations. " + WARM[0], *WARM[1:]], eng)
    assert session.outcome is not None and session.outcome.route == "warm"
    assert booked and booked[0]["email"] == "jen@acme-mfg.com"
    assert "Booked: Tuesday 10:00 with Sam." in [m.text for m in session.state.transcript]
    assert session.outcome.next_action.status == "done"
    assert len(payloads) == 1 and payloads[0].route == "warm"


def test_failing_handler_never_breaks_the_chat() -> None:
    def broken(request):  # type: ignore[no-untyped-def]
        raise RuntimeError("calendar API down")

    def crm_down(payload):  # type: ignore[no-untyped-def]
        raise ConnectionError("CRM unreachable")

    session = run(
        ["I'm the VP of Operations. " + WARM[0], *WARM[1:]],
        engine(actions={"book_meeting": broken}, on_handoff=crm_down),
    )
    assert session.outcome is not None
    assert session.outcome.next_action.status == "failed"
    assert "calendar API down" in session.outcome.next_action.detail


def test_nurture_for_early_small_buyer() -> None:
    session = run(
        [
            "just exploring options",
            "Google Sheets",
            "8 people",
            "no rush",
            "just me",
            "x@tiny.example",
        ]
    )
    assert session.outcome is not None and session.outcome.route == "nurture"


def test_state_round_trip_gives_identical_conversation() -> None:
    eng = engine()
    straight = run(WARM, eng)
    session = eng.start(context={"page": "/pricing", "utm_campaign": "q1"}, reference_date=DATE)
    for message in WARM:
        if session.done:
            break
        saved = session.state.model_dump_json()
        session = eng.resume(saved)
        session.send(message)
    assert session.state.model_dump() == straight.state.model_dump()


def test_same_input_same_output() -> None:
    first = run(WARM).state.model_dump_json()
    second = run(WARM).state.model_dump_json()
    assert first == second


def test_resume_refuses_foreign_or_tampered_state() -> None:
    eng = engine()
    session = eng.start(reference_date=DATE)
    saved = json.loads(session.state.model_dump_json())
    other = engine(FLOW.model_copy(update={"version": 2}))
    with pytest.raises(StateError, match="v1"):
        other.resume(json.dumps(saved))
    tampered = dict(saved, step="nowhere")
    with pytest.raises(StateError, match="tampered"):
        eng.resume(json.dumps(tampered))
    with pytest.raises(StateError, match="not a valid session state"):
        eng.resume("{not json")
    with pytest.raises(StateError, match="unknown slot"):
        eng.resume(json.dumps(dict(saved, slots={"salary": {"value": 1}})))


def test_done_session_ignores_further_messages() -> None:
    session = run(["I'm a student doing homework"])
    assert session.done
    turn = session.send("hello?")
    assert turn.done and turn.messages == []


def test_close_gives_partial_outcome() -> None:
    session = engine().start(reference_date=DATE)
    session.send("We need to fix our scheduling mess")
    turn = session.close("persona left")
    assert turn.done and turn.outcome is not None and turn.outcome.ended_by == "abandoned"
    assert turn.outcome.handoff.slots == {"pain": "We need to fix our scheduling mess"}


def test_huge_message_is_truncated_and_recorded() -> None:
    session = engine().start(reference_date=DATE)
    turn = session.send("x" * 100_000)
    assert (
        len(session.state.transcript[-2 if turn.messages else -1].text)
        <= FLOW.bot.max_message_chars
    )
    assert any(e.kind == "truncated" for e in turn.events)


def test_step_kinds_branch_action_handoff_say() -> None:
    flow = flow_of("""\
        flow: kinds
        bot: {disclosure: "AI assistant here; chat recorded."}
        slots:
          size: {type: integer, ask: "How many people?", cues: [people]}
          ok: {type: boolean, ask: "Shall I book a call?"}
        steps:
          - {id: hello, say: "Welcome!"}
          - {id: size, ask: size}
          - id: split
            branch:
              - {when: "size >= 100", next: big}
              - {next: small}
          - {id: big, ask: ok}
          - {id: decide, branch: [{when: "ok == true", next: book}, {next: human}]}
          - {id: book, action: book_meeting, params: {length: 30}, say: "Booking now.", next: bye}
          - {id: human, handoff: sales, say: "Passing you to sales."}
          - {id: small, say: "Thanks, here's our guide."}
          - {id: bye, end: true, say: "Bye!"}
        """)
    calls = []
    eng = engine(
        flow, actions={"book_meeting": lambda r: calls.append(dict(r.params)) or "Booked."}
    )
    session = eng.start()
    assert session.opening.messages == [
        "AI assistant here; chat recorded.",
        "Welcome!",
        "How many people?",
    ]
    session.send("250")
    turn = session.send("yes")
    assert turn.messages == ["Booking now.", "Booked.", "Bye!"]
    assert calls == [{"length": 30}]
    assert session.outcome is not None and session.outcome.ended_by == "end"

    session = eng.start()
    session.send("250")
    turn = session.send("no")
    assert turn.messages == ["Passing you to sales."]
    assert session.outcome is not None and session.outcome.ended_by == "handoff"
    assert session.outcome.next_action.owner == "sales"

    session = eng.start()
    turn = session.send("12 people")
    assert turn.messages == ["Thanks, here's our guide.", "Bye!"] and turn.done


def test_conditional_ask_step_is_skipped_when_false() -> None:
    session = run(["We need to fix our scheduling", "Excel", "30 people", "next year"])
    asked = [m.asking for m in session.state.transcript if m.asking]
    assert ["budget"] not in asked  # fit too low and timeline too far for the budget question


def test_close_at_a_turn_cap_is_not_an_abandonment() -> None:
    session = engine().start(reference_date=DATE)
    turn = session.close("turn cap of 40 reached", ended_by="limit")
    assert turn.outcome is not None and turn.outcome.ended_by == "limit"
    with pytest.raises(ValueError):
        engine().start().close(ended_by="route")


def test_signed_state_refuses_edited_slot_values() -> None:
    eng = engine(secret="s3cret-key-for-tests")
    session = eng.start(reference_date=DATE)
    session.send("We need better planning")
    saved = eng.dump(session)
    assert eng.resume(saved).state == session.state
    sealed = json.loads(saved)
    forged = sealed["state"].replace("We need better planning", "We need 5000 seats now")
    with pytest.raises(StateError, match="signature does not match"):
        eng.resume(json.dumps({**sealed, "state": forged}))
    with pytest.raises(StateError, match="not signed"):
        eng.resume(forged)
    with pytest.raises(StateError, match="has no secret"):
        engine().resume(saved)
    with pytest.raises(ValueError, match="at least 16 bytes"):
        engine(secret="short")


DISCLOSURE = FLOW.bot.disclosure


def test_compound_question_gets_every_answer_then_the_question() -> None:
    session = engine().start(reference_date=DATE)
    turn = session.send("Is it GDPR compliant and do you have an API?")
    answers = {e.id: e.answer for e in FLOW.knowledge}
    assert turn.messages == [answers["gdpr"], answers["api"], "What brings you to Relay today?"]
    assert session.state.answered == ["gdpr", "api"]
    assert session.state.outstanding == []


def test_unanswered_part_is_outstanding_and_said_once() -> None:
    session = engine().start(reference_date=DATE)
    turn = session.send(
        "Is it GDPR compliant, and can I pay in bitcoin? Is there a crypto discount?"
    )
    answers = {e.id: e.answer for e in FLOW.knowledge}
    assert turn.messages[:3] == [answers["gdpr"], FLOW.bot.dont_know, FLOW.bot.offer_human]
    assert turn.messages.count(FLOW.bot.dont_know) == 1
    assert session.state.outstanding == ["can I pay in bitcoin?", "Is there a crypto discount?"]
    assert [e.detail for e in turn.events if e.kind == "outstanding"] == session.state.outstanding


def test_an_entry_asked_twice_in_one_message_is_answered_once() -> None:
    session = engine().start(reference_date=DATE)
    turn = session.send("Do you support SSO? Does it work with Okta?")
    assert [m for m in turn.messages if m.startswith("Yes: SAML")] != []
    assert len([m for m in turn.messages if m.startswith("Yes: SAML")]) == 1


def test_disclosure_is_said_once_per_session() -> None:
    session = engine().start(reference_date=DATE)
    assert session.opening.messages[0].startswith(DISCLOSURE)
    first = session.send("Hi, do you support SSO?")
    assert first.messages == [
        next(e.answer for e in FLOW.knowledge if e.id == "sso"),
        "What brings you to Relay today?",
    ]
    again = session.send("Is there a free trial?")
    assert again.messages[-1] == "What brings you to Relay today?"
    bot_lines = [m.text for m in session.state.transcript if m.role == "bot"]
    assert sum(DISCLOSURE in line for line in bot_lines) == 1


def test_reask_of_a_greeting_repeats_only_its_question() -> None:
    flow = flow_of("""\
        flow: t
        bot: {name: Ava, disclosure: "I'm Ava, an AI assistant; this chat is recorded."}
        slots:
          n: {type: integer, ask: "How many people?"}
        steps:
          - {id: hi, say: "Welcome to Acme! {bot.disclosure} How many people work there?", collect: n}
          - {id: e, end: true}
        """)
    session = engine(flow).start()
    assert session.opening.messages == [
        "Welcome to Acme! I'm Ava, an AI assistant; this chat is recorded. How many people work there?"
    ]
    turn = session.send("banana")
    assert turn.messages == ["Sorry, I didn't catch that. How many people work there?"]


def test_question_part_keeps_text_that_asks_without_a_question_mark() -> None:
    from convodesk.runtime.session import question_part

    assert (
        question_part("Thanks! Last one: who else is involved?")
        == "Last one: who else is involved?"
    )
    assert question_part("Tell me about your team.") == "Tell me about your team."
    assert question_part("Great. How big? Roughly is fine.") == "How big? Roughly is fine."


class _Guessing:
    """An understander that puts whatever it likes into a slot (as a buggy plug-in might)."""

    def __init__(self, value: object) -> None:
        self.value = value

    def analyze(self, text, flow, expecting, filled, reference_date):  # type: ignore[no-untyped-def]
        from convodesk.runtime.understanding import Analysis, Extraction

        return Analysis(text=text, extractions=[Extraction("company_size", self.value, text)])


SIZE_FLOW = """\
    flow: sized
    slots: {company_size: {type: integer, ask: "How many people?"}}
    steps:
      - {id: size, ask: company_size}
      - {id: e, end: true}
    """


@pytest.mark.parametrize("value", ["lots", [1, 2], None, {"a": 1}, True, 12.5])
def test_wrong_typed_extractions_are_not_stored(value: object) -> None:
    flow = flow_of(SIZE_FLOW)
    session = engine(flow, understander=_Guessing(value)).start()
    turn = session.send("whatever")
    assert "company_size" not in session.state.slots
    assert [e.kind for e in turn.events if e.slot == "company_size"] == ["invalid"]
    assert turn.asking == ["company_size"]  # an unusable answer: asked again
    assert engine(flow).resume(session.state.model_dump_json()).state.slots == {}
    stored = engine(flow, understander=_Guessing(40)).start()
    stored.send("40")
    assert stored.slots == {"company_size": 40}
