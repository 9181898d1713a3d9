"""Personas & results: run the suite, read a failing transcript, accept an intended change, and
agree with `convodesk test --snapshot` on what drifted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from textual.widgets import DataTable, ProgressBar, RichLog, Static, TextArea

from convodesk.tui.screens.confirm import Confirm
from convodesk.tui.screens.personas import COLUMNS, PersonasScreen
from convodesk.tui.screens.results import ResultsScreen
from convodesk.tui.screens.viewer import TextViewer

from .conftest import ROOT, SIZE, make_app, plain, wait_for

FLOW = Path("flows") / "saas_inbound.yaml"
STORE = Path("transcripts") / "saas_inbound"


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from convodesk.cli.app import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=project,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "COLUMNS": "160"},
    )


def drifted_per_cli(project: Path) -> set[str]:
    """The personas `convodesk test --snapshot --json` reports as drifted."""
    run = cli(project, "test", str(FLOW), "--snapshot", "--json")
    assert run.returncode in (0, 1), run.stderr
    return {d["persona"] for d in json.loads(run.stdout)["snapshot"]["drift"]}


def record_current_behaviour(project: Path) -> None:
    """Store what today's runtime does, so a test sees only the change it makes itself."""
    run = cli(project, "test", str(FLOW), "--update")  # exit 1 if a check fails: not ours
    assert run.returncode in (0, 1) and "transcript" in run.stderr, run.stdout + run.stderr


async def _run_all(pilot, app) -> PersonasScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f5")
    screen = app.screen
    assert isinstance(screen, PersonasScreen)
    before = app.workspace.suite_generation
    await pilot.press("a")
    await wait_for(pilot, lambda: app.workspace.suite_generation > before, tries=1000)
    return screen


async def _results(pilot, app) -> ResultsScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f6")
    results = app.screen
    assert isinstance(results, ResultsScreen)
    await wait_for(pilot, lambda: results.check is not None and len(results.snapshots) > 0)
    return results


def _edit(app, old: str, new: str) -> None:  # type: ignore[no-untyped-def]
    area = app.screen.query_one(TextArea)
    assert old in area.text
    area.text = area.text.replace(old, new)


def _persona_row(app, persona: str) -> int:  # type: ignore[no-untyped-def]
    return [p.persona for p in app.screen.personas].index(persona)


def _row(app, persona: str) -> int:  # type: ignore[no-untyped-def]
    return next(
        i for i, c in enumerate(app.workspace.suite.conversations) if c.persona.persona == persona
    )


