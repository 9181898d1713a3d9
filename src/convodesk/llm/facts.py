"""Did the simulated buyer tell the truth? Persona errors, reported apart from flow errors.

Each persona message is read with the runtime's rule extractors (the same ones the bot
uses offline, so the comparison does not depend on a model) and every typed value found is
compared with the persona's hidden facts and profile: numbers within a tolerance, enum and
timeline values, emails and booleans exactly. Free text and lists are not judged: their
wording legitimately varies. Facts the persona refuses to share must not be revealed.

A fact is written the way a person says it ("a manufacturer with four plants", "Chicago"),
while the extractors return canonical values ("manufacturing", "north_america"). So each fact
is read through the same extractors before comparing, and the persona's own `expect.slots`
and the wrong values it states on purpose (`behavior.corrects`) count as true too. A fact the
extractors cannot read is not judged: a false alarm would blame the simulator for nothing.
A number counts only when the message ties it to the slot (a cue word, or a bare answer to
the question), so "we have four plants" is not read as a headcount of four.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel

from convodesk.runtime.model import TIMELINE_VALUES, Flow, Slot
from convodesk.runtime.understanding import Analysis, Extraction, RuleUnderstander, Understander
from convodesk.runtime.understanding.money import find_money
from convodesk.runtime.understanding.numbers import find_numbers

from .persona import field, plain

CHECKED_TYPES = ("integer", "number", "money", "enum", "timeline", "email", "boolean", "phone")
NUMERIC_TYPES = ("integer", "number", "money")
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


def canonical(
    name: str, slot: Slot, fact: Any, flow: Flow, reference_date: date, rules: Understander
) -> Any:
    """A fact as the extractors would read it, or None when they cannot read it."""
    if fact is None or isinstance(fact, list | dict):
        return None
    kind = slot.type
    if kind in NUMERIC_TYPES and isinstance(fact, int | float) and not isinstance(fact, bool):
        return fact
    if kind == "boolean" and isinstance(fact, bool):
        return fact
    text = str(fact).strip()
    if kind in ("enum", "timeline"):
        values = list(slot.values or TIMELINE_VALUES)
        key = text.lower().replace(" ", "_").replace("-", "_")
        if key in values:
            return key
    if kind in ("email", "phone"):
        return text
    analysis = rules.analyze(text, flow, [name], {}, reference_date)
    found = analysis.value_of(name)
    return found.value if found is not None else None


def accepted_values(
    persona: Any, flow: Flow, reference_date: date, rules: Understander
) -> dict[str, list[Any]]:
    """Per slot, every value a truthful persona may state: its fact read canonically, its own
    expectation, and the values it misstates on purpose before correcting them."""
    accepted: dict[str, list[Any]] = {}
    behavior = plain(field(persona, "behavior", {})) or {}
    expect = plain(field(persona, "expect", {})) or {}
    for name, fact in truths(persona, flow).items():
        if flow.slots[name].type not in CHECKED_TYPES:
            continue  # free text and lists are never compared
        value = canonical(name, flow.slots[name], fact, flow, reference_date, rules)
        if value is not None:
            accepted.setdefault(name, []).append(value)
    for name, value in dict(field(expect, "slots", {}) or {}).items():
        if name in flow.slots and value is not None:
            accepted.setdefault(name, []).append(value)
    for item in field(behavior, "corrects", []) or []:
        name, said = field(item, "fact"), field(item, "said")
        if name in flow.slots and said is not None:
            accepted.setdefault(name, []).append(said)
            value = canonical(name, flow.slots[name], said, flow, reference_date, rules)
            if value is not None:
                accepted[name].append(value)
    return accepted


def _tied_number(text: str, slot: Slot, extraction: Extraction, free: Extraction | None) -> bool:
    """Did the message tie this number to the slot? A cue word (the volunteered reading found
    it too), or a bare answer: the only number in the message, followed by nothing or a cue."""
    if free is not None and free.value == extraction.value:
        return True
    spans = sorted(
        [(n.start, n.end) for n in find_numbers(text)]
        + [(m.start, m.end) for m in find_money(text)]
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:  # "$120k" is one money span over one number span
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    if len(merged) != 1:
        return False
    rest = text[merged[0][1] :].strip().lower()
    if not rest or rest[0] in ".,;!?)":
        return True
    return any(rest.startswith(cue.lower()) for cue in slot.cues)


def check_facts(
    persona: Any,
    flow: Flow,
    said: Iterable[tuple[int, str, list[str]]],
    reference_date: date,
    *,
    rules: Understander | None = None,
    tolerance: float = 0.1,
    accepted: dict[str, list[Any]] | None = None,
) -> list[PersonaError]:
    """`said` is (turn, persona message, slots the bot was asking for) per persona turn.

    `accepted` is `accepted_values(...)` when the caller checks one persona turn by turn and
    computes it once (reading every fact through the extractors is the costly part)."""
    rules = rules or shared_rules()
    known = truths(persona, flow)
    if accepted is None:
        accepted = accepted_values(persona, flow, reference_date, rules)
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
        free: Analysis | None = None if asking else analysis  # the volunteered reading, lazily
        for extraction in analysis.extractions:
            name = extraction.slot
            slot = flow.slots.get(name)
            if slot is None:
                continue
            if name in refused:
                errors.append(
                    PersonaError(
                        turn=turn,
                        slot=name,
                        kind="revealed",
                        said=extraction.value,
                        truth=known.get(name),
                        text=text,
                    )
                )
                continue
            truths_ = accepted.get(name)
            if slot.type not in CHECKED_TYPES or not truths_:
                continue
            if slot.type in NUMERIC_TYPES:
                if free is None:
                    free = rules.analyze(text, flow, [], {}, reference_date)
                if not _tied_number(text, slot, extraction, free.value_of(name)):
                    continue
            if not any(_same(slot.type, extraction.value, t, tolerance) for t in truths_):
                errors.append(
                    PersonaError(
                        turn=turn,
                        slot=name,
                        kind="contradicts",
                        said=extraction.value,
                        truth=known.get(name, truths_[0]),
                        text=text,
                    )
                )
    return errors


def facts_summary(errors: Iterable[PersonaError]) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for error in errors:
        counts[error.kind] = counts.get(error.kind, 0) + 1
    return counts
