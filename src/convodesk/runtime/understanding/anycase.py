"""Regexes matched regardless of case, run case-sensitively on lowercased ASCII text.

Ignoring case costs the regex engine a full comparison per alternative at every position it
tries; on lowercased text it skips an alternative on its first letter, which makes phrase lists
("rather not|prefer not|...") several times faster. For ASCII text and a pattern whose letters
are all lowercase, both find the same spans, so ASCII text (nearly every message) takes the
fast way and any other text the case-insensitive one.

The match is then on the lowercased text: read the caller's own text at `span()` when the
case of a group matters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .keywords import Keywords

# Escapes that name a character class or position, the same for upper and lower case letters.
_CASELESS_ESCAPES = frozenset("sSwWdDbBAZntrfv")


def lowercase_only(pattern: str) -> bool:
    """Whether `pattern` finds the same on lowercased ASCII text with and without ignoring case.

    It may not name a capital or a non-ASCII letter ("ſ" matches "s" when case is ignored),
    spell one in an escape ("\\x41") or a range ("[@-[]"), nor change flags ("(?-i:US)")."""
    i, members = 0, None  # members: where the current character class's members begin
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escaped = pattern[i + 1 : i + 2]
            if escaped.isalnum() and escaped not in _CASELESS_ESCAPES:
                return False
            i += 2
            continue
        if char.isalpha() and not (char.isascii() and char.islower()):
            return False
        if members is None:
            if char == "[":
                members = i + (2 if pattern.startswith("[^", i) else 1)
                i = members
                continue
            if pattern.startswith("(?P<", i):  # a group's name is not matched text
                i = pattern.index(">", i)
            elif pattern.startswith("(?", i) and (
                pattern[i + 2 : i + 3].isalpha() or pattern[i + 2 : i + 3] == "-"
            ):
                return False
        elif char == "]" and i > members:
            members = None
        elif char == "-" and i > members and pattern[i + 1 : i + 2] not in ("]", ""):
            low, high = pattern[i - 1], pattern[i + 1]
            if not ((low.isdigit() and high.isdigit()) or (low.islower() and high.islower())):
                return False
        i += 1
    return True


class AnyCase:
    """`re.compile(pattern, flags | re.I)`, with the fast way for ASCII text when it is exact.

    `needs` tells a text that no match can be in (one without any of its Keywords, say), which
    is then not scanned at all.
    """

    def __init__(
        self,
        pattern: str,
        flags: int = 0,
        *,
        needs: Keywords | Callable[[str], bool] | None = None,
    ) -> None:
        self.pattern = pattern
        self.regex = re.compile(pattern, flags | re.I)
        self.lowered = re.compile(pattern, flags & ~re.I) if lowercase_only(pattern) else None
        self.needs = needs.may_match if isinstance(needs, Keywords) else needs

    def _pick(self, text: str) -> tuple[re.Pattern[str], str] | None:
        if self.needs is not None and not self.needs(text):
            return None
        if self.lowered is not None and text.isascii():
            return self.lowered, text.lower()
        return self.regex, text

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        picked = self._pick(text)
        return picked[0].search(picked[1], pos) if picked else None

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        picked = self._pick(text)
        return picked[0].match(picked[1], pos) if picked else None

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match[str]]:
        picked = self._pick(text)
        return picked[0].finditer(picked[1], pos) if picked else iter(())

    def sub(self, repl: str, text: str, count: int = 0) -> str:
        """`re.sub` with `repl` taken literally; the text kept around the matches is the
        caller's own, in its own case."""
        picked = self._pick(text)
        if picked is None:
            return text
        regex, searched = picked
        if searched is text or "\\" in repl:
            return self.regex.sub(repl, text, count)
        parts, at = [], 0
        for found, match in enumerate(regex.finditer(searched)):
            if count and found >= count:
                break
            if match.start() == match.end():  # where empty matches go is re.sub's own business
                return self.regex.sub(repl, text, count)
            parts += (text[at : match.start()], repl)
            at = match.end()
        parts.append(text[at:])
        return "".join(parts)
