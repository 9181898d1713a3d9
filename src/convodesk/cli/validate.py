"""`convodesk validate`: schema, references, graph and domain lint for flows."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from convodesk.runtime.loader import LoadedFlow, load_flow_file
from convodesk.runtime.problems import LoadError, Problem

from .errors import Exit, report


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _summary(loaded: LoadedFlow, *, failed_warnings: int = 0) -> str:
    """One line per file: what it holds when it passes, why it failed when --strict fails it."""
    flow = loaded.flow
    assert flow is not None
    if failed_warnings:
        return (
            f"{loaded.source.file}: failed — {_count(failed_warnings, 'warning')} "
            "(--strict treats warnings as failures)"
        )
    questions = sum(len(step.asks) for step in flow.steps)
    return (
        f"{loaded.source.file}: ok — {flow.flow} v{flow.version}: {_count(len(flow.steps), 'step')}, "
        f"{_count(questions, 'question')}, {_count(len(flow.slots), 'slot')}, "
        f"{_count(len(flow.knowledge), 'knowledge entry', 'knowledge entries')}, "
        f"{_count(len(flow.disqualify), 'disqualifier')}, {_count(len(flow.routes), 'route')}"
    )


def validate(
    flows: list[Path] = typer.Argument(..., help="Flow files (YAML) to check.", show_default=False),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as failures (exit 1)."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON on stdout."),
) -> int:
    """Check flows: schema, references, graph (unreachable steps, loops, dead ends) and domain lint."""
    results = []
    errors = warnings = 0
    for path in flows:
        try:
            loaded = load_flow_file(path, lint=True)
            problems: list[Problem] = loaded.problems
        except LoadError as exc:
            loaded, problems = None, exc.problems
        report(problems)
        file_errors = [p for p in problems if p.severity == "error"]
        errors += len(file_errors)
        warnings += len(problems) - len(file_errors)
        ok = loaded is not None and loaded.flow is not None
        results.append(
            {
                "file": str(path),
                "ok": ok,
                "problems": [
                    {
                        "line": p.line,
                        "col": p.col,
                        "path": p.path,
                        "message": p.message,
                        "severity": p.severity,
                    }
                    for p in problems
                ],
            }
        )
        if ok and not as_json:
            failing = len(problems) - len(file_errors) if strict else 0
            print(_summary(loaded, failed_warnings=failing))  # type: ignore[arg-type]
    if as_json:
        print(json.dumps(results, indent=2))
    if errors:
        return Exit.BAD_INPUT
    if strict and warnings:
        return Exit.FAILED
    return Exit.OK


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
