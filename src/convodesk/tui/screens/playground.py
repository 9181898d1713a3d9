"""Playground: chat with the editor's current text as a buyer, and watch the session think."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Header, Input, Static

from convodesk.runtime import Engine, Session, Turn

from ..widgets.chat import ChatLog
from ..widgets.session_panel import SessionPanel
from ..words import plural
from .base import StudioScreen

PLAYGROUND_CONTEXT = {"page": "/studio", "utm_source": "studio"}


def route_preview(session: Session) -> str:
    """The route the flow's own rules would pick if the conversation ended now."""
    return session.route_preview().route


class PlaygroundScreen(StudioScreen):
    """Sends run in a thread worker: with an LLM understander a turn can take seconds."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "restart", "Restart"),
    ]

    @dataclass
    class Replied(Message):
        """A turn finished; the chat and the side panel update from it."""

        turn: Turn
        generation: int

    def __init__(self) -> None:
        super().__init__()
        self.session: Session | None = None
        self._text: str | None = None
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status", classes="status-line")
        with Horizontal(id="body"):
            with Vertical(id="conversation"):
                yield ChatLog(id="chat")
                yield Input(placeholder="Write as the buyer, Enter to send", id="say")
            yield SessionPanel(id="panel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Playground"
        self.query_one("#panel").border_title = "Session"
        self.query_one("#chat").border_title = "Conversation"

    def on_screen_resume(self) -> None:
        """The flow may have changed in the editor: start over on the new text."""
        if not self.is_current:
            return  # composed in the background (StudioApp._warm_next): start on a real visit
        if self._text != self.studio.workspace.text:
            self.action_restart()
        self.query_one(Input).focus()

    def action_restart(self) -> None:
        self._generation += 1
        self._text = self.studio.workspace.text
        self.query_one(ChatLog).clear()
        self._start(self._text, self._generation)

    @work(thread=True, exclusive=True, group="play")
    def _start(self, text: str, generation: int) -> None:
        ws = self.studio.workspace
        loaded = ws.validate(text)
        if loaded.flow is None:
            self.app.call_from_thread(self._broken, len(loaded.errors), generation)
            return
        engine = Engine(loaded.flow, clock=ws.clock)
        session = engine.start(context=PLAYGROUND_CONTEXT)
        self.app.call_from_thread(self._started, session, generation)

    def _broken(self, errors: int, generation: int) -> None:
        if generation != self._generation:
            return
        self.session = None
        self.query_one(ChatLog).note(
            f"The flow has {plural(errors, 'error')}, so it cannot run. Fix it in the Editor (F2)."
        )
        self.query_one(Input).disabled = True
        self.query_one("#status", Static).update(
            Content.from_markup("[b $text-error]the flow has errors[/]")
        )

    def _started(self, session: Session, generation: int) -> None:
        if generation != self._generation:
            return
        self.session = session
        flow = session.flow
        unsaved = " [b $text-warning](unsaved)[/]" if self.studio.workspace.dirty else ""
        self.query_one("#status", Static).update(
            Content.from_markup(
                "$flow v$version · the editor's current text" + unsaved + " · context page=$page",
                flow=flow.flow,
                version=str(flow.version),
                page=PLAYGROUND_CONTEXT["page"],
            )
        )
        say = self.query_one(Input)
        say.disabled = False
        say.focus()  # after a finished chat the input was disabled and lost the focus
        self._show(session.opening)

    @on(Input.Submitted, "#say")
    def _send(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or self.session is None or self.session.done:
            return
        event.input.value = ""
        event.input.disabled = True
        self.query_one(ChatLog).add("buyer", "you", text)
        self._reply(self.session, text, self._generation)

    @work(thread=True, exclusive=True, group="play")
    def _reply(self, session: Session, text: str, generation: int) -> None:
        self.post_message(self.Replied(session.send(text), generation))

    def on_playground_screen_replied(self, event: PlaygroundScreen.Replied) -> None:
        if event.generation != self._generation:
            return
        self._show(event.turn)
        say = self.query_one(Input)
        say.disabled = event.turn.done
        if not event.turn.done:
            say.focus()

    def _show(self, turn: Turn) -> None:
        session = self.session
        assert session is not None
        chat = self.query_one(ChatLog)
        for message in turn.messages:
            chat.add("bot", session.flow.bot.name, message)
        if turn.done and turn.outcome is not None:
            chat.note(f"Conversation over: {turn.outcome.route}. ctrl+r starts again.")
        route = session.state.route.route if session.state.route else None
        self.query_one(SessionPanel).show(
            step=turn.step or session.state.step,
            asking=list(turn.asking),
            scores=session.scores() if not turn.outcome else turn.outcome.scores,
            slots=session.slots,
            kinds={name: slot.type for name, slot in session.flow.slots.items()},
            route=route,
            preview=None if route else route_preview(session),
            outcome=turn.outcome,
        )
