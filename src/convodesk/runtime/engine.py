"""The engine: one compiled flow, many sessions; start, resume, plug in handlers."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from .actions import ActionHandler, HandoffCallback
from .fingerprint import content_hash
from .knowledge import KnowledgeBase
from .model import Flow
from .scoring import CompiledFlow
from .session import Session
from .signing import SignatureError, seal, secret_key, unseal
from .state import STATE_SCHEMA, FlowRef, SessionState, encodable, encodable_value, reference_day
from .understanding import RuleUnderstander, Understander

Clock = Callable[[], datetime]


class StateError(ValueError):
    """A saved state this engine must not continue: another flow, another version, or tampered."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Engine:
    """Runs one flow. Thread-safe to share: all per-conversation data lives in the session state."""

    def __init__(
        self,
        flow: Flow,
        *,
        understander: Understander | None = None,
        actions: Mapping[str, ActionHandler] | None = None,
        on_handoff: HandoffCallback | None = None,
        clock: Clock | None = None,
        secret: str | bytes | None = None,
    ) -> None:
        self.flow = flow
        self._key = secret_key(secret)
        self.hash = content_hash(flow)
        self.ref = FlowRef(id=flow.flow, version=flow.version, hash=self.hash)
        self.compiled = CompiledFlow(flow)
        self.kinds = {name: slot.type for name, slot in flow.slots.items()}
        """Each slot's type, by name: how templates show its value."""
        self.knowledge = KnowledgeBase(flow)
        self.understander: Understander = understander or RuleUnderstander()
        self.actions: dict[str, ActionHandler] = dict(actions or {})
        self.handoff_callbacks: list[HandoffCallback] = [on_handoff] if on_handoff else []
        self.clock: Clock = clock or _utc_now

    @property
    def flow_id(self) -> str:
        return self.flow.flow

    @property
    def version(self) -> int | str:
        return self.flow.version

    @property
    def signs_state(self) -> bool:
        return self._key is not None

    def dump(self, session: Session | SessionState) -> str:
        """The state as JSON to store between requests; signed when the engine has a secret."""
        state = session.state if isinstance(session, Session) else session
        text = state.model_dump_json()
        return seal(self._key, text) if self._key is not None else text

    def register_action(self, name: str, handler: ActionHandler) -> None:
        self.actions[name] = handler

    def on_handoff(self, callback: HandoffCallback) -> HandoffCallback:
        """Register a callback for every finished conversation's CRM payload (usable as decorator)."""
        self.handoff_callbacks.append(callback)
        return callback

    def start(
        self, context: Mapping[str, Any] | None = None, *, reference_date: date | str | None = None
    ) -> Session:
        """Open a conversation; the bot's opening lines are in `session.opening`.

        `reference_date` anchors relative timelines ("by March"): a `date` or "YYYY-MM-DD"
        (ValueError otherwise); without one it is read from the clock, once, here. It is stored,
        so a resumed or replayed session decides exactly as the first time.
        """
        now = self.clock()
        day = reference_day(reference_date) if reference_date not in (None, "") else None
        state = SessionState(
            flow=self.ref,
            step=self.flow.steps[0].id,
            context=_plain_context(context or {}),
            reference_date=day or now.date().isoformat(),
            started_at=now.isoformat(timespec="seconds"),
        )
        session = Session(self, state)
        session.open()
        return session

    def resume(self, saved: str | bytes | Mapping[str, Any] | SessionState) -> Session:
        """Continue a conversation from its saved state, refusing states this flow did not make.

        With a secret, only states this engine's `dump()` signed are accepted (an in-process
        `SessionState` object never left the server and is taken as is).
        """
        if not isinstance(saved, SessionState):
            try:
                saved = unseal(self._key, saved)
            except SignatureError as exc:
                raise StateError(str(exc)) from None
        try:
            if isinstance(saved, SessionState):
                state = saved.model_copy(deep=True)
            elif isinstance(saved, str | bytes):
                state = SessionState.model_validate_json(saved)
            else:
                state = SessionState.model_validate(saved)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            why = str(first["msg"]).removeprefix("Value error, ")
            raise StateError(f"saved state is not a valid session state ({where}: {why})") from None
        if state.schema_version != STATE_SCHEMA:
            raise StateError(
                f"saved state has schema {state.schema_version}, this engine reads {STATE_SCHEMA}"
            )
        if state.flow.id != self.flow.flow:
            raise StateError(
                f"saved state belongs to flow '{state.flow.id}', not '{self.flow.flow}'"
            )
        if state.flow.hash != self.hash or str(state.flow.version) != str(self.flow.version):
            raise StateError(
                f"saved state was made by {state.flow.id} v{state.flow.version} ({state.flow.hash}); this is "
                f"v{self.flow.version} ({self.hash}). Finish old conversations on the old version."
            )
        _check_consistent(self.flow, state)
        return Session(self, state)


