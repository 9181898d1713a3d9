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

from convodesk.runtime.conditions import compile_condition
from convodesk.runtime.model import Flow
from convodesk.runtime.scoring import CompiledFlow, decide_route, environment
from convodesk.runtime.state import Message
from convodesk.runtime.templates import render
from convodesk.runtime.understanding import email_domain

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
    """`rule` names the flow rule a failed route points at (`routes[0]`, `disqualify[1]`,
    `no_disqualifier`, `no_route`), so a report can say which rule caused how many failures."""

    id: str
    status: Status
    explanation: str = ""
    rule: str = ""


def _ok(check: str, note: str = "") -> CheckResult:
    return CheckResult(check, "pass", note)


def _fail(check: str, why: str) -> CheckResult:
    return CheckResult(check, "fail", why)


def _skip(check: str, why: str) -> CheckResult:
    return CheckResult(check, "skip", why)


def _scores(c: Conversation) -> str:
    s = c.outcome.scores
    return f"fit {s.fit}, intent {s.intent}, capacity {s.capacity}"


def _shown(value: Any) -> str:
    return f"{value!r}" if not isinstance(value, str) else f"'{value}'"


def route_expected(c: Conversation) -> CheckResult:
    expected = c.persona.expect.route
    if expected is None:
        return _skip("route_expected", "the persona expects no particular route")
    outcome = c.outcome
    if outcome.route == expected:
        return _ok("route_expected")
    why = explain_route(c, expected)
    return CheckResult(
        "route_expected",
        "fail",
        f"expected route '{expected}' but the flow chose '{outcome.route}': {why}",
        rule=deciding_rule(c, expected),
    )


def deciding_rule(c: Conversation, expected: str) -> str:
    """The rule behind a wrong route: the disqualifier that fired, the missing disqualifier,
    or the route rule that fired (`no_route`: none held and the flow fell back to nurture)."""
    if c.outcome.disqualified:
        index = _disqualifier_index(c.flow, c.outcome.disqualified)
        return f"disqualify[{index}]" if index is not None else "disqualify"
    if expected == "disqualify":
        return "no_disqualifier"
    index = _route_index(c, CompiledFlow(c.flow), _env(c))
    return f"routes[{index}]" if index is not None else "no_route"


def rule_text(flow: Flow, rule: str) -> str:
    """A `deciding_rule` key as a reader sees it: `routes[0] 'warm' (when: fit >= 80)`."""
    if rule.startswith("routes[") and rule.endswith("]"):
        index = int(rule[7:-1])
        if index < len(flow.routes):
            return _route_rule(flow, index)
    if rule.startswith("disqualify[") and rule.endswith("]"):
        index = int(rule[11:-1])
        if index < len(flow.disqualify):
            d = flow.disqualify[index]
            return f"disqualifier disqualify[{index}] '{d.reason}' (when: {d.when})"
    return {
        "no_disqualifier": "no disqualifier",
        "no_route": "no route condition (the nurture fallback)",
    }.get(rule, rule)


def explain_route(c: Conversation, expected: str) -> str:
    """Every branch names the rule that decided and the scores, so the cause is in the flow file.

    The flow model keeps no file positions, so rules are named by their path in the file
    (`routes[0]`, `disqualify[1]`) and quoted by their `when:` text.
    """
    parts: list[str] = []
    if c.outcome.disqualified:
        parts.append(_fired_disqualifier(c))
    elif expected == "disqualify":
        parts.append(_no_disqualifier(c))
    ending = _early_end(c)
    if ending:
        parts.append(ending)
    if not c.outcome.disqualified:
        parts.append(_fired_route(c, expected))
    else:
        parts.append(f"scores were {_scores(c)}")
    return "; ".join(parts)


def _env(c: Conversation) -> dict[str, Any]:
    """The names the flow's conditions saw at the end, rebuilt the way the session builds them."""
    state = c.state
    return environment(
        c.flow, state.values(), c.outcome.scores, state.context, state.turn, email_domain
    )


def _route_rule(flow: Flow, index: int) -> str:
    route = flow.routes[index]
    when = f"when: {route.when}" if route.when else "no when, so it always holds"
    return f"routes[{index}] '{route.route}' ({when})"


