"""Counts in buyer phrasing: "500", "1,200", "five hundred", "2k", "about 500", "50-100", "500+".

Returns spans, not just values, so callers can look at the words around a number (a cue such as
"employees") and never take the same number twice.

Vague quantities are read as their usual midpoint and marked "approx": "a couple" is 2, "a few"
3 and "several" 5, so "a few thousand" is 3,000 and "several hundred" 500. "1.000" with dots every
three digits is European grouping (1,000), and "300ish" is about 300. "-5" is minus five, so
that no count or budget reads it as five.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .anycase import AnyCase
from .keywords import has_digit

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "a": 1,
    "an": 1,
    "couple": 2,
    "few": 3,
    "several": 5,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}
SUFFIX = {
    "k": 1_000,
    "m": 1_000_000,
    "mm": 1_000_000,
    "mil": 1_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}

_WORD_NUM = "|".join(sorted([*UNITS, *TENS, *SCALES, "half"], key=len, reverse=True))
# Words that are not a quantity on their own: "a", "a few", "half" ("half past five").
_VAGUE_ONLY = frozenset(["a", "an", "few", "couple", "several", "half", "and"])
_WORD_GAP = re.compile(r"[\s-]+")
_VAGUE = AnyCase(r"\b(?:few|couple|several)\b")
# A number in words starts with a number word's first letter: other words are passed at once.
_FIRST_LETTERS = "".join(sorted({word[0] for word in _WORD_NUM.split("|")}))
_WORDS = AnyCase(
    rf"(?<![\w])(?=[{_FIRST_LETTERS}])"
    rf"(?:(?:{_WORD_NUM})(?:[\s-]+(?:and[\s-]+)?)?)*(?:{_WORD_NUM})(?![\w])"
)
_DIGITS = AnyCase(
    r"(?<![\w.,/@#$€£])(?:(?P<eu>\d{1,3}(?:\.\d{3})+)(?!\d|\.\d)|(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?)"
    r"(?:\s?(?P<suffix>k|mm|m|mil|bn|b|thousand|million|billion))?(?P<ish>-?ish)?(?![\w@]|\.\d)",
    needs=has_digit,
)
_APPROX = AnyCase(
    r"(?:about|around|roughly|approximately|approx\.?|~|circa|nearly|almost|close to|some|maybe|like)\s*$"
)
_AT_LEAST = AnyCase(r"(?:over|more than|above|at least|upwards of|north of|greater than)\s*$")
_AT_MOST = AnyCase(r"(?:under|less than|below|fewer than|up to|at most|not more than)\s*$")
_YEAR_CONTEXT = AnyCase(
    r"(?:in|by|since|until|till|before|after|of|from|end|early|late|mid|q[1-4]|fy|"
    r"jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)[\s,-]*$"
)
_SOLO = AnyCase(r"(?<![\w])(?:just me|only me|me only|myself|solo|one-person)(?![\w])")
_NOBODY = AnyCase(r"^\s*(?:none|nobody|no one|zero)\s*[.!]?\s*$")
_RANGE_JOIN = AnyCase(r"^\s*(?:-|–|—|to|and)\s*")
_MONTH_NAME = (
    r"(?:(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)|May|MAY)\b"
)
_MONTH_BEFORE = re.compile(r"\b" + _MONTH_NAME + r"\.?\s*(?:the\s+)?$")
_MONTH_AFTER = re.compile(r"^\s*(?:of\s+)?" + _MONTH_NAME)
_TIME_AFTER = AnyCase(r"^(?::\d|\s*(?:a\.?m\b\.?|p\.?m\b\.?|o'?clock\b))")
_TIME_BEFORE = re.compile(r"\d:$")
_PERCENT_AFTER = AnyCase(r"^\s*(?:%|percent\b|per\s*cent\b|pct\b)")
_LABEL_BEFORE = AnyCase(
    r"(?:\b(?:version|ver|release|rev|soc|iso|tier|level|phase|step|windows|ios|android|python|"
    r"no|number|page|chapter|section|question|option|gen|series|model|room)\.?\s*|#\s*)$"
)
_OR_MORE = AnyCase(r"^\s+or\s+(more|above|higher|less|fewer|below)\b")
# Each alternative opens with a letter, so the regex engine can skip it on that letter alone.
_URL = AnyCase(r"https?://\S{0,2000}|www\.\S{0,2000}|\b\d{4}-\d{1,2}-\d{1,2}\b")


def _blocked(text: str) -> list[tuple[int, int]]:
    """Digits that are not quantities: phones, URLs, ISO dates (emails never match _DIGITS)."""
    from .contact import find_phones  # local: contact must stay importable without numbers

    spans = [(m.start(), m.end()) for m in _URL.finditer(text)]
    spans.extend((p.start, p.end) for p in find_phones(text))
    return spans


def _not_a_count(text: str, match: re.Match[str], value: float) -> bool:
    """Times ("3:30", "3 pm"), percentages, dates ("March 15") and labels ("SOC 2", "v2")."""
    before = text[max(0, match.start() - 24) : match.start()]
    after = text[match.end() : match.end() + 12]
    if _TIME_AFTER.match(after) or _TIME_BEFORE.search(before) or _PERCENT_AFTER.match(after):
        return True
    if _LABEL_BEFORE.search(before):
        return True
    day = not match.group("suffix") and value.is_integer() and 1 <= value <= 31
    return day and bool(_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after))


@dataclass(frozen=True)
class NumberSpan:
    start: int
    end: int
    value: float
    raw: str
    kind: str = "exact"  # exact | approx | range | min | max

    @property
    def integer(self) -> int:
        """Half-up, so the midpoint of "5-10" is 8 (round() would give banker's 8 but 2 for 2.5)."""
        return int(self.value + 0.5) if self.value >= 0 else -int(-self.value + 0.5)


def words_to_number(text: str) -> float | None:
    """'two thousand five hundred' -> 2500; 'a dozen' -> 12; 'two and a half thousand' -> 2500;
    'a few thousand' -> 3000. None when it is not a number."""
    tokens = [t for t in _WORD_GAP.split(text.lower()) if t]
    total = 0.0
    current = 0.0
    seen = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1 : i + 3]
        if token == "and" and following == ["a", "half"]:  # "two and a half"
            current += 0.5
            i += 3
            continue
        if token == "and" or (token in ("a", "an") and following[:1] in (["few"], ["couple"])):
            i += 1  # "a few" is few, not one plus few
            continue
        if token == "half":
            current += 0.5
            i += 2 if following[:1] in (["a"], ["an"]) else 1  # "half a million"
            seen = True
            continue
        if token in UNITS:
            current += UNITS[token]
        elif token in TENS:
            current += TENS[token]
        elif token in SCALES:
            scale = SCALES[token]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0
        else:
            return None
        seen = True
        i += 1
    if not seen:
        return None
    return float(total + current)


