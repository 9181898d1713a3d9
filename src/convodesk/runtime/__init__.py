"""The embeddable engine: flow model, loader, conditions, understanding, engine and session.

Imports only the standard library and pydantic; pyyaml is imported on first use of the YAML
loader, so an exported package that ships a compiled flow runs without it.
"""

from typing import Any

from .actions import ActionRequest, ActionResult
from .engine import Engine, StateError
from .fingerprint import content_hash
from .model import Flow
from .problems import LoadError, Problem
from .session import Session
from .state import HandoffPayload, Message, Outcome, SessionState, Turn

__all__ = [
    "ActionRequest",
    "ActionResult",
    "Engine",
    "Flow",
    "HandoffPayload",
    "LoadError",
    "LoadedFlow",
    "Message",
    "Outcome",
    "Problem",
    "Session",
    "SessionState",
    "StateError",
    "Turn",
    "content_hash",
    "flow_from_json",
    "load_flow",
    "load_flow_file",
    "parse_flow",
]

_LAZY = {"LoadedFlow", "load_flow", "load_flow_file", "parse_flow", "flow_from_json"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
