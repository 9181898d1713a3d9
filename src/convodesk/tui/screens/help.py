"""Help: every key, screen by screen, read from the bindings themselves so it never drifts."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from .viewer import TextViewer

INTRO = (
    "Write the flow, play it, run the persona suite, read the results. ctrl+p opens the "
    "command palette with every action. Tab and shift+Tab move between panes; in the editor's "
    "text Tab indents, so Esc leaves the text (ctrl+e goes back)."
)

# Keys a widget handles itself, worth knowing, that no binding of ours declares.
EXTRA: dict[str, list[tuple[str, str]]] = {
    "Everywhere": [("ctrl+p", "Command palette"), ("tab / shift+tab", "Next / previous pane")],
    "Editor": [("escape", "Leave the text (Tab indents)"), ("enter", "Jump to a problem or entry")],
    "Playground": [("enter", "Send the message")],
}


def _keys(bindings: list[BindingType]) -> list[tuple[str, str]]:
    out = []
    for item in bindings:
        if isinstance(item, Binding):
            out.append((" / ".join(item.key.split(",")), item.description))
        elif isinstance(item, tuple):
            out.append((item[0], item[2] if len(item) > 2 else item[1]))
    return out


def sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(keys, what they do)]) for the app, each screen and the transcript viewer."""
    from ..app import StudioApp

    out = [("Everywhere", _keys(StudioApp.BINDINGS))]
    for mode, screen in StudioApp.MODES.items():
        if isinstance(screen, type) and issubclass(screen, Screen):
            out.append((mode.capitalize(), _keys(list(screen.BINDINGS))))
    out.append(("Transcript and diff viewer", _keys(TextViewer.BINDINGS)))
    return [(title, keys + EXTRA.get(title, [])) for title, keys in out]


def section_table(title: str, keys: list[tuple[str, str]]) -> Group:
    table = Table(box=None, padding=(0, 1), show_header=False)
    table.add_column("key", style="bold cyan", no_wrap=True, width=16)
    table.add_column("does")
    for key, description in keys:
        table.add_row(key, description)
    return Group(Text(title, style="bold underline"), table)


class HelpScreen(ModalScreen[None]):
    """Two columns of sections, so every key fits at 120x36; it scrolls when smaller."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
    ]
    SPLIT = 3
    """Sections in the left column: everywhere, editor, playground."""

    def compose(self) -> ComposeResult:
        parts = sections()
        with VerticalScroll(id="help"):
            yield Static(INTRO, id="intro", markup=False)
            with Horizontal(id="columns"):
                for column in (parts[: self.SPLIT], parts[self.SPLIT :]):
                    with Vertical(classes="column"):
                        for title, keys in column:
                            yield Static(section_table(title, keys), classes="section")
        yield Footer()

    def on_mount(self) -> None:
        help_pane = self.query_one("#help")
        help_pane.border_title = "Help"
        help_pane.border_subtitle = "Esc closes"
        help_pane.focus()
