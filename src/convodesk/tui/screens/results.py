"""Results: the scoreboard, confusion matrix and failed checks of the last run; transcripts,
their diffs against the stored snapshots, and keys to accept an intended change.

Snapshot state, diffs and writes all come from `convodesk.testing` (`check_store`, the
turn-level diff, `update_store`), the code behind `convodesk test --snapshot` and `--update`,
so the studio and the CLI always agree on what drifted.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Static

from convodesk.sim.metrics import compute
from convodesk.sim.persona import Persona
from convodesk.sim.runner import Conversation, SuiteResult
from convodesk.sim.transcripts import dump_transcript, to_transcript, transcript_path
from convodesk.testing.diff import STYLES, TranscriptDiff, rows
from convodesk.testing.store import StoreCheck, check_store, update_store

from ..widgets.report import checks_view, confusion_table
from ..words import plural
from .base import StudioScreen
from .confirm import Confirm
from .personas import suite_verdict
from .viewer import TextViewer

COLUMNS = ("persona", "expected", "route", "turns", "checks", "snapshot")
MARKS = {
    "pass": Text("✓ ", style="green"),
    "fail": Text("✗ ", style="bold red"),
    "persona_error": Text("! ", style="bold yellow"),
}
SNAPSHOT_STYLE = {
    "same": "green",
    "changed": "bold yellow",
    "new": "cyan",
    "unreadable": "bold red",
}


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def snapshot_states(result: SuiteResult, folder: Path, check: StoreCheck) -> dict[int, str]:
    """Each conversation's line in the store check: changed, new (no file yet), unreadable,
    or same (no drift: `convodesk test --snapshot` passes it)."""
    numbered = result.runs > 1
    drift = {d.path: d.status for d in check.drift}
    broken = {p.file for p in check.problems}
    states = {}
    for i, c in enumerate(result.conversations):
        path = str(transcript_path(folder, c, numbered=numbered))
        status = drift.get(path)
        states[i] = (
            "unreadable"
            if path in broken
            else "new"
            if status == "missing"
            else "changed"
            if status == "changed"
            else "same"
        )
    return states


def diff_renderable(diffs: list[TranscriptDiff]) -> Text:
    """The library's diff rows, coloured as `convodesk test --snapshot` colours them."""
    text = Text()
    for d in diffs:
        for kind, line in rows(d):
            text.append(line + "\n", style=STYLES[kind])
        text.append("\n")
    return text


