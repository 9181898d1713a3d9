"""The buyer's own words for a text or list slot, without the rest of the message.

Buyers answer one question and add three more facts ("The problem is X. I'm the Director of Ops.
We're a healthcare provider. Our HQ is in Texas."). The other facts already fill their own
slots, so the answer keeps only what they did not use: chatty sentences ("Good question.") go,
sentences that other slots consumed go, and lead-ins ("The problem is", "Right now it's") are
trimmed so the CRM shows "X". Contact data is never an answer to a text question, and neither
is a message that is only another slot's answer ("Hi, we are 400 people" to "What brings you
here?"): what is left once those words and the framing around them go is too little.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate

from .anycase import AnyCase
from .choices import clean_text, is_trivial, only_me

Span = tuple[int, int]

_SENTENCE_GAP = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE_GAP = re.compile(r",\s+|;\s+|\s+[-–—]+\s+|\s*--\s*")
_CONTENT = re.compile(r"[^\W_][\w'’-]*")
# Words that carry no fact of their own: "We're a logistics company" is all industry.
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "and",
        "or",
        "but",
        "so",
        "as",
        "by",
        "from",
        "about",
        "around",
        "roughly",
        "approximately",
        "nearly",
        "some",
        "just",
        "also",
        "too",
        "very",
        "really",
        "we",
        "we're",
        "were",
        "are",
        "is",
        "am",
        "was",
        "be",
        "been",
        "being",
        "i",
        "i'm",
        "im",
        "our",
        "ours",
        "us",
        "my",
        "me",
        "you",
        "your",
        "it",
        "it's",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "have",
        "has",
        "had",
        "got",
        "do",
        "does",
        "did",
        "currently",
        "right",
        "now",
        "today",
        "based",
        "located",
        "headquartered",
        "want",
        "need",
        "like",
        "would",
        "i'd",
        "we'd",
        "something",
        "place",
        "set",
        "aside",
        "hq",
        "all",
        "any",
        "one",
        "thing",
        "things",
    ]
)
_CONSUMED_SHARE = 0.5
# Words that frame a fact without being one: greetings and courtesy, auxiliaries, verbs that
# introduce a statement, and nouns that only say "an organisation". What is left of a message
# once other slots took their words and these go is what the buyer said about this question;
# "Hi, we are 400 people" leaves nothing, "we waste 10 hours a week on reports" leaves plenty.
_FRAMING = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "hiya",
        "howdy",
        "greetings",
        "morning",
        "afternoon",
        "evening",
        "thanks",
        "thank",
        "cheers",
        "please",
        "ok",
        "okay",
        "yes",
        "yeah",
        "yep",
        "sure",
        "well",
        "actually",
        "anyway",
        "basically",
        "honestly",
        "can",
        "could",
        "will",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "we've",
        "we'll",
        "i've",
        "i'll",
        "they",
        "they're",
        "their",
        "that's",
        "there's",
        "let",
        "let's",
        "looking",
        "planning",
        "hoping",
        "aiming",
        "going",
        "get",
        "getting",
        "use",
        "using",
        "run",
        "running",
        "work",
        "working",
        "call",
        "called",
        "name",
        "named",
        "company",
        "companies",
        "business",
        "firm",
        "organisation",
        "organization",
        "org",
        "team",
        "provider",
        "group",
        "size",
        "total",
        "overall",
        "altogether",
    ]
)
_GENERIC_LEAD = re.compile(
    r"^(?:(?:good|great|fair) question|sure(?: thing)?|happy to (?:share|help)|of course|thanks|"
    r"ok(?:ay)?|well|so|honestly|to be honest|frankly|basically|mostly|mainly|primarily|largely|"
    r"yeah|yes|um+|uh+)\b[\s,.!:;-]*"
    r"|^(?:right now|currently|at the moment|today|these days|for now|now|at present)\b[\s,]*"
    r"(?:(?:it'?s|it is|we(?:'re| are) (?:using|on)|we use|we have|we rely on)\b[\s,:]*)?"
    r"|^(?:the|our) (?:main |biggest |real |core |key )?(?:problem|issue|challenge|pain(?: point)?|"
    r"struggle)(?: we have| we face| right now)? is(?: that)?\b[\s,:]*",
    re.I,
)
_TRAILING = AnyCase(
    r"[\s,;-]+(?:honestly|to be honest|tbh|really|basically|i guess|i think|mostly|for now|"
    r"at the moment|right now|today|these days|nowadays)\W*$"
)


@lru_cache(maxsize=256)
def _cue_lead(cues: tuple[str, ...]) -> re.Pattern[str] | None:
    """The slot's own cue at the start of an answer, after an optional subject and adverb.

    Only framing cues go ("the problem is", "we're using", "tired of"); a cue that ends in "to"
    or "a" starts the buyer's own sentence ("we need to fix scheduling") and stays.
    """
    cues = tuple(c for c in cues if c.split() and c.split()[-1].lower() not in ("to", "a", "an"))
    if not cues:
        return None
    body = "|".join(
        re.escape(c.lower()).replace(r"\ ", r"\s+") for c in sorted(cues, key=len, reverse=True)
    )
    return re.compile(
        r"^(?:(?:we|i|our team|the team)(?:'re|'m| are| am| is)?\s+)?"
        r"(?:(?:currently|still|mostly|mainly|really|just|also)\s+)?"
        rf"(?:{body})(?![\w])[\s,:-]*",
        re.I,
    )


def strip_lead_ins(text: str, cues: Sequence[str] = ()) -> str:
    """'The problem is X' -> 'X'; 'Right now it's X' -> 'X'; 'Mostly X, honestly' -> 'X'."""
    own = _cue_lead(tuple(cues))
    previous = None
    while previous != text:
        previous = text
        for pattern in (_GENERIC_LEAD, own):
            if pattern is None:
                continue
            trimmed = pattern.sub("", text, count=1)
            if trimmed.strip():
                text = trimmed
        trimmed = _TRAILING.sub("", text)
        if trimmed.strip():
            text = trimmed
    return text.strip()


