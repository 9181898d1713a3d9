"""The issue's 'done when': the wheel, installed where convodesk is not, talks word for word
like convodesk.runtime, and imports nothing heavier than pydantic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import export_replay_driver as driver
import pytest
from export_conversations import SCRIPTED, committed_transcripts
from export_support import HERE, ROOT

from convodesk.export import ExportResult
from convodesk.runtime import ActionResult, Engine, Flow

# What may be imported besides the standard library: pydantic and its own dependencies.
PYDANTIC_STACK = {"pydantic", "pydantic_core", "typing_extensions", "annotated_types"}
PYDANTIC_STACK |= {"typing_inspection"}


def clean_env() -> dict[str, str]:
    """No PYTHONPATH (ours points at convodesk's src), no user site-packages."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory: pytest.TempPathFactory, exported: ExportResult) -> Path:
    """A new venv holding only the exported wheel and what pip resolves for it (pydantic)."""
    assert exported.wheel is not None
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(home)
    python = home / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         str(exported.wheel)],
        check=True, env=clean_env(), cwd=home,
    )  # fmt: skip
    return python


def run_in(python: Path, *args: str) -> str:
    """Run isolated (-I: no PYTHON* variables, no script folder or cwd on sys.path)."""
    result = subprocess.run(
        [str(python), "-I", *args],
        capture_output=True,
        text=True,
        env=clean_env(),
        cwd=python.parent,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_heavy_libraries_are_not_importable_nor_imported(fresh_python: Path) -> None:
    probe = (
        "import importlib.util, json, sys\n"
        "import acme_bot\n"
        "bot = acme_bot.create_bot()\n"
        "bot.start().send('Do you support SSO?')\n"
        "heavy = ['convodesk', 'litellm', 'yaml', 'typer', 'rich', 'textual']\n"
        "top = {m.split('.')[0] for m in sys.modules}\n"
        "print(json.dumps({\n"
        "  'importable': [m for m in heavy if importlib.util.find_spec(m)],\n"
        "  'loaded': sorted(top & set(heavy)),\n"
        "  'third_party': sorted(m for m in top - set(sys.stdlib_module_names)\n"
        "      if not m.startswith(('_sysconfigdata', '__main__', 'acme_bot'))),\n"
        "  'where': acme_bot.__file__}))\n"
    )
    report = json.loads(run_in(fresh_python, "-c", probe))
    assert report["importable"] == []
    assert report["loaded"] == []
    assert set(report["third_party"]) <= PYDANTIC_STACK, report["third_party"]
    assert "site-packages" in report["where"]


@pytest.fixture(scope="module")
def conversations(example_flow: Flow) -> list[dict[str, Any]]:
    return SCRIPTED + committed_transcripts(ROOT / "transcripts", example_flow.flow)


@pytest.fixture(scope="module")
def replayed(
    fresh_python: Path,
    conversations: list[dict[str, Any]],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    """The conversations replayed through the installed package; it dumps, signs and resumes
    its state before every turn, as a stateless web worker does."""
    inputs = tmp_path_factory.mktemp("replay") / "conversations.json"
    inputs.write_text(json.dumps(conversations))
    driver_file = str(HERE / "export_replay_driver.py")
    return json.loads(run_in(fresh_python, driver_file, "acme_bot", str(inputs)))


def reference(flow: Flow, conversations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same conversations through convodesk.runtime, in this process, never resumed."""

    def new_engine(**options: Any) -> Engine:
        return Engine(flow, **options)

    return driver.replay(new_engine, ActionResult, conversations, stateless=False)


def bot_lines(result: dict[str, Any]) -> list[list[Any]]:
    return [[m["turn"], m["text"]] for m in result["state"]["transcript"] if m["role"] == "bot"]


def test_replays_word_for_word_like_convodesk(
    replayed: dict[str, Any],
    conversations: list[dict[str, Any]],
    exported: ExportResult,
    example_flow: Flow,
) -> None:
    """Every turn (messages, asking, step, events, scores, outcome), the final state and the
    CRM payloads match, with the same fixed clock on both sides and nothing normalised."""
    expected = reference(example_flow, conversations)
    assert replayed["loaded"] == []
    assert replayed["flow"] == [example_flow.flow, example_flow.version, exported.plan.flow_hash]
    assert [r["name"] for r in replayed["results"]] == [c["name"] for c in conversations]
    for got, want in zip(replayed["results"], expected, strict=True):
        assert got == want, f"conversation {want['name']} differs"
    # the scripts must exercise what they claim to, or the comparison proves little
    finished = [r["state"]["outcome"]["ended_by"] for r in expected]
    assert "abandoned" in finished
    assert "handoff" in finished or "disqualify" in finished
    assert any(r["handoffs"] for r in expected)
    kinds = {m["kind"] for r in expected for m in r["state"]["transcript"] if m["role"] == "bot"}
    assert {"answer", "dont_know", "offer_human"} <= kinds
    ran = {r["state"]["outcome"]["next_action"]["status"] for r in expected}
    assert ran & {"done", "failed"}, "no action handler ran"


def test_installed_package_reproduces_the_committed_transcripts(
    replayed: dict[str, Any], conversations: list[dict[str, Any]], example_flow: Flow
) -> None:
    """The designer's recorded bot lines and ending, word for word (the issue's 'done when')."""
    recorded = [c for c in conversations if "recorded" in c]
    if not recorded:
        pytest.skip("no committed transcripts of this flow under transcripts/")
    results = {r["name"]: r for r in replayed["results"]}
    live = {r["name"]: r for r in reference(example_flow, recorded)}
    stale, broken = [], []
    for conversation in recorded:
        name, want = conversation["name"], conversation["recorded"]
        outcome = results[name]["state"]["outcome"]
        got = (bot_lines(results[name]), outcome["route"], outcome["ended_by"])
        if got != (want["bot"], want["route"], want["ended_by"]):
            live_outcome = live[name]["state"]["outcome"]
            live_got = (bot_lines(live[name]), live_outcome["route"], live_outcome["ended_by"])
            (stale if live_got == got else broken).append(name)
    assert not stale, (
        f"{stale}: convodesk.runtime itself no longer says what was recorded; "
        "re-record the transcripts (this is not an export problem)"
    )
    assert not broken, f"{broken}: the exported package differs from the recording"
