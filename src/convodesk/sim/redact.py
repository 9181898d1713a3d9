"""Redaction of stored transcripts: contact data never reaches disk, the live payload keeps it.

What is masked: every email address, phone number, LinkedIn profile URL and Skype handle in
any line; names the buyer introduces themselves with ("I'm Bob Smith", "my name is ...",
"this is Bob from ..."), wherever they appear afterwards (only the buyer's lines introduce a
name: the bot's "Hi, I'm Ava, Acme's AI assistant" is the product speaking, not personal data); the values of slots of type email or
phone and of slots marked `pii: true`; the persona profile's name and email. Company names are
firmographics and are kept. What is kept, so the right to erasure still works on a redacted
file: a one-way fingerprint of every email address involved (`subjects`), see
`email_fingerprint`.

Numbers are masked as phones only when nothing says they are something else: an amount
("budget 1 200 000 EUR") or a reference ("order 12345678") is kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from convodesk.runtime.model import Flow
from convodesk.runtime.understanding import find_emails, find_phones

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
LINKEDIN_MASK = "[linkedin]"
SKYPE_MASK = "[skype]"
PII_MASK = "[redacted]"
FINGERPRINT_PREFIX = "convodesk-erase-v1:"
_CONTACT_TYPES = ("email", "phone")


def normalise_email(address: str) -> str:
    return address.strip().lower()


def email_fingerprint(address: str) -> str:
    """Unsalted SHA-256 of the normalised address, with a fixed prefix.

    Unsalted on purpose: transcripts stay byte-stable across machines (snapshot tests diff
    them) and `convodesk forget` needs no key to find a person. The price: someone who
    already knows an address can confirm it appears; nobody can read addresses back out.
    """
    digest = hashlib.sha256((FINGERPRINT_PREFIX + normalise_email(address)).encode()).hexdigest()
    return f"sha256:{digest}"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- profile URLs and messenger handles -------------------------------------------------

_URL_END = r"[^\s<>\"'()\[\]{}]*[^\s<>\"'()\[\]{}.,;:!?]"
_LINKEDIN = re.compile(
    r"(?:https?://)?(?:[\w-]+\.)?linkedin\.com/(?:in|pub|profile)/"
    + _URL_END
    + r"|(?:https?://)?lnkd\.in/"
    + _URL_END,
    re.I,
)
_HANDLE = r"(?P<handle>live:[\w.-]*\w|[A-Za-z][\w.-]{4,30}\w)"
# (lead-in, handle must look like one): after "skype:" anything handle-shaped is a handle;
# after a loose "skype me at" only something no word looks like ("bob.smith", "bob_1")
_SKYPE = [
    (re.compile(r"\bskype\s*:\s*(?://)?" + _HANDLE, re.I), False),
    (
        re.compile(
            r"\bskype\s+(?:id|name|handle|user\s?name)\s*(?:is\s+|[:=]\s*)?" + _HANDLE, re.I
        ),
        False,
    ),
    (re.compile(r"\b(?:my|our)\s+skype\s+(?:is\s+)?" + _HANDLE, re.I), False),
    (re.compile(r"\bskype\s+as\s+" + _HANDLE, re.I), False),
    (re.compile(r"\bskype\s+(?:me\s+)?(?:at|on|@)\s*" + _HANDLE, re.I), True),
]
_NOT_HANDLES = _words(
    "broken offline online working blocked disabled deactivated different always usually "
    "currently probably better easier faster preferred fine"
)


def skype_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern, strict in _SKYPE:
        for match in pattern.finditer(text):
            handle = match.group("handle")
            if handle.lower() in _NOT_HANDLES:
                continue
            if strict and not re.search(r"[\d._-]|^live:", handle, re.I):
                continue
            spans.append(match.span("handle"))
    return spans


def phone_spans(text: str) -> list[tuple[int, int]]:
    """Where phone numbers are in `text` (amounts and reference numbers are not phones)."""
    return [(s.start, s.end) for s in find_phones(text)]


# --- names the buyer introduces themselves with ----------------------------------------

# "my name is" is unambiguous: the next words are a name, whatever their case
_NAME_IS = re.compile(r"\b(?:my\s+name\s+is|my\s+name['’]s|the\s+name['’]s)\s+", re.I)
# looser lead-ins: only capitalised words count as a name after them
_INTRO = re.compile(
    r"(?:\bi\s+am|\bi['’]m|\bcall\s+me|(?:^|(?<=[\n,.;!?]))\s*(?:full\s+)?name\s*:)\s+", re.I
)
# "this is Bob" is a name only when said the way a caller says it: "this is Bob from Acme"
_CALLER = re.compile(r"\b(?:this\s+is|it\s+is|it['’]s)\s+", re.I)
_CALLER_END = re.compile(r",?\s+(?:from|at|with|here|speaking|calling|over\s+at)\b", re.I)
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_PARTICLES = _words("van von de der den da di du la le del della dos das bin ibn al el ter ten")
_MAX_NAME_WORDS = 4
_NOT_NAMES = _words(
    # words that follow "I'm"/"this is" capitalised but are not names: roles, states, days
    """a an the and or but so not no yes also just still only really very here there back new
    in at from with on for of to by as if is was am are be been
    ok okay sure fine good great glad happy sorry afraid ready able unable aware unsure busy
    interested curious looking trying hoping wondering asking calling writing reaching
    evaluating comparing researching considering planning thinking going getting using working
    based located responsible part one leading running managing heading currently new
    head director manager lead founder cofounder co-founder owner chief president partner
    principal senior junior engineer developer designer consultant analyst architect admin
    student intern assistant officer executive specialist coordinator buyer customer
    sales marketing operations ops finance procurement purchasing product engineering it hr
    monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight
    january february march april may june july august september october november december
    hi hello hey thanks thank please dear team everyone all"""
)


def _words_at(text: str, pos: int) -> list[tuple[str, int, int]]:
    """Up to `_MAX_NAME_WORDS` words from `pos`, separated by single spaces only."""
    out: list[tuple[str, int, int]] = []
    while len(out) < _MAX_NAME_WORDS:
        match = _TOKEN.match(text, pos)
        if match is None:
            break
        out.append((match.group(0), match.start(), match.end()))
        if text[match.end() : match.end() + 1] != " ":
            break
        pos = match.end() + 1
    return out


def _capitalised(word: str) -> bool:
    return word[0].isupper() and not (len(word) > 1 and word.isupper())


def _surname_follows(words: list[tuple[str, int, int]]) -> bool:
    rest = [w for w, _, _ in words]
    while rest and rest[0].lower() in _PARTICLES:
        rest.pop(0)
    return bool(rest) and _capitalised(rest[0])


def _name_end(words: list[tuple[str, int, int]], *, any_case: bool) -> int | None:
    """The end of the name at the start of `words`, or None when they do not start one."""
    end = None
    for i, (word, _, stop) in enumerate(words):
        low = word.lower()
        if low in _PARTICLES and end is not None and _surname_follows(words[i + 1 :]):
            continue  # "Anna van der Berg"
        if low in _NOT_NAMES or not (any_case or _capitalised(word)):
            break
        end = stop
    return end


def name_spans(text: str) -> list[tuple[int, int]]:
    """Where the buyer says their own name: after "my name is", "I'm", "call me", "Name:",
    or "this is ... from/at/here"."""
    spans: list[tuple[int, int]] = []
    for pattern, any_case, caller in (
        (_NAME_IS, True, False),
        (_INTRO, False, False),
        (_CALLER, False, True),
    ):
        for lead in pattern.finditer(text):
            words = _words_at(text, lead.end())
            end = _name_end(words, any_case=any_case)
            if end is None or (caller and not _CALLER_END.match(text, end)):
                continue
            spans.append((lead.end(), end))
    return spans


def names_in(texts: Iterable[str]) -> list[str]:
    """Every name introduced in these lines, whole and by its parts ("Bob Smith", "Bob",
    "Smith"), so a later "thanks, Bob" is masked too."""
    found: dict[str, None] = {}
    for text in texts:
        for start, end in name_spans(text):
            name = text[start:end]
            found.setdefault(name, None)
            for part in _TOKEN.findall(name):
                if part.lower() not in _PARTICLES:
                    found.setdefault(part, None)
    return list(found)


# --- the redactor -----------------------------------------------------------------------


def _replace(text: str, spans: Iterable[tuple[int, int]], mask: str) -> str:
    """Each span (overlapping ones merged) replaced by one `mask`."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    for start, end in reversed(merged):
        text = text[:start] + mask + text[end:]
    return text


