"""Every key of every screen, screen switching from anywhere, graph, help, palette, quitting."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Footer, Static, TextArea

from convodesk.cli.studio import finish
from convodesk.tui.app import SCREENS_IN_ORDER, WARMUP_ORDER, StudioApp
from convodesk.tui.commands import ACTIONS
from convodesk.tui.screens.confirm import Confirm, GoToLine, QuitDialog
from convodesk.tui.screens.editor import EditorScreen
from convodesk.tui.screens.graph import GraphScreen
from convodesk.tui.screens.help import HelpScreen
from convodesk.tui.screens.personas import PersonasScreen
from convodesk.tui.screens.playground import PlaygroundScreen
from convodesk.tui.screens.results import ResultsScreen
from convodesk.tui.screens.viewer import TextViewer
from convodesk.tui.widgets.diagram import FlowDiagram, diagram
from convodesk.tui.widgets.outline import Outline
from convodesk.tui.widgets.rich_block import RichBlock

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
      - {when: "size is not set", next: big}
      - {next: small}
  - {id: big, say: "Let's try that again.", next: start}
  - {id: small, end: true, say: "Bye"}
"""
    loaded = parse_flow(text, "t.yaml")
    assert loaded.flow is not None, loaded.problems
    rows = [row.text.plain for row in diagram(loaded.flow)]
    assert rows[:5] == [
        "? start  ask size",
        "│",
        "◇ split  branch",
        "├─ size is not set ─▶ ● big  say",
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
        shown = [*help_screen.query("Static"), *help_screen.query(RichBlock)]
        text = " ".join(" ".join(plain(s) for s in shown).split())
        for cls in (StudioApp, *StudioApp.MODES.values(), TextViewer, Confirm, QuitDialog):
            for binding in _bindings(cls):
                assert (binding.tooltip or binding.description) in text, binding
        assert "Command palette" in text and "Esc leaves the text for the outline" in text
        # the text's own keys, read from TextArea (F6 is a screen key there, not "select line")
        for key, does in (("ctrl+z / y", "Undo / redo"), ("f7", "Select all")):
            assert f"{key} {does}" in text
        assert "Select line" not in text and "super+" not in text
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


def test_diagram_draws_the_skip_paths_of_conditional_steps() -> None:
    """As `convodesk graph` does (runtime.graph.drawn_edges): each way into a step with `when`
    also leads past it, dotted; a first step with `when` falls through to the next."""
    from convodesk.runtime.loader import parse_flow

    text = """
flow: t
slots:
  size: {type: integer, ask: "How many?"}
  budget: {type: money, ask: "Budget?"}
steps:
  - {id: closed, end: true, say: "We are closed", when: "size >= 1"}
  - {id: start, ask: size}
  - {id: money, ask: budget, when: "size >= 100"}
  - {id: done, end: true, say: "Bye"}
"""
    loaded = parse_flow(text, "t.yaml")
    assert loaded.flow is not None, loaded.problems
    assert [row.text.plain for row in diagram(loaded.flow)] == [
        "■ closed  end  (only when size >= 1)",
        "└─ when false ┄▶ ? start  ask size",
        "   ├──▶ ? money  ask budget  (only when size >= 100)",
        "   │  │",
        "   │  ■ done  end",
        "   └─ skip money ┄▶ ↩ done",
    ]


async def test_the_graph_screen_shows_the_example_flows_skip_path(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        rows = [row.text.plain for row in app.screen.query_one(FlowDiagram)._rows]
        assert "└─ skip budget ┄▶ ↩ committee" in rows
        assert "skipped when false" in plain(app.screen.query_one(".hint", Static))


async def test_escape_in_the_text_goes_to_the_outline(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one(TextArea)
        assert app.focused is area
        await pilot.press("escape")
        assert app.focused is app.screen.query_one(Outline)
        await pilot.press("ctrl+e")
        assert app.focused is area


@pytest.mark.parametrize(("typed", "where"), [("42", (41, 0)), ("12:5", (11, 4)), ("99999", None)])
async def test_go_to_line(project: Path, typed: str, where: tuple[int, int] | None) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one(TextArea)
        await pilot.press("ctrl+g")
        dialog = app.screen
        assert isinstance(dialog, GoToLine)
        await pilot.press(*typed, "enter")
        assert isinstance(app.screen, EditorScreen) and app.focused is area
        last = area.document.line_count - 1
        assert area.cursor_location == (where or (last, 0))


async def test_go_to_line_is_cancelled_by_escape(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one(TextArea)
        area.move_cursor((3, 4))
        await pilot.press("ctrl+g", "3", "escape")
        assert isinstance(app.screen, EditorScreen) and area.cursor_location == (3, 4)


async def test_a_question_names_its_keys_as_its_buttons_do(project: Path) -> None:
    """`Cancel (Esc)` on the button, `esc Cancel` in the footer (not `n Cancel`)."""
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one(TextArea)
        area.text = area.text + "\n# edited\n"
        await pilot.pause()
        await pilot.press("ctrl+l")
        dialog = app.screen
        assert isinstance(dialog, Confirm)
        footer = {k.key: k.description for k in dialog.query("FooterKey")}  # type: ignore[attr-defined]
        assert footer == {"y": "Yes", "escape": "Cancel"}
        assert str(dialog.query_one("#no", Button).label) == "Cancel (Esc)"


async def test_palette_finds_the_theme_toggle_by_theme(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"theme")
        palette = app.screen
        await wait_for(pilot, lambda: palette.query_one(CommandList).option_count > 0)
        await settle(pilot)
        prompts = [
            str(palette.query_one(CommandList).get_option_at_index(i).prompt)
            for i in range(palette.query_one(CommandList).option_count)
        ]
        assert any("Toggle dark/light theme" in p for p in prompts), prompts


async def test_the_help_screen_is_kept_between_visits(project: Path) -> None:
    """Composed once: a second F1 shows the same screen, not a new one."""
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        first = app.screen
        await pilot.press("escape", "f3", "f1")
        assert isinstance(app.screen, HelpScreen) and app.screen is first


async def test_other_screens_are_composed_in_the_background_and_wait_for_a_visit(
    project: Path,
) -> None:
    """Composed after launch, unseen, so a first F3–F6 or F1 only paints; but nothing they do
    on a visit (a session, reading the persona files) happens before the visit."""
    app = make_app(project, watch_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: set(app.warmed) == set(WARMUP_ORDER), tries=500)
        await settle(pilot)
        assert app.current_mode == "editor" and isinstance(app.focused, TextArea)
        playground, personas = app.warmed["playground"], app.warmed["personas"]
        assert isinstance(playground, PlaygroundScreen) and playground.session is None
        assert isinstance(personas, PersonasScreen) and personas.personas == []
        assert app.workspace.suite is None and not app.notes

        await pilot.press("f3")
        assert app.screen is playground  # the very screen composed in the background
        await wait_for(pilot, lambda: playground.session is not None)
        await pilot.press("f5")
        assert app.screen is personas and len(personas.personas) > 10
        await pilot.press("f1")
        assert app.screen is app.warmed["help"]