def _route_index(c: Conversation, compiled: CompiledFlow, env: dict[str, Any]) -> int | None:
    """The route rule that decided; None when no condition held (the nurture fallback)."""
    decision = c.state.route
    index = decision.index if decision is not None else None
    if index is None:  # decided when the conversation closed: the same first-match rule
        index = decide_route(compiled, env, [], "").index
    return index if index is not None and index < len(c.flow.routes) else None


def _disqualifier_index(flow: Flow, reason: str) -> int | None:
    return next((i for i, d in enumerate(flow.disqualify) if d.reason == reason), None)


def _fired_route(c: Conversation, expected: str) -> str:
    flow = c.flow
    env = _env(c)
    compiled = CompiledFlow(flow)
    index = _route_index(c, compiled, env)
    if index is None:
        fired = (
            f"no route condition held, so the flow fell back to nurture, with scores {_scores(c)}"
        )
    else:
        fired = f"route rule {_route_rule(flow, index)} fired with scores {_scores(c)}"
    if expected == "disqualify":
        return fired
    wanted = next((i for i, r in enumerate(flow.routes) if r.route == expected), None)
    if wanted is None:
        return f"{fired}; the flow has no '{expected}' route"
    if index is not None and wanted < index:
        holds = "did not hold"
    elif compiled.holds(flow.routes[wanted].when, env):
        holds = "holds too, but comes later"
    else:
        holds = "does not hold"
    return f"{fired}; the expected rule {_route_rule(flow, wanted)} {holds}"


def _fired_disqualifier(c: Conversation) -> str:
    reason = c.outcome.disqualified
    index = _disqualifier_index(c.flow, reason or "")
    if index is None:
        return f"it was disqualified as '{reason}'"
    rule = c.flow.disqualify[index]
    env = _env(c)
    read = ", ".join(_value_of(name, env) for name in _names(rule.when))
    return f"disqualifier disqualify[{index}] '{reason}' fired (when: {rule.when})" + (
        f" with {read}" if read else ""
    )


def _no_disqualifier(c: Conversation) -> str:
    """What the disqualifiers could see: a missing rule shows as a value nothing tests."""
    flow = c.flow
    env = _env(c)
    read = list(dict.fromkeys(n for d in flow.disqualify for n in _names(d.when)))
    if not flow.disqualify:
        parts = ["no disqualifier fired: the flow has no disqualify rules"]
    else:
        parts = [
            f"no disqualifier fired; disqualifiers check: {', '.join(read)}",
            "the conversation had " + ", ".join(_value_of(name, env) for name in read),
        ]
    conditions = " ".join(d.when for d in flow.disqualify)
    untested = [
        f"{name} == '{env[name]}'"
        for name in read
        if isinstance(env.get(name), str)
        and name in flow.slots
        and flow.slots[name].type == "enum"
        and f"'{env[name]}'" not in conditions
        and f'"{env[name]}"' not in conditions
    ]
    unread = [
        f"{name} = '{c.state.slots[name].value}'"
        for name, slot in flow.slots.items()
        if slot.type == "enum" and name in c.state.slots and name not in read
    ]
    if untested:
        parts.append(f"no disqualifier tests {' or '.join(untested)} (is a rule missing?)")
    if unread:
        parts.append(f"captured, but read by no disqualifier: {', '.join(unread)}")
    return "; ".join(parts)


def _early_end(c: Conversation) -> str:
    """Why the route may rest on a partial conversation."""
    routed = c.state.route is not None
    when = "after the route was decided" if routed else "before the route step"
    if c.left:
        asked = ", ".join(c.left_while_asking) or "nothing"
        return f"the buyer left at message {c.turns} ({asked} was being asked), {when}"
    if c.capped:
        return f"the simulator's turn cap stopped it at message {c.turns}, {when}"
    if c.outcome.ended_by == "handoff" and not routed:
        return "the buyer was handed to a human before the route step"
    return ""


def _names(source: str) -> list[str]:
    """Names a condition reads, in the order written (a frozenset's order is not stable)."""
    names = compile_condition(source).names
    return sorted(names, key=lambda n: (source.find(n), n))


