"""Personas & results: run the suite, read a failing transcript, accept an intended change."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, RichLog, Static, TextArea

from convodesk.tui.screens.personas import PersonasScreen
from convodesk.tui.screens.results import ResultsScreen
from convodesk.tui.screens.viewer import TextViewer

from .conftest import SIZE, make_app, plain, wait_for


async def _run_all(pilot, app) -> PersonasScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f5")
    screen = app.screen
    assert isinstance(screen, PersonasScreen)
    before = app.workspace.suite_generation
    await pilot.press("a")
    await wait_for(pilot, lambda: app.workspace.suite_generation > before, tries=1000)
    return screen


async def test_run_the_whole_suite_with_live_conversations(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _run_all(pilot, app)
        result = app.workspace.suite
        assert result is not None and len(result.conversations) == 14
        table = screen.query_one(DataTable)
        statuses = {str(table.get_cell(c.persona.persona, "status")) for c in result.conversations}
        assert statuses == {"pass"}
        assert "14/14 passed" in plain(screen.query_one("#status", Static))
        # Every conversation was streamed turn by turn and replaced by its full transcript.
        for c in result.conversations:
            assert screen.lines[c.persona.persona] == [(m.role, m.text) for m in c.state.transcript]
        assert len(screen.query_one(RichLog).lines) > 0


async def test_run_one_persona(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=2)
        before = app.workspace.suite_generation
        await pilot.press("r")
        await wait_for(pilot, lambda: app.workspace.suite_generation > before, tries=1000)
        assert app.workspace.suite is not None
        assert [c.persona.persona for c in app.workspace.suite.conversations] == [
            "enterprise-buyer"
        ]


async def test_failing_run_shows_its_check_and_the_change_can_be_accepted(project: Path) -> None:
    app = make_app(project)
    snapshot = project / "transcripts" / "saas_inbound" / "enterprise-buyer.yaml"
    async with app.run_test(size=SIZE) as pilot:
        # An intended change: warm now needs a much higher fit, so the enterprise buyer drops.
        area = app.screen.query_one(TextArea)
        area.text = area.text.replace(
            'when: "fit >= 60 and intent >= 60', 'when: "fit >= 99 and intent >= 60'
        )
        await _run_all(pilot, app)
        await pilot.press("f6")
        results = app.screen
        assert isinstance(results, ResultsScreen)
        await wait_for(pilot, lambda: len(results.snapshots) == 14)
        assert "FAIL" in plain(results.query_one("#status", Static))

        index = next(
            i
            for i, c in enumerate(app.workspace.suite.conversations)  # type: ignore[union-attr]
            if c.persona.persona == "enterprise-buyer"
        )
        results.query_one(DataTable).move_cursor(row=index)
        await pilot.pause()
        checks = plain(results.query_one("#checks", Static))
        assert "✗ route_expected" in checks
        assert results.snapshots[index] == "changed"

        await pilot.press("t")
        assert isinstance(app.screen, TextViewer) and "persona: enterprise-buyer" in app.screen.text
        await pilot.press("escape")

        await pilot.press("d")
        viewer = app.screen
        assert isinstance(viewer, TextViewer)
        assert "-route: warm" in viewer.text and "+route: lukewarm" in viewer.text
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is results
        assert "route: lukewarm" in snapshot.read_text()
        assert results.snapshots[index] == "same"
        assert str(results.query_one(DataTable).get_cell(str(index), "snapshot")) == "same"
