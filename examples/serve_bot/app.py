"""Serve an exported convodesk bot over HTTP: a raw ASGI app, standard library only.

    POST /chat  {"message": "...", "context": {...}}            -> starts a conversation
    POST /chat  {"session_id": "...", "message": "..."}         -> continues it
    <- {"session_id", "messages", "asking", "done", "outcome"}
    GET /health -> the flow id, version and hash being served

Why raw ASGI: the app runs under any ASGI server (uvicorn, hypercorn, granian) and its test
calls it directly, with no web framework to install. The workers keep nothing between
requests: the conversation lives in a `StateStore` as the bot's dumped (optionally signed)
JSON, so any worker can serve any turn.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

MAX_BODY = 64 * 1024
log = logging.getLogger(__name__)
_SESSION_ID = re.compile(r"^[0-9a-f]{32}$")

Scope = Mapping[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class StateStore(Protocol):
    """Where dumped session states wait between requests (Redis, a database row, ...)."""

    def load(self, session_id: str) -> str | None: ...

    def save(self, session_id: str, state: str) -> None: ...


class MemoryStore:
    """One process only; states vanish on restart. For development and tests."""

    def __init__(self) -> None:
        self.states: dict[str, str] = {}

    def load(self, session_id: str) -> str | None:
        return self.states.get(session_id)

    def save(self, session_id: str, state: str) -> None:
        self.states[session_id] = state


class FileStore:
    """One JSON file per session; survives restarts and is shared by workers on one host."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, session_id: str) -> Path | None:
        # ids come from clients: only our own format may become a file name
        return self.folder / f"{session_id}.json" if _SESSION_ID.match(session_id) else None

    def load(self, session_id: str) -> str | None:
        path = self._path(session_id)
        return path.read_text(encoding="utf-8") if path and path.is_file() else None

    def save(self, session_id: str, state: str) -> None:
        path = self._path(session_id)
        if path is None:
            raise ValueError(f"not a session id: {session_id!r}")
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(state)
        os.replace(tmp, path)  # readers never see half a state


class HTTPError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _public_outcome(outcome: Any) -> dict[str, Any] | None:
    """The browser learns how the chat ended, never the scores or the CRM payload."""
    if outcome is None:
        return None
    return {"route": outcome.route, "ended_by": outcome.ended_by}


def _text_field(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise HTTPError(400, f"'{key}' must be a string")
    return value


def chat(bot: Any, store: StateStore, body: Any, state_error: type[Exception]) -> dict[str, Any]:
    """One turn: start or resume, send the message, store the state, describe the reply."""
    if not isinstance(body, dict):
        raise HTTPError(400, "the body must be a JSON object")
    session_id = _text_field(body, "session_id")
    message = _text_field(body, "message")
    context = body.get("context") or {}
    if not isinstance(context, dict):
        raise HTTPError(400, "'context' must be an object")
    if session_id is None:
        session_id = uuid.uuid4().hex
        session = bot.start(context=context)
        messages = list(session.opening.messages)
    else:
        saved = store.load(session_id)
        if saved is None:
            raise HTTPError(404, "unknown session_id; omit it to start a new conversation")
        if message is None:
            raise HTTPError(400, "'message' is required to continue a conversation")
        try:
            session = bot.resume(saved)
        except state_error as exc:  # an old flow version, or a tampered state
            raise HTTPError(409, str(exc)) from None
        messages = []
    if message is not None:
        messages += session.send(message).messages
    store.save(session_id, bot.dump(session))
    return {
        "session_id": session_id,
        "messages": messages,
        "asking": list(session.state.waiting),
        "done": session.done,
        "outcome": _public_outcome(session.outcome),
    }


async def _read_body(receive: Receive) -> bytes:
    chunks, size = [], 0
    while True:
        event = await receive()
        if event["type"] == "http.disconnect":
            raise HTTPError(400, "client disconnected")
        chunk = event.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise HTTPError(413, f"request body over {MAX_BODY} bytes")
        chunks.append(chunk)
        if not event.get("more_body", False):
            return b"".join(chunks)


async def _respond(send: Send, status: int, data: Any) -> None:
    body = json.dumps(data).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        event = await receive()
        if event["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif event["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class ChatApp:
    """The ASGI app serving an imported exported bot package from a `StateStore`.

    `app.bot` is the package's bot: register action handlers and the handoff callback on it.
    """

    def __init__(self, package: Any, store: StateStore, *, secret: str | None = None) -> None:
        self.package = package
        self.store = store
        self.bot = package.create_bot(secret=secret)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = False

        async def tracked(event: dict[str, Any]) -> None:
            nonlocal started
            started = started or event["type"] == "http.response.start"
            await send(event)

        try:
            await self._handle(scope, receive, tracked)
        except Exception:  # a bug or a failing store: the client still gets an answer
            log.exception("chat request failed")
            if not started:
                await _respond(send, 500, {"error": "internal error"})

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope["path"], scope["method"]
        try:
            if path == "/health" and method == "GET":
                pkg = self.package
                health = {"flow": pkg.FLOW_ID, "version": pkg.FLOW_VERSION, "hash": pkg.FLOW_HASH}
                await _respond(send, 200, health)
                return
            if path != "/chat":
                raise HTTPError(404, f"no route {path}")
            if method != "POST":
                raise HTTPError(405, "use POST")
            raw = await _read_body(receive)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                raise HTTPError(400, "the body is not valid JSON") from None
            # The engine's work is a few milliseconds of pure Python: no thread hop needed.
            reply = chat(self.bot, self.store, body, self.package.StateError)
            await _respond(send, 200, reply)
        except HTTPError as exc:
            await _respond(send, exc.status, {"error": str(exc)})
