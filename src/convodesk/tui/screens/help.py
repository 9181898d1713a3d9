"""Help: every key, screen by screen, read from the bindings themselves so it never drifts."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

INTRO = (
    "convodesk studio: write the flow, play it, run the persona suite, read the results.\n"
    "ctrl+p opens the command palette with every action; Tab moves between panes."
)


def _keys(bindings: list[BindingType]) -> list[tuple[str, str]]:
    out = []
    for item in bindings:
        if isinstance(item, Binding):
            out.append((item.key, item.description))
        elif isinstance(item, tuple):
            out.append((item[0], item[2] if len(item) > 2 else item[1]))
    return out


def bindings_table() -> Table:
    from ..app import StudioApp

    table = Table(box=None, padding=(0, 2), show_header=False, expand=True)
    table.add_column("key", style="bold cyan", no_wrap=True, width=14)
    table.add_column("does")
    sections: list[tuple[str, list[BindingType]]] = [("Everywhere", StudioApp.BINDINGS)]
    sections.append(("Everywhere", [Binding("ctrl+p", "", "Command palette")]))
    for mode, screen in StudioApp.MODES.items():
        if isinstance(screen, type) and issubclass(screen, Screen):
            sections.append((mode.capitalize(), list(screen.BINDINGS)))
    shown: set[str] = set()
    for title, bindings in sections:
        if title not in shown:
            table.add_row(Text(""), Text(""))
            table.add_row(Text(title, style="bold underline"), Text(""))
            shown.add(title)
        for key, description in _keys(bindings):
            table.add_row(key, description)
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(INTRO, id="intro")
            yield Static(bindings_table())

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "Help · Esc closes"
