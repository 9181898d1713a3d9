"""The default understander: offline, deterministic rules over every buyer message.

The slot the bot just asked for takes a bare answer ("500", "next month", "Salesforce"); every
other slot fills only on unambiguous evidence (an email address, an enum synonym, a number next
to one of the slot's cue words, a deadline phrase), because a wrong volunteered value is worse
than a question. A number belongs to the cue word nearest to it ("200 people across 3 sites" is
200 people), so one slot never takes the number another slot's cue is about. A non-answer
("not sure yet", "it depends") declines the slot asked for instead of filling it, and an
answer naming the buying committee volunteers no other fact ("the CTO, and finance").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from ..model import TIMELINE_VALUES, Flow, Slot
from .anycase import AnyCase
from .base import Analysis, Extraction
from .choices import PhraseTable, clean_text, enum_table, is_trivial, parse_bool, parse_list
from .contact import find_emails, find_phones
from .freetext import answer_text
from .guard import MARKUP_TAG, screen
from .keywords import Keywords
from .money import MoneySpan, find_money, no_amount, per_period, period_after, wanted_period
from .numbers import find_numbers
from .signals import is_correction, is_refusal, is_unknown, split_questions, wants_human
from .timeline import find_timeline

MAX_CHARS = 4000
CUE_WINDOW = 4  # a cue counts within this many words of a number (at most 3 words between)
_CUE_REACH = 120  # characters: farther than any number a cue can own (3 words, a long number)
_NEGATED = AnyCase(r"\b(?:not|no longer|instead of|rather than|was)\s+(?:\S+\s+)?$")
_CLAUSE_END = AnyCase(
    r"[.;!?]|,\s|\s(?:but|because|since|so|which|although|though|at|for|"
    r"and we(?:'re|'ve|'ll|'d)?|and i(?:'m|'ve|'ll|'d)?|"
    r"and that'?s|and they|today|right now|at the moment|these days)\s"
)
# "and it's urgent" ends a clause; "and IT's lead" names the IT team: only the pronoun, in its
# own case, ends one.
_IT_CLAUSE = re.compile(r"\s[Aa]nd (?:it|It)'?s\s")
_TOKEN = re.compile(r"[\w'+]+")
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")
# "my CFO" is a colleague: a cued enum (seniority) describes the buyer, not the people they name.
_POSSESSIVE = AnyCase(r"\b(?:my|our|their|his|her|your)\s+$")
# "in 3 months", "for 20 years": a duration is neither a headcount nor a budget.
_DURATION_AFTER = AnyCase(
    r"^[\s-]*(?:days?|weeks?|months?|years?|yrs?|quarters?|hours?|hrs?|minutes?|mins?)\b"
)
_NOUN_AFTER = AnyCase(r"^\s*([a-z][a-z'-]*)")
# Words after a bare count that do not say what is counted ("about 450 across 3 sites").
_NOT_A_NOUN = frozenset(
    [
        "or",
        "and",
        "in",
        "across",
        "at",
        "total",
        "overall",
        "worldwide",
        "globally",
        "now",
        "today",
        "currently",
        "give",
        "plus",
        "of",
        "but",
        "including",
        "with",
        "here",
        "there",
        "all",
        "so",
        "roughly",
        "approximately",
        "maybe",
        "probably",
        "i",
        "we",
        "right",
        "between",
        "to",
        "max",
        "tops",
        "altogether",
        "combined",
        "give-or-take",
        "ish",
        "or-so",
        "each",
    ]
)
_NUMERIC = ("integer", "number", "money")


# A word naming a function inside a company: "finance team", "head of finance", "IT lead".
_ROLE_AFTER = AnyCase(
    r"^[\s-]*(?:team|teams|department|dept|function|lead|leads|director|directors|manager|"
    r"managers|head|heads|vp|officer|controller|analysts?|committee|colleagues?|ops|approvers?|"
    r"sign-?off|people|folks|guys)\b"
)
_ROLE_BEFORE = AnyCase(
    r"\b(?:head|heads|vp|vice\s+president|director|directors|chief|svp|evp|manager|managers|"
    r"officer)\s+(?:of|for)\s+(?:the\s+|our\s+)?$"
)
_ITEM_BEFORE = AnyCase(
    r"(?:^|[,;/&+.!?:]|\band\b|\bor\b|\bplus\b)\s*(?:(?:the|our|my|their|a|an|also|maybe|"
    r"probably|likely|possibly|perhaps|someone\s+(?:from|in)|somebody\s+(?:from|in)|people\s+from|"
    r"folks\s+from|(?:a|one)\s+person\s+from)\s+)*$"
)
_ITEM_AFTER = AnyCase(
    r"^\s*(?:$|[,;/&+.!?)]|\band\b|\bor\b|\bplus\b|\btoo\b|\bas\s+well\b|\bmaybe\b)"
)


def _in_role(text: str, start: int, end: int) -> bool:
    return bool(
        _ROLE_AFTER.match(text[end : end + 24])
        or _ROLE_BEFORE.search(text[max(0, start - 40) : start])
    )


def _list_item(text: str, start: int, end: int) -> bool:
    """The phrase is a whole item of a list ("the CTO, head of IT, and finance")."""
    return bool(
        _ITEM_BEFORE.search(text[max(0, start - 40) : start]) and _ITEM_AFTER.match(text[end:])
    )


def _clause_end(text: str) -> int:
    """Where the clause `text` opens with ends (its length when it runs to the end)."""
    ends = [m.start() for m in (_CLAUSE_END.search(text), _IT_CLAUSE.search(text)) if m]
    return min(ends, default=len(text))


_CLAUSE = re.compile(r"[^,;:.!?]+|[,;:.!?]+")
_BUT = re.compile(r"\s+(?:but|though|although)\s+", re.I)


def _without_unknowns(text: str) -> str:
    """`text` with every clause that says the buyer does not know blanked (offsets kept)."""
    parts = []
    for clause in _CLAUSE.findall(text):
        pieces = _BUT.split(clause)
        if len(pieces) > 1:  # "hard to say but likely the CFO"
            kept = [" " * len(p) if is_unknown(p) else p for p in pieces]
            joiners = _BUT.findall(clause)
            clause = kept[0] + "".join(j + k for j, k in zip(joiners, kept[1:], strict=True))
        elif is_unknown(clause):
            clause = " " * len(clause)
        parts.append(clause)
    return "".join(parts)


def _unmarked(text: str) -> str:
    """Text without stray markup ("</user>", "<|im_start|>"): tags are nobody's answer."""
    if "<" not in text and "[" not in text:
        return text
    return clean_text(MARKUP_TAG.sub(" ", text))


