"""Words for the studio's status lines and panes: "1 error", "2 errors", never "1 error(s)";
values as a designer writes them, never as Python prints them."""

from __future__ import annotations

from typing import Any


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def them(n: int) -> str:
    """The pronoun for a count: "fix it" for one error, "fix them" for several."""
    return "it" if n == 1 else "them"


def shown_value(value: Any, kind: str | None = None) -> str:
    """A slot value for a reader: `60,000` not `60000.0` for money, `1200` not `1200.0`,
    `CFO, IT lead` not `['CFO', 'IT lead']`, yes/no for booleans; text as it is.

    `kind` is the slot's type; only money gets thousands separators (an integer may be a year).
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        if kind == "money":
            return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
        return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(shown_value(item) for item in value) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {shown_value(v)}" for k, v in value.items()) or "(none)"
    return str(value)