def _digit_value(match: re.Match[str]) -> float:
    if match.group("eu"):
        value = float(match.group("eu").replace(".", ""))
    else:
        whole = match.group("whole").replace(",", "")
        frac = match.group("frac")
        value = float(f"{whole}.{frac}") if frac else float(whole)
    suffix = (match.group("suffix") or "").lower()
    return value * SUFFIX.get(suffix, 1)


_MINUS = "-\u2212"  # hyphen-minus, and the minus sign


def _negative(text: str, start: int) -> bool:
    """'-5' is minus five, not five: a sign right before the digits, after a space or nothing,
    and not after another number ("5 -10" is a range typed loosely)."""
    if start == 0 or text[start - 1] not in _MINUS:
        return False
    before = text[: start - 1].rstrip()
    return (start == 1 or text[start - 2].isspace() or text[start - 2] in "(:=") and not (
        before[-1:].isdigit()
    )


def _raw_numbers(text: str) -> list[NumberSpan]:
    spans: list[NumberSpan] = []
    blocked = _blocked(text) if has_digit(text) else []  # only digits can be blocked
    for match in _DIGITS.finditer(text):
        value = _digit_value(match)
        if _not_a_count(text, match, value) or any(
            s < match.end() and match.start() < e for s, e in blocked
        ):
            continue
        before = text[max(0, match.start() - 12) : match.start()]
        if (
            not match.group("suffix")
            and len(match.group("whole") or "") == 4
            and 1900 <= value <= 2099
            and _YEAR_CONTEXT.search(before)
        ):
            continue  # "by 2027" is a date, not a count
        kind = "approx" if match.group("ish") else "exact"
        start = match.start()
        if _negative(text, start):
            start, value = start - 1, -value
        raw = text[start : match.end()]  # the buyer's own case (see AnyCase)
        spans.append(NumberSpan(start, match.end(), value, raw, kind))
    for match in _WORDS.finditer(text):
        raw = text[match.start() : match.end()]  # the buyer's own case (see AnyCase)
        if all(t in _VAGUE_ONLY for t in _WORD_GAP.split(raw.lower()) if t):
            continue
        value = words_to_number(raw)
        if value is not None and not any(s.start <= match.start() < s.end for s in spans):
            kind = "approx" if _VAGUE.search(raw) else "exact"
            spans.append(NumberSpan(match.start(), match.end(), value, raw, kind))
    for match in _SOLO.finditer(text):
        spans.append(NumberSpan(match.start(), match.end(), 1.0, text[match.start() : match.end()]))
    match = _NOBODY.match(text)
    if match:
        raw = text[match.start() : match.end()].strip()
        spans.append(NumberSpan(match.start(), match.end(), 0.0, raw))
    spans.sort(key=lambda s: s.start)
    return spans


