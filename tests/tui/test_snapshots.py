"""SVG snapshots of every screen at 120x36, on a copy of the example project, fixed clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from convodesk.tui.app import StudioApp
from convodesk.tui.screens.playground import PlaygroundScreen
from convodesk.tui.screens.results import ResultsScreen

from .conftest import SIZE, make_app, wait_for


@pytest.fixture
def app(project: Path, monkeypatch: pytest.MonkeyPatch) -> StudioApp:
    monkeypatch.chdir(project)  # paths on screen are relative, so the SVGs do not depend on tmp
    return make_app(Path("."), watch_interval=3600)


async def _validated(pilot: Pilot[None]) -> None:
    ws = pilot.app.workspace  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: ws.loaded is not None and ws.loaded_text == ws.text)


async def _suite(pilot: Pilot[None]) -> None:
    app = pilot.app
    await pilot.press("f5")
    await pilot.press("a")
    await wait_for(pilot, lambda: app.workspace.suite is not None, tries=1000)  # type: ignore[attr-defined]


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


class TestGraph:
    def test_diagram(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["f4"], run_before=_validated)


class TestSuite:
    def test_personas_after_a_run(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, run_before=_suite)

    def test_results(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[None]) -> None:
            await _suite(pilot)
            await pilot.press("f6")
            screen = pilot.app.screen
            assert isinstance(screen, ResultsScreen)
            await wait_for(pilot, lambda: len(screen.snapshots) == 14)

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestHelp:
    def test_help(self, snap_compare, app: StudioApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app, terminal_size=SIZE, press=["f1"], run_before=_validated)