def _kin(asked: Slot, other: Slot) -> bool:
    """Two slots that share a cue read the same words: "I'm the CTO" is a role and a seniority,
    so the seniority taking "CTO" leaves the role question answered, not empty."""
    return bool(_cue_set(tuple(asked.cues)) & _cue_set(tuple(other.cues)))


@lru_cache(maxsize=1024)
def _cue_set(cues: tuple[str, ...]) -> frozenset[str]:
    return frozenset(" ".join(c.lower().split()) for c in cues)


@lru_cache(maxsize=1024)
def _cue_regex(cues: tuple[str, ...]) -> AnyCase | None:
    if not cues:
        return None
    body = "|".join(
        re.escape(c.lower()).replace(r"\ ", r"\s+") for c in sorted(cues, key=len, reverse=True)
    )
    return AnyCase(rf"(?<![\w])(?:{body})(?![\w])", needs=Keywords(cues))


def _near_cue(text: str, start: int, end: int, cues: AnyCase) -> bool:
    """A cue within CUE_WINDOW words before or after the span."""
    before = _TOKEN.findall(text[max(0, start - 60) : start])[-CUE_WINDOW:]
    after = _TOKEN.findall(text[end : end + 60])[:CUE_WINDOW]
    window = " ".join(before) + " | " + " ".join(after)
    return bool(cues.search(window))


