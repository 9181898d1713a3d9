"""Session state, turns and outcomes: the JSON a web backend stores between requests."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

STATE_SCHEMA = 1


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

    def values(self) -> dict[str, Any]:
        return {name: slot.value for name, slot in self.slots.items()}