def find_numbers(text: str) -> list[NumberSpan]:
    """Every count in `text`, with ranges merged to their midpoint and qualifiers noted."""
    raw = _raw_numbers(text)
    out: list[NumberSpan] = []
    i = 0
    while i < len(raw):
        span = raw[i]
        if i + 1 < len(raw):
            nxt = raw[i + 1]
            gap = text[span.end : nxt.start]
            joined = _RANGE_JOIN.match(gap)
            if joined and joined.end() == len(gap) and nxt.value > span.value:
                low = span.value * (SUFFIX.get(_suffix(nxt.raw), 1) if not _suffix(span.raw) else 1)
                if low > nxt.value:  # "200-1k" is 200 to 1,000, not 200,000 to 1,000
                    low = span.value
                mid = (low + nxt.value) / 2
                out.append(
                    NumberSpan(span.start, nxt.end, mid, text[span.start : nxt.end], "range")
                )
                i += 2
                continue
        before = text[max(0, span.start - 24) : span.start]
        after = text[span.end : span.end + 2]
        kind = span.kind
        tail = text[span.end : span.end + 16]
        more = _OR_MORE.match(tail)
        if after.startswith("+"):
            kind = "min"
            span = NumberSpan(span.start, span.end + 1, span.value, span.raw + "+", kind)
        elif more:
            kind = "min" if more.group(1).lower() in ("more", "above", "higher") else "max"
            span = NumberSpan(
                span.start, span.end + more.end(), span.value, span.raw + tail[: more.end()], kind
            )
        elif _AT_LEAST.search(before):
            kind = "min"
        elif _AT_MOST.search(before):
            kind = "max"
        elif _APPROX.search(before):
            kind = "approx"
        out.append(NumberSpan(span.start, span.end, span.value, span.raw, kind))
        i += 1
    return out


def _suffix(raw: str) -> str:
    match = re.search(r"(k|mm|m|mil|bn|b|thousand|million|billion)$", raw.strip().lower())
    return match.group(1) if match else ""
