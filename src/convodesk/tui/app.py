"""The studio app: modes, global keys and the command palette. Screens own their own work."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import App, ScreenStackError
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from .commands import StudioCommands
from .screens.confirm import QuitDialog
from .screens.editor import EditorScreen
from .screens.graph import GraphScreen
from .screens.help import HelpScreen
from .screens.personas import PersonasScreen
from .screens.playground import PlaygroundScreen
from .screens.results import ResultsScreen
from .workspace import Workspace

HERE = Path(__file__).parent
CSS_FILES = [
    HERE / "app.tcss",
    *(
        HERE / "screens" / f"{name}.tcss"
        for name in ("editor", "playground", "graph", "personas", "results", "dialogs", "help")
    ),
]
"""Every screen's styles, read once at launch (absolute: subclasses live elsewhere), not on
each screen's first visit. Textual keeps one stylesheet for the whole app, so each file's
rules are scoped by their screen's class name: two screens' `#side` never collide."""

WARMUP_AFTER = 0.5
WARMUP_EVERY = 0.2
WARMUP_IDLE = 0.5
WARMUP_ORDER = ("playground", "results", "personas", "help", "graph")
"""Screens composed in the background after launch: from WARMUP_AFTER seconds, one every
WARMUP_EVERY, each only once no key has been pressed for WARMUP_IDLE (never while typing)."""

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
    CSS_PATH = CSS_FILES
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
        Binding("ctrl+t", "toggle_dark", "Theme", show=False, tooltip="Dark / light theme"),
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
        self._shown: set[str] = set()
        """Modes the designer has opened (warming them up again would be wasted work)."""
        self._warm = list(WARMUP_ORDER)
        self._last_key = 0.0
        self.warmed: dict[str, Screen[Any]] = {}
        """The screens composed in the background, by name (for tests and the bench)."""

    def on_mount(self) -> None:
        # One help screen, kept between visits: composing it is most of what F1 costs.
        self.install_screen(HelpScreen(), "help")
        self.switch_mode("editor")
        self._shown.add("editor")
        self.set_timer(WARMUP_AFTER, self._warm_next)

    def _warm_next(self) -> None:
        """Compose the next screen not opened yet, one per tick, while the designer reads the
        editor (and only then): a first F3–F6 or F1 then only paints it.

        Each is switched to and back (or pushed and popped) in one batch, so it is never
        drawn and never takes a key; its screen-resume handlers see it is not current and
        leave their work (a session, the persona files) for the real first visit.
        """
        try:
            screen = self.screen
        except (ScreenStackError, KeyError):
            return  # the app is closing
        if not self._warm or not self.is_running:
            return
        typing = time.monotonic() - self._last_key < WARMUP_IDLE
        elsewhere = self.current_mode != "editor" or isinstance(screen, ModalScreen)
        if typing or elsewhere:  # only from the bare editor (no resume handler), when idle
            self.set_timer(WARMUP_EVERY, self._warm_next)
            return
        name = self._warm.pop(0)
        with self.batch_update():
            if name == "help":
                if not self.get_screen("help").is_mounted:
                    self.push_screen("help")
                    self.warmed[name] = self.screen
                    self.pop_screen()
            elif name not in self._shown:
                self.switch_mode(name)
                self.warmed[name] = self.screen
                self.switch_mode("editor")
        self.set_timer(WARMUP_EVERY, self._warm_next)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()  # the background composing waits for a pause
        await super().on_event(event)

    def notify(self, message: str, *args: Any, markup: bool = False, **kwargs: Any) -> None:
        """Plain text unless asked otherwise: notes quote file names, problems and errors,
        whose brackets must never be read as markup."""
        super().notify(message, *args, markup=markup, **kwargs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The key of the screen you are on is left out of its footer (the header names it);
        pressing it there would do nothing anyway."""
        return not (action == "show" and parameters and parameters[0] == self.current_mode)

    async def _close_dialogs(self) -> None:
        """Cancel whatever dialog, viewer or palette is open over the current screen."""
        while isinstance(self.screen, ModalScreen) and len(self.screen_stack) > 1:
            await self.pop_screen()

    def _sync_editor(self) -> None:
        if isinstance(self.screen, EditorScreen):
            self.screen.sync_text()

    async def action_show(self, mode: str) -> None:
        """Switch screens from anywhere, even from inside a dialog (which is cancelled)."""
        await self._close_dialogs()
        self._sync_editor()  # the screen shown next works on the text as typed
        self._shown.add(mode)
        await self.switch_mode(mode)

    async def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        await self._close_dialogs()
        self.push_screen("help")

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    async def action_quit(self) -> None:
        """Quit at once when everything is saved; otherwise ask (save, discard or cancel)."""
        if isinstance(self.screen, QuitDialog):
            return
        self._sync_editor()  # an edit whose message is still on its way is unsaved too
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
