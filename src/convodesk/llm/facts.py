"""Did the simulated buyer tell the truth? Persona errors, reported apart from flow errors.

Each persona message is read with the runtime's rule extractors (the same ones the bot
uses offline, so the comparison does not depend on a model) and every typed value found is
compared with the persona's hidden facts and profile: numbers within a tolerance, enum and
timeline values, emails and booleans exactly. Free text and lists are not judged: their
wording legitimately varies. Facts the persona refuses to share must not be revealed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel

from convodesk.runtime.model import Flow
from convodesk.runtime.understanding import RuleUnderstander, Understander

from .persona import field, plain

CHECKED_TYPES = ("integer", "number", "money", "enum", "timeline", "email", "boolean", "phone")
REFUSAL_KEYS = ("refuses", "deflects", "withholds")


_shared: Understander | None = None


def shared_rules() -> Understander:
    """One rule understander for all checks: it compiles each flow's tables once and keeps them."""
    global _shared
    if _shared is None:
        _shared = RuleUnderstander()
    return _shared


class PersonaError(BaseModel):
    turn: int
    slot: str
    kind: str  # "contradicts" | "revealed"
    said: Any
    truth: Any
    text: str

    def explain(self) -> str:
        if self.kind == "revealed":
            return f"turn {self.turn}: the persona revealed {self.slot} ({self.said!r}), which it refuses to share"
        return f"turn {self.turn}: the persona said {self.slot} = {self.said!r}, its facts say {self.truth!r}"


def truths(persona: Any, flow: Flow) -> dict[str, Any]:
    """The persona's true value for every flow slot it knows (facts win over profile)."""
    known: dict[str, Any] = {}
    for part in ("profile", "facts"):
        values = plain(field(persona, part, {})) or {}
        known.update({k: v for k, v in dict(values).items() if k in flow.slots})
    return known


def _same(slot_type: str, said: Any, truth: Any, tolerance: float) -> bool:
    if slot_type in ("integer", "number", "money"):
        try:
            said_f, truth_f = float(said), float(truth)
        except (TypeError, ValueError):
            return str(said) == str(truth)
        return abs(said_f - truth_f) <= tolerance * max(abs(truth_f), 1.0)
    if slot_type == "phone":
        return "".join(c for c in str(said) if c.isdigit()) == "".join(
            c for c in str(truth) if c.isdigit()
        )
    return str(said).strip().lower() == str(truth).strip().lower()


def check_facts(
    persona: Any,
    flow: Flow,
    said: Iterable[tuple[int, str, list[str]]],
    reference_date: date,
    *,
    rules: Understander | None = None,
    tolerance: float = 0.1,
) -> list[PersonaError]:
    """`said` is (turn, persona message, slots the bot was asking for) per persona turn."""
    rules = rules or shared_rules()
    known = truths(persona, flow)
    behavior = plain(field(persona, "behavior", {})) or {}
    refused = {
        name
        for key in REFUSAL_KEYS
        for name in (field(behavior, key, []) or [])
        if isinstance(name, str)
    }
    errors: list[PersonaError] = []
    for turn, text, asking in said:
        analysis = rules.analyze(text, flow, list(asking), {}, reference_date)
        for extraction in analysis.extractions:
            slot = flow.slots.get(extraction.slot)
            if slot is None:
                continue
            truth = known.get(extraction.slot)
            if extraction.slot in refused:
                errors.append(
                    PersonaError(
                        turn=turn,
                        slot=extraction.slot,
                        kind="revealed",
                        said=extraction.value,
                        truth=truth,
                        text=text,
                    )
                )
            elif (
                slot.type in CHECKED_TYPES
                and truth is not None
                and not _same(slot.type, extraction.value, truth, tolerance)
            ):
                errors.append(
                    PersonaError(
                        turn=turn,
                        slot=extraction.slot,
                        kind="contradicts",
                        said=extraction.value,
                        truth=truth,
                        text=text,
                    )
                )
    return errors


def facts_summary(errors: Iterable[PersonaError]) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for error in errors:
        counts[error.kind] = counts.get(error.kind, 0) + 1
    return counts
