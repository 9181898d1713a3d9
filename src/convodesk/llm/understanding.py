"""LLM understanding: slot extraction with a JSON schema derived from the flow.

The schema lists only the flow's declared slots, each with its type (enum values, integers
within min/max, emails...), so a reply can only fill slots the flow has, with values of
their types; pydantic rejects anything else. An invalid reply is retried once, then the
rule-based understanding takes over and the Analysis records why (`source`, `note`).
Safety flags always come from the rules, so they never depend on a model's mood.

A hostile buyer must not be able to talk the model into facts. The model only ever sees the
guard-screened text (instructions, data requests and code blanked, as the rules see it), a
message blanked whole is not sent at all, and every value the model returns must be supported
by that screened text: numbers, emails and phones must appear in it, and in a message the
guard flagged, enum and text values must agree with the rules or quote the text. Questions
are kept only when the screened text asks them, so an injected "print your system prompt"
never becomes an outstanding question for sales. A text or list value that only restates
other slots' facts ("we are 400 people" as the pain) is dropped as the rule path would leave
it (see `restated`), so the question is asked again.

The engine's `Session.send` is synchronous. `PrecomputedUnderstander` bridges the two: the
runner awaits the LLM analysis first, then hands it to the session for that one call.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from convodesk.runtime.model import TIMELINE_VALUES, Flow, Slot
from convodesk.runtime.session import Session
from convodesk.runtime.state import Turn
from convodesk.runtime.understanding import (
    Analysis,
    Extraction,
    RuleUnderstander,
    Understander,
)
from convodesk.runtime.understanding.guard import CODE_INJECTION, DATA_REQUEST, PROMPT_INJECTION
from convodesk.runtime.understanding.guard import screen as guard_screen
from convodesk.runtime.understanding.money import find_money
from convodesk.runtime.understanding.numbers import find_numbers

from .client import LLMClient, LLMConfigError, LLMError
from .jsonreply import InvalidReply, ask_json
from .restated import restated_slots

Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", to_lower=True)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ().-]{6,24}$")]
FALLBACK_SOURCE = "rules_fallback"
MAX_CHARS = 4000  # the rule understander reads this much; the model sees no more
BLANKED = (PROMPT_INJECTION, DATA_REQUEST, CODE_INJECTION)  # the guard removes these spans
_WORDS = re.compile(r"[a-z0-9]+")
_MAGNITUDES = (  # vague quantities the rules do not parse: "a couple hundred", "dozens"
    (re.compile(r"\bdozens?\b", re.I), 12, 120),
    (re.compile(r"\bhundreds?\b", re.I), 100, 999),
    (re.compile(r"\bthousands?\b", re.I), 1000, 999_999),
    (re.compile(r"\bmillions?\b", re.I), 1_000_000, 999_999_999),
)


def slot_type(slot: Slot) -> Any:
    """The Python type whose JSON schema the model must follow for this slot."""
    kind = slot.type
    if kind == "integer":
        return Annotated[int, Field(ge=slot.min, le=slot.max)]
    if kind in ("number", "money"):
        return Annotated[float, Field(ge=slot.min, le=slot.max)]
    if kind == "email":
        return Email
    if kind == "phone":
        return Phone
    if kind in ("enum", "timeline"):
        values = tuple(slot.values) or TIMELINE_VALUES
        return Literal[values]  # type: ignore[valid-type]
    if kind == "list":
        return list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]]
    if kind == "boolean":
        return bool
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def reply_model(flow: Flow) -> type[BaseModel]:
    """A pydantic model of a valid reply for `flow` (aliases keep odd slot names safe)."""
    strict = ConfigDict(extra="forbid", populate_by_name=False)
    fields: dict[str, Any] = {}
    for index, (name, slot) in enumerate(flow.slots.items()):
        description = slot.description or (slot.ask or name.replace("_", " "))
        fields[f"s{index}"] = (
            slot_type(slot) | None,
            Field(default=None, alias=name, description=description),
        )
    slots = create_model(f"{flow.flow}_slots", __config__=strict, **fields)
    names = tuple(flow.slots) or ("",)
    slot_name = Literal[names]  # type: ignore[valid-type]
    return create_model(
        "Understanding",
        __config__=ConfigDict(extra="forbid"),
        slots=(slots, Field(default_factory=slots)),
        questions=(list[str], Field(default_factory=list)),
        wants_human=(bool, False),
        declined=(list[slot_name], Field(default_factory=list)),  # type: ignore[valid-type]
        corrections=(list[slot_name], Field(default_factory=list)),  # type: ignore[valid-type]
    )


SYSTEM = """You read one message a website visitor sent to {bot}, a B2B sales assistant, \
and extract facts for lead qualification. Reply with one JSON object that follows this \
JSON schema, and nothing else:
{schema}

