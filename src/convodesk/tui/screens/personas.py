"""Personas & runs: the suite with its expectations; run one or all, watching each conversation."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, ProgressBar, RichLog, Static

from convodesk.runtime.model import Flow
from convodesk.runtime.problems import LoadError
from convodesk.sim.persona import Persona, load_personas
from convodesk.sim.runner import Conversation

from ..runs import ModelSetting, RunOutcome, configured_model, model_run, scripted_run
from ..words import plural
from .base import StudioScreen

# (column, width): fixed widths, so "running · turn 12" or "FAIL · 12 checks" never truncate
COLUMNS: tuple[tuple[str, int | None], ...] = (
    ("persona", None),
    ("expects", 10),
    ("turns", 5),
    ("status", 17),
    ("route", 10),
)


def _expect_summary(persona: Persona) -> Text:
    e = persona.expect
    text = Text()
    text.append(persona.description or "(no description)", style="italic")
    text.append("\n\nexpects  ", style="bold")
    text.append(f"route {e.route or 'any'}")
    if e.max_turns:
        text.append(f" · within {e.max_turns} turns")
    for slot, value in e.slots.items():
        text.append(f"\n  {slot} = {value!r}", style="cyan")
    if e.checks is not None:
        text.append(f"\nchecks   {', '.join(e.checks)}")
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


def suite_verdict(conversations: list[Conversation]) -> str:
    """`12/14 passed · 1 failed · 1 persona error`, as markup."""
    total = len(conversations)
    passed = sum(c.status == "pass" for c in conversations)
    failed = sum(c.status == "fail" for c in conversations)
    simulator = total - passed - failed
    line = f"{passed}/{total} passed"
    if failed:
        line += f" · [b red]{failed} failed[/]"
    if simulator:
        line += f" · [b yellow]{plural(simulator, 'persona error')}[/]"
    if not failed and not simulator:
        line += " · [b green]all passed[/]"
    return line


class PersonasScreen(StudioScreen):
    """The suite runs in a thread (its own event loop), so the UI never waits on it."""

    CSS_PATH = "personas.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "run_all", "Run all"),
        Binding("r", "run_one", "Run selected"),
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

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status", classes="status-line")
        with Horizontal(id="body"):
            yield DataTable(id="personas", cursor_type="row", zebra_stripes=True)
            with Vertical(id="side"):
                yield Static(id="expect")
                yield RichLog(id="live", wrap=True, markup=False, min_width=20)
        with Horizontal(id="progress-row"):
            yield Static(id="progress-label")
            yield ProgressBar(id="progress", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Personas & runs"
        self.query_one("#personas").border_title = "Personas"
        self.query_one("#expect").border_title = "Expectations"
        self.query_one("#live").border_title = "Conversation"
        table = self.query_one(DataTable)
        for column, width in COLUMNS:
            table.add_column(column, key=column, width=width)
        self.action_reload_personas()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Model buyers only when a model is configured (shown dimmed otherwise)."""
        if action == "toggle_model":
            return self.setting.model is not None or None
        return True

    # -- the cast -----------------------------------------------------------------------------

    def action_reload_personas(self) -> None:
        """Read the persona files and the model settings again (after editing either)."""
        ws = self.studio.workspace
        self.setting = configured_model(ws.root)
        self.use_model = self.use_model and self.setting.model is not None
        self.refresh_bindings()
        table = self.query_one(DataTable)
        table.clear()
        try:
            self.personas = load_personas(ws.personas_dir, ws.current().flow)
        except LoadError as exc:
            self.personas = []
            first = exc.problems[0] if exc.problems else None
            more = f" (+{len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            self._status(f"[b red]{first}{more}[/]" if first else "[b red]cannot load personas[/]")
            return
        for persona in self.personas:
            table.add_row(
                persona.persona,
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

    def _cast_line(self) -> str:
        ws = self.studio.workspace
        line = f"{len(self.personas)} personas from {ws.shown(ws.personas_dir)}/ · buyers: "
        if self.use_model:
            return line + f"[b]{self._buyers()}[/] (m: back to scripted)"
        if self.setting.model is not None:
            return line + f"scripted (m: play them with {self.setting.model})"
        return line + f"scripted · [dim]{escape(self.setting.hint)}[/]"

    def action_toggle_model(self) -> None:
        if self.setting.model is None:
            self.notify(self.setting.hint, severity="warning", timeout=5)
            return
        self.use_model = not self.use_model
        if not self.running:
            self._status(self._cast_line())

    def _status(self, text: str) -> None:
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
        expect = self.query_one("#expect", Static)
        log = self.query_one(RichLog)
        log.clear()
        if persona is None:
            expect.update("")
            return
        expect.update(_expect_summary(persona))
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
        loaded = self.studio.workspace.current()
        if loaded.flow is None:
            self.notify(
                f"The flow has {plural(len(loaded.errors), 'error')}; fix them in the Editor first.",
                severity="error",
            )
            return
        if not personas:
            return
        self.running = True
        self._generation += 1
        self._finished = 0
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
        self._status(f"running {plural(len(personas), 'conversation')} · buyers: {self._buyers()}…")
        self._run(loaded.flow, personas, self._generation, model)

    def _progress(self, total: int) -> None:
        self.query_one("#progress-label", Static).update(f"{self._finished}/{total} done")

    @work(thread=True, exclusive=True, group="suite")
    def _run(self, flow: Flow, personas: list[Persona], generation: int, model: str | None) -> None:
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
        self.app.call_from_thread(self._suite_done, generation, outcome)

    def _streamed(self, generation: int, persona_id: str, who: str, text: str) -> None:
        if generation != self._generation:
            return
        lines = self.lines.setdefault(persona_id, [])
        lines.append((who, text))
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
        table.update_cell(pid, "route", c.outcome.route)
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
        self._status(f"[b red]the run stopped:[/] {escape(message)}")
        self.notify(message, title="Run failed", severity="error", timeout=8)

    def _suite_done(self, generation: int, outcome: RunOutcome) -> None:
        if generation != self._generation:
            return
        self.running = False
        ws = self.studio.workspace
        result = outcome.result
        ws.suite, ws.cast, ws.buyers = result, list(self.personas), outcome.buyers
        ws.suite_generation += 1
        note = f" · {outcome.note}" if outcome.note else ""
        self._status(
            f"{suite_verdict(result.conversations)} · buyers: {escape(outcome.buyers)}"
            f"{escape(note)} · F6 shows the results"
        )
