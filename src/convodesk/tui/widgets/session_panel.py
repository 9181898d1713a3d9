"""Beside the chat: the step, what the bot is asking, the three scores, slots and the route.

Every value is a `Text`, never a markup string: slot values are the buyer's own words.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from convodesk.runtime.model import BUCKETS
from convodesk.runtime.state import Outcome, Scores

from ..words import shown_value

BAR = 20


def _bar(value: int) -> Text:
    filled = round(value / 100 * BAR)
    style = "green" if value >= 60 else "yellow" if value >= 35 else "red"
    text = Text("█" * filled, style=style)
    text.append("░" * (BAR - filled), style="dim")
    text.append(f" {value:>3}")
    return text


class SessionPanel(Static):
    """Renders one snapshot of the session; the playground calls `show` after every turn."""

    def show(
        self,
        *,
        step: str | None,
        asking: list[str],
        scores: Scores,
        slots: dict[str, Any],
        kinds: dict[str, str] | None = None,
        route: str | None,
        preview: str | None,
        outcome: Outcome | None,
    ) -> None:
        parts: list[RenderableType] = []
        head = Table.grid(padding=(0, 1))
        head.add_column(style="bold")
        head.add_column()
        head.add_row("step", Text(step or "—"))
        head.add_row("asking", Text(", ".join(asking) or "—"))
        parts.append(head)
        parts.append(Text("\nscores", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=9)
        grid.add_column()
        for bucket in BUCKETS:
            grid.add_row(bucket, _bar(getattr(scores, bucket)))
        parts.append(grid)
        parts.append(Text(f"\nslots ({len(slots)})", style="bold"))
        table = Table.grid(padding=(0, 1))
        table.add_column(style="cyan", no_wrap=True)
        table.add_column(overflow="fold")
        for name, value in slots.items():
            table.add_row(Text(name), Text(shown_value(value, (kinds or {}).get(name))))
        if not slots:
            table.add_row(Text("none yet", style="dim"), "")
        parts.append(table)
        parts.append(Text("\nroute", style="bold"))
        if outcome is not None:
            line = Text(outcome.route, style="bold reverse")
            line.append(f"  ended by {outcome.ended_by}")
            parts.append(line)
            for reason in outcome.reasons[:6]:
                parts.append(Text(f"· {reason}", style="dim"))
            action = outcome.next_action
            if action.action:
                parts.append(Text(f"next: {action.action} ({action.owner})"))
        elif route is not None:
            parts.append(Text(f"{route} (decided)", style="bold"))
        else:
            parts.append(Text(f"if it ended now: {preview or '—'}", style="italic"))
        self.update(Group(*parts))
