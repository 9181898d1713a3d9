"""Approved answers: match a buyer's question to a knowledge entry, or admit not knowing.

A wrong answer costs more than "I don't know": entries match only on their own patterns, with
a confidence score, and below the threshold the bot says so instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .model import Flow, KnowledgeEntry
from .understanding.anycase import AnyCase
from .understanding.signals import is_question

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")
# Where a compound question starts its next question: "..., and do you have an API?"
_NEXT_QUESTION = AnyCase(
    r"\s*(?:,\s*)?\b(?:and|also|plus|or|but)\s+(?=(?:do|does|did|is|are|was|were|can|could|will|"
    r"would|should|have|has|how|what|which|who|when|where|why)\b)|\s*;\s*"
)
MIN_PART_WORDS = 3
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "do",
        "does",
        "did",
        "you",
        "your",
        "yours",
        "we",
        "our",
        "is",
        "are",
        "was",
        "be",
        "can",
        "could",
        "will",
        "would",
        "should",
        "i",
        "me",
        "my",
        "it",
        "its",
        "of",
        "to",
        "for",
        "in",
        "on",
        "at",
        "with",
        "and",
        "or",
        "any",
        "there",
        "this",
        "that",
        "have",
        "has",
        "how",
        "what",
        "which",
        "who",
        "when",
        "where",
        "why",
        "about",
        "support",
        "offer",
        "provide",
    ]
)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# A determiner in a pattern stands for any: "your price" is asked as "the price" or "its price".
_DETERMINER = {"your": "the", "its": "the"}
# Phrases in which a word some entry matches on its own means something else: "trial and error"
# is no free trial, "your mobile number" is a phone, not the mobile app. Their words match no
# pattern (a flow's own patterns cannot say "trial, but not in 'trial and error'").
IDIOMS: tuple[tuple[str, ...], ...] = (
    ("trial", "and", "error"),
    ("clinical", "trial"),
    ("trial", "balance"),
    ("mobile", "number"),
    ("mobile", "phone"),
    ("mobile", "no"),
    ("mobile", "line"),
)


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    words = (_stem(w) for w in _WORD.findall(text.lower()))
    return tuple(_DETERMINER.get(w, w) for w in words)


def _without_idioms(words: tuple[str, ...]) -> tuple[str, ...]:
    """`words` with every idiom's words blanked (positions kept, so hits still point home)."""
    if not any(idiom[0] in words for idiom in IDIOMS):
        return words
    out = list(words)
    for idiom in IDIOMS:
        size = len(idiom)
        for i in range(len(words) - size + 1):
            if words[i : i + size] == idiom:
                out[i : i + size] = [""] * size
    return tuple(out)


@dataclass(frozen=True)
class Match:
    entry: KnowledgeEntry
    confidence: float
    pattern: str
    hits: tuple[int, ...] = ()  # positions (word index) in the question of the words that matched

    @property
    def position(self) -> int:
        return self.hits[0] if self.hits else 0


@dataclass(frozen=True)
class Reply:
    """What the knowledge base can say to one question: every entry it matches, each once, in
    the order the buyer asked, and the parts of a compound question nothing answers."""

    question: str
    matches: tuple[Match, ...]
    unanswered: tuple[str, ...]


def _find_run(haystack: tuple[str, ...], needle: tuple[str, ...]) -> int:
    """Where `needle` first appears in `haystack` as consecutive words, or -1."""
    size = len(needle)
    first = needle[0]
    for i, word in enumerate(haystack[: len(haystack) - size + 1]):
        if word == first and haystack[i : i + size] == needle:
            return i
    return -1


@dataclass(frozen=True)
class _Pattern:
    text: str
    words: tuple[str, ...]
    content: tuple[str, ...]


def _compile(text: str) -> _Pattern:
    words = tokens(text)
    return _Pattern(text, words, tuple(w for w in words if w not in STOPWORDS))


def _locate(
    question: tuple[str, ...], present: frozenset[str], pattern: _Pattern
) -> tuple[float, tuple[int, ...]]:
    """The confidence that `question` asks `pattern`, and where its matching words are."""
    if not pattern.words or not question:
        return 0.0, ()
    start = _find_run(question, pattern.words)
    if start >= 0:
        return 1.0, tuple(range(start, start + len(pattern.words)))
    content = pattern.content
    if len(content) < 2:
        return (
            0.0,
            (),
        )  # one meaningful word: only the exact phrase counts ("support hours" != "hour")
    found = sorted(question.index(w) for w in content if w in present)
    if len(found) == len(content):
        return 0.85, tuple(found)
    return round(0.7 * len(found) / len(content), 3), tuple(found)


