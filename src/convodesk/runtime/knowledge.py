"""Approved answers: match a buyer's question to a knowledge entry, or admit not knowing.

A wrong answer costs more than "I don't know": entries match only on their own patterns, with
a confidence score, and below the threshold the bot says so instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .model import Flow, KnowledgeEntry

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")
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


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    return tuple(_stem(w) for w in _WORD.findall(text.lower()))


@dataclass(frozen=True)
class Match:
    entry: KnowledgeEntry
    confidence: float
    pattern: str


def _contains_run(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    first = needle[0]
    return any(
        word == first and haystack[i : i + size] == needle for i, word in enumerate(haystack[: len(haystack) - size + 1])
    )


@dataclass(frozen=True)
class _Pattern:
    text: str
    words: tuple[str, ...]
    content: tuple[str, ...]


def _compile(text: str) -> _Pattern:
    words = tokens(text)
    return _Pattern(text, words, tuple(w for w in words if w not in STOPWORDS))


def _confidence(question: tuple[str, ...], present: frozenset[str], pattern: _Pattern) -> float:
    if not pattern.words or not question:
        return 0.0
    if _contains_run(question, pattern.words):
        return 1.0
    content = pattern.content
    if len(content) < 2:
        return 0.0  # one meaningful word: only the exact phrase counts ("support hours" != "hour")
    hits = sum(1 for w in content if w in present)
    if hits == len(content):
        return 0.85
    return round(0.7 * hits / len(content), 3)


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
        asked = tokens(question[:2000])
        present = frozenset(asked)
        best: Match | None = None
        for entry, patterns in self.entries:
            threshold = entry.min_confidence if entry.min_confidence is not None else self.threshold
            for pattern in patterns:
                if pattern.content and not any(w in present for w in pattern.content):
                    continue
                score = _confidence(asked, present, pattern)
                if score >= threshold and (best is None or score > best.confidence):
                    best = Match(entry, score, pattern.text)
        return best
