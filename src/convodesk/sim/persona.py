"""Persona files: a simulated buyer's profile, hidden facts, behaviour and expectations.

Same error standard as flows: every problem in every file at once, as `file:line:col: path: msg`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from convodesk.runtime.loader import read_text
from convodesk.runtime.model import Flow, RouteName, Slot
from convodesk.runtime.problems import LoadError, Problem
from convodesk.runtime.understanding.timeline import parse_timeline
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


def _between(low: float, high: float | None = None, unit: str = "") -> Callable[[Any], Any]:
    """A range check whose message a non-programmer reads (pydantic's says "input should be")."""

    def check(value: Any) -> Any:
        if value is None:
            return value
        if value < low or (high is not None and value > high):
            span = f"at least {low:g}" if high is None else f"between {low:g} and {high:g}"
            shown = int(value) if isinstance(value, float) and value.is_integer() else value
            raise ValueError(f"must be {span}{unit}, got {shown!r}")
        return value

    return check


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Count = Annotated[int, Field(strict=True), AfterValidator(_between(1))]
Text = Annotated[str, AfterValidator(_not_blank)]


class _Strict(BaseModel):
    """Unknown keys in a hand-written file are typos, so they are errors."""

    model_config = ConfigDict(extra="forbid")


class Profile(_Strict):
    """Who the buyer is. Free text is spoken as written ("Chicago", "a furniture manufacturer")."""

    name: str = ""
    role: str | None = None
    company: str | None = None
    email: str | None = None
    company_size: Count | None = None
    industry: str | None = None
    region: str | None = None


class Question(_Strict):
    """A question the buyer asks, at their `at`-th message (1 = the opening message)."""

    text: Text
    at: Annotated[
        int, Field(strict=True), AfterValidator(_between(1, unit=" (1 = the opening message)"))
    ] = 1


class Correction(_Strict):
    """The buyer first states `said` for `fact`, then the true value: in their next message, or
    in the same one when the bot will ask nothing more (see `ScriptedPersona`)."""

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
    patience: Annotated[int, Field(strict=True), AfterValidator(_between(1, 200, " messages"))] = 12
    goal: str = ""

    @field_validator("opening", mode="before")
    @classmethod
    def _text_or_texts(cls, value: Any) -> Any:
        """One message, or several for the seed to pick from; one plain error when neither."""
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return value
        if isinstance(value, list) and not value:
            raise ValueError("must not be an empty list")
        raise ValueError("expected a message, or a list of messages to pick from")

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
    max_turns: Count | None = None
    tolerance: Annotated[float, AfterValidator(_between(0, 1, " (0.1 = 10%)"))] = 0.1
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


def parse_persona(
    text: str, file: str = "<persona>", flow: Flow | None = None
) -> tuple[Persona | None, list[Problem]]:
    persona, _source, problems, _id = _parse(text, file, flow)
    return persona, problems


def _parse(
    text: str, file: str, flow: Flow | None = None
) -> tuple[Persona | None, SourceMap, list[Problem], str | None]:
    """Schema and reference problems together: one pass shows every mistake in a file.

    Also returns the persona id as written, so duplicates are found even in broken files.
    """
    data, source, problems = load_yaml(text, file)
    if problems:
        return None, source, problems, None
    persona, problems = validate_model(Persona, data, source)
    ident = data.get("persona") if isinstance(data, dict) else None
    if isinstance(data, dict):
        problems += check_behavior(data, source)
        if flow is not None:
            problems += check_against_flow(data, flow, source)
    problems.sort(key=lambda p: (p.line, p.col))
    return (
        (None if problems else persona),
        source,
        problems,
        ident if isinstance(ident, str) else None,
    )


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
        persona, source, found, ident = _parse(text, str(path), flow)
        problems += found
        if ident is not None and ident in seen:
            problems.append(
                source.problem(("persona",), f"persona '{ident}' is also defined in {seen[ident]}")
            )
            continue
        if ident is not None:
            seen[ident] = str(path)
        if persona is not None and not found:
            personas.append(persona)
    if problems:
        raise LoadError(problems)
    return personas


def _mapping(data: Any, key: str) -> dict[str, Any] | None:
    """A section of the raw file, or None when it is missing or malformed (reported elsewhere)."""
    value = data.get(key, {})
    return value if isinstance(value, dict) else None


def _names(value: Any) -> list[tuple[int, str]]:
    return (
        [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
        if isinstance(value, list)
        else []
    )


def check_against_flow(data: dict[str, Any], flow: Flow, source: SourceMap) -> list[Problem]:
    """Expectations about slots the flow does not have can never pass, and a hidden fact the
    flow has no slot for is never asked (`timelin:` for `timeline:`): say so at load time."""
    expect = _mapping(data, "expect")
    wanted = _mapping(expect, "slots") if expect is not None else None
    problems = check_facts(data, flow, source)
    for name in wanted or {}:
        if name not in flow.slots:
            problems.append(
                source.problem(
                    ("expect", "slots", name),
                    f"flow '{flow.flow}' has no slot '{name}'{_close(name, flow.slots)}",
                    key=True,
                )
            )
    return problems


def check_facts(data: dict[str, Any], flow: Flow, source: SourceMap) -> list[Problem]:
    """Each hidden fact names a slot of the flow, and a timeline fact is one the bot can read:
    a bucket (`this_quarter`) or a deadline phrase the understanding places in one ("by
    March", "within 6 months")."""
    facts = _mapping(data, "facts")
    problems = []
    for name, value in (facts or {}).items():
        slot = flow.slots.get(str(name))
        if slot is None:
            problems.append(
                source.problem(
                    ("facts", name),
                    f"flow '{flow.flow}' has no slot '{name}'{_close(str(name), flow.slots)}; "
                    "a fact is the true value of one of the flow's slots",
                    key=True,
                )
            )
        elif slot.type == "timeline" and not _reads_as_timeline(value, slot):
            problems.append(
                source.problem(
                    ("facts", name),
                    f"{value!r} is not a timeline: use one of {', '.join(slot.allowed_values)}, "
                    "or a deadline phrase such as 'by March' or 'within 6 months'",
                )
            )
    return problems


def _reads_as_timeline(value: Any, slot: Slot) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    if value in slot.allowed_values:
        return True
    from .runner import REFERENCE_DATE  # the runner imports this module

    # strict: a deadline phrase, as in "by March"; not "yesterday" or "not sure yet", which
    # the bot reads as urgency or doubt when a buyer says them, but are no one's true timeline
    found = parse_timeline(value, REFERENCE_DATE, slot.synonyms, slot.allowed_values, strict=True)
    return found is not None


def check_behavior(data: dict[str, Any], source: SourceMap) -> list[Problem]:
    """A buyer can only volunteer, refuse, deflect or correct facts they have, each one way.

    Reads the raw file, so these problems are reported together with schema problems.
    """
    behavior = _mapping(data, "behavior")
    profile, facts = _mapping(data, "profile"), _mapping(data, "facts")
    if behavior is None or profile is None or facts is None:
        return []  # the malformed section is already reported; guessing here would add noise
    known = [k for k in PROFILE_FACTS if profile.get(k) not in (None, "")] + list(facts)
    problems: list[Problem] = []
    used: dict[str, str] = {}

    def refer(path: tuple[str | int, ...], name: str, how: str) -> None:
        if name not in known:
            hint = _close(name, known)
            extra = (
                " (a buyer who does not know a fact answers 'not sure' by themselves)"
                if how in ("refused", "deflected") and not hint
                else ""
            )
            problems.append(
                source.problem(path, f"'{name}' is not in profile or facts{hint}{extra}")
            )
        elif name in used and used[name] != how:
            problems.append(
                source.problem(path, f"'{name}' is both {used[name]} and {how}; pick one")
            )
        used.setdefault(name, how)

    for key, how in (
        ("volunteers", "volunteered"),
        ("refuses", "refused"),
        ("deflects", "deflected"),
    ):
        for i, name in _names(behavior.get(key)):
            refer(("behavior", key, i), name, how)
    corrects = behavior.get("corrects")
    for i, item in enumerate(corrects if isinstance(corrects, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("fact"), str):
            continue
        fact = item["fact"]
        if fact in used and used[fact] in ("refused", "deflected"):
            problems.append(
                source.problem(
                    ("behavior", "corrects", i, "fact"),
                    f"'{fact}' is {used[fact]}, so it is never stated and cannot be corrected",
                )
            )
            continue
        if fact not in known:
            refer(("behavior", "corrects", i, "fact"), fact, "corrected")
        elif "said" in item and _same(item["said"], {**profile, **facts}.get(fact)):
            problems.append(
                source.problem(
                    ("behavior", "corrects", i, "said"),
                    f"'said' must differ from the true value of '{fact}', or there is nothing "
                    "to correct",
                )
            )
    return problems


def _same(a: Any, b: Any) -> bool:
    return str(a).strip().lower() == str(b).strip().lower()


def _close(word: str, choices: Any) -> str:
    hint = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""
