"""One conversation, turn by turn.

Order of work in a turn is the domain's, not the program's convenience: answer the buyer's
question first (give before you ask), take every fact they volunteered, apply disqualifiers,
honour a request for a human, and only then continue with the next unanswered question.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from .actions import ActionRequest, run_action
from .model import Step
from .scoring import ScoreResult, decide_route, disqualifier, environment, score
from .state import (
    Event,
    HandoffPayload,
    Message,
    NextAction,
    Outcome,
    RouteDecision,
    Scores,
    SessionState,
    SlotValue,
    Turn,
    encodable,
)
from .templates import render
from .understanding import Analysis, email_domain

if TYPE_CHECKING:
    from .engine import Engine

SOURCE_KEYS = ("page", "referrer", "visitor_id", "landing_page", "locale")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def question_part(text: str) -> str:
    """From the first sentence that asks on: "Hi, I'm Ava. What brings you here?" -> the question.

    Text without a question mark is kept whole (it may ask without one: "Tell me about X.").
    """
    sentences = _SENTENCE_END.split(text)
    for index, sentence in enumerate(sentences):
        if sentence.endswith("?"):
            return " ".join(sentences[index:])
    return text


class Session:
    def __init__(self, engine: Engine, state: SessionState) -> None:
        self.engine = engine
        self.flow = engine.flow
        self.state = state
        self.opening = Turn(
            done=state.done, outcome=state.outcome, step=state.step, asking=list(state.waiting)
        )
        self._out: list[str] = []
        self._events: list[Event] = []
        self._scored: ScoreResult | None = None
        self._base: dict[str, Any] | None = None
        self._environment: dict[str, Any] | None = None
        # True from the start of the opening until the disclosure has been said (see `_say`).
        self._disclosure_due = False

    # -- public ---------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self.state.done

    @property
    def outcome(self) -> Outcome | None:
        return self.state.outcome

    @property
    def slots(self) -> dict[str, Any]:
        return self.state.values()

    def scores(self) -> Scores:
        return self._score().scores

    def open(self) -> Turn:
        """Run the flow up to its first question (called once by `Engine.start`).

        The AI disclosure is the first thing the bot says, exactly once: inside the first
        message when that message carries `{bot.disclosure}`, else as a message of its own
        before it. Wherever else `{bot.disclosure}` appears, it is empty.
        """
        self._disclosure_due = bool(self.flow.bot.disclosure.strip())
        self._advance()
        self._disclose()  # an opening that said nothing at all still discloses
        self.opening = self._turn()
        return self.opening

    def route_preview(self) -> RouteDecision:
        """The route the conversation would get if it ended now; nothing in the state changes.

        Once a route step (or a disqualifier) has decided, that decision; before, what the
        flow's routes decide over the slots and scores so far, as `close()` would.
        """
        if self.state.route is not None:
            return self.state.route.model_copy(deep=True)
        result = self._score()
        return decide_route(
            self.engine.compiled, self._env(), result.reasons, self.flow.handoff.owner
        )

    def send(self, text: str) -> Turn:
        """Take one buyer message and return what the bot says back."""
        if self.state.done:
            return Turn(done=True, outcome=self.state.outcome, scores=self.scores())
        text = encodable(text if isinstance(text, str) else str(text))
        limit = self.flow.bot.max_message_chars
        self.state.turn += 1
        self._forget()
        if len(text) > limit:
            self._event(
                "truncated", f"message cut from {len(text)} to {limit} characters", value=len(text)
            )
            text = text[:limit]
        self.state.transcript.append(Message(role="buyer", text=text, turn=self.state.turn))
        analysis = self._understand(text)
        if analysis.note:
            self._event("understanding", analysis.note, value=analysis.source)
        for flag in analysis.flags:
            if flag not in self.state.flags:
                self.state.flags.append(flag)
            self._event("flag", flag)

        self._give(analysis)
        progressed = self._fill(analysis)

        rule = disqualifier(self.engine.compiled, self._env())
        if rule is not None:
            self._disqualify(rule)
            return self._turn()
        if analysis.wants_human:
            self._say(self._render(self.flow.bot.human_handoff), "handoff")
            self._finish(
                "handoff", owner=self.flow.handoff.on_request_owner, action="human_followup"
            )
            return self._turn()

        self._continue(analysis, progressed)
        return self._turn()

    def close(self, reason: str = "abandoned", *, ended_by: str = "abandoned") -> Turn:
        """End early with whatever the conversation learned (a partial outcome).

        `ended_by` is "abandoned" when the buyer left, "limit" when a turn cap stopped it.
        """
        if ended_by not in ("abandoned", "limit"):
            raise ValueError(f"ended_by must be 'abandoned' or 'limit', not {ended_by!r}")
        if not self.state.done:
            self._base = self._environment = None  # read the state as it is now
            self._event(ended_by, reason)
            self._finish(ended_by)
        return self._turn()

    # -- the turn ---------------------------------------------------------------------------

    def _understand(self, text: str) -> Analysis:
        try:
            return self.engine.understander.analyze(
                text,
                self.flow,
                list(self.state.waiting),
                self.state.values(),
                date.fromisoformat(self.state.reference_date),
            )
        except Exception as exc:
            self._event("understanding_error", f"{type(exc).__name__}: {exc}")
            return Analysis(text=text)

    def _give(self, analysis: Analysis) -> None:
        """Answer every approved entry the buyer asked about, each once, in the order asked;
        whatever no entry answers is said to be unknown once, and kept as outstanding."""
        said: set[str] = set()
        admitted = False  # "I don't know" is said once per turn, however many parts it covers
        for question in analysis.questions:
            reply = self.engine.knowledge.reply(question)
            for match in reply.matches:
                if match.entry.id in said:
                    continue
                said.add(match.entry.id)
                self._say(self._render(match.entry.answer), "answer", knowledge=match.entry.id)
                if match.entry.id not in self.state.answered:
                    self.state.answered.append(match.entry.id)
                self._event("answered", match.entry.id, value=round(match.confidence, 3))
            for part in reply.unanswered:
                if not admitted:
                    admitted = True
                    self._say(self._render(self.flow.bot.dont_know), "dont_know")
                    if not self.state.offered_human:
                        self.state.offered_human = True
                        self._say(self._render(self.flow.bot.offer_human), "offer_human")
                self.state.outstanding.append(part)
                self._event("outstanding", part)

    def _fill(self, analysis: Analysis) -> bool:
        """Store extracted values; a filled slot changes only on a correction or a direct answer."""
        progressed = False
        for extraction in analysis.extractions:
            name = extraction.slot
            if name not in self.flow.slots:
                continue
            problem = self.flow.slots[name].value_problem(extraction.value)
            if problem is not None:  # an understander's guess the slot cannot hold
                self._event("invalid", problem, slot=name, value=repr(extraction.value))
                continue
            current = self.state.slots.get(name)
            asked = name in self.state.waiting
            if current is not None:
                if current.value == extraction.value:
                    progressed = progressed or asked
                    continue
                if not (extraction.correction or asked):
                    self._event("ignored", f"{name} already set", slot=name, value=extraction.value)
                    continue
            source = "answer" if asked else "volunteered"
            if current is not None:
                source = "correction"
            self.state.slots[name] = SlotValue(
                value=extraction.value,
                raw=extraction.raw,
                source=analysis.source if analysis.source != "rules" else source,
                turn=self.state.turn,
                previous=[*current.previous, current.value] if current else [],
            )
            self._forget()
            if name in self.state.declined:
                self.state.declined.remove(name)
            self._event(
                "corrected" if current else "filled", source, slot=name, value=extraction.value
            )
            progressed = True
        for name in analysis.declined:
            if (
                name in self.state.waiting
                and name not in self.state.slots
                and name not in self.state.declined
            ):
                self.state.declined.append(name)
                self._event("declined", slot=name)
                progressed = True
        return progressed

    def _continue(self, analysis: Analysis, progressed: bool) -> None:
        waiting = self.state.waiting
        if not waiting:
            self._advance()
            return
        remaining = [
            s for s in waiting if s not in self.state.slots and s not in self.state.declined
        ]
        step = self.flow.step(self.state.step) if self.state.step else None
        if not remaining:
            self._leave_step()
            self._advance()
        elif progressed or (analysis.questions and not analysis.extractions):
            self._ask(step, remaining, kind="question", again=True)
        else:
            self.state.reasks += 1
            if self.state.reasks > self.flow.max_reasks:
                self.state.skipped.extend(s for s in remaining if s not in self.state.skipped)
                self._event("skipped", ", ".join(remaining))
                self._leave_step()
                self._advance()
            else:
                question = self._question_text(step, remaining, again=True)
                slot = self.flow.slots[remaining[0]]
                template = slot.reask or self.flow.bot.reask
                env = {**self._env(), "question": question}
                self._say(render(template, env, self.engine.kinds), "reask", asking=remaining)
                self._event("reask", ", ".join(remaining))

    # -- walking the graph ------------------------------------------------------------------

    def _leave_step(self) -> None:
        index = self._index(self.state.step)
        self.state.waiting = []
        self.state.reasks = 0
        self.state.step = self.flow.next_of(index) if index is not None else None

    def _index(self, step_id: str | None) -> int | None:
        for i, step in enumerate(self.flow.steps):
            if step.id == step_id:
                return i
        return None

    def _goto_next(self, index: int, target: str | None = None) -> None:
        self.state.step = target if target else self.flow.next_of(index)

    def _advance(self) -> None:
        """Walk steps until one waits for the buyer or the conversation ends.

        Nothing a condition sees changes during a walk (only the buyer's answers do), so a
        walk that comes back to a step it already passed would go round the same way forever:
        it stops there, having said each line once, and ends the conversation (`limit`).
        """
        walked: list[str] = []
        while True:  # ends: a walk passes each step at most once
            index = self._index(self.state.step)
            if index is None:
                self._finish("end")
                return
            step = self.flow.steps[index]
            if step.id in walked:
                loop = " → ".join([*walked[walked.index(step.id) :], step.id])
                self._event("limit", f"steps {loop} repeat without waiting for the buyer")
                self._finish("limit")
                return
            walked.append(step.id)
            if step.id not in self.state.visited:
                self.state.visited.append(step.id)
            if step.when and not self.engine.compiled.holds(step.when, self._env()):
                self._goto_next(index)
                continue
            kind = step.kind
            if kind == "say":
                self._say(self._render(step.say or ""), "say", step=step.id)
                self._goto_next(index)
            elif kind == "ask":
                missing = [
                    s
                    for s in step.asks
                    if s not in self.state.slots and s not in self.state.declined
                ]
                if not missing:
                    self._event("skipped_step", step.id)
                    self._goto_next(index)
                    continue
                self.state.waiting = missing
                self.state.reasks = 0
                self._ask(step, missing, kind="question")
                return
            elif kind == "branch":
                env = self._env()
                target = next(
                    (c.next for c in step.branch or [] if self.engine.compiled.holds(c.when, env)),
                    None,
                )
                self._event("branch", f"{step.id} -> {target or 'next'}")
                self._goto_next(index, target)
            elif kind == "action":
                self._action(step.action or "", step.params, step)
                self._goto_next(index)
            elif kind == "handoff":
                self._say(
                    self._render(step.say or self.flow.bot.human_handoff),
                    "handoff",
                    step=step.id,
                )
                self._finish(
                    "handoff",
                    owner=step.handoff or self.flow.handoff.owner,
                    action="human_followup",
                )
                return
            elif kind == "route":
                decision = self._route()
                self._goto_next(index, decision.next)
            else:  # end
                self._run_pending_action()
                if step.say:
                    self._say(self._render(step.say), "close", step=step.id)
                self._finish("route" if self.state.route else "end")
                return

    def _ask(self, step: Step | None, slots: list[str], kind: str, *, again: bool = False) -> None:
        self._say(
            self._question_text(step, slots, again=again),
            kind,
            asking=slots,
            step=step.id if step else None,
        )

    def _question_text(self, step: Step | None, slots: list[str], *, again: bool = False) -> str:
        """The words that ask for `slots`; `again` (a re-ask, or the question repeated after an
        answer) keeps only the question of a step's text, not its greeting or lead-in."""
        if step is not None and step.say and (len(slots) == len(step.asks) or len(slots) > 1):
            text = self._render(step.say)
            return question_part(text) if again else text
        parts = []
        for name in slots:
            slot = self.flow.slots[name]
            parts.append(
                self._render(slot.ask) if slot.ask else f"What is your {name.replace('_', ' ')}?"
            )
        return " ".join(parts)

    def _route(self) -> RouteDecision:
        """Decide once; the route's action waits until the end, when contact details are known."""
        if self.state.route is not None:
            return self.state.route
        result = self._score()
        env = self._env()
        decision = decide_route(self.engine.compiled, env, result.reasons, self.flow.handoff.owner)
        self.state.route = decision
        self._event("route", decision.route, value=decision.reasons[0])
        route = self.flow.routes[decision.index] if decision.index is not None else None
        if route is not None and route.say:
            self._say(render(route.say, env, self.engine.kinds), "route")
        self.state.next_action = NextAction(
            action=decision.action,
            owner=decision.owner,
            params=decision.params,
            status="pending" if decision.action else "none",
        )
        return decision

    def _run_pending_action(self) -> None:
        pending = self.state.next_action
        if pending is None or pending.status != "pending" or not pending.action:
            return
        if pending.action not in self.engine.actions:
            return
        route = self.state.route.route if self.state.route else None
        self._action(pending.action, pending.params, None, route=route, owner=pending.owner)

    def _action(
        self,
        name: str,
        params: dict[str, Any],
        step: Step | None,
        route: str | None = None,
        owner: str = "",
    ) -> None:
        handler = self.engine.actions.get(name)
        request = ActionRequest(
            name, dict(params), self.state.values(), dict(self.state.context), route
        )
        status, result = run_action(handler, request)
        if step is not None and step.say:
            self._say(self._render(step.say), "say", step=step.id)
        if result.message:
            self._say(result.message, "action")
        detail = str(result.data.get("error", "")) if not result.ok else ""
        self.state.next_action = NextAction(
            action=name,
            owner=owner or self.flow.handoff.owner,
            params=dict(params),
            status=status,
            detail=detail,  # type: ignore[arg-type]
        )
        self._event("action", f"{name}: {status}", value=detail or None)

    def _disqualify(self, rule: Any) -> None:
        self.state.disqualified = rule.reason
        if rule.say:
            self._say(self._render(rule.say), "close")
        owner = rule.owner or "marketing"
        self.state.route = RouteDecision(
            route="disqualify",
            reasons=[f"disqualify: {rule.reason} ({rule.when})"],
            action=rule.action,
            owner=owner,
        )
        self.state.next_action = NextAction(
            action=rule.action, owner=owner, status="pending" if rule.action else "none"
        )
        self._event("disqualified", rule.reason)
        self._finish("disqualify")

    def _finish(self, ended_by: str, owner: str | None = None, action: str | None = None) -> None:
        self._disclose()  # a conversation that ends in its opening has still been told
        result = self._score()
        decision = self.state.route
        if decision is None:
            decision = decide_route(
                self.engine.compiled, self._env(), result.reasons, self.flow.handoff.owner
            )
        next_action = self.state.next_action or NextAction(
            action=decision.action,
            owner=decision.owner,
            params=decision.params,
            status="pending" if decision.action else "none",
        )
        if action is not None:
            next_action = NextAction(
                action=action, owner=owner or next_action.owner, status="pending"
            )
        payload = self._payload(decision, result.scores, next_action)
        self.state.outcome = Outcome(
            route=decision.route,
            ended_by=ended_by,  # type: ignore[arg-type]
            reasons=decision.reasons,
            disqualified=self.state.disqualified,
            scores=result.scores,
            next_action=next_action,
            handoff=payload,
        )
        self.state.done = True
        self.state.waiting = []
        for callback in self.engine.handoff_callbacks:
            try:
                callback(payload)
            except Exception as exc:
                self._event("handoff_error", f"{type(exc).__name__}: {exc}")

    def _payload(
        self, decision: RouteDecision, scores: Scores, next_action: NextAction
    ) -> HandoffPayload:
        values = self.state.values()
        fields: dict[str, Any] = {}
        for field_name, source in self.flow.handoff.fields.items():
            if source.startswith("context."):
                fields[field_name] = self.state.context.get(source.removeprefix("context."))
            else:
                fields[field_name] = values.get(source)
        context = self.state.context
        origin = {k: v for k, v in context.items() if k in SOURCE_KEYS or k.startswith("utm_")}
        return HandoffPayload(
            flow=self.state.flow,
            timestamp=self.engine.clock().isoformat(timespec="seconds"),
            route=decision.route,
            fields=fields,
            slots=values,
            scores=scores,
            reasons=decision.reasons,
            next_action=next_action,
            source=origin,
            outstanding_questions=list(self.state.outstanding),
            flags=list(self.state.flags),
            transcript=[{"role": m.role, "text": m.text} for m in self.state.transcript],
        )

    # -- helpers ------------------------------------------------------------------------------

    def _forget(self) -> None:
        """A slot or the turn changed: the scores and the names conditions see are out of date."""
        self._scored = None
        self._base = None
        self._environment = None

    def _base_env(self) -> dict[str, Any]:
        """Slots, context and derived values, without scores (what scoring rules see)."""
        if self._base is None:
            self._base = environment(
                self.flow,
                self.state.values(),
                None,
                self.state.context,
                self.state.turn,
                email_domain,
            )
        return self._base

    def _score(self) -> ScoreResult:
        """Scoring rules see slots and context only, never other scores, so one pass suffices;
        the result is kept until a slot or the turn changes."""
        if self._scored is None:
            self._scored = score(self.engine.compiled, self._base_env())
        return self._scored

    def _env(self) -> dict[str, Any]:
        """Everything conditions and templates can name; built once until a slot or the turn
        changes (both only read it)."""
        if self._environment is None:
            env = dict(self._base_env())
            scores = self._score().scores
            env.update(fit=scores.fit, intent=scores.intent, capacity=scores.capacity)
            env["total"] = scores.fit + scores.intent + scores.capacity
            bot = self.flow.bot
            names = {"name": bot.name, "company": bot.company, "disclosure": ""}
            env["bot"] = names
            # Said once, first: `{bot.disclosure}` is the disclosure only until it has been
            # said, so a second mention, or a re-asked greeting, does not say it again.
            if self._disclosure_due:
                names["disclosure"] = render(bot.disclosure, env, self.engine.kinds)
            self._environment = env
        return self._environment

    def _render(self, text: str) -> str:
        """`text` with its placeholders filled (text without any needs no environment)."""
        return render(text, self._env(), self.engine.kinds) if "{" in text else render(text, {})

    def _disclose(self, said: str = "") -> None:
        """Say the disclosure now unless `said` (the message about to be said) carries it."""
        if not self._disclosure_due:
            return
        disclosure = self._env()["bot"]["disclosure"]
        self._disclosure_due = False
        self._environment = None  # `{bot.disclosure}` is empty from now on
        if disclosure and disclosure not in said:
            self._say(disclosure, "disclosure")

    def _say(
        self,
        text: str,
        kind: str,
        *,
        asking: list[str] | None = None,
        step: str | None = None,
        knowledge: str | None = None,
    ) -> None:
        if not text:
            return
        if self._disclosure_due:
            self._disclose(text)
        self.state.transcript.append(
            Message(
                role="bot",
                text=text,
                kind=kind,
                asking=asking or [],
                step=step,
                knowledge=knowledge,
                turn=self.state.turn,
            )
        )
        self._out.append(text)

    def _event(
        self, kind: str, detail: str = "", *, slot: str | None = None, value: Any = None
    ) -> None:
        self._events.append(Event(kind=kind, detail=detail, slot=slot, value=value))

    def _turn(self) -> Turn:
        turn = Turn(
            messages=self._out,
            asking=list(self.state.waiting),
            done=self.state.done,
            outcome=self.state.outcome,
            step=self.state.step,
            events=self._events,
            scores=self.state.outcome.scores if self.state.outcome else self.scores(),
        )
        self._out, self._events = [], []
        return turn
