"""A whole suite run as `convodesk test`, `convodesk simulate` and the studio need it: scripted
or LLM-played personas, rule or LLM understanding, the judge, resumed conversations rebuilt,
and the LLM usage report, behind one call.

The CLI stays a thin layer over this: flags become `LLMOptions`
(`convodesk.llm.suite.build_llm_options`), and what comes back is data to print. Nothing here
imports litellm: only a real network call does (`convodesk.llm.lazy`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from convodesk.runtime.model import Flow

from .drivers import DriverFactory, scripted_driver
from .persona import Persona
from .resume import rebuild_all
from .runner import (
    MAX_TURNS,
    REFERENCE_DATE,
    Conversation,
    SuiteResult,
    run_conversation,
    run_suite,
    sim_engine,
)
from .transcripts import Transcript

if TYPE_CHECKING:
    from convodesk.llm.report import LLMReport
    from convodesk.llm.suite import LLMOptions, LLMRun


@dataclass
class SuiteRun:
    """What a run produced: the conversations (fresh and rebuilt, in file order) and, for an
    LLM run, its client's accounting, verdicts and replay misses."""

    result: SuiteResult
    llm: LLMRun | None = None
    llm_report: LLMReport | None = None
    rebuilt: list[Conversation] = field(default_factory=list)

    @property
    def replay_misses(self) -> list[str]:
        return self.llm.replay_misses if self.llm is not None else []

    @property
    def understanding_untested(self) -> bool:
        """`--understanding llm`, and the rules read every buyer message: no model call worked."""
        return self.llm is not None and self.llm.understanding_untested

    @property
    def failed(self) -> bool:
        """Exit 1: a flow failure (a check or a rubric item), a replay miss, or nothing tested
        (every conversation a persona error, or every message of an `--understanding llm` run
        read by the rules fallback).

        Persona errors alone do not fail a run: they are the simulator's, and reported loudly.
        """
        return not self.result.passed or bool(self.replay_misses) or self.understanding_untested

    @property
    def fresh(self) -> list[Conversation]:
        return [c for c in self.result.conversations if c.rebuilt is None]


def _llm_run(options: LLMOptions | None) -> LLMRun | None:
    if options is None:
        return None
    from convodesk.llm.suite import LLMRun

    return LLMRun(options)


async def run_configured_suite(
    flow: Flow,
    personas: Sequence[Persona],
    *,
    options: LLMOptions | None = None,
    runs: int = 1,
    concurrency: int = 8,
    seed: int = 0,
    on_date: date | None = None,
    on_done: Callable[[Conversation], None] | None = None,
    skip: Callable[[Persona, int, int], bool] | None = None,
    kept: Sequence[Transcript] = (),
    max_turns: int = MAX_TURNS,
    observe: Callable[[DriverFactory], DriverFactory] | None = None,
) -> SuiteRun:
    """Run the suite, rebuild the `kept` transcripts of a resumed run, judge, and account.

    `kept` is read after the run, so a `Recorder.kept` list filled by `skip` works as it is.
    `observe` wraps the persona driver factory (scripted or LLM), to watch each turn as it
    happens (the studio streams them).
    """
    llm = _llm_run(options)
    reference = on_date or REFERENCE_DATE
    driver: DriverFactory = (llm.driver_factory(reference) if llm else None) or scripted_driver
    if observe is not None:
        driver = observe(driver)
    result = await run_suite(
        flow,
        personas,
        runs=runs,
        concurrency=llm.runner_concurrency(concurrency, len(personas) * runs)
        if llm
        else concurrency,
        seed=seed,
        on_date=on_date,
        understander=llm.understander if llm else None,
        driver_factory=driver,
        on_done=on_done,
        max_turns=max_turns,
        send=llm.send_hook() if llm else None,
        skip=skip,
    )
    rebuilt: list[Conversation] = []
    if kept:
        replayer = llm.replayer() if llm else None
        engine = sim_engine(
            flow, on_date=on_date, understander=replayer.understander if replayer else None
        )
        send = replayer.send_hook() if replayer else None
        rebuilt = await rebuild_all(kept, personas, engine, send=send, max_turns=max_turns)
        order = {p.persona: i for i, p in enumerate(personas)}
        result.conversations = sorted(
            [*result.conversations, *rebuilt], key=lambda c: (order[c.persona.persona], c.run)
        )
    run = SuiteRun(result, llm, rebuilt=rebuilt)
    await _finish(run)
    return run


async def run_one(
    flow: Flow,
    persona: Persona,
    *,
    options: LLMOptions | None = None,
    seed: int = 0,
    on_date: date | None = None,
    max_turns: int = MAX_TURNS,
) -> SuiteRun:
    """One conversation with exactly this seed (`convodesk simulate`)."""
    llm = _llm_run(options)
    engine = sim_engine(flow, on_date=on_date, understander=llm.understander if llm else None)
    driver = (llm.driver_factory(on_date or REFERENCE_DATE) if llm else None) or scripted_driver
    conversation = await run_conversation(
        engine,
        persona,
        seed=seed,
        driver_factory=driver,
        reference_date=on_date,
        max_turns=max_turns,
        send=llm.send_hook() if llm else None,
    )
    reference = (on_date or REFERENCE_DATE).isoformat()
    result = SuiteResult(flow, [persona], [conversation], 1, seed, reference)
    run = SuiteRun(result, llm)
    await _finish(run)
    return run


async def _finish(run: SuiteRun) -> None:
    """Judge the rubric items, then attach each conversation's usage and the LLM report."""
    llm = run.llm
    if llm is None:
        return
    from convodesk.llm.report import build_report, summarize

    conversations = run.result.conversations
    await llm.judge_all(conversations)
    for c in conversations:
        c.verdicts = list(llm.verdicts.get(c.label, []))
        c.not_judged = llm.not_judged.get(c.label)
        c.llm = summarize(llm.usage_of(c.label))
    run.llm_report = build_report(
        llm.accounting.total(),
        conversations,
        llm.verdicts,
        not_judged=llm.not_judged,
        replay_misses=llm.replay_misses,
        understanding=llm.understanding if llm.options.understanding == "llm" else None,
    )


def usage_json(run: SuiteRun) -> dict[str, Any] | None:
    """The `llm` key of `--json` output."""
    return run.llm_report.model_dump(mode="json") if run.llm_report is not None else None