def _confidence(question: tuple[str, ...], present: frozenset[str], pattern: _Pattern) -> float:
    return _locate(question, present, pattern)[0]


def split_question(question: str) -> list[tuple[int, int]]:
    """The character spans of a compound question's questions.

    "Is it GDPR compliant and do you have an API?" is two. A split is made only where a new
    question starts (and/also/or + do/is/can/how...), and never leaves a fragment of fewer
    than MIN_PART_WORDS words (it joins its neighbour instead).
    """
    spans: list[tuple[int, int]] = []
    cut = 0
    for boundary in [*_NEXT_QUESTION.finditer(question), None]:
        end = boundary.start() if boundary else len(question)
        words = _words(question, (cut, end))
        if spans and (words < MIN_PART_WORDS or _words(question, spans[-1]) < MIN_PART_WORDS):
            spans[-1] = (spans[-1][0], end)
        elif words:
            spans.append((cut, end))
        cut = boundary.end() if boundary else end
    return spans or [(0, len(question))]


def _words(text: str, span: tuple[int, int]) -> int:
    return len(_WORD.findall(text[span[0] : span[1]].lower()))


def pattern_confidence(question: tuple[str, ...], pattern: tuple[str, ...]) -> float:
    """1.0 for the phrase verbatim, 0.85 for all its content words in any order, partial after.

    Stopwords never earn credit, so a pattern with a single meaningful word must appear as
    written: "support hours" does not match "waiting for over an hour".
    """
    content = tuple(w for w in pattern if w not in STOPWORDS)
    return _confidence(question, frozenset(question), _Pattern(" ".join(pattern), pattern, content))


class KnowledgeBase:
    def __init__(self, flow: Flow) -> None:
        self.threshold = flow.knowledge_threshold
        self.entries = [(entry, [_compile(p) for p in entry.patterns]) for entry in flow.knowledge]

    def best(self, question: str) -> Match | None:
        """The best entry above its threshold, else None (the bot must say it does not know)."""
        found = self.matches(question)
        return max(found, key=lambda m: m.confidence) if found else None

    def matches(self, question: str) -> list[Match]:
        """Every entry above its threshold (its best pattern), in the order the question asks.

        "Is it GDPR compliant and do you have an API?" matches gdpr, then api: a buyer who
        asked two things hears two answers, never only the one that scored higher.
        """
        asked = _without_idioms(tokens(question[:2000]))
        present = frozenset(asked)
        found: list[Match] = []
        for entry, patterns in self.entries:
            threshold = entry.min_confidence if entry.min_confidence is not None else self.threshold
            best: Match | None = None
            for pattern in patterns:
                if pattern.content and present.isdisjoint(pattern.content):
                    continue
                score, hits = _locate(asked, present, pattern)
                if score >= threshold and (best is None or score > best.confidence):
                    best = Match(entry, score, pattern.text, hits)
            if best is not None:
                found.append(best)
        found.sort(key=lambda m: m.position)  # stable: entries in file order on a tie
        return found

    def reply(self, question: str) -> Reply:
        """The answers to `question`, and what of it stays unanswered.

        A compound question whose parts are covered only in part names the uncovered parts,
        so they are recorded as outstanding instead of dropped; a question nothing answers is
        unanswered as a whole.
        """
        question = question[:2000]
        found = tuple(self.matches(question))
        if not found:
            return Reply(question, (), (question,))
        parts = split_question(question)
        if len(parts) < 2:
            return Reply(question, found, ())
        starts = [m.start() for m in _WORD.finditer(question.lower())]
        unanswered: list[str] = []
        for begin, end in parts:
            mine = {i for i, at in enumerate(starts) if begin <= at < end}
            part = question[begin:end].strip(" ,")
            if not any(hit in mine for m in found for hit in m.hits) and is_question(part):
                unanswered.append(part if part.endswith(("?", ".", "!")) else f"{part}?")
        return Reply(question, found, tuple(unanswered))
