"""The LLM persona as the simulator's `PersonaDriver` (convodesk.sim.drivers).

llm sits below sim, so nothing here imports sim: the driver satisfies the protocol
structurally, and `Action` has the fields of sim's `PersonaAction`.

A role break that survives the retry raises `PersonaFailure`: the runner records it as the
conversation's `persona_error`, apart from the flow's checks. Questions the buyer asks become
"asked" actions (the give-before-ask check reads them) and contradictions of its hidden
facts become "fact_error" actions (a refused fact revealed: "fact_revealed"), which the LLM
report lists as persona errors and the simulator's blame (sim.blame) reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from convodesk.runtime.model import Flow
from convodesk.runtime.state import Message, Turn
from convodesk.runtime.understanding import Understander

from .client import LLMClient
from .facts import accepted_values, check_facts, shared_rules
from .persona import LLMPersona

_QUESTION = re.compile(r"[^.!?\n]*\?")


@dataclass(frozen=True)
class Action:
    """Same shape as `convodesk.sim.drivers.PersonaAction`."""

    turn: int
    kind: str
    detail: str = ""
    fact: str | None = None


class PersonaFailure(RuntimeError):
    """The simulated buyer could not be kept in role: a simulator error, not a flow error."""


class LLMPersonaDriver:
    def __init__(
        self,
        persona: Any,
        seed: int,
        flow: Flow,
        client: LLMClient,
        *,
        model: str | None = None,
        temperature: float | None = None,
        reference_date: date,
        conversation: str | None = None,
        rules: Understander | None = None,
    ) -> None:
        self.persona = persona
        self.flow = flow
        self.reference_date = reference_date
        self.conversation = conversation or f"{persona.persona}#{seed}"
        self.player = LLMPersona(
            persona,
            client,
            conversation=self.conversation,
            model=model,
            temperature=temperature,
            seed=seed,
        )
        self.actions: list[Action] = []
        self.sent = 0
        self.rules = rules or shared_rules()
        self.accepted = accepted_values(persona, flow, reference_date, self.rules)

    async def opening(self, turn: Turn, history: Sequence[Message]) -> str | None:
        return await self._next(turn)

    async def reply(self, turn: Turn, history: Sequence[Message]) -> str | None:
        return await self._next(turn)

    async def _next(self, turn: Turn) -> str | None:
        index = self.sent + 1
        answer = await self.player.reply(list(turn.messages), turn=index, asking=list(turn.asking))
        if answer.failure:
            self.actions.append(Action(turn=index, kind="failed", detail=answer.failure))
            raise PersonaFailure(answer.failure)
        if answer.text is None:
            self.actions.append(Action(turn=index, kind="left", detail="the buyer left"))
            return None
        self.sent = index
        for question in _QUESTION.findall(answer.text):
            self.actions.append(Action(turn=index, kind="asked", detail=question.strip()))
        said = [(index, answer.text, list(turn.asking))]
        errors = check_facts(
            self.persona,
            self.flow,
            said,
            self.reference_date,
            rules=self.rules,
            accepted=self.accepted,
        )
        for error in errors:
            kind = "fact_error" if error.kind == "contradicts" else "fact_revealed"
            self.actions.append(
                Action(turn=index, kind=kind, detail=error.explain(), fact=error.slot)
            )
        if answer.leave:
            # Send the goodbye; the buyer leaves at its next turn.
            self.player.patience = index
        return answer.text


def llm_driver_factory(
    client: LLMClient,
    *,
    model: str | None = None,
    temperature: float | None = None,
    reference_date: date,
    rules: Understander | None = None,
) -> Callable[[Any, int, Flow], LLMPersonaDriver]:
    """A `DriverFactory` for `run_suite(driver_factory=...)`; pass the suite's reference date
    (`on_date or convodesk.sim.runner.REFERENCE_DATE`)."""
    day = reference_date

    def make(persona: Any, seed: int, flow: Flow) -> LLMPersonaDriver:
        return LLMPersonaDriver(
            persona,
            seed,
            flow,
            client,
            model=model,
            temperature=temperature,
            reference_date=day,
            rules=rules,
        )

    return make
