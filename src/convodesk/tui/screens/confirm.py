"""Questions asked before work could be lost: quitting or reloading with unsaved edits, and
rewriting every stored snapshot. Each answer is a key (shown in the footer) and a button."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static


class Confirm(ModalScreen[bool]):
    """Dismisses True on y, False on n or Esc. The cancel button has focus, so a stray Enter
    never destroys anything."""

    CSS_PATH = "confirm.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, title: str, body: str, *, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.body, id="question", markup=False)
            with Horizontal(id="buttons"):
                yield from self.buttons()
        yield Footer()

    def buttons(self) -> ComposeResult:
        yield Button(f"{self.yes} (y)", id="yes", variant="warning")
        yield Button(f"{self.no} (Esc)", id="no")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = self.title_text
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class QuitDialog(ModalScreen[str]):
    """Quitting with unsaved edits: 'save' (then quit), 'discard' (quit anyway) or 'cancel'."""

    CSS_PATH = "confirm.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "answer('save')", "Save and quit"),
        Binding("d", "answer('discard')", "Quit without saving"),
        Binding("escape,n", "answer('cancel')", "Cancel"),
    ]

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"{self.file} has unsaved changes.", id="question", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Save and quit (s)", id="save", variant="primary")
                yield Button("Quit without saving (d)", id="discard", variant="error")
                yield Button("Cancel (Esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Quit the studio?"
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)
