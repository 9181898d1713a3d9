"""Running the persona suite for the studio: scripted buyers, or buyers played by the
configured model, through the very call `convodesk test` makes (`run_configured_suite`), with
the persona driver wrapped by `observing` so each turn streams in as it happens.

Nothing here touches a widget, so the personas screen runs it in a thread. `convodesk.llm` is
imported only inside `model_run` and `configured_model`: opening the studio never imports it,
and litellm itself loads on the first request of a model run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from convodesk.runtime.model import Flow
from convodesk.sim.persona import Persona
from convodesk.sim.runner import Conversation, SuiteResult
from convodesk.sim.suite_run import SuiteRun, run_configured_suite

from .streaming import Emit, observing
from .words import plural

if TYPE_CHECKING:
    from convodesk.llm.report import LLMReport
    from convodesk.llm.suite import LLMOptions

CONCURRENCY = 4
CACHE_DIR = Path(".convodesk") / "llm-cache"


@dataclass
class ModelSetting:
    """The model a project configures (CONVODESK_MODEL or [llm] model), or why there is none."""

    model: str | None
    problem: str | None = None

    @property
    def hint(self) -> str:
        if self.problem:
            return f"model settings: {self.problem}"
        if self.model is None:
            return "no model configured (CONVODESK_MODEL or [llm] model in convodesk.toml)"
        return f"model {self.model} configured"


def configured_model(root: Path) -> ModelSetting:
    """Reads the environment and the project's convodesk.toml; never imports litellm."""
    from convodesk.llm.config import resolve

    try:
        return ModelSetting(resolve(project=root).model)
    except (ValueError, OSError) as exc:  # TOML and pydantic errors are ValueErrors
        return ModelSetting(None, str(exc).splitlines()[0])


@dataclass
class RunOutcome:
    result: SuiteResult
    buyers: str
    """'scripted' or 'model <name>'."""
    note: str = ""
    """For model runs: calls, cache hits, tokens, cost and persona errors."""


def _run(
    flow: Flow,
    personas: Sequence[Persona],
    emit: Emit,
    on_done: Callable[[Conversation], None],
    options: LLMOptions | None = None,
) -> SuiteRun:
    return asyncio.run(
        run_configured_suite(
            flow,
            personas,
            options=options,
            concurrency=CONCURRENCY,
            on_done=on_done,
            observe=lambda inner: observing(emit, inner),
        )
    )


def scripted_run(
    flow: Flow,
    personas: Sequence[Persona],
    emit: Emit,
    on_done: Callable[[Conversation], None],
) -> RunOutcome:
    return RunOutcome(_run(flow, personas, emit, on_done).result, "scripted")


def model_run(
    flow: Flow,
    personas: Sequence[Persona],
    emit: Emit,
    on_done: Callable[[Conversation], None],
    *,
    model: str,
    root: Path,
) -> RunOutcome:
    """LLM-played buyers, as `convodesk test --model MODEL`: responses cached under the
    project's .convodesk/llm-cache, a judge for rubric items when one is configured.

    Raises `convodesk.llm.suite.OptionsError` when the settings cannot work.
    """
    from convodesk.llm.suite import build_llm_options

    options = build_llm_options(model=model, project=root, cache_dir=root / CACHE_DIR)
    run = _run(flow, personas, emit, on_done, options)
    note = (
        usage_note(run.llm_report, len(run.result.persona_errors))
        if run.llm_report is not None
        else ""
    )
    return RunOutcome(run.result, f"model {model}", note)


def usage_note(report: LLMReport, persona_errors: int) -> str:
    """One line for the status bar: calls, cache hits, tokens, cost, persona errors (failures
    and invented facts alike), rubric."""
    tokens = report.prompt_tokens + report.completion_tokens
    note = (
        f"{plural(report.calls, 'call')} ({report.cache_hits} cached) · "
        f"{tokens:,} tokens · ${report.cost:.4f} · "
        f"{plural(persona_errors, 'persona error')}"
    )
    failed = sum(v.verdict == "fail" for verdicts in report.verdicts.values() for v in verdicts)
    if report.verdicts:
        note += f" · judge: {plural(failed, 'rubric item')} failed"
    return note
