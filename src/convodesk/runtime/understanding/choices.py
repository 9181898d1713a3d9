"""Choices and free answers: enum values via synonyms, yes/no, lists of people, cleaned text."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from .anycase import AnyCase
from .keywords import Keywords

_YES = AnyCase(
    r"^\s*(yes|yeah|yep|yup|ya|sure|correct|absolutely|definitely|of course|certainly|"
    r"we do|i do|that's right|that is right|affirmative|ok(?:ay)?|y)\b"
)
_NO = AnyCase(
    r"^\s*(no|nope|nah|not really|not at all|we don'?t|i don'?t|negative|never|n)\b(?!\s+(?:problem|worries|rush))"
)
_LIST_SPLIT = re.compile(
    r"\s*(?:,|;|/|&|\+|[.!?]\s+|\band\b|\bplus\b|\balso\b|\bas well as\b)\s*", re.I
)
_LEAD_IN = re.compile(
    r"^(?:it(?:'ll| will)? be|that(?:'d| would)? be|probably|maybe|likely|mostly|mainly|just|only|"
    r"there(?:'s| is| are)|we have|involved are|the team is|myself and|(?-i:[Ii]t'?s|[Ii]t is)|but|however|"
    r"though|although)\s+",
    re.I,
)
_TRAILING = re.compile(
    r"\s+(?:will|would|are|is|should|also|too|as well|must|need to|have to|get to|to)\b.*$|\s+(?:too|as well|for sure|i think|i guess|i believe|probably|definitely|for now)$",
    re.I,
)
_DETERMINERS = re.compile(r"^(?:our|the|my|a|an|their|his|her|some|two|both|also)\s+", re.I)
_FILLER = re.compile(
    r"^(?:well|um+|uh+|so|hmm+|honestly|basically|ok(?:ay)?|right|yeah|oh)[,.!\s]+"
    # A greeting opens a message and is no part of an answer: "Hi, we are struggling with ...",
    # "Hi Ava, ...", "Hello Relay team! ...", "Good morning - ...".
    r"|^(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening|day))"
    r"(?:\s+(?:there|all|team|folks|everyone)|\s+(?-i:[A-Z][\w'-]*)(?:\s+team)?(?=\s*[,.!:;-]))?"
    r"[,.!:;\s-]+",
    re.I,
)
_TRIVIAL = AnyCase(
    r"^(?:yes|no|ok(?:ay)?|hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening)|"
    r"sure(?: thing)?|thanks|thank you|k|yep|nope|"
    r"(?:good|great|fair) question|happy to (?:share|help)|sounds good|great|got it|of course|"
    r"no problem|cool|perfect|right|well|(?:i'?m )?sorry|to be honest|honestly|unfortunately|"
    r"i'?m afraid|offhand|\W*)$"
)
# The buyer alone decides: "just me", "it's only me for now"; "nobody else" adds no one.
_ME = AnyCase(
    r"^(?:it'?s |that'?s )?(?:just |only )?(?:me|myself|i|me only|i am|i'm|i do)(?: for now| alone)?$"
)
_NOBODY = AnyCase(
    r"^(?:nobody|no one|no-one|noone|none|nobody at all)(?: else)?(?: yet| so far| for now)?$"
)
_QUOTES = re.compile(r"[\"“”‘’]|(?<!\w)'|'(?!\w)")


# A phrase denied just before it ("not a student", "used to be a customer", "isn't urgent")
# names nothing. "not only/just" and "not before/until" are not denials of what follows.
_DENIAL = AnyCase(
    r"\b(?:not(?!\s+(?:only|just|before|until|till|later|sooner|earlier)\b)|no longer|never|"
    r"used to|formerly|former|previously|isn'?t|aren'?t|wasn'?t|weren'?t|don'?t|doesn'?t|"
    r"didn'?t|haven'?t|hasn'?t|rather than|instead of)(?:\s+[\w'-]+){0,3}\s+$"
)
_CLAUSE_BREAK = AnyCase(r".*(?:[.;:!?,]|\bbut\b|\bhowever\b)", re.S)


def denied(text: str, start: int) -> bool:
    """Whether a negation in the same clause, at most three words back, denies text[start:]."""
    before = text[max(0, start - 60) : start]
    clause = _CLAUSE_BREAK.match(before)
    return bool(_DENIAL.search(before[clause.end() :] if clause else before))


def _in_capitals(phrase: str) -> bool:
    return any(c.isalpha() for c in phrase) and phrase == phrase.upper()


def _escaped(text: str) -> str:
    return re.escape(text).replace(r"\ ", r"[\s_-]+")


def _phrase_pattern(phrase: str) -> str:
    """A phrase's alternative in a table's regex, its group telling which phrase matched.

    A phrase in capitals ("US", "U.S.") matches only in capitals, so "us" the pronoun is not
    "US" the country; every other phrase matches in any case. Its first character stands
    before the group, so the regex engine skips the alternative on that character alone
    (see AnyCase); only the whole match and which group took part are ever read."""
    if _in_capitals(phrase):
        return f"((?-i:{_escaped(phrase)}))"
    return f"{_escaped(phrase[0])}({_escaped(phrase[1:])})".lower()


def _normal(phrase: str) -> str:
    phrase = phrase.strip().replace("_", " ")
    return phrase if phrase == phrase.upper() else phrase.lower()


class PhraseTable:
    """Values and the phrases that mean them, compiled into one regex (longest phrase first)."""

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        pairs = sorted(
            {(_normal(p), value) for value, phrases in table.items() for p in phrases if p.strip()},
            key=lambda pair: (len(pair[0]), pair),
            reverse=True,
        )
        self.values = [value for _, value in pairs]
        body = "|".join(_phrase_pattern(p) for p, _ in pairs)
        needs = Keywords((p for p, _ in pairs), cased=_in_capitals)
        self.regex = AnyCase(rf"(?<![\w])(?:{body})(?![\w])", needs=needs) if pairs else None

    def hits(
        self, text: str, keep: Callable[[int, int], bool] | None = None
    ) -> list[tuple[int, int, str]]:
        """(start, end, value) of every phrase in `text` that is not denied."""
        if self.regex is None:
            return []
        return [
            (m.start(), m.end(), self.values[m.lastindex - 1])  # type: ignore[operator]
            for m in self.regex.finditer(text)
            if not denied(text, m.start()) and (keep is None or keep(m.start(), m.end()))
        ]

    def find(
        self,
        text: str,
        *,
        prefer_last: bool = False,
        keep: Callable[[int, int], bool] | None = None,
    ) -> tuple[str, list[tuple[int, int]]] | None:
        """The value named in `text` and the spans naming it; None when none is, or two compete."""
        hits = self.hits(text, keep)
        named = {value for _, _, value in hits}
        if len(named) > 1 and prefer_last:
            named = {max(hits)[2]}
        if len(named) != 1:
            return None
        value = named.pop()
        return value, [(start, end) for start, end, v in hits if v == value]

    def match(
        self,
        text: str,
        *,
        prefer_last: bool = False,
        keep: Callable[[int, int], bool] | None = None,
    ) -> str | None:
        """The value named in `text`; None when none is, or two values compete."""
        found = self.find(text, prefer_last=prefer_last, keep=keep)
        return found[0] if found else None


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


_DONT_KNOW = AnyCase(r"^\s*(?:i|we)\s+(?:don'?t|do not)\s+know\b|^\s*not sure\b")


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
    text = " ".join(text.split())  # whitespace runs as one space, none at the ends
    previous = None
    while previous != text:
        previous = text
        text = _FILLER.sub("", text).strip()
    return text.rstrip(" .!,;:")


def is_trivial(text: str) -> bool:
    return bool(_TRIVIAL.match(clean_text(text)))


def only_me(text: str) -> bool:
    """ "Just me", "nobody else": the buyer alone, an answer made only of small words."""
    return bool(_ME.match(text) or _NOBODY.match(text))


def parse_list(text: str) -> list[str]:
    """'me, our CFO and the IT lead' -> ['me', 'CFO', 'IT lead']; 'nobody else' -> ['me']."""
    text = clean_text(text)
    if not text:
        return []
    if only_me(text):
        return ["me"]
    items: list[str] = []
    nobody = False
    for part in _LIST_SPLIT.split(_QUOTES.sub("", text)):
        part = part.strip(" .!?-–—:")
        previous = None
        while previous != part:
            previous = part
            part = _TRAILING.sub("", _DETERMINERS.sub("", _LEAD_IN.sub("", part))).strip()
        if not part or _TRIVIAL.match(part):
            continue
        if _NOBODY.match(part):
            nobody = True
            continue
        if _ME.match(part):
            part = "me"
        if len(part.split()) > 6:
            part = " ".join(part.split()[:6])
        if part.lower() not in (i.lower() for i in items):
            items.append(part)
        if len(items) >= 12:
            break
    return items or (["me"] if nobody else [])
