"""Editor: the flow's YAML, validated as you type, with an outline and every problem by line."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Header, Static, TextArea

from convodesk.runtime.loader import LoadedFlow

from ..syntax import yaml_language
from ..widgets.flow_text import FlowText
from ..widgets.outline import Outline
from ..widgets.problems import ProblemList
from ..words import plural
from .base import StudioScreen
from .confirm import Confirm, GoToLine


class EditorScreen(StudioScreen):
    """Validation runs in a thread worker after a pause in typing, so keystrokes never wait."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding(
            "ctrl+l",
            "reload",
            "Reload",
            tooltip="Reload from disk",
        ),
        Binding("f8", "next_problem", "Next problem"),
        Binding("ctrl+g", "go_to_line", "Go to line", show=False),
        Binding("ctrl+o", "focus_outline", "Focus outline", show=False),
        Binding("ctrl+e", "focus_source", "Focus text", show=False),
    ]

    @dataclass
    class Validated(Message):
        """Posted after every validation, for the status line and for tests."""

        loaded: LoadedFlow
        text: str
        generation: int

    def __init__(self) -> None:
        super().__init__()
        self._generation = 0
        self._debounce: Timer | None = None
        self._disk_mtime: float | None = None
        self._warned_disk = False

    def compose(self) -> ComposeResult:
        ws = self.studio.workspace
        yield Header()
        yield Static(id="status", classes="status-line")
        with Horizontal(id="main"):
            yield Outline(id="outline")
            yield FlowText(
                ws.text,
                id="source",
                language=yaml_language(),
                show_line_numbers=True,
                tab_behavior="indent",
                soft_wrap=False,
            )
        yield ProblemList(id="problems")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Editor"
        self.query_one("#outline").border_title = "Outline"
        self.query_one("#problems").border_title = "Problems"
        ws = self.studio.workspace
        self.query_one("#source").border_title = Content(ws.shown(ws.flow_path))
        self.query_one(TextArea).focus()
        self._remember_disk()
        self._start_validation()
        self.watch_disk()

    # -- validation -------------------------------------------------------------------------

    @on(TextArea.Changed, "#source")
    def _edited(self, event: TextArea.Changed) -> None:
        self._took(event.text_area.text)

    def sync_text(self) -> None:
        """Hand the workspace the text as it is now. TextArea.Changed is a message: a key that
        leaves the editor (F3) or saves it can be handled before it arrives, and must not act
        on the text from before the last edit."""
        text = self.query_one(TextArea).text
        if text != self.studio.workspace.text:
            self._took(text)

    def _took(self, text: str) -> None:
        self.studio.workspace.text = text
        self._generation += 1
        self._show_status()
        if self._debounce is not None:
            self._debounce.stop()
        # A zero-delay timer never fires in Textual, so keep the debounce strictly positive.
        delay = max(self.studio.validate_delay, 0.001)
        self._debounce = self.set_timer(delay, self._start_validation)

    def _start_validation(self) -> None:
        self._validate(self.studio.workspace.text, self._generation)

    @work(thread=True, exclusive=True, group="validate")
    def _validate(self, text: str, generation: int) -> None:
        loaded = self.studio.workspace.validate(text)
        self.post_message(self.Validated(loaded, text, generation))

    def on_editor_screen_validated(self, event: EditorScreen.Validated) -> None:
        ws = self.studio.workspace
        if event.generation != self._generation:
            return  # the text changed again while this ran; a newer result is coming
        ws.accept(event.text, event.loaded)
        self.query_one(ProblemList).show(event.loaded.problems)
        outline = ws.last_valid
        if outline is not None:
            self.query_one(Outline).show(outline, stale=event.loaded.flow is None)
        else:
            self.query_one(Outline).hint(
                "Nothing to outline yet:",
                "the flow has never loaded.",
                "Fix the errors below;",
                "F8 jumps to each one.",
            )
        self._show_status()

    def _show_status(self) -> None:
        ws = self.studio.workspace
        loaded = ws.loaded if ws.loaded_text == ws.text else None
        if loaded is None:
            verdict = "[dim]checking…[/]"
        elif loaded.errors:
            verdict = "[b $text-error]$errors[/]"
        else:
            verdict = "[b $text-success]valid[/]"
        if loaded is not None and loaded.warnings:
            verdict += " · [$text-warning]$warnings[/]"
        line = Content.from_markup(
            "$name$modified  ·  " + verdict,
            name=ws.flow_path.name,
            modified=" ● modified" if ws.dirty else "",
            errors=plural(len(loaded.errors), "error") if loaded else "",
            warnings=plural(len(loaded.warnings), "warning") if loaded else "",
        )
        self.query_one("#status", Static).update(line)

    # -- navigation -------------------------------------------------------------------------

    def goto(self, line: int, col: int) -> None:
        """Put the cursor at a 1-based position and scroll it into the middle of the view."""
        area = self.query_one(TextArea)
        row = max(0, min(line - 1, area.document.line_count - 1))
        area.move_cursor((row, max(0, col - 1)), center=True)
        area.focus()

    def action_focus_outline(self) -> None:
        self.query_one(Outline).focus()

    @on(FlowText.Leave)
    def _left_text(self) -> None:
        self.action_focus_outline()

    def action_go_to_line(self) -> None:
        area = self.query_one(TextArea)
        self.app.push_screen(
            GoToLine(area.document.line_count, area.cursor_location[0] + 1),
            lambda where: self.goto(*where) if where else None,
        )

    def action_focus_source(self) -> None:
        self.query_one(TextArea).focus()

    @on(ProblemList.Jump)
    @on(Outline.Jump)
    def _jump(self, event: ProblemList.Jump | Outline.Jump) -> None:
        self.goto(event.line, event.col)

    def action_next_problem(self) -> None:
        """The first problem below the cursor, wrapping to the top."""
        ws = self.studio.workspace
        if ws.loaded is None or not ws.loaded.problems:
            self.notify("No problems.", timeout=2)
            return
        row = self.query_one(TextArea).cursor_location[0] + 1
        ordered = sorted(ws.loaded.problems, key=lambda p: (p.line, p.col))
        target = next((p for p in ordered if p.line > row), ordered[0])
        self.goto(target.line, target.col)
        self.notify(target.message, title=f"line {target.line}", timeout=4)

    # -- files ------------------------------------------------------------------------------

    def action_save(self) -> None:
        self.sync_text()
        ws = self.studio.workspace
        try:
            ws.save()
        except OSError as exc:
            self.notify(f"Could not save: {exc.strerror}", severity="error")
            return
        self._remember_disk()
        self._warned_disk = False
        self._show_status()
        errors = len(ws.current().errors)
        if errors:
            self.notify(
                f"Saved {ws.flow_path.name} with {plural(errors, 'problem')}: "
                "it will not load until fixed.",
                severity="warning",
                timeout=4,
            )
        else:
            self.notify(f"Saved {ws.flow_path.name}", timeout=2)

    def action_reload(self) -> None:
        """Read the file again; with unsaved edits, ask first (they would be lost)."""
        ws = self.studio.workspace
        if not ws.dirty:
            self._load_from_disk("Reloaded from disk")
            return
        self.app.push_screen(
            Confirm(
                "Reload from disk?",
                f"Your unsaved edits to {ws.shown(ws.flow_path)} will be lost and the file "
                "read again.",
                yes="Discard edits and reload",
            ),
            lambda yes: self._load_from_disk("Reloaded from disk") if yes else None,
        )

    def _load_from_disk(self, note: str) -> None:
        from convodesk.runtime.loader import read_text
        from convodesk.runtime.problems import LoadError

        ws = self.studio.workspace
        try:
            text = read_text(ws.flow_path)
        except LoadError as exc:
            self.notify(str(exc), severity="error")
            return
        ws.saved_text = text
        self._remember_disk()
        self._warned_disk = False
        area = self.query_one(TextArea)
        if area.text != text:
            self._replace_keeping_place(area, text)  # posts Changed, which revalidates
        self._show_status()
        self.notify(note, timeout=3)

    def _replace_keeping_place(self, area: TextArea, text: str) -> None:
        """New text, same cursor line and scroll position (clamped), not back to the top."""
        (row, col), scroll = area.cursor_location, area.scroll_offset
        area.load_text(text)
        row = min(row, area.document.line_count - 1)
        col = min(col, len(area.document.get_line(row)))
        area.move_cursor((row, col))
        self.call_after_refresh(area.scroll_to, scroll.x, scroll.y, animate=False)

    def _remember_disk(self) -> None:
        try:
            self._disk_mtime = self.studio.workspace.flow_path.stat().st_mtime
        except OSError:
            self._disk_mtime = None

    @work(exclusive=True, group="watch-file")
    async def watch_disk(self) -> None:
        """Poll the file's mtime: pick up outside edits, but never drop unsaved ones silently."""
        ws = self.studio.workspace
        while True:
            await asyncio.sleep(self.studio.watch_interval)
            try:
                mtime = ws.flow_path.stat().st_mtime
            except OSError:
                continue
            if mtime == self._disk_mtime:
                continue
            try:
                on_disk = ws.flow_path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # mid-write or unreadable: look again on the next tick
            if on_disk == ws.saved_text:
                self._disk_mtime = mtime
            elif not ws.dirty:
                self._load_from_disk(f"{ws.flow_path.name} changed on disk: reloaded")
            elif not self._warned_disk:
                self._warned_disk = True
                self.notify(
                    f"{ws.flow_path.name} changed on disk. ctrl+l reloads it (after asking: your "
                    "edits would be lost); ctrl+s keeps yours.",
                    severity="warning",
                    timeout=8,
                )
