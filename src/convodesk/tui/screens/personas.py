"""Personas & runs: the suite with its expectations; run one or all, watching each conversation."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, ProgressBar, RichLog, Static

from convodesk.runtime.model import Flow
from convodesk.runtime.problems import LoadError, Problem
from convodesk.sim.persona import Persona, load_personas
from convodesk.sim.runner import Conversation

from ..runs import (
    ModelSetting,
    RunOutcome,
    configured_model,
    model_client_loaded,
    model_run,
    scripted_run,
)
from ..words import plural, shown_value, them
from .base import StudioScreen

# (column, width): fixed widths, so "running · turn 12" or "FAIL · 12 checks" never truncate
COLUMNS: tuple[tuple[str, int | None], ...] = (
    ("persona", None),
    ("expects", 10),
    ("turns", 5),
    ("status", 17),
    ("route", 10),
)


def _expect_summary(persona: Persona, kinds: dict[str, str]) -> Text:
    """Description, route, turn budget, slots, checks and the rubric an LLM judge reads."""
    e = persona.expect
    text = Text()
    text.append(persona.description or "(no description)", style="italic")
    text.append("\n\nexpects  ", style="bold")
    text.append(f"route {e.route or 'any'}")
    if e.max_turns:
        text.append(f" · within {e.max_turns} turns")
    for slot, value in e.slots.items():
        text.append(f"\n  {slot}", style="cyan")
        text.append(f" = {shown_value(value, kinds.get(slot))}")
    if e.checks is not None:
        text.append("\nchecks   ", style="bold")
        text.append(", ".join(e.checks) or "none")
    if e.rubric:
        text.append("\nrubric   ", style="bold")
        text.append("judged by a model (m), not by the scripts", style="dim")
        for item in e.rubric:
            text.append(f"\n  · {item}")
    return text


def _problems_text(problems: list[Problem]) -> Text:
    """Every problem of the persona files, one per line, as `convodesk validate` words them."""
    text = Text("The personas cannot be loaded:\n", style="bold")
    for problem in problems:
        text.append(f"\n{problem}", style="")
    text.append("\n\nFix the files, then ctrl+l reads them again.", style="dim")
    return text


def _turns(persona: Persona, done: int | None) -> str:
    """`≤8` before a run (the budget it expects), `7/8` after one (turns taken / budget)."""
    budget = persona.expect.max_turns
    if done is None:
        return f"≤{budget}" if budget else "—"
    return f"{done}/{budget}" if budget else str(done)


def _status_cell(c: Conversation) -> Text:
    """pass; FAIL with what failed; or "persona error": the simulated buyer's, not the flow's."""
    if c.status == "pass":
        return Text("pass", style="bold green")
    if c.status == "persona_error":
        return Text("persona error", style="bold yellow")
    failed = len(c.failures)
    return Text(
        f"FAIL · {plural(failed, 'check')}" if failed else "FAIL · rubric", style="bold red"
    )


def suite_verdict(conversations: list[Conversation]) -> Content:
    """`12/14 passed · 1 failed · 1 persona error`."""
    total = len(conversations)
    passed = sum(c.status == "pass" for c in conversations)
    failed = sum(c.status == "fail" for c in conversations)
    simulator = total - passed - failed
    line = f"{passed}/{total} passed"
    if failed:
        line += f" · [b $text-error]{failed} failed[/]"
    if simulator:
        line += f" · [b $text-warning]{plural(simulator, 'persona error')}[/]"
    if not failed and not simulator:
        line += " · [b $text-success]all passed[/]"
    return Content.from_markup(line)


class PersonasScreen(StudioScreen):
    """The suite runs in a thread (its own event loop), so the UI never waits on it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "run_all", "Run all"),
        Binding("r", "run_one", "Run one", tooltip="Run the selected persona"),
        Binding("m", "toggle_model", "Model buyers"),
        Binding("ctrl+l", "reload_personas", "Reload personas", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.personas: list[Persona] = []
        self.lines: dict[str, list[tuple[str, str]]] = {}
        self.running = False
        self.setting = ModelSetting(None)
        self.use_model = False
        self._generation = 0
        self._finished = 0
        self._loading: Timer | None = None
        self._queued: list[Persona] = []
        self._read = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status", classes="status-line")
        with Horizontal(id="body"):
            table: DataTable[object] = DataTable(
                id="personas", cursor_type="row", zebra_stripes=True
            )
            for column, width in COLUMNS:  # before mounting: no second layout pass
                table.add_column(column, key=column, width=width)
            yield table
            with Vertical(id="side"):
                with VerticalScroll(id="expect"):
                    yield Static(id="expect-body")
                yield RichLog(id="live", wrap=True, markup=False, min_width=20)
        with Horizontal(id="progress-row"):
            yield Static(id="progress-label")
            yield ProgressBar(id="progress", show_eta=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Personas & runs"
        self.query_one("#personas").border_title = "Personas"
        self.query_one("#expect").border_title = "Expectations"
        self.query_one("#live").border_title = "Conversation"
        self.query_one("#expect-body", Static).update(
            Text("reading the persona files…", style="dim")
        )

    def on_screen_resume(self) -> None:
        """The persona files and model settings are read on the first real visit, not when
        the screen is composed in the background (StudioApp._warm_next)."""
        if self.is_current and not self._read:
            self._read = True
            self.action_reload_personas()

    # -- the cast -----------------------------------------------------------------------------

    def action_reload_personas(self) -> None:
        """Read the persona files and the model settings again (after editing either)."""
        ws = self.studio.workspace
        self.setting = configured_model(ws.root)
        self.use_model = self.use_model and self.setting.model is not None
        table = self.query_one(DataTable)
        table.clear()
        try:
            self.personas = load_personas(ws.personas_dir, ws.current().flow)
        except LoadError as exc:
            self.personas = []
            problems = [replace(p, file=ws.shown(p.file)) for p in exc.problems]
            more = f" (+{len(problems) - 1} more, listed beside)" if len(problems) > 1 else ""
            first = str(problems[0]) if problems else "cannot load the personas"
            self._status(
                Content.from_markup("[b $text-error]$first[/]$more", first=first, more=more)
            )
            self._show_selected()  # nothing selected: no earlier persona's expectations stay
            self.query_one("#expect-body", Static).update(_problems_text(problems))
            return
        for persona in self.personas:
            table.add_row(
                Text(persona.persona),
                persona.expect.route or "any",
                _turns(persona, None),
                Text("not run", style="dim"),
                "—",
                key=persona.persona,
            )
        self._idle_progress()
        self._status(self._cast_line())
        self._show_selected()

    def _buyers(self) -> str:
        return f"model {self.setting.model}" if self.use_model else "scripted"

    def _cast_line(self) -> Content:
        ws = self.studio.workspace
        line = "$count from $folder/ · buyers: "
        if self.use_model:
            line += "[b]$buyers[/] (m: back to scripted)"
        elif self.setting.model is not None:
            line += "scripted (m: play them with $model)"
        else:
            line += "scripted · [dim]$hint[/]"
        return Content.from_markup(
            line,
            count=plural(len(self.personas), "persona"),
            folder=ws.shown(ws.personas_dir),
            buyers=self._buyers(),
            model=self.setting.model or "",
            hint=self.setting.hint,
        )

    def action_toggle_model(self) -> None:
        """Always offered: without a model, pressing m says why (the status line may be showing
        a run's verdict instead of the hint by then)."""
        if self.setting.model is None:
            problems = self.setting.problems
            self.notify(
                "\n".join(problems) if problems else self.setting.hint,
                title="Model buyers" if problems else "",
                severity="error" if problems else "warning",
                timeout=8,
            )
            return
        self.use_model = not self.use_model
        if not self.running:
            self._status(self._cast_line())

    def _status(self, text: Content) -> None:
        self.query_one("#status", Static).update(text)

    def _idle_progress(self) -> None:
        self.query_one(ProgressBar).update(total=max(1, len(self.personas)), progress=0)
        self.query_one("#progress-label", Static).update("not run yet")

    @on(DataTable.RowHighlighted, "#personas")
    def _highlighted(self) -> None:
        self._show_selected()

    def selected(self) -> Persona | None:
        table = self.query_one(DataTable)
        if not self.personas or table.cursor_row < 0:
            return None
        return self.personas[min(table.cursor_row, len(self.personas) - 1)]

    def _show_selected(self) -> None:
        persona = self.selected()
        expect = self.query_one("#expect-body", Static)
        log = self.query_one(RichLog)
        log.clear()
        if persona is None:
            expect.update("")
            return
        loaded = self.studio.workspace.last_valid
        flow = loaded.flow if loaded is not None else None
        kinds = {name: slot.type for name, slot in flow.slots.items()} if flow else {}
        expect.update(_expect_summary(persona, kinds))
        self.query_one("#expect", VerticalScroll).scroll_home(animate=False)
        for who, text in self.lines.get(persona.persona, []):
            log.write(self._line(persona, who, text))

    def _line(self, persona: Persona, who: str, text: str) -> Text:
        name = self.studio.workspace.last_valid
        bot = name.flow.bot.name if name is not None and name.flow is not None else "bot"
        line = Text()
        if who == "bot":
            line.append(f"{bot}: ", style="bold green")
        else:
            line.append(f"{persona.profile.name or persona.persona}: ", style="bold cyan")
        line.append(text)
        return line

    # -- running ----------------------------------------------------------------------------

    def action_run_all(self) -> None:
        self._run_personas(list(self.personas))

    def action_run_one(self) -> None:
        persona = self.selected()
        if persona is not None:
            self._run_personas([persona])

    def _run_personas(self, personas: list[Persona]) -> None:
        if self.running:
            self.notify("A run is already in progress.", severity="warning", timeout=3)
            return
        ws = self.studio.workspace
        loaded = ws.current()
        if loaded.flow is None:
            errors = len(loaded.errors)
            self.notify(
                f"The flow has {plural(errors, 'error')}; fix {them(errors)} in the Editor first.",
                severity="error",
            )
            return
        if not personas:
            return
        self.running = True
        self._generation += 1
        self._finished = 0
        self._queued = personas
        table = self.query_one(DataTable)
        for persona in personas:
            self.lines[persona.persona] = []
            table.update_cell(persona.persona, "status", Text("queued", style="dim"))
            table.update_cell(persona.persona, "turns", _turns(persona, None))
            table.update_cell(persona.persona, "route", "—")
        self._show_selected()
        self.query_one(ProgressBar).update(total=len(personas), progress=0)
        self._progress(len(personas))
        model = self.setting.model if self.use_model else None
        self._running_status(len(personas), loading=model is not None and not model_client_loaded())
        self._run(loaded.flow, personas, self._generation, model, ws.text)

    def _running_status(self, count: int, *, loading: bool) -> None:
        """While litellm loads (seconds, on a model run's first request) the status says so, so
        "turn 0" is never all there is to see; a timer clears the note once it has loaded."""
        line = "running $count · buyers: $buyers…"
        if loading:
            line += " [$text-warning]loading the model client (litellm), a few seconds…[/]"
        self._status(
            Content.from_markup(line, count=plural(count, "conversation"), buyers=self._buyers())
        )
        self._stop_loading_note()
        if loading:
            generation = self._generation

            def check() -> None:
                if generation != self._generation or not self.running:
                    self._stop_loading_note()
                elif model_client_loaded():
                    self._stop_loading_note()
                    self._running_status(count, loading=False)

            self._loading = self.set_interval(0.2, check)

    def _stop_loading_note(self) -> None:
        if self._loading is not None:
            self._loading.stop()
            self._loading = None

    def _progress(self, total: int) -> None:
        self.query_one("#progress-label", Static).update(f"{self._finished}/{total} done")

    @work(thread=True, exclusive=True, group="suite")
    def _run(
        self,
        flow: Flow,
        personas: list[Persona],
        generation: int,
        model: str | None,
        flow_text: str,
    ) -> None:
        """`flow_text` is the editor's text the run is of, for the results screen."""

        def emit(persona: str, who: str, text: str) -> None:
            self.app.call_from_thread(self._streamed, generation, persona, who, text)

        def done(conversation: Conversation) -> None:
            self.app.call_from_thread(self._conversation_done, generation, conversation, personas)

        try:
            if model is None:
                outcome = scripted_run(flow, personas, emit, done)
            else:
                root = self.studio.workspace.root
                outcome = model_run(flow, personas, emit, done, model=model, root=root)
        except Exception as exc:  # settings or network trouble: say so, keep the studio up
            self.app.call_from_thread(self._run_failed, generation, f"{type(exc).__name__}: {exc}")
            return
        self.app.call_from_thread(self._suite_done, generation, outcome, flow_text)

    def _streamed(self, generation: int, persona_id: str, who: str, text: str) -> None:
        if generation != self._generation:
            return
        lines = self.lines.setdefault(persona_id, [])
        lines.append((who, text))
        if who == "buyer" and self._loading is not None:  # a model answered: loaded (or cached)
            self._stop_loading_note()
            self._running_status(len(self._queued), loading=False)
        turns = sum(1 for w, _ in lines if w == "buyer")
        self.query_one(DataTable).update_cell(
            persona_id, "status", Text(f"running · turn {turns}", style="yellow")
        )
        current = self.selected()
        if current is not None and current.persona == persona_id:
            self.query_one(RichLog).write(self._line(current, who, text))

    def _conversation_done(self, generation: int, c: Conversation, personas: list[Persona]) -> None:
        if generation != self._generation:
            return
        pid = c.persona.persona
        self.lines[pid] = [(m.role, m.text) for m in c.state.transcript]
        table = self.query_one(DataTable)
        table.update_cell(pid, "status", _status_cell(c))
        table.update_cell(pid, "turns", _turns(c.persona, c.turns))
        table.update_cell(pid, "route", Text(c.outcome.route))
        self._finished += 1
        self.query_one(ProgressBar).advance(1)
        self._progress(len(personas))
        current = self.selected()
        if current is not None and current.persona == pid:
            self._show_selected()

    def _run_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self.running = False
        self._stop_loading_note()
        self._status(
            Content.from_markup("[b $text-error]the run stopped:[/] $message", message=message)
        )
        self.notify(message, title="Run failed", severity="error", timeout=8)

    def _suite_done(self, generation: int, outcome: RunOutcome, flow_text: str) -> None:
        if generation != self._generation:
            return
        self.running = False
        self._stop_loading_note()
        ws = self.studio.workspace
        result = outcome.result
        ws.record_run(result, list(self.personas), outcome.buyers, flow_text)
        note = f" · {outcome.note}" if outcome.note else ""
        self._status(
            suite_verdict(result.conversations)
            + Content.from_markup(
                " · buyers: $buyers$note · F6 shows the results", buyers=outcome.buyers, note=note
            )
        )
