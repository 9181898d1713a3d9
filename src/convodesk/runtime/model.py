"""The neutral flow model: what a qualification flow *is*, independent of the YAML it came from.

Every file format (YAML today, compiled JSON in exported packages) is a reader that produces
these objects; the engine only ever sees them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SlotType = Literal[
    "text", "integer", "number", "money", "email", "phone", "enum", "list", "boolean", "timeline"
]
RouteName = Literal["warm", "lukewarm", "nurture", "disqualify"]
ROUTE_NAMES: tuple[str, ...] = ("warm", "lukewarm", "nurture", "disqualify")
BUCKETS: tuple[str, ...] = ("fit", "intent", "capacity")
TIMELINE_VALUES: tuple[str, ...] = (
    "this_quarter",
    "next_quarter",
    "this_year",
    "next_year",
    "none",
)


_TYPE_NAMES = {
    "text": "text",
    "integer": "a whole number",
    "number": "a number",
    "money": "an amount of money (a number)",
    "email": "an email address (text)",
    "phone": "a phone number (text)",
    "enum": "one of the values (text)",
    "list": "a list of texts",
    "boolean": "true or false",
    "timeline": "a timeline value (text)",
}


class _Strict(BaseModel):
    """Unknown keys are mistakes in a hand-written file, so they are errors, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=False)


class Bot(_Strict):
    name: str = "Assistant"
    company: str = ""
    disclosure: str = ""
    dont_know: str = (
        "I don't have an approved answer to that, so I've noted it for our team to follow up."
    )
    offer_human: str = "Would you like me to connect you with a person?"
    reask: str = "Sorry, I didn't catch that. {question}"
    human_handoff: str = "Of course. I'm passing this conversation to a member of our team now."
    max_message_chars: int = Field(default=4000, ge=1)


class Slot(_Strict):
    """One fact the bot wants to learn about the buyer."""

    type: SlotType = "text"
    ask: str | None = None
    reask: str | None = None
    description: str = ""
    values: list[str] = Field(default_factory=list)
    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    cues: list[str] = Field(default_factory=list)
    min: float | None = None
    max: float | None = None
    pii: bool = False
    volunteer: bool = True

    @property
    def allowed_values(self) -> tuple[str, ...]:
        """The values an enum or timeline slot may hold (empty: any value of its type)."""
        if self.values:
            return tuple(self.values)
        return TIMELINE_VALUES if self.type == "timeline" else ()

    def value_problem(self, value: Any) -> str | None:
        """Why `value` cannot be this slot's value, or None if it can.

        The engine stores only values that pass, so a saved state holding anything else was
        edited, and an understander's wrong-typed guess is dropped instead of stored.
        """
        kind = self.type
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if kind == "integer":
            ok = numeric and isinstance(value, int)
        elif kind in ("number", "money"):
            ok = numeric and value == value and value not in (float("inf"), float("-inf"))
        elif kind == "boolean":
            ok = isinstance(value, bool)
        elif kind == "list":
            ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        else:
            ok = isinstance(value, str) and bool(value)
        if not ok:
            return f"{value!r} is not {_TYPE_NAMES[kind]}"
        allowed = self.allowed_values
        if kind in ("enum", "timeline") and allowed and value not in allowed:
            return f"{value!r} is not one of {', '.join(allowed)}"
        return None

    @model_validator(mode="after")
    def _enum_needs_values(self) -> Slot:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(
                f"min ({self.min:g}) is above max ({self.max:g}): no answer could fill this slot"
            )
        if self.type == "enum" and not self.values:
            raise ValueError("an enum slot needs a 'values' list")
        for key in self.synonyms:
            allowed = self.values or (TIMELINE_VALUES if self.type == "timeline" else ())
            if allowed and key not in allowed:
                raise ValueError(f"synonyms for '{key}', which is not one of the values")
        return self


class KnowledgeEntry(_Strict):
    """An approved answer. The bot never answers from anywhere else."""

    id: str = Field(min_length=1)
    patterns: list[str] = Field(min_length=1)
    answer: str
    min_confidence: float | None = Field(default=None, ge=0, le=1)


class BranchCase(_Strict):
    when: str | None = None
    next: str


# Steps that decide and never speak: a `say` on them would be dropped without a word.
_SILENT_KINDS = {
    "branch": "a branch step does not speak, so its 'say' would never be said: put the words "
    "in a say step before the branch",
    "route": "a route step does not speak, so its 'say' would never be said: give each route "
    "its own 'say' under routes",
}


