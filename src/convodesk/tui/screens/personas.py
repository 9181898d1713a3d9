"""Personas & runs: the suite with its expectations; run one or all, watching each conversation."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, ProgressBar, RichLog, Static

from convodesk.runtime.problems import LoadError
from convodesk.sim.persona import Persona, load_personas
from convodesk.sim.runner import Conversation, SuiteResult, run_suite

from ..streaming import observing

if TYPE_CHECKING:
    from ..app import StudioApp

COLUMNS = ("persona", "expects", "max turns", "status", "route")


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


class PersonasScreen(Screen[None]):
    """The suite runs in a thread (its own event loop), so the UI never waits on it."""

    CSS_PATH = "personas.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "run_all", "Run all"),
        Binding("r", "run_one", "Run selected"),
        Binding("ctrl+l", "reload_personas", "Reload personas", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.personas: list[Persona] = []
        self.lines: dict[str, list[tuple[str, str]]] = {}
        self.running = False
        self._generation = 0

    @property
    def studio(self) -> StudioApp:
        return cast("StudioApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status", classes="status-line")
        with Horizontal(id="body"):
            yield DataTable(id="personas", cursor_type="row", zebra_stripes=True)
            with Vertical(id="side"):
                yield Static(id="expect")
                yield RichLog(id="live", wrap=True, markup=False, min_width=20)
        yield ProgressBar(id="progress", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Personas & runs"
        self.query_one("#personas").border_title = "Personas"
        self.query_one("#expect").border_title = "Expectations"
        self.query_one("#live").border_title = "Conversation"
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        self.action_reload_personas()

    def action_reload_personas(self) -> None:
        ws = self.studio.workspace
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
                str(persona.expect.max_turns or "—"),
                Text("not run", style="dim"),
                "—",
                key=persona.persona,
            )
        self._status(
            f"{len(self.personas)} personas from {ws.shown(ws.personas_dir)}/ · offline scripted buyers"
        )
        self._show_selected()

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

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
                f"The flow has {len(loaded.errors)} error(s); fix them in the Editor first.",
                severity="error",
            )
            return
        if not personas:
            return
        self.running = True
        self._generation += 1
        table = self.query_one(DataTable)
        for persona in personas:
            self.lines[persona.persona] = []
            table.update_cell(persona.persona, "status", Text("queued", style="dim"))
            table.update_cell(persona.persona, "route", "—")
        self._show_selected()
        self.query_one(ProgressBar).update(total=len(personas), progress=0)
        self._status(f"running {len(personas)} conversation(s)…")
        self._run(loaded.flow, personas, self._generation)

    @work(thread=True, exclusive=True, group="suite")
    def _run(self, flow: object, personas: list[Persona], generation: int) -> None:
        def emit(persona: str, who: str, text: str) -> None:
            self.app.call_from_thread(self._streamed, generation, persona, who, text)

        def done(conversation: Conversation) -> None:
            self.app.call_from_thread(self._conversation_done, generation, conversation)

        result = asyncio.run(
            run_suite(flow, personas, driver_factory=observing(emit), on_done=done)  # type: ignore[arg-type]
        )
        self.app.call_from_thread(self._suite_done, generation, result)

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

    def _conversation_done(self, generation: int, c: Conversation) -> None:
        if generation != self._generation:
            return
        pid = c.persona.persona
        self.lines[pid] = [(m.role, m.text) for m in c.state.transcript]
        status = (
            Text("pass", style="bold green")
            if c.passed
            else Text(f"FAIL ({len(c.failures) or 1})", style="bold red")
        )
        table = self.query_one(DataTable)
        table.update_cell(pid, "status", status)
        table.update_cell(pid, "route", c.outcome.route, update_width=True)
        self.query_one(ProgressBar).advance(1)
        current = self.selected()
        if current is not None and current.persona == pid:
            self._show_selected()

    def _suite_done(self, generation: int, result: SuiteResult) -> None:
        if generation != self._generation:
            return
        self.running = False
        ws = self.studio.workspace
        ws.suite = result
        ws.suite_generation += 1
        passed = sum(1 for c in result.conversations if c.passed)
        total = len(result.conversations)
        verdict = (
            "[b green]all passed[/]" if passed == total else f"[b red]{total - passed} failed[/]"
        )
        self._status(f"{passed}/{total} passed · {verdict} · F6 shows the results")
