"""`{placeholder|fallback}` text: the only templating flows get (no code runs in a message)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_SPACES = re.compile(r"[ \t]{2,}")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)(?:\|([^{}]*))?\}")
# The bot's own texts, rendered like every other message.
BOT_TEXTS = ("disclosure", "dont_know", "offer_human", "reask", "human_handoff")


def _lookup(env: Mapping[str, Any], dotted: str) -> Any:
    value: Any = env
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def show_value(value: Any, kind: str | None = None) -> str:
    """A slot value in words, as a message says it: `60,000` for money (not `60000.0`), `1200`
    for a whole number, `CFO, IT lead and the COO` for a list, yes/no for a boolean.

    `kind` is the slot's type: only money gets thousands separators (an integer may be a year).
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
        items = [show_value(item) for item in value]
        return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)
    return str(value)


def render(text: str, env: Mapping[str, Any], kinds: Mapping[str, str] | None = None) -> str:
    """Fill placeholders; an unknown or unset one uses its fallback, or disappears.

    `kinds` maps slot names to their types, so a value is shown as its slot's type says.
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        value = _lookup(env, name)
        if value is None or value == "" or value == []:
            return match.group(2) or ""
        return show_value(value, kinds.get(name) if kinds else None)

    rendered = PLACEHOLDER.sub(fill, text)
    return _SPACES.sub(" ", rendered).strip()