class Step(_Strict):
    """One node of the conversation graph.

    Exactly one of `say`/`ask`/`branch`/`action`/`handoff`/`route`/`end` names the kind;
    `say` may carry `collect` (a greeting that also asks), `ask` may carry `say` (custom wording).
    """

    id: str = Field(min_length=1)
    say: str | None = None
    ask: list[str] | None = None
    collect: list[str] | None = None
    branch: list[BranchCase] | None = None
    action: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    handoff: str | None = None
    route: bool = False
    end: bool = False
    next: str | None = None
    when: str | None = None

    @field_validator("ask", "collect", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("ask", "collect")
    @classmethod
    def _some_slots(cls, value: list[str] | None) -> list[str] | None:
        if value == []:
            raise ValueError("needs at least one slot, an empty list asks nothing")
        return value

    @field_validator("branch")
    @classmethod
    def _some_cases(cls, value: list[BranchCase] | None) -> list[BranchCase] | None:
        if value == []:
            raise ValueError("needs at least one case, an empty branch goes nowhere")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        kinds = [k for k in ("ask", "branch", "action", "handoff") if getattr(self, k) is not None]
        kinds += [k for k in ("route", "end") if getattr(self, k)]
        if self.say is not None and not kinds:
            kinds.append("say")
        if len(kinds) > 1:
            raise ValueError(f"a step has one kind, this one has {len(kinds)}: {', '.join(kinds)}")
        if not kinds:
            raise ValueError("a step needs one of: say, ask, branch, action, handoff, route, end")
        if self.collect and self.ask:
            raise ValueError("use either 'ask' or 'say' + 'collect', not both")
        if self.say is not None and kinds[0] in _SILENT_KINDS:
            raise ValueError(_SILENT_KINDS[kinds[0]])
        return self

    @property
    def kind(self) -> str:
        for k in ("ask", "branch", "action", "handoff"):
            if getattr(self, k) is not None:
                return k
        if self.route:
            return "route"
        if self.end:
            return "end"
        return "ask" if self.collect else "say"

    @property
    def asks(self) -> list[str]:
        """The slots this step collects (empty for steps that do not ask)."""
        return list(self.ask or self.collect or [])


class Disqualifier(_Strict):
    when: str
    reason: str
    say: str | None = None
    action: str | None = None
    owner: str | None = None


class ScoreRule(_Strict):
    when: str
    add: int = Field(ge=-100, le=100)
    reason: str | None = None


class Scoring(_Strict):
    fit: list[ScoreRule] = Field(default_factory=list)
    intent: list[ScoreRule] = Field(default_factory=list)
    capacity: list[ScoreRule] = Field(default_factory=list)


class Route(_Strict):
    route: RouteName
    when: str | None = None
    action: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    owner: str | None = None
    say: str | None = None
    next: str | None = None
    reason: str | None = None


class Handoff(_Strict):
    """What lands in the CRM: which slots map to the structured fields."""

    fields: dict[str, str] = Field(default_factory=dict)
    owner: str = "sales"
    on_request_owner: str = "sales"


class Flow(_Strict):
    flow: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    version: int | str = 1
    bot: Bot = Field(default_factory=Bot)
    slots: dict[str, Slot] = Field(default_factory=dict)
    knowledge: list[KnowledgeEntry] = Field(default_factory=list)
    knowledge_threshold: float = Field(default=0.6, ge=0, le=1)
    max_reasks: int = Field(default=2, ge=0, le=5)
    steps: list[Step] = Field(min_length=1)
    disqualify: list[Disqualifier] = Field(default_factory=list)
    scoring: Scoring = Field(default_factory=Scoring)
    routes: list[Route] = Field(default_factory=list)
    handoff: Handoff = Field(default_factory=Handoff)
    redact: bool = False
    # How convodesk's simulator reads buyer messages for this flow (a --understanding flag
    # wins). The runtime itself always uses rules unless the embedder plugs in an Understander.
    understanding: Literal["rules", "llm"] | None = None

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def next_of(self, index: int) -> str | None:
        """The implicit successor: the step written below, as a reader of the file expects."""
        step = self.steps[index]
        if step.next:
            return step.next
        return self.steps[index + 1].id if index + 1 < len(self.steps) else None
