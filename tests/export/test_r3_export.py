"""Exported packages from unusual flows: valid TOML, a clear error for a damaged flow.json,
and an HTTP app that always answers."""

from __future__ import annotations

import ast
import asyncio
import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from export_support import ROOT, load_module

from convodesk.export import export_package, plan_package
from convodesk.export.bot import FlowIntegrityError, load_compiled_flow
from convodesk.export.builder import toml_string
from convodesk.runtime import Flow

app_module = load_module(ROOT / "examples" / "serve_bot" / "app.py", "app")


def with_bot(flow: Flow, **bot: Any) -> Flow:
    return flow.model_copy(update={"bot": flow.bot.model_copy(update=bot)})


@pytest.mark.parametrize(
    "company",
    ["Rocket 🚀 Labs", 'Quote "Co" \\ back', "Tab\tand\x7fDEL", "日本株式会社"],
)
def test_pyproject_is_valid_toml_for_any_company_name(example_flow: Flow, company: str) -> None:
    plan = plan_package(with_bot(example_flow, company=company), "odd_bot")
    project = tomllib.loads(plan.files["pyproject.toml"].decode())["project"]
    expected = " ".join(company.split())
    assert project["description"].startswith(f"{expected} lead-qualification chatbot")
    assert project["name"] == "odd_bot"


@pytest.mark.parametrize("text", ["plain", "🚀 emoji", 'q"uote', "back\\slash", "ctl\x01", "nl\n"])
def test_toml_string_round_trips(text: str) -> None:
    assert tomllib.loads(f"v = {toml_string(text)}")["v"] == text


def test_a_version_with_quotes_and_newlines_keeps_the_package_importable(
    example_flow: Flow,
) -> None:
    odd = example_flow.model_copy(update={"version": 'beta "2"\n\\ """x'})
    plan = plan_package(odd, "odd_bot")
    tomllib.loads(plan.files["pyproject.toml"].decode())
    init = plan.files["src/odd_bot/__init__.py"].decode()
    tree = ast.parse(init)
    assert (
        ast.literal_eval(
            next(
                n.value
                for n in tree.body
                if isinstance(n, ast.Assign) and n.targets[0].id == "FLOW_VERSION"  # type: ignore[attr-defined]
            )
        )
        == odd.version
    )


@pytest.mark.parametrize(
    "text", [b"{not json", b'{"flow": "x"}', b"[]", b"\xff\xfe", b'{"flow": "x", "steps": []}']
)
def test_a_damaged_flow_json_is_a_flow_integrity_error(text: bytes) -> None:
    with pytest.raises(FlowIntegrityError, match=r"flow\.json is not a valid compiled flow"):
        load_compiled_flow(text, "0" * 16)


def test_an_exported_package_with_a_damaged_flow_json_says_so(
    tmp_path: Path, example_flow: Flow, import_exported: Callable[[Path, str], ModuleType]
) -> None:
    export_package(example_flow, tmp_path / "pkg", "damaged_bot")
    (tmp_path / "pkg" / "src" / "damaged_bot" / "flow.json").write_text('{"flow": ', "utf-8")
    package = import_exported(tmp_path / "pkg", "damaged_bot")
    with pytest.raises(package.FlowIntegrityError, match="export it again"):
        package.create_bot()


# -- the HTTP example ---------------------------------------------------------------------


@pytest.fixture
def package(
    tmp_path: Path, example_flow: Flow, import_exported: Callable[[Path, str], ModuleType]
) -> ModuleType:
    export_package(example_flow, tmp_path / "pkg", "r3_served_bot")
    return import_exported(tmp_path / "pkg", "r3_served_bot")


def call(app: Any, body: bytes) -> tuple[int, dict[str, Any]]:
    events: list[dict[str, Any]] = []
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return pending.pop(0)

    async def send(event: dict[str, Any]) -> None:
        events.append(event)

    asyncio.run(app({"type": "http", "method": "POST", "path": "/chat"}, receive, send))
    start, content = events
    assert (b"content-type", b"application/json") in start["headers"]
    return start["status"], json.loads(content["body"])


def test_a_lone_surrogate_over_http_gets_a_normal_reply(package: ModuleType) -> None:
    store = app_module.MemoryStore()
    app = app_module.ChatApp(package, store)
    raw = b'{"message": "hi \\ud800 there", "context": {"page": "/p\\udc00"}}'
    status, reply = call(app, raw)
    assert status == 200, reply
    status, reply = call(
        app, json.dumps({"session_id": reply["session_id"], "message": "Excel"}).encode()
    )
    assert status == 200, reply
    saved = json.loads(next(iter(store.states.values())))
    assert saved["transcript"][1]["text"] == "hi \ufffd there"


def test_an_unexpected_error_is_a_500_with_a_json_body(package: ModuleType) -> None:
    class BrokenStore:
        def load(self, session_id: str) -> str | None:
            return None

        def save(self, session_id: str, state: str) -> None:
            raise OSError("disk full")

    app = app_module.ChatApp(package, BrokenStore())
    status, reply = call(app, b'{"message": "hello"}')
    assert (status, reply) == (500, {"error": "internal error"})
