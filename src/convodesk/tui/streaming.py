"""Watch simulated conversations turn by turn without changing the runner.

`run_suite` reports finished conversations (`on_done`); to stream each one as it happens we
wrap the persona driver, which sees every bot turn and writes every buyer message. The
wrapper only observes: it returns exactly what the real driver returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from convodesk.runtime.model import Flow
from convodesk.runtime.state import Message, Turn
from convodesk.sim.drivers import DriverFactory, PersonaAction, PersonaDriver, scripted_driver
from convodesk.sim.persona import Persona

Emit = Callable[[str, str, str], None]
"""(persona id, 'bot' | 'buyer', text)"""


class ObservedDriver:
    def __init__(self, inner: PersonaDriver, emit: Emit) -> None:
        self.inner = inner
        self.emit = emit

    @property
    def persona(self) -> Persona:
        return self.inner.persona

    @property
    def actions(self) -> list[PersonaAction]:
        return self.inner.actions

    def _heard(self, turn: Turn) -> None:
        for text in turn.messages:
            self.emit(self.persona.persona, "bot", text)

    def _said(self, text: str | None) -> None:
        self.emit(self.persona.persona, "buyer", text if text is not None else "(leaves)")

    async def opening(self, turn: Turn, history: Sequence[Message]) -> str | None:
        self._heard(turn)
        text = await self.inner.opening(turn, history)
        self._said(text)
        return text

    async def reply(self, turn: Turn, history: Sequence[Message]) -> str | None:
        self._heard(turn)
        text = await self.inner.reply(turn, history)
        self._said(text)
        return text


def observing(emit: Emit, inner: DriverFactory = scripted_driver) -> DriverFactory:
    def factory(persona: Persona, seed: int, flow: Flow) -> PersonaDriver:
        return ObservedDriver(inner(persona, seed, flow), emit)

    return factory