class ResultsScreen(StudioScreen):
    CSS_PATH = "results.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "transcript", "Transcript"),
        Binding("d", "diff", "Diff"),
        Binding("a", "accept", "Accept"),
        Binding("A", "accept_all", "Accept all", key_display="A"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: SuiteResult | None = None
        self.check: StoreCheck | None = None
        self.snapshots: dict[int, str] = {}
        self._seen = -1

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Snapshots record the scripted suite (what CI compares): accepting a model run's
        transcripts would make every offline `convodesk test --snapshot` fail."""
        if action in ("accept", "accept_all"):
            return self.studio.workspace.buyers == "scripted" or None
        return True

    # -- the scoreboard -----------------------------------------------------------------------

    def show(self, result: SuiteResult) -> None:
        self.result = result
        self.check = None
        self.snapshots = {}
        m = compute(result)
        buyers = self.studio.workspace.buyers
        self.query_one("#status", Static).update(
            f"{suite_verdict(result.conversations)} · "
            f"routing accuracy {_pct(m.routing_accuracy)} · "
            f"false positives {_pct(m.false_positive_rate)} · false negatives "
            f"{_pct(m.false_negative_rate)} · slot capture {_pct(m.slot_capture_accuracy)} · "
            f"buyers: {escape(buyers)} · date {result.reference_date}"
        )
        self.query_one("#matrix", Static).update(confusion_table(m.confusion))
        table = self.query_one(DataTable)
        table.clear()
        for i, c in enumerate(result.conversations):
            counted = [r for r in c.checks if r.status != "skip"]
            ok = sum(1 for r in counted if r.status == "pass")
            mark = MARKS.get(c.status, MARKS["fail"])
            table.add_row(
                c.persona.persona,
                c.persona.expect.route or "any",
                c.outcome.route,
                str(c.turns),
                mark + Text(f"{ok}/{len(counted)}"),
                Text("…", style="dim"),
                key=str(i),
            )
        self._compare(result)
        self._show_checks()

    def _folder(self) -> Path:
        return self.studio.workspace.transcripts_dir

    def _with_cast(self, result: SuiteResult) -> SuiteResult:
        """The run, with every persona of the folder as its cast: after running one persona,
        the others' stored transcripts are not of removed personas."""
        cast_ = self.studio.workspace.cast
        known = {p.persona for p in cast_}
        extra: list[Persona] = [p for p in result.personas if p.persona not in known]
        return replace(result, personas=[*cast_, *extra]) if cast_ else result

    @work(thread=True, exclusive=True, group="snapshots")
    def _compare(self, result: SuiteResult) -> None:
        folder = self._folder()
        check = check_store(self._with_cast(result), folder)
        states = snapshot_states(result, folder, check)
        self.app.call_from_thread(self._snapshots_known, result, check, states)

    def _snapshots_known(
        self, result: SuiteResult, check: StoreCheck, states: dict[int, str]
    ) -> None:
        if result is not self.result:
            return
        self.check, self.snapshots = check, states
        table = self.query_one(DataTable)
        for i, state in states.items():
            table.update_cell(
                str(i), "snapshot", Text(state, style=SNAPSHOT_STYLE[state]), update_width=True
            )
        self.refresh_bindings()

    def selected(self) -> Conversation | None:
        if self.result is None or not self.result.conversations:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.result.conversations[max(0, min(row, len(self.result.conversations) - 1))]

    @on(DataTable.RowHighlighted, "#scoreboard")
    def _show_checks(self) -> None:
        c = self.selected()
        numbered = self.result is not None and self.result.runs > 1
        self.query_one("#checks", Static).update(checks_view(c, numbered=numbered) if c else "")

    # -- transcripts and snapshots --------------------------------------------------------------

    def _path(self, c: Conversation) -> Path:
        assert self.result is not None
        return transcript_path(self._folder(), c, numbered=self.result.runs > 1)

    def _drift(self, c: Conversation) -> TranscriptDiff | None:
        """The library's diff for this conversation, its path shown relative to the project."""
        if self.check is None:
            return None
        path = str(self._path(c))
        d = next((d for d in self.check.drift if d.path == path), None)
        return replace(d, path=self.studio.workspace.shown(path)) if d is not None else None

    def action_transcript(self) -> None:
        c = self.selected()
        if c is None:
            self.notify("No run yet: F5, then a.", timeout=3)
            return
        text = dump_transcript(to_transcript(c))
        self.app.push_screen(
            TextViewer(
                f"transcript · {c.persona.persona}",
                Syntax(text, "yaml", theme="ansi_dark", word_wrap=True),
                text,
            )
        )

    def diff_text(self, c: Conversation) -> str:
        """What the diff view shows, as plain text ("" when the snapshot matches)."""
        d = self._drift(c)
        return diff_renderable([d]).plain if d is not None else ""

    def action_diff(self) -> None:
        c = self.selected()
        if c is None or self.check is None:
            self.notify("No run compared yet.", timeout=3)
            return
        d = self._drift(c)
        if d is None:
            state = self.snapshots.get(self.result.conversations.index(c)) if self.result else None
            if state == "unreadable":
                problem = next(p for p in self.check.problems if p.file == str(self._path(c)))
                self.notify(f"{problem}; accepting rewrites it.", severity="error", timeout=6)
            else:
                self.notify("Same as the stored snapshot.", timeout=3)
            return
        body = diff_renderable([d])
        if d.status == "missing":
            fresh = dump_transcript(to_transcript(c))
            body.append(fresh)
        self.app.push_screen(
            TextViewer(
                f"snapshot diff · {d.label}",
                body,
                body.plain,
                can_accept=self.check_action("accept", ()) is True,
            ),
            lambda accepted: self.action_accept() if accepted else None,
        )

    def action_accept(self) -> None:
        """Store this conversation's transcript exactly as `convodesk test --update` would."""
        c = self.selected()
        if c is None or self.check is None:
            self.notify("No run compared yet.", timeout=3)
            return
        path = self._path(c)
        text = self.check.writes.get(path)
        if text is None:
            self.notify("Already stored exactly as this run would write it.", timeout=3)
            return
        self._write(
            StoreCheck(writes={path: text}), f"Accepted {self.studio.workspace.shown(path)}"
        )

    def action_accept_all(self) -> None:
        """Every conversation of the run becomes its snapshot, after saying what that rewrites."""
        check = self.check
        if check is None:
            self.notify("No run compared yet.", timeout=3)
            return
        if not check.writes and not check.orphans:
            self.notify("Every stored transcript already matches this run.", timeout=3)
            return
        self.app.push_screen(
            Confirm("Accept this run as the snapshots?", self._accept_all_question(check)),
            lambda yes: self._write(check, "Accepted the run") if yes else None,
        )

    def _accept_all_question(self, check: StoreCheck) -> str:
        ws = self.studio.workspace
        changed = [d.label for d in check.drift if d.status == "changed"]
        lines = [f"As `convodesk test --update` does, in {ws.shown(ws.transcripts_dir)}/:"]
        if changed:
            lines.append(f"· rewrite {len(changed)} changed: {', '.join(changed)}")
        if check.missing:
            lines.append(
                f"· record {len(check.missing)} new: {', '.join(p.stem for p in check.missing)}"
            )
        if check.problems:
            lines.append(f"· replace {len(check.problems)} unreadable")
        rest = len(check.writes) - len(changed) - len(check.missing) - len(check.problems)
        if rest > 0:
            lines.append(f"· refresh {rest} whose conversation is the same (flow hash only)")
        if check.orphans:
            names = ", ".join(p.stem for p in check.orphans)
            lines.append(f"· delete {len(check.orphans)} of removed personas: {names}")
        return "\n".join(lines)

    def _write(self, check: StoreCheck, note: str) -> None:
        try:
            touched = update_store(check)
        except OSError as exc:
            self.notify(f"Could not write the snapshots: {exc.strerror}", severity="error")
            return
        self.notify(f"{note} ({plural(len(touched), 'file')})", timeout=3)
        if self.result is not None:
            self._compare(self.result)  # the store changed: ask the library again
