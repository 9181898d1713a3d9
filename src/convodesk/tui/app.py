"""The studio app: modes, global keys and the command palette. Screens own their own work."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from .commands import StudioCommands
from .screens.confirm import QuitDialog
from .screens.editor import EditorScreen
from .screens.graph import GraphScreen
from .screens.help import HelpScreen
from .screens.personas import PersonasScreen
from .screens.playground import PlaygroundScreen
from .screens.results import ResultsScreen
from .workspace import Workspace

SCREENS_IN_ORDER: tuple[tuple[str, str, str], ...] = (
    ("editor", "f2", "Edit"),
    ("playground", "f3", "Play"),
    ("graph", "f4", "Graph"),
    ("personas", "f5", "Personas"),
    ("results", "f6", "Results"),
)


class StudioApp(App[None]):
    """One app, five modes; each mode keeps its screen (and its state) while you switch away.

    The screen keys are priority bindings: a focused widget never swallows them (the editor's
    TextArea binds F6 to "select line" otherwise).
    """

    TITLE = "convodesk studio"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    COMMANDS = App.COMMANDS | {StudioCommands}
    MODES: ClassVar = {
        "editor": EditorScreen,
        "playground": PlaygroundScreen,
        "graph": GraphScreen,
        "personas": PersonasScreen,
        "results": ResultsScreen,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(key, f"show('{mode}')", label, priority=True)
            for mode, key, label in SCREENS_IN_ORDER
        ),
        Binding("f1", "help", "Help", priority=True),
        Binding("ctrl+t", "toggle_dark", "Theme", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self, workspace: Workspace, *, validate_delay: float = 0.3, watch_interval: float = 1.0
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.validate_delay = validate_delay
        self.watch_interval = watch_interval
        self.theme = "textual-dark"

    def on_mount(self) -> None:
        self.switch_mode("editor")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The key of the screen you are on is left out of its footer (the header names it);
        pressing it there would do nothing anyway."""
        return not (action == "show" and parameters and parameters[0] == self.current_mode)

    async def _close_dialogs(self) -> None:
        """Cancel whatever dialog, viewer or palette is open over the current screen."""
        while isinstance(self.screen, ModalScreen) and len(self.screen_stack) > 1:
            await self.pop_screen()

    async def action_show(self, mode: str) -> None:
        """Switch screens from anywhere, even from inside a dialog (which is cancelled)."""
        await self._close_dialogs()
        await self.switch_mode(mode)

    async def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        await self._close_dialogs()
        self.push_screen(HelpScreen())

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    async def action_quit(self) -> None:
        """Quit at once when everything is saved; otherwise ask (save, discard or cancel)."""
        if isinstance(self.screen, QuitDialog):
            return
        if not self.workspace.dirty:
            self.exit()
            return
        await self._close_dialogs()
        self.push_screen(QuitDialog(self.workspace.shown(self.workspace.flow_path)), self._quit)

    def _quit(self, answer: str | None) -> None:
        if answer == "save":
            try:
                self.workspace.save()
            except OSError as exc:
                self.notify(f"Could not save: {exc.strerror}; not quitting.", severity="error")
                return
            self.exit()
        elif answer == "discard":
            self.exit()

    async def run_in_mode(self, mode: str, action: str) -> None:
        """Switch to a mode, then run one of its screen's actions (used by the palette)."""
        await self.action_show(mode)
        await self.screen.run_action(action)

    async def jump_to(self, line: int, col: int) -> None:
        """Show the editor with the cursor at a 1-based position (graph and results use it)."""
        await self.action_show("editor")
        screen = self.screen
        if isinstance(screen, EditorScreen):
            screen.goto(line, col)
