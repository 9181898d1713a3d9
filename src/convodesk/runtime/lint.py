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


# -- keys that do nothing -------------------------------------------------------------------
# Written by hand, a key the engine ignores is a mistake the designer cannot see by playing
# the flow: it runs, just not as written. These are warnings on every load, lint or not.
# Values are checked, not which keys were written: a compiled flow.json writes every key.

_VALUE_TYPES = ("enum", "timeline")  # the slot types that read `values` and `synonyms`
_EMPTY_WHEN = "an empty condition always holds: remove 'when' or write the condition"


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def check_keys(flow: Flow, source: SourceMap) -> list[Problem]:
    """Keys the engine ignores and empty conditions or action names: warnings."""
    warnings: list[Problem] = []

    def warn(path: tuple[str | int, ...], message: str) -> None:
        warnings.append(source.problem(path, message, severity="warning"))

    for name, slot in flow.slots.items():
        for key in ("values", "synonyms"):
            if getattr(slot, key) and slot.type not in _VALUE_TYPES:
                warn(
                    ("slots", name, key),
                    f"'{key}' is ignored on {_a(slot.type)} slot (only enum and timeline slots "
                    "read it)",
                )
    for i, step in enumerate(flow.steps):
        kind = step.kind
        if step.next and kind in ("end", "handoff") and not step.when:
            warn(
                ("steps", i, "next"),
                f"'next' is ignored: the conversation ends at this {kind} step (on a step with "
                "'when', 'next' is where a skipped step leads)",
            )
        if step.params and kind != "action":
            warn(
                ("steps", i, "params"),
                f"'params' is ignored on {_a(kind)} step (only actions take it)",
            )
        if step.when == "":
            warn(("steps", i, "when"), _EMPTY_WHEN)
        for j, case in enumerate(step.branch or []):
            if case.when == "":
                warn(("steps", i, "branch", j, "when"), _EMPTY_WHEN)
        if step.action == "":
            warn(("steps", i, "action"), "the action has no name, so the step does nothing")
        if kind == "route" and not flow.routes:
            warn(
                ("steps", i, "route"),
                "the flow defines no routes, so this step always decides 'nurture' (no route "
                "matched); add routes or remove the step",
            )
    for i, route in enumerate(flow.routes):
        if route.when == "":
            warn(("routes", i, "when"), _EMPTY_WHEN)
        if route.action == "":
            warn(("routes", i, "action"), "the action has no name: name it or remove 'action'")
    for i, rule in enumerate(flow.disqualify):
        if rule.action == "":
            warn(("disqualify", i, "action"), "the action has no name: name it or remove 'action'")
    for bucket in ("fit", "intent", "capacity"):
        for i, score_rule in enumerate(getattr(flow.scoring, bucket)):
            if score_rule.when == "":
                warn(("scoring", bucket, i, "when"), _EMPTY_WHEN)
    return warnings
