"""One persona against one flow, for a test: the same conversation `convodesk test` records.

The seed is the suite seed, and the conversation's own seed is derived from it, the persona id
and the run number exactly as the suite runner does, so `converse(flow, persona, seed=0)`
reproduces `transcripts/<flow>/<persona>.yaml` of `convodesk test --seed 0`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from convodesk.runtime.loader import load_flow
from convodesk.runtime.model import Flow
from convodesk.runtime.state import Outcome
from convodesk.sim.checks import CheckResult
from convodesk.sim.persona import Persona, load_persona
from convodesk.sim.runner import Conversation, run_conversation, seed_for, sim_engine
from convodesk.sim.transcripts import Transcript, to_transcript

from .snapshot import Snapshot, from_transcript


@dataclass(eq=False)
class Result:
    """A finished conversation with the views a test asserts on."""

    conversation: Conversation

    @property
    def transcript(self) -> Transcript:
        return to_transcript(self.conversation)

    @property
    def snapshot(self) -> Snapshot:
        return from_transcript(self.transcript)

    @property
    def outcome(self) -> Outcome:
        return self.conversation.outcome

    @property
    def checks(self) -> list[CheckResult]:
        return self.conversation.checks

    @property
    def failures(self) -> list[CheckResult]:
        return self.conversation.failures

    @property
    def passed(self) -> bool:
        return self.conversation.passed

    def failure_message(self) -> str:
        """Every failed check with its explanation; empty when the persona's expectations hold."""
        c = self.conversation
        lines = [f"{f.id}: {f.explanation}" for f in c.failures]
        if c.persona_error:
            lines.insert(0, f"persona error: {c.persona_error}")
        if not lines:
            return ""
        head = f"{c.persona.persona}: {len(lines)} check(s) failed (route {c.outcome.route})"
        return "\n".join([head, *("  " + line for line in lines)])

    def assert_expectations(self) -> None:
        message = self.failure_message()
        if message:
            raise AssertionError(message)


def as_flow(flow: Flow | str | Path) -> Flow:
    return flow if isinstance(flow, Flow) else load_flow(flow)


def as_persona(persona: Persona | str | Path, flow: Flow) -> Persona:
    return persona if isinstance(persona, Persona) else load_persona(persona, flow)


def converse(
    flow: Flow | str | Path,
    persona: Persona | str | Path,
    seed: int = 0,
    *,
    run: int = 0,
    on_date: date | None = None,
) -> Result:
    """Play `persona` against `flow` (objects or file paths) offline, with the pinned clock."""
    loaded = as_flow(flow)
    cast = as_persona(persona, loaded)
    engine = sim_engine(loaded, on_date=on_date)
    conversation = asyncio.run(
        run_conversation(
            engine,
            cast,
            seed=seed_for(seed, cast.persona, run),
            run=run,
            reference_date=on_date,
        )
    )
    return Result(conversation)
