"""On-disk response cache: a second run of the same suite makes zero calls, and `--replay`
makes CI deterministic.

One JSON file per request, named by the sha256 of model + messages + parameters and written
atomically (temp file + rename), so concurrent conversations and interrupted runs never
leave a half-written entry. Each entry also stores which conversation and turn asked, so a
replay miss can say where it happened and what changed against the closest cached request.
Only successful responses are stored.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

ENTRY_SCHEMA = 1


class CacheMode(StrEnum):
    READ_WRITE = "read_write"
    REPLAY = "replay"
    OFF = "off"


class CachedResponse(BaseModel):
    text: str
    model: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    cost_known: bool = False
    latency: float = 0.0


class CacheEntry(BaseModel):
    schema_version: int = ENTRY_SCHEMA
    key: str
    model: str
    messages: list[dict[str, Any]]
    params: dict[str, Any] = Field(default_factory=dict)
    conversation: str = ""
    turn: str = ""
    purpose: str = ""
    response: CachedResponse


class ReplayMiss(LookupError):
    """`--replay` found no cached response: the run would have differed from the recorded one."""

    def __init__(self, conversation: str, turn: str, purpose: str, diff: str) -> None:
        self.conversation, self.turn, self.purpose, self.diff = conversation, turn, purpose, diff
        where = f"conversation {conversation or '?'}, turn {turn or '?'}"
        head = f"replay miss: no cached {purpose or 'LLM'} response for {where}"
        super().__init__(f"{head}\n{diff}" if diff else head)


def request_key(model: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> str:
    blob = json.dumps(
        {"model": model, "messages": messages, "params": params},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _render(model: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> list[str]:
    lines = [f"model: {model}"]
    lines += [
        f"{k}: {json.dumps(v, sort_keys=True, default=str)}" for k, v in sorted(params.items())
    ]
    for message in messages:
        lines.append(f"--- {message.get('role', '?')}")
        lines += str(message.get("content", "")).splitlines() or [""]
    return lines


class ResponseCache:
    """Lookups are a single file read; nothing is held in memory, so runs can share a folder."""

    def __init__(self, folder: Path | str, mode: CacheMode = CacheMode.READ_WRITE) -> None:
        self.folder = Path(folder)
        self.mode = mode

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> CacheEntry | None:
        if self.mode is CacheMode.OFF:
            return None
        try:
            return CacheEntry.model_validate_json(self._path(key).read_bytes())
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, ValidationError):
            return None  # a corrupt entry is a miss; the next successful call overwrites it

    def put(self, entry: CacheEntry) -> None:
        if self.mode is not CacheMode.READ_WRITE:
            return
        path = self._path(entry.key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(entry.model_dump_json(indent=1))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def entries(self) -> list[CacheEntry]:
        found = []
        for path in sorted(self.folder.glob("*/*.json")):
            try:
                found.append(CacheEntry.model_validate_json(path.read_bytes()))
            except (OSError, ValidationError):
                continue
        return found

    def miss(
        self,
        model: str,
        messages: list[dict[str, Any]],
        params: dict[str, Any],
        *,
        conversation: str,
        turn: str,
        purpose: str,
    ) -> ReplayMiss:
        """Build the replay error: the diff against the closest entry for the same place.

        Only a request of the same purpose (persona, understanding, judge) is compared: a new
        rubric diffed against a persona request would show two unrelated prompts. Candidates
        are that conversation's requests of this turn, else of any turn; when it has none (a
        conversation judged for the first time), the error says so instead of guessing.
        """
        wanted = _render(model, messages, params)
        pool = [
            e for e in self.entries() if e.conversation == conversation and e.purpose == purpose
        ]
        candidates = [e for e in pool if e.turn == turn] or pool
        if not candidates:
            what = f"{purpose} request" if purpose else "request"
            return ReplayMiss(
                conversation,
                turn,
                purpose,
                f"(no cached {what} for this conversation to compare with: it was never "
                "recorded; run once without --replay to record it)",
            )

        def similarity(entry: CacheEntry) -> float:
            theirs = _render(entry.model, entry.messages, entry.params)
            return difflib.SequenceMatcher(None, theirs, wanted, autojunk=False).ratio()

        closest = max(candidates, key=similarity)
        diff = difflib.unified_diff(
            _render(closest.model, closest.messages, closest.params),
            wanted,
            fromfile=f"cached (conversation {closest.conversation}, turn {closest.turn})",
            tofile="this run",
            lineterm="",
        )
        return ReplayMiss(conversation, turn, purpose, "\n".join(diff))
