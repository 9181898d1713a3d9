"""The LLM section of a suite report: calls, cache hits, tokens, cost, latency, persona
errors and judge verdicts, as data (for --json) and as a rich renderable."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from .client import Usage
from .judge import Verdict, tally

if TYPE_CHECKING:
    from .understanding import UnderstandingStats


class Latency(BaseModel):
    mean: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    max: float = 0.0


CAUSE_LABELS = {
    "429": "429 rate limit",
    "5xx": "5xx",
    "timeout": "timeout",
    "connection": "dropped connection",
    "malformed_body": "malformed body",
    "invalid_json": "invalid JSON",
    "empty_reply": "empty reply",
    "role_break": "role break",
}


class UsageSummary(BaseModel):
    """One conversation's share of the LLM work (the `llm` key of a conversation in --json)."""

    calls: int
    cache_hits: int
    attempts: int
    retries: int
    failures: int
    prompt_tokens: int
    completion_tokens: int
    cost: float
    latency: Latency
    retries_by_cause: dict[str, int] = Field(default_factory=dict)
    cached_prompt_tokens: int = 0
    cached_completion_tokens: int = 0
    cached_cost: float = 0.0


def summarize(usage: Usage) -> UsageSummary:
    return UsageSummary(
        calls=usage.calls,
        cache_hits=usage.cache_hits,
        attempts=usage.attempts,
        retries=usage.retries,
        failures=usage.failures,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cost=usage.cost,
        latency=latency(usage.latencies),
        retries_by_cause=dict(sorted(usage.retries_by_cause.items())),
        cached_prompt_tokens=usage.cached_prompt_tokens,
        cached_completion_tokens=usage.cached_completion_tokens,
        cached_cost=usage.cached_cost,
    )