def _alternation(words: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
    """Any of `words` as a whole word, longest first; None when there are none."""
    ordered = sorted({w.strip() for w in words if w and len(w.strip()) >= 3}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in ordered), flags)


def _capitalise(name: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in name.split(" "))


class Redactor:
    """Masks one conversation's personal data; built from the flow, the literal values known
    to be personal (`known`, see `personal_values`) and the buyer's lines (`said`), from which
    it learns the names the buyer introduced themselves with.

    `text` masks any line (bot lines, explanations): contact data, learnt names, known values.
    `buyer` also reads the line for a self-introduction ("I'm Bob"); only buyer lines get it,
    so the bot introducing itself never masks its own name.
    """

    def __init__(self, flow: Flow, known: Iterable[str] = (), said: Iterable[str] = ()) -> None:
        self.flow = flow
        self._known = _alternation(known, re.I)
        # a learnt name is matched capitalised only, never in any case: a buyer who says
        # "my name is will" must not turn every "will" of the conversation into a placeholder
        self._names = _alternation(map(_capitalise, names_in(said)))

    def buyer(self, value: str) -> str:
        """A line the buyer typed: `text`, and a name they introduce in it is masked too."""
        return self.text(_replace(value, name_spans(value), PII_MASK))

    def text(self, value: str) -> str:
        """Contact data, names the buyer introduced and known personal values, replaced by
        placeholders, in any text."""
        value = _replace(value, [(s.start, s.end) for s in find_emails(value)], EMAIL_MASK)
        value = _replace(value, [m.span() for m in _LINKEDIN.finditer(value)], LINKEDIN_MASK)
        value = _replace(value, skype_spans(value), SKYPE_MASK)
        value = _replace(value, phone_spans(value), PHONE_MASK)
        for pattern in (self._names, self._known):
            if pattern is not None:
                value = pattern.sub(PII_MASK, value)
        return value

    def value(self, value: Any) -> Any:
        """Any JSON-like value, with every string in it masked."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def slot(self, name: str, value: Any) -> Any:
        """Contact and `pii: true` slots are masked whole; other slots only where text matches."""
        slot = self.flow.slots.get(name)
        if slot is not None and (slot.pii or slot.type in _CONTACT_TYPES):
            return {"email": EMAIL_MASK, "phone": PHONE_MASK}.get(slot.type, PII_MASK)
        return self.value(value)


def personal_values(flow: Flow, slots: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    """The literal strings to hunt for in any letter case: pii slot values and the profile's
    name and email."""
    out: list[str] = []
    for name, value in slots.items():
        slot = flow.slots.get(name)
        if slot is not None and (slot.pii or slot.type in _CONTACT_TYPES):
            out += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    for key in ("name", "email"):
        if profile.get(key):
            out.append(str(profile[key]))
    full = str(profile.get("name") or "")
    out += [part for part in full.split() if len(part) >= 3]
    return out


def emails_in(values: Iterable[Any]) -> list[str]:
    """Every distinct email address inside these (nested) values, normalised, in first-seen order."""
    found: dict[str, None] = {}

    def walk(value: Any) -> None:
        if isinstance(value, str):
            for span in find_emails(value):
                found.setdefault(normalise_email(span.value), None)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for value in values:
        walk(value)
    return list(found)
