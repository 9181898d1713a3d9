"""The comparable part of a transcript: what the bot said and what it decided.

A snapshot keeps the conversation and the outcome and drops what changes without the
conversation changing: the flow's content hash (it moves on any edit, even a comment), the
flow version, and the check results (assertions about the conversation, asserted separately,
whose wording may change with convodesk itself). Clock, reference date and seed are pinned by
the simulator, so nothing in the text needs scrubbing; scrubbing would hide real changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from convodesk.runtime.problems import LoadError, Problem
from convodesk.runtime.yamlsource import load_yaml, validate_model
from convodesk.sim.transcripts import NO_WRAP, Line, Transcript, to_transcript

if TYPE_CHECKING:
    from convodesk.sim.runner import Conversation

SCORE_ORDER = ("fit", "intent", "capacity")


class SnapshotOutcome(BaseModel):
    """What the flow decided, in the order a reviewer reads it."""

    model_config = ConfigDict(extra="forbid")

    route: str
    disqualified: str | None = None
    ended_by: str
    persona_left: bool = False
    left_while_asking: list[str] = Field(default_factory=list)
    scores: dict[str, int]
    slots: dict[str, Any] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)
    next_action: dict[str, Any] = Field(default_factory=dict)
    outstanding_questions: list[str] = Field(default_factory=list)


class Snapshot(BaseModel):
    """Header, then the conversation line by line, then the outcome."""

    model_config = ConfigDict(extra="forbid")

    persona: str
    flow: str
    run: int = 0
    seed: int
    reference_date: str
    context: dict[str, Any] = Field(default_factory=dict)
    conversation: list[Line]
    outcome: SnapshotOutcome


def from_transcript(t: Transcript) -> Snapshot:
    scores = {k: t.scores[k] for k in SCORE_ORDER if k in t.scores}
    scores.update({k: v for k, v in sorted(t.scores.items()) if k not in scores})
    return Snapshot(
        persona=t.persona,
        flow=str(t.flow.get("id", "")),
        run=t.run,
        seed=t.seed,
        reference_date=t.reference_date,
        context=dict(sorted(t.context.items())),
        conversation=list(t.conversation),
        outcome=SnapshotOutcome(
            route=t.route,
            disqualified=t.disqualified,
            ended_by=t.ended_by,
            persona_left=t.persona_left,
            left_while_asking=list(t.left_while_asking),
            scores=scores,
            # sorted: the order slots were filled in is visible in the conversation already
            slots=dict(sorted(t.slots.items())),
            reasons=list(t.reasons),
            next_action=dict(t.next_action),
            outstanding_questions=list(t.outstanding_questions),
        ),
    )


def from_conversation(c: Conversation) -> Snapshot:
    return from_transcript(to_transcript(c))


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text, so a long answer reads as a paragraph in review."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_snapshot(s: Snapshot) -> str:
    """Readable YAML with a fixed key order; equal snapshots give equal bytes. Lines are
    never wrapped, so a one-word edit shows as one changed line in review."""
    data = s.model_dump(mode="json", exclude_none=True)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=NO_WRAP)


def parse_snapshot(text: str, file: str = "<snapshot>") -> Snapshot:
    """A snapshot file back into the model; `LoadError` with a position if it is not one.

    The plain YAML reader is fast; only a file that fails is read again with positions
    (`convodesk.runtime.yamlsource`), so the error names the line and column to look at.
    """
    try:
        return Snapshot.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError):
        pass
    data, source, problems = load_yaml(text, file)
    if not problems:
        _, problems = validate_model(Snapshot, data, source)
    if not problems:  # read differently by the two readers: say so rather than guess
        problems = [Problem(file, 1, 1, "", "not a transcript snapshot")]
    raise LoadError(problems)
