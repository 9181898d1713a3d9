"""Run conversations: one persona against one flow, or a whole suite concurrently.

Everything that could differ between two identical runs is pinned here: the engine's clock and
the reference date are constants (overridable with `on_date`), seeds are derived from the suite
seed, persona id and run number, and results are ordered by persona file then run.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from convodesk.runtime.engine import Engine
from convodesk.runtime.model import Flow
from convodesk.runtime.session import Session
from convodesk.runtime.state import Event, Outcome, SessionState, Turn
from convodesk.runtime.understanding import Understander

from .checks import CheckResult, run_checks
from .drivers import DriverFactory, PersonaAction, scripted_driver
from .persona import Persona

REFERENCE_DATE = date(2026, 1, 15)
SendHook = Callable[[Session, str, str], Awaitable[Turn]]
MAX_TURNS = 40


def fixed_clock(on_date: date | None = None) -> Callable[[], datetime]:
    """A clock that always says 09:00 UTC on the reference date: transcripts stay byte-stable."""
    moment = datetime.combine(on_date or REFERENCE_DATE, time(9, 0), tzinfo=UTC)
    return lambda: moment


def sim_engine(
    flow: Flow, *, on_date: date | None = None, understander: Understander | None = None
) -> Engine:
    return Engine(flow, understander=understander, clock=fixed_clock(on_date))


def seed_for(base: int, persona: str, run: int) -> int:
    """A per-conversation seed that does not depend on run order or Python's hash seed."""
    digest = hashlib.sha256(f"{base}:{persona}:{run}".encode()).hexdigest()
    return int(digest[:12], 16)


@dataclass
class Conversation:
    """One finished conversation and everything the checks and reports need from it."""

    persona: Persona
    flow: Flow
    run: int
    seed: int
    state: SessionState
    events: list[tuple[int, Event]] = field(default_factory=list)
    actions: list[PersonaAction] = field(default_factory=list)
    left: bool = False
    capped: bool = False
    left_while_asking: list[str] = field(default_factory=list)
    persona_error: str | None = None
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def outcome(self) -> Outcome:
        assert self.state.outcome is not None, "a finished conversation always has an outcome"
        return self.state.outcome

    @property
    def turns(self) -> int:
        """Buyer messages sent."""
        return self.state.turn

    @property
    def passed(self) -> bool:
        return self.persona_error is None and all(c.status != "fail" for c in self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == "fail"]

    def event_turn(self, *kinds: str) -> int | None:
        return next((t for t, e in self.events if e.kind in kinds), None)


async def run_conversation(
    engine: Engine,
    persona: Persona,
    *,
    seed: int = 0,
    run: int = 0,
    driver_factory: DriverFactory = scripted_driver,
    reference_date: date | None = None,
    max_turns: int = MAX_TURNS,
    send: SendHook | None = None,
) -> Conversation:
    """Bot and persona alternate until the flow ends, the persona leaves, or `max_turns`.

    `send` replaces `session.send` when the bot's understanding is asynchronous (an LLM): it
    gets the session, the buyer's text and the conversation label `persona#seed`.
    """
    driver = driver_factory(persona, seed, engine.flow)
    session = engine.start(
        context=dict(persona.context), reference_date=reference_date or REFERENCE_DATE
    )
    turn = session.opening
    result = Conversation(persona, engine.flow, run, seed, session.state)
    result.events += [(0, e) for e in turn.events]
    first = True
    while not session.done:
        if session.state.turn >= max_turns:
            result.capped = True
            session.close(f"turn cap of {max_turns} reached", ended_by="limit")
            break
        history = list(session.state.transcript)
        try:
            if first:
                text = await driver.opening(turn, history)
            else:
                text = await driver.reply(turn, history)
        except Exception as exc:  # a persona failure is not a flow failure
            result.persona_error = f"{type(exc).__name__}: {exc}"
            session.close("persona error")
            break
        first = False
        if text is None:
            result.left = True
            result.left_while_asking = list(session.state.waiting)
            turn = session.close("persona left")
            result.events += [(session.state.turn, e) for e in turn.events]
            break
        if send is not None:
            turn = await send(session, text, f"{persona.persona}#{seed}")
        else:
            turn = session.send(text)
        result.events += [(session.state.turn, e) for e in turn.events]
    result.state = session.state
    result.actions = list(driver.actions)
    result.checks = run_checks(result)
    return result


@dataclass
class SuiteResult:
    flow: Flow
    personas: list[Persona]
    conversations: list[Conversation]
    runs: int
    seed: int
    reference_date: str

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.conversations)

    def of(self, persona: str) -> list[Conversation]:
        return [c for c in self.conversations if c.persona.persona == persona]


async def run_suite(
    flow: Flow,
    personas: Sequence[Persona],
    *,
    runs: int = 1,
    concurrency: int = 4,
    seed: int = 0,
    on_date: date | None = None,
    understander: Understander | None = None,
    driver_factory: DriverFactory = scripted_driver,
    on_done: Callable[[Conversation], None] | None = None,
    max_turns: int = MAX_TURNS,
    send: SendHook | None = None,
    skip: Callable[[Persona, int, int], bool] | None = None,
) -> SuiteResult:
    """K runs per persona, at most `concurrency` conversations in flight; results in file order.

    `skip(persona, run, seed)` true leaves that conversation out (a resumed suite's finished ones).
    """
    if runs < 1 or concurrency < 1:
        raise ValueError("runs and concurrency must be at least 1")
    engine = sim_engine(flow, on_date=on_date, understander=understander)
    limit = asyncio.Semaphore(concurrency)

    async def one(persona: Persona, run: int) -> Conversation:
        async with limit:
            conversation = await run_conversation(
                engine,
                persona,
                seed=seed_for(seed, persona.persona, run),
                run=run,
                driver_factory=driver_factory,
                reference_date=on_date,
                max_turns=max_turns,
                send=send,
            )
        if on_done is not None:
            on_done(conversation)
        return conversation

    jobs = [
        one(p, r)
        for p in personas
        for r in range(runs)
        if skip is None or not skip(p, r, seed_for(seed, p.persona, r))
    ]
    conversations = list(await asyncio.gather(*jobs))
    return SuiteResult(
        flow,
        list(personas),
        conversations,
        runs,
        seed,
        (on_date or REFERENCE_DATE).isoformat(),
    )


def run_suite_sync(flow: Flow, personas: Sequence[Persona], **options: object) -> SuiteResult:
    """`run_suite` for callers without an event loop (pytest files, scripts)."""
    return asyncio.run(run_suite(flow, personas, **options))  # type: ignore[arg-type]