# The words that hand over a contact detail are no answer either: "my email is", "reach me at",
# and between two details ", not" or "or".
_CONTACT_LEAD = re.compile(
    r"(?:\b(?:my|our|the)\s+)?(?:\b(?:work|business|best|direct|personal|new|correct|right)\s+)?"
    r"\b(?:e-?mail(?:\s+address)?|address|phone(?:\s+number)?|number|cell|mobile|contact)\s*"
    r"(?:is|'s|:)?\s*(?:actually\s+|now\s+)?$"
    r"|\b(?:reach|email|e-mail|contact|call|text|ring)\s+(?:me|us)\s+(?:at|on|via)\s*$"
    r"|\b(?:it'?s|it\s+is)\s+(?:actually\s+)?$",
    re.I,
)
_CONTACT_JOIN = re.compile(r"^[\s,;]*(?:,|not|or|instead\s+of|rather\s+than)?[\s,;]*$", re.I)


def _mask_contact(said: str, contact: Sequence[Span]) -> str:
    """`said` with contact details, their lead-ins and what joins two of them as spaces."""
    masked = said
    previous_end: int | None = None
    for s, e in sorted(contact):
        start = s
        if previous_end is not None and _CONTACT_JOIN.match(said[previous_end:s]):
            start = previous_end
        else:
            lead = _CONTACT_LEAD.search(said, max(0, s - 60), s)
            if lead:
                start = lead.start()
        masked = masked[:start] + " " * (e - start) + masked[e:]
        previous_end = e
    return masked


