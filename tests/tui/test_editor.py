"""Editor: live validation, jumping to problems and outline entries, saving, outside edits."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from convodesk.tui.screens.editor import EditorScreen
from convodesk.tui.widgets.outline import Outline
from convodesk.tui.widgets.problems import ProblemList

from .conftest import SIZE, make_app, wait_for


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


async def test_break_the_flow_see_the_problem_at_its_line_then_fix_it(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        ws = app.workspace
        await wait_for(pilot, lambda: ws.loaded is not None)
        assert ws.loaded is not None and not ws.loaded.errors

        area = app.screen.query_one(TextArea)
        line = _line_of(area.text, "ask: current_tool")
        col = area.document.get_line(line - 1).index("current_tool")
        area.move_cursor((line - 1, col))
        area.focus()
        for _ in range(len("current_tool")):
            await pilot.press("delete")
        await pilot.press(*"currnt_tool")
        await wait_for(pilot, lambda: ws.loaded_text == ws.text and bool(ws.loaded.errors))

        problems = app.screen.query_one(ProblemList)
        assert [(p.line, p.severity) for p in problems.problems] == [(line, "error")]
        assert "unknown slot 'currnt_tool'" in problems.problems[0].message
        assert "did you mean 'current_tool'" in problems.problems[0].message

        area.move_cursor((0, 0))
        problems.focus()
        problems.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert area.cursor_location[0] == line - 1
        assert app.focused is area

        area.move_cursor((line - 1, col + 4))
        await pilot.press("e")
        await wait_for(pilot, lambda: ws.loaded_text == ws.text and not ws.loaded.errors)
        assert "No problems" in str(problems.get_option_at_index(0).prompt)


async def test_yaml_syntax_error_reported_where_it_is(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        ws = app.workspace
        await wait_for(pilot, lambda: ws.loaded is not None)
        area = app.screen.query_one(TextArea)
        area.move_cursor((4, 0))  # line 5: "version: 1"
        await pilot.press(*"  : [")
        await wait_for(pilot, lambda: ws.loaded_text == ws.text and bool(ws.loaded.errors))
        assert ws.loaded.errors[0].message.startswith("YAML syntax error")
        # The outline keeps the last valid version instead of going blank.
        outline = app.screen.query_one(Outline)
        assert outline.border_subtitle == "last valid version"
        assert len(outline.root.children) >= 4


async def test_outline_selects_jump_to_the_definition(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        ws = app.workspace
        await wait_for(pilot, lambda: ws.loaded is not None)
        outline = app.screen.query_one(Outline)
        steps = outline.root.children[0]
        contact = next(n for n in steps.children if str(n.label).startswith("contact"))
        outline.focus()
        outline.move_cursor(contact)
        await pilot.press("enter")
        await pilot.pause()
        area = app.screen.query_one(TextArea)
        assert area.document.get_line(area.cursor_location[0]).strip() == "- id: contact"


async def test_ctrl_s_saves_and_outside_edits_are_picked_up(project: Path) -> None:
    app = make_app(project)
    path = project / "flows" / "saas_inbound.yaml"
    async with app.run_test(size=SIZE) as pilot:
        ws = app.workspace
        await wait_for(pilot, lambda: ws.loaded is not None)
        area = app.screen.query_one(TextArea)
        area.move_cursor((0, 0))
        await pilot.press(*"# edited in the studio", "enter")
        assert ws.dirty
        await pilot.press("ctrl+s")
        assert path.read_text().startswith("# edited in the studio\n")
        assert not ws.dirty

        outside = path.read_text().replace("name: Ava", "name: Eve")
        path.write_text(outside)
        await wait_for(pilot, lambda: area.text == outside)
        assert ws.saved_text == outside and not ws.dirty


async def test_outside_edit_never_overwrites_unsaved_work(project: Path) -> None:
    app = make_app(project)
    path = project / "flows" / "saas_inbound.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.workspace.loaded is not None)
        area = app.screen.query_one(TextArea)
        area.move_cursor((0, 0))
        await pilot.press(*"# mine")
        mine = area.text
        path.write_text(path.read_text().replace("name: Ava", "name: Eve"))
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        await wait_for(pilot, lambda: screen._warned_disk)
        assert area.text == mine
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "name: Eve" in area.text)
