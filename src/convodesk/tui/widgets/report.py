"""Renderables for the results screen: the confusion matrix and one conversation's checks."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from convodesk.runtime.model import ROUTE_NAMES
from convodesk.sim.runner import Conversation

from ..words import plural

SHORT = {"warm": "warm", "lukewarm": "luke", "nurture": "nurt", "disqualify": "disq"}
STATUS_STYLE = {"pass": ("✓", "green"), "fail": ("✗", "bold red"), "skip": ("·", "dim")}


def confusion_table(confusion: dict[str, dict[str, int]]) -> Table:
    """Rows: the route each persona expects; columns: the route the flow chose."""
    table = Table(title="expected ↓  actual →", title_justify="left", box=None, padding=(0, 1))
    table.add_column("")
    for route in ROUTE_NAMES:
        table.add_column(SHORT[route], justify="right")
    for expected in ROUTE_NAMES:
        row = confusion.get(expected, {})
        cells: list[RenderableType] = [Text(expected, style="bold")]
        for actual in ROUTE_NAMES:
            n = row.get(actual, 0)
            style = "green" if n and actual == expected else "bold red" if n else "dim"
            cells.append(Text(str(n), style=style))
        table.add_row(*cells)
    return table


def checks_view(c: Conversation, *, numbered: bool = False) -> Group:
    """Every check of one conversation; failures carry the explanation of what went wrong.

    The run number shows only when the suite ran each persona more than once.
    """
    parts: list[RenderableType] = []
    head = Text(f"{c.persona.persona}", style="bold")
    run = f"  run {c.run} ·" if numbered else " "
    head.append(f"{run} {plural(c.turns, 'turn')} · route {c.outcome.route}")
    head.append(f" (expected {c.persona.expect.route or 'any'})", style="dim")
    parts.append(head)
    if c.persona_error:
        parts.append(Text(f"persona error: {c.persona_error}", style="bold red"))
    for check in c.checks:
        icon, style = STATUS_STYLE.get(check.status, ("?", ""))
        line = Text(f"{icon} ", style=style)
        line.append(check.id, style=style if check.status == "fail" else "")
        if check.explanation and check.status != "skip":
            line.append(f"  {check.explanation}", style="" if check.status == "fail" else "dim")
        parts.append(line)
    return Group(*parts)
