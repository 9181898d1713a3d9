"""Transcripts on disk: readable YAML, stable key order, written atomically.

Nothing that changes between identical runs goes in (the simulator pins the clock and the
reference date), so a transcript diff in review means the conversation changed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
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
    cause: str | None = None  # "simulator: ..." when the buyer's contradicted facts explain it


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
    slot_sources: dict[str, str] | None = None  # LLM understanding only: llm | rules_fallback
    outstanding_questions: list[str] = Field(default_factory=list)
    checks: list[CheckLine] = Field(default_factory=list)
    passed: bool
    flags: list[str] | None = None  # hostile input noticed (prompt_injection, abuse, ...)
    redacted: bool | None = None
    subjects: list[str] | None = None  # fingerprints of the emails involved (redacted files only)
    # LLM runs only (absent otherwise, so offline transcripts never change):
    status: str | None = None  # "persona_error": the simulated buyer failed, not the flow
    persona_error: str | None = None
    persona_errors: list[str] | None = None  # facts the simulated buyer contradicted or revealed
    understanding: list[dict[str, Any]] | None = None  # per message: LLM, or why rules took over


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
        checks=[
            CheckLine(
                id=r.id,
                status=r.status,
                why=r.explanation or None,
                cause=f"simulator: {c.simulator_checks[r.id]}"
                if r.id in c.simulator_checks
                else None,
            )
            for r in c.checks
        ],
        passed=c.passed,
        flags=list(c.state.flags) or None,
        **llm_fields(c),
    )
    return redacted(transcript, c) if redact or c.flow.redact else transcript


def llm_fields(c: Conversation) -> dict[str, Any]:
    """What only an LLM run has: each slot's source, the understanding notes (a fallback to the
    rules and why), and the simulated buyer's errors. Empty for a rule-path run."""
    fields: dict[str, Any] = {}
    sources = {name: slot.source for name, slot in c.state.slots.items()}
    if any(source in ("llm", "rules_fallback") for source in sources.values()):
        fields["slot_sources"] = sources
    notes = [
        {"turn": turn, "source": e.value, "note": e.detail}
        for turn, e in c.events
        if e.kind == "understanding"
    ]
    if notes:
        fields["understanding"] = notes
    errors = [a.detail for a in c.actions if a.kind in ("fact_error", "fact_revealed")]
    if errors:
        fields["persona_errors"] = errors
    if c.persona_error is not None:
        fields["persona_error"] = c.persona_error
    if c.status == "persona_error":
        fields["status"] = "persona_error"
    return fields


def redacted(t: Transcript, c: Conversation) -> Transcript:
    """A copy with contact data masked and the involved emails kept only as fingerprints."""
    profile = c.persona.profile.model_dump()
    slots = {name: slot.value for name, slot in c.state.slots.items()}
    said = [m.text for m in c.state.transcript if m.role == "buyer"]
    mask = Redactor(c.flow, personal_values(c.flow, slots, profile), said)
    lines = [m.text for m in c.state.transcript]
    involved = emails_in([profile.get("email"), slots, lines, c.state.context])
    return t.model_copy(
        update={
            "context": mask.value(t.context),
            "conversation": [
                line.model_copy(
                    update={
                        "bot": mask.text(line.bot) if line.bot is not None else None,
                        "buyer": mask.buyer(line.buyer) if line.buyer is not None else None,
                    }
                )
                for line in t.conversation
            ],
            "slots": {name: mask.slot(name, value) for name, value in t.slots.items()},
            "outstanding_questions": [mask.buyer(q) for q in t.outstanding_questions],
            "checks": [
                check.model_copy(
                    update={
                        "why": mask.text(check.why) if check.why else None,
                        "cause": mask.text(check.cause) if check.cause else None,
                    }
                )
                for check in t.checks
            ],
            "redacted": True,
            "subjects": sorted(email_fingerprint(e) for e in involved),
            "persona_error": mask.text(t.persona_error) if t.persona_error else None,
            "persona_errors": [mask.text(e) for e in t.persona_errors]
            if t.persona_errors
            else None,
            "understanding": [{**u, "note": mask.text(str(u["note"]))} for u in t.understanding]
            if t.understanding
            else None,
        }
    )


NO_WRAP = float("inf")  # PyYAML's line width: long text stays on its line


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text; everything else as safe_dump would write it."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_transcript(transcript: Transcript) -> str:
    """One line per value, never wrapped: a one-word edit then changes one line of the diff."""
    data = transcript.model_dump(mode="json", exclude_none=True)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=NO_WRAP)


def transcript_path(out_dir: str | Path, c: Conversation, *, numbered: bool = False) -> Path:
    """`<out>/<flow>/<persona>.yaml`, or `<persona>.<run>.yaml` when a suite runs K > 1 times."""
    name = f"{c.persona.persona}.{c.run}" if numbered else c.persona.persona
    return Path(out_dir) / c.flow.flow / f"{name}.yaml"


def atomic_write(path: str | Path, text: str) -> None:
    """Write to a temporary file in the same folder, fsync it, then rename over the target.

    A crash or a failing write leaves the previous file untouched, never half a transcript.
    The file ends up with the mode a plain `open(path, "w")` gives: a replaced file keeps its
    own, a new one gets 0666 less the umask (0644 typically), not mkstemp's private 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _new_temp_file(path)
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
    _sync_folder(path.parent)


_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation below the text layer


def _new_temp_file(path: Path) -> tuple[int, Path]:
    """A new file beside `path`, opened exclusively. Created with 0666 so the kernel applies
    the umask itself (reading the umask means setting it: a race with other threads)."""
    try:
        keep: int | None = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        keep = None
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
        except FileExistsError:
            continue
        if keep is not None:
            try:
                os.chmod(tmp, keep)
            except BaseException:
                os.close(fd)
                os.unlink(tmp)
                raise
        return fd, tmp
    raise FileExistsError(f"{path.parent}: no free temporary file name for {path.name}")


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every platform can open a folder, which is fine."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_transcript(
    c: Conversation, out_dir: str | Path, *, numbered: bool = False, redact: bool = False
) -> Path:
    path = transcript_path(out_dir, c, numbered=numbered)
    atomic_write(path, dump_transcript(to_transcript(c, redact=redact)))
    return path


def read_transcript(path: str | Path) -> Transcript:
    with open(path, encoding="utf-8") as handle:
        return Transcript.model_validate(yaml.safe_load(handle))
