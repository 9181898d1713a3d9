"""The default understander: offline, deterministic rules over every buyer message.

The slot the bot just asked for takes a bare answer ("500", "next month", "Salesforce"); every
other slot fills only on unambiguous evidence (an email address, an enum synonym, a number next
to one of the slot's cue words), because a wrong volunteered value is worse than a question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from ..model import TIMELINE_VALUES, Flow, Slot
from .base import Analysis, Extraction
from .choices import PhraseTable, clean_text, enum_table, is_trivial, parse_bool, parse_list
from .contact import find_emails, find_phones
from .guard import screen
from .money import find_money, period_after
from .numbers import NumberSpan, find_numbers
from .signals import is_correction, is_refusal, is_unknown, split_questions, wants_human
from .timeline import parse_timeline

MAX_CHARS = 4000
CUE_WINDOW = 4
_NEGATED = re.compile(r"\b(?:not|no longer|instead of|rather than|was)\s+(?:\S+\s+)?$", re.I)
_CLAUSE_END = re.compile(
    r"[.;!?]|,\s|\s(?:but|because|since|so|which|although|though|at|for|and we|and i)\s", re.I
)
_TOKEN = re.compile(r"[\w'+]+")
# "my CFO" is a colleague: a cued enum (seniority) describes the buyer, not the people they name.
_POSSESSIVE = re.compile(r"\b(?:my|our|their|his|her|your)\s+$", re.I)


@lru_cache(maxsize=1024)
def _cue_regex(cues: tuple[str, ...]) -> re.Pattern[str] | None:
    if not cues:
        return None
    body = "|".join(
        re.escape(c.lower()).replace(r"\ ", r"\s+") for c in sorted(cues, key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.I)


def _near_cue(text: str, start: int, end: int, cues: re.Pattern[str]) -> bool:
    """A cue within CUE_WINDOW words before or after the span."""
    before = _TOKEN.findall(text[max(0, start - 60) : start])[-CUE_WINDOW:]
    after = _TOKEN.findall(text[end : end + 60])[:CUE_WINDOW]
    window = " ".join(before) + " | " + " ".join(after)
    return bool(cues.search(window))


class RuleUnderstander:
    """Rule-based understanding; safe on any input and roughly linear in its length."""

    def __init__(self) -> None:
        self._tables: dict[int, tuple[Slot, PhraseTable]] = {}

    def _table(self, slot: Slot) -> PhraseTable:
        """Compiled enum phrases, kept per slot object (the slot is held so its id stays unique)."""
        cached = self._tables.get(id(slot))
        if cached is None or cached[0] is not slot:
            if len(self._tables) > 256:
                self._tables.clear()
            cached = self._tables[id(slot)] = (
                slot,
                PhraseTable(enum_table(slot.values, slot.synonyms)),
            )
        return cached[1]

    def analyze(
        self,
        text: str,
        flow: Flow,
        expecting: list[str],
        filled: Mapping[str, Any],
        reference_date: date,
    ) -> Analysis:
        text = text[:MAX_CHARS].replace("\x00", " ")
        screened = screen(text)  # hostile instructions are flagged and never read as facts
        questions, statements = split_questions(screened.text)
        human = wants_human(screened.text)
        if human:
            questions = [q for q in questions if not wants_human(q)]
        said = " ".join(statements)
        correction = is_correction(said)
        analysis = Analysis(
            text=text,
            questions=questions,
            wants_human=human,
            correction=correction,
            flags=screened.flags,
        )
        extractor = _Extractor(said, screened.text, reference_date, self._table)
        for name in expecting:
            slot = flow.slots.get(name)
            if slot is None:
                continue
            found = extractor.answer(name, slot)
            if found is not None:
                analysis.extractions.append(found)
            elif said and (
                is_refusal(said) or (is_unknown(said) and slot.type not in ("timeline", "boolean"))
            ):
                analysis.declined.append(name)
        for name, slot in flow.slots.items():
            if name in expecting or not slot.volunteer:
                continue
            found = extractor.volunteered(name, slot)
            if found is not None:
                analysis.extractions.append(found)
        for extraction in analysis.extractions:
            previous = filled.get(extraction.slot)
            if correction and previous is not None and previous != extraction.value:
                extraction.correction = True
        return analysis


class _Extractor:
    """Per-message work shared by every slot: spans are found once, and claimed once."""

    def __init__(
        self, said: str, full: str, reference: date, table: Callable[[Slot], PhraseTable]
    ) -> None:
        self.table = table
        self.said = said
        self.full = full
        self.reference = reference
        self.emails = find_emails(full)
        self.phones = find_phones(full)
        masked = said
        for span in [*find_emails(said), *find_phones(said)]:
            masked = masked[: span.start] + " " * (span.end - span.start) + masked[span.end :]
        self.masked = masked
        self.money = find_money(masked)
        self.numbers = [
            n
            for n in find_numbers(masked)
            if not any(m.start <= n.start < m.end for m in self.money)
            and not _NEGATED.search(masked[max(0, n.start - 24) : n.start])
        ]
        self.claimed: list[tuple[int, int]] = []

    def _free(self, start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in self.claimed)

    def _claim(self, start: int, end: int) -> None:
        self.claimed.append((start, end))

    # -- numbers -----------------------------------------------------------------------------

    def _in_range(self, slot: Slot, value: float) -> bool:
        return (slot.min is None or value >= slot.min) and (slot.max is None or value <= slot.max)

    def _count(self, name: str, slot: Slot, asked: bool) -> Extraction | None:
        cues = _cue_regex(tuple(slot.cues))
        candidates = [
            n for n in self.numbers if self._free(n.start, n.end) and self._in_range(slot, n.value)
        ]
        near = [
            n
            for n in candidates
            if cues is not None and _near_cue(self.masked, n.start, n.end, cues)
        ]
        pick: NumberSpan | None = (near or (candidates if asked else []) or [None])[
            -1 if near else 0
        ]
        if pick is None:
            return None
        self._claim(pick.start, pick.end)
        value: Any = pick.integer if slot.type == "integer" else pick.value
        return Extraction(name, value, pick.raw)

    def _money(self, name: str, slot: Slot, asked: bool) -> Extraction | None:
        cues = _cue_regex(tuple(slot.cues))
        spans: list[tuple[int, int, float, str]] = [
            (m.start, m.end, m.amount, m.raw) for m in self.money if self._free(m.start, m.end)
        ]
        if asked or cues is not None:
            spans += [
                (n.start, n.end, n.value, n.raw) for n in self.numbers if self._free(n.start, n.end)
            ]
        spans.sort()
        for start, end, amount, raw in spans:
            marked = any(m.start == start for m in self.money)
            near = cues is not None and _near_cue(self.masked, start, end, cues)
            if (asked and (marked or amount >= 100)) or near:
                if not self._in_range(slot, amount):
                    continue
                self._claim(start, end)
                period = period_after(self.masked, end)
                return Extraction(name, amount, raw + (f" per {period}" if period else ""))
        return None

    # -- everything else --------------------------------------------------------------------

    def answer(self, name: str, slot: Slot) -> Extraction | None:
        """The value of a slot the bot just asked for."""
        kind = slot.type
        if kind in ("integer", "number"):
            return self._count(name, slot, asked=True)
        if kind == "money":
            return self._money(name, slot, asked=True)
        if kind in ("email", "phone"):
            return self.volunteered(name, slot)
        if kind == "enum":
            value = self.table(slot).match(self.said, prefer_last=is_correction(self.said))
            return Extraction(name, value, value) if value else None
        if kind == "timeline":
            value = parse_timeline(
                self.said, self.reference, slot.synonyms, slot.values or TIMELINE_VALUES
            )
            return Extraction(name, value, self.said) if value else None
        if kind == "boolean":
            flag = parse_bool(self.said)
            return Extraction(name, flag, self.said) if flag is not None else None
        if kind == "list":
            if is_refusal(self.said) or is_unknown(self.said):
                return None
            items = parse_list(self.said)
            return Extraction(name, items, self.said) if items else None
        text = clean_text(self.said)
        if (
            not text
            or is_trivial(text)
            or is_refusal(text)
            or (is_unknown(text) and len(text) < 30)
        ):
            return None
        return Extraction(name, text[:500], text[:500])

    def volunteered(self, name: str, slot: Slot) -> Extraction | None:
        """A slot's value given unasked, only on unambiguous evidence."""
        kind = slot.type
        if kind == "email":
            return (
                Extraction(name, self.emails[0].value, self.emails[0].value)
                if self.emails
                else None
            )
        if kind == "phone":
            return (
                Extraction(name, self.phones[0].value, self.phones[0].value)
                if self.phones
                else None
            )
        if kind in ("integer", "number"):
            return self._count(name, slot, asked=False) if slot.cues else None
        if kind == "money":
            return self._money(name, slot, asked=False) if slot.cues else None
        if kind == "enum":
            cues = _cue_regex(tuple(slot.cues))
            near = (
                (
                    lambda start, end: (
                        _near_cue(self.said, start, end, cues)
                        and not _POSSESSIVE.search(self.said[max(0, start - 12) : start])
                    )
                )
                if cues
                else None
            )
            value = self.table(slot).match(
                self.said, prefer_last=is_correction(self.said), keep=near
            )
            return Extraction(name, value, value, confidence=0.9) if value else None
        if kind == "timeline":
            value = parse_timeline(
                self.said, self.reference, slot.synonyms, slot.values or TIMELINE_VALUES
            )
            return Extraction(name, value, value, confidence=0.9) if value else None
        if kind in ("text", "list"):
            cues = _cue_regex(tuple(slot.cues))
            match = cues.search(self.said) if cues else None
            if match is None:
                return None
            rest = self.said[match.end() :]
            stop = _CLAUSE_END.search(rest)
            phrase = clean_text(rest[: stop.start()] if stop else rest)
            if not phrase or is_trivial(phrase):
                return None
            if kind == "list":
                items = parse_list(phrase)
                return Extraction(name, items, phrase, confidence=0.8) if items else None
            return Extraction(name, phrase[:300], phrase[:300], confidence=0.8)
        return None
