"""The editor's text: a TextArea where Tab indents and Esc hands the focus to the outline.

TextArea itself moves the focus to the *next* widget on Esc when Tab indents, which in the
editor is the Problems list below: a surprising place to land. Leaving to the outline (the
pane before the text) is what ctrl+o does too, and ctrl+e comes back.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea


class FlowText(TextArea):
    class Leave(Message):
        """Esc was pressed in the text: the screen decides where the focus goes."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape" and not self.read_only:
            event.stop()
            event.prevent_default()
            self.post_message(self.Leave())
            return
        await super()._on_key(event)
