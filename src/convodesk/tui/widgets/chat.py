"""A chat transcript: bot lines left, buyer lines right-aligned, auto-scrolling."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static


class ChatLog(VerticalScroll):
    """Plain Statics in a scroll view; enough for conversations of a few dozen turns.

    A buyer bubble sits in a full-width row aligned right, as in the chat widget a buyer sees.
    """

    DEFAULT_CSS = """
    ChatLog > .bot { margin: 0 8 1 0; padding: 0 1; background: $boost; width: auto; max-width: 85%; }
    ChatLog > .buyer-row { width: 1fr; height: auto; align-horizontal: right; margin: 0 0 1 8; }
    ChatLog > .buyer-row > .buyer { padding: 0 1; background: $primary 30%; width: auto; max-width: 85%; }
    ChatLog > .note { color: $text-muted; margin: 0 0 1 0; text-style: italic; }
    """

    def add(self, who: str, name: str, text: str) -> None:
        body = Text()
        body.append(f"{name}\n", style="bold")
        body.append(text)
        bubble = Static(body, classes=who)
        if who == "buyer":
            self.mount(Horizontal(bubble, classes="buyer-row"))
        else:
            self.mount(bubble)
        self.scroll_end(animate=False)

    def note(self, text: str) -> None:
        self.mount(Static(text, classes="note", markup=False))
        self.scroll_end(animate=False)

    def clear(self) -> None:
        self.remove_children()