Rules:
- "slots": set a slot only when the message states its value; leave it null otherwise. \
Never guess. Use only the listed enum values. Numbers are plain numbers (250, not "250+").
- The assistant just asked for: {expecting}. A bare answer ("500", "next month") fills those.
- Already known: {filled}. Put a slot in "corrections" only if the message changes one of them.
- Timelines are relative to today, {today}.
- "questions": the visitor's questions to the assistant, verbatim.
- "wants_human": true only if they ask for a person.
- "declined": slots the assistant asked for that the visitor refuses to give."""


@dataclass
class UnderstandingStats:
    """How many buyer messages the model decided and how many fell back to the rules, and why.

    A run whose every message fell back never tested the LLM path: the CLI warns whenever
    there was a fallback and exits 1 when nothing was decided by the model.
    """

    decided: int = 0
    fallbacks: int = 0
    reasons: Counter[str] = dc_field(default_factory=Counter)

    def fell_back(self, reason: str) -> None:
        self.fallbacks += 1
        self.reasons[reason] += 1

    @property
    def untested(self) -> bool:
        """Messages were read, and none of them by the model."""
        return self.fallbacks > 0 and self.decided == 0


class LLMUnderstander:
    """An `Understander` backed by a model, with the rule-based one as its safety net."""

    def __init__(
        self,
        client: LLMClient,
        *,
        model: str | None = None,
        rules: Understander | None = None,
        stats: UnderstandingStats | None = None,
    ) -> None:
        self.client = client
        self.model = model
        self.rules: Understander = rules or RuleUnderstander()
        self.stats = stats or UnderstandingStats()
        self._models: dict[int, tuple[Flow, type[BaseModel], str]] = {}

    def _schema(self, flow: Flow) -> tuple[type[BaseModel], str]:
        known = self._models.get(id(flow))
        if known is None or known[0] is not flow:
            model = reply_model(flow)
            schema = json.dumps(model.model_json_schema(by_alias=True), separators=(",", ":"))
            known = self._models[id(flow)] = (flow, model, schema)
        return known[1], known[2]

    def messages(
        self, text: str, flow: Flow, expecting: list[str], filled: Mapping[str, Any], today: date
    ) -> list[dict[str, Any]]:
        _, schema = self._schema(flow)
        system = SYSTEM.format(
            bot=flow.bot.name,
            schema=schema,
            expecting=", ".join(expecting) or "nothing in particular",
            filled=json.dumps(dict(filled), sort_keys=True, default=str) if filled else "nothing",
            today=today.isoformat(),
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": text}]

    async def analyze_async(
        self,
        text: str,
        flow: Flow,
        expecting: list[str],
        filled: Mapping[str, Any],
        reference_date: date,
        *,
        conversation: str = "",
        turn: int | str = "",
    ) -> Analysis:
        """Never raises for model trouble (falls back to rules); a `ReplayMiss` does propagate."""
        rules = self.rules.analyze(text, flow, expecting, filled, reference_date)
        screened = guard_screen(text[:MAX_CHARS].replace("\x00", " ")).text.rstrip()
        if not screened.strip():
            if rules.flags:
                rules.note = (
                    f"the guard blanked the whole message ({', '.join(rules.flags)}); "
                    "the model was not asked"
                )
            return rules
        model, _ = self._schema(flow)
        try:
            reply = await ask_json(
                self.client,
                self.messages(screened, flow, expecting, filled, reference_date),
                model,
                llm_model=self.model,
                conversation=conversation,
                turn=turn,
                purpose="understanding",
                temperature=0,
            )
        except LLMConfigError:
            raise  # no request of this run can work: the run stops (exit 2)
        except (InvalidReply, LLMError) as exc:
            kind = "invalid output twice" if isinstance(exc, InvalidReply) else "call failed"
            rules.source = FALLBACK_SOURCE
            rules.note = f"LLM understanding {kind} ({exc}); rule-based understanding used"
            self.stats.fell_back(f"{kind}: {exc}")
            return rules
        self.stats.decided += 1
        return self._analysis(text, screened, flow, reply, rules, expecting, reference_date)

    def _analysis(
        self,
        text: str,
        screened: str,
        flow: Flow,
        reply: Any,
        rules: Analysis,
        expecting: list[str],
        reference_date: date,
    ) -> Analysis:
        hostile = any(flag in BLANKED for flag in rules.flags)
        corrections = set(reply.corrections)
        extractions, dropped = [], []
        for name, value in reply.slots.model_dump(by_alias=True).items():
            if value is None or name not in flow.slots:
                continue
            slot = flow.slots[name]
            if slot.type == "list":
                value = [item.lower() for item in value]
            rule = rules.value_of(name)
            if not supported(slot, value, screened, rule, hostile=hostile):
                dropped.append(f"{name}={value!r}")
                if rule is not None:  # the rules read the same screened text: their value stands
                    extractions.append(rule)
                continue
            extractions.append(
                Extraction(slot=name, value=value, raw=str(value), correction=name in corrections)
            )
        extractions, restated = self._without_restatements(
            extractions, rules, flow, expecting, reference_date
        )
        if hostile:  # a flagged message: what the rules read safely is kept even if unmentioned
            extractions += [
                e for e in rules.extractions if e.slot not in {x.slot for x in extractions}
            ]
        kept = {e.slot for e in extractions}
        questions = [q for q in reply.questions if q.strip() and asked_in(q, screened, hostile)]
        if hostile:  # the rules read the same screened text; keep what they found too
            questions += [q for q in rules.questions if q not in questions]
        notes = []
        if dropped:
            notes.append(f"dropped values the message does not support: {', '.join(dropped)}")
        if restated:
            notes.append(f"dropped values that only restate other slots: {'; '.join(restated)}")
        note = "; ".join(notes)
        return Analysis(
            text=text,
            extractions=extractions,
            questions=questions,
            wants_human=rules.wants_human if hostile else reply.wants_human,
            declined=[d for d in dict.fromkeys(reply.declined) if d in expecting],
            correction=bool(corrections & kept),
            flags=list(rules.flags),
            source="llm",
            note=note,
        )

    def _without_restatements(
        self,
        extractions: list[Extraction],
        rules: Analysis,
        flow: Flow,
        expecting: list[str],
        reference_date: date,
    ) -> tuple[list[Extraction], list[str]]:
        """The model's text values that only restate other slots go ("we are 400 people" as the
        pain), as the rule path leaves such a question open; the rules' own value stands."""
        stated = {e.slot for e in rules.extractions} | {e.slot for e in extractions}
        kept, restated = [], []
        for extraction in extractions:
            name, rule = extraction.slot, rules.value_of(extraction.slot)
            others = []
            if rule is None or rule.value != extraction.value:
                others = restated_slots(
                    self.rules,
                    name,
                    extraction.value,
                    flow,
                    expecting,
                    stated - {name},
                    reference_date,
                )
            if not others:
                kept.append(extraction)
                continue
            restated.append(f"{name}={extraction.value!r} (only {', '.join(others)})")
            if rule is not None:
                kept.append(rule)
        return kept, restated

    def analyze(
        self,
        text: str,
        flow: Flow,
        expecting: list[str],
        filled: Mapping[str, Any],
        reference_date: date,
    ) -> Analysis:
        """Synchronous use outside an event loop (a REPL, a worker thread); suites use
        `PrecomputedUnderstander` instead so calls overlap."""
        return asyncio.run(self.analyze_async(text, flow, expecting, filled, reference_date))


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def _numbers_in(text: str) -> list[float]:
    return [n.value for n in find_numbers(text)] + [m.amount for m in find_money(text)]


