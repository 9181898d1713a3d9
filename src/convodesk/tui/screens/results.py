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

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from convodesk.sim.metrics import Metrics, compute
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

COLUMNS = ("persona", "route", "turns", "checks", "snapshot")
"""No "expected" column: the route shows red when it is not the one expected, the checks pane
says which was, and the matrix beside counts both; so at 100 columns nothing is cut."""
UNSAVED = "a run of unsaved text"
MODEL_RUN = (
    "Snapshots record the scripted suite (what CI compares): run it with scripted buyers "
    "(F5, m to switch back) to accept its transcripts."
)
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


def _route_cell(c: Conversation) -> Text:
    """The route taken; bold red when the route_expected check failed on it."""
    missed = any(r.id == "route_expected" and r.status == "fail" for r in c.checks)
    return Text(c.outcome.route, style="bold red" if missed else "")


class ResultsScreen(StudioScreen):
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
            table: DataTable[object] = DataTable(
                id="scoreboard", cursor_type="row", zebra_stripes=True
            )
            for column in COLUMNS:  # before mounting: no second layout pass
                table.add_column(column, key=column)
            yield table
            with Vertical(id="side"):
                yield Static(id="matrix")
                with VerticalScroll(id="checks"):
                    yield Static(id="checks-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Results"
        self.query_one("#scoreboard").border_title = "Scoreboard"
        self.query_one("#matrix").border_title = "Routing"
        self.query_one("#checks").border_title = "Checks"

    def on_screen_resume(self) -> None:
        if not self.is_current:
            return  # composed in the background (StudioApp._warm_next)
        ws = self.studio.workspace
        if ws.suite is not None and ws.suite_generation != self._seen:
            self._seen = ws.suite_generation
            self.show(ws.suite)
        elif self.result is not None:
            self._show_status(self.result)  # saved since? the unsaved-text mark goes
        self.query_one(DataTable).focus()

    def can_store(self) -> bool:
        """Snapshots record the scripted suite (what CI compares): accepting a model run's
        transcripts would make every offline `convodesk test --snapshot` fail. a and A stay
        in the footer all the same, and say so when pressed."""
        return self.studio.workspace.buyers == "scripted"

    # -- the scoreboard -----------------------------------------------------------------------

    def show(self, result: SuiteResult) -> None:
        self.result = result
        self.check = None
        self.snapshots = {}
        m = compute(result)
        self._show_status(result, m)
        self.query_one("#matrix", Static).update(confusion_table(m.confusion))
        table = self.query_one(DataTable)
        table.clear()
        for i, c in enumerate(result.conversations):
            counted = [r for r in c.checks if r.status != "skip"]
            ok = sum(1 for r in counted if r.status == "pass")
            mark = MARKS.get(c.status, MARKS["fail"])
            table.add_row(
                Text(c.persona.persona),
                _route_cell(c),
                str(c.turns),
                mark + Text(f"{ok}/{len(counted)}"),
                Text("…", style="dim"),
                key=str(i),
            )
        self._compare(result)
        self._show_checks()

    def _show_status(self, result: SuiteResult, m: Metrics | None = None) -> None:
        """Verdict and rates; who played the buyers; whether the run is of unsaved text."""
        m = m or compute(result)
        ws = self.studio.workspace
        unsaved = " · [b $text-warning]$unsaved[/]" if ws.suite_unsaved else ""
        self.query_one("#status", Static).update(
            suite_verdict(result.conversations)
            + Content.from_markup(
                " · routing accuracy $routing · false positives $fp · false negatives $fn"
                " · slot capture $slots · buyers: $buyers" + unsaved + " · date $date",
                routing=_pct(m.routing_accuracy),
                fp=_pct(m.false_positive_rate),
                fn=_pct(m.false_negative_rate),
                slots=_pct(m.slot_capture_accuracy),
                buyers=ws.buyers,
                unsaved=UNSAVED,
                date=str(result.reference_date),
            )
        )

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
        offline = self.studio.workspace.buyers == "scripted"
        self.query_one("#checks-body", Static).update(
            checks_view(c, numbered=numbered, offline=offline) if c else ""
        )
        self.query_one("#checks", VerticalScroll).scroll_home(animate=False)

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
        unsaved = self.studio.workspace.suite_unsaved
        self.app.push_screen(
            TextViewer(
                f"snapshot diff · {d.label}",
                body,
                body.plain,
                can_accept=self.can_store(),
                accept_note=f"{UNSAVED}: a asks first" if unsaved else "",
            ),
            lambda accepted: self.action_accept() if accepted else None,
        )

    def action_accept(self) -> None:
        """Store this conversation's transcript exactly as `convodesk test --update` would.

        A conversation whose snapshot is "same" is left alone: its stored file differs at most
        in the flow's hash, which `--snapshot` ignores (A refreshes those too).
        """
        c = self.selected()
        if c is None or self.check is None or self.result is None:
            self.notify("No run compared yet.", timeout=3)
            return
        if not self.can_store():
            self.notify(MODEL_RUN, severity="warning", timeout=6)
            return
        path = self._path(c)
        text = self.check.writes.get(path)
        state = self.snapshots.get(self.result.conversations.index(c))
        if text is None or state == "same":
            self.notify(
                f"Already up to date: {self.studio.workspace.shown(path)} matches this "
                "conversation; nothing to accept.",
                timeout=4,
            )
            return
        note = f"Accepted {self.studio.workspace.shown(path)}"
        self._confirm_if_unsaved(
            "Accept a snapshot from unsaved text?", StoreCheck(writes={path: text}), note
        )

    def action_accept_all(self) -> None:
        """Every conversation of the run becomes its snapshot, after saying what that rewrites."""
        check = self.check
        if check is None:
            self.notify("No run compared yet.", timeout=3)
            return
        if not self.can_store():
            self.notify(MODEL_RUN, severity="warning", timeout=6)
            return
        if not check.writes and not check.orphans:
            self.notify("Every stored transcript already matches this run.", timeout=3)
            return
        self.app.push_screen(
            Confirm("Accept this run as the snapshots?", self._accept_all_question(check)),
            lambda yes: self._write(check, "Accepted the run") if yes else None,
        )

    def _confirm_if_unsaved(self, title: str, check: StoreCheck, note: str) -> None:
        if not self.studio.workspace.suite_unsaved:
            self._write(check, note)
            return
        self.app.push_screen(
            Confirm(title, self._unsaved_warning(), yes="Accept anyway"),
            lambda yes: self._write(check, note) if yes else None,
        )

    def _unsaved_warning(self) -> str:
        ws = self.studio.workspace
        return (
            f"This is {UNSAVED}: the editor's flow differs from {ws.shown(ws.flow_path)}. "
            "Snapshots accepted from it will not match a `convodesk test` of the file until "
            "you save the flow (ctrl+s in the Editor)."
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
        if ws.suite_unsaved:
            lines += ["", self._unsaved_warning()]
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
