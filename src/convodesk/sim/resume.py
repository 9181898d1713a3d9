"""Interrupted suites lose nothing: each transcript is written the moment its conversation
ends, and a resumed suite keeps the ones this flow version and seed already produced."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from convodesk.runtime.fingerprint import content_hash
from convodesk.runtime.model import Flow

from .persona import Persona
from .runner import Conversation
from .transcripts import Transcript, read_transcript, transcript_path, write_transcript


class TranscriptFolderError(OSError):
    """The transcripts folder cannot be written (read-only, full disk, not a folder)."""


def check_writable(folder: Path) -> None:
    """Fail before a long suite runs, not after it: create the folder and write a probe file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".convodesk-probe.", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise TranscriptFolderError(exc.errno, exc.strerror or str(exc), str(folder)) from None


def finished_transcript(path: Path, *, flow_hash: str, seed: int) -> Transcript | None:
    """The transcript at `path` if it parses back whole and this flow (same content hash) made
    it with this seed; otherwise None, and the conversation runs again."""
    try:
        transcript = read_transcript(path)
    except (OSError, ValueError, yaml.YAMLError):
        return None
    if transcript.flow.get("hash") != flow_hash or transcript.seed != seed:
        return None
    return transcript


class Recorder:
    """Writes transcripts as conversations finish and answers `run_suite(skip=...)`.

    `record` writes only where no transcript is stored: stored transcripts are snapshots, and
    replacing them is `--update`'s job, not a plain run's.
    """

    def __init__(self, flow: Flow, out: str | Path, *, runs: int, resume: bool) -> None:
        self.flow = flow
        self.out = Path(out)
        self.numbered = runs > 1
        self.resume = resume
        self.hash = content_hash(flow)
        self.kept: list[Transcript] = []
        self.written: list[Path] = []

    def check(self) -> None:
        check_writable(self.out / self.flow.flow)

    def path(self, persona: str, run: int) -> Path:
        name = f"{persona}.{run}" if self.numbered else persona
        return self.out / self.flow.flow / f"{name}.yaml"

    def finished(self, persona: Persona, run: int, seed: int) -> bool:
        if not self.resume:
            return False
        path = self.path(persona.persona, run)
        kept = finished_transcript(path, flow_hash=self.hash, seed=seed)
        if kept is not None:
            self.kept.append(kept)
        return kept is not None

    def record(self, c: Conversation) -> Path | None:
        path = transcript_path(self.out, c, numbered=self.numbered)
        if path.exists():
            return None
        write_transcript(c, self.out, numbered=self.numbered)
        self.written.append(path)
        return path

    @property
    def kept_passed(self) -> bool:
        return all(t.passed for t in self.kept)
