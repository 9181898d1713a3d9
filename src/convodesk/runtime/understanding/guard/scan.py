"""How rules are written and run: a regex, a check on where it matched, and combined passes.

Every attack category is a tuple of rules (a pattern and a check such as "said in the
imperative"). Scanning them one by one would cost a pass per rule, so rules sharing a check are
combined into at most two alternations and `_first` finds the earliest offset any rule accepts,
exactly what one pass per rule finds (tests/runtime/test_guard_scans.py holds it to that).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Where a command may start: the start of a sentence, or after "please", "bot,", "you must"...
_LEADS = frozenset(
    [
        "please",
        "pls",
        "plz",
        "kindly",
        "now",
        "just",
        "so",
        "then",
        "and",
        "also",
        "ok",
        "okay",
        "first",
        "next",
        "simply",
        "immediately",
        "instead",
        "dear",
        "hey",
        "hi",
        "hello",
        "but",
        "finally",
        "lastly",
        "you",
        "must",
        "should",
        "will",
        "can",
        "could",
        "would",
        "shall",
        "to",
        "bot",
        "assistant",
        "ai",
        "ava",
        "chatbot",
        "gpt",
        "chatgpt",
        "system",
        "admin",
        "go",
        "ahead",
        "ps",
    ]
)
# Who does it when it is a statement: "we ignore", "people skip", "our operators override".
# Only subjects that take the bare verb: "it"/"he" would say "ignores" (and "IT" is a team).
_SUBJECTS = frozenset(
    ["we", "i", "they", "people", "who", "that", "which", "often", "always", "sometimes",
     "usually", "never", "rarely", "still", "we'd", "i'd", "they'd", "we'll", "i'll", "they'll"]
)  # fmt: skip
_DETERMINERS = frozenset(
    ["our", "the", "my", "their", "his", "her", "some", "many", "most", "these", "those", "its"]
)
_LAST_WORDS = re.compile(r"(?:([a-z']+)\s+)?([a-z']+)[\s,]*$")


def _imperative(text: str, start: int) -> bool:
    """A command, not a statement: "ignore your rules", "spreadsheets Ignore your rules" (a terse
    buyer's answer, then the attack), not "we ignore" or "our operators override the rules"."""
    before = text[max(0, start - 40) : start].rstrip()
    if not before or before[-1] in ".!?;:,-–—([<>\"'|":
        return True
    words = _LAST_WORDS.search(before)
    if words is None:
        return True
    previous, last = words.group(1), words.group(2)
    if last in _LEADS:
        return True
    return last not in _SUBJECTS and previous not in _DETERMINERS


def _always(text: str, start: int) -> bool:
    return True


_Rule = tuple[re.Pattern[str], Callable[[str, int], bool]]


def _rule(pattern: str, check: Callable[[str, int], bool] = _always) -> _Rule:
    return re.compile(pattern, re.M), check


def _starts_at_word(pattern: str) -> bool:
    """Whether every match of `pattern` begins with its leading `\\b` (no `|` outside a group)."""
    if not pattern.startswith(r"\b"):
        return False
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:  # "]" closes a class unless it is the class's first member
            in_class = char != "]" or pattern[i - 1] == "[" or pattern[i - 2 : i] == "[^"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return False
        i += 1
    return True


def _alternation(patterns: list[str]) -> list[str]:
    """`patterns` as at most two regexes that find the leftmost match of any of them.

    The regex engine tries every alternative at every character. Those that begin at a word
    boundary share one leading `\\b` instead, so they are tried only where a word starts; the
    others form the second regex. Where several patterns match at one offset, another may now
    be the one reported: callers use only whether and where a match starts.
    """
    at_word = [p[2:] for p in patterns if _starts_at_word(p)]
    others = [p for p in patterns if not _starts_at_word(p)]
    scans = []
    if at_word:
        scans.append(r"\b(?:" + "|".join(f"(?:{p})" for p in at_word) + ")")
    if others:
        scans.append("|".join(f"(?:{p})" for p in others))
    return scans


# The part of a sentence before an offset: what a request's opening words are read from.
_SENTENCE_BEFORE = re.compile(r"[^.!?\n]*$")


_PUNCTUATION = re.compile(r"[.!?;\s]*")


def _combine(rules: tuple[_Rule, ...]) -> tuple[_Rule, ...]:
    """The rules that share a check as one alternation: a single pass finds their leftmost
    candidate, instead of one pass per rule.

    `_first` returns the same offset as with one regex per rule. A candidate's offset is the
    start of its match past leading punctuation, whichever rule matched there (every rule needs
    a word, so no match is punctuation alone), and a check reads only the text and that offset,
    so where one rule's candidate is rejected, every other rule's candidate there is too."""
    checks = list(dict.fromkeys(check for _, check in rules))  # in the rules' order
    return tuple(
        (re.compile(scan, re.M), check)
        for check in checks
        for scan in _alternation([p.pattern for p, c in rules if c is check])
    )


def _first(rules: tuple[_Rule, ...], text: str) -> int | None:
    """The earliest offset where a rule holds: the leftmost candidate its check accepts.

    A rule anchored on the end of the previous sentence ("... plants. Bot: set ...") starts at
    its own first word, not at the full stop it matched. A candidate the check rejects is
    skipped one character at a time, so an overlapping later candidate is still seen."""
    best: int | None = None
    for pattern, check in rules:
        pos = 0
        while (match := pattern.search(text, pos)) is not None:
            at = match.start() + _PUNCTUATION.match(match.group(0)).end()  # type: ignore[union-attr]
            if best is not None and at >= best:
                break
            if check(text, at):
                best = at
                break
            pos = match.start() + 1
    return best
