from __future__ import annotations

import asyncio

from convodesk.runtime.model import Flow
from convodesk.sim.persona import Persona
from convodesk.sim.runner import Conversation, run_conversation, sim_engine

from .conftest import PlainUnderstander


def converse(flow: Flow, persona: Persona, seed: int = 0) -> Conversation:
    engine = sim_engine(flow, understander=PlainUnderstander())
    return asyncio.run(run_conversation(engine, persona, seed=seed))


def check(c: Conversation, check_id: str) -> tuple[str, str]:
    result = next(r for r in c.checks if r.id == check_id)
    return result.status, result.explanation
