"""Studio tests run against a copy of the example project in a temp folder, with a fixed clock."""

from __future__ import annotations

import io
import shutil
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from convodesk.tui.app import StudioApp
from convodesk.tui.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
FIXED = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
SIZE = (120, 36)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """flows/, personas/ and transcripts/ copied, so saving and accepting touch nothing real."""
    for folder in ("flows", "personas", "transcripts"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def make_app(project: Path, **options: float) -> StudioApp:
    workspace = Workspace.open(project / "flows" / "saas_inbound.yaml", clock=lambda: FIXED)
    # A short debounce and poll keep tests quick; no test asserts on timing.
    options.setdefault("validate_delay", 0.01)
    options.setdefault("watch_interval", 0.05)
    return StudioApp(workspace, **options)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], tries: int = 300) -> None:
    """Let timers, workers and messages run until `condition` holds (fails after `tries`)."""
    for _ in range(tries):
        await pilot.pause(0.01)
        if condition():
            await pilot.pause()
            return
    raise AssertionError("condition never became true")


Step = Callable[[Pilot[None]], Awaitable[None]]


def plain(widget: Static) -> str:
    """A Static's content as plain text, whatever renderable it holds."""
    console = Console(width=200, file=io.StringIO(), color_system=None)
    console.print(widget.content)
    return console.file.getvalue()  # type: ignore[attr-defined]
