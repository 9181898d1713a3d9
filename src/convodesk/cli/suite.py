"""`convodesk test`: run the persona suite against a flow and report; exit 1 if a check failed.

Stored transcripts are the suite's snapshots: a plain run records new personas but never
overwrites a stored transcript (a CI run must not rewrite what it checks); `--snapshot` compares,
writes nothing and exits 1 on drift; `--update` rewrites them.

Exit codes: 0 passed; 1 a flow check or rubric item failed, a snapshot drifted, an LLM replay
missed, every conversation was a persona error, or every buyer message of an `--understanding
llm` run fell back to the rules (nothing was tested); 2 bad input, including LLM settings no
request can work with (no API key, a refused key, an unknown model); 130 interrupted. Persona
errors alone (the simulated buyer failed, not the flow) exit 0 and are reported loudly on
stdout and stderr.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from . import llmflags
from .errors import Exit, bad_input, usage
from .loading import beside_project, require_flow

if TYPE_CHECKING:
    from convodesk.sim.resume import Recorder

MISSES_SHOWN = 5  # replay misses printed in full; the rest are counted


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise usage(f"--date takes YYYY-MM-DD, got {text!r}") from None


def _default_personas(flow: Path) -> Path:
    """`personas/` beside the flows folder (a project's layout), else the current folder's."""
    beside = flow.resolve().parent.parent / "personas"
    return beside if beside.is_dir() else Path("personas")


def _check_junit(path: Path) -> None:
    """Fail before a long suite, not after it: the JUnit file's folder must take a file."""
    import os
    import tempfile

    folder = path.parent
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".convodesk-probe.", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise usage(f"cannot write the JUnit report to {path}: {exc.strerror or exc}") from None


def _interrupted(recorder: Recorder, total: int, out: Path) -> int:
    print(
        f"convodesk: interrupted; {recorder.saved} of {total} transcripts are saved in {out}; "
        "run again with --resume to finish",
        file=sys.stderr,
    )
    return Exit.INTERRUPTED


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
    concurrency: int | None = typer.Option(
        None,
        "--concurrency",
        "-j",
        min=1,
        help="Conversations in flight at once (default 8). With --model, LLM requests in "
        "flight instead (default 8 or [llm] concurrency): every conversation starts at once.",
        show_default=False,
    ),
    seed: int = typer.Option(0, "--seed", help="Suite seed; each run's seed is derived from it."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout."),
    junit: Path | None = typer.Option(
        None, "--junit", help="Also write a JUnit XML report to this path.", show_default=False
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Folder of stored transcripts (<out>/<flow>/<persona>.yaml). Default: transcripts/ "
        "in the flow's project folder (the folder holding flows/ and personas/), else in the "
        "current folder. A plain run writes new ones and never overwrites a stored one (it "
        "notes which differ); see --snapshot and --update.",
        show_default=False,
    ),
    snapshot: bool = typer.Option(
        False,
        "--snapshot",
        help="Compare each conversation and outcome with its stored transcript; print a diff "
        "naming the persona and the turn where it first diverges; exit 1 on any drift. "
        "Writes nothing.",
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
        "finished, run only the rest; the report still covers the whole suite.",
    ),
    redact: bool = typer.Option(
        False,
        "--redact",
        help="Mask emails, phones and personal data in transcripts and reports (as the flow "
        "key 'redact: true' does).",
    ),
    model: str | None = llmflags.MODEL,
    judge_model: str | None = llmflags.JUDGE_MODEL,
    understanding: str | None = llmflags.UNDERSTANDING,
    cache_dir: Path | None = llmflags.CACHE_DIR,
    replay: bool = llmflags.REPLAY,
    no_cache: bool = llmflags.NO_CACHE,
    api_base: str | None = llmflags.API_BASE,
) -> int:
    """Run every persona against FLOW, check each conversation, and report the suite.

    Transcripts under --out are the suite's snapshots. A plain run records personas that have
    none yet and never overwrites a stored one, so CI cannot silently rewrite what it checks.
    --snapshot compares (exit 1 on drift), --update accepts this run. --model plays the
    personas with an LLM (cached; --replay for CI).
    """
    from convodesk.runtime.problems import LoadError
    from convodesk.sim.persona import load_personas
    from convodesk.sim.resume import Recorder

    loaded = require_flow(flow)
    reference = parse_date(on_date)
    folder = personas or _default_personas(flow)
    try:
        cast = load_personas(folder, loaded)
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
    out = out or beside_project(flow, "transcripts")
    if junit is not None:
        _check_junit(junit)
    if redact:
        loaded = loaded.model_copy(update={"redact": True})
    recorder = Recorder(loaded, out, runs=runs, resume=resume)
    if not snapshot:  # --snapshot writes nothing, not even the folder
        try:
            recorder.check()
        except OSError as exc:
            raise usage(f"cannot write transcripts to {out}: {exc.strerror}") from None
    signal.signal(signal.SIGTERM, lambda *_: signal.raise_signal(signal.SIGINT))  # same as Ctrl-C
    total = len(cast) * runs
    try:
        run = _run(
            loaded,
            cast,
            options,
            recorder,
            runs,
            concurrency,
            seed,
            reference,
            record=not (snapshot or update),
        )
    except KeyboardInterrupt:
        return _interrupted(recorder, total, out)
    except OSError as exc:
        raise usage(f"cannot write transcripts to {out}: {exc.strerror or exc}") from None
    except Exception as exc:
        if getattr(exc, "aborts_run", False):  # no API key, a refused key, an unknown model
            raise usage(str(exc)) from None
        raise
    try:
        return _report(run, recorder, out, junit, as_json, snapshot, update, runs)
    except KeyboardInterrupt:  # Ctrl-C while reporting: the transcripts are all saved already
        return _interrupted(recorder, total, out)


def _run(
    flow: Any,
    cast: list[Any],
    options: Any,
    recorder: Recorder,
    runs: int,
    concurrency: int | None,
    seed: int,
    reference: date | None,
    *,
    record: bool,
) -> Any:
    """The suite under a progress bar on stderr; each transcript is written as it finishes."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from convodesk.sim.runner import Conversation
    from convodesk.sim.suite_run import run_configured_suite

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(f"{flow.flow}", total=len(cast) * runs)

        def done(c: Conversation) -> None:
            if record:  # written now, so an interruption loses nothing
                recorder.record(c)
            progress.advance(task)

        return asyncio.run(
            run_configured_suite(
                flow,
                cast,
                options=options,
                runs=runs,
                concurrency=concurrency or 8,
                seed=seed,
                on_date=reference,
                on_done=done,
                skip=recorder.finished,
                kept=recorder.kept,
            )
        )


def _report(
    run: Any,
    recorder: Recorder,
    out: Path,
    junit: Path | None,
    as_json: bool,
    snapshot: bool,
    update: bool,
    runs: int,
) -> int:
    from rich.console import Console

    from convodesk.sim.report import build_report, junit_xml, render
    from convodesk.sim.runner import SuiteResult
    from convodesk.sim.transcripts import atomic_write, transcript_path
    from convodesk.testing.diff import format_diff, render_diffs
    from convodesk.testing.store import check_store, summary, update_store, write_missing

    err = Console(stderr=True)
    result = run.result
    if recorder.kept:
        print(f"resumed: kept {len(recorder.kept)} finished transcript(s)", file=sys.stderr)
    paths = {
        (c.persona.persona, c.run): str(transcript_path(out, c, numbered=runs > 1))
        for c in result.conversations
    }
    # Kept conversations are the stored files themselves: only this run's are compared.
    fresh = SuiteResult(
        result.flow, result.personas, run.fresh, result.runs, result.seed, result.reference_date
    )
    stored = check_store(fresh, out)
    if snapshot and not update and stored.problems:
        raise bad_input(stored.problems)
    try:
        if update:
            touched = update_store(stored)
        elif snapshot:
            touched = []
        else:
            touched = recorder.written + write_missing(stored)
    except OSError as exc:
        raise usage(f"cannot write transcripts to {out}: {exc.strerror or exc}") from None
    report = build_report(result, paths, llm=run.llm_report)
    drift = stored.drift if (snapshot and not update) else []
    if junit is not None:
        junit_drift = {(d.persona, d.run): format_diff(d) for d in drift}
        try:
            atomic_write(junit, junit_xml(report, junit_drift))
        except OSError as exc:
            raise usage(
                f"cannot write the JUnit report to {junit}: {exc.strerror or exc}"
            ) from None
    if as_json:
        data = report.model_dump(mode="json")
        if snapshot or update:
            data["snapshot"] = stored.to_json(touched if update else [])
        print(json.dumps(data, indent=2))
    else:
        console = Console(file=sys.stdout, width=120, highlight=False)
        render(report, console, drift=len(drift))
        if drift or (update and stored.drift):
            render_diffs(stored.drift, console)
    for line in summary(stored, touched, snapshot=snapshot, update=update):
        err.print(line, highlight=False, markup=False, soft_wrap=True)
    _warn(run, report)
    if drift or run.failed:
        return Exit.FAILED
    return Exit.OK


def warn_fallbacks(llm: dict[str, Any] | None) -> None:
    """stderr, whenever LLM understanding fell back to the rules: how often and why. A run whose
    every message fell back exits 1 (the LLM path was not tested); a partial one exits 0."""
    llm = llm or {}
    fell = int(llm.get("fallback_messages") or 0)
    if not fell:
        return
    total = fell + int(llm.get("llm_messages") or 0)
    reasons = llm.get("fallback_reasons") or {}
    why = f" (most often: {next(iter(reasons))})" if reasons else ""
    if llm.get("understanding_untested"):
        head = f"LLM understanding fell back to the rules on all {fell} message(s)"
        tail = "; the LLM path was not tested (exit 1)"
    else:
        head = f"LLM understanding fell back to the rules on {fell} of {total} message(s)"
        tail = ""
    print(f"convodesk: warning: {head}{why}{tail}", file=sys.stderr)


def _warn(run: Any, report: Any) -> None:
    """stderr: every replay miss (CI fails on them), persona errors, which do not fail, and
    LLM understanding that fell back to the rules."""
    misses = run.replay_misses
    for miss in misses[:MISSES_SHOWN]:
        print(f"convodesk: {miss}", file=sys.stderr)
    if len(misses) > MISSES_SHOWN:
        print(f"convodesk: … and {len(misses) - MISSES_SHOWN} more replay misses", file=sys.stderr)
    sim = [c for c in report.conversations if c.status == "persona_error"]
    if sim:
        names = ", ".join(dict.fromkeys(c.persona for c in sim))
        print(
            f"convodesk: warning: {len(sim)} conversation(s) had persona errors (the simulated "
            f"buyer failed, not the flow; not counted): {names}",
            file=sys.stderr,
        )
    warn_fallbacks(report.llm)


def register(app: typer.Typer) -> None:
    app.command("test")(test)
