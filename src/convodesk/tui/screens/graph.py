"""Graph: the flow's steps and branches as a diagram; Enter on a step opens it in the editor."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static

from ..widgets.diagram import FlowDiagram
from .base import StudioScreen

LEGEND = "● say  ? ask  ◇ branch  ◆ route  ▶ action  ☎ handoff  ■ end  ↩ drawn above"


class GraphScreen(StudioScreen):
    CSS_PATH = "graph.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_step", "Open in editor", show=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status", classes="status-line")
        yield FlowDiagram(id="diagram")
        yield Static(LEGEND, classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Graph"

    def on_screen_resume(self) -> None:
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
                "[b red]The flow has errors and has never been valid: fix it in the Editor (F2).[/]"
            )
            self.query_one(FlowDiagram).clear_options()
            return
        flow = shown.flow
        note = (
            ""
            if shown is loaded
            else "  [yellow](last valid version: the editor's text has errors)[/]"
        )
        status.update(f"{flow.flow} v{flow.version} · {len(flow.steps)} steps{note}")
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
