"""Studio responsiveness on the example flow, headless.

Run: PYTHONPATH=src python bench/studio_startup.py [--repeat N]. Prints figures measured in
this run only, each in a fresh app:

- launch → editor screen mounted, and launch → first validation listed in the Problems pane
  (two separate moments: the validation runs in a worker after the editor mounts);
- the first visit of F5 (personas listed), F6 (results) and F1 (help), from the editor: at
  once, and after 2 s in the editor (the studio composes them in the background meanwhile);
  and a second F1 (the help screen is kept between visits);
- a whole offline suite run streamed into the personas screen;
- keystroke → updated validation, with the default debounce and with none (the raw cost).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from collections.abc import Callable
from pathlib import Path

FLOW = Path(__file__).resolve().parents[1] / "flows" / "saas_inbound.yaml"
SIZE = (120, 36)


async def _until(condition: Callable[[], bool], pause) -> None:  # type: ignore[no-untyped-def]
    while not condition():
        await pause(0.001)


async def startup() -> tuple[float, float]:
    """Wraps the editor's mount and the problem list's first fill to time each moment."""
    start = time.perf_counter()
    from convodesk.tui.app import StudioApp
    from convodesk.tui.screens.editor import EditorScreen
    from convodesk.tui.widgets.problems import ProblemList
    from convodesk.tui.workspace import Workspace

    seen: dict[str, float] = {}
    mount, show = EditorScreen.on_mount, ProblemList.show

    def mounted(self: EditorScreen) -> None:
        mount(self)
        seen.setdefault("editor", time.perf_counter())

    def listed(self: ProblemList, problems: list) -> None:  # type: ignore[type-arg]
        show(self, problems)
        seen.setdefault("validation", time.perf_counter())

    EditorScreen.on_mount, ProblemList.show = mounted, listed  # type: ignore[method-assign]
    try:
        app = StudioApp(Workspace.open(FLOW), watch_interval=3600)
        async with app.run_test(size=SIZE) as pilot:
            await _until(lambda: "validation" in seen, pilot.pause)
    finally:
        EditorScreen.on_mount, ProblemList.show = mount, show  # type: ignore[method-assign]
    return seen["editor"] - start, seen["validation"] - start


async def first_visit(key: str, ready: Callable[[object], bool], *, after: float) -> float:
    """From the editor (validated, then `after` seconds in it), `key` until its screen is up
    and has painted once. Screens are composed in the background from 0.5 s after launch,
    so `after=0` is the worst case (a key pressed at once) and 2 s the usual one."""
    from convodesk.tui.app import StudioApp
    from convodesk.tui.workspace import Workspace

    app = StudioApp(Workspace.open(FLOW), watch_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await _until(lambda: app.workspace.loaded is not None, pilot.pause)
        await pilot.pause(after)
        gc.collect()  # earlier apps' garbage: collected now, not inside the timed window
        start = time.perf_counter()
        await pilot.press(key)
        await _until(lambda: ready(app), pilot.pause)
        await pilot.pause()
        return time.perf_counter() - start


async def help_again() -> float:
    """F1, Esc, then F1 again: the help screen is kept, so the second visit only paints it."""
    from convodesk.tui.app import StudioApp
    from convodesk.tui.workspace import Workspace

    app = StudioApp(Workspace.open(FLOW), watch_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await _until(lambda: app.workspace.loaded is not None, pilot.pause)
        await pilot.press("f1")
        await _until(lambda: _help_shown(app), pilot.pause)
        await pilot.press("escape")
        await pilot.pause()
        gc.collect()
        start = time.perf_counter()
        await pilot.press("f1")
        await _until(lambda: _help_shown(app), pilot.pause)
        await pilot.pause()
        return time.perf_counter() - start


def _personas_listed(app) -> bool:  # type: ignore[no-untyped-def]
    from convodesk.tui.screens.personas import PersonasScreen

    return isinstance(app.screen, PersonasScreen) and bool(app.screen.personas)


def _results_shown(app) -> bool:  # type: ignore[no-untyped-def]
    from convodesk.tui.screens.results import ResultsScreen

    return isinstance(app.screen, ResultsScreen) and app.screen.is_mounted


def _help_shown(app) -> bool:  # type: ignore[no-untyped-def]
    from convodesk.tui.screens.help import HelpScreen

    return isinstance(app.screen, HelpScreen) and app.screen.is_mounted


async def suite_run() -> tuple[float, int]:
    """On the personas screen, `a` until every conversation has finished."""
    from convodesk.tui.app import StudioApp
    from convodesk.tui.workspace import Workspace

    app = StudioApp(Workspace.open(FLOW), watch_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await _until(lambda: _personas_listed(app), pilot.pause)
        start = time.perf_counter()
        await pilot.press("a")
        await _until(lambda: app.workspace.suite is not None, pilot.pause)
        ran = time.perf_counter() - start
        count = len(app.workspace.suite.conversations)  # type: ignore[union-attr]
    return ran, count


async def keystroke(delay: float, repeat: int) -> list[float]:
    from textual.widgets import TextArea

    from convodesk.tui.app import StudioApp
    from convodesk.tui.workspace import Workspace

    app = StudioApp(Workspace.open(FLOW), validate_delay=delay, watch_interval=3600)
    figures = []
    async with app.run_test(size=SIZE) as pilot:
        ws = app.workspace
        await _until(lambda: ws.loaded is not None, pilot.pause)
        area = app.screen.query_one(TextArea)
        area.focus()
        area.move_cursor((3, len("flow: saas_inbound")))
        for i in range(repeat):
            start = time.perf_counter()
            await pilot.press("x" if i % 2 == 0 else "backspace")
            await _until(lambda: ws.loaded_text == ws.text, pilot.pause)
            figures.append(time.perf_counter() - start)
    return figures


def _line(label: str, figure: str) -> None:
    print(f"{label:<58} {figure}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    editor, validation = asyncio.run(startup())
    _line("launch → editor screen mounted (headless, incl. imports)", _ms(editor))
    _line("launch → first validation listed", _ms(validation))
    for key, name, ready in (
        ("f5", "persona suite listed", _personas_listed),
        ("f6", "results screen shown", _results_shown),
        ("f1", "help shown", _help_shown),
    ):
        at_once = asyncio.run(first_visit(key, ready, after=0))
        later = asyncio.run(first_visit(key, ready, after=2))
        _line(f"{key} → {name} (first visit)", f"{_ms(at_once)} at once, {_ms(later)} after 2 s")
    _line("f1 → help shown again (the screen is kept)", _ms(asyncio.run(help_again())))
    ran, count = asyncio.run(suite_run())
    _line(f"a → whole suite run, streamed live ({count} personas)", _ms(ran))
    for delay in (0.3, 0.001):
        figures = asyncio.run(keystroke(delay, args.repeat))
        _line(
            f"keystroke → validation updated, debounce {delay * 1000:.0f} ms",
            f"median {statistics.median(figures) * 1000:.1f} ms, max "
            f"{max(figures) * 1000:.1f} ms ({len(figures)} keystrokes)",
        )


if __name__ == "__main__":
    main()
