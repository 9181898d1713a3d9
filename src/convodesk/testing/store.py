"""The stored transcripts under `transcripts/` as snapshots: compare a suite run, or update.

Drift is judged on the snapshot view (conversation and outcome), so a flow edit that changes
only the content hash is not drift. `--update` makes every file byte-identical to what the run
would write (the hash included), and removes transcripts of personas that no longer exist.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from convodesk.runtime.loader import read_text
from convodesk.runtime.problems import LoadError, Problem
from convodesk.sim.runner import SuiteResult
from convodesk.sim.transcripts import (
    Transcript,
    atomic_write,
    dump_transcript,
    to_transcript,
    transcript_path,
)

from .diff import TranscriptDiff, compare
from .snapshot import from_transcript


@dataclass
class StoreCheck:
    """What a run found against the stored transcripts, and what `--update` would write."""

    drift: list[TranscriptDiff] = field(default_factory=list)
    writes: dict[Path, str] = field(default_factory=dict)
    missing: list[Path] = field(default_factory=list)
    orphans: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.drift and not self.problems

    def to_json(self, updated: list[Path]) -> dict[str, Any]:
        """The `snapshot` key of `convodesk test --json`."""
        return {
            "drift": [
                {
                    "persona": d.persona,
                    "run": d.run,
                    "status": d.status,
                    "path": d.path,
                    "first_turn": d.first_turn,
                    "outcome": [
                        {"field": c.field, "stored": c.old, "fresh": c.new} for c in d.outcome
                    ],
                }
                for d in self.drift
            ],
            "problems": [str(p) for p in self.problems],
            "updated": [str(p) for p in updated],
        }


def _read_stored(path: Path) -> Transcript:
    """A stored transcript, or `LoadError` naming the file (and line, for broken YAML)."""
    text = read_text(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise LoadError([Problem(str(path), line, col, "", "not valid YAML")]) from None
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LoadError(
            [Problem(str(path), 1, 1, where, f"not a transcript: {first['msg']}")]
        ) from None


def _stored_persona(path: Path) -> str | None:
    with contextlib.suppress(OSError, yaml.YAMLError, UnicodeDecodeError):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("persona"), str):
            return data["persona"]
    return None


def check_store(result: SuiteResult, out: str | Path) -> StoreCheck:
    """Compare every conversation of `result` with `<out>/<flow>/<persona>[.<run>].yaml`."""
    numbered = result.runs > 1
    check = StoreCheck()
    expected: set[Path] = set()
    for c in result.conversations:
        path = transcript_path(out, c, numbered=numbered)
        expected.add(path)
        transcript = to_transcript(c)
        text = dump_transcript(transcript)
        if not path.exists():
            check.missing.append(path)
            check.writes[path] = text
            check.drift.append(
                TranscriptDiff(c.persona.persona, c.run, "missing", str(path), numbered=numbered)
            )
            continue
        try:
            stored_text = read_text(path)
            stored = _read_stored(path)
        except LoadError as exc:
            check.problems += exc.problems
            check.writes[path] = text
            continue
        if stored_text != text:
            check.writes[path] = text
        d = compare(
            from_transcript(stored),
            from_transcript(transcript),
            path=str(path),
            numbered=numbered,
        )
        if d is not None:
            check.drift.append(d)
    folder = Path(out) / result.flow.flow
    cast = {p.persona for p in result.personas}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        persona = _stored_persona(path)
        if path not in expected and persona is not None and persona not in cast:
            check.orphans.append(path)
            check.drift.append(TranscriptDiff(persona, 0, "orphan", str(path)))
    return check


def write_missing(check: StoreCheck) -> list[Path]:
    """Plain `convodesk test`: record new personas, never overwrite what is stored."""
    for path in check.missing:
        atomic_write(path, check.writes[path])
    return list(check.missing)


def update_store(check: StoreCheck) -> list[Path]:
    """`--update`: rewrite what differs (atomically), delete orphans; returns touched files."""
    for path, text in check.writes.items():
        atomic_write(path, text)
    for path in check.orphans:
        path.unlink(missing_ok=True)
    return [*check.writes, *check.orphans]


def summary(check: StoreCheck, touched: list[Path], *, snapshot: bool, update: bool) -> list[str]:
    """The stderr lines saying what happened to the stored transcripts."""
    if update:
        return [
            f"updated {len(touched)} stored transcript(s)" if touched else "transcripts up to date"
        ]
    if snapshot:
        return (
            [f"{len(check.drift)} transcript(s) drifted; accept with --update"]
            if check.drift
            else []
        )
    lines = [f"wrote {len(touched)} new transcript(s)"] if touched else []
    changed = [d.label for d in check.drift if d.status == "changed"]
    if changed:
        lines.append(
            f"note: {len(changed)} stored transcript(s) differ from this run and were kept "
            f"({', '.join(changed)}); --snapshot shows the diff, --update rewrites them"
        )
    lines += [f"{p} (kept; --update rewrites it)" for p in check.problems]
    return lines
