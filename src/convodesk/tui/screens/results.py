"""Results: the scoreboard, confusion matrix and failed checks of the last run; transcripts,
their diffs against the stored snapshots, and a key to accept an intended change."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from convodesk.sim.metrics import compute
from convodesk.sim.runner import Conversation, SuiteResult
from convodesk.sim.transcripts import (
    dump_transcript,
    to_transcript,
    transcript_path,
    write_transcript,
)

from ..widgets.report import checks_view, confusion_table
from .viewer import TextViewer

if TYPE_CHECKING:
    from ..app import StudioApp

COLUMNS = ("persona", "expected", "route", "turns", "checks", "result", "snapshot")
SNAPSHOT_STYLE = {"same": "green", "changed": "bold yellow", "new": "cyan"}


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


class ResultsScreen(Screen[None]):
    CSS_PATH = "results.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "transcript", "Transcript"),
        Binding("d", "diff", "Snapshot diff"),
        Binding("a", "accept", "Accept snapshot"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: SuiteResult | None = None
        self.snapshots: dict[int, str] = {}
        self._seen = -1

    @property
    def studio(self) -> StudioApp:
        return cast("StudioApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "No run yet: press F5, then a to run every persona.", id="status", classes="status-line"
        )
        with Horizontal(id="body"):
            yield DataTable(id="scoreboard", cursor_type="row", zebra_stripes=True)
            with Vertical(id="side"):
                yield Static(id="matrix")
                yield Static(id="checks")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Results"
        self.query_one("#scoreboard").border_title = "Scoreboard"
        self.query_one("#matrix").border_title = "Routing"
        self.query_one("#checks").border_title = "Checks"
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)

    def on_screen_resume(self) -> None:
        ws = self.studio.workspace
        if ws.suite is not None and ws.suite_generation != self._seen:
            self._seen = ws.suite_generation
            self.show(ws.suite)
        self.query_one(DataTable).focus()

    def show(self, result: SuiteResult) -> None:
        self.result = result
        self.snapshots = {}
        m = compute(result)
        passed = sum(1 for c in result.conversations if c.passed)
        total = len(result.conversations)
        verdict = "[b green]PASS[/]" if passed == total else "[b red]FAIL[/]"
        self.query_one("#status", Static).update(
            f"{verdict} {passed}/{total} · routing accuracy {_pct(m.routing_accuracy)} · "
            f"false positives {_pct(m.false_positive_rate)} · false negatives "
            f"{_pct(m.false_negative_rate)} · slot capture {_pct(m.slot_capture_accuracy)} · "
            f"date {result.reference_date}"
        )
        self.query_one("#matrix", Static).update(confusion_table(m.confusion))
        table = self.query_one(DataTable)
        table.clear()
        for i, c in enumerate(result.conversations):
            counted = [r for r in c.checks if r.status != "skip"]
            ok = sum(1 for r in counted if r.status == "pass")
            table.add_row(
                c.persona.persona,
                c.persona.expect.route or "any",
                c.outcome.route,
                str(c.turns),
                f"{ok}/{len(counted)}",
                Text("pass", style="green") if c.passed else Text("FAIL", style="bold red"),
                Text("…", style="dim"),
                key=str(i),
            )
        self._compare(result, self.studio.workspace.transcripts_dir)
        self._show_checks()

    @work(thread=True, exclusive=True, group="snapshots")
    def _compare(self, result: SuiteResult, folder: Path) -> None:
        """Each conversation against its stored transcript: same, changed or new."""
        states = {}
        for i, c in enumerate(result.conversations):
            path = transcript_path(folder, c, numbered=result.runs > 1)
            if not path.exists():
                states[i] = "new"
            else:
                fresh = dump_transcript(to_transcript(c))
                states[i] = "same" if path.read_text(encoding="utf-8") == fresh else "changed"
        self.app.call_from_thread(self._snapshots_known, result, states)

    def _snapshots_known(self, result: SuiteResult, states: dict[int, str]) -> None:
        if result is not self.result:
            return
        self.snapshots = states
        table = self.query_one(DataTable)
        for i, state in states.items():
            table.update_cell(
                str(i), "snapshot", Text(state, style=SNAPSHOT_STYLE[state]), update_width=True
            )

    def selected(self) -> Conversation | None:
        if self.result is None or not self.result.conversations:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.result.conversations[max(0, min(row, len(self.result.conversations) - 1))]

    @on(DataTable.RowHighlighted, "#scoreboard")
    def _show_checks(self) -> None:
        c = self.selected()
        self.query_one("#checks", Static).update(checks_view(c) if c else "")

    def _path(self, c: Conversation) -> Path:
        assert self.result is not None
        return transcript_path(
            self.studio.workspace.transcripts_dir, c, numbered=self.result.runs > 1
        )

    def action_transcript(self) -> None:
        c = self.selected()
        if c is not None:
            self.app.push_screen(
                TextViewer(
                    f"transcript · {c.persona.persona}", dump_transcript(to_transcript(c)), "yaml"
                )
            )

    def diff_text(self, c: Conversation) -> str:
        path = self._path(c)
        stored = path.read_text(encoding="utf-8") if path.exists() else ""
        fresh = dump_transcript(to_transcript(c))
        lines = difflib.unified_diff(
            stored.splitlines(keepends=True),
            fresh.splitlines(keepends=True),
            fromfile=f"{path} (snapshot)" if stored else f"{path} (none yet)",
            tofile="this run",
        )
        return "".join(lines)

    def action_diff(self) -> None:
        c = self.selected()
        if c is None:
            return
        diff = self.diff_text(c)
        if not diff:
            self.notify("Same as the stored snapshot.", timeout=3)
            return
        self.app.push_screen(
            TextViewer(f"snapshot diff · {c.persona.persona}", diff, "diff", can_accept=True),
            lambda accepted: self.action_accept() if accepted else None,
        )

    def action_accept(self) -> None:
        """Store this run's transcript as the snapshot (the same writer `simulate` uses)."""
        c = self.selected()
        if c is None or self.result is None:
            return
        try:
            path = write_transcript(
                c, self.studio.workspace.transcripts_dir, numbered=self.result.runs > 1
            )
        except OSError as exc:
            self.notify(f"Could not write the snapshot: {exc.strerror}", severity="error")
            return
        index = self.result.conversations.index(c)
        self.snapshots[index] = "same"
        self.query_one(DataTable).update_cell(str(index), "snapshot", Text("same", style="green"))
        self.notify(f"Accepted: {path}", timeout=3)
