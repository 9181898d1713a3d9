"""The flow drawn as an indented tree: straight runs stay in one column, branches fork.

Edges come from `runtime.graph.drawn_edges`, the transitions the engine takes as
`convodesk graph` draws them: a step with `when` can be passed over, so each way into it also
leads past it (dotted, "skip budget"). A step already drawn is referenced (↩) rather than
drawn twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from convodesk.runtime.graph import Edge, drawn_edges, reachable
from convodesk.runtime.model import Flow, Step

ICONS = {
    "say": "●",
    "ask": "?",
    "branch": "◇",
    "route": "◆",
    "action": "▶",
    "handoff": "☎",
    "end": "■",
}
KIND_STYLE = {
    "route": "bold magenta",
    "branch": "bold yellow",
    "end": "bold green",
    "handoff": "bold cyan",
}


@dataclass
class Row:
    text: Text
    step: str | None = None


def _node(step: Step) -> Text:
    text = Text()
    text.append(f"{ICONS.get(step.kind, '•')} ", style=KIND_STYLE.get(step.kind, "bold"))
    text.append(step.id, style="bold")
    if step.asks:
        text.append(f"  ask {', '.join(step.asks)}", style="cyan")
    elif step.kind == "action":
        text.append(f"  action {step.action}", style="cyan")
    elif step.kind == "handoff":
        text.append(f"  handoff {step.handoff}", style="cyan")
    else:
        text.append(f"  {step.kind}", style="dim")
    if step.when:
        text.append(f"  (only when {step.when})", style="italic dim")
    return text


def diagram(flow: Flow) -> list[Row]:
    """Rows for display: a depth-first walk from the first step, then what it cannot reach."""
    steps = {step.id: step for step in flow.steps}
    outgoing: dict[str, list[Edge]] = defaultdict(list)
    for edge in drawn_edges(flow):
        outgoing[edge.source].append(edge)
    rows: list[Row] = []
    drawn: set[str] = set()

    def draw(step_id: str, lead: Text, rest: str) -> None:
        line = lead.copy()
        if step_id in drawn or step_id not in steps:
            line.append(f"↩ {step_id}", style="bold dim")
            rows.append(Row(line, step_id if step_id in steps else None))
            return
        drawn.add(step_id)
        line.append_text(_node(steps[step_id]))
        rows.append(Row(line, step_id))
        out = outgoing.get(step_id, [])
        if len(out) == 1 and not out[0].label:
            rows.append(Row(Text(rest + "│", style="dim")))
            draw(out[0].target, Text(rest, style="dim"), rest)
            return
        for k, edge in enumerate(out):
            last = k == len(out) - 1
            fork = Text(rest + ("└─" if last else "├─"), style="dim")
            arrow = "┄▶ " if edge.skip else "─▶ "
            if edge.label:
                fork.append(" ")
                fork.append(edge.label, style="italic dim yellow" if edge.skip else "yellow")
                fork.append(f" {arrow}", style="dim")
            else:
                fork.append(arrow, style="dim")
            draw(edge.target, fork, rest + ("   " if last else "│  "))

    draw(flow.steps[0].id, Text(), "")
    live = reachable(flow)
    orphans = [step for step in flow.steps if step.id not in live]
    if orphans:
        rows.append(Row(Text("")))
        rows.append(Row(Text("never reached from the first step:", style="bold yellow")))
        for step in orphans:
            draw(step.id, Text("  "), "  ")
    if flow.disqualify:
        rows.append(Row(Text("")))
        rows.append(Row(Text("on any turn, disqualify when:", style="bold red")))
        for rule in flow.disqualify:
            line = Text(f"  ✕ {rule.reason}", style="red")
            line.append(f"  {rule.when}", style="dim")
            rows.append(Row(line))
    if flow.routes:
        rows.append(Row(Text("")))
        rows.append(Row(Text("routes, first match wins:", style="bold magenta")))
        for route in flow.routes:
            line = Text(f"  ◆ {route.route:<10}", style="magenta")
            line.append(route.when or "otherwise", style="dim")
            if route.action:
                line.append(f"  → {route.action}", style="cyan")
            rows.append(Row(line))
    return rows


class FlowDiagram(OptionList):
    """Rows naming a step are selectable and jump to the step in the editor.

    OptionList's own Enter binding is hidden from the footer; this one says what Enter does.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "Open in editor")]

    @dataclass
    class Jump(Message):
        step: str

    def show(self, flow: Flow) -> None:
        highlighted = self.highlighted
        self.clear_options()
        self._rows = diagram(flow)
        self.add_options([Option(row.text, disabled=row.step is None) for row in self._rows])
        if highlighted is not None and highlighted < len(self._rows):
            self.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        step = self._rows[event.option_index].step
        if step is not None:
            self.post_message(self.Jump(step))
