"""Domain lint: what good qualification flows do, as warnings (errors with `--strict`)."""

from __future__ import annotations

import re

from .model import Flow
from .problems import Problem
from .yamlsource import SourceMap

MAX_QUESTIONS = 7
_AI_WORDS = re.compile(r"\b(ai|a\.i\.|assistant|bot|automated|virtual)\b", re.I)
_RECORD_WORDS = re.compile(r"\b(record|recorded|recording|logged|stored|saved)\b", re.I)


def _is_budget(name: str, kind: str) -> bool:
    return kind == "money" or "budget" in name


def _is_discovery(name: str) -> bool:
    return any(word in name for word in ("pain", "tool", "current", "problem", "challenge"))


def _is_committee(name: str, kind: str) -> bool:
    return any(
        w in name for w in ("committee", "stakeholder", "decision", "evaluat", "team_involved")
    )


def lint_flow(flow: Flow, source: SourceMap) -> list[Problem]:
    warnings: list[Problem] = []

    def warn(path: tuple[str | int, ...], message: str) -> None:
        warnings.append(source.problem(path, message, severity="warning"))

    asked: list[tuple[int, str]] = [
        (i, slot) for i, step in enumerate(flow.steps) for slot in step.asks
    ]
    if len(asked) > MAX_QUESTIONS:
        warn(
            ("steps",),
            f"the flow asks {len(asked)} questions; qualification flows should ask 4 to 7, never more",
        )

    order = {slot: i for i, slot in reversed(asked)}
    budgets = [s for s in order if _is_budget(s, flow.slots[s].type)]
    discovery = [s for s in order if _is_discovery(s)]
    for budget in budgets:
        early = [d for d in discovery if order[d] > order[budget]]
        if early:
            warn(
                ("steps", order[budget]),
                f"budget ('{budget}') is asked before {', '.join(repr(d) for d in early)}; ask about pain and "
                "current tools first, budget late or never",
            )

    if not any(_is_committee(s, flow.slots[s].type) for s in order):
        warn(
            ("steps",),
            "no buying-committee question (who else is evaluating); it is one of the highest-signal questions",
        )

    disclosure = flow.bot.disclosure
    if not disclosure.strip():
        warn(
            ("bot",),
            "no AI disclosure: tell the buyer up front that they are talking to an AI and that the chat is recorded",
        )
    else:
        if not _AI_WORDS.search(disclosure):
            warn(
                ("bot", "disclosure"),
                "the disclosure does not say the buyer is talking to an AI assistant",
            )
        if not _RECORD_WORDS.search(disclosure):
            warn(("bot", "disclosure"), "the disclosure does not say the chat is recorded")

    for i, route in enumerate(flow.routes):
        if route.route != "disqualify" and not route.action:
            warn(
                ("routes", i),
                f"route '{route.route}' has no next action (such as book_meeting or a follow-up owner)",
            )
    if flow.routes and all(route.when for route in flow.routes):
        warn(
            ("routes",),
            "every route has a condition; add a last route without 'when' so no buyer falls through",
        )
    if flow.routes and not any(step.kind == "route" for step in flow.steps):
        warn(
            ("steps",),
            "the flow has routes but no step with 'route: true', so the buyer never hears the outcome",
        )

    used: set[str] = {slot for _, slot in asked} | set(flow.handoff.fields.values())
    texts = [r.when for r in flow.disqualify] + [r.when for r in flow.routes if r.when]
    texts += [
        rule.when
        for bucket in (flow.scoring.fit, flow.scoring.intent, flow.scoring.capacity)
        for rule in bucket
    ]
    texts += [c.when for step in flow.steps for c in step.branch or [] if c.when]
    for name, slot in flow.slots.items():
        if name in used or any(re.search(rf"\b{re.escape(name)}\b", t) for t in texts):
            continue
        if slot.type == "email" and any("email_domain" in t for t in texts):
            continue
        warn(("slots", name), f"slot '{name}' is never asked, scored or used in a condition")
    return warnings
