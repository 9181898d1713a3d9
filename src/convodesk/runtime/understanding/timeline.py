"""Decision timelines into buckets: this_quarter, next_quarter, this_year, next_year, none.

Relative phrases ("by March", "in 3 months") are resolved against the session's reference date,
which the engine stores when the session starts; the clock is never read here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from ..model import TIMELINE_VALUES
from .choices import match_phrases
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
_NONE = re.compile(
    r"\b(no rush|no hurry|no timeline|no set timeline|no real timeline|no plans?|not sure yet|"
    r"no idea yet|don'?t know yet|undecided|just (?:looking|browsing|exploring|researching)|"
    r"not (?:a priority|urgent|any time soon)|someday|eventually|no deadline|tbd)\b",
    re.I,
)
_NOW = re.compile(
    r"\b(asap|as soon as possible|right away|immediately|urgent(?:ly)?|this week|next week|"
    r"this month|yesterday|today|tomorrow|end of (?:the|this) month|in the next few weeks|next few weeks|within weeks|"
    r"in a few weeks|couple of weeks)\b",
    re.I,
)
_THIS_Q = re.compile(r"\b(this|current|the current) quarter\b", re.I)
_NEXT_Q = re.compile(r"\b(next|following|coming) quarter\b", re.I)
_QUARTER = re.compile(
    r"\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th) quarter)(?:\s*(?:of\s*)?(20\d\d))?\b",
    re.I,
)
_THIS_YEAR = re.compile(
    r"\b(this year|later this year|end of (?:the )?year|by year[- ]end|year[- ]end|before the end of the year|"
    r"eoy|this fiscal year|this fy|by the end of this year|h2|second half)\b",
    re.I,
)
_NEXT_YEAR = re.compile(
    r"\b(next year|next fiscal year|following year|in a year|a year from now)\b", re.I
)
_YEAR = re.compile(r"\b(?:in|by|during|for)\s+(20\d\d)\b", re.I)
_MONTH = re.compile(
    rf"\b(?:by|in|before|until|around|end of|early|mid|late)\s+({'|'.join(sorted(MONTHS, key=len, reverse=True))})\b\.?",
    re.I,
)
_WITHIN = re.compile(
    r"\b(?:in|within|over|inside|in the next|within the next|over the next)\s+(?:a |an |the next )?"
    r"(\d+|[a-z]+(?:[\s-][a-z]+)?)\s*(day|week|month|year)s?\b",
    re.I,
)
_ONE_MONTH = re.compile(
    r"\b(?:next month|in a month|within a month|in a month or so|end of next month)\b", re.I
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


def parse_timeline(
    text: str,
    reference: date,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    values: Sequence[str] = TIMELINE_VALUES,
) -> str | None:
    """The bucket a message names, or None. Flow synonyms win over the built-in phrases."""
    if synonyms:
        found = match_phrases(text, {value: list(phrases) for value, phrases in synonyms.items()})
        if found is not None:
            return found
    bucket = _builtin(text, reference)
    return bucket if bucket in values else None


def _builtin(text: str, reference: date) -> str | None:
    if _NONE.search(text):
        return "none"
    if _NOW.search(text) or _THIS_Q.search(text):
        return "this_quarter"
    if _NEXT_Q.search(text):
        return "next_quarter"
    match = _QUARTER.search(text)
    if match:
        number = int(match.group(1)) if match.group(1) else _ORDINAL[match.group(2).lower()]
        year = int(match.group(3)) if match.group(3) else reference.year
        target = date(year, number * 3 - 2, 1)
        if not match.group(3) and _quarter_index(target) < _quarter_index(reference):
            target = date(year + 1, number * 3 - 2, 1)
        return bucket_for(target, reference)
    if _ONE_MONTH.search(text):
        return bucket_for(_add_months(reference, 1), reference)
    match = _WITHIN.search(text)
    if match:
        amount = _amount(match.group(1))
        if amount is not None:
            unit = match.group(2).lower()
            months = {
                "day": amount / 30,
                "week": amount / 4.3,
                "month": amount,
                "year": amount * 12,
            }[unit]
            return bucket_for(_add_months(reference, int(months)), reference)
    match = _MONTH.search(text)
    if match:
        month = MONTHS[match.group(1).lower()]
        year = reference.year + (1 if month < reference.month else 0)
        return bucket_for(date(year, month, 1), reference)
    if _NEXT_YEAR.search(text):
        return "next_year"
    match = _YEAR.search(text)
    if match:
        year = int(match.group(1))
        if year > reference.year:  # "in 2027" means some time that year, not its first day
            return "next_year"
        return bucket_for(date(year, 12, 1), reference) if year == reference.year else None
    if _THIS_YEAR.search(text):
        return bucket_for(date(reference.year, 12, 1), reference)
    return None
