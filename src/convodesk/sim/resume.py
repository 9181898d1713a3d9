"""Interrupted suites lose nothing: each transcript is written the moment its conversation
ends, and a resumed suite keeps the ones this flow version and seed already produced.

A kept conversation still belongs in the report, the JSON and the JUnit file, so `rebuild`
turns its transcript back into a `Conversation`: the stored buyer messages are replayed
through the same engine (same flow hash, same pinned clock and date, the same understanding,
answered from the LLM cache), which reproduces the session exactly; the stored checks are
kept as they were. When the replay does not reproduce the file (a redacted transcript, an
understanding the cache cannot answer), the outcome and slots are taken from the file instead
and the conversation is marked `rebuilt == "stored"`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import yaml

from convodesk.runtime.engine import Engine
from convodesk.runtime.fingerprint import content_hash
from convodesk.runtime.model import Flow
from convodesk.runtime.state import Event, NextAction, Outcome, Scores, SlotValue

from .checks import CheckResult
from .drivers import PersonaAction
from .persona import Persona
from .runner import MAX_TURNS, REFERENCE_DATE, Conversation, SendHook
from .transcripts import (
    Transcript,
    dump_transcript,
    read_transcript,
    to_transcript,
    transcript_path,
    write_transcript,
)


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
        self.stored: list[Path] = []  # finished, with a transcript already on disk (not rewritten)

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
            self.stored.append(path)
            return None
        write_transcript(c, self.out, numbered=self.numbered)
        self.written.append(path)
        return path

    @property
    def saved(self) -> int:
        """Finished conversations that have a transcript on disk: written now, kept by
        `--resume`, or stored before (a plain run never rewrites one)."""
        return len(self.written) + len(self.kept) + len(self.stored)

    @property
    def kept_passed(self) -> bool:
        return all(t.passed for t in self.kept)


async def rebuild(
    transcript: Transcript,
    persona: Persona,
    engine: Engine,
    *,
    send: SendHook | None = None,
    max_turns: int = MAX_TURNS,
) -> Conversation:
    """The kept conversation behind `transcript` (see the module docstring)."""
    reference = date.fromisoformat(transcript.reference_date or REFERENCE_DATE.isoformat())
    session = engine.start(context=dict(persona.context), reference_date=reference)
    c = Conversation(persona, engine.flow, transcript.run, transcript.seed, session.state)
    c.events += [(0, e) for e in session.opening.events]
    label, exact = f"{persona.persona}#{transcript.seed}", True
    for line in transcript.conversation:
        if line.buyer is None:
            continue
        if send is not None:
            try:
                turn = await send(session, line.buyer, label)
            except Exception:  # nothing cached for it: the file's values are used instead
                exact = False
                turn = session.send(line.buyer)
        else:
            turn = session.send(line.buyer)
        c.events += [(session.state.turn, e) for e in turn.events]
        if line.truncated_from is not None:  # the file keeps only the part the bot read
            event = Event(kind="truncated", detail="message cut", value=line.truncated_from)
            c.events.append((session.state.turn, event))
    if transcript.persona_error is not None:
        session.close("persona error")
    elif transcript.persona_left:
        c.left, c.left_while_asking = True, list(transcript.left_while_asking)
        c.events += [(session.state.turn, e) for e in session.close("persona left").events]
    elif transcript.ended_by == "limit":
        c.capped = True
        session.close(f"turn cap of {max_turns} reached", ended_by="limit")
    elif not session.done:
        exact = False
        session.close("abandoned")
    c.state = session.state
    c.persona_error = transcript.persona_error
    c.actions = [
        PersonaAction(turn=0, kind="fact_error", detail=error)
        for error in transcript.persona_errors or []
    ]
    c.checks = [CheckResult(x.id, x.status, x.why or "") for x in transcript.checks]  # type: ignore[arg-type]
    c.simulator_checks = {
        x.id: x.cause.removeprefix("simulator: ") for x in transcript.checks if x.cause
    }
    if exact and dump_transcript(to_transcript(c)) == dump_transcript(transcript):
        c.rebuilt = "exact"
    else:
        _from_file(c, transcript)
    return c


def _from_file(c: Conversation, t: Transcript) -> None:
    """Take what the reports read (route, scores, slots, questions, flags) from the file."""
    state = c.state
    sources = t.slot_sources or {}
    state.slots = {
        name: SlotValue(value=value, source=sources.get(name, "answer"))
        for name, value in t.slots.items()
    }
    state.outstanding, state.flags = list(t.outstanding_questions), list(t.flags or [])
    state.disqualified = t.disqualified
    base = state.outcome
    action = NextAction(
        action=t.next_action.get("action"),
        owner=str(t.next_action.get("owner") or ""),
        status=t.next_action.get("status") or "pending",
    )
    fields = {
        "route": t.route,
        "ended_by": t.ended_by,
        "reasons": list(t.reasons),
        "disqualified": t.disqualified,
        "scores": Scores(**t.scores),
        "next_action": action,
    }
    state.outcome = base.model_copy(update=fields) if base else Outcome.model_validate(fields)
    c.rebuilt = "stored"


async def rebuild_all(
    kept: Sequence[Transcript],
    personas: Sequence[Persona],
    engine: Engine,
    *,
    send: SendHook | None = None,
    max_turns: int = MAX_TURNS,
) -> list[Conversation]:
    """Every kept transcript whose persona is still in the suite, as a `Conversation`."""
    cast = {p.persona: p for p in personas}
    rebuilt = []
    for transcript in kept:
        persona = cast.get(transcript.persona)
        if persona is not None:
            rebuilt.append(
                await rebuild(transcript, persona, engine, send=send, max_turns=max_turns)
            )
    return rebuilt
