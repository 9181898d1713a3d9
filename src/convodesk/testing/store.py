"""The stored transcripts under `transcripts/` as snapshots: compare a suite run, or update.

Drift is judged on the snapshot view (conversation and outcome), so a flow edit that changes
only the content hash is not drift. `--update` makes every file byte-identical to what the run
would write, and removes transcripts of personas that no longer exist. A file whose
conversation and outcome still match is rewritten all the same when what it records about the
run changed (the flow hash, the check results): provenance must name the flow that produced it.
Such files are counted apart ("refreshed the flow hash of 1"), so "updated" means drift.
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
    # same conversation and outcome, other recorded details: path -> what differs
    refreshed: dict[Path, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> list[Path]:
        """Stored files whose conversation or outcome drifted (not missing, not orphans)."""
        return [Path(d.path) for d in self.drift if d.status == "changed" and d.path]

    @property
    def unreadable(self) -> list[Path]:
        return list(dict.fromkeys(Path(p.file) for p in self.problems))

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
            "updated": [
                str(p) for p in updated if p not in self.refreshed and p not in self.orphans
            ],
            "refreshed": [str(p) for p in updated if p in self.refreshed],
            "deleted": [str(p) for p in updated if p in self.orphans],
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
        elif stored_text != text:
            check.refreshed[path] = recorded_changes(stored, transcript)
    folder = Path(out) / result.flow.flow
    cast = {p.persona for p in result.personas}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        persona = _stored_persona(path)
        if path not in expected and persona is not None and persona not in cast:
            check.orphans.append(path)
            check.drift.append(TranscriptDiff(persona, 0, "orphan", str(path)))
    return check


def recorded_changes(stored: Transcript, fresh: Transcript) -> list[str]:
    """What differs between two transcripts of the same conversation and outcome, in words:
    "flow hash", "flow version", "check results", or the field's name."""
    old, new = stored.model_dump(mode="json"), fresh.model_dump(mode="json")
    out: list[str] = []
    for key, value in new.items():
        if old.get(key) == value:
            continue
        if key == "flow":
            out += [
                f"flow {k}" for k in ("hash", "version", "id") if old[key].get(k) != value.get(k)
            ]
        elif key in ("checks", "passed"):
            out.append("check results")
        else:
            out.append(key.replace("_", " "))
    return list(dict.fromkeys(out)) or ["formatting"]


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


def _update_line(check: StoreCheck, touched: list[Path]) -> str:
    """`--update`: drift rewritten, new ones written, provenance refreshed, orphans deleted."""
    done = set(touched)
    changed = [p for p in check.changed if p in done]
    new = [p for p in check.missing if p in done]
    unreadable = [p for p in check.unreadable if p in done]
    refreshed = [p for p in check.refreshed if p in done]
    deleted = [p for p in check.orphans if p in done]
    parts = []
    if changed:
        parts.append(f"updated {len(changed)} (drifted)")
    if new:
        parts.append(f"wrote {len(new)} new")
    if unreadable:
        parts.append(f"rewrote {len(unreadable)} unreadable")
    if refreshed:
        what = list(dict.fromkeys(w for p in refreshed for w in check.refreshed[p]))
        parts.append(
            f"refreshed the {_and(what)} of {len(refreshed)} (same conversation and outcome)"
        )
    if deleted:
        parts.append(f"deleted {len(deleted)} (persona removed)")
    return "stored transcripts: " + ", ".join(parts) if parts else "transcripts up to date"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def summary(check: StoreCheck, touched: list[Path], *, snapshot: bool, update: bool) -> list[str]:
    """The stderr lines saying what happened to the stored transcripts."""
    if update:
        return [_update_line(check, touched)]
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