def causes_text(causes: Mapping[str, int]) -> str:
    """'429 rate limit 2, timeout 1' in the fixed order of the causes."""
    order = list(CAUSE_LABELS)
    ranked = sorted(causes.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    return ", ".join(f"{CAUSE_LABELS.get(cause, cause)} {n}" for cause, n in ranked if n)


class LLMReport(BaseModel):
    """`prompt_tokens`, `completion_tokens` and `cost` are what this run's calls spent; the
    `cached_` ones are what the answers served from the cache cost when recorded (saved)."""

    calls: int
    attempts: int
    retries: int
    failures: int
    cache_hits: int
    prompt_tokens: int
    completion_tokens: int
    cost: float
    unpriced_models: list[str]
    latency: Latency
    cached_prompt_tokens: int = 0
    cached_completion_tokens: int = 0
    cached_cost: float = 0.0
    retries_by_cause: dict[str, int] = Field(default_factory=dict)
    persona_failures: dict[str, str] = Field(default_factory=dict)
    fact_errors: dict[str, list[str]] = Field(default_factory=dict)
    understanding_fallbacks: int = 0  # slots filled by the rules fallback
    fallback_messages: int = 0  # buyer messages the rules read because the model did not
    llm_messages: int = 0  # buyer messages the model decided (LLM understanding)
    fallback_reasons: dict[str, int] = Field(default_factory=dict)
    understanding_untested: bool = False  # LLM understanding, and every message fell back
    verdicts: dict[str, list[Verdict]] = Field(default_factory=dict)
    judged: dict[str, int] = Field(default_factory=dict)
    not_judged: dict[str, str] = Field(default_factory=dict)
    replay_misses: list[str] = Field(default_factory=list)


def latency(samples: list[float]) -> Latency:
    if not samples:
        return Latency()
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return Latency(
        mean=statistics.fmean(ordered), p50=statistics.median(ordered), p95=p95, max=ordered[-1]
    )


def build_report(
    usage: Usage,
    conversations: Iterable[Any] = (),
    verdicts: Mapping[str, list[Verdict]] | None = None,
    *,
    not_judged: Mapping[str, str] | None = None,
    replay_misses: Iterable[str] = (),
    understanding: UnderstandingStats | None = None,
) -> LLMReport:
    """`conversations` are the sim's `Conversation`s (persona, seed, actions, persona_error);
    `understanding` the run's LLM understanding counts (None: rule understanding)."""
    failures: dict[str, str] = {}
    facts: dict[str, list[str]] = {}
    fallbacks = messages = 0
    for c in conversations:
        messages += sum(
            1
            for _, e in getattr(c, "events", ())
            if e.kind == "understanding" and e.value == "rules_fallback"
        )
        label = f"{c.persona.persona}#{c.seed}"
        if c.persona_error:
            failures[label] = c.persona_error
        errors = [a.detail for a in c.actions if a.kind in ("fact_error", "fact_revealed")]
        if errors:
            facts[label] = errors
        fallbacks += sum(1 for s in c.state.slots.values() if s.source == "rules_fallback")
    verdicts = dict(verdicts or {})
    return LLMReport(
        calls=usage.calls,
        attempts=usage.attempts,
        retries=usage.retries,
        failures=usage.failures,
        cache_hits=usage.cache_hits,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cost=usage.cost,
        unpriced_models=usage.unpriced_models,
        latency=latency(usage.latencies),
        cached_prompt_tokens=usage.cached_prompt_tokens,
        cached_completion_tokens=usage.cached_completion_tokens,
        cached_cost=usage.cached_cost,
        retries_by_cause=dict(sorted(usage.retries_by_cause.items())),
        persona_failures=failures,
        fact_errors=facts,
        understanding_fallbacks=fallbacks,
        fallback_messages=messages,
        llm_messages=understanding.decided if understanding else 0,
        fallback_reasons=dict(understanding.reasons.most_common()) if understanding else {},
        understanding_untested=bool(understanding and understanding.untested),
        verdicts=verdicts,
        judged=tally(v for items in verdicts.values() for v in items),
        not_judged=dict(not_judged or {}),
        replay_misses=list(replay_misses),
    )


def tokens_text(report: LLMReport | UsageSummary) -> str:
    """'1200 spent (1000 in, 200 out) · 5400 from the cache (not spent)'."""
    spent = report.prompt_tokens + report.completion_tokens
    text = f"{spent} spent ({report.prompt_tokens} in, {report.completion_tokens} out)"
    cached = report.cached_prompt_tokens + report.cached_completion_tokens
    if cached:
        text += f" · {cached} from the cache (not spent)"
    return text


def cost_text(report: LLMReport) -> str:
    """'$0.0012 spent · $0.0340 saved by the cache', and the models litellm cannot price."""
    text = f"${report.cost:.4f} spent"
    if report.cache_hits:
        text += f" · ${report.cached_cost:.4f} saved by the cache"
    if report.unpriced_models:
        text += f" (unknown for {', '.join(report.unpriced_models)})"
    return text


def understanding_text(report: LLMReport) -> str:
    total = report.llm_messages + report.fallback_messages
    of = f" of {total}" if report.llm_messages else ""
    text = f"rules fallback on {report.fallback_messages}{of} message(s)"
    if report.understanding_untested:
        text = f"[red]{text}: the LLM path was not tested[/]"
    return f"{text}; {report.understanding_fallbacks} slot(s) filled by it"


def render_report(report: LLMReport) -> Any:
    """A rich renderable (rich is imported here, only when a report is drawn).

    Persona failures are left to the caller, which prints each distinct one once.
    """
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table

    lat = report.latency
    summary = Table(title="LLM usage", show_header=False, box=None)
    summary.add_row(
        "calls",
        f"{report.calls} ({report.attempts} attempts, {report.retries} retries, {report.failures} failed)",
    )
    if report.retries_by_cause:
        summary.add_row("retries by cause", causes_text(report.retries_by_cause))
    summary.add_row("cache hits", str(report.cache_hits))
    summary.add_row("tokens", tokens_text(report))
    summary.add_row("cost", cost_text(report))
    summary.add_row(
        "latency",
        f"mean {lat.mean:.2f}s · p50 {lat.p50:.2f}s · p95 {lat.p95:.2f}s · max {lat.max:.2f}s",
    )
    if report.understanding_fallbacks or report.fallback_messages:
        summary.add_row("understanding", understanding_text(report))
    for reason, count in list(report.fallback_reasons.items())[:3]:
        summary.add_row("  fell back", escape(f"{reason} ({count})"))
    if report.replay_misses:
        summary.add_row("replay misses", f"[red]{len(report.replay_misses)}[/]")
    parts: list[Any] = [summary]
    # Persona failures (role breaks, failed calls) are printed once, by the suite report and by
    # `simulate`, grouped; this table adds what only the fact checker knows.
    if report.fact_errors:
        persona = Table(title="Persona fact errors (simulator, not flow)", show_lines=False)
        persona.add_column("conversation")
        persona.add_column("problem")
        for label, errors in report.fact_errors.items():
            for error in errors:
                persona.add_row(label, escape(error))
        parts.append(persona)
    if report.verdicts:
        judged = Table(
            title="Judge ({pass} pass, {fail} fail, {inconclusive} inconclusive)".format(
                **report.judged
            )
        )
        for column in ("conversation", "rubric item", "verdict", "reason"):
            judged.add_column(column)
        style = {"pass": "green", "fail": "red", "inconclusive": "yellow"}
        for label, items in report.verdicts.items():
            for v in items:
                judged.add_row(label, v.item, f"[{style[v.verdict]}]{v.verdict}[/]", v.reason)
        for label, reason in report.not_judged.items():
            judged.add_row(label, "(rubric)", "[yellow]not judged[/]", reason)
        parts.append(judged)
    elif report.not_judged:
        skipped = Table(title="Judge (not run)")
        skipped.add_column("conversation")
        skipped.add_column("reason")
        for label, reason in report.not_judged.items():
            skipped.add_row(label, reason)
        parts.append(skipped)
    return Group(*parts)
