"""Graph: the flow's steps and branches as a diagram; Enter on a step opens it in the editor."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Header, Static

from ..widgets.diagram import FlowDiagram
from ..words import plural
from .base import StudioScreen

LEGEND = (
    "● say  ? ask  ◇ branch  ◆ route  ▶ action  ☎ handoff  ■ end  ↩ drawn above  "
    "┄▶ skipped when false"
)


class GraphScreen(StudioScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_step", "Open in editor", show=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status", classes="status-line")
        yield FlowDiagram(id="diagram")
        yield Static(LEGEND, classes="hint", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Graph"

    def on_screen_resume(self) -> None:
        if not self.is_current:
            return  # composed in the background (StudioApp._warm_next): draw on a real visit
        self.refresh_diagram()
        self.query_one(FlowDiagram).focus()

    def refresh_diagram(self) -> None:
        """Drawn from the editor's text; with errors, the last valid version is shown."""
        ws = self.studio.workspace
        loaded = ws.current()
        shown = loaded if loaded.flow is not None else ws.last_valid
        status = self.query_one("#status", Static)
        if shown is None or shown.flow is None:
            status.update(
                Content.from_markup(
                    "[b $text-error]The flow has errors and has never been valid: "
                    "fix it in the Editor (F2).[/]"
                )
            )
            self.query_one(FlowDiagram).clear_options()
            return
        flow = shown.flow
        note = (
            ""
            if shown is loaded
            else "  [$text-warning](last valid version: the editor's text has errors)[/]"
        )
        status.update(
            Content.from_markup(
                "$flow v$version · $steps" + note,
                flow=flow.flow,
                version=str(flow.version),
                steps=plural(len(flow.steps), "step"),
            )
        )
        self.query_one(FlowDiagram).show(flow)

    def action_open_step(self) -> None:
        self.query_one(FlowDiagram).action_select()

    async def on_flow_diagram_jump(self, event: FlowDiagram.Jump) -> None:
        ws = self.studio.workspace
        shown = ws.last_valid
        if shown is None or shown.flow is None:
            return
        index = next(i for i, s in enumerate(shown.flow.steps) if s.id == event.step)
        await self.studio.jump_to(*shown.source.position(("steps", index)))
