"""SVG snapshots of every screen and dialog at 120x36, the crowded ones at 100x30 too, and
the playground in the light theme; on a copy of the example project, with a fixed clock.
Stored transcripts are first brought up to date with today's runtime, so the results and
diff snapshots show only the change a test makes."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from convodesk.runtime.loader import load_flow
from convodesk.sim.persona import load_personas
from convodesk.sim.runner import run_suite_sync
from convodesk.testing.store import check_store, update_store
from convodesk.tui.app import StudioApp
from convodesk.tui.screens.playground import PlaygroundScreen
from convodesk.tui.screens.results import ResultsScreen

from .conftest import SIZE, make_app, settle, wait_for

NARROW = (100, 30)

WARM = 'when: "fit >= 60 and intent >= 60'


@pytest.fixture
def app(project: Path, monkeypatch: pytest.MonkeyPatch) -> StudioApp:
    monkeypatch.chdir(project)  # paths on screen are relative, so the SVGs do not depend on tmp
    flow = load_flow(project / "flows" / "saas_inbound.yaml")
    result = run_suite_sync(flow, load_personas(project / "personas", flow))
    update_store(check_store(result, project / "transcripts"))
    return make_app(Path("."), watch_interval=3600)


async def _validated(pilot: Pilot[None]) -> None:
    ws = pilot.app.workspace  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: ws.loaded is not None and ws.loaded_text == ws.text)


async def _suite(pilot: Pilot[None]) -> None:
    app = pilot.app
    await pilot.press("f5")
    await pilot.press("a")
    await wait_for(pilot, lambda: app.workspace.suite is not None, tries=1000)  # type: ignore[attr-defined]


async def _results_after_a_change(pilot: Pilot[None]) -> ResultsScreen:
    """Warm needs a fit of 99 now: the enterprise buyer drops to lukewarm."""
    area = pilot.app.screen.query_one(TextArea)
    area.text = area.text.replace(WARM, 'when: "fit >= 99 and intent >= 60')
    await _suite(pilot)
    await pilot.press("f6")
    screen = pilot.app.screen
    assert isinstance(screen, ResultsScreen)
    await wait_for(pilot, lambda: screen.check is not None)
    return screen


class TestEditor:
    def test_valid_flow(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, run_before=_validated)

    def test_broken_flow(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[None]) -> None:
            area = pilot.app.screen.query_one(TextArea)
            area.text = area.text.replace("ask: current_tool", "ask: currnt_tool")
            ws = pilot.app.workspace  # type: ignore[attr-defined]
            await wait_for(
                pilot, lambda: ws.loaded_text == area.text and len(ws.loaded.errors) == 1
            )
            await pilot.press("f8")
            pilot.app.clear_notifications()
            await pilot.pause()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_quit_with_unsaved_edits(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[None]) -> None:
            await _validated(pilot)
            area = pilot.app.screen.query_one(TextArea)
            area.move_cursor((0, 0))
            await pilot.press(*"# unsaved", "ctrl+q")
            await pilot.pause()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestPlayground:
    def test_after_two_turns(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.press("f3")
            screen = pilot.app.screen
            assert isinstance(screen, PlaygroundScreen)
            await wait_for(pilot, lambda: screen.session is not None)
            for text in (
                "We're struggling with spreadsheets at our 1200 person manufacturer in Chicago",
                "Do you support SSO? We use spreadsheets and email",
            ):
                turn = screen.session.state.turn  # type: ignore[union-attr]
                screen.query_one(Input).value = text
                await pilot.press("enter")
                await wait_for(
                    pilot,
                    lambda t=turn: (
                        screen.session.state.turn > t  # type: ignore[union-attr, misc]
                        and not screen.query_one(Input).disabled
                    ),
                )

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestLightTheme:
    def test_playground_unsaved(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        """The "(unsaved)" mark, scores and slots must read on a light background."""

        async def run_before(pilot: Pilot[None]) -> None:
            pilot.app.theme = "textual-light"
            area = pilot.app.screen.query_one(TextArea)
            area.text = area.text.replace("version: 1", "version: 2")
            await _validated(pilot)
            await pilot.press("f3")
            screen = pilot.app.screen
            assert isinstance(screen, PlaygroundScreen)
            await wait_for(pilot, lambda: screen.session is not None)
            screen.query_one(Input).value = "We use spreadsheets, about 60k a year, CFO and IT"
            await pilot.press("enter")
            await wait_for(pilot, lambda: not screen.query_one(Input).disabled)

        assert snap_compare(app, terminal_size=NARROW, run_before=run_before)


class TestGraph:
    def test_diagram(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["f4"], run_before=_validated)


class TestSuite:
    def test_personas_before_a_run(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["f5"], run_before=_validated)

    def test_personas_after_a_run(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, run_before=_suite)

    def test_results(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[None]) -> None:
            screen = await _results_after_a_change(pilot)
            rows = [c.persona.persona for c in screen.result.conversations]  # type: ignore[union-attr]
            screen.query_one(DataTable).move_cursor(row=rows.index("enterprise-buyer"))
            await pilot.pause()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestNarrow:
    """At 100x30 no scoreboard column, persona status or footer key is cut."""

    def test_personas_after_a_run(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[None]) -> None:
            area = pilot.app.screen.query_one(TextArea)
            area.text = area.text.replace(WARM, 'when: "fit >= 99 and intent >= 60')
            await _suite(pilot)

        assert snap_compare(app, terminal_size=NARROW, run_before=run_before)

    def test_results(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[None]) -> None:
            screen = await _results_after_a_change(pilot)
            rows = [c.persona.persona for c in screen.result.conversations]  # type: ignore[union-attr]
            screen.query_one(DataTable).move_cursor(row=rows.index("enterprise-buyer"))
            await pilot.pause()

        assert snap_compare(app, terminal_size=NARROW, run_before=run_before)

    def test_help(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=NARROW, press=["f1"], run_before=_validated)


class TestViewer:
    def test_transcript(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[None]) -> None:
            await _suite(pilot)
            await pilot.press("f6")
            await settle(pilot)
            await pilot.press("t")

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_snapshot_diff(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[None]) -> None:
            screen = await _results_after_a_change(pilot)
            rows = [c.persona.persona for c in screen.result.conversations]  # type: ignore[union-attr]
            screen.query_one(DataTable).move_cursor(row=rows.index("enterprise-buyer"))
            await pilot.press("d")

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_accept_all(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[None]) -> None:
            await _results_after_a_change(pilot)
            await pilot.press("A")

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestHelp:
    def test_help(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["f1"], run_before=_validated)

    def test_palette(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[None]) -> None:
            await _validated(pilot)
            await pilot.press("ctrl+p")
            await pilot.press(*"accept")
            palette = pilot.app.screen
            await wait_for(pilot, lambda: palette.query_one(CommandList).option_count >= 2)
            await settle(pilot)

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
