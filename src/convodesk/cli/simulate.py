"""`convodesk simulate`: one scripted conversation between a flow and a persona."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer

from .errors import Exit, bad_input
from .loading import require_flow
from .suite import parse_date


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
) -> int:
    """Play PERSONA against FLOW once and print the transcript, the outcome and the checks."""
    from convodesk.runtime.problems import LoadError
    from convodesk.sim.persona import load_persona
    from convodesk.sim.runner import run_conversation, sim_engine
    from convodesk.sim.transcripts import to_transcript

    loaded = require_flow(flow)
    if redact:
        loaded = loaded.model_copy(update={"redact": True})
    reference = parse_date(on_date)
    try:
        buyer = load_persona(persona, loaded)
    except LoadError as exc:
        raise bad_input(exc.problems) from None
    engine = sim_engine(loaded, on_date=reference)
    result = asyncio.run(run_conversation(engine, buyer, seed=seed, reference_date=reference))
    shown = to_transcript(result)  # redacted when the flow or --redact asks
    if as_json:
        print(json.dumps(shown.model_dump(mode="json"), indent=2))
        return Exit.OK if result.passed else Exit.FAILED
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
        print(f"   [{check.status}] {check.id}{why}")
    return Exit.OK if result.passed else Exit.FAILED


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
