"""Reading a message the way a person would, whatever it is written in.

Attackers spell "ignore" as "1gn0re", "i.g.n.o.r.e", "ｉｇｎｏｒｅ" or with Cyrillic look-alikes
and invisible characters, so every rule reads a folded copy: lowercase plain latin, leetspeak
undone and spelt-out words joined, with a map back to the original offsets (blanking happens on
the original text). ASCII text folds to the same length and needs no map.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_CONFUSABLE = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
        "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "ո": "n", "ı": "i", "ℓ": "l", "ο": "o",
        "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "υ": "u", "ρ": "p",
    }
)  # fmt: skip
_DIGIT_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"}
_SYMBOL_LEET = {"@": "a", "$": "s", "!": "i", "|": "l"}
_LEET_HINT = re.compile(r"[a-z][0-9@$!|]|[0-9@$!|][a-z]")
# Single letters with the same separator between them: "i.g.n.o.r.e", "a.s", "i g n o r e"
# (with spaces, three letters at least: "a b" is two words).
_SPACED = re.compile(
    r"(?<![^\W_])(?<!['’])(?:[^\W_](?: [^\W_](?![^\W_])){2,}"
    r"|[^\W_]([.\-_*|/+'`~,:·•])[^\W_](?![^\W_])(?:\1[^\W_](?![^\W_]))*)"
)
_MAGNITUDE = re.compile(r"\$?\d+(?:[.,]\d+)?[kmb]", re.I)  # "5k", "$2M": amounts, not leetspeak
_MARKUP = str.maketrans({"_": " ", "*": " ", "~": " ", "`": " ", "\u00a0": " "})


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character as plain lowercase latin: "ｉ" -> "i", "é" -> "e", "Ⅰ" -> "i", ZWSP -> ""."""
    if unicodedata.category(ch) in ("Cf", "Mn", "Me"):
        return ""
    ch = ch.translate(_CONFUSABLE)
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return (base or ch).lower().translate(_CONFUSABLE)


@dataclass(frozen=True)
class _Folded:
    """The message as a reader sees it, with a map back to the original offsets."""

    text: str
    index: list[int] | None  # folded offset -> original offset; None when they are the same
    spaced: tuple[tuple[int, str], ...]  # (offset, letters) of words spelt out letter by letter

    def origin(self, at: int) -> int:
        if self.index is None:
            return at
        return self.index[at] if at < len(self.index) else (self.index[-1] + 1 if self.index else 0)


def _unleet(token: re.Match[str]) -> str:
    """'1gn0re' -> 'ignore', '4r3' -> 'are', 'm3' -> 'me'; '5k', '$2M', 'Q3 2026', '24/7' stay."""
    word = token.group(0)
    letters = sum(c.isalpha() for c in word)
    leet = sum(c in _DIGIT_LEET for c in word)
    if not letters or (letters < 2 and leet < 2 and len(word) > 2) or _MAGNITUDE.fullmatch(word):
        return word
    for _ in range(3):  # a mapped digit is a letter for its neighbours: "34rl13r" -> "earlier"
        out = []
        for i, c in enumerate(word):
            left = word[i - 1].isalpha() if i else False
            right = word[i + 1].isalpha() if i + 1 < len(word) else False
            if c in _DIGIT_LEET and (left or right):
                out.append(_DIGIT_LEET[c])
            elif c in _SYMBOL_LEET and right and (left or i == 0):
                out.append(_SYMBOL_LEET[c])
            else:
                out.append(c)
        mapped = "".join(out)
        if mapped == word:
            break
        word = mapped
    return word


def _fold(text: str) -> _Folded:
    """Lowercase, plain letters, leetspeak undone, spelt-out words joined (lengths kept)."""
    index: list[int] | None = None
    if text.isascii():
        folded = text.lower()
    else:
        chars: list[str] = []
        index = []
        for i, ch in enumerate(text):
            for c in _fold_char(ch) if not ch.isascii() else ch.lower():
                chars.append(c)
                index.append(i)
        folded = "".join(chars)
    spaced: list[tuple[int, str]] = []

    def join(match: re.Match[str]) -> str:
        spaced.append((match.start(), "".join(c for c in match.group(0) if c.isalnum())))
        return _joined(match)

    folded = _SPACED.sub(join, folded)  # "1 g n o r e" -> "1gnore", before leetspeak is undone
    if _LEET_HINT.search(folded):
        folded = re.sub(r"\S+", _unleet, folded)
        spaced = [(at, re.sub(r"\S+", _unleet, word)) for at, word in spaced]
    return _Folded(folded.translate(_MARKUP), index, tuple(spaced))


def _joined(match: re.Match[str]) -> str:
    """ "i.g.n.o.r.e" -> "ignore" and spaces after it: the letters joined, the length kept."""
    letters = "".join(c for c in match.group(0) if c.isalnum())
    return letters + " " * (len(match.group(0)) - len(letters))
