"""Scores, disqualifiers and routes: pure functions of the slots, with the reasons that fired."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .conditions import Condition, compile_condition
from .model import BUCKETS, Disqualifier, Flow, ScoreRule
from .state import RouteDecision, Scores


class CompiledFlow:
    """Every condition of a flow, compiled once per engine."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self._cache: dict[str, Condition] = {}
        self._scoring: list[tuple[str, list[tuple[Condition | None, int, str]]]] | None = None

    def condition(self, source: str) -> Condition:
        compiled = self._cache.get(source)
        if compiled is None:
            compiled = self._cache[source] = compile_condition(source)
        return compiled

    def holds(self, source: str | None, env: Mapping[str, Any]) -> bool:
        return True if not source else self.condition(source)(env)

    def scoring(self) -> list[tuple[str, list[tuple[Condition | None, int, str]]]]:
        """Each bucket's rules as (condition, points, reason), compiled when first scored."""
        if self._scoring is None:
            self._scoring = [
                (
                    bucket,
                    [
                        _scoring_rule(self, bucket, rule)
                        for rule in getattr(self.flow.scoring, bucket)
                    ],
                )
                for bucket in BUCKETS
            ]
        return self._scoring


def _scoring_rule(
    compiled: CompiledFlow, bucket: str, rule: ScoreRule
) -> tuple[Condition | None, int, str]:
    sign = "+" if rule.add >= 0 else ""
    reason = f"{bucket} {sign}{rule.add}: {rule.reason or rule.when}"
    return (compiled.condition(rule.when) if rule.when else None, rule.add, reason)


@dataclass
class ScoreResult:
    scores: Scores
    reasons: list[str]


def score(compiled: CompiledFlow, env: Mapping[str, Any]) -> ScoreResult:
    """Sum each bucket's rules that hold, clamped to 0..100."""
    totals: dict[str, int] = {}
    reasons: list[str] = []
    for bucket, rules in compiled.scoring():
        total = 0
        for condition, add, reason in rules:
            if condition is None or condition(env):
                total += add
                reasons.append(reason)
        totals[bucket] = max(0, min(100, total))
    return ScoreResult(Scores(**totals), reasons)


def disqualifier(compiled: CompiledFlow, env: Mapping[str, Any]) -> Disqualifier | None:
    for rule in compiled.flow.disqualify:
        if compiled.holds(rule.when, env):
            return rule
    return None


def decide_route(
    compiled: CompiledFlow, env: Mapping[str, Any], score_reasons: list[str], owner: str
) -> RouteDecision:
    """The first route whose condition holds; nurture when none does (never silently warm)."""
    for index, route in enumerate(compiled.flow.routes):
        if compiled.holds(route.when, env):
            why = f"route {route.route}: {route.reason or route.when or 'default route'}"
            return RouteDecision(
                route=route.route,
                reasons=[why, *score_reasons],
                action=route.action,
                owner=route.owner or owner,
                params=dict(route.params),
                next=route.next,
                index=index,
            )
    return RouteDecision(
        route="nurture", reasons=["route nurture: no route matched", *score_reasons], owner=owner
    )


def environment(
    flow: Flow,
    values: Mapping[str, Any],
    scores: Scores | None,
    context: Mapping[str, Any],
    turn: int,
    domain_of: Callable[[str], str | None],
) -> dict[str, Any]:
    """The names a condition can see: slots, scores, context and a few derived values."""
    env: dict[str, Any] = {name: values.get(name) for name in flow.slots}
    if scores is not None:
        env.update(fit=scores.fit, intent=scores.intent, capacity=scores.capacity)
        env["total"] = scores.fit + scores.intent + scores.capacity
    email = next(
        (values.get(n) for n, s in flow.slots.items() if s.type == "email" and values.get(n)), None
    )
    env["email_domain"] = domain_of(email) if isinstance(email, str) else None
    env["turn"] = turn
    env["context"] = dict(context)
    return env
