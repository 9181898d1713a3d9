"""Run conversations: one persona against one flow, or a whole suite concurrently.

Everything that could differ between two identical runs is pinned here: the engine's clock and
the reference date are constants (overridable with `on_date`), seeds are derived from the suite
seed, persona id and run number, and results are ordered by persona file then run.
"""

from __future__ import annotations

import asyncio
import hashlib
import time as clock
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Literal

from convodesk.runtime.engine import Engine
from convodesk.runtime.model import Flow
from convodesk.runtime.session import Session
from convodesk.runtime.state import Event, Outcome, SessionState, Turn
from convodesk.runtime.understanding import Understander

from .blame import PREFIX_CHECKS, blame
from .checks import CheckResult, run_checks
from .drivers import DriverFactory, PersonaAction, scripted_driver
from .persona import Persona

Status = Literal["pass", "fail", "persona_error"]
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
    """One finished conversation and everything the checks and reports need from it.

    `status` keeps the simulator's mistakes apart from the flow's: "persona_error" when the
    simulated buyer failed (`persona_error`) or every failed check is explained by facts it
    contradicted (`simulator_checks`); such a conversation is neither a pass nor a failure of
    the flow. A failed prefix check (disclosure, approved answers) is the flow's all the same.
    """

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
    simulator_checks: dict[str, str] = field(default_factory=dict)  # check id -> why
    verdicts: list[Any] = field(default_factory=list)  # convodesk.llm.judge.Verdict
    not_judged: str | None = None
    llm: Any = None  # convodesk.llm.report.UsageSummary of this conversation's calls
    rebuilt: str | None = None  # resumed: "exact" (replayed) or "stored" (from the file)
    seconds: float | None = None  # wall time of the conversation (reports only, never stored)

    @property
    def outcome(self) -> Outcome:
        assert self.state.outcome is not None, "a finished conversation always has an outcome"
        return self.state.outcome

    @property
    def turns(self) -> int:
        """Buyer messages sent."""
        return self.state.turn

    @property
    def label(self) -> str:
        """The id its LLM calls are cached and counted under."""
        return f"{self.persona.persona}#{self.seed}"

    @property
    def status(self) -> Status:
        failures = self.failures
        if self.persona_error is not None:
            return "fail" if any(c.id in PREFIX_CHECKS for c in failures) else "persona_error"
        if failures or any(getattr(v, "verdict", None) == "fail" for v in self.verdicts):
            return "fail"
        return "persona_error" if self.simulator_checks else "pass"

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    @property
    def failed(self) -> bool:
        """The flow failed: a persona error is neither a pass nor this."""
        return self.status == "fail"

    @property
    def failures(self) -> list[CheckResult]:
        """Failed checks that are the flow's (not explained by the simulated buyer)."""
        return [c for c in self.checks if c.status == "fail" and c.id not in self.simulator_checks]

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
    started = clock.perf_counter()
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
            if _aborts(exc):
                raise
            result.persona_error = _described(exc)
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
            try:
                turn = await send(session, text, f"{persona.persona}#{seed}")
            except Exception as exc:  # a replay miss in the understanding: the harness's
                if _aborts(exc):
                    raise
                result.persona_error = f"understanding failed: {_described(exc)}"
                session.close("persona error")
                break
        else:
            turn = session.send(text)
        result.events += [(session.state.turn, e) for e in turn.events]
    result.state = session.state
    result.actions = list(driver.actions)
    result.checks = _opening_checks(result) if never_answered(result) else run_checks(result)
    result.simulator_checks = blame(result)
    result.seconds = round(clock.perf_counter() - started, 6)
    return result


def _aborts(exc: BaseException) -> bool:
    """A configuration error that every conversation would hit (convodesk.llm's
    `LLMConfigError`: no API key, an unknown model): it stops the run instead of becoming one
    persona error per conversation."""
    return bool(getattr(exc, "aborts_run", False))


def _described(exc: BaseException) -> str:
    """The error's own words; the class name only when the message does not explain itself
    (a `PersonaFailure` says "persona broke role (...)" already)."""
    text = str(exc)
    if type(exc).__name__ == "PersonaFailure" and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def never_answered(c: Conversation) -> bool:
    """The simulated buyer failed before sending a single message: nothing was asked of the
    flow beyond its opening."""
    return c.persona_error is not None and c.turns == 0


def _opening_checks(c: Conversation) -> list[CheckResult]:
    """Only the checks that hold for the opening alone are run; the others would report what
    a chat that never happened did not do ("asked but not understood")."""
    why = "not checked: the simulated buyer failed before its first message"
    return [
        check if check.id in PREFIX_CHECKS else CheckResult(check.id, "skip", why)
        for check in run_checks(c)
    ]


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
        """No flow failure, and something was tested: a suite of only persona errors is not a
        pass (an unreachable model must not turn CI green)."""
        if any(c.failed for c in self.conversations):
            return False
        return not self.conversations or any(c.status == "pass" for c in self.conversations)

    @property
    def persona_errors(self) -> list[Conversation]:
        return [c for c in self.conversations if c.status == "persona_error"]

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
