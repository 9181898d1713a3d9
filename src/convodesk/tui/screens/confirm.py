"""Questions asked before work could be lost (quitting or reloading with unsaved edits,
rewriting stored snapshots), and the editor's go-to-line prompt. Each answer is a key (shown
in the footer, named as on its button) and a button."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static


class Confirm(ModalScreen[bool]):
    """Dismisses True on y, False on n or Esc. The cancel button has focus, so a stray Enter
    never destroys anything."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("escape,n", "answer(False)", "Cancel"),
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
        yield Footer(compact=True)

    def buttons(self) -> ComposeResult:
        yield Button(f"{self.yes} (y)", id="yes", variant="warning")
        yield Button(f"{self.no} (Esc)", id="no")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = Content(self.title_text)
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
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Quit the studio?"
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


class GoToLine(ModalScreen[tuple[int, int] | None]):
    """`42` or `42:7` (line, column; 1-based) and Enter; Esc cancels. Out-of-range lines go
    to the nearest one, as the editor clamps them."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, lines: int, current: int) -> None:
        super().__init__()
        self.lines = lines
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Input(
                placeholder=f"line, or line:column (now {self.current})",
                restrict=r"[0-9]*(:[0-9]*)?",
                id="where",
            )
            yield Static(f"1–{self.lines} · Enter goes there · Esc cancels", id="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Go to line"
        self.query_one(Input).focus()

    @on(Input.Submitted, "#where")
    def _submitted(self, event: Input.Submitted) -> None:
        line, _, col = event.value.partition(":")
        if not line:
            self.dismiss(None)
            return
        self.dismiss((int(line), int(col) if col else 1))

    def action_cancel(self) -> None:
        self.dismiss(None)
