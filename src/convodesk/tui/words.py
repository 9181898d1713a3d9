"""Counted nouns for the studio's status lines: "1 error", "2 errors", never "1 error(s)"."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
