"""A full-screen reader for a transcript or its snapshot diff, with accept on the diff."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class TextViewer(ModalScreen[bool]):
    """Dismisses with True when the user accepts (diff view only), False otherwise.

    `text` is the plain text of what is shown, for tests and for copying; `accept_note` is
    added to the accept hint (say, that the run is of unsaved text).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("a", "accept", "Accept snapshot"),
    ]

    def __init__(
        self,
        title: str,
        body: RenderableType,
        text: str,
        *,
        can_accept: bool = False,
        accept_note: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.text = text
        self.can_accept = can_accept
        self.accept_note = accept_note

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="viewer"):
            yield Static(self.body)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        viewer = self.query_one("#viewer")
        viewer.border_title = Content(self.title_text)
        note = f" ({self.accept_note})" if self.accept_note else ""
        viewer.border_subtitle = Content(
            f"a accepts this run as the snapshot{note} · Esc closes"
            if self.can_accept
            else "Esc closes"
        )
        viewer.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.can_accept if action == "accept" else True

    def action_accept(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
