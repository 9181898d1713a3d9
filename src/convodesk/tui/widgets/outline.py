"""The flow's outline: steps, slots, knowledge and routes; select a node to jump to it.

Labels are `Text`, never markup strings: ids and reasons are the designer's own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from convodesk.runtime.loader import LoadedFlow

Position = tuple[int, int]


class Outline(Tree[Position]):
    """Built from the last valid flow; positions come from the loader's source map."""

    @dataclass
    class Jump(Message):
        line: int
        col: int

    def __init__(self, **kwargs: object) -> None:
        super().__init__("flow", **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.guide_depth = 2

    def show(self, loaded: LoadedFlow, *, stale: bool = False) -> None:
        flow, source = loaded.flow, loaded.source
        if flow is None:
            return
        expanded = {str(node.label) for node in self.root.children if node.is_expanded} or None
        self.clear()
        self.root.data = source.position(())

        def section(title: str, path: tuple[str, ...], count: int) -> TreeNode[Position]:
            label = Text(f"{title} ({count})", style="bold")
            node = self.root.add(label, data=source.position(path, key=True))
            if expanded is None or str(label) in expanded:
                node.expand()
            return node

        steps = section("steps", ("steps",), len(flow.steps))
        for i, step in enumerate(flow.steps):
            detail = ", ".join(step.asks) if step.asks else step.kind
            label = Text(step.id)
            label.append(f"  {detail}", style="dim")
            steps.add_leaf(label, data=source.position(("steps", i)))
        slots = section("slots", ("slots",), len(flow.slots))
        for name, slot in flow.slots.items():
            label = Text(name)
            label.append(f"  {slot.type}", style="dim")
            slots.add_leaf(label, data=source.position(("slots", name), key=True))
        knowledge = section("knowledge", ("knowledge",), len(flow.knowledge))
        for i, entry in enumerate(flow.knowledge):
            knowledge.add_leaf(Text(entry.id), data=source.position(("knowledge", i)))
        routes = section("routes", ("routes",), len(flow.routes))
        for i, route in enumerate(flow.routes):
            label = Text(route.route)
            label.append(f"  {route.when or 'otherwise'}", style="dim")
            routes.add_leaf(label, data=source.position(("routes", i)))
        if flow.disqualify:
            rules = section("disqualify", ("disqualify",), len(flow.disqualify))
            for i, rule in enumerate(flow.disqualify):
                rules.add_leaf(Text(rule.reason), data=source.position(("disqualify", i)))
        self.border_subtitle = "last valid version" if stale else ""

    def hint(self, *lines: str) -> None:
        """What to do while there is nothing to outline (a flow that has never loaded)."""
        self.clear()
        for line in lines:
            self.root.add_leaf(Text(line, style="italic"))
        self.border_subtitle = "no valid version yet"

    def on_tree_node_selected(self, event: Tree.NodeSelected[Position]) -> None:
        event.stop()
        if event.node.data is not None and not event.node.allow_expand:
            self.post_message(self.Jump(*event.node.data))
