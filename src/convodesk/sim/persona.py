"""Persona files: a simulated buyer's profile, hidden facts, behaviour and expectations.

Same error standard as flows: every problem in every file at once, as `file:line:col: path: msg`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from convodesk.runtime.loader import read_text
from convodesk.runtime.model import Flow, RouteName
from convodesk.runtime.problems import LoadError, Problem
from convodesk.runtime.yamlsource import SourceMap, load_yaml, validate_model

CHECK_IDS: tuple[str, ...] = (
    "route_expected",
    "slots_captured",
    "turn_budget",
    "ai_disclosure",
    "give_before_ask",
    "approved_answers_only",
    "committee_asked",
    "handoff_complete",
)
PROFILE_FACTS: tuple[str, ...] = (
    "name",
    "role",
    "company",
    "email",
    "company_size",
    "industry",
    "region",
)


class _Strict(BaseModel):
    """Unknown keys in a hand-written file are typos, so they are errors."""

    model_config = ConfigDict(extra="forbid")


class Profile(_Strict):
    """Who the buyer is. Free text is spoken as written ("Chicago", "a furniture manufacturer")."""

    name: str = ""
    role: str | None = None
    company: str | None = None
    email: str | None = None
    company_size: int | None = Field(default=None, ge=1)
    industry: str | None = None
    region: str | None = None


class Question(_Strict):
    """A question the buyer asks, at their `at`-th message (1 = the opening message)."""

    text: str = Field(min_length=1)
    at: int = Field(default=1, ge=1)


class Correction(_Strict):
    """The buyer first states `said` for `fact`, then corrects it to the true value next message."""

    fact: str
    said: Any


class Behavior(_Strict):
    verbosity: Literal["terse", "normal", "chatty"] = "normal"
    opening: str | list[str] | None = None
    volunteers: list[str] = Field(default_factory=list)
    asks: list[Question] = Field(default_factory=list)
    refuses: list[str] = Field(default_factory=list)
    deflects: list[str] = Field(default_factory=list)
    corrects: list[Correction] = Field(default_factory=list)
    patience: int = Field(default=12, ge=1, le=200)
    goal: str = ""

    @field_validator("asks", mode="before")
    @classmethod
    def _plain_questions(cls, value: Any) -> Any:
        """A bare string is a question asked at the message matching its position in the list."""
        if not isinstance(value, list):
            return value
        return [
            {"text": item, "at": i + 1} if isinstance(item, str) else item
            for i, item in enumerate(value)
        ]


class Expect(_Strict):
    route: RouteName | None = None
    slots: dict[str, Any] = Field(default_factory=dict)
    max_turns: int | None = Field(default=None, ge=1)
    tolerance: float = Field(default=0.1, ge=0, le=1)
    checks: list[str] | None = None
    rubric: list[str] = Field(default_factory=list)

    @field_validator("checks")
    @classmethod
    def _known_checks(cls, value: list[str] | None) -> list[str] | None:
        for check in value or []:
            if check not in CHECK_IDS:
                raise ValueError(f"unknown check '{check}'; known checks: {', '.join(CHECK_IDS)}")
        return value


class Persona(_Strict):
    persona: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    profile: Profile = Field(default_factory=Profile)
    facts: dict[str, Any] = Field(default_factory=dict)
    behavior: Behavior = Field(default_factory=Behavior)
    instructions: str = ""
    context: dict[str, str] = Field(default_factory=lambda: {"page": "/"})
    expect: Expect = Field(default_factory=Expect)

    def known_facts(self) -> dict[str, Any]:
        """Everything the buyer knows about themselves: profile fields, then hidden facts."""
        out = {k: getattr(self.profile, k) for k in PROFILE_FACTS}
        out = {k: v for k, v in out.items() if v not in (None, "")}
        out.update(self.facts)
        return out

    def checks(self) -> tuple[str, ...]:
        return tuple(self.expect.checks) if self.expect.checks is not None else CHECK_IDS


def parse_persona(text: str, file: str = "<persona>") -> tuple[Persona | None, list[Problem]]:
    persona, _source, problems = _parse(text, file)
    return persona, problems


def _parse(text: str, file: str) -> tuple[Persona | None, SourceMap, list[Problem]]:
    data, source, problems = load_yaml(text, file)
    if problems:
        return None, source, problems
    persona, problems = validate_model(Persona, data, source)
    if persona is not None:
        problems = check_behavior(persona, source)
        persona = None if problems else persona
    return persona, source, problems


def load_persona(path: str | Path, flow: Flow | None = None) -> Persona:
    """One persona file; raises `LoadError` with every problem found."""
    personas = _load_files([Path(path)], flow)
    return personas[0]


def persona_files(folder: str | Path) -> list[Path]:
    root = Path(folder)
    if not root.is_dir():
        raise LoadError([Problem(str(root), 1, 1, "", "persona folder not found")])
    files = sorted([*root.glob("*.yaml"), *root.glob("*.yml")])
    if not files:
        raise LoadError([Problem(str(root), 1, 1, "", "no persona files (*.yaml) in this folder")])
    return files


def load_personas(folder: str | Path, flow: Flow | None = None) -> list[Persona]:
    """Every persona in a folder, sorted by file name; all problems of all files at once."""
    return _load_files(persona_files(folder), flow)


def _load_files(files: list[Path], flow: Flow | None) -> list[Persona]:
    problems: list[Problem] = []
    personas: list[Persona] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            text = read_text(path)
        except LoadError as exc:
            problems += exc.problems
            continue
        persona, source, found = _parse(text, str(path))
        problems += found
        if persona is None:
            continue
        if persona.persona in seen:
            problems.append(
                source.problem(
                    ("persona",),
                    f"persona '{persona.persona}' is also defined in {seen[persona.persona]}",
                )
            )
            continue
        seen[persona.persona] = str(path)
        if flow is not None:
            problems += check_against_flow(persona, flow, source)
        personas.append(persona)
    if problems:
        raise LoadError(problems)
    return personas


def check_against_flow(persona: Persona, flow: Flow, source: SourceMap) -> list[Problem]:
    """Expectations about slots the flow does not have can never pass: say so at load time."""
    problems = []
    for name in persona.expect.slots:
        if name not in flow.slots:
            problems.append(
                source.problem(
                    ("expect", "slots", name),
                    f"flow '{flow.flow}' has no slot '{name}'",
                    key=True,
                )
            )
    return problems


def check_behavior(persona: Persona, source: SourceMap) -> list[Problem]:
    """A buyer can only volunteer or correct facts they have."""
    known = persona.known_facts()
    problems = []
    for i, name in enumerate(persona.behavior.volunteers):
        if name not in known:
            problems.append(
                source.problem(
                    ("behavior", "volunteers", i), f"'{name}' is not in profile or facts"
                )
            )
    for i, correction in enumerate(persona.behavior.corrects):
        if correction.fact not in known:
            problems.append(
                source.problem(
                    ("behavior", "corrects", i, "fact"),
                    f"'{correction.fact}' is not in profile or facts",
                )
            )
    return problems
