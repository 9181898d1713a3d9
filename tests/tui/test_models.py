"""Model buyers on the personas screen: offered only when a model is configured, run over real
HTTP against the loopback fake server (never the internet), and litellm never loaded before."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from convodesk.llm.report import Latency, LLMReport
from convodesk.tui.runs import usage_note
from convodesk.tui.screens.personas import PersonasScreen
from convodesk.tui.screens.results import MODEL_RUN, ResultsScreen

from .conftest import ROOT, SIZE, make_app, plain, wait_for

sys.path.insert(0, str(ROOT / "tests" / "llm"))

from fakeserver import BUYER_ANSWERS, FakeLLM, FakeServer, buyer_script

MODEL = "openai/fake"


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    # a little latency, so a conversation is visibly in progress for a while
    with FakeServer(FakeLLM(script=buyer_script, latency=0.02)) as state:
        yield state


def configure(project: Path, fake: FakeLLM) -> None:
    """The project's convodesk.toml names the model, as a designer would set it up."""
    (project / "convodesk.toml").write_text(
        "[llm]\n"
        f'model = "{MODEL}"\n'
        f'api_base = "{fake.base}"\n'
        'api_key = "sk-test"\n'
        "timeout = 5\n"
        "retries = 1\n"
        "backoff = 0.01\n"
    )


async def _personas(pilot) -> PersonasScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f5")
    screen = pilot.app.screen
    assert isinstance(screen, PersonasScreen)
    return screen


async def test_without_a_model_m_stays_offered_and_says_how_to_set_one(project: Path) -> None:
    """Before and after a run (when the status line shows the verdict, not the hint), m
    answers with how to configure a model instead of doing nothing."""
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _personas(pilot)
        assert screen.check_action("toggle_model", ()) is True  # not dimmed, not a silent no-op
        status = plain(screen.query_one("#status", Static))
        assert "buyers: scripted" in status
        assert "CONVODESK_MODEL or [llm] model in convodesk.toml" in status
        hint = "no model configured (CONVODESK_MODEL or [llm] model in convodesk.toml)"
        await pilot.press("m")
        assert not screen.use_model and app.notes[-1] == hint

        await pilot.press("a")
        await wait_for(pilot, lambda: app.workspace.suite is not None, tries=1000)
        assert "[llm]" not in plain(screen.query_one("#status", Static))  # the verdict now
        app.notes.clear()
        await pilot.press("m")
        assert not screen.use_model and app.notes == [hint]


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ("[llm]\nmodel = 5\n", "convodesk.toml:2: [llm] model: expected text, got 5"),
        ("[llm]\nmodel = \n", "convodesk.toml:2:9: invalid TOML"),
    ],
)
async def test_bad_model_settings_name_the_file_and_key(
    project: Path, toml: str, said: str
) -> None:
    """In the words of the LLM layer's `describe_config_error`, relative to the project,
    never pydantic's "1 validation error for LLMConfig"."""
    (project / "convodesk.toml").write_text(toml)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _personas(pilot)
        status = plain(screen.query_one("#status", Static))
        assert f"model settings: {said}" in status
        assert "validation error" not in status and str(project) not in status
        await pilot.press("m")
        assert said in app.notes[-1] and str(project) not in app.notes[-1]


