"""`convodesk simulate`: one conversation between a flow and a persona, scripted or LLM-played.

Exit 1 when a check or rubric item failed, an LLM replay missed, the simulated buyer failed (a
persona error: with one conversation, nothing about the flow was tested), or every buyer message
of an `--understanding llm` run fell back to the rules; 2 for bad input, including LLM settings
no request can work with (no API key, a refused key, an unknown model).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import typer

from . import llmflags
from .errors import Exit, bad_input, usage
from .loading import require_flow
from .suite import parse_date, warn_fallbacks


def simulate(
    flow: Path = typer.Argument(..., help="Flow file (YAML).", show_default=False),
    persona: Path = typer.Argument(..., help="Persona file (YAML).", show_default=False),
    seed: int = typer.Option(0, "--seed", help="Seed for the persona's phrasing choices."),
    on_date: str = typer.Option(
        "", "--date", help="Reference date for relative timelines (YYYY-MM-DD); default 2026-01-15."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the transcript, outcome and checks as JSON on stdout."
    ),
    redact: bool = typer.Option(
        False,
        "--redact",
        help="Mask emails, phones and personal data in the output (as 'redact: true' does).",
    ),
    model: str | None = llmflags.MODEL,
    judge_model: str | None = llmflags.JUDGE_MODEL,
    understanding: str | None = llmflags.UNDERSTANDING,
    concurrency: int | None = typer.Option(
        None,
        "--concurrency",
        "-j",
        min=1,
        help="LLM requests in flight at once (default 8 or [llm] concurrency).",
        show_default=False,
    ),
    cache_dir: Path | None = llmflags.CACHE_DIR,
    replay: bool = llmflags.REPLAY,
    no_cache: bool = llmflags.NO_CACHE,
    api_base: str | None = llmflags.API_BASE,
) -> int:
    """Play PERSONA against FLOW once and print the transcript, the outcome and the checks."""
    from convodesk.runtime.problems import LoadError
    from convodesk.sim.persona import load_persona
    from convodesk.sim.suite_run import run_one, usage_json
    from convodesk.sim.transcripts import to_transcript

    loaded = require_flow(flow)
    if redact:
        loaded = loaded.model_copy(update={"redact": True})
    reference = parse_date(on_date)
    try:
        buyer = load_persona(persona, loaded)
    except LoadError as exc:
        raise bad_input(exc.problems) from None
    options = llmflags.llm_options(
        flow,
        loaded=loaded,
        model=model,
        judge_model=judge_model,
        understanding=understanding,
        concurrency=concurrency,
        cache_dir=cache_dir,
        replay=replay,
        no_cache=no_cache,
        api_base=api_base,
    )
    try:
        run = asyncio.run(run_one(loaded, buyer, options=options, seed=seed, on_date=reference))
    except Exception as exc:
        if getattr(exc, "aborts_run", False):  # no API key, a refused key, an unknown model
            raise usage(str(exc)) from None
        raise
    result = run.result.conversations[0]
    code = Exit.OK if result.passed and not run.failed else Exit.FAILED
    for miss in run.replay_misses:
        print(f"convodesk: {miss}", file=sys.stderr)
    warn_fallbacks(usage_json(run))
    shown = to_transcript(result)  # redacted when the flow or --redact asks
    if as_json:
        data = shown.model_dump(mode="json")
        if run.llm is not None:
            data["verdicts"] = [v.model_dump() for v in result.verdicts]
            data["llm"] = usage_json(run)
        print(json.dumps(data, indent=2))
        return code
    name = loaded.bot.name
    for line in shown.conversation:
        print(f"{name}: {line.bot}" if line.bot is not None else f"{buyer.persona}: {line.buyer}")
    if result.left:
        print(f"({buyer.persona} left)")
    s = result.outcome.scores
    print(
        f"\n-- route: {result.outcome.route} (expected {buyer.expect.route or '-'}; ended by "
        f"{result.outcome.ended_by}) · fit {s.fit} · intent {s.intent} · capacity {s.capacity} · "
        f"{result.turns} turns"
    )
    for reason in result.outcome.reasons:
        print(f"   {reason}")
    print(f"-- slots: {json.dumps(shown.slots)}")
    for check in result.checks:
        why = f": {check.explanation}" if check.explanation and check.status != "pass" else ""
        blamed = result.simulator_checks.get(check.id)
        if blamed:
            why += f" (simulator: {blamed})"
        print(f"   [{check.status}] {check.id}{why}")
    for verdict in result.verdicts:
        print(f"   [rubric {verdict.verdict}] {verdict.item}: {verdict.reason}")
    if result.not_judged:
        print(f"   [rubric] {result.not_judged}")
    if result.status == "persona_error":
        why = result.persona_error or "its contradicted facts explain the failed checks"
        print(f"-- persona error (the simulated buyer, not the flow): {why}")
    if run.llm_report is not None:
        from rich.console import Console

        from convodesk.llm.report import render_report

        Console(file=sys.stdout, width=120, highlight=False).print(render_report(run.llm_report))
    return code


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
