"""Help: every key, screen by screen, read from the bindings themselves so it never drifts."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static, TextArea

from ..widgets.rich_block import RichBlock
from .confirm import Confirm, QuitDialog
from .viewer import TextViewer

INTRO = (
    "Write the flow, play it, run the persona suite, read the results. ctrl+p opens the "
    "command palette with every action. Tab and shift+Tab move between panes; in the editor's "
    "text Tab indents, so Esc leaves the text for the outline (ctrl+e goes back)."
)

# Keys a widget handles itself, worth knowing, that no binding of ours declares.
EXTRA: dict[str, list[tuple[str, str]]] = {
    "Everywhere": [("ctrl+p", "Command palette"), ("tab / shift+tab", "Next / previous pane")],
    "Editor": [
        ("escape", "Leave the text for the outline"),
        ("enter", "Jump to a problem or entry"),
    ],
    "Playground": [("enter", "Send the message")],
    "Dialogs": [("enter", "Press the focused button")],
}

# The text's own keys (TextArea's bindings, so they never drift), grouped so one row names
# related keys together, with a short label for the group.
TEXT_KEYS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("undo", "redo"), "Undo / redo"),
    (("cut", "copy", "paste"), "Cut / copy / paste"),
    (("select_all",), "Select all"),
    (("cursor_line_start", "cursor_line_end"), "Line start / end"),
    (("delete_to_end_of_line_or_delete_line",), "Delete to line end"),
    (("delete_line",), "Delete the line"),
)


def _described(binding: Binding) -> str:
    """The footer's short label, or the longer tooltip when the binding has one."""
    return binding.tooltip or binding.description


def _keys(bindings: list[BindingType]) -> list[tuple[str, str]]:
    out = []
    for item in bindings:
        if isinstance(item, Binding):
            out.append((" / ".join(item.key.split(",")), _described(item)))
        elif isinstance(item, tuple):
            out.append((item[0], item[2] if len(item) > 2 else item[1]))
    return out


def _shared_prefix(keys: list[str]) -> str:
    """`ctrl+x / c / v` rather than `ctrl+x / ctrl+c / ctrl+v`."""
    head, _, _ = keys[0].rpartition("+")
    if not head or not all(k.rpartition("+")[0] == head for k in keys):
        return " / ".join(keys)
    return " / ".join([keys[0], *(k.rpartition("+")[2] for k in keys[1:])])


def text_keys() -> list[tuple[str, str]]:
    """The editor text's keys, read from TextArea's bindings; terminal keys only (no
    super+), and none the studio takes over (F6 is a screen key)."""
    from ..app import StudioApp

    taken = {b.key for b in StudioApp.BINDINGS if isinstance(b, Binding)}
    by_action = {
        b.action: b for b in TextArea.BINDINGS if isinstance(b, Binding) and b.key not in taken
    }
    rows = []
    for actions, label in TEXT_KEYS:
        found = [by_action[a] for a in actions if a in by_action]
        if len(found) == len(actions):
            keys = [next(k for k in b.key.split(",") if not k.startswith("super+")) for b in found]
            rows.append((_shared_prefix(keys), label))
    rows.append(("shift+arrows", "Select text"))
    return rows


def sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(keys, what they do)]) for the app, each screen, the editor's text, the
    transcript viewer and the dialogs that ask before work is lost."""
    from ..app import StudioApp

    out = [("Everywhere", _keys(StudioApp.BINDINGS))]
    for mode, screen in StudioApp.MODES.items():
        if isinstance(screen, type) and issubclass(screen, Screen):
            out.append((mode.capitalize(), _keys(list(screen.BINDINGS))))
            if mode == "editor":
                out.append(("Editing the text", text_keys()))
    out.append(("Transcript and diff viewer", _keys(TextViewer.BINDINGS)))
    dialogs = _keys([*Confirm.BINDINGS, *QuitDialog.BINDINGS])
    out.append(("Dialogs", list(dict.fromkeys(dialogs))))
    return [(title, keys + EXTRA.get(title, [])) for title, keys in out]


def section_table(title: str, keys: list[tuple[str, str]]) -> Group:
    table = Table(box=None, padding=(0, 1), show_header=False)
    table.add_column("key", style="bold cyan", no_wrap=True)
    table.add_column("does")
    for key, description in keys:
        table.add_row(Text(key), Text(description))
    return Group(Text(title, style="bold underline"), table)


class HelpScreen(ModalScreen[None]):
    """Sections in a grid: three columns from 120 wide, so every key fits at 120x36; two
    below that, scrolling when they do not fit."""

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        parts = sections()
        with VerticalScroll(id="help"):
            yield Static(INTRO, id="intro", markup=False)
            with Grid(id="sections"):
                for title, keys in parts:
                    yield RichBlock(section_table(title, keys), classes="section")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        help_pane = self.query_one("#help")
        help_pane.border_title = "Help"
        help_pane.border_subtitle = "Esc closes"
        help_pane.focus()
