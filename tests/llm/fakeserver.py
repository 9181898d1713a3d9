"""A loopback OpenAI-compatible chat server for tests and the bench: never the internet.

Replies are a function of the request; latency, HTTP errors, hangs past the client timeout,
malformed bodies and empty content are injected per request, so every fault path of the
client runs over real HTTP through litellm.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Script = Callable[[dict[str, Any]], str]
HTTP_FAULTS = ("400", "401", "403", "404", "429", "500", "503")
FAULTS = (*HTTP_FAULTS, "timeout", "malformed", "empty", "disconnect")


def echo_script(request: dict[str, Any]) -> str:
    """Default reply: a short sentence naming the last user message's length (deterministic)."""
    messages = request.get("messages") or [{}]
    last = str(messages[-1].get("content", ""))
    return f"Thanks. We are about 250 people and use spreadsheets ({len(last)})."


BUYER_ANSWERS = (
    ("how many people", "500"),
    ("using for this today", "Spreadsheets and Walnut."),
    ("when are you hoping", "this quarter"),
    ("budget", "60000"),
    ("who else", "Our CFO and our IT lead."),
    ("email", "jennifer@acme-mfg.com"),
    ("what brings you", "We need to replace the spreadsheets our ops team lives in."),
)


def buyer_script(request: dict[str, Any]) -> str:
    """Plays a buyer for flows/saas_inbound.yaml from the bot's last message; leaves at the end."""
    messages = request.get("messages") or [{}]
    bot = str(messages[-1].get("content", "")).lower()
    for cue, answer in BUYER_ANSWERS:
        if cue in bot:
            return answer
    return "Thanks, that's all for now. [LEAVE]"


@dataclass
class FakeLLM:
    """Server state the tests script and inspect; thread-safe."""

    script: Script = echo_script
    latency: float = 0.0
    hang: float = 5.0
    faults: deque[str] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    api_key: str | None = None  # when set, a request without `Bearer <api_key>` gets a 401
    fault_for: Callable[[dict[str, Any]], str | None] | None = None  # a fault chosen per request
    auth: list[str | None] = field(default_factory=list)  # each request's Authorization header
    in_flight: int = 0
    max_in_flight: int = 0
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def calls(self) -> int:
        return len(self.requests)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def inject(self, *faults: str) -> None:
        """Faults apply to the next requests in order, one each."""
        for fault in faults:
            if fault not in FAULTS:
                raise ValueError(f"unknown fault {fault!r}")
            self.faults.append(fault)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.auth.clear()
            self.faults.clear()
            self.max_in_flight = 0

    def _enter(self, body: dict[str, Any], auth: str | None) -> str | None:
        with self._lock:
            self.requests.append(body)
            self.auth.append(auth)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if self.faults:
                return self.faults.popleft()
            return self.fault_for(body) if self.fault_for is not None else None

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


def completion_body(request: dict[str, Any], content: str) -> dict[str, Any]:
    prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in request.get("messages", []))
    completion_tokens = len(content.split())
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": request.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def make_handler(state: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else headers + body as two writes stall ~40 ms

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _send(self, status: int, payload: bytes, ctype: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            try:
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (an injected timeout)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, b'{"error": {"message": "not found"}}')
                return
            auth = self.headers.get("Authorization")
            fault = state._enter(body, auth)
            if state.api_key is not None and auth != f"Bearer {state.api_key}":
                fault = "401"
            try:
                if state.latency:
                    time.sleep(state.latency)
                self._reply(body, fault)
            finally:
                state._leave()

        def _reply(self, body: dict[str, Any], fault: str | None) -> None:
            if fault in HTTP_FAULTS:
                error = {"error": {"message": f"injected {fault}", "type": "fake", "code": fault}}
                self._send(int(fault), json.dumps(error).encode())
            elif fault == "timeout":
                time.sleep(state.hang)
                self._send(200, json.dumps(completion_body(body, "too late")).encode())
            elif fault == "disconnect":
                self.close_connection = True
                self.connection.shutdown(2)
            elif fault == "malformed":
                self._send(200, b'{"id": "chatcmpl-fake", "choices": [{"mess')
            else:
                content = "" if fault == "empty" else state.script(body)
                self._send(200, json.dumps(completion_body(body, content)).encode())

    return Handler


class FakeServer:
    """Runs a `FakeLLM` on 127.0.0.1 and an ephemeral port in a daemon thread."""

    def __init__(self, state: FakeLLM | None = None) -> None:
        self.state = state or FakeLLM()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.state))
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 256
        self.state.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeLLM:
        self.thread.start()
        return self.state

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def main() -> None:
    """`python fakeserver.py --latency 0.2`: serve until killed; prints the port on stdout.

    Replies play a buyer of flows/saas_inbound.yaml (`buyer_script`); the bench uses this.
    """
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    server = FakeServer(FakeLLM(script=buyer_script, latency=args.latency))
    with server as state:
        print(state.port, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.thread.join()


if __name__ == "__main__":
    main()
