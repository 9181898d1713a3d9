"""Instructions aimed at the bot: every category's rules, scanned as one.

The categories (override, self-authorisation, reprogramming, markup, prompt extraction) are
one flag, prompt_injection, and blank the same way, so their rules run in combined passes over
the folded text, then over two re-readings that folding cannot settle in one go: a "1" that is
an "l" ("ru1es"), and words spelt out letter by letter with the spaces between words gone.
"""

from __future__ import annotations

import re

from . import authority, extraction, markup, override, reprogram
from .fold import _Folded
from .override import _disguised
from .scan import _combine, _first, _Rule

_INJECTION: tuple[_Rule, ...] = (
    *override.RULES,
    *authority.RULES,
    *reprogram.RULES,
    *markup.RULES,
    *extraction.RULES,
)
_INJECTION_SCAN = _combine(_INJECTION)
# The shapes above on words spelt out letter by letter, where the spaces between words are gone.
_SPACED_INJECTION = re.compile(
    r"(?:ignore|disregard|forget|override|bypass)(?:all|your|the|any|previous|prior|above|earlier|"
    r"of|these|my)*(?:instructions?|rules|prompts?|guidance|guidelines|directives)"
    r"|systemprompt|developermode|jailbreak|(?:mark|log|record|classify|route|set)(?:me|us)as"
)


def _injection(folded: _Folded, text: str) -> int | None:
    """Where the first instruction aimed at the bot is, as an offset into `text`, or None."""
    found = _first(_INJECTION_SCAN, folded.text)
    if found is None and "1" in folded.text:  # "ru1es": a 1 can be an l as well as an i
        lvariant = re.sub(r"(?<=[a-z])1|1(?=[a-z])", "l", folded.text)
        if lvariant != folded.text:
            found = _first(_INJECTION_SCAN, lvariant)
    if found is None:
        found = next((at for at, word in folded.spaced if _SPACED_INJECTION.search(word)), None)
    if found is None:
        found = _disguised(folded, text)
    return None if found is None else folded.origin(found)
