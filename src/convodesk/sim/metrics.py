"""Suite-level numbers: routing accuracy and error rates, capture, coverage, drop-off, pass^k."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from math import comb
from statistics import mean

from convodesk.runtime.model import ROUTE_NAMES

from .checks import slot_type, values_match
from .runner import Conversation, SuiteResult

BUYER_ROUTES = ("warm", "lukewarm")
NON_BUYER_ROUTES = ("nurture", "disqualify")


def pass_hat_k(n: int, c: int, k: int) -> float:
    """pass^k: the chance that k runs drawn from n (c passing) all pass, C(c,k)/C(n,k)."""
    if k < 1 or k > n:
        raise ValueError(f"k must be between 1 and n ({n}), got {k}")
    return comb(c, k) / comb(n, k)


def pass_at_k(n: int, c: int, k: int) -> float:
    """pass@k: the chance that at least one of k runs drawn from n passes, 1 - C(n-c,k)/C(n,k)."""
    if k < 1 or k > n:
        raise ValueError(f"k must be between 1 and n ({n}), got {k}")
    return 1.0 - comb(n - c, k) / comb(n, k)


@dataclass
class Coverage:
    reached: list[str] = field(default_factory=list)
    never: list[str] = field(default_factory=list)


@dataclass
class Metrics:
    conversations: int
    passed: int
    confusion: dict[str, dict[str, int]]
    routing_accuracy: float | None
    false_positive_rate: float | None
    false_negative_rate: float | None
    slot_capture_accuracy: float | None
    mean_turns_to_qualification: float | None
    mean_turns: float
    steps: Coverage
    knowledge: Coverage
    disqualifiers: Coverage
    routes: Coverage
    drop_off: dict[str, int]
    pass_at_k: dict[str, dict[int, float]]
    pass_hat_k: dict[str, dict[int, float]]
    k: int


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def confusion_matrix(conversations: list[Conversation]) -> dict[str, dict[str, int]]:
    """expected route -> actual route -> count, over conversations that expect a route."""
    matrix = {e: dict.fromkeys(ROUTE_NAMES, 0) for e in ROUTE_NAMES}
    for c in conversations:
        expected = c.persona.expect.route
        if expected is not None:
            matrix[expected][c.outcome.route] += 1
    return matrix


def _step_reached(c: Conversation, step_id: str, kind: str) -> bool:
    if step_id not in c.state.visited:
        return False
    if kind == "route":
        return c.event_turn("route") is not None
    if kind != "ask":
        return True
    spoken = any(m.step == step_id for m in c.state.transcript)
    skipped = any(e.kind == "skipped_step" and e.detail == step_id for _, e in c.events)
    return spoken or skipped


def coverage(result: SuiteResult) -> tuple[Coverage, Coverage, Coverage, Coverage]:
    flow, convs = result.flow, result.conversations
    steps = Coverage()
    for step in flow.steps:
        hit = any(_step_reached(c, step.id, step.kind) for c in convs)
        (steps.reached if hit else steps.never).append(step.id)
    answered = {k for c in convs for k in c.state.answered}
    knowledge = Coverage(
        [e.id for e in flow.knowledge if e.id in answered],
        [e.id for e in flow.knowledge if e.id not in answered],
    )
    fired = {c.state.disqualified for c in convs}
    reasons = list(dict.fromkeys(d.reason for d in flow.disqualify))
    disqualifiers = Coverage(
        [r for r in reasons if r in fired], [r for r in reasons if r not in fired]
    )
    routed = {c.outcome.route for c in convs}
    declared = list(
        dict.fromkeys(
            [*(r.route for r in flow.routes), *(["disqualify"] if flow.disqualify else [])]
        )
    )
    routes = Coverage(
        [r for r in declared if r in routed], [r for r in declared if r not in routed]
    )
    return steps, knowledge, disqualifiers, routes


def compute(result: SuiteResult) -> Metrics:
    convs = result.conversations
    with_route = [c for c in convs if c.persona.expect.route is not None]
    correct = sum(1 for c in with_route if c.outcome.route == c.persona.expect.route)
    non_buyers = [c for c in with_route if c.persona.expect.route in NON_BUYER_ROUTES]
    buyers = [c for c in with_route if c.persona.expect.route in BUYER_ROUTES]
    fp = sum(1 for c in non_buyers if c.outcome.route in BUYER_ROUTES)
    fn = sum(1 for c in buyers if c.outcome.route in NON_BUYER_ROUTES)
    expected_slots = captured = 0
    for c in convs:
        for name, value in c.persona.expect.slots.items():
            expected_slots += 1
            got = c.state.slots.get(name)
            kind = slot_type(c.flow, name)
            if got is not None and values_match(value, got.value, c.persona.expect.tolerance, kind):
                captured += 1
    qualified = [t for c in convs if (t := c.event_turn("route", "disqualified")) is not None]
    drop = Counter(
        ", ".join(c.left_while_asking) or "(no question pending)" for c in convs if c.left
    )
    steps, knowledge, disqualifiers, routes = coverage(result)
    k = result.runs
    at_k: dict[str, dict[int, float]] = {}
    hat_k: dict[str, dict[int, float]] = {}
    for persona in result.personas:
        runs = result.of(persona.persona)
        n, ok = len(runs), sum(1 for c in runs if c.passed)
        at_k[persona.persona] = {j: pass_at_k(n, ok, j) for j in range(1, n + 1)}
        hat_k[persona.persona] = {j: pass_hat_k(n, ok, j) for j in range(1, n + 1)}
    return Metrics(
        conversations=len(convs),
        passed=sum(1 for c in convs if c.passed),
        confusion=confusion_matrix(convs),
        routing_accuracy=_rate(correct, len(with_route)),
        false_positive_rate=_rate(fp, len(non_buyers)),
        false_negative_rate=_rate(fn, len(buyers)),
        slot_capture_accuracy=_rate(captured, expected_slots),
        mean_turns_to_qualification=mean(qualified) if qualified else None,
        mean_turns=mean(c.turns for c in convs) if convs else 0.0,
        steps=steps,
        knowledge=knowledge,
        disqualifiers=disqualifiers,
        routes=routes,
        drop_off=dict(sorted(drop.items())),
        pass_at_k=at_k,
        pass_hat_k=hat_k,
        k=k,
    )
