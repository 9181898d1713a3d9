"""The LLM judge: plain-language rubric items on a persona's expectations, one verdict each.

Verdicts are pass, fail or inconclusive with a reason. The reply is JSON validated by
pydantic (retried once), cached like every call, and any item the judge skipped, or a judge
that could not be reached, is inconclusive: never silently a pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .cache import ReplayMiss
from .client import LLMClient, LLMConfigError, LLMError
from .jsonreply import InvalidReply, ask_json
from .persona import field

VerdictKind = Literal["pass", "fail", "inconclusive"]


class Verdict(BaseModel):
    item: str
    verdict: VerdictKind
    reason: str

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore")
    index: int = Field(ge=1)
    verdict: VerdictKind
    reason: str = Field(min_length=1)


class JudgeReply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    verdicts: list[_Item]


SYSTEM = """You review a recorded chat between a B2B sales assistant ("Bot") and a website \
visitor ("Buyer"). For each numbered rubric item, decide from the transcript alone:
- "pass": the transcript clearly shows the item holds;
- "fail": the transcript clearly shows it does not;
- "inconclusive": the transcript does not let you tell.
Reply with one JSON object and nothing else:
{"verdicts": [{"index": 1, "verdict": "pass" | "fail" | "inconclusive", "reason": "one sentence citing the transcript"}]}"""


def render_transcript(transcript: Iterable[Any]) -> str:
    """Runtime `Message`s or {"role", "text"} dicts, as 'Bot: ...' / 'Buyer: ...' lines."""
    lines = []
    for message in transcript:
        role = str(field(message, "role", ""))
        speaker = "Buyer" if role in ("buyer", "user") else "Bot"
        lines.append(f"{speaker}: {field(message, 'text', '')}")
    return "\n".join(lines)


class Judge:
    def __init__(self, client: LLMClient, *, model: str | None = None) -> None:
        self.client = client
        self.model = model

    async def judge(
        self, rubric: Sequence[str], transcript: Iterable[Any], *, conversation: str = ""
    ) -> list[Verdict]:
        if not rubric:
            return []
        items = "\n".join(f"{i}. {item}" for i, item in enumerate(rubric, 1))
        messages = [
            {"role": "system", "content": SYSTEM},
            {
                "role": "user",
                "content": f"Transcript:\n{render_transcript(transcript)}\n\nRubric:\n{items}",
            },
        ]
        try:
            reply = await ask_json(
                self.client,
                messages,
                JudgeReply,
                llm_model=self.model,
                conversation=conversation,
                turn="judge",
                purpose="judge",
                temperature=0,
            )
        except LLMConfigError:
            raise  # no request of this run can work: the run stops (exit 2)
        except (InvalidReply, LLMError) as exc:
            reason = f"the judge gave no usable answer ({exc})"
            return [Verdict(item=item, verdict="inconclusive", reason=reason) for item in rubric]
        except ReplayMiss:  # the client keeps the miss, and a replay run fails on it
            reason = "no cached judge answer (replay miss)"
            return [Verdict(item=item, verdict="inconclusive", reason=reason) for item in rubric]
        by_index: dict[int, _Item] = {}
        for verdict in reply.verdicts:
            by_index.setdefault(verdict.index, verdict)
        return [
            Verdict(item=item, verdict=by_index[i].verdict, reason=by_index[i].reason)
            if i in by_index
            else Verdict(item=item, verdict="inconclusive", reason="the judge gave no verdict")
            for i, item in enumerate(rubric, 1)
        ]


def tally(verdicts: Iterable[Verdict]) -> dict[str, int]:
    counts = {"pass": 0, "fail": 0, "inconclusive": 0}
    for verdict in verdicts:
        counts[verdict.verdict] += 1
    return counts


def all_passed(verdicts: Sequence[Verdict]) -> bool:
    """True only when every item passed: an inconclusive item is not a pass."""
    return all(v.passed for v in verdicts)


def as_json(verdicts: Iterable[Verdict]) -> str:
    return json.dumps([v.model_dump() for v in verdicts], indent=2)
