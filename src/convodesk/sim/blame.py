"""Which failed checks are the simulator's fault, not the flow's.

An LLM-played buyer sometimes contradicts its own hidden facts ("about 500 people" when its
facts say 1200). The bot then captures what it was told, and `slots_captured` or
`route_expected` fail for a flow that did its job. The fact checker (convodesk.llm.facts)
records each contradiction as a "fact_error" action naming the slot; this module marks the
checks those contradictions explain, so the conversation counts as a persona error, apart
from the flow's pass rate, instead of a flow failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .checks import slot_type, values_match, withheld_captured

if TYPE_CHECKING:
    from .runner import Conversation

# Checks that hold for any prefix of a conversation: a broken simulation cannot excuse them.
PREFIX_CHECKS = frozenset({"ai_disclosure", "approved_answers_only"})


def contradicted(c: Conversation) -> dict[str, str]:
    """Slot -> the first contradiction the persona made about it."""
    found: dict[str, str] = {}
    for action in c.actions:
        if action.kind == "fact_error" and action.fact:
            found.setdefault(action.fact, action.detail)
    return found


def _missed_slots(c: Conversation) -> list[str]:
    """The slots `slots_captured` fails on: expected ones not captured as expected, and withheld
    ones captured anyway."""
    missed = []
    for name, expected in c.persona.expect.slots.items():
        got = c.state.slots.get(name)
        value = got.value if got is not None else None
        if not values_match(expected, value, c.persona.expect.tolerance, slot_type(c.flow, name)):
            missed.append(name)
    # a refused or deflected fact that got a value fails the check too, whatever the buyer said
    missed += [name for name in withheld_captured(c) if name not in missed]
    return missed


def blame(c: Conversation) -> dict[str, str]:
    """Check id -> why its failure is the simulator's: only checks that failed, and only when
    every cause the check can have lies in a slot the persona contradicted."""
    lies = contradicted(c)
    if not lies:
        return {}
    failed = {r.id for r in c.checks if r.status == "fail"}
    blamed: dict[str, str] = {}
    if "slots_captured" in failed:
        missed = _missed_slots(c)
        if missed and all(name in lies for name in missed):
            blamed["slots_captured"] = "; ".join(lies[name] for name in missed)
    used = [name for name in lies if name in c.state.slots]
    if "route_expected" in failed and used:
        blamed["route_expected"] = (
            "the route was decided on what the simulated buyer said: "
            + "; ".join(lies[name] for name in used)
        )
    return blamed
