"""A cheap test before a costly scan: a word that every match of a phrase contains.

A regex of many phrases, matched regardless of case, costs the regex engine work at every word
of a message, and most messages hold none of the phrases. Every match of a phrase contains each
of its words, so a message holding not one phrase's longest word cannot match and needs no
scan. The test is exact only where matching regardless of case is lowercasing: it applies to
ASCII phrases in ASCII text, and any other text is always scanned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_DIGIT = re.compile(r"\d")


def has_digit(text: str) -> bool:
    """For patterns that need a digit (amounts, counts, phone numbers): most answers have none."""
    return _DIGIT.search(text) is not None


def _never(phrase: str) -> bool:
    return False


class Keywords:
    """The words to look for before scanning a message for any of `phrases`."""

    def __init__(self, phrases: Iterable[str], cased: Callable[[str], bool] = _never) -> None:
        """`cased(phrase)` tells a phrase that matches only in its own case ("US")."""
        self.usable = True
        lower: set[str] = set()
        exact: set[str] = set()
        for phrase in phrases:
            words = phrase.split()
            if not words or not phrase.isascii():  # a blank phrase matches anywhere
                self.usable = False
                continue
            word = max(reversed(words), key=len)  # of equals, the last: "my cv" -> "cv"
            if cased(phrase):
                exact.add(word)
            else:
                lower.add(word.lower())
        self.lower = _fewest(lower)
        self.exact = _fewest(exact)

    def may_match(self, text: str) -> bool:
        """False only when no phrase can occur in `text`."""
        if not self.usable or not text.isascii():
            return True
        lowered = text.lower()
        return any(map(lowered.__contains__, self.lower)) or any(map(text.__contains__, self.exact))


def _fewest(words: set[str]) -> tuple[str, ...]:
    """The words without those that contain another: where "director" is, "direct" is too."""
    kept: list[str] = []
    for word in sorted(words, key=len):
        if not any(shorter in word for shorter in kept):
            kept.append(word)
    return tuple(kept)
