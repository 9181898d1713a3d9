"""The offline persona: plays any flow from the persona file, deterministically per seed."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

from convodesk.runtime.model import Flow, Slot
from convodesk.runtime.state import Message, Turn

from . import phrasing
from .drivers import PersonaAction
from .persona import Persona, Question

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "you",
        "your",
        "do",
        "does",
        "what",
        "which",
        "who",
        "how",
        "for",
        "to",
        "of",
        "in",
        "at",
        "on",
        "and",
        "or",
        "it",
        "this",
        "that",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


class ScriptedPersona:
    """A buyer who answers from hidden facts, following the persona's behaviour.

    Randomness comes only from `random.Random(f"{persona}/{seed}")`, so the same seed gives the
    same words. Patience is spent one per message, two when the bot repeats its last question.
    A correction (`behavior.corrects`) comes in the message after the wrong value, or in the
    same message when no later step can ask anything, so it is never silently lost.
    """

    def __init__(self, persona: Persona, *, seed: int = 0, flow: Flow | None = None) -> None:
        self.persona = persona
        self.flow = flow
        self.seed = seed
        self.rng = random.Random(f"{persona.persona}/{seed}")
        self.behavior = persona.behavior
        self.facts: dict[str, Any] = persona.known_facts()
        self.actions: list[PersonaAction] = []
        self.sent = 0
        self.spent = 0
        self.said: dict[str, Any] = {}
        self._wrong = {c.fact: c.said for c in self.behavior.corrects}
        self._to_correct: list[str] = []
        self._questions: list[Question] = sorted(self.behavior.asks, key=lambda q: q.at)
        self._last_asking: tuple[str, ...] = ()

    # -- the driver protocol ----------------------------------------------------------------

    async def opening(self, turn: Turn, history: Sequence[Message]) -> str | None:
        return self.first_message(turn, history)

    async def reply(self, turn: Turn, history: Sequence[Message]) -> str | None:
        return self.next_message(turn, history)

    # -- synchronous core (the async methods only wrap it) -------------------------------------

    def first_message(self, turn: Turn, history: Sequence[Message]) -> str | None:
        self.sent = self.spent = 1
        asking = self.recognise(turn, history)
        self._last_asking = tuple(asking)
        parts: list[str] = []
        opening = self.behavior.opening
        if opening:
            parts.append(self.rng.choice(opening) if isinstance(opening, list) else opening)
        else:
            for name in asking:
                if name in self.facts and name not in self.behavior.volunteers:
                    parts.append(self._state(name, volunteered=True))
        for name in self.behavior.volunteers:
            if name not in self.said:
                parts.append(self._state(name, volunteered=True))
        parts += self._due_questions()
        if not parts:
            parts.append(
                self.rng.choice(["Hi, just having a look.", "Hello, I had a quick look around."])
            )
        return phrasing.message(parts)

    def next_message(self, turn: Turn, history: Sequence[Message]) -> str | None:
        if turn.done:
            return None
        asking = self.recognise(turn, history)
        repeated = bool(asking) and tuple(asking) == self._last_asking
        cost = 2 if repeated else 1
        if self.spent + cost > self.behavior.patience:
            waiting = ", ".join(asking) or "nothing"
            self._act(
                "left", f"patience {self.behavior.patience} ran out while asked for {waiting}"
            )
            return None
        self.spent += cost
        self.sent += 1
        self._last_asking = tuple(asking)
        parts: list[str] = []
        corrected, self._to_correct = self._to_correct, []
        for name in corrected:
            statement = self._state(name, volunteered=True, kind="corrected")
            parts.append(phrasing.correction(statement, self.rng))
        for name in [n for n in asking if n not in corrected]:
            parts.append(self._answer(name))
        if self._to_correct and not self._more_to_ask(turn.step):
            # the bot will ask nothing more, so this message is the buyer's last chance
            for name in self._to_correct:
                statement = self._state(name, volunteered=True, kind="corrected")
                parts.append(phrasing.correction(statement, self.rng, same_message=True))
            self._to_correct = []
        if self.behavior.verbosity == "chatty" and parts and self.rng.random() < 0.5:
            parts.insert(0, phrasing.filler(self.rng))
        parts += self._due_questions()
        if not parts:
            parts.append(phrasing.nothing(self.rng))
        return phrasing.message(parts)

    # -- what the bot wants -------------------------------------------------------------------

    def recognise(self, turn: Turn, history: Sequence[Message]) -> list[str]:
        """The slots the bot is asking for: from the turn, else by matching the question text."""
        if turn.asking:
            return list(turn.asking)
        text = next((m.text for m in reversed(history) if m.role == "bot"), "")
        if not text.rstrip().endswith("?") or self.flow is None:
            return []
        said = _words(text)
        best, best_score = None, 0.0
        for name, slot in self.flow.slots.items():
            name_words = set(name.split("_"))
            if name_words <= said:
                score = 0.9
            elif slot.ask:
                ask = _words(re.sub(r"\{[^}]*\}", " ", slot.ask))
                score = len(ask & said) / max(1, len(ask | said))
            else:
                score = 0.0
            if score > best_score:
                best, best_score = name, score
        return [best] if best is not None and best_score >= 0.5 else []

    def _more_to_ask(self, step_id: str | None) -> bool:
        """Whether any step after `step_id` may still ask for something the buyer has not said.

        Conservative: every branch, `next:` and route target counts, and a step's `when:` is
        assumed to hold, so "nothing more" is only answered when the flow surely ends.
        """
        flow = self.flow
        if flow is None or step_id is None:
            return True
        index = {step.id: i for i, step in enumerate(flow.steps)}
        if step_id not in index:
            return True
        seen: set[str] = set()
        todo = self._after(index[step_id])
        while todo:
            current = todo.pop()
            if current in seen or current not in index:
                continue
            seen.add(current)
            step = flow.steps[index[current]]
            if any(slot not in self.said for slot in step.asks):
                return True
            if step.kind not in ("end", "handoff"):
                todo += self._after(index[current])
        return False

    def _after(self, i: int) -> list[str]:
        assert self.flow is not None
        step = self.flow.steps[i]
        targets = [self.flow.next_of(i), *(case.next for case in step.branch or [])]
        if step.route:
            targets += [route.next for route in self.flow.routes]
        return [t for t in targets if t]

    # -- saying things --------------------------------------------------------------------------

    def _slot(self, name: str) -> Slot | None:
        return self.flow.slots.get(name) if self.flow is not None else None

    def _answer(self, name: str) -> str:
        verbosity = self.behavior.verbosity
        if name in self.behavior.refuses:
            self._act("refused", name, fact=name)
            return phrasing.refuse(self.rng, verbosity)
        if name in self.behavior.deflects:
            self._act("deflected", name, fact=name)
            return phrasing.deflect(self.rng)
        if name not in self.facts:
            self._act("unknown", name, fact=name)
            return phrasing.unknown(self.rng)
        return self._state(name, volunteered=False)

    def _state(self, name: str, *, volunteered: bool, kind: str | None = None) -> str:
        value = self.facts[name]
        if kind is None and name in self._wrong and name not in self.said:
            value = self._wrong[name]
            self._to_correct.append(name)
        self.said[name] = value
        slot = self._slot(name)
        if volunteered:
            text = phrasing.volunteer(name, slot, value, self.rng)
        else:
            text = phrasing.answer(name, slot, value, self.rng, self.behavior.verbosity)
        self._act(kind or ("volunteered" if volunteered else "answered"), text, fact=name)
        return text

    def _due_questions(self) -> list[str]:
        due = [q for q in self._questions if q.at <= self.sent]
        self._questions = [q for q in self._questions if q.at > self.sent]
        for question in due:
            self._act("asked", question.text)
        return [q.text for q in due]

    def _act(self, kind: str, detail: str, fact: str | None = None) -> None:
        self.actions.append(PersonaAction(turn=self.sent, kind=kind, detail=detail, fact=fact))
