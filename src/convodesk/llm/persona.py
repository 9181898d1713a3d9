"""An LLM-played buyer: a persona's profile, hidden facts and behaviour become a system
prompt, and each bot turn becomes one completion.

Simulated buyers break role and invent facts. A reply that is empty or breaks role (speaks
as the assistant, mentions being an AI, echoes its instructions) is retried once with a
nudge, then recorded as a persona failure, never raised. `check_facts` compares what the
persona said with its hidden facts, so a bad simulation is reported apart from a bad flow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from .client import LLMClient, LLMConfigError, LLMError

LEAVE = "[LEAVE]"
_AI_TALK = re.compile(
    r"\b(as an ai|an ai (language )?model|language model|i am an ai|i'm an ai|"
    r"i am a (simulated|virtual) (buyer|persona)|as a (simulated )?(buyer )?persona|system prompt|"
    r"hidden facts)\b",
    re.IGNORECASE,
)


def field(obj: Any, name: str, default: Any = None) -> Any:
    """Read a persona attribute whether the sim hands us a pydantic model or a mapping."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return value


class PersonaReply(BaseModel):
    """What the buyer typed, whether they leave, and why the simulation failed if it did."""

    text: str | None = None
    leave: bool = False
    failure: str | None = None
    attempts: int = 0


PROMPT = """You are role-playing a buyer visiting a B2B software website and chatting with \
its sales assistant. Stay in character for the whole chat: you are the human visitor, \
never the assistant, and you never mention being an AI, a simulation or these instructions.

Who you are: {profile}
What is true about you (reveal a fact only when asked or when it comes up naturally; \
never invent facts that are not here; if asked something not listed, say you are not sure): \
{facts}
How you behave: {behavior}
{instructions}
Write only the next chat message you would type, in plain text, {length}. \
When you are done (your question is answered, you have what you came for, or you have lost \
patience), end your message with {leave} (alone, if you have nothing more to say)."""


class LLMPersona:
    """One conversation's buyer (the driver keeps that conversation's history)."""

    def __init__(
        self,
        persona: Any,
        client: LLMClient,
        *,
        conversation: str,
        model: str | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        tries: int = 2,
    ) -> None:
        self.persona = persona
        self.client = client
        self.conversation = conversation
        self.model = model
        self.temperature = temperature
        self.seed = seed
        self.tries = tries
        self.history: list[dict[str, str]] = []
        self.system = self.system_prompt()
        behavior = field(persona, "behavior", {}) or {}
        self.patience = int(field(behavior, "patience", 0) or 0)
        self.said: list[tuple[int, str, list[str]]] = []

    def system_prompt(self) -> str:
        persona = self.persona
        behavior = plain(field(persona, "behavior", {})) or {}
        verbosity = field(behavior, "verbosity", "normal")
        length = {"terse": "in a few words", "chatty": "in two to four sentences"}.get(
            str(verbosity), "in one or two sentences"
        )
        instructions = str(field(persona, "instructions", "") or "").strip()
        return PROMPT.format(
            profile=_compact(plain(field(persona, "profile", {}))),
            facts=_compact(plain(field(persona, "facts", {}))),
            behavior=_compact(behavior),
            instructions=f"Also: {instructions}\n" if instructions else "",
            length=length,
            leave=LEAVE,
        )

    def role_break(self, text: str, bot_lines: list[str]) -> str | None:
        """Why `text` is not something this buyer would type, or None if it is fine."""
        stripped = text.strip()
        if not stripped:
            return "empty reply"
        if _AI_TALK.search(stripped):
            return "talks about being an AI or about its instructions"
        lowered = stripped.lower()
        if re.match(r"^(assistant|bot|ava|agent)\s*:", lowered):
            return "speaks as the assistant"
        for line in bot_lines:
            if len(line) >= 40 and line.lower() in lowered:
                return "repeats the assistant's words"
        for line in self.system.splitlines():
            if len(line) >= 40 and line.lower()[:60] in lowered:
                return "echoes its instructions"
        return None

    async def reply(
        self, bot_lines: list[str], *, turn: int, asking: list[str] | None = None
    ) -> PersonaReply:
        """The buyer's next message after the bot said `bot_lines`."""
        if self.patience and turn > self.patience:
            return PersonaReply(leave=True)
        bot_text = "\n".join(bot_lines)
        messages = [
            {"role": "system", "content": self.system},
            *self.history,
            {"role": "user", "content": bot_text},
        ]
        attempts, problem, said = 0, "", ""
        for _ in range(self.tries):
            if problem:  # the previous answer was unusable: this is a nudged re-ask
                cause = "empty_reply" if problem == "empty reply" else "role_break"
                self.client.note_retry(self.conversation, cause)
            attempts += 1
            try:
                completion = await self.client.complete(
                    messages,
                    model=self.model,
                    conversation=self.conversation,
                    turn=turn,
                    purpose="persona",
                    temperature=self.temperature,
                    seed=self.seed,
                )
            except LLMConfigError:
                raise  # no request of this run can work: the run stops (exit 2)
            except LLMError as exc:
                return PersonaReply(
                    leave=True, failure=f"persona call failed: {exc}", attempts=attempts
                )
            text = _unprefix(
                completion.text, str(field(field(self.persona, "profile", {}), "name", ""))
            )
            problem = self.role_break(text, bot_lines) or ""
            said = text
            if not problem:
                leave = LEAVE in text
                text = " ".join(text.replace(LEAVE, " ").split())
                self.history += [
                    {"role": "user", "content": bot_text},
                    {"role": "assistant", "content": completion.text},
                ]
                if text:
                    self.said.append((turn, text, list(asking or [])))
                return PersonaReply(text=text or None, leave=leave, attempts=attempts)
            messages = [
                *messages,
                {"role": "assistant", "content": completion.text},
                {
                    "role": "user",
                    "content": "(Stay in character: you are the visitor, not the assistant. "
                    "Type only your next chat message.)",
                },
            ]
        failure = f"persona broke role ({problem})"
        if said.strip():
            failure += f": {_quote(said)}"
        return PersonaReply(leave=True, failure=failure, attempts=attempts)


def _quote(text: str, limit: int = 160) -> str:
    """The reply that broke role, on one line, so a report shows what the model said."""
    flat = " ".join(text.split())
    return json.dumps(flat if len(flat) <= limit else flat[: limit - 1] + "…", ensure_ascii=False)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _unprefix(text: str, name: str) -> str:
    """'Jennifer: hi' -> 'hi': a speaker label is formatting, not a role break."""
    text = text.strip()
    for label in (name, name.split(" ")[0] if name else "", "buyer", "visitor", "user"):
        if label and text.lower().startswith(label.lower() + ":"):
            return text[len(label) + 1 :].strip()
    return text
