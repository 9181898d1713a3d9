"""`{placeholder|fallback}` text: the only templating flows get (no code runs in a message)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_SPACES = re.compile(r"[ \t]{2,}")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)(?:\|([^{}]*))?\}")


def _lookup(env: Mapping[str, Any], dotted: str) -> Any:
    value: Any = env
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _show(value: Any) -> str:
    if isinstance(value, list):
        items = [str(v) for v in value]
        return (
            ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1] if items else ""
        )
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render(text: str, env: Mapping[str, Any]) -> str:
    """Fill placeholders; an unknown or unset one uses its fallback, or disappears."""

    def fill(match: re.Match[str]) -> str:
        value = _lookup(env, match.group(1))
        if value is None or value == "" or value == []:
            return match.group(2) or ""
        return _show(value)

    rendered = _PLACEHOLDER.sub(fill, text)
    return _SPACES.sub(" ", rendered).strip()
