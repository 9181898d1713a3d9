"""Editor: live validation, highlighting, jumping to problems and outline entries, saving,
reloading (never silently over unsaved work), outside edits."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from convodesk.tui.screens.confirm import Confirm
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


async def test_the_yaml_is_highlighted(project: Path) -> None:
    """tree-sitter-yaml ships with textual[syntax]: keys and values render in different styles."""
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one(TextArea)
        assert area.language == "yaml"
        assert area.is_syntax_aware
        row = _line_of(area.text, "flow: saas_inbound") - 1
        area.scroll_to(0, 0, animate=False)
        await pilot.pause()
        strip = area.render_line(row)
        styles = {seg.style.color for seg in strip if seg.text.strip() and seg.style}
        key = next(seg for seg in strip if seg.text.strip() == "flow")
        value = next(seg for seg in strip if "saas_inbound" in seg.text)
        assert key.style is not None and value.style is not None
        assert key.style.color != value.style.color, styles


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


async def test_a_flow_that_never_loaded_says_what_to_do_in_the_outline(project: Path) -> None:
    path = project / "flows" / "saas_inbound.yaml"
    path.write_text(path.read_text().replace("ask: current_tool", "ask: nope"))
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        ws = app.workspace
        await wait_for(pilot, lambda: ws.loaded is not None)
        outline = app.screen.query_one(Outline)
        assert outline.border_subtitle == "no valid version yet"
        hint = " ".join(str(node.label) for node in outline.root.children)
        assert "Fix the errors below" in hint and "F8" in hint


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


async def test_ctrl_o_and_ctrl_e_move_between_outline_and_text(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one(TextArea)
        assert app.focused is area
        await pilot.press("ctrl+o")
        assert app.focused is app.screen.query_one(Outline)
        await pilot.press("ctrl+e")
        assert app.focused is area
        await pilot.press("escape")  # Tab indents in the text; Esc leaves it
        assert app.focused is not area


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
        assert app.notes[-1] == "Saved saas_inbound.yaml"

        outside = path.read_text().replace("name: Ava", "name: Eve")
        path.write_text(outside)
        await wait_for(pilot, lambda: area.text == outside)
        assert ws.saved_text == outside and not ws.dirty


async def test_saving_a_broken_flow_says_it_has_problems(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one(TextArea)
        area.text = area.text.replace("ask: current_tool", "ask: nope").replace(
            "ask: company_size", "ask: nada"
        )
        await pilot.press("ctrl+s")
        assert app.notes[-1].startswith("Saved saas_inbound.yaml with 2 problems")


async def test_an_outside_edit_keeps_the_cursor_and_scroll(project: Path) -> None:
    app = make_app(project)
    path = project / "flows" / "saas_inbound.yaml"
    async with app.run_test(size=SIZE) as pilot:
        ws = app.workspace
        await wait_for(pilot, lambda: ws.loaded is not None)
        area = app.screen.query_one(TextArea)
        row = _line_of(area.text, "- id: contact") - 1
        area.move_cursor((row, 4), center=True)
        await pilot.pause()
        scrolled = area.scroll_offset.y
        assert scrolled > 0
        path.write_text(path.read_text().replace("name: Ava", "name: Eve"))
        await wait_for(pilot, lambda: "name: Eve" in area.text)
        await pilot.pause()
        assert area.cursor_location == (row, 4)
        assert area.scroll_offset.y == scrolled


async def test_reload_with_unsaved_edits_asks_first(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one(TextArea)
        area.move_cursor((0, 0))
        await pilot.press(*"# mine")
        mine = area.text
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")
        assert isinstance(app.screen, EditorScreen) and area.text == mine

        await pilot.press("ctrl+l")
        await pilot.press("y")
        await wait_for(pilot, lambda: "# mine" not in area.text)
        assert not app.workspace.dirty


async def test_reload_without_edits_reads_the_file_at_once(project: Path) -> None:
    app = make_app(project, watch_interval=3600)
    path = project / "flows" / "saas_inbound.yaml"
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one(TextArea)
        path.write_text(path.read_text().replace("name: Ava", "name: Eve"))
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert "name: Eve" in area.text


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
        assert "ctrl+l reloads it" in app.notes[-1]
        await pilot.press("ctrl+l", "y")
        await wait_for(pilot, lambda: "name: Eve" in area.text)