@dataclass(frozen=True)
class _Quantity:
    """A number or an amount of money in the message, and which slot's cue word it sits by."""

    start: int
    end: int
    value: float
    raw: str
    money: MoneySpan | None = None

    @property
    def integer(self) -> int:
        """Half-up, like NumberSpan.integer (only asked of values already within a slot's range)."""
        return int(self.value + 0.5) if self.value >= 0 else -int(-self.value + 0.5)


@dataclass(frozen=True)
class _Owner:
    slot: str
    distance: int
    cue: tuple[int, int]


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
        listing = any(flow.slots[n].type == "list" for n in expecting if n in flow.slots)
        extractor = _Extractor(
            said, screened.text, reference_date, self._table, flow, correction, listing
        )
        answers: dict[str, Extraction | None] = {}
        free_text = []
        for name in expecting:
            slot = flow.slots.get(name)
            if slot is None:
                continue
            if slot.type in ("text", "list"):
                free_text.append((name, slot))  # answered last: other facts leave its words
                continue
            answers[name] = extractor.answer(name, slot)
        volunteered = []
        for name, slot in flow.slots.items():
            if name in expecting or not slot.volunteer:
                continue
            found = extractor.volunteered(name, slot)
            if found is not None:
                volunteered.append(found)
        found = [e for e in [*answers.values(), *volunteered] if e]
        used = [span for e in found for span in e.spans]
        for name, slot in free_text:
            kin = [s for e in found if _kin(slot, flow.slots[e.slot]) for s in e.spans]
            answers[name] = extractor.free_answer(name, slot, used, kin)
        for name in expecting:
            if name not in answers:
                continue
            found = answers[name]
            slot = flow.slots[name]
            if found is not None:
                analysis.extractions.append(found)
            elif said and (
                is_refusal(said)
                # "Not sure yet", "hard to say", "it depends": a non-answer, not a value (a
                # timeline of "none" says there is none); asking again would not help.
                or (is_unknown(said) and slot.type != "boolean")
                # "No budget yet" where the slot cannot hold zero: understood, not re-asked.
                or (slot.type == "money" and no_amount(said, asked=True) is not None)
            ):
                analysis.declined.append(name)
        analysis.extractions.extend(volunteered)
        for extraction in analysis.extractions:
            previous = filled.get(extraction.slot)
            if correction and previous is not None and previous != extraction.value:
                extraction.correction = True
        return analysis


