"""Transcripts on disk: readable YAML, stable key order, written atomically.

Nothing that changes between identical runs goes in (the simulator pins the clock and the
reference date), so a transcript diff in review means the conversation changed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .redact import Redactor, email_fingerprint, emails_in, personal_values
from .runner import Conversation


class Line(BaseModel):
    """One message: `bot:` or `buyer:` carries the text, so the file reads like a chat log."""

    model_config = ConfigDict(extra="forbid")

    turn: int
    bot: str | None = None
    buyer: str | None = None
    kind: str | None = None
    asking: list[str] | None = None
    knowledge: str | None = None
    truncated_from: int | None = None  # the buyer's message was longer; `buyer` holds the kept part


class CheckLine(BaseModel):
    id: str
    status: str
    why: str | None = None


class Transcript(BaseModel):
    model_config = ConfigDict(extra="forbid")

    flow: dict[str, Any]
    persona: str
    run: int
    seed: int
    reference_date: str
    context: dict[str, Any] = Field(default_factory=dict)
    conversation: list[Line]
    ended_by: str
    persona_left: bool = False
    left_while_asking: list[str] = Field(default_factory=list)
    route: str
    disqualified: str | None = None
    scores: dict[str, int]
    reasons: list[str] = Field(default_factory=list)
    next_action: dict[str, Any] = Field(default_factory=dict)
    slots: dict[str, Any] = Field(default_factory=dict)
    outstanding_questions: list[str] = Field(default_factory=list)
    checks: list[CheckLine] = Field(default_factory=list)
    passed: bool
    flags: list[str] | None = None  # hostile input noticed (prompt_injection, abuse, ...)
    redacted: bool | None = None
    subjects: list[str] | None = None  # fingerprints of the emails involved (redacted files only)


def to_transcript(c: Conversation, *, redact: bool = False) -> Transcript:
    """The file's content; with `redact` (or the flow's `redact: true`) contact data is masked."""
    cut = {turn: e.value for turn, e in c.events if e.kind == "truncated"}
    lines = []
    for m in c.state.transcript:
        if m.role == "buyer":
            lines.append(Line(turn=m.turn, buyer=m.text, truncated_from=cut.get(m.turn)))
        else:
            lines.append(
                Line(
                    turn=m.turn,
                    bot=m.text,
                    kind=m.kind or None,
                    asking=list(m.asking) or None,
                    knowledge=m.knowledge,
                )
            )
    outcome = c.outcome
    action = outcome.next_action
    transcript = Transcript(
        flow={"id": c.state.flow.id, "version": c.state.flow.version, "hash": c.state.flow.hash},
        persona=c.persona.persona,
        run=c.run,
        seed=c.seed,
        reference_date=c.state.reference_date,
        context=dict(c.state.context),
        conversation=lines,
        ended_by=outcome.ended_by,
        persona_left=c.left,
        left_while_asking=list(c.left_while_asking),
        route=outcome.route,
        disqualified=outcome.disqualified,
        scores=outcome.scores.model_dump(),
        reasons=list(outcome.reasons),
        next_action={"action": action.action, "owner": action.owner, "status": action.status},
        slots={name: slot.value for name, slot in c.state.slots.items()},
        outstanding_questions=list(c.state.outstanding),
        checks=[CheckLine(id=r.id, status=r.status, why=r.explanation or None) for r in c.checks],
        passed=c.passed,
        flags=list(c.state.flags) or None,
    )
    return redacted(transcript, c) if redact or c.flow.redact else transcript


def redacted(t: Transcript, c: Conversation) -> Transcript:
    """A copy with contact data masked and the involved emails kept only as fingerprints."""
    profile = c.persona.profile.model_dump()
    slots = {name: slot.value for name, slot in c.state.slots.items()}
    mask = Redactor(c.flow, personal_values(c.flow, slots, profile))
    lines = [m.text for m in c.state.transcript]
    involved = emails_in([profile.get("email"), slots, lines, c.state.context])
    return t.model_copy(
        update={
            "context": mask.value(t.context),
            "conversation": [
                line.model_copy(
                    update={
                        "bot": mask.text(line.bot) if line.bot is not None else None,
                        "buyer": mask.text(line.buyer) if line.buyer is not None else None,
                    }
                )
                for line in t.conversation
            ],
            "slots": {name: mask.slot(name, value) for name, value in t.slots.items()},
            "outstanding_questions": [mask.text(q) for q in t.outstanding_questions],
            "checks": [
                check.model_copy(update={"why": mask.text(check.why) if check.why else None})
                for check in t.checks
            ],
            "redacted": True,
            "subjects": sorted(email_fingerprint(e) for e in involved),
        }
    )


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text; everything else as safe_dump would write it."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_transcript(transcript: Transcript) -> str:
    data = transcript.model_dump(mode="json", exclude_none=True)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def transcript_path(out_dir: str | Path, c: Conversation, *, numbered: bool = False) -> Path:
    """`<out>/<flow>/<persona>.yaml`, or `<persona>.<run>.yaml` when a suite runs K > 1 times."""
    name = f"{c.persona.persona}.{c.run}" if numbered else c.persona.persona
    return Path(out_dir) / c.flow.flow / f"{name}.yaml"


def atomic_write(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename over the target.

    A crash or a failing write leaves the previous file untouched, never half a transcript.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_transcript(
    c: Conversation, out_dir: str | Path, *, numbered: bool = False, redact: bool = False
) -> Path:
    path = transcript_path(out_dir, c, numbered=numbered)
    atomic_write(path, dump_transcript(to_transcript(c, redact=redact)))
    return path


def read_transcript(path: str | Path) -> Transcript:
    with open(path, encoding="utf-8") as handle:
        return Transcript.model_validate(yaml.safe_load(handle))
