"""`convodesk chat`: play a flow as the buyer, interactively or from a script on stdin."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

import typer

from convodesk.runtime import Engine, Turn

from .errors import usage
from .loading import require_flow


def parse_context(pairs: list[str]) -> dict[str, str]:
    context: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise usage(f"--context takes key=value, got {pair!r}")
        context[key.strip()] = value.strip()
    return context


def _status(session_slots: dict[str, object], turn: Turn) -> str:
    filled = ", ".join(f"{k}={v!r}" for k, v in session_slots.items()) or "none yet"
    s = turn.scores
    asking = ", ".join(turn.asking) or "-"
    return f"  [slots] {filled}\n  [scores] fit {s.fit} · intent {s.intent} · capacity {s.capacity} · asking: {asking}"


def _show(turn: Turn, out: TextIO, bot_name: str) -> None:
    for message in turn.messages:
        print(f"{bot_name}: {message}", file=out)


def _read(out: TextIO, typed: bool) -> str | None:
    """The buyer's next message, or None when the input ends."""
    if typed:
        print("you> ", end="", file=out, flush=True)
        try:
            return input()
        except EOFError:
            return None
    raw = sys.stdin.readline()
    if not raw:
        return None
    line = raw.rstrip("\r\n")
    print(f"you: {line}", file=out)
    return line


def chat(
    flow: Path = typer.Argument(..., help="Flow file (YAML).", show_default=False),
    context: list[str] = typer.Option(
        [],
        "--context",
        "-c",
        help="Session context as key=value (page, utm_campaign, ...); repeatable.",
    ),
    on_date: str = typer.Option(
        "", "--date", help="Reference date for relative timelines (YYYY-MM-DD); default today."
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="Print the final outcome as JSON on stdout (the conversation goes to stderr).",
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Do not show slots and scores after each turn."
    ),
) -> int:
    """Talk to the flow as a buyer. When stdin is not a terminal, each line is one buyer message."""
    loaded = require_flow(flow)
    try:
        reference = date.fromisoformat(on_date) if on_date else None
    except ValueError:
        raise usage(f"--date takes YYYY-MM-DD, got {on_date!r}") from None
    engine = Engine(loaded)
    session = engine.start(context=parse_context(context), reference_date=reference)
    # A person types at a terminal (which echoes the line); a script pipes lines, which are
    # echoed so the conversation reads in order. When stdout carries data (--json, or a pipe)
    # the conversation stays there only without --json, and slots and scores go to stderr.
    typed = sys.stdin.isatty()
    out = sys.stderr if as_json else sys.stdout
    status = sys.stderr if as_json or not sys.stdout.isatty() else out
    name = loaded.bot.name

    def show(turn: Turn) -> None:
        _show(turn, out, name)
        if not quiet:
            print(_status(session.slots, turn), file=status, flush=True)

    show(session.opening)
    while not session.done:
        line = _read(out, typed)
        if line is None:
            break
        show(session.send(line))
    if not session.done:
        session.close("input ended")
    outcome = session.outcome
    assert outcome is not None
    if as_json:
        print(json.dumps(outcome.model_dump(mode="json"), indent=2))
    else:
        s = outcome.scores
        print(
            f"\n-- route: {outcome.route} (ended by {outcome.ended_by}) · fit {s.fit} · intent {s.intent} · "
            f"capacity {s.capacity}",
            file=out,
        )
        for reason in outcome.reasons:
            print(f"   {reason}", file=out)
        print(f"-- slots: {json.dumps(outcome.handoff.slots)}", file=out)
    return 0


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)