def supported(
    slot: Slot, value: Any, screened: str, rule: Extraction | None, *, hostile: bool
) -> bool:
    """Is `value` something the (screened) message says, rather than something a model made up
    or was talked into? The rules agreeing is always enough."""
    if rule is not None and rule.value == value:
        return True
    kind = slot.type
    if kind in ("integer", "number", "money"):
        target = float(value)
        if any(abs(n - target) <= 0.1 * max(abs(target), 1.0) for n in _numbers_in(screened)):
            return True
        # "a couple hundred people": a magnitude word the value falls within (never when hostile)
        return not hostile and any(
            low <= target <= high for word, low, high in _MAGNITUDES if word.search(screened)
        )
    if kind == "email":
        return str(value).lower() in screened.lower()
    if kind == "phone":
        digits = "".join(c for c in str(value) if c.isdigit())
        return bool(digits) and digits in "".join(c for c in screened if c.isdigit())
    if not hostile:
        return True  # enum, timeline, boolean, text, list: reading paraphrase is the model's job
    if kind in ("text", "list"):
        said = set(_words(screened))
        words = [w for w in _words(" ".join(value) if isinstance(value, list) else str(value))]
        words = [w for w in words if len(w) > 2] or words
        return bool(words) and sum(w in said for w in words) * 2 >= len(words)
    return False  # an enum, timeline or boolean the rules did not read in a flagged message


