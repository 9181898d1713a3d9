"""Run the chat app on 127.0.0.1 with nothing but the standard library.

    python examples/serve_bot/serve.py acme_bot --port 8000 [--store ./sessions]

`http.server` is not an ASGI server: `ASGIBridge` runs each request through the ASGI app with
`asyncio.run`, one thread per request. Good for trying the bot; in production run `app.py`
under a real ASGI server instead, e.g. `pip install uvicorn` and a three-line module calling
`ChatApp(...)`. Set BOT_SECRET to sign stored states.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app import MAX_BODY, ChatApp, FileStore, MemoryStore


def body_length(header: str | None) -> tuple[int, str | None]:
    """The request body's size from its Content-Length, or the reason the request is refused.

    Checked before a byte is read: a bad header is a 400, and a body over MAX_BODY is a 413
    that never makes the server read (or wait for) it.
    """
    text = (header or "0").strip()
    if not (text.isascii() and text.isdigit()):  # also refuses "-1", "1e3" and "10, 10"
        return 0, f"bad content-length header: {text[:40]!r}"
    length = int(text) if len(text) <= 20 else MAX_BODY + 1  # no 4300-digit int()s
    if length > MAX_BODY:
        return length, f"request body over {MAX_BODY} bytes"
    return length, None


def make_server(app: ChatApp, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """An HTTP server handing every request to the ASGI `app`."""

    class ASGIBridge(BaseHTTPRequestHandler):
        def _refuse(self, status: int, message: str) -> None:
            data = json.dumps({"error": message}).encode()
            self.close_connection = True  # the unread body must not be taken for a request
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("connection", "close")
            self.end_headers()
            self.wfile.write(data)

        def _handle(self) -> None:
            length, refused = body_length(self.headers.get("content-length"))
            if refused is not None:
                self._refuse(413 if length > MAX_BODY else 400, refused)
                return
            body = self.rfile.read(length)
            path, _, query = self.path.partition("?")
            scope = {
                "type": "http",
                "method": self.command,
                "path": path,
                "query_string": query.encode(),
                "headers": [(k.lower().encode(), v.encode()) for k, v in self.headers.items()],
            }
            response: dict[str, Any] = {"headers": [], "body": b""}

            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": body, "more_body": False}

            async def send(event: dict[str, Any]) -> None:
                if event["type"] == "http.response.start":
                    response.update(status=event["status"], headers=event.get("headers", []))
                else:
                    response["body"] += event.get("body", b"")

            asyncio.run(app(scope, receive, send))
            self.send_response(response["status"])
            for key, value in response["headers"]:
                self.send_header(key.decode(), value.decode())
            self.end_headers()
            self.wfile.write(response["body"])

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    return ThreadingHTTPServer((host, port), ASGIBridge)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", help="import name of the exported bot package, e.g. acme_bot")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--store", help="folder for one JSON file per session (default: memory)")
    args = parser.parse_args()

    package = importlib.import_module(args.package)
    store = FileStore(args.store) if args.store else MemoryStore()
    app = ChatApp(package, store, secret=os.environ.get("BOT_SECRET"))

    def book_meeting(request: Any) -> str:
        # Replace with a call to your scheduling tool; the message is shown in the chat.
        return "You can pick a time that suits you here: https://cal.example/relay"

    app.bot.register_action("book_meeting", book_meeting)
    # Stand-in for the CRM: print each finished conversation's payload.
    app.bot.on_handoff(lambda payload: print(payload.model_dump_json(), flush=True))

    server = make_server(app, args.host, args.port)
    print(f"serving {package.FLOW_ID} v{package.FLOW_VERSION} on http://{args.host}:{args.port}")
    server.serve_forever()


if __name__ == "__main__":
    main()