class _Extractor:
    """Per-message work shared by every slot: spans are found once, and claimed once."""

    def __init__(
        self,
        said: str,
        full: str,
        reference: date,
        table: Callable[[Slot], PhraseTable],
        flow: Flow,
        correcting: bool,
        listing: bool = False,
    ) -> None:
        self.table = table
        self.listing = listing  # a list slot was asked: its items are people, not facts
        self.said = said
        self.full = full
        self.reference = reference
        self.correcting = correcting  # is_correction(said)
        self.emails = find_emails(full)
        self.phones = find_phones(full)
        if said == full:  # a message without questions: its statements are the whole text
            contact = [*self.emails, *self.phones]
        else:
            contact = [*find_emails(said), *find_phones(said)]
        self.contact = [(span.start, span.end) for span in contact]
        masked = said
        for span in contact:
            masked = masked[: span.start] + " " * (span.end - span.start) + masked[span.end :]
        self.masked = masked
        money = find_money(masked)
        quantities = [_Quantity(m.start, m.end, m.amount, m.raw, m) for m in money]
        quantities += [
            _Quantity(n.start, n.end, n.value, n.raw)
            for n in find_numbers(masked)
            if not any(m.start <= n.start < m.end for m in money)
            and not _NEGATED.search(masked[max(0, n.start - 24) : n.start])
            and not _DURATION_AFTER.match(masked[n.end : n.end + 16])
        ]
        quantities.sort(key=lambda q: q.start)
        self.quantities = quantities
        # Every cue word that picked a quantity, per slot: all of them are that value's words.
        self.cues_of: dict[tuple[int, str], list[tuple[int, int]]] = {}
        self.owners = self._owners(flow)
        self.claimed: list[tuple[int, int]] = []

    # -- which cue a number belongs to --------------------------------------------------------

    def _gap(self, start: int, end: int) -> int | None:
        """Words between two spans, or None when a sentence ends between them."""
        if start > end:
            return 0
        between = self.masked[start:end]
        if _SENTENCE_END.search(between):
            return None
        return len(_TOKEN.findall(between))

    def _owners(self, flow: Flow) -> dict[int, _Owner]:
        """Each numeric cue word claims its nearest number; each number keeps its nearest cue."""
        owners: dict[int, _Owner] = {}
        if not self.quantities:
            return owners
        for name, slot in flow.slots.items():
            cues = _cue_regex(tuple(slot.cues)) if slot.type in _NUMERIC else None
            if cues is None:
                continue
            starts = [q.start for q in self.quantities]
            for cue in cues.finditer(self.masked):
                best: tuple[int, int, int] | None = None  # (distance, after-cue?, index)
                # Only numbers a few words away can be this cue's, so the work stays linear.
                low = bisect_left(starts, cue.start() - _CUE_REACH)
                high = bisect_right(starts, cue.end() + _CUE_REACH)
                for index in range(low, high):
                    q = self.quantities[index]
                    if q.end <= cue.start():
                        gap, side = self._gap(q.end, cue.start()), 0
                    elif q.start >= cue.end():
                        gap, side = self._gap(cue.end(), q.start), 1
                    else:
                        continue
                    if gap is None or gap >= CUE_WINDOW:
                        continue
                    if best is None or (gap, side) < best[:2]:
                        best = (gap, side, index)
                if best is None:
                    continue
                self.cues_of.setdefault((best[2], name), []).append((cue.start(), cue.end()))
                held = owners.get(best[2])
                if held is None or best[0] < held.distance:
                    owners[best[2]] = _Owner(name, best[0], (cue.start(), cue.end()))
        return owners

    def _free(self, start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in self.claimed)

    def _claim(self, start: int, end: int) -> None:
        self.claimed.append((start, end))

    def _in_range(self, slot: Slot, value: float) -> bool:
        return (slot.min is None or value >= slot.min) and (slot.max is None or value <= slot.max)

    def _counts_something_else(self, q: _Quantity) -> bool:
        """'3 sites': a number followed by a noun that is not a cue counts that noun."""
        noun = _NOUN_AFTER.match(self.masked[q.end : q.end + 30])
        return bool(noun) and noun.group(1).lower() not in _NOT_A_NOUN

    def _pick(self, ranked: list[tuple[int, int]]) -> int:
        """The nearest-cued quantity; on a tie the first, or the last when the buyer corrects."""
        best = min(distance for distance, _ in ranked)
        tied = [index for distance, index in ranked if distance == best]
        return tied[-1] if self.correcting else tied[0]

    def _spans(self, index: int) -> list[tuple[int, int]]:
        """The number and its slot's cue words by it ("budget", "a year"): the words a text
        answer leaves out."""
        q, owner = self.quantities[index], self.owners.get(index)
        if owner is None:
            return [(q.start, q.end)]
        return [(q.start, q.end), *self.cues_of.get((index, owner.slot), [owner.cue])]

    def _mine(self, name: str, index: int) -> bool:
        owner = self.owners.get(index)
        return owner is not None and owner.slot == name

    # -- numbers -----------------------------------------------------------------------------

    def _count(self, name: str, slot: Slot, asked: bool) -> Extraction | None:
        candidates = [
            i
            for i, q in enumerate(self.quantities)
            if q.money is None
            and q.value >= 0  # "-5" is no headcount
            and self._free(q.start, q.end)
            and self._in_range(slot, q.value)
        ]
        mine = [(self.owners[i].distance, i) for i in candidates if self._mine(name, i)]
        pick: int | None = None
        if mine:
            pick = self._pick(mine)
        elif asked:
            unowned = [i for i in candidates if i not in self.owners]
            bare = [i for i in unowned if not self._counts_something_else(self.quantities[i])]
            group = bare or unowned
            if group:
                pick = group[-1] if self.correcting else group[0]
        if pick is None:
            return None
        q = self.quantities[pick]
        self._claim(q.start, q.end)
        value: Any = q.integer if slot.type == "integer" else q.value
        return Extraction(name, value, q.raw, spans=self._spans(pick))

    def _money(self, name: str, slot: Slot, asked: bool) -> Extraction | None:
        """A budget: an amount by the slot's cue first, then (when asked) one with a currency,
        then a bare number no other slot's cue claims. Periods convert to the one the slot asks
        for ("5k a month" for an annual budget is 60,000, and the raw text says so)."""
        wanted = wanted_period(slot.ask or "", slot.description, *slot.cues)
        options: dict[int, tuple[str | None, float]] = {}
        for i, q in enumerate(self.quantities):
            if not self._free(q.start, q.end):
                continue
            stated = q.money.period if q.money else period_after(self.masked, q.end)
            amount = per_period(q.value, stated, wanted)
            if amount >= 0 and self._in_range(slot, amount):
                options[i] = (stated, amount)
        # By the cue: nearer first, and an amount with a currency before a bare number.
        mine = [
            (self.owners[i].distance * 2 + (0 if self.quantities[i].money else 1), i)
            for i in options
            if self._mine(name, i)
        ]
        pick: int | None = None
        if mine:
            pick = min(mine)[1]
        elif asked:
            unowned = [i for i in options if i not in self.owners]
            marked = [i for i in unowned if self.quantities[i].money is not None]
            bare = [i for i in unowned if self.quantities[i].money is None and options[i][1] >= 100]
            pick = (marked or bare or [None])[0]
        if pick is None:
            return self._no_amount(name, slot, asked)
        q = self.quantities[pick]
        stated, amount = options[pick]
        self._claim(q.start, q.end)
        raw = q.raw + (f" per {stated}" if stated else "")
        if amount != q.value:
            raw += f" (= {amount:,.0f} per {wanted})"
        return Extraction(name, amount, raw, spans=self._spans(pick))

    def _no_amount(self, name: str, slot: Slot, asked: bool) -> Extraction | None:
        """ "No budget yet" is a budget of zero (when the slot allows it); unasked, only in words
        that carry the slot's own cue ("nothing set aside")."""
        span = no_amount(self.masked, asked=asked)
        if span is None or not self._free(*span) or not self._in_range(slot, 0):
            return None
        cues = _cue_regex(tuple(slot.cues))
        if not asked and (cues is None or not cues.search(self.masked[span[0] : span[1]])):
            return None
        self._claim(*span)
        raw = self.masked[span[0] : span[1]].strip()
        return Extraction(name, 0.0, raw, spans=[span])

    # -- everything else --------------------------------------------------------------------

    def answer(self, name: str, slot: Slot) -> Extraction | None:
        """The value of a slot the bot just asked for (text and lists: see `free_answer`)."""
        kind = slot.type
        if kind in ("integer", "number"):
            return self._count(name, slot, asked=True)
        if kind == "money":
            return self._money(name, slot, asked=True)
        if kind in ("email", "phone"):
            return self.volunteered(name, slot)
        if kind == "enum":
            found = self.table(slot).find(self.said, prefer_last=self.correcting)
            return Extraction(name, found[0], found[0], spans=found[1]) if found else None
        if kind == "timeline":
            hit = find_timeline(
                self.said, self.reference, slot.synonyms, slot.values or TIMELINE_VALUES
            )
            return (
                Extraction(name, hit.bucket, self.said, spans=[(hit.start, hit.end)])
                if hit
                else None
            )
        if kind == "boolean":
            flag = parse_bool(self.said)
            return Extraction(name, flag, self.said) if flag is not None else None
        return self.free_answer(name, slot, [])

    def free_answer(
        self,
        name: str,
        slot: Slot,
        used: list[tuple[int, int]],
        kin: list[tuple[int, int]] | None = None,
    ) -> Extraction | None:
        """A text or list answer: the buyer's words minus what other slots used (see freetext);
        `kin` are the spans of slots that read the same words as this one (see `_kin`)."""
        kin = kin or []
        if slot.type == "list":
            if is_refusal(self.said):
                return None
            # "Not sure yet, probably our CFO": the non-answer goes, the names stay.
            said = _without_unknowns(self.said) if is_unknown(self.said) else self.said
            if not said.strip():
                return None
            items = parse_list(
                _unmarked(answer_text(said, used, contact=self.contact, content=False, kin=kin))
            )
            return Extraction(name, items, self.said) if items else None
        text = _unmarked(answer_text(self.said, used, slot.cues, self.contact, kin=kin))
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
        if kind in ("email", "phone"):
            found = self.emails if kind == "email" else self.phones
            # "bo@x.com. Wait, actually it's bo@y.com": a correction means the last one, unless
            # it is the one being ruled out ("use bo@y.com instead of bo@x.com").
            meant = [
                s for s in found if not _NEGATED.search(self.full[max(0, s.start - 24) : s.start])
            ] or found
            if not meant:
                return None
            pick = meant[-1] if self.correcting else meant[0]
            return Extraction(name, pick.value, pick.value, spans=self.contact)
        if kind in ("integer", "number"):
            return self._count(name, slot, asked=False) if slot.cues else None
        if kind == "money":
            return self._money(name, slot, asked=False) if slot.cues else None
        if kind == "enum":
            cues = _cue_regex(tuple(slot.cues))
            said = self.said

            def keep(start: int, end: int) -> bool:
                # "head of finance", "the finance team": a department, not the industry; and in
                # an answer naming the committee ("the CTO, and finance") an item is a person.
                if _in_role(said, start, end) or (self.listing and _list_item(said, start, end)):
                    return False
                return cues is None or (
                    _near_cue(said, start, end, cues)
                    and not _POSSESSIVE.search(said[max(0, start - 12) : start])
                )

            found = self.table(slot).find(said, prefer_last=self.correcting, keep=keep)
            if found is None:
                return None
            return Extraction(name, found[0], found[0], confidence=0.9, spans=found[1])
        if kind == "timeline":
            hit = find_timeline(
                self.said,
                self.reference,
                slot.synonyms,
                slot.values or TIMELINE_VALUES,
                strict=True,
            )
            if hit is None:
                return None
            return Extraction(
                name, hit.bucket, hit.bucket, confidence=0.9, spans=[(hit.start, hit.end)]
            )
        if kind in ("text", "list"):
            cues = _cue_regex(tuple(slot.cues))
            match = cues.search(self.said) if cues else None
            if match is None:
                return None
            rest = self.said[match.end() :]
            stop = _clause_end(rest)
            phrase = _unmarked(clean_text(rest[:stop]))
            if not phrase or is_trivial(phrase):
                return None
            spans = [(match.start(), match.end() + stop)]
            if kind == "list":
                items = parse_list(phrase)
                if not items:
                    return None
                return Extraction(name, items, phrase, confidence=0.8, spans=spans)
            return Extraction(name, phrase[:300], phrase[:300], confidence=0.8, spans=spans)
        return None
