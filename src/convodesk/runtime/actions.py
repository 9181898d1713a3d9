"""Action handlers: the embedding code's hooks for booking meetings, webhooks and CRM calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .state import HandoffPayload


@dataclass(frozen=True)
class ActionRequest:
    name: str
    params: Mapping[str, Any]
    slots: Mapping[str, Any]
    context: Mapping[str, Any]
    route: str | None = None


@dataclass
class ActionResult:
    ok: bool = True
    message: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class ActionHandler(Protocol):
    def __call__(self, request: ActionRequest) -> ActionResult | str | None: ...


HandoffCallback = Callable[[HandoffPayload], None]


def run_action(handler: ActionHandler | None, request: ActionRequest) -> tuple[str, ActionResult]:
    """Call a handler; without one the action stays pending for the backend to do from the payload.

    A failing handler never breaks the conversation: the failure is recorded on the next action.
    """
    if handler is None:
        return "pending", ActionResult(ok=True)
    try:
        raw = handler(request)
    except Exception as exc:
        return "failed", ActionResult(ok=False, data={"error": f"{type(exc).__name__}: {exc}"})
    if raw is None:
        return "done", ActionResult()
    if isinstance(raw, str):
        return "done", ActionResult(message=raw)
    return ("done" if raw.ok else "failed"), raw