async def test_run_the_whole_suite_with_live_conversations(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        bar = app.screen.query_one(ProgressBar)
        assert bar.percentage == 0  # idle, not an animated "--%"
        assert "not run yet" in plain(app.screen.query_one("#progress-label", Static))
        screen = await _run_all(pilot, app)
        result = app.workspace.suite
        n = len(screen.personas)
        assert result is not None and n > 10 and len(result.conversations) == n
        table = screen.query_one(DataTable)
        for c in result.conversations:
            cell = str(table.get_cell(c.persona.persona, "status"))
            assert cell == "pass" if c.passed else cell.startswith(("FAIL", "persona error"))
            budget = c.persona.expect.max_turns
            assert table.get_cell(c.persona.persona, "turns") == f"{c.turns}/{budget}"
        passed = sum(c.passed for c in result.conversations)
        assert f"{passed}/{n} passed" in plain(screen.query_one("#status", Static))
        assert f"{n}/{n} done" in plain(screen.query_one("#progress-label", Static))
        assert bar.percentage == 1
        # Every conversation was streamed turn by turn and replaced by its full transcript.
        for c in result.conversations:
            assert screen.lines[c.persona.persona] == [(m.role, m.text) for m in c.state.transcript]
        assert len(screen.query_one(RichLog).lines) > 0


async def test_status_column_is_wide_enough_for_every_state(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        table = app.screen.query_one(DataTable)
        width = dict(COLUMNS)["status"]
        assert table.columns["status"].width == width  # type: ignore[index]
        for text in ("running · turn 12", "FAIL · 12 checks", "persona error", "FAIL · rubric"):
            assert len(text) <= width


async def test_a_failing_persona_says_how_many_checks_failed(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        _edit(app, 'when: "fit >= 60 and intent >= 60', 'when: "fit >= 99 and intent >= 60')
        screen = await _run_all(pilot, app)
        cell = str(screen.query_one(DataTable).get_cell("enterprise-buyer", "status"))
        failures = app.workspace.suite.of("enterprise-buyer")[0].failures  # type: ignore[union-attr]
        assert cell == f"FAIL · {len(failures)} check{'s' if len(failures) > 1 else ''}"


async def test_run_one_persona(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=_persona_row(app, "enterprise-buyer"))
        before = app.workspace.suite_generation
        await pilot.press("r")
        await wait_for(pilot, lambda: app.workspace.suite_generation > before, tries=1000)
        assert app.workspace.suite is not None
        assert [c.persona.persona for c in app.workspace.suite.conversations] == [
            "enterprise-buyer"
        ]


async def test_failing_run_shows_its_check_and_the_change_can_be_accepted(project: Path) -> None:
    record_current_behaviour(project)
    app = make_app(project)
    snapshot = project / STORE / "enterprise-buyer.yaml"
    async with app.run_test(size=SIZE) as pilot:
        # An intended change: warm now needs a much higher fit, so the enterprise buyer drops.
        _edit(app, 'when: "fit >= 60 and intent >= 60', 'when: "fit >= 99 and intent >= 60')
        await pilot.press("ctrl+s")  # saved, so the CLI below runs the same flow
        await _run_all(pilot, app)
        results = await _results(pilot, app)
        assert " failed" in plain(results.query_one("#status", Static))

        index = _row(app, "enterprise-buyer")
        results.query_one(DataTable).move_cursor(row=index)
        await pilot.pause()
        checks = plain(results.query_one("#checks", Static))
        assert "✗ route_expected" in checks
        assert "run 0" not in checks and " turns " in checks
        assert results.snapshots[index] == "changed"

        await pilot.press("t")
        assert isinstance(app.screen, TextViewer) and "persona: enterprise-buyer" in app.screen.text
        await pilot.press("escape")

        await pilot.press("d")
        viewer = app.screen
        assert isinstance(viewer, TextViewer)
        # the library's turn-level diff, its path relative to the project
        head = viewer.text.splitlines()[0]
        assert head.startswith("enterprise-buyer: ") and head.endswith(
            f"[{STORE / 'enterprise-buyer.yaml'}]"
        )
        assert "- route: warm" in viewer.text and "+ route: lukewarm" in viewer.text
        await pilot.press("a")
        await wait_for(pilot, lambda: results.snapshots.get(index) == "same")
        assert app.screen is results
        assert "route: lukewarm" in snapshot.read_text()
        assert str(results.query_one(DataTable).get_cell(str(index), "snapshot")) == "same"
    assert "enterprise-buyer" not in drifted_per_cli(project)


async def test_an_unused_knowledge_answer_is_no_drift_as_for_the_cli(project: Path) -> None:
    """The flow's hash changes, the conversations do not: `test --snapshot` passes, the
    studio says "same" for every persona."""
    record_current_behaviour(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        ws = app.workspace
        _edit(app, '"Relay is cloud-only;', '"Relay runs in the cloud only;')
        await pilot.press("ctrl+s")
        assert not ws.dirty
        await _run_all(pilot, app)
        results = await _results(pilot, app)
        assert set(results.snapshots.values()) == {"same"}
    assert drifted_per_cli(project) == set()


async def test_studio_and_cli_agree_on_what_drifted(project: Path) -> None:
    record_current_behaviour(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        _edit(app, 'when: "fit >= 60 and intent >= 60', 'when: "fit >= 99 and intent >= 60')
        await pilot.press("ctrl+s")
        await _run_all(pilot, app)
        results = await _results(pilot, app)
        conversations = app.workspace.suite.conversations  # type: ignore[union-attr]
        changed = {
            conversations[i].persona.persona for i, s in results.snapshots.items() if s != "same"
        }
    assert changed and changed == drifted_per_cli(project)


async def test_accept_all_asks_then_stores_the_whole_run(project: Path) -> None:
    record_current_behaviour(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        _edit(app, 'disclosure: "Hi, I', 'disclosure: "Hello, I')
        await pilot.press("ctrl+s")
        await _run_all(pilot, app)
        results = await _results(pilot, app)
        assert set(results.snapshots.values()) == {"changed"}
        before = {p: p.read_text() for p in (project / STORE).glob("*.yaml")}

        await pilot.press("A")
        dialog = app.screen
        assert isinstance(dialog, Confirm)
        assert f"rewrite {len(before)} changed" in dialog.body
        await pilot.press("escape")  # cancelled: nothing written
        assert {p: p.read_text() for p in before} == before

        await pilot.press("A", "y")
        await wait_for(pilot, lambda: set(results.snapshots.values()) == {"same"})
        assert all(p.read_text() != text for p, text in before.items())
    assert drifted_per_cli(project) == set()


async def test_accept_all_after_one_persona_keeps_the_others(project: Path) -> None:
    """After running one persona, the other personas' transcripts are not of removed ones."""
    record_current_behaviour(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        stored = len(list((project / STORE).glob("*.yaml")))
        _edit(app, 'disclosure: "Hi, I', 'disclosure: "Hello, I')
        await pilot.press("f5")
        app.screen.query_one(DataTable).move_cursor(row=_persona_row(app, "enterprise-buyer"))
        before = app.workspace.suite_generation
        await pilot.press("r")
        await wait_for(pilot, lambda: app.workspace.suite_generation > before, tries=1000)
        results = await _results(pilot, app)
        assert results.check is not None and not results.check.orphans
        await pilot.press("A", "y")
        await wait_for(pilot, lambda: results.snapshots == {0: "same"})
    assert len(list((project / STORE).glob("*.yaml"))) == stored


async def test_a_new_persona_shows_as_new_and_accepting_records_it(project: Path) -> None:
    record_current_behaviour(project)
    source = project / "personas" / "enterprise_buyer.yaml"
    (project / "personas" / "zz_copy.yaml").write_text(
        source.read_text().replace("persona: enterprise-buyer", "persona: zz-copy")
    )
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await _run_all(pilot, app)
        results = await _results(pilot, app)
        index = _row(app, "zz-copy")
        assert results.snapshots[index] == "new"
        results.query_one(DataTable).move_cursor(row=index)
        await pilot.press("d")
        assert isinstance(app.screen, TextViewer)
        assert "no stored transcript yet" in app.screen.text
        await pilot.press("a")
        await wait_for(pilot, lambda: results.snapshots.get(index) == "same")
    assert (project / STORE / "zz-copy.yaml").is_file()
