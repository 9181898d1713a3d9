"""Getting a validated JSON object out of a model: parse, validate, retry once with feedback.

Retrying with the error appended (instead of re-sending the same request) changes the
request, so it is a different cache entry and a deterministic model can still recover.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .client import LLMClient

Model = TypeVar("Model", bound=BaseModel)
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class InvalidReply(ValueError):
    """The model answered twice, and neither answer fit the schema."""


def parse_json(text: str, model: type[Model]) -> Model:
    """Validate a reply; tolerates a ```json fence, nothing else."""
    match = _FENCE.match(text)
    body = match.group(1) if match else text.strip()
    if not body:
        raise ValueError("the reply was empty")
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the reply was not JSON ({exc.msg} at character {exc.pos})") from None
    return model.model_validate(data)


def describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        parts = [
            f"{'.'.join(str(p) for p in err['loc']) or 'reply'}: {err['msg']}"
            for err in exc.errors()[:5]
        ]
        return "; ".join(parts)
    return str(exc)


async def ask_json(
    client: LLMClient,
    messages: list[dict[str, Any]],
    model: type[Model],
    *,
    llm_model: str | None,
    conversation: str,
    turn: int | str,
    purpose: str,
    tries: int = 2,
    **params: Any,
) -> Model:
    """Raises `InvalidReply` (after `tries` answers), `LLMError` or `ReplayMiss`."""
    history = list(messages)
    problem, empty = "", False
    for _ in range(tries):
        if problem:
            client.note_retry(conversation, "empty_reply" if empty else "invalid_json")
        reply = await client.complete(
            history,
            model=llm_model,
            conversation=conversation,
            turn=turn,
            purpose=purpose,
            response_format={"type": "json_object"},
            **params,
        )
        try:
            return parse_json(reply.text, model)
        except (ValueError, ValidationError) as exc:
            problem, empty = describe(exc), not reply.text.strip()
            history = [
                *history,
                {"role": "assistant", "content": reply.text},
                {
                    "role": "user",
                    "content": f"That reply was invalid: {problem}. "
                    "Answer again with only the JSON object, following the schema exactly.",
                },
            ]
    raise InvalidReply(problem)
