"""Choices and free answers: enum values via synonyms, yes/no, lists of people, cleaned text."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

_YES = re.compile(
    r"^\s*(yes|yeah|yep|yup|ya|sure|correct|absolutely|definitely|of course|certainly|"
    r"we do|i do|that's right|that is right|affirmative|ok(?:ay)?|y)\b",
    re.I,
)
_NO = re.compile(
    r"^\s*(no|nope|nah|not really|not at all|we don'?t|i don'?t|negative|never|n)\b(?!\s+(?:problem|worries|rush))",
    re.I,
)
_LIST_SPLIT = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\bplus\b|\balso\b|\bas well as\b)\s*", re.I)
_LEAD_IN = re.compile(
    r"^(?:it(?:'ll| will)? be|that(?:'d| would)? be|probably|maybe|likely|mostly|mainly|just|only|"
    r"there(?:'s| is| are)|we have|involved are|the team is|myself and)\s+",
    re.I,
)
_TRAILING = re.compile(
    r"\s+(?:will|would|are|is|should|also|too|as well|must|need to|have to|get to|to)\b.*$|\s+(?:too|as well)$",
    re.I,
)
_DETERMINERS = re.compile(r"^(?:our|the|my|a|an|their|his|her|some|two|both|also)\s+", re.I)
_FILLER = re.compile(
    r"^(?:well|um+|uh+|so|hmm+|honestly|basically|ok(?:ay)?|right|yeah|oh)[,.!\s]+", re.I
)
_TRIVIAL = re.compile(
    r"^(?:yes|no|ok(?:ay)?|hi|hello|hey|sure|thanks|thank you|k|yep|nope|\W*)$", re.I
)
_ME = re.compile(r"^(?:me|myself|i|just me|only me|me only|i am|i'm|i do)$", re.I)


@lru_cache(maxsize=512)
def _phrase_regex(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(
        {p.lower().replace("_", " ") for p in phrases if p.strip()}, key=len, reverse=True
    )
    body = "|".join(re.escape(p).replace(r"\ ", r"[\s_-]+") for p in ordered)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.I)


class PhraseTable:
    """Values and the phrases that mean them, compiled into one regex (longest phrase first)."""

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        pairs = sorted(
            {
                (p.lower().replace("_", " "), value)
                for value, phrases in table.items()
                for p in phrases
                if p.strip()
            },
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        self.values = [value for _, value in pairs]
        body = "|".join("(" + re.escape(p).replace(r"\ ", r"[\s_-]+") + ")" for p, _ in pairs)
        self.regex = re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.I) if pairs else None

    def match(
        self,
        text: str,
        *,
        prefer_last: bool = False,
        keep: Callable[[int, int], bool] | None = None,
    ) -> str | None:
        """The value named in `text`; None when none is, or two values compete."""
        if self.regex is None:
            return None
        hits = [
            (m.start(), self.values[m.lastindex - 1])  # type: ignore[operator]
            for m in self.regex.finditer(text)
            if keep is None or keep(m.start(), m.end())
        ]
        named = {value for _, value in hits}
        if len(named) == 1:
            return named.pop()
        if named and prefer_last:
            return max(hits)[1]
        return None


def match_phrases(
    text: str,
    table: Mapping[str, Sequence[str]],
    *,
    prefer_last: bool = False,
    keep: Callable[[int, int], bool] | None = None,
) -> str | None:
    """The value whose phrase appears in `text`; None when none does or two values compete.

    `keep` filters hits by position, e.g. only phrases next to a cue word.
    """
    return PhraseTable(table).match(text, prefer_last=prefer_last, keep=keep)


def enum_table(
    values: Sequence[str], synonyms: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    return {value: [value, *synonyms.get(value, [])] for value in values}


_DONT_KNOW = re.compile(r"^\s*(?:i|we)\s+(?:don'?t|do not)\s+know\b|^\s*not sure\b", re.I)


def parse_bool(text: str) -> bool | None:
    """Yes or no from the start of an answer; "I don't know" is neither."""
    if _DONT_KNOW.match(text):
        return None
    if _NO.match(text):
        return False
    if _YES.match(text):
        return True
    return None


def clean_text(text: str) -> str:
    """The buyer's own words, minus filler and trailing punctuation."""
    text = re.sub(r"\s+", " ", text).strip()
    previous = None
    while previous != text:
        previous = text
        text = _FILLER.sub("", text).strip()
    return text.rstrip(" .!,;:")


def is_trivial(text: str) -> bool:
    return bool(_TRIVIAL.match(clean_text(text)))


def parse_list(text: str) -> list[str]:
    """'me, our CFO and the IT lead' -> ['me', 'CFO', 'IT lead']."""
    text = clean_text(text)
    if not text:
        return []
    if _ME.match(text):
        return ["me"]
    items: list[str] = []
    for part in _LIST_SPLIT.split(text):
        part = part.strip(" .!?")
        previous = None
        while previous != part:
            previous = part
            part = _TRAILING.sub("", _DETERMINERS.sub("", _LEAD_IN.sub("", part))).strip()
        if not part:
            continue
        if _ME.match(part):
            part = "me"
        if len(part.split()) > 6:
            part = " ".join(part.split()[:6])
        if part.lower() not in (i.lower() for i in items):
            items.append(part)
        if len(items) >= 12:
            break
    return items
