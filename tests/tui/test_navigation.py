"""Every key of every screen, screen switching from anywhere, graph, help, palette, quitting."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, TextArea

from convodesk.cli.studio import finish
from convodesk.tui.app import SCREENS_IN_ORDER, StudioApp
from convodesk.tui.commands import ACTIONS
from convodesk.tui.screens.confirm import QuitDialog
from convodesk.tui.screens.editor import EditorScreen
from convodesk.tui.screens.graph import GraphScreen
from convodesk.tui.screens.help import HelpScreen
from convodesk.tui.screens.results import ResultsScreen
from convodesk.tui.screens.viewer import TextViewer
from convodesk.tui.widgets.diagram import FlowDiagram, diagram

from .conftest import SIZE, make_app, plain, settle, wait_for

MODES = [mode for mode, _, _ in SCREENS_IN_ORDER]
SCREEN_KEYS = {mode: key for mode, key, _ in SCREENS_IN_ORDER}

# Bindings with no palette command, and why.
NOT_IN_PALETTE = {
    ("", "quit"): "Textual's own system commands list 'Quit' (and it asks first, too)",
}


def _bindings(cls: type) -> list[Binding]:
    return [b for b in cls.BINDINGS if isinstance(b, Binding)]


def _first_key(binding: Binding) -> str:
    return binding.key.split(",")[0]


async def _close_dialogs(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        if not isinstance(pilot.app.screen, ModalScreen):
            return
        await pilot.press("escape")
        await pilot.pause()


def _focusables(app: StudioApp) -> list[Widget]:
    return [w for w in app.screen.focus_chain if w.focusable]


async def test_every_key_of_every_screen_with_every_pane_focused(project: Path) -> None:
    """Press each binding of each screen, from each focusable pane; nothing may crash."""
    app = make_app(project, watch_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        for mode in ["personas", *MODES]:  # a run first, so results have work to do
            await pilot.press(SCREEN_KEYS[mode])
            screen_cls = StudioApp.MODES[mode]
            for index in range(len(_focusables(app))):
                for binding in _bindings(screen_cls):
                    await pilot.press(SCREEN_KEYS[mode])
                    pane = _focusables(app)[index]
                    pane.focus()
                    await pilot.press(_first_key(binding))
                    await settle(pilot)
                    await _close_dialogs(pilot)
                    assert app.is_running, (mode, pane, binding.key)
        for binding in _bindings(StudioApp):
            if binding.action == "quit":
                continue  # tested below
            await pilot.press(_first_key(binding))
            await settle(pilot)
            await _close_dialogs(pilot)
            assert app.is_running, binding.key


async def test_every_key_of_the_help_and_the_viewers(project: Path) -> None:
    app = make_app(project, watch_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one(TextArea)  # every conversation now differs from its snapshot
        area.text = area.text.replace('disclosure: "Hi, I', 'disclosure: "Hello, I')
        await pilot.press("f5", "a")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        for opener, cls in (("f1", HelpScreen), ("t", TextViewer), ("d", TextViewer)):
            for binding in _bindings(cls):
                await pilot.press("f6", opener)
                await settle(pilot)
                assert isinstance(app.screen, cls)
                await pilot.press(_first_key(binding))
                await settle(pilot)
                await _close_dialogs(pilot)
                assert app.is_running
        assert isinstance(app.screen, ResultsScreen)


@pytest.mark.parametrize("start", MODES)
async def test_screen_keys_work_from_every_screen_and_every_pane(project: Path, start: str) -> None:
    app = make_app(project, watch_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SCREEN_KEYS[start])
        for index in range(len(_focusables(app))):
            for target in MODES:
                await pilot.press(SCREEN_KEYS[start])
                pane = _focusables(app)[index]
                pane.focus()
                await pilot.press(SCREEN_KEYS[target])
                await pilot.pause()
                assert app.current_mode == target, (start, pane, target)


async def test_f6_from_the_editors_text_and_every_screen_key_in_its_footer(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.focused, TextArea)  # TextArea binds F6 to "select line" itself
        keys = [k.key for k in app.screen.query_one(Footer).query("FooterKey")]  # type: ignore[attr-defined]
        assert [k for k in keys if k.startswith("f")] == ["f8", "f3", "f4", "f5", "f6", "f1"]
        await pilot.press("f6")
        assert app.current_mode == "results"


async def test_screen_keys_cancel_an_open_dialog(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f3")
        assert app.current_mode == "playground" and not isinstance(app.screen, ModalScreen)
        await pilot.press("f2")
        assert isinstance(app.screen, EditorScreen)  # the help did not stay behind


def test_every_binding_has_a_palette_command() -> None:
    commands = {(c.mode, c.action) for c in ACTIONS}
    missing = []
    for binding in _bindings(StudioApp):
        action = binding.action
        shown = action.removeprefix("show('").removesuffix("')")
        key = (shown, "") if action.startswith("show(") else ("", action)
        if key not in commands and key not in NOT_IN_PALETTE:
            missing.append(("app", binding.key, action))
    for mode, screen_cls in StudioApp.MODES.items():
        for binding in _bindings(screen_cls):
            if (mode, binding.action) not in commands:
                missing.append((mode, binding.key, binding.action))
    assert not missing


async def test_every_palette_command_runs_on_its_screen(project: Path) -> None:
    app = make_app(project, watch_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        for command in ACTIONS:
            before = app.current_mode
            if not command.mode:
                await app.run_action(command.action)
            elif not command.action:
                await app.action_show(command.mode)
            else:
                await app.run_in_mode(command.mode, command.action)
            await settle(pilot)
            assert app.current_mode == (command.mode or before), command.title
            await _close_dialogs(pilot)
            assert app.is_running, command.title


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
        footer = {k.description for k in screen.query("FooterKey")}  # type: ignore[attr-defined]
        assert "Open in editor" in footer
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


async def test_help_lists_every_screens_keys_with_its_own_footer(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = " ".join(" ".join(plain(s) for s in help_screen.query("Static")).split())
        for cls in (StudioApp, *StudioApp.MODES.values(), TextViewer):
            for binding in _bindings(cls):
                assert binding.description in text
        assert "Command palette" in text and "Esc leaves the text" in text
        assert "Tab moves between panes" not in text
        footer = [k.description for k in help_screen.query("FooterKey")]  # type: ignore[attr-defined]
        assert footer == ["Close"]  # not the keys of the editor behind it
        # every section is on screen at 120x36: nothing needs scrolling
        scroll = help_screen.query_one("#help")
        assert scroll.max_scroll_y == 0
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


async def test_quit_at_once_when_saved(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert finish(app) == 0


async def _edit_then_quit(pilot) -> None:  # type: ignore[no-untyped-def]
    area = pilot.app.screen.query_one(TextArea)
    area.move_cursor((0, 0))
    await pilot.press(*"# unsaved")
    await pilot.press("ctrl+q")
    assert isinstance(pilot.app.screen, QuitDialog)


async def test_quit_with_unsaved_edits_asks_and_cancel_keeps_them(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await _edit_then_quit(pilot)
        await pilot.press("ctrl+q")  # a second ctrl+q does not quit behind the question
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("escape")
        assert app.is_running and isinstance(app.screen, EditorScreen)
        assert app.workspace.text.startswith("# unsaved")


async def test_quit_with_unsaved_edits_can_save_first(project: Path) -> None:
    app = make_app(project)
    path = project / "flows" / "saas_inbound.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await _edit_then_quit(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert not app.is_running
    assert path.read_text().startswith("# unsaved")


async def test_quit_with_unsaved_edits_can_discard_them(project: Path) -> None:
    app = make_app(project)
    path = project / "flows" / "saas_inbound.yaml"
    before = path.read_text()
    async with app.run_test(size=SIZE) as pilot:
        await _edit_then_quit(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert not app.is_running
    assert path.read_text() == before
    assert finish(app) == 0 and not (path.parent / "saas_inbound.yaml.recovered").exists()


async def test_a_crash_exits_1_and_rescues_unsaved_edits(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: EditorScreen) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(EditorScreen, "action_next_problem", broken)
    app = make_app(project)
    path = project / "flows" / "saas_inbound.yaml"
    before = path.read_text()
    with pytest.raises(RuntimeError, match="boom"):
        async with app.run_test(size=SIZE) as pilot:
            area = app.screen.query_one(TextArea)
            area.move_cursor((0, 0))
            await pilot.press(*"# precious", "f8")
            await pilot.pause()
    assert finish(app) == 1
    rescued = path.parent / "saas_inbound.yaml.recovered"
    assert rescued.read_text().startswith("# precious")
    assert path.read_text() == before  # the flow itself is never overwritten
    assert f"your unsaved edits are in {rescued}" in capsys.readouterr().err
