"""What the bot may say: the flow's own strings, with placeholders filled."""

from __future__ import annotations

import re

from convodesk.runtime.model import Flow
from convodesk.runtime.session import question_part

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_LEADING = re.compile(r"^(?:\{[^{}]*\}\s*)+")


def flow_templates(flow: Flow) -> list[str]:
    """Every string the flow authorises: bot lines, asks, step and route lines, answers, close-outs."""
    bot = flow.bot
    out = [bot.disclosure, bot.dont_know, bot.offer_human, bot.human_handoff, bot.reask]
    for slot in flow.slots.values():
        out += [slot.ask or "", slot.reask or ""]
    out += [step.say or "" for step in flow.steps]
    # A re-ask or a question repeated after an answer says only the question part, and the
    # disclosure placeholder is empty after the opening.
    out += [_LEADING.sub("", question_part(step.say)) for step in flow.steps if step.say]
    out += [entry.answer for entry in flow.knowledge]
    out += [route.say or "" for route in flow.routes]
    out += [rule.say or "" for rule in flow.disqualify]
    return [t for t in out if t]


def approved_pattern(flow: Flow) -> re.Pattern[str]:
    """One regex matching exactly the rendered templates (a placeholder matches any text)."""
    bodies = []
    for template in flow_templates(flow):
        parts = _PLACEHOLDER.split(template)
        bodies.append("(?:" + "(?:.*?)".join(re.escape(p) for p in parts) + ")")
    return re.compile("|".join(sorted(set(bodies), key=len, reverse=True)), re.S)


def generic_ask(text: str) -> bool:
    """The engine's fallback question for a slot without an `ask`."""
    return bool(re.fullmatch(r"(?:What is your [a-z ]+\? ?)+", text))
