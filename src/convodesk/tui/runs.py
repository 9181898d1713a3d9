"""Running the persona suite for the studio: scripted buyers, or buyers played by the
configured model, through the very call `convodesk test` makes (`run_configured_suite`), with
the persona driver wrapped by `observing` so each turn streams in as it happens.

Nothing here touches a widget, so the personas screen runs it in a thread. `convodesk.llm` is
imported only inside these functions: opening the studio never imports it, and litellm itself
loads on the first request of a model run (`model_client_loaded` says whether it has).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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
    problems: list[str] = field(default_factory=list)
    """What is wrong with the settings, one line each (`convodesk.toml:3: [llm] model: …`)."""

    @property
    def hint(self) -> str:
        """One line: the first problem (and how many more), or how to configure a model."""
        if self.problems:
            more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            return f"model settings: {self.problems[0]}{more}"
        if self.model is None:
            return "no model configured (CONVODESK_MODEL or [llm] model in convodesk.toml)"
        return f"model {self.model} configured"


def configured_model(root: Path) -> ModelSetting:
    """Reads the environment and the project's convodesk.toml; never imports litellm.

    Problems are worded by the LLM layer (`describe_config_error`), with paths shown
    relative to the project.
    """
    from convodesk.llm.config import describe_config_error, resolve

    try:
        return ModelSetting(resolve(project=root).model)
    except (ValueError, OSError) as exc:  # ConfigError, TOML and pydantic errors are ValueErrors
        prefix = f"{root.resolve()}{os.sep}"
        lines = describe_config_error(exc).splitlines()
        return ModelSetting(None, [line.removeprefix(prefix) for line in lines if line.strip()])


def model_client_loaded() -> bool:
    """Whether litellm has been imported (it takes seconds, on a model run's first request)."""
    from convodesk.llm.lazy import is_loaded

    return is_loaded()


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
    note = usage_note(run.llm_report) if run.llm_report is not None else ""
    return RunOutcome(run.result, f"model {model}", note)


def usage_note(report: LLMReport) -> str:
    """One line for the status bar: model calls, answers from the cache, tokens and cost of
    the calls made, the judge's failed rubric items.

    Persona errors are not repeated here: the suite verdict beside it counts them.
    """
    if report.calls:
        tokens = report.prompt_tokens + report.completion_tokens
        note = f"{plural(report.calls, 'model call')} · {tokens:,} tokens · ${report.cost:.4f}"
    else:
        note = "no model calls"
    if report.cache_hits:
        note += f" · {plural(report.cache_hits, 'answer')} from the cache"
    failed = sum(v.verdict == "fail" for verdicts in report.verdicts.values() for v in verdicts)
    if report.verdicts:
        note += f" · judge: {plural(failed, 'rubric item')} failed"
    return note