def _value_of(name: str, env: dict[str, Any]) -> str:
    if name.startswith("context."):
        value = env.get("context", {}).get(name.removeprefix("context."))
    else:
        value = env.get(name)
    return f"{name} unknown" if value is None else f"{name} = {_shown(value)}"


def _normal(text: Any) -> str:
    """Case, whitespace and punctuation do not change what a phrase says."""
    return " ".join(re.findall(r"[a-z0-9@]+", str(text).lower()))


def _contains(phrase: Any, text: Any) -> bool:
    wanted = _normal(phrase)
    return bool(wanted) and f" {wanted} " in f" {_normal(text)} "


def values_match(
    expected: Any, actual: Any, tolerance: float, slot_type: str | None = None
) -> bool:
    """Numbers within a relative tolerance; free text by containment; lists item by item.

    A text slot keeps the buyer's own words ("now it's spreadsheets and email"), so it passes
    when it contains the expected phrase; a list passes when each expected item is contained
    in some captured item. Case, whitespace and punctuation are ignored; other values
    (enums, emails, timelines) must be equal.
    """
    if actual is None:
        return False
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual
    if isinstance(expected, int | float):
        if not isinstance(actual, int | float):
            return False
        return abs(actual - expected) <= tolerance * abs(expected) if expected else actual == 0
    if isinstance(expected, list) or slot_type == "list":
        wanted = expected if isinstance(expected, list) else [expected]
        got = actual if isinstance(actual, list) else [actual]
        return all(any(_contains(e, g) for g in got) for e in wanted)
    if slot_type == "text":
        return _contains(expected, actual)
    return _normal(expected) == _normal(actual) and bool(str(expected).strip())


def slot_type(flow: Flow, name: str) -> str | None:
    slot = flow.slots.get(name)
    return slot.type if slot is not None else None


def withheld(c: Conversation) -> dict[str, str]:
    """Facts the buyer never states (`behavior.refuses`/`deflects`) -> "refuses"/"deflects".

    A fact an LLM-played buyer revealed after all (the fact checker's "fact_revealed") is left
    out: the bot captured what it was told, and the simulator is blamed for it elsewhere.
    """
    behavior = c.persona.behavior
    found = {name: "deflects" for name in behavior.deflects}
    found.update({name: "refuses" for name in behavior.refuses})
    revealed = {a.fact for a in c.actions if a.kind == "fact_revealed"}
    return {name: how for name, how in found.items() if name not in revealed}


def withheld_captured(c: Conversation) -> list[str]:
    """Withheld facts that got a value anyway: whatever it is, the buyer never said it."""
    return [name for name in withheld(c) if name in c.state.slots]


def _withheld_problem(c: Conversation, name: str, how: str) -> str:
    got = c.state.slots[name]
    verb = "refused" if how == "refuses" else "deflected"
    return (
        f"{name}: the buyer {verb} it (behavior.{how}), yet the bot captured {got.value!r} "
        f"from {got.raw!r} (turn {got.turn}); a refusal or a non-answer must leave the slot "
        "empty (declined, or asked again)"
    )


def slots_captured(c: Conversation) -> CheckResult:
    """Every expected value captured, and nothing captured for a fact the buyer withheld."""
    wanted = c.persona.expect.slots
    hidden = withheld(c)
    if not wanted and not hidden:
        return _skip("slots_captured", "the persona expects no slot values")
    slots = c.state.slots
    problems = []
    for name, expected in wanted.items():
        got = slots.get(name)
        kind = slot_type(c.flow, name)
        if got is None:
            if name in c.state.declined:
                where = "the buyer declined it"
            elif name in c.state.skipped:
                where = "the bot gave up after re-asking"
            else:
                asked = any(name in m.asking for m in c.state.transcript)
                where = "it was asked but not understood" if asked else "it was never asked"
            problems.append(f"{name}: expected {expected!r}, never captured ({where})")
        elif not values_match(expected, got.value, c.persona.expect.tolerance, kind):
            how = " (a text slot passes when it contains the phrase)" if kind == "text" else ""
            problems.append(
                f"{name}: expected {expected!r}{how}, captured {got.value!r} from {got.raw!r} "
                f"(turn {got.turn}){_unsaid_correction(c, name)}"
            )
    problems += [
        _withheld_problem(c, name, how)
        for name, how in hidden.items()
        if name in slots and name not in wanted
    ]
    if problems:
        return _fail("slots_captured", "; ".join(problems))
    return _ok("slots_captured")


