"""Text the designer or a buyer wrote is shown as written, never read as markup.

Rich and Textual markup would crash on a stray closing tag (`[/b]`), swallow `[B]` or
`[$accent]`, and garble an unclosed `[`. Each user-controlled string the studio shows gets
hostile markup here: the flow's file name, version, bot name, step and knowledge ids and
disqualify reasons, a problem's message, persona ids and profile names, buyer and bot text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Input, RichLog, Static, TextArea

from convodesk.tui.screens.graph import GraphScreen
from convodesk.tui.screens.personas import PersonasScreen
from convodesk.tui.screens.playground import PlaygroundScreen
from convodesk.tui.widgets.chat import ChatLog
from convodesk.tui.widgets.diagram import FlowDiagram
from convodesk.tui.widgets.outline import Outline
from convodesk.tui.widgets.problems import ProblemList
from convodesk.tui.workspace import Workspace

from .conftest import FIXED, SIZE, RecordingApp, plain, wait_for

HOSTILE = "[/b][B]x[/B] [$accent]y [on red]z \\[w [oops"
"""Closing tags with nothing open, a tag Textual would take for a style, a theme variable,
a background, an escape, an unclosed bracket."""
FILE = "we[b]ird [$accent] [x.yaml"
"""A file name cannot hold a slash, so no closing tag: these would be eaten or garble."""


def _app(project: Path) -> RecordingApp:
    """The example flow under a hostile file name, with hostile text in every free field."""
    source = project / "flows" / "saas_inbound.yaml"
    text = source.read_text()
    for old, new in (
        ("version: 1", f"version: '{HOSTILE}'"),
        ("name: Ava", f"name: '{HOSTILE}'"),
        ("- id: sso", f"- id: '{HOSTILE}'"),
        ("reason: student", f"reason: '{HOSTILE}'"),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    target = project / "flows" / FILE
    target.write_text(text)
    source.unlink()
    workspace = Workspace.open(target, clock=lambda: FIXED)
    return RecordingApp(workspace, validate_delay=0.01, watch_interval=3600)


def _texts(screen, *selectors: str) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(plain(w) for sel in selectors for w in screen.query(sel))


async def test_the_editor_shows_hostile_names_and_problems_as_written(project: Path) -> None:
    app = _app(project)
    async with app.run_test(size=SIZE) as pilot:
        ws = app.workspace
        await wait_for(pilot, lambda: ws.loaded is not None and ws.loaded_text == ws.text)
        assert ws.loaded is not None and ws.loaded.flow is not None, ws.loaded.problems
        screen = app.screen
        assert plain(screen.query_one("#status", Static)).startswith(f"{FILE}  ·  valid")
        # the title as drawn (the public getter hands back markup, which Textual re-escapes)
        assert screen.query_one("#source")._border_title.plain == f"flows/{FILE}"  # type: ignore[union-attr]
        outline = screen.query_one(Outline)
        leaves = [str(leaf.label) for part in outline.root.children for leaf in part.children]
        assert leaves.count(HOSTILE) == 2  # the knowledge id and the disqualify reason

        # a problem quoting hostile text: listed, in the status count, and in the F8 note
        area = screen.query_one(TextArea)
        area.text = area.text.replace("ask: current_tool", f"ask: '{HOSTILE}'")
        await wait_for(pilot, lambda: ws.loaded_text == ws.text and bool(ws.loaded.errors))
        problems = screen.query_one(ProblemList)
        assert HOSTILE in str(problems.get_option_at_index(0).prompt)
        await pilot.press("ctrl+s", "f8")
        assert app.is_running
        assert any(HOSTILE in note for note in app.notes)
        assert any(note.startswith(f"Saved {FILE} with 1 problem") for note in app.notes)
        assert plain(screen.query_one("#status", Static)).startswith(f"{FILE}  ·  1 error")


async def test_playground_and_graph_show_hostile_text_as_written(project: Path) -> None:
    app = _app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, PlaygroundScreen)
        await wait_for(pilot, lambda: screen.session is not None)
        assert f"v{HOSTILE} · the editor's current text" in plain(
            screen.query_one("#status", Static)
        )
        said = f"We use {HOSTILE} for this"
        screen.query_one(Input).value = said
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.query_one(Input).disabled)
        assert app.is_running
        chat = _texts(screen.query_one(ChatLog), "Static")
        assert said in chat and HOSTILE in chat  # the buyer's words, and the bot's name
        panel = plain(screen.query_one("#panel", Static))
        assert HOSTILE in panel  # a slot filled with the buyer's words

        await pilot.press("f4")
        graph = app.screen
        assert isinstance(graph, GraphScreen)
        assert f"v{HOSTILE} · 9 steps" in plain(graph.query_one("#status", Static))
        rows = [row.text.plain for row in graph.query_one(FlowDiagram)._rows]
        assert any(HOSTILE in row for row in rows)  # the disqualify reason


async def test_persona_problems_and_names_show_as_written(project: Path) -> None:
    """A persona key `[/b]` (a schema problem quoting it) once crashed the screen; a profile
    name with markup is the speaker's name in the live conversation."""
    personas = project / "personas"
    kept = personas / "enterprise_buyer.yaml"
    text = kept.read_text()
    assert "name: Jennifer Martinez" in text
    kept.write_text(text.replace("name: Jennifer Martinez", f"name: '{HOSTILE}'", 1))
    app = _app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        screen = app.screen
        assert isinstance(screen, PersonasScreen)
        screen.query_one("#personas").move_cursor(  # type: ignore[attr-defined]
            row=[p.persona for p in screen.personas].index("enterprise-buyer")
        )
        await pilot.press("r")
        await wait_for(pilot, lambda: app.workspace.suite is not None, tries=1000)
        shown = "".join("".join(line.text.split()) for line in screen.query_one(RichLog).lines)
        assert "".join(f"{HOSTILE}:".split()) in shown  # wrapped, but every bracket kept

        broken = personas / "zz_broken.yaml"
        shutil.copy(kept, broken)
        broken.write_text(broken.read_text() + "'[/b]': 1\n")
        await pilot.press("ctrl+l")
        assert app.is_running
        status = plain(screen.query_one("#status", Static))
        assert "personas/zz_broken.yaml:" in status and "'[/b]'" in status
