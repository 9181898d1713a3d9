"""Studio tests run against a copy of the example project in a temp folder, with a fixed clock."""

from __future__ import annotations

import io
import shutil
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.content import Content
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, TextArea

from convodesk.tui.app import StudioApp
from convodesk.tui.widgets.rich_block import RichBlock
from convodesk.tui.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
FIXED = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
SIZE = (120, 36)
MODEL_VARS = ("CONVODESK_MODEL", "CONVODESK_JUDGE_MODEL", "CONVODESK_API_BASE", "CONVODESK_API_KEY")


@pytest.fixture(autouse=True)
def steady_cursors(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor is hidden half of the time: on a loaded machine a screenshot taken
    more than half a second after the last keypress would miss it. Focus still shows it."""
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """flows/, personas/ and transcripts/ copied, so saving and accepting touch nothing real.

    No model is configured unless a test configures one (the developer's shell may have).
    """
    for folder in ("flows", "personas", "transcripts"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    for var in MODEL_VARS:
        monkeypatch.delenv(var, raising=False)
    return tmp_path


class RecordingApp(StudioApp):
    """Keeps every notification's text as the toast shows it (markup parsed when the note is
    markup): toasts expire, the record does not."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notes: list[str] = []

    def notify(self, message: str, *args: Any, markup: bool = False, **kwargs: Any) -> None:  # type: ignore[override]
        self.notes.append(Content.from_markup(message).plain if markup else str(message))
        super().notify(message, *args, markup=markup, **kwargs)


def make_app(project: Path, **options: float) -> RecordingApp:
    workspace = Workspace.open(project / "flows" / "saas_inbound.yaml", clock=lambda: FIXED)
    # A short debounce and poll keep tests quick; no test asserts on timing.
    options.setdefault("validate_delay", 0.01)
    options.setdefault("watch_interval", 0.05)
    return RecordingApp(workspace, **options)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], tries: int = 300) -> None:
    """Let timers, workers and messages run until `condition` holds (fails after `tries`)."""
    for _ in range(tries):
        await pilot.pause(0.01)
        if condition():
            await pilot.pause()
            return
    raise AssertionError("condition never became true")


async def settle(pilot: Pilot[None], tries: int = 1000) -> None:
    """Wait until no worker is running except the editor's endless file watcher."""
    app = pilot.app
    await wait_for(
        pilot,
        lambda: not [w for w in app.workers if w.is_running and w.group != "watch-file"],
        tries=tries,
    )


Step = Callable[[Pilot[None]], Awaitable[None]]


def plain(widget: Widget) -> str:
    """A Static's (or RichBlock's) content as plain text, whatever it holds. Content is read
    as the screen shows it: markup in a Content is already parsed, a str would be parsed."""
    held = widget.renderable if isinstance(widget, RichBlock) else widget.content  # type: ignore[attr-defined]
    if isinstance(held, str):
        held = Content.from_markup(held)
    if isinstance(held, Content):
        return held.plain + "\n"
    console = Console(width=200, file=io.StringIO(), color_system=None)
    console.print(held)
    return console.file.getvalue()  # type: ignore[attr-defined]