def _plain_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """Context must survive JSON: keep what serialises, stringify the rest, and make every
    text encodable (a lone surrogate becomes U+FFFD, see `encodable`)."""
    out: dict[str, Any] = {}
    for key, value in context.items():
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            value = str(value)
        out[encodable(str(key))] = encodable_value(value)
    return out


def _check_consistent(flow: Flow, state: SessionState) -> None:
    """A state whose hash matches but whose body this flow could not have made was edited.

    The engine stores only values that fit their slot's type, names only its own steps, slots
    and knowledge entries, and waits only for the slots of the step it is at. A state that
    breaks any of that would make the conversation go on wrongly, so it is refused, never
    repaired. (An edit that stays within those lines needs a signature to catch: `secret=`.)
    """
    problem = _state_problem(flow, state)
    if problem:
        raise StateError(f"saved state {problem}; it was tampered with")


def _names(kind: str, unknown: list[str]) -> str:
    return f"unknown {kind}(s) {', '.join(u or repr(u) for u in unknown)}"


def _state_problem(flow: Flow, state: SessionState) -> str | None:
    steps = {step.id: step for step in flow.steps}
    knowledge = {entry.id for entry in flow.knowledge}
    try:
        reference_day(state.reference_date)
    except ValueError:  # only an object edited in memory gets here; JSON is checked on parse
        return f"has reference_date {state.reference_date!r}, not a YYYY-MM-DD date"
    if state.turn < 0 or state.reasks < 0:
        field = "turn" if state.turn < 0 else "reasks"
        return f"has {field} {getattr(state, field)}, below 0"
    if state.step is not None and state.step not in steps:
        return f"is at unknown step '{state.step}'"
    unknown = [n for n in [*state.slots, *state.waiting] if n not in flow.slots]
    unknown += [n for n in [*state.declined, *state.skipped] if n not in flow.slots]
    if unknown:
        return f"has {_names('slot', list(dict.fromkeys(unknown)))}"
    for name, held in state.slots.items():
        for value in (held.value, *held.previous):
            why = flow.slots[name].value_problem(value)
            if why:
                kind = flow.slots[name].type
                return f"holds an impossible value for slot '{name}' ({kind}): {why}"
    bad_steps = [v for v in state.visited if v not in steps]
    bad_steps += [m.step for m in state.transcript if m.step is not None and m.step not in steps]
    if bad_steps:
        return f"has visited {_names('step', list(dict.fromkeys(bad_steps)))}"
    bad_entries = [k for k in state.answered if k not in knowledge]
    bad_entries += [
        m.knowledge for m in state.transcript if m.knowledge and m.knowledge not in knowledge
    ]
    if bad_entries:
        return f"has answered from {_names('knowledge entry', list(dict.fromkeys(bad_entries)))}"
    if state.done and state.outcome is None:
        return "is finished but has no outcome"
    if state.waiting:
        step = steps.get(state.step) if state.step else None
        asks = step.asks if step else []
        foreign = [n for n in state.waiting if n not in asks]
        if foreign:
            where = (
                f"step '{state.step}' asks {', '.join(asks) or 'nothing'}" if step else "no step"
            )
            return f"waits for {', '.join(foreign)}, but {where}"
        if state.done:
            return "is finished but still waits for an answer"
    return None
