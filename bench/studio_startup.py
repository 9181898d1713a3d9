"""Studio responsiveness on the example flow, headless.

Run: PYTHONPATH=src python bench/studio_startup.py [--repeat N]. Prints figures measured in
this run only: launch to the first (editor) screen, launch to the first validation shown, the
persona screen's first visit and a whole offline suite run streamed into it, and keystroke to
updated validation, with the default debounce and with none (the raw cost).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

FLOW = Path(__file__).resolve().parents[1] / "flows" / "saas_inbound.yaml"


async def _until(condition, pause) -> None:  # type: ignore[no-untyped-def]
    while not condition():
        await pause(0.001)


async def startup() -> tuple[float, float]:
    start = time.perf_counter()
    from textual.widgets import TextArea

    from convodesk.tui.app import StudioApp
    from convodesk.tui.screens.editor import EditorScreen
    from convodesk.tui.workspace import Workspace

    app = StudioApp(Workspace.open(FLOW), watch_interval=3600)
    async with app.run_test(size=(120, 36)) as pilot:
        await _until(
            lambda: isinstance(app.screen, EditorScreen) and bool(app.screen.query(TextArea)),
            pilot.pause,
        )
        first_screen = time.perf_counter() - start
        ws = app.workspace
        await _until(lambda: ws.loaded is not None, pilot.pause)
        first_check = time.perf_counter() - start
    return first_screen, first_check


async def keystroke(delay: float, repeat: int) -> list[float]:
    from textual.widgets import TextArea

    from convodesk.tui.app import StudioApp
    from convodesk.tui.workspace import Workspace

    app = StudioApp(Workspace.open(FLOW), validate_delay=delay, watch_interval=3600)
    figures = []
    async with app.run_test(size=(120, 36)) as pilot:
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


async def suite_run() -> tuple[float, float, int]:
    """F5 until the persona table is filled, then `a` until every conversation has finished."""
    from convodesk.tui.app import StudioApp
    from convodesk.tui.screens.personas import PersonasScreen
    from convodesk.tui.workspace import Workspace

    app = StudioApp(Workspace.open(FLOW), watch_interval=3600)
    async with app.run_test(size=(120, 36)) as pilot:
        start = time.perf_counter()
        await pilot.press("f5")
        await _until(
            lambda: isinstance(app.screen, PersonasScreen) and bool(app.screen.personas),
            pilot.pause,
        )
        shown = time.perf_counter() - start
        start = time.perf_counter()
        await pilot.press("a")
        await _until(lambda: app.workspace.suite is not None, pilot.pause)
        ran = time.perf_counter() - start
        count = len(app.workspace.suite.conversations)  # type: ignore[union-attr]
    return shown, ran, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    first_screen, first_check = asyncio.run(startup())
    print(f"launch → editor screen shown (headless, incl. imports): {first_screen * 1000:7.1f} ms")
    print(f"launch → first validation listed:                      {first_check * 1000:7.1f} ms")
    shown, ran, count = asyncio.run(suite_run())
    print(f"F5 → persona suite listed (first visit):                {shown * 1000:7.1f} ms")
    print(f"a → whole suite run, streamed live ({count} personas):     {ran * 1000:7.1f} ms")
    for delay in (0.3, 0.001):
        figures = asyncio.run(keystroke(delay, args.repeat))
        print(
            f"keystroke → validation updated, debounce {delay * 1000:5.1f} ms: median "
            f"{statistics.median(figures) * 1000:6.1f} ms, max {max(figures) * 1000:6.1f} ms "
            f"({len(figures)} keystrokes)"
        )


if __name__ == "__main__":
    main()
