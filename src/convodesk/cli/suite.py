"""`convodesk test`: run the persona suite against a flow and report; exit 1 if a check failed.

Stored transcripts are the suite's snapshots: a plain run records new personas but never
overwrites a stored transcript (a CI run must not rewrite what it checks); `--snapshot` compares
and exits 1 on drift; `--update` rewrites them.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from datetime import date
from pathlib import Path

import typer

from .errors import Exit, bad_input, usage
from .loading import require_flow


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise usage(f"--date takes YYYY-MM-DD, got {text!r}") from None


def _default_personas(flow: Path) -> Path:
    """`personas/` beside the flows folder (a project's layout), else the current folder's."""
    beside = flow.resolve().parent.parent / "personas"
    return beside if beside.is_dir() else Path("personas")


def test(
    flow: Path = typer.Argument(..., help="Flow file (YAML).", show_default=False),
    personas: Path | None = typer.Option(
        None,
        "--personas",
        "-p",
        help="Folder of persona files. Default: personas/ next to the flow's folder.",
        show_default=False,
    ),
    runs: int = typer.Option(
        1, "--runs", "-k", min=1, help="Runs per persona, each with its own seed."
    ),
    concurrency: int = typer.Option(
        8, "--concurrency", "-j", min=1, help="Conversations in flight at once."
    ),
    seed: int = typer.Option(0, "--seed", help="Suite seed; each run's seed is derived from it."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout."),
    junit: Path | None = typer.Option(
        None, "--junit", help="Also write a JUnit XML report to this path.", show_default=False
    ),
    out: Path = typer.Option(
        Path("transcripts"),
        "--out",
        "-o",
        help="Folder of stored transcripts (<out>/<flow>/<persona>.yaml). A plain run writes "
        "new ones and never overwrites a stored one (it notes which differ); see --snapshot "
        "and --update.",
    ),
    snapshot: bool = typer.Option(
        False,
        "--snapshot",
        help="Compare each conversation and outcome with its stored transcript; print a diff "
        "naming the persona and the turn where it first diverges; exit 1 on any drift.",
    ),
    update: bool = typer.Option(
        False,
        "--update",
        "-u",
        help="Rewrite stored transcripts to match this run (and delete ones of removed "
        "personas); prints what changed.",
    ),
    on_date: str = typer.Option(
        "", "--date", help="Reference date for relative timelines (YYYY-MM-DD); default 2026-01-15."
    ),
    resume: bool = typer.Option(
        False,
        "--resume",
        help="After an interruption: keep the transcripts this flow version and seed already "
        "finished, run only the rest.",
    ),
    redact: bool = typer.Option(
        False,
        "--redact",
        help="Mask emails, phones and personal data in transcripts and reports (as the flow "
        "key 'redact: true' does).",
    ),
) -> int:
    """Run every persona against FLOW, check each conversation, and report the suite.

    Transcripts under --out are the suite's snapshots. A plain run records personas that have
    none yet and never overwrites a stored one, so CI cannot silently rewrite what it checks.
    --snapshot compares (exit 1 on drift), --update accepts this run.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from convodesk.runtime.problems import LoadError
    from convodesk.sim.persona import load_personas
    from convodesk.sim.report import build_report, junit_xml, render
    from convodesk.sim.resume import Recorder
    from convodesk.sim.runner import Conversation, run_suite
    from convodesk.sim.transcripts import atomic_write, transcript_path
    from convodesk.testing.diff import render_diffs
    from convodesk.testing.store import check_store, summary, update_store, write_missing

    loaded = require_flow(flow)
    reference = parse_date(on_date)
    folder = personas or _default_personas(flow)
    try:
        cast = load_personas(folder, loaded)
    except LoadError as exc:
        raise bad_input(exc.problems) from None

    if redact:
        loaded = loaded.model_copy(update={"redact": True})
    recorder = Recorder(loaded, out, runs=runs, resume=resume)
    try:
        recorder.check()
    except OSError as exc:
        raise usage(f"cannot write transcripts to {out}: {exc.strerror}") from None
    signal.signal(signal.SIGTERM, lambda *_: signal.raise_signal(signal.SIGINT))  # same as Ctrl-C

    err = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task(f"{loaded.flow}", total=len(cast) * runs)

        def done(c: Conversation) -> None:
            if not (snapshot or update):  # written now, so an interruption loses nothing
                recorder.record(c)
            progress.advance(task)

        try:
            result = asyncio.run(
                run_suite(
                    loaded,
                    cast,
                    runs=runs,
                    concurrency=concurrency,
                    seed=seed,
                    on_date=reference,
                    on_done=done,
                    skip=recorder.finished,
                )
            )
        except KeyboardInterrupt:
            done_count = len(recorder.written) + len(recorder.kept)
            print(
                f"convodesk: interrupted; {done_count} of {len(cast) * runs} transcripts are "
                f"saved in {out}; run again with --resume to finish",
                file=sys.stderr,
            )
            return Exit.INTERRUPTED
        except OSError as exc:
            raise usage(f"cannot write transcripts to {out}: {exc.strerror or exc}") from None
    if recorder.kept:
        print(f"resumed: kept {len(recorder.kept)} finished transcript(s)", file=sys.stderr)
    if not result.conversations:
        return Exit.OK if recorder.kept_passed else Exit.FAILED
    paths = {
        (c.persona.persona, c.run): str(transcript_path(out, c, numbered=runs > 1))
        for c in result.conversations
    }
    stored = check_store(result, out)
    if snapshot and not update and stored.problems:
        raise bad_input(stored.problems)
    try:
        touched = update_store(stored) if update else recorder.written + write_missing(stored)
    except OSError as exc:
        raise usage(f"cannot write transcripts to {out}: {exc.strerror or exc}") from None
    report = build_report(result, paths)
    if junit is not None:
        atomic_write(junit, junit_xml(report))
    drifted = (snapshot or update) and bool(stored.drift)
    if as_json:
        data = report.model_dump(mode="json")
        if snapshot or update:
            data["snapshot"] = stored.to_json(touched if update else [])
        print(json.dumps(data, indent=2))
    else:
        console = Console(file=sys.stdout, width=120, highlight=False)
        render(report, console)
        if drifted:
            render_diffs(stored.drift, console)
    for line in summary(stored, touched, snapshot=snapshot, update=update):
        err.print(line, highlight=False, markup=False, soft_wrap=True)
    if snapshot and not update and stored.drift:
        return Exit.FAILED
    return Exit.OK if report.passed and recorder.kept_passed else Exit.FAILED


def register(app: typer.Typer) -> None:
    app.command("test")(test)
