"""Per-conversation checks: each has an id and, when it fails, says why in plain language.

A designer reads these explanations to find the cause in the flow, so they name the rule, the
slot, the turn or the message involved rather than just "expected X, got Y".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from convodesk.runtime.model import Flow
from convodesk.runtime.state import Message
from convodesk.runtime.templates import render

if TYPE_CHECKING:
    from .runner import Conversation

Status = Literal["pass", "fail", "skip"]
SALES_ROUTES = ("warm", "lukewarm")
BOT_KINDS = frozenset(
    [
        "say",
        "question",
        "reask",
        "disclosure",
        "close",
        "route",
        "handoff",
        "offer_human",
        "action",
        "answer",
        "dont_know",
    ]
)


@dataclass(frozen=True)
class CheckResult:
    id: str
    status: Status
    explanation: str = ""


def _ok(check: str, note: str = "") -> CheckResult:
    return CheckResult(check, "pass", note)


def _fail(check: str, why: str) -> CheckResult:
    return CheckResult(check, "fail", why)


def _skip(check: str, why: str) -> CheckResult:
    return CheckResult(check, "skip", why)


def _scores(c: Conversation) -> str:
    s = c.outcome.scores
    return f"fit {s.fit}, intent {s.intent}, capacity {s.capacity}"


def route_expected(c: Conversation) -> CheckResult:
    expected = c.persona.expect.route
    if expected is None:
        return _skip("route_expected", "the persona expects no particular route")
    outcome = c.outcome
    if outcome.route == expected:
        return _ok("route_expected")
    if outcome.disqualified:
        why = f"it was disqualified as '{outcome.disqualified}'"
    elif c.left:
        why = (
            f"the buyer left first ({', '.join(c.left_while_asking) or 'nothing'} was being asked)"
        )
    else:
        why = f"scores were {_scores(c)}; {outcome.reasons[0] if outcome.reasons else 'no rule fired'}"
    return _fail(
        "route_expected", f"expected route '{expected}' but the flow chose '{outcome.route}': {why}"
    )


def values_match(expected: Any, actual: Any, tolerance: float) -> bool:
    """Numbers within a relative tolerance; text case-insensitively; lists item by item."""
    if actual is None:
        return False
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual
    if isinstance(expected, int | float):
        if not isinstance(actual, int | float):
            return False
        return abs(actual - expected) <= tolerance * abs(expected) if expected else actual == 0
    if isinstance(expected, list):
        got = [str(a).lower() for a in (actual if isinstance(actual, list) else [actual])]
        return all(any(str(e).lower() in g for g in got) for e in expected)
    return str(expected).strip().lower() == str(actual).strip().lower()


def slots_captured(c: Conversation) -> CheckResult:
    wanted = c.persona.expect.slots
    if not wanted:
        return _skip("slots_captured", "the persona expects no slot values")
    slots = c.state.slots
    problems = []
    for name, expected in wanted.items():
        got = slots.get(name)
        if got is None:
            if name in c.state.declined:
                where = "the buyer declined it"
            elif name in c.state.skipped:
                where = "the bot gave up after re-asking"
            else:
                asked = any(name in m.asking for m in c.state.transcript)
                where = "it was asked but not understood" if asked else "it was never asked"
            problems.append(f"{name}: expected {expected!r}, never captured ({where})")
        elif not values_match(expected, got.value, c.persona.expect.tolerance):
            problems.append(
                f"{name}: expected {expected!r}, captured {got.value!r} from {got.raw!r} (turn {got.turn})"
            )
    if problems:
        return _fail("slots_captured", "; ".join(problems))
    return _ok("slots_captured")


def turn_budget(c: Conversation) -> CheckResult:
    budget = c.persona.expect.max_turns
    if c.capped:
        return _fail(
            "turn_budget",
            f"the conversation hit the simulator's turn cap ({c.turns} buyer messages)",
        )
    if budget is None:
        return _skip("turn_budget", "the persona sets no max_turns")
    if c.turns > budget:
        return _fail("turn_budget", f"took {c.turns} buyer messages, the budget is {budget}")
    return _ok("turn_budget")


_AI = re.compile(r"\b(ai|artificial intelligence|automated|virtual assistant|bot|chatbot)\b", re.I)
_RECORDED = re.compile(r"\b(record|recorded|recording|logged|stored)\b", re.I)


def ai_disclosure(c: Conversation) -> CheckResult:
    opening = " ".join(m.text for m in c.state.transcript if m.role == "bot" and m.turn == 0)
    missing = []
    if not _AI.search(opening):
        missing.append("that the buyer is talking to an AI")
    if not _RECORDED.search(opening):
        missing.append("that the chat is recorded")
    if missing:
        return _fail(
            "ai_disclosure",
            f"the bot's first message never says {' or '.join(missing)} (set bot.disclosure)",
        )
    return _ok("ai_disclosure")


def give_before_ask(c: Conversation) -> CheckResult:
    asked = [(a.turn, a.detail) for a in c.actions if a.kind == "asked"]
    if not asked:
        return _skip("give_before_ask", "the buyer asked no questions")
    problems = []
    for buyer_index, text in asked:
        turn = _engine_turn(c.state.transcript, buyer_index)
        replies = [m for m in c.state.transcript if m.role == "bot" and m.turn == turn]
        answer_at = next(
            (i for i, m in enumerate(replies) if m.kind in ("answer", "dont_know")), None
        )
        ask_at = next((i for i, m in enumerate(replies) if m.asking), None)
        if answer_at is None:
            problems.append(f"the buyer asked {text!r} (turn {turn}) and the bot never answered")
        elif ask_at is not None and ask_at < answer_at:
            problems.append(
                f"at turn {turn} the bot asked {replies[ask_at].text!r} before answering {text!r}"
            )
    if problems:
        return _fail("give_before_ask", "; ".join(problems))
    return _ok("give_before_ask")


def _engine_turn(transcript: list[Message], buyer_index: int) -> int:
    """The persona counts its own messages from 1; so does the engine's turn counter."""
    buyer = [m for m in transcript if m.role == "buyer"]
    return buyer[buyer_index - 1].turn if 0 < buyer_index <= len(buyer) else buyer_index


