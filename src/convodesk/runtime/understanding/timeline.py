"""Decision timelines into buckets: this_quarter, next_quarter, this_year, next_year, none.

Relative phrases ("by March", "in 3 months") are resolved against the session's reference date,
which the engine stores when the session starts; the clock is never read here. So are "not
this year" (next year) and a bare year ("2027"); a date already past ("yesterday", "Q4 2025")
names no bucket, and a non-answer ("not sure yet", "TBD") is not "none".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..model import TIMELINE_VALUES
from .anycase import AnyCase
from .choices import PhraseTable, denied
from .numbers import words_to_number

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
# "No timeline": the loose list also takes vaguer answers, given only when the bot asked. A
# non-answer ("not sure yet", "TBD", "hard to say") is not among them: the buyer has not said
# there is no timeline, only that they will not say (signals.is_unknown), so nothing is filled.
_NONE = AnyCase(
    r"\b(no rush|no hurry|no timeline|no set timeline|no real timeline|no deadline|no pressure|"
    r"not in (?:a|any) (?:hurry|rush)|in no (?:hurry|rush)|nothing urgent|"
    r"not (?:a priority|urgent|any time soon|anytime soon))\b"
)
_NONE_LOOSE = AnyCase(
    r"\b(no plans?|just (?:looking|browsing|exploring|researching)|someday|eventually)\b"
)
_URGENT = AnyCase(
    r"\b(asap|as soon as possible|right away|immediately|urgent(?:ly)?|end of (?:the|this) month|"
    r"in the next few weeks|next few weeks|within weeks|in a few weeks|couple of weeks|"
    r"(?:needed|need|wanted|want) (?:it|this|one|something|that) yesterday)\b"
)
# Days and weeks name a deadline only after words that make them one ("in place this week",
# "by tomorrow"): "We use Excel today" says nothing about when they will buy. "Yesterday" is
# past, no purchase date ("we needed it yesterday" is urgency, above).
_SOON = AnyCase(r"\b(this week|next week|this month|today|tomorrow)\b")
_DEADLINE_BEFORE = AnyCase(
    r"\b(?:by|before|until|till|within|from|starting|start|in place|live|launch|decide|decision|"
    r"sign|buy|purchase|implement|switch|deadline|go-live|need(?:ed|s)?|want(?:ed|s)?|hoping|hope|"
    r"plan(?:ning)?|aim(?:ing)?|ready)\b(?:\s+[\w'-]+){0,3}\s+$"
)
_THIS_Q = AnyCase(r"\b(this|current|the current) quarter\b")
_NEXT_Q = AnyCase(r"\b(next|following|coming) quarter\b")
_QUARTER = AnyCase(
    r"\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th) quarter)(?:\s*(?:of\s*)?(20\d\d))?\b"
)
_QUARTER_BEFORE = AnyCase(
    r"\b(?:by|in|before|until|till|for|during|around|end of|early|mid|late|start of|from|starting)\s+(?:the\s+)?$"
)
_THIS_YEAR = AnyCase(
    r"\b(later this year|end of (?:the )?year|by year[- ]end|year[- ]end|before the end of the year|"
    r"eoy|by the end of this year)\b"
)
_THIS_YEAR_LOOSE = AnyCase(r"\b(this year|this fiscal year|this fy|h2|second half)\b")
_NEXT_YEAR = AnyCase(r"\b(next year|next fiscal year|following year|in a year|a year from now)\b")
_YEAR = AnyCase(r"\b(?:in|by|during|for)\s+(20\d\d)\b")
# Asked when, a year alone ("2027", "FY2027, probably") names that year.
_BARE_YEAR = AnyCase(
    r"(?<![\w$€£.,-])(?:fy\s?)?(20\d\d)(?![\w%-]|[.,]\d|\s*(?:people|employees|staff|users|seats)\b)"
)
# "Not this year": later than this year, so next year (the last bucket) whatever the date.
_NOT_THIS_YEAR = AnyCase(
    r"\bnot\s+(?:(?:until|before|till|in|within|during)\s+)?(?:this|the\s+current)\s+"
    r"(?:calendar\s+|fiscal\s+)?year\b"
)
_MONTH = AnyCase(
    rf"\b(?:by|in|before|until|around|end of|early|mid|late)\s+({_MONTH_NAMES})\b\.?(?:\s+(20\d\d)\b)?"
)
# A month on its own ("March.", "Probably April") answers the timeline question, never a
# volunteered one and never inside a longer sentence ("I like March Madness"); "may" counts only
# as "May", and abbreviations only capitalised.
_MONTH_WORD = (
    r"(?:(?i:january|february|march|april|june|july|august|september|october|november|december)"
    r"|May|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
)
_BARE_MONTH = re.compile(
    r"^\W*(?i:(?:probably|maybe|hopefully|ideally|likely|around|sometime in|some time in|"
    r"early|mid|late|end of|start of)[\s-]+)*"
    rf"({_MONTH_WORD})\.?(?:\s+(?:or|to|-)\s+{_MONTH_WORD})?(?:\s+(20\d\d))?"
    r"(?i:[\s,]+(?:hopefully|ideally|probably|i think|i hope|at the latest|latest|or so))*\W*$"
)
_WITHIN = AnyCase(
    r"\b(?:in|within|over|inside|in the next|within the next|over the next)\s+(?:a |an |the next )?"
    r"(\d+|[a-z]+(?:[\s-][a-z]+)?)\s*(day|week|month|year)s?\b"
)
_PAST_BEFORE = AnyCase(r"\b(?:for|since|last|past|been|spent|took|ago)\s+$")
_AGO_AFTER = AnyCase(r"^\s*(?:ago|already|now)\b")
_ONE_MONTH = AnyCase(
    r"\b(?:next month|in a month|within a month|in a month or so|end of next month)\b"
)
_ORDINAL = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}


def _quarter_index(day: date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def _ahead(target: date, reference: date) -> str | None:
    """The bucket of a target date, or None when it lies in a quarter already over ("by March
    2025", "Q4 2025" seen from 2026): a past date is no purchase timeline."""
    return (
        None
        if _quarter_index(target) < _quarter_index(reference)
        else bucket_for(target, reference)
    )


def bucket_for(target: date, reference: date) -> str:
    """The bucket a target date falls in, seen from the reference date."""
    delta = _quarter_index(target) - _quarter_index(reference)
    if delta <= 0:
        return "this_quarter"
    if delta == 1:
        return "next_quarter"
    if target.year == reference.year:
        return "this_year"
    return "next_year"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _amount(word: str) -> float | None:
    if word.isdigit():
        return float(word)
    if word.lower() in ("few", "couple of", "couple"):
        return 3.0 if word.lower() == "few" else 2.0
    return words_to_number(word)


@dataclass(frozen=True)
class TimelineSpan:
    bucket: str
    start: int
    end: int


def parse_timeline(
    text: str,
    reference: date,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    values: Sequence[str] = TIMELINE_VALUES,
    *,
    strict: bool = False,
) -> str | None:
    """The bucket a message names, or None. Flow synonyms win over the built-in phrases."""
    found = find_timeline(text, reference, synonyms, values, strict=strict)
    return found.bucket if found else None


def find_timeline(
    text: str,
    reference: date,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    values: Sequence[str] = TIMELINE_VALUES,
    *,
    strict: bool = False,
) -> TimelineSpan | None:
    """The bucket and where the message names it.

    `strict` is for a timeline nobody asked about: only a deadline phrase counts ("by March",
    "within 6 months", "this quarter", "asap", "no rush"), never a bare "today" or "Q3".
    """
    if synonyms:
        found = _table(tuple((v, tuple(p)) for v, p in synonyms.items())).find(text)
        if found is not None:
            value, spans = found
            return TimelineSpan(value, *spans[0])
    hit = _builtin(text, reference, strict)
    return hit if hit is not None and hit.bucket in values else None


@lru_cache(maxsize=256)
def _table(synonyms: tuple[tuple[str, tuple[str, ...]], ...]) -> PhraseTable:
    return PhraseTable({value: list(phrases) for value, phrases in synonyms})


def _first(pattern: AnyCase, text: str) -> re.Match[str] | None:
    """The first match that no negation in its clause denies ("not this quarter")."""
    for match in pattern.finditer(text):
        if not denied(text, match.start()):
            return match
    return None


def _after(pattern: AnyCase, text: str, context: AnyCase) -> re.Match[str] | None:
    """The first undenied match right after words that make it a deadline."""
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if context.search(before) and not denied(text, match.start()):
            return match
    return None


def _span(bucket: str, match: re.Match[str]) -> TimelineSpan:
    return TimelineSpan(bucket, match.start(), match.end())


# Every phrase `_builtin` looks for, in one regex: most messages name no timeline at all, and
# one scan tells them apart from those that do, where a scan per phrase would take a dozen.
_ANY_PHRASE = AnyCase(
    "|".join(
        f"(?:{phrases.pattern})"
        for phrases in (
            _NONE, _NONE_LOOSE, _URGENT, _SOON, _THIS_Q, _NEXT_Q, _QUARTER, _ONE_MONTH, _WITHIN,
            _MONTH, _NEXT_YEAR, _YEAR, _THIS_YEAR, _THIS_YEAR_LOOSE, _NOT_THIS_YEAR, _BARE_YEAR,
        )
    )
)  # fmt: skip


def _builtin(text: str, reference: date, strict: bool) -> TimelineSpan | None:
    if not _ANY_PHRASE.search(text) and (strict or not _BARE_MONTH.match(text)):
        return None
    match = _first(_NONE, text) or (None if strict else _first(_NONE_LOOSE, text))
    if match:
        return _span("none", match)
    match = _NOT_THIS_YEAR.search(text)
    if match:
        return _span("next_year", match)
    match = (
        _first(_URGENT, text)
        or (_after(_SOON, text, _DEADLINE_BEFORE) if strict else _first(_SOON, text))
        or _first(_THIS_Q, text)
    )
    if match:
        return _span("this_quarter", match)
    match = _first(_NEXT_Q, text)
    if match:
        return _span("next_quarter", match)
    match = _after(_QUARTER, text, _QUARTER_BEFORE) if strict else _first(_QUARTER, text)
    if match:
        number = int(match.group(1)) if match.group(1) else _ORDINAL[match.group(2).lower()]
        year = int(match.group(3)) if match.group(3) else reference.year
        target = date(year, number * 3 - 2, 1)
        if not match.group(3) and _quarter_index(target) < _quarter_index(reference):
            target = date(year + 1, number * 3 - 2, 1)
        bucket = _ahead(target, reference)
        if bucket:
            return _span(bucket, match)
    match = _first(_ONE_MONTH, text)
    if match:
        return _span(bucket_for(_add_months(reference, 1), reference), match)
    for match in _WITHIN.finditer(text):
        bare_over = re.match(r"over\s+(?!the next)", match.group(0), re.I)
        if _is_past(text, match) or (strict and bare_over):
            continue
        amount = _amount(match.group(1))
        if amount is None or denied(text, match.start()):
            continue
        unit = match.group(2).lower()
        months = {"day": amount / 30, "week": amount / 4.3, "month": amount, "year": amount * 12}
        return _span(bucket_for(_add_months(reference, int(months[unit])), reference), match)
    match = _first(_MONTH, text) or (None if strict else _BARE_MONTH.match(text))
    if match:
        month = MONTHS[match.group(1).lower()]
        year = reference.year + (1 if month < reference.month else 0)
        if match.group(2):  # "by March 2027"
            year = int(match.group(2))
        bucket = _ahead(date(year, month, 1), reference)
        if bucket:
            return _span(bucket, match)
    match = _first(_NEXT_YEAR, text)
    if match:
        return _span("next_year", match)
    match = _first(_YEAR, text) or (None if strict else _first(_BARE_YEAR, text))
    if match:
        year = int(match.group(1))
        if year > reference.year:  # "in 2027" means some time that year, not its first day
            return _span("next_year", match)
        if year == reference.year:
            return _span(bucket_for(date(year, 12, 1), reference), match)
    match = _first(_THIS_YEAR, text) or (
        _after(_THIS_YEAR_LOOSE, text, _DEADLINE_BEFORE)
        if strict
        else _first(_THIS_YEAR_LOOSE, text)
    )
    if match:
        return _span(bucket_for(date(reference.year, 12, 1), reference), match)
    return None


def _is_past(text: str, match: re.Match[str]) -> bool:
    """'for over 2 years', 'in the past 3 months', '6 months ago' look back, not ahead."""
    before = text[max(0, match.start() - 12) : match.start()]
    return bool(
        _PAST_BEFORE.search(before) or _AGO_AFTER.match(text[match.end() : match.end() + 10])
    )
