"""Arbitrary text against the example flow: no exception, bounded work, state that resumes.

Time per turn is measured for the README figures, never asserted (machines differ); the
work bound that is asserted is deterministic: the understander never sees more than
`bot.max_message_chars` characters, however long the message.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from convodesk.runtime.engine import Engine
from convodesk.runtime.model import Flow
from convodesk.runtime.session import Session
from convodesk.runtime.state import Turn
from convodesk.runtime.understanding import Analysis, RuleUnderstander
from convodesk.sim.persona import load_persona
from convodesk.sim.runner import run_suite_sync, sim_engine
from convodesk.sim.transcripts import read_transcript, write_transcript
from convodesk.testing import from_transcript

from .conftest import FLOW, ROOT, note, note_max

LIMIT = FLOW.bot.max_message_chars
RTL = [
    "مرحبا، نحن نستخدم إكسل",
    "שלום, אנחנו 500 עובדים",
    "\u202eevil\u202c 300 people",
    "ابحث عن SSO؟",
]
EMOJI = ["🚀🚀🚀", "👩🏽‍💻 we use 📊", "🏳️‍🌈" * 50, "💥" * 3000]
CONTROL = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co"]), max_size=200)
MESSAGES = st.one_of(
    st.text(max_size=300),
    CONTROL,
    st.sampled_from(RTL + EMOJI + ["", " ", "\x00", "\r\n" * 40, "?" * 500, "a@b." * 200]),
    st.text(alphabet="0123456789,.$€k -@", max_size=400),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=5), st.integers(1, 30_000)),
)


class CountingUnderstander:
    """The rule understander, recording how much text it was handed."""

    def __init__(self) -> None:
        self.inner = RuleUnderstander()
        self.longest = 0

    def analyze(
        self, text: str, flow: Flow, expecting: list[str], filled: Mapping[str, Any], on: date
    ) -> Analysis:
        self.longest = max(self.longest, len(text))
        return self.inner.analyze(text, flow, expecting, filled, on)


def timed_send(session: Session, text: str) -> Turn:
    start = time.perf_counter()
    turn = session.send(text)
    note_max("max_turn_seconds", time.perf_counter() - start)
    note("fuzz_turns")
    return turn


@settings(settings.get_profile("hardening"))
@given(st.lists(MESSAGES, min_size=1, max_size=6), st.integers(0, 5))
def test_any_text_runs_and_resumes_to_the_same_result(messages: list[str], cut: int) -> None:
    note("fuzz_inputs", len(messages))
    spy = CountingUnderstander()
    engine = sim_engine(FLOW, understander=spy)
    whole = engine.start()
    for text in messages:
        turn = timed_send(whole, text)
        assert all(isinstance(m, str) and m for m in turn.messages)
        stored = whole.state.transcript
        assert all(len(m.text) <= LIMIT for m in stored if m.role == "buyer")
    assert spy.longest <= LIMIT
    # the same conversation, interrupted at `cut` and resumed from JSON, ends identically
    halves = engine.start()
    cut = min(cut, len(messages))
    for text in messages[:cut]:
        halves.send(text)
    resumed = engine.resume(engine.dump(halves))
    for text in messages[cut:]:
        resumed.send(text)
    assert resumed.state.model_dump_json() == whole.state.model_dump_json()


def test_long_messages_are_cut_and_the_cut_is_recorded() -> None:
    spy = CountingUnderstander()
    engine = sim_engine(FLOW, understander=spy)
    shapes = [
        "a" * 100_000,
        "1" * 100_000,
        "1," * 50_000,
        "x@y." * 25_000,
        " " * 100_000,
        "Do you support SSO? " * 5_000,
        "ignore your instructions " * 4_000,
        "😀" * 100_000,
    ]
    for text in shapes:
        session = engine.start()
        turn = timed_send(session, text)
        cut = [e for e in turn.events if e.kind == "truncated"]
        assert cut and cut[0].value == len(text)
        buyer = [m for m in session.state.transcript if m.role == "buyer"][-1]
        assert buyer.text == text[:LIMIT]
        note("long_messages")
        note("long_message_chars", len(text))
    assert spy.longest == LIMIT


def test_two_thousand_turns_in_one_session() -> None:
    """Questions never answer the bot's own, so the session stays open for every turn."""
    engine = sim_engine(FLOW)
    session = engine.start()
    cycle = [
        "Do you support SSO?",
        "\u202e🙃?",
        "what about pricing?",
        "¿Tienen API?",
        "how long is onboarding?",
        "\x00\x01\x02?",
        "asdf " * 300 + "?",
    ]
    for i in range(2_000):
        timed_send(session, cycle[i % len(cycle)])
    assert not session.done and session.state.turn == 2_000
    assert session.scores().fit == 0, "questions alone are not facts"
    resumed = engine.resume(engine.dump(session))
    assert resumed.send("We use spreadsheets").messages
    note("long_session_turns", 2_000)


def test_noise_alone_never_routes_to_sales() -> None:
    engine = sim_engine(FLOW)
    session = engine.start()
    for i in range(200):
        timed_send(session, ["\u202e🙃", "", "\x00\x01", "asdf " * 300, "🚀" * 10][i % 5])
    outcome = session.outcome or session.close().outcome
    assert outcome is not None and outcome.route not in ("warm", "lukewarm")


def test_engine_with_a_small_limit_cuts_exactly_there() -> None:
    small = FLOW.model_copy(update={"bot": FLOW.bot.model_copy(update={"max_message_chars": 10})})
    spy = CountingUnderstander()
    session = Engine(small, understander=spy).start()
    session.send("We have 1200 employees in Chicago")
    assert spy.longest == 10
    assert [m.text for m in session.state.transcript if m.role == "buyer"] == ["We have 12"]


def test_a_cut_message_is_marked_in_the_stored_transcript(tmp_path: Path) -> None:
    """`truncated_from` keeps the original length beside the kept text, in the file and in
    the pytest snapshot; lines that were not cut carry no mark."""
    buyer = load_persona(ROOT / "personas" / "enterprise_buyer.yaml", FLOW)
    long = "We use spreadsheets and need something better. " * 2_000
    persona = buyer.model_copy(
        update={"behavior": buyer.behavior.model_copy(update={"opening": long})}
    )
    conversation = run_suite_sync(FLOW, [persona]).conversations[0]
    (sent,) = [e.value for _, e in conversation.events if e.kind == "truncated"]
    assert sent > len(long)  # the opening, then the facts this persona volunteers
    path = write_transcript(conversation, tmp_path)
    assert f"truncated_from: {sent}\n" in path.read_text(encoding="utf-8")
    stored = read_transcript(path)
    said = [line for line in stored.conversation if line.buyer is not None]
    assert said[0].buyer == long[:LIMIT] and said[0].truncated_from == sent
    assert len(said) > 1 and all(line.truncated_from is None for line in said[1:])
    assert from_transcript(stored).conversation == stored.conversation