def _parts(text: str, gap: re.Pattern[str], start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    at = start
    for match in gap.finditer(text, start, end):
        if match.start() > at:
            spans.append((at, match.start()))
        at = match.end()
    if at < end:
        spans.append((at, end))
    return spans


class _Used:
    """The characters other slots used, as prefix counts: any span is checked in O(1)."""

    def __init__(self, size: int, spans: Sequence[Span]) -> None:
        marks = bytearray(size + 1)
        for start, end in spans:
            marks[max(0, start) : max(0, min(end, size))] = b"\x01" * max(
                0, min(end, size) - max(0, start)
            )
        self.prefix = list(accumulate(marks, initial=0))

    def __call__(self, span: Span) -> bool:
        start, end = span
        return self.prefix[end] > self.prefix[start]


def _consumed_share(text: str, span: Span, used: _Used) -> float:
    """How much of a sentence's content other slots used (1.0 when it has no content at all)."""
    words = [
        m for m in _CONTENT.finditer(text, *span) if m.group(0).lower().strip("'’") not in _STOP
    ]
    if not words:
        return 1.0
    taken = sum(1 for m in words if used((m.start(), m.end())))
    return taken / len(words)


def _says_something(text: str, spans: Sequence[Span], used: _Used) -> bool:
    """Whether `spans` hold a word of their own: not another slot's, not framing or filler."""
    for start, end in spans:
        for m in _CONTENT.finditer(text, start, end):
            word = m.group(0).lower().strip("'’")
            if word in _STOP or word in _FRAMING or used((m.start(), m.end())):
                continue
            if not is_trivial(word):
                return True
    return False


def _join(text: str, spans: Sequence[Span], sep: str = " ") -> str:
    return sep.join(text[s:e].strip() for s, e in spans)


def answer_text(
    said: str,
    used: Sequence[Span],
    cues: Sequence[str] = (),
    contact: Sequence[Span] = (),
    *,
    content: bool = True,
    kin: Sequence[Span] = (),
) -> str:
    """The part of `said` that answers the text question, or "" when nothing does.

    `used` are the spans other slots' values came from, `contact` the emails and phone numbers.
    A message with no word of its own once `used` and framing words go answers nothing ("Hi,
    we are 400 people" to "What brings you here?"); `kin` are the used spans of slots that
    read the same words as this one (they share a cue: a role and its seniority), which count
    as this slot's own words there. With `content`, an answer of only small words ("it's",
    "we do") is no answer; lists keep the buyer alone ("just me").
    The first real sentence is dropped only when other facts are more than half of it (it is
    usually the answer); later sentences go as soon as they state another fact. When every
    sentence went, clauses get the same test, and when nothing is left the whole message is the
    answer, if it says something of its own ("We're 400 people and it's chaos").
    """
    masked = _mask_contact(said, contact)
    taken = _Used(len(masked), used)
    sentences = [
        span
        for span in _parts(masked, _SENTENCE_GAP, 0, len(masked))
        if not is_trivial(masked[span[0] : span[1]])
    ]
    kept = [
        span
        for i, span in enumerate(sentences)
        if (_consumed_share(masked, span, taken) <= _CONSUMED_SHARE if i == 0 else not taken(span))
    ]
    sep = " "
    if not kept:
        clauses = [c for s, e in sentences for c in _parts(masked, _CLAUSE_GAP, s, e)]
        kept = [c for c in clauses if not taken(c) and not is_trivial(masked[c[0] : c[1]])]
        kept, sep = (kept, ", ") if kept else (sentences, " ")
    # "Hi, we are 400 people" is all company size: with nothing of its own it answers nothing,
    # so the question stays open instead of holding another slot's words.
    related = set(kin)
    others = _Used(len(masked), [s for s in used if s not in related]) if related else taken
    answer = clean_text(_join(masked, kept, sep))
    if not _says_something(masked, kept, others) and (content or not only_me(answer)):
        return ""
    text = clean_text(strip_lead_ins(answer, cues))
    if content and not any(m.group(0).lower() not in _STOP for m in _CONTENT.finditer(text)):
        return ""
    return text
