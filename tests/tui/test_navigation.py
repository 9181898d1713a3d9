"""Graph, help, command palette and themes."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.widgets import TextArea

from convodesk.tui.screens.editor import EditorScreen
from convodesk.tui.screens.graph import GraphScreen
from convodesk.tui.screens.help import HelpScreen
from convodesk.tui.widgets.diagram import FlowDiagram, diagram

from .conftest import SIZE, make_app, plain, wait_for


def test_diagram_forks_on_branches_and_references_loops() -> None:
    from convodesk.runtime.loader import parse_flow

    text = """
flow: t
slots: {size: {type: integer, ask: "How many?"}}
steps:
  - {id: start, ask: size}
  - id: split
    branch:
      - {when: "size >= 100", next: big}
      - {next: small}
  - {id: big, say: "Big!", next: start}
  - {id: small, end: true, say: "Bye"}
"""
    loaded = parse_flow(text, "t.yaml")
    assert loaded.flow is not None, loaded.problems
    rows = [row.text.plain for row in diagram(loaded.flow)]
    assert rows[:5] == [
        "? start  ask size",
        "│",
        "◇ split  branch",
        "├─ size >= 100 ─▶ ● big  say",
        "│  │",
    ]
    assert "│  ↩ start" in rows
    assert "└─ else ─▶ ■ small  end" in rows


async def test_graph_draws_the_flow_and_opens_a_step_in_the_editor(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, GraphScreen)
        diagram_widget = screen.query_one(FlowDiagram)
        labels = [row.text.plain for row in diagram_widget._rows]
        assert labels[0].startswith("? greet")
        assert any("◆ qualify" in label for label in labels)
        index = next(i for i, row in enumerate(diagram_widget._rows) if row.step == "contact")
        diagram_widget.highlighted = index
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen))
        area = app.screen.query_one(TextArea)
        assert area.document.get_line(area.cursor_location[0]).strip() == "- id: contact"


async def test_help_lists_every_screens_keys(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(plain(s) for s in app.screen.query("Static"))
        for needle in (
            "ctrl+s",
            "Save",
            "Restart",
            "Run all",
            "Accept snapshot",
            "Command palette",
        ):
            assert needle in text
        await pilot.press("escape")
        assert isinstance(app.screen, EditorScreen)


async def test_command_palette_runs_a_screen_action(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)
        await pilot.press(*"run all personas")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.workspace.suite is not None, tries=1000)
        assert app.current_mode == "personas"


async def test_theme_toggle(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
