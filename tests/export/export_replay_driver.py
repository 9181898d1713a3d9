"""Replays buyer turns through a bot and records everything it says and decides, as JSON.

Run in two worlds on the same inputs: in-process over `convodesk.runtime`, and as a script
inside a fresh virtual environment over an installed exported package
(`python replay_driver.py PACKAGE CONVERSATIONS.json`). Standard library only, because the
fresh environment has nothing else but the package and pydantic.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SECRET = "replay-secret-0123456789"


def fixed_clock() -> datetime:
    """Both worlds stamp handoffs with this, so payloads compare without normalising."""
    return FIXED_NOW


def _handlers(result_type: type) -> dict[str, Callable[[Any], Any]]:
    """One handler per return shape the runtime accepts: str, ActionResult, None, an exception."""

    def book_meeting(request: Any) -> str:
        return f"Booked a call for {request.slots.get('email') or 'you'} ({request.route})."

    def schedule_discovery(request: Any) -> Any:
        return result_type(ok=True, message="I've asked our team to suggest a time.")

    def add_to_nurture(request: Any) -> None:
        raise RuntimeError("marketing automation is down")

    def route_to_support(request: Any) -> None:
        return None

    return {
        "book_meeting": book_meeting,
        "schedule_discovery": schedule_discovery,
        "add_to_nurture": add_to_nurture,
        "route_to_support": route_to_support,
    }


def _collect_into(payloads: list[Any]) -> Callable[[Any], None]:
    def on_handoff(payload: Any) -> None:
        payloads.append(payload.model_dump(mode="json"))

    return on_handoff


def replay(
    new_bot: Callable[..., Any],
    result_type: type,
    conversations: list[dict[str, Any]],
    *,
    stateless: bool,
) -> list[dict[str, Any]]:
    """Run each conversation; with `stateless`, dump and resume the state before every turn,
    as a web worker that keeps nothing between requests does."""
    results = []
    for conversation in conversations:
        payloads: list[Any] = []
        bot = new_bot(clock=fixed_clock, on_handoff=_collect_into(payloads))
        if conversation.get("actions", True):
            for name, handler in _handlers(result_type).items():
                bot.register_action(name, handler)
        session = bot.start(
            context=conversation.get("context") or {},
            reference_date=conversation.get("reference_date"),
        )
        turns = [session.opening.model_dump(mode="json")]
        for message in conversation["messages"]:
            if stateless:
                dump = getattr(bot, "dump", None)
                saved = dump(session) if dump else session.state.model_dump_json()
                session = bot.resume(saved)
            turns.append(session.send(message).model_dump(mode="json"))
        if not session.done:
            turns.append(session.close().model_dump(mode="json"))
        results.append(
            {
                "name": conversation["name"],
                "turns": turns,
                "state": session.state.model_dump(mode="json"),
                "handoffs": payloads,
            }
        )
    return results


def main(argv: list[str]) -> None:
    package, conversations_file = argv
    module = importlib.import_module(package)
    with open(conversations_file, encoding="utf-8") as fh:
        conversations = json.load(fh)

    def new_bot(**options: Any) -> Any:
        return module.create_bot(secret=SECRET, **options)

    results = replay(new_bot, module.ActionResult, conversations, stateless=True)
    heavy = ("convodesk", "litellm", "yaml", "typer", "rich", "textual")
    print(
        json.dumps(
            {
                "results": results,
                "flow": [module.FLOW_ID, module.FLOW_VERSION, module.FLOW_HASH],
                "loaded": sorted(m for m in sys.modules if m.split(".")[0] in heavy),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
