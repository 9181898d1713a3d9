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
VERDICT_STYLE = {
    "pass": ("✓", "green"),
    "fail": ("✗", "bold red"),
    "inconclusive": ("?", "bold yellow"),
}
OFFLINE_RUBRIC = "not judged: only a model run (m on F5) has a judge"


def confusion_table(confusion: dict[str, dict[str, int]]) -> Table:
    """Rows: the route each persona expects; columns: the route the flow chose."""
    table = Table(
        title="expected ↓  actual →",
        title_justify="left",
        box=None,
        padding=(0, 1),
        pad_edge=False,  # 34 columns wide: fits beside the scoreboard at 100 columns
    )
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


def checks_view(c: Conversation, *, numbered: bool = False, offline: bool = True) -> Group:
    """Every check of one conversation; failures carry the explanation of what went wrong;
    then each rubric item, with the judge's verdict and reason, or why it was not judged.

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
    parts += _rubric(c, offline=offline)
    return Group(*parts)


def _rubric(c: Conversation, *, offline: bool) -> list[RenderableType]:
    """The rubric items the persona expects, as the LLM judge left them; when none was
    judged, why not is said once, above the items."""
    items = c.persona.expect.rubric
    if not items:
        return []
    verdicts = {v.item: v for v in c.verdicts}
    head = Text("\nrubric", style="bold")
    if not verdicts:
        head.append(
            f"  {c.not_judged or (OFFLINE_RUBRIC if offline else 'not judged')}", style="dim"
        )
    parts: list[RenderableType] = [head]
    for item in items:
        verdict = verdicts.get(item)
        if verdict is None:
            line = Text("· ", style="dim")
            line.append(item)
            if verdicts:
                line.append("  not judged", style="dim")
        else:
            icon, style = VERDICT_STYLE.get(verdict.verdict, ("?", ""))
            line = Text(f"{icon} ", style=style)
            line.append(item, style=style if verdict.verdict != "pass" else "")
            line.append(f"  {verdict.verdict}: {verdict.reason}", style="dim")
        parts.append(line)
    return parts