def approved_answers_only(c: Conversation) -> CheckResult:
    flow = c.flow
    entries = {e.id: e for e in flow.knowledge}
    problems = []
    for m in c.state.transcript:
        if m.role != "bot":
            continue
        if m.kind == "answer":
            entry = entries.get(m.knowledge or "")
            if entry is None:
                problems.append(
                    f"turn {m.turn}: answer {m.text!r} names no knowledge entry of the flow"
                )
            elif "{" not in entry.answer and m.text != render(entry.answer, {}):
                problems.append(f"turn {m.turn}: answer differs from knowledge entry '{entry.id}'")
        elif m.kind == "dont_know" and m.text != flow.bot.dont_know:
            problems.append(f"turn {m.turn}: 'don't know' message differs from bot.dont_know")
        elif m.kind not in BOT_KINDS:
            problems.append(f"turn {m.turn}: message of unknown kind '{m.kind}': {m.text!r}")
    if problems:
        return _fail("approved_answers_only", "; ".join(problems))
    return _ok("approved_answers_only")


def committee_slots(flow: Flow) -> list[str]:
    return [n for n, s in flow.slots.items() if s.type == "list" or "committee" in n.lower()]


def committee_asked(c: Conversation) -> CheckResult:
    route = c.outcome.route
    if route not in SALES_ROUTES:
        return _skip("committee_asked", f"route '{route}' does not go to sales")
    names = committee_slots(c.flow)
    if not names:
        return _fail(
            "committee_asked",
            f"routed '{route}' but the flow has no buying-committee slot (a list slot)",
        )
    asked = any(set(names) & set(m.asking) for m in c.state.transcript)
    if asked or any(n in c.state.slots for n in names):
        return _ok("committee_asked")
    return _fail(
        "committee_asked",
        f"routed '{route}' to sales without asking who else decides ({', '.join(names)}); "
        "ask the committee question before the route step",
    )


def handoff_complete(c: Conversation) -> CheckResult:
    payload = c.outcome.handoff
    missing = []
    if not (payload.flow.id and str(payload.flow.version) and payload.flow.hash):
        missing.append("flow id/version/hash")
    try:
        datetime.fromisoformat(payload.timestamp)
    except ValueError:
        missing.append("a valid timestamp")
    if payload.route != c.outcome.route:
        missing.append(f"the route (payload says {payload.route!r})")
    if len(payload.transcript) != len(c.state.transcript):
        missing.append("the full transcript")
    action = payload.next_action
    if not action.owner:
        missing.append("a next-action owner")
    if not action.action and payload.route != "disqualify":
        missing.append("a next action")
    if not payload.source:
        missing.append("source context (page, UTM)")
    if missing:
        return _fail("handoff_complete", f"the handoff payload lacks {', '.join(missing)}")
    return _ok("handoff_complete")


CHECKS: dict[str, Callable[[Conversation], CheckResult]] = {
    "route_expected": route_expected,
    "slots_captured": slots_captured,
    "turn_budget": turn_budget,
    "ai_disclosure": ai_disclosure,
    "give_before_ask": give_before_ask,
    "approved_answers_only": approved_answers_only,
    "committee_asked": committee_asked,
    "handoff_complete": handoff_complete,
}


def run_checks(c: Conversation) -> list[CheckResult]:
    """The checks the persona asks for, in the fixed order of `CHECKS`."""
    chosen = set(c.persona.checks())
    return [check(c) for check_id, check in CHECKS.items() if check_id in chosen]
