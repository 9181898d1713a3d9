"""Words for the studio's status lines and panes: "1 error", "2 errors", never "1 error(s)";
values as a designer writes them, never as Python prints them."""

from __future__ import annotations

from typing import Any

from convodesk.runtime.templates import show_value


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def them(n: int) -> str:
    """The pronoun for a count: "fix it" for one error, "fix them" for several."""
    return "it" if n == 1 else "them"


def shown_value(value: Any, kind: str | None = None) -> str:
    """A slot value for a reader, as the flow's messages show it (`60,000` not `60000.0` for
    money, yes/no for booleans; see `runtime.templates.show_value`), except that a list in a
    pane is `CFO, IT lead` (one cell, no "and") and an empty one says `(none)`.
    """
    if isinstance(value, list | tuple):
        return ", ".join(shown_value(item) for item in value) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {shown_value(v)}" for k, v in value.items()) or "(none)"
    return show_value(value, kind)
