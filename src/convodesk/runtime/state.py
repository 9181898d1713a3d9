"""Session state, turns and outcomes: the JSON a web backend stores between requests."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

STATE_SCHEMA = 1
_SURROGATE = re.compile("[\ud800-\udfff]")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def encodable(text: str) -> str:
    """`text` as UTF-8 can carry it: a lone surrogate ("\\ud800", from a broken JSON escape)
    becomes U+FFFD, a surrogate pair the character it stands for; all else is kept.

    Whatever the buyer or the embedder sends ends up in the state's JSON, and JSON that
    cannot be encoded would break `dump()` for the rest of the conversation.
    """
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def encodable_value(value: Any) -> Any:
    """`encodable` over every string inside a JSON-like value (keys too)."""
    if isinstance(value, str):
        return encodable(value)
    if isinstance(value, list | tuple):
        return [encodable_value(item) for item in value]
    if isinstance(value, dict):
        return {
            encodable_value(k) if isinstance(k, str) else k: encodable_value(v)
            for k, v in value.items()
        }
    return value


def reference_day(value: date | str) -> str:
    """A reference date as the state stores it, `YYYY-MM-DD`; anything else is a ValueError.

    Relative timelines ("by March") are read against it, so a value that is not a day would
    make every message unreadable, not just one.
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValueError(f"reference_date must be a date or 'YYYY-MM-DD', got {value!r}")


class Message(BaseModel):
    role: Literal["bot", "buyer"]
    text: str
    kind: str = ""
    step: str | None = None
    asking: list[str] = Field(default_factory=list)
    knowledge: str | None = None
    turn: int = 0


class SlotValue(BaseModel):
    value: Any
    raw: str = ""
    source: str = "answer"
    turn: int = 0
    previous: list[Any] = Field(default_factory=list)


class Scores(BaseModel):
    fit: int = 0
    intent: int = 0
    capacity: int = 0


class FlowRef(BaseModel):
    id: str
    version: int | str
    hash: str


class NextAction(BaseModel):
    action: str | None = None
    owner: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    status: Literal["pending", "done", "failed", "none"] = "pending"
    detail: str = ""


class HandoffPayload(BaseModel):
    """What lands in the CRM: enough for a human to pick up without re-asking anything."""

    flow: FlowRef
    timestamp: str
    route: str
    fields: dict[str, Any] = Field(default_factory=dict)
    slots: dict[str, Any] = Field(default_factory=dict)
    scores: Scores = Field(default_factory=Scores)
    reasons: list[str] = Field(default_factory=list)
    next_action: NextAction = Field(default_factory=NextAction)
    source: dict[str, Any] = Field(default_factory=dict)
    outstanding_questions: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    transcript: list[dict[str, str]] = Field(default_factory=list)


class Outcome(BaseModel):
    route: str
    ended_by: Literal["route", "end", "disqualify", "handoff", "abandoned", "limit"]
    reasons: list[str] = Field(default_factory=list)
    disqualified: str | None = None
    scores: Scores = Field(default_factory=Scores)
    next_action: NextAction = Field(default_factory=NextAction)
    handoff: HandoffPayload


class Event(BaseModel):
    """Something the engine did this turn, for checks, reports and the studio."""

    kind: str
    detail: str = ""
    slot: str | None = None
    value: Any = None


class Turn(BaseModel):
    messages: list[str] = Field(default_factory=list)
    asking: list[str] = Field(default_factory=list)
    done: bool = False
    outcome: Outcome | None = None
    step: str | None = None
    events: list[Event] = Field(default_factory=list)
    scores: Scores = Field(default_factory=Scores)


class RouteDecision(BaseModel):
    route: str
    reasons: list[str] = Field(default_factory=list)
    action: str | None = None
    owner: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    next: str | None = None
    index: int | None = None


class SessionState(BaseModel):
    """Everything needed to continue a conversation on any worker, and nothing else."""

    schema_version: int = STATE_SCHEMA
    flow: FlowRef
    step: str | None = None
    waiting: list[str] = Field(default_factory=list)
    reasks: int = 0
    turn: int = 0
    slots: dict[str, SlotValue] = Field(default_factory=dict)
    declined: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    transcript: list[Message] = Field(default_factory=list)
    outstanding: list[str] = Field(default_factory=list)
    answered: list[str] = Field(default_factory=list)
    visited: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    offered_human: bool = False
    context: dict[str, Any] = Field(default_factory=dict)
    reference_date: str
    started_at: str
    route: RouteDecision | None = None
    next_action: NextAction | None = None
    disqualified: str | None = None
    done: bool = False
    outcome: Outcome | None = None

    @field_validator("reference_date", mode="before")
    @classmethod
    def _a_day(cls, value: Any) -> str:
        return reference_day(value)

    def values(self) -> dict[str, Any]:
        return {name: slot.value for name, slot in self.slots.items()}
