"""examples/serve_bot: the ASGI app called directly, and once over 127.0.0.1 via serve.py."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from export_support import ROOT, load_module

from convodesk.export import export_package
from convodesk.runtime import Engine, Flow

EXAMPLE = ROOT / "examples" / "serve_bot"
SECRET = "serve-example-secret-0123"
app_module = load_module(EXAMPLE / "app.py", "app")  # serve.py imports it as `app`
serve_module = load_module(EXAMPLE / "serve.py", "serve_bot_serve")


@pytest.fixture
def package(
    tmp_path: Path, example_flow: Flow, import_exported: Callable[[Path, str], ModuleType]
) -> ModuleType:
    export_package(example_flow, tmp_path / "pkg", "served_bot")
    return import_exported(tmp_path / "pkg", "served_bot")


def call(app: Any, method: str, path: str, body: bytes = b"") -> tuple[int, dict[str, Any]]:
    """One HTTP request through the ASGI interface, the way a server drives it."""
    events: list[dict[str, Any]] = []
    pending = [{"type": "http.request", "body": body[:10], "more_body": len(body) > 10}]
    if len(body) > 10:
        pending.append({"type": "http.request", "body": body[10:], "more_body": False})

    async def receive() -> dict[str, Any]:
        return pending.pop(0)

    async def send(event: dict[str, Any]) -> None:
        events.append(event)

    asyncio.run(app({"type": "http", "method": method, "path": path}, receive, send))
    start, content = events
    assert (b"content-type", b"application/json") in start["headers"]
    return start["status"], json.loads(content["body"])


def post(app: Any, data: Any) -> tuple[int, dict[str, Any]]:
    return call(app, "POST", "/chat", json.dumps(data).encode())


@pytest.mark.parametrize("kind", ["memory", "files"])
def test_a_conversation_over_the_app_matches_the_runtime(
    package: ModuleType, example_flow: Flow, tmp_path: Path, kind: str
) -> None:
    store = app_module.MemoryStore() if kind == "memory" else app_module.FileStore(tmp_path / "s")
    app = app_module.ChatApp(package, store, secret=SECRET)
    reference = Engine(example_flow).start(context={"page": "/pricing"})

    status, first = post(app, {"context": {"page": "/pricing"}})
    assert status == 200 and first["messages"] == reference.opening.messages
    assert first["asking"] == reference.opening.asking and first["done"] is False
    sid = first["session_id"]
    for text in ["We're drowning in spreadsheets. Do you support SSO?", "Excel", "300"]:
        status, reply = post(app, {"session_id": sid, "message": text})
        turn = reference.send(text)
        assert status == 200
        assert (reply["messages"], reply["asking"]) == (turn.messages, turn.asking)
    reference.close()
    # The state is stored signed; the reply never carries scores or the CRM payload.
    assert json.loads(store.load(sid))["scheme"] == "hmac-sha256-v1"
    status, _ = post(app, {"session_id": sid, "message": "I have to go, bye"})
    assert status == 200
    status, health = call(app, "GET", "/health")
    assert health == {"flow": "saas_inbound", "version": 1, "hash": package.FLOW_HASH}


def test_first_message_can_come_with_the_start(package: ModuleType, example_flow: Flow) -> None:
    app = app_module.ChatApp(package, app_module.MemoryStore())
    status, reply = post(app, {"message": "Hi, is there a free trial?"})
    reference = Engine(example_flow).start()
    expected = reference.opening.messages + reference.send("Hi, is there a free trial?").messages
    assert status == 200 and reply["messages"] == expected


def test_finished_conversation_reports_only_the_route(package: ModuleType) -> None:
    app = app_module.ChatApp(package, app_module.MemoryStore())
    _, reply = post(app, {})
    sid = reply["session_id"]
    # Ends at the first message if the understanding hears the request for a human, else at
    # the competitor's email address (a disqualifier) once the flow asks for it.
    script = ["Can I talk to a human?", "spreadsheets", "Airtable", "20", "next year", "me"]
    for text in [*script, "bob@opsgrid.io"]:
        _, reply = post(app, {"session_id": sid, "message": text})
        if reply["done"]:
            break
    assert reply["done"] is True and reply["asking"] == []
    assert set(reply["outcome"]) == {"route", "ended_by"}
    assert reply["outcome"]["ended_by"] in ("handoff", "disqualify")


def test_errors_are_json_with_status(package: ModuleType, tmp_path: Path) -> None:
    store = app_module.FileStore(tmp_path)
    app = app_module.ChatApp(package, store, secret=SECRET)
    assert call(app, "GET", "/nope")[0] == 404
    assert call(app, "GET", "/chat") == (405, {"error": "use POST"})
    assert call(app, "POST", "/chat", b"{nope") == (400, {"error": "the body is not valid JSON"})
    assert post(app, ["list"])[0] == 400
    assert post(app, {"message": 3}) == (400, {"error": "'message' must be a string"})
    assert post(app, {"context": "x"})[0] == 400
    assert call(app, "POST", "/chat", b" " * (app_module.MAX_BODY + 1))[0] == 413
    status, body = post(app, {"session_id": "../../etc/passwd", "message": "hi"})
    assert status == 404 and "unknown session_id" in body["error"]

    _, first = post(app, {})
    sid = first["session_id"]
    assert post(app, {"session_id": sid})[0] == 400
    path = tmp_path / f"{sid}.json"
    path.write_text(path.read_text().replace('\\"turn\\":0', '\\"turn\\":7'))
    status, body = post(app, {"session_id": sid, "message": "hi"})
    assert status == 409 and "signature does not match" in body["error"]


def test_starting_with_a_message_says_the_disclosure_once(package: ModuleType) -> None:
    app = app_module.ChatApp(package, app_module.MemoryStore())
    status, reply = post(app, {"message": "Hi, do you support SSO?"})
    disclosure = package.load_flow().bot.disclosure
    assert status == 200
    assert sum(disclosure in line for line in reply["messages"]) == 1
    assert reply["messages"][0].startswith(disclosure)
    assert reply["messages"][-1] == "What brings you to Relay today?"


@pytest.fixture
def served(package: ModuleType) -> Any:
    """serve.py's server on a free loopback port, stopped after the test."""
    app = app_module.ChatApp(package, app_module.MemoryStore())
    server = serve_module.make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def raw_post(port: int, length: str, body: bytes = b"") -> tuple[int, dict[str, Any]]:
    """A POST with a Content-Length of our choosing (http.client would compute a true one)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("POST", "/chat")
        conn.putheader("Content-Length", length)
        conn.endheaders(body or None)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "10, 10", "²"])
def test_serve_answers_a_bad_content_length_with_400(served: int, length: str) -> None:
    status, body = raw_post(served, length)
    assert status == 400 and body["error"].startswith("bad content-length header")


def test_serve_refuses_an_oversized_body_before_reading_it(served: int) -> None:
    # No body follows the header: a server that tried to read it would wait until the
    # client's timeout and this request would fail instead of getting its 413.
    too_big = str(app_module.MAX_BODY + 1)
    assert raw_post(served, too_big) == (413, {"error": "request body over 65536 bytes"})
    assert raw_post(served, "9" * 5000)[0] == 413
    # a good request on a new connection still works
    status, reply = raw_post(served, "2", b"{}")
    assert status == 200 and reply["done"] is False


def test_serve_runs_the_app_over_http(package: ModuleType, example_flow: Flow) -> None:
    app = app_module.ChatApp(package, app_module.MemoryStore())
    server = serve_module.make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/chat"
        request = urllib.request.Request(url, data=b'{"message": "Do you have an API?"}')
        with urllib.request.urlopen(request, timeout=10) as response:
            reply = json.load(response)
        reference = Engine(example_flow).start()
        expected = reference.opening.messages + reference.send("Do you have an API?").messages
        assert reply["messages"] == expected
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url, timeout=10)  # GET
        assert err.value.code == 405
    finally:
        server.shutdown()
        server.server_close()
