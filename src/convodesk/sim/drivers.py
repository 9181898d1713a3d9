"""The seam between the runner and whoever plays the buyer: a script today, an LLM later.

Methods are async so an LLM-played persona (network calls) and the offline script share one
runner and one concurrency model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from convodesk.runtime.model import Flow
from convodesk.runtime.state import Message, Turn

from .persona import Persona


@dataclass(frozen=True)
class PersonaAction:
    """Something the persona did on purpose, for checks and for telling simulator errors apart."""

    turn: int
    kind: str  # volunteered | answered | asked | corrected | refused | deflected | unknown | left
    detail: str = ""
    fact: str | None = None


class PersonaDriver(Protocol):
    """Plays one buyer for one conversation.

    `opening` writes the buyer's first message after the bot's greeting; `reply` answers each
    later bot turn. Both return None when the buyer leaves. `actions` records what the
    buyer did on purpose (the questions it asked feed the give-before-ask check).
    """

    persona: Persona
    actions: list[PersonaAction]

    async def opening(self, turn: Turn, history: Sequence[Message]) -> str | None: ...

    async def reply(self, turn: Turn, history: Sequence[Message]) -> str | None: ...


DriverFactory = Callable[[Persona, int, Flow], PersonaDriver]
"""Builds a driver for (persona, seed, flow); the runner calls it once per conversation."""


def scripted_driver(persona: Persona, seed: int, flow: Flow) -> PersonaDriver:
    """The offline default."""
    from .scripted import ScriptedPersona

    return ScriptedPersona(persona, seed=seed, flow=flow)