async def test_a_model_in_the_environment_turns_the_option_on(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONVODESK_MODEL", "openai/from-env")
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _personas(pilot)
        assert screen.check_action("toggle_model", ()) is True
        await pilot.press("m")
        assert screen.use_model
        assert "buyers: model openai/from-env" in plain(screen.query_one("#status", Static))
        await pilot.press("m")
        assert not screen.use_model


async def test_the_suite_runs_with_model_buyers_live(project: Path, fake: FakeLLM) -> None:
    configure(project, fake)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _personas(pilot)
        await pilot.press("m")
        table = screen.query_one(DataTable)
        # every status the table shows, and whether the run was still going then: polling the
        # cells instead would miss a fast run on a loaded machine
        shown: list[tuple[str, bool]] = []
        update_cell = table.update_cell

        def spy(row: Any, column: Any, value: Any, **kwargs: Any) -> None:
            if column == "status":
                shown.append((str(value), app.workspace.suite is None))
            update_cell(row, column, value, **kwargs)

        table.update_cell = spy  # type: ignore[method-assign]
        await pilot.press("a")
        await wait_for(pilot, lambda: app.workspace.suite is not None, tries=3000)
        assert any(text.startswith("running · turn") and live for text, live in shown), shown

        ws = app.workspace
        assert ws.buyers == f"model {MODEL}"
        assert fake.calls >= len(screen.personas)
        assert {r["model"] for r in fake.requests} == {"fake"}
        answers = {answer for _, answer in BUYER_ANSWERS}
        said = {
            m.text for c in ws.suite.conversations for m in c.state.transcript if m.role == "buyer"
        }  # type: ignore[union-attr]
        assert said and said <= answers | {"Thanks, that's all for now."}
        status = plain(screen.query_one("#status", Static))
        assert f"buyers: model {MODEL}" in status and " model calls · " in status
        assert status.count("persona error") <= 1  # the verdict counts them; the note does not
        for c in ws.suite.conversations:  # type: ignore[union-attr]
            assert screen.lines[c.persona.persona] == [(m.role, m.text) for m in c.state.transcript]

        # Results say who played the buyers, and do not offer to store a model run as snapshots.
        await pilot.press("f6")
        results = app.screen
        assert isinstance(results, ResultsScreen)
        await wait_for(pilot, lambda: results.check is not None)
        assert f"buyers: model {MODEL}" in plain(results.query_one("#status", Static))
        assert not results.can_store()
        judged = next(c for c in ws.suite.conversations if c.verdicts)  # type: ignore[union-attr]
        results.query_one(DataTable).move_cursor(row=ws.suite.conversations.index(judged))  # type: ignore[union-attr]
        await pilot.pause()
        body = " ".join(plain(results.query_one("#checks-body", Static)).split())
        verdict = judged.verdicts[0]  # the judge's verdict and reason, beside the item
        assert " ".join(f"{verdict.item} {verdict.verdict}: {verdict.reason}".split()) in body
        assert "not judged" not in body
        store = sorted(p.read_text() for p in (project / "transcripts").rglob("*.yaml"))
        for key in ("a", "A"):  # offered, and they say why they store nothing
            app.notes.clear()
            await pilot.press(key)
            assert app.screen is results and app.notes == [MODEL_RUN]
        assert sorted(p.read_text() for p in (project / "transcripts").rglob("*.yaml")) == store


HYGIENE = """
import asyncio, json, sys
from pathlib import Path
from convodesk.tui.app import StudioApp
from convodesk.tui.workspace import Workspace

async def main():
    app = StudioApp(Workspace.open(Path(sys.argv[1])), watch_interval=3600)
    seen = {}
    async with app.run_test(size=(120, 36)) as pilot:
        seen["start"] = sorted(m for m in sys.modules if m.startswith(("litellm", "convodesk.llm")))
        await pilot.press("f5")
        await pilot.pause()
        seen["personas"] = sorted(m for m in sys.modules if m.startswith(("litellm", "convodesk.llm")))
        seen["offered"] = app.screen.check_action("toggle_model", ())
    print(json.dumps(seen))

asyncio.run(main())
"""


def test_litellm_is_not_imported_until_a_model_run_starts(project: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", HYGIENE, str(project / "flows" / "saas_inbound.yaml")],
        capture_output=True,
        text=True,
        cwd=project,
        env={
            "PYTHONPATH": str(ROOT / "src"),
            "PATH": "/usr/bin:/bin",
            "CONVODESK_MODEL": MODEL,
        },
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["start"] == []  # the studio opens without the LLM layer at all
    assert seen["offered"] is True  # the model is configured and offered...
    assert not [m for m in seen["personas"] if m.startswith("litellm")]  # ...litellm not loaded


def _report(**values: Any) -> LLMReport:
    base: dict[str, Any] = dict(
        calls=0,
        attempts=0,
        retries=0,
        failures=0,
        cache_hits=0,
        prompt_tokens=0,
        completion_tokens=0,
        cost=0.0,
        unpriced_models=[],
        latency=Latency(),
    )
    return LLMReport(**(base | values))


def test_usage_note_says_what_was_called_and_what_came_from_the_cache() -> None:
    note = usage_note(_report(calls=12, prompt_tokens=1000, completion_tokens=234, cost=0.0123))
    assert note == "12 model calls · 1,234 tokens · $0.0123"
    cached = usage_note(_report(cache_hits=99))
    assert cached == "no model calls · 99 answers from the cache"  # no tokens for no calls
    both = usage_note(_report(calls=1, prompt_tokens=5, cache_hits=1))
    assert both == "1 model call · 5 tokens · $0.0000 · 1 answer from the cache"
    assert "persona error" not in note + cached + both  # the suite verdict counts those


async def test_a_model_run_says_when_it_is_loading_the_model_client(
    project: Path, fake: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """litellm takes seconds to import on a model run's first request: the status line says
    so then, instead of showing only "turn 0", and drops the note once it has loaded."""
    from convodesk.llm import lazy

    monkeypatch.setattr(lazy, "_module", None)  # as in a fresh studio: not imported yet
    configure(project, fake)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _personas(pilot)
        shown: list[str] = []
        status = screen._status

        def spy(text: Any) -> None:
            shown.append(text.plain)
            status(text)

        screen._status = spy  # type: ignore[method-assign]
        await pilot.press("m", "a")
        await wait_for(pilot, lambda: app.workspace.suite is not None, tries=3000)
        running = [line for line in shown if line.startswith("running ")]
        assert "loading the model client" in running[0]
        assert any("loading" not in line for line in running[1:])  # cleared while running
        assert "loading" not in shown[-1]
