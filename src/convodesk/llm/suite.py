"""What `simulate` and `test` need from the LLM layer, behind one object.

The CLI turns its flags into `build_llm_options(...)` (which raises `OptionsError` for
bad combinations: exit 2), then `LLMRun(options)` gives the driver factory, the
understander and the judge for `run_suite`, and the report section afterwards. Nothing here
imports litellm: a replay served from the cache never does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from convodesk.runtime.understanding import Understander

from .cache import CacheMode, ResponseCache
from .client import Accounting, LLMClient, Usage
from .config import LLMConfig, describe_config_error, resolve
from .driver import llm_driver_factory
from .facts import shared_rules
from .judge import Judge, Verdict
from .memo import MemoRules
from .understanding import LLMUnderstander, PrecomputedUnderstander, UnderstandingStats

DEFAULT_CACHE_DIR = Path(".convodesk") / "llm-cache"


class OptionsError(ValueError):
    """A flag combination that cannot work; the CLI prints it and exits 2."""


class LLMOptions(BaseModel):
    config: LLMConfig
    personas: bool
    understanding: Literal["rules", "llm"]
    judge: bool
    cache_dir: Path
    cache_mode: CacheMode


def _settings_error(exc: Exception) -> OptionsError:
    """Every problem in the settings, one line each, in plain words (see `describe_config_error`)."""
    return OptionsError(describe_config_error(exc))


def build_llm_options(
    *,
    model: str | None = None,
    judge_model: str | None = None,
    understanding: str | None = None,
    concurrency: int | None = None,
    cache_dir: Path | None = None,
    replay: bool = False,
    no_cache: bool = False,
    api_base: str | None = None,
    project: Path | None = None,
    env: dict[str, str] | None = None,
    flow_understanding: str | None = None,
) -> LLMOptions | None:
    """None means a fully offline run (the default): no LLM flag was given.

    Personas are LLM-played only with an explicit `--model`, so a model configured in the
    environment or convodesk.toml never turns an offline `test` into a paid one; that model is
    used by `--understanding llm` and `--judge-model` when `--model` is absent. The project may
    choose LLM understanding for itself (`[llm] understanding = "llm"`), and a flow for itself
    (`flow_understanding`, the flow's own key, when the flow model has one); the most specific
    wins: the flag, then the flow, then the project. `understanding=None`: no flag given.
    """
    if understanding not in (None, "rules", "llm"):
        raise OptionsError(f"--understanding takes 'rules' or 'llm', got {understanding!r}")
    if flow_understanding not in (None, "rules", "llm"):
        raise OptionsError(
            f"the flow's understanding takes 'rules' or 'llm', got {flow_understanding!r}"
        )
    if replay and no_cache:
        raise OptionsError("--replay reads only the cache, so it cannot be used with --no-cache")
    try:
        config = resolve(
            project=project,
            env=env,
            model=model,
            judge_model=judge_model,
            concurrency=concurrency,
            api_base=api_base,
        )
    except (ValidationError, ValueError, OSError) as exc:
        raise _settings_error(exc) from None
    chosen = understanding or flow_understanding or config.understanding or "rules"
    if not (model or judge_model or chosen == "llm"):
        if replay or no_cache or api_base:
            raise OptionsError("--replay, --no-cache and --api-base apply to LLM runs: add --model")
        return None
    if chosen == "llm" and not config.model:
        raise OptionsError(
            "--understanding llm needs a model: --model, CONVODESK_MODEL or [llm] model in convodesk.toml"
        )
    if judge_model is None and config.judge_model is None:
        config.judge_model = config.model
    mode = CacheMode.REPLAY if replay else CacheMode.OFF if no_cache else CacheMode.READ_WRITE
    return LLMOptions(
        config=config,
        personas=model is not None,
        understanding="llm" if chosen == "llm" else "rules",
        judge=bool(config.judge_model),
        cache_dir=cache_dir or DEFAULT_CACHE_DIR,
        cache_mode=mode,
    )


def conversation_label(persona: Any, seed: int) -> str:
    """The id under which a conversation's calls are cached, counted and named on a miss."""
    return f"{persona.persona}#{seed}"


class LLMRun:
    """One suite run's client, cache and accounting, and the pieces built on them.

    `understanding` counts the buyer messages the model decided and those that fell back to
    the rules; a `replayer()` shares it, so resumed conversations are counted too.
    """

    def __init__(
        self, options: LLMOptions, *, understanding: UnderstandingStats | None = None
    ) -> None:
        self.options = options
        self.understanding = understanding or UnderstandingStats()
        self.cache = ResponseCache(options.cache_dir, options.cache_mode)
        self.accounting = Accounting()
        self.client = LLMClient(options.config, self.cache, accounting=self.accounting)
        # The bot's rules and the persona fact checker's are one, with a memory for this run:
        # each buyer message is read by the rules once, not twice (see llm.memo).
        self.rules = MemoRules(shared_rules())
        self.understander: PrecomputedUnderstander | Understander | None = None
        if options.understanding == "llm":
            llm = LLMUnderstander(
                self.client,
                model=options.config.understanding_model,
                rules=self.rules,
                stats=self.understanding,
            )
            self.understander = PrecomputedUnderstander(llm)
        elif options.personas:
            self.understander = self.rules
        self.judge = Judge(self.client, model=options.config.judge_model) if options.judge else None
        self.verdicts: dict[str, list[Verdict]] = {}
        self.not_judged: dict[str, str] = {}

    @property
    def replay_misses(self) -> list[str]:
        """Every replay miss of the run, even those a runner caught: CI fails on any of them."""
        return [str(miss) for miss in self.client.misses]

    def runner_concurrency(self, requested: int, conversations: int) -> int:
        """With LLM personas, `--concurrency` limits requests in flight (the client's semaphore),
        so every conversation is started at once and waits only for the network."""
        return max(requested, conversations) if self.options.personas else requested

    def send_hook(self) -> Callable[[Any, str, str], Awaitable[Any]] | None:
        """`await hook(session, text, conversation)` in place of `session.send(text)`, so the
        LLM analysis is awaited before the synchronous turn; None with rule understanding."""
        understander = self.understander
        if not isinstance(understander, PrecomputedUnderstander):
            return None

        async def hook(session: Any, text: str, conversation: str) -> Any:
            return await understander.send(session, text, conversation=conversation)

        return hook

    def driver_factory(self, reference_date: date) -> Callable[[Any, int, Any], Any] | None:
        """For `run_suite(driver_factory=...)`; None keeps the scripted personas."""
        if not self.options.personas:
            return None
        return llm_driver_factory(
            self.client,
            temperature=self.options.config.temperature,
            reference_date=reference_date,
            rules=self.rules,
        )

    def usage_of(self, label: str) -> Usage:
        """One conversation's calls, cache hits, tokens and retries (by `conversation_label`)."""
        return self.accounting.by_conversation.get(label) or Usage()

    def replayer(self) -> LLMRun:
        """The same settings answering only from the cache, with its own accounting: a resumed
        suite replays its kept conversations through it without calling or counting anything."""
        options = self.options.model_copy(update={"cache_mode": CacheMode.REPLAY})
        return LLMRun(options, understanding=self.understanding)

    @property
    def understanding_untested(self) -> bool:
        """`--understanding llm`, and every buyer message fell back to the rules: the LLM path
        was not tested (exit 1, as a suite of only persona errors is)."""
        return self.options.understanding == "llm" and self.understanding.untested

    async def judge_all(self, conversations: Iterable[Any]) -> dict[str, list[Verdict]]:
        """Judge every conversation whose persona carries rubric items (`expect.rubric`).

        A conversation whose simulated buyer failed (`status == "persona_error"`) is not judged:
        its transcript says nothing about the flow. It is listed in `self.not_judged`.
        """
        if self.judge is None:
            return {}
        judge = self.judge
        jobs: list[tuple[str, Sequence[str], Any]] = []
        for conversation in conversations:
            rubric = list(getattr(conversation.persona.expect, "rubric", None) or [])
            if not rubric:
                continue
            label = conversation_label(conversation.persona, conversation.seed)
            if getattr(conversation, "status", None) == "persona_error":
                self.not_judged[label] = "not judged: the simulated buyer failed (persona error)"
                continue
            jobs.append((label, rubric, conversation.state.transcript))
        results = await asyncio.gather(
            *(
                judge.judge(rubric, transcript, conversation=label)
                for label, rubric, transcript in jobs
            )
        )
        self.verdicts.update(
            {label: verdicts for (label, _, _), verdicts in zip(jobs, results, strict=True)}
        )
        return self.verdicts

    def judge_failed(self) -> bool:
        """Exit 1 when a rubric item failed; inconclusive items are reported, not passed."""
        return any(v.verdict == "fail" for verdicts in self.verdicts.values() for v in verdicts)
