"""The studio app: modes, global keys and the command palette. Screens own their own work."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from .commands import StudioCommands
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
    """One app, five modes; each mode keeps its screen (and its state) while you switch away."""

    TITLE = "convodesk studio"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {StudioCommands}
    MODES: ClassVar = {
        "editor": EditorScreen,
        "playground": PlaygroundScreen,
        "graph": GraphScreen,
        "personas": PersonasScreen,
        "results": ResultsScreen,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"switch_mode('{mode}')", label) for mode, key, label in SCREENS_IN_ORDER),
        Binding("f1", "help", "Help"),
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

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen())

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    async def run_in_mode(self, mode: str, action: str) -> None:
        """Switch to a mode, then run one of its screen's actions (used by the palette)."""
        await self.switch_mode(mode)
        await self.screen.run_action(action)

    async def jump_to(self, line: int, col: int) -> None:
        """Show the editor with the cursor at a 1-based position (graph and results use it)."""
        await self.switch_mode("editor")
        screen = self.screen
        if isinstance(screen, EditorScreen):
            screen.goto(line, col)