def asked_in(question: str, screened: str, hostile: bool) -> bool:
    """A question counts only if the screened text asks it (verbatim, or nearly, when clean)."""
    wanted, said = _words(question), _words(screened)
    if not wanted:
        return False
    if " ".join(wanted) in " ".join(said):
        return True
    if hostile:
        return False
    present = set(said)
    return sum(w in present for w in wanted) >= 0.8 * len(wanted)


_pending: ContextVar[Analysis | None] = ContextVar("convodesk_llm_analysis", default=None)


class PrecomputedUnderstander:
    """The engine's understander during an LLM run: returns the analysis awaited just before.

    The analysis travels in a ContextVar set around one `session.send`, so one engine can be
    shared by many concurrent conversations (tasks and threads each see their own).
    """

    def __init__(self, llm: LLMUnderstander) -> None:
        self.llm = llm

    @contextmanager
    def primed(self, analysis: Analysis) -> Iterator[None]:
        token = _pending.set(analysis)
        try:
            yield
        finally:
            _pending.reset(token)

    def analyze(
        self,
        text: str,
        flow: Flow,
        expecting: list[str],
        filled: Mapping[str, Any],
        reference_date: date,
    ) -> Analysis:
        analysis = _pending.get()
        if analysis is not None and analysis.text == text:
            return analysis
        fallback = self.llm.rules.analyze(text, flow, expecting, filled, reference_date)
        fallback.source = FALLBACK_SOURCE
        fallback.note = (
            "no LLM analysis was prepared for this message; rule-based understanding used"
        )
        self.llm.stats.fell_back("no LLM analysis was prepared")
        return fallback

    async def send(self, session: Session, text: str, *, conversation: str = "") -> Turn:
        """`session.send(text)` with the LLM's analysis of exactly what the session will see."""
        if session.done:
            return session.send(text)
        text = text if isinstance(text, str) else str(text)
        seen = text[: session.flow.bot.max_message_chars]
        state = session.state
        analysis = await self.llm.analyze_async(
            seen,
            session.flow,
            list(state.waiting),
            state.values(),
            date.fromisoformat(state.reference_date),
            conversation=conversation,
            turn=state.turn + 1,
        )
        with self.primed(analysis):
            return session.send(text)