def _unsaid_correction(c: Conversation, name: str) -> str:
    """A wrong value stated on purpose (behavior.corrects): was it corrected, and was it heard?"""
    wrong = {x.fact: x.said for x in c.persona.behavior.corrects}
    if name not in wrong:
        return ""
    said = next((a.turn for a in c.actions if a.kind == "corrected" and a.fact == name), None)
    if said is None:
        return (
            f"; the buyer said {wrong[name]!r} on purpose (behavior.corrects) and the "
            "conversation ended before they could correct it"
        )
    return f"; the buyer corrected {wrong[name]!r} in message {said}, but the bot did not take it"


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
        + _committee_advice(c, names),
    )


def _committee_advice(c: Conversation, names: list[str]) -> str:
    """Why the question was never put, so the advice fits: the flow may ask it in a step the
    buyer never reached, or skip it by a `when:`, or not ask it at all."""
    steps = [s for s in c.flow.steps if set(s.asks) & set(names)]
    if not steps:
        return f"no step asks it: add one that asks {names[0]} before the route step"
    visited = [s for s in steps if s.id in c.state.visited]
    routed = any(s.kind == "route" and s.id in c.state.visited for s in c.flow.steps)
    if not visited and not routed and (c.left or c.capped):
        who = "the buyer left" if c.left else "the simulator's turn cap stopped the conversation"
        return (
            f"{who} at message {c.turns}, before step '{steps[0].id}' asks it, and the route "
            f"was decided on what was said by then; to keep such leads out of sales, make the "
            f"sales routes require '{names[0]} is set'"
        )
    skipped = [s for s in visited if s.when]
    if skipped:
        step = skipped[0]
        return f"step '{step.id}' was skipped because its when: {step.when} did not hold"
    return "ask the committee question before the route step"


def handoff_complete(c: Conversation) -> CheckResult:
    """The payload a CRM receives must let a human pick up without re-asking anything."""
    payload = c.outcome.handoff
    state = c.state
    missing = []
    if not (payload.flow.id and str(payload.flow.version) and payload.flow.hash):
        missing.append("flow id/version/hash")
    try:
        datetime.fromisoformat(payload.timestamp)
    except ValueError:
        missing.append("a valid timestamp")
    if payload.route != c.outcome.route:
        missing.append(f"the route (payload says {payload.route!r})")
    decided = state.route is not None or c.outcome.disqualified is not None
    if decided and not payload.reasons:
        missing.append("the reasons the route rules fired")
    if payload.scores is None or payload.scores != c.outcome.scores:
        missing.append(f"the scores ({_scores(c)})")
    missing += _fields_missing(c)
    if list(payload.outstanding_questions) != list(state.outstanding):
        missing.append(
            f"the outstanding questions (the bot could not answer {len(state.outstanding)}, "
            f"the payload lists {len(payload.outstanding_questions)})"
        )
    spoken = [(m.role, m.text) for m in state.transcript]
    sent = [(m.get("role"), m.get("text")) for m in payload.transcript]
    if sent != spoken:
        missing.append(
            f"the full transcript ({len(sent)} of {len(spoken)} messages, or not verbatim)"
        )
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


def _fields_missing(c: Conversation) -> list[str]:
    """Each `handoff.fields` entry is present; empty only when the conversation never learned it."""
    fields = c.outcome.handoff.fields
    problems = []
    for name, source in c.flow.handoff.fields.items():
        if source.startswith("context."):
            known = c.state.context.get(source.removeprefix("context."))
        else:
            slot = c.state.slots.get(source)
            known = slot.value if slot is not None else None
        if name not in fields:
            problems.append(f"field '{name}'")
        elif fields[name] is None and known is not None:
            problems.append(f"field '{name}' (empty, but {source} is {_shown(known)})")
        elif fields[name] != known:
            problems.append(f"field '{name}' as learned ({source} is {_shown(known)})")
    return problems


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
