"""Playground: a conversation against the editor's current (unsaved) text."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static, TextArea

from convodesk.tui.screens.confirm import QuitDialog
from convodesk.tui.screens.playground import PlaygroundScreen
from convodesk.tui.widgets.chat import ChatLog

from .conftest import SIZE, make_app, plain, wait_for


def _chat_text(screen: PlaygroundScreen) -> str:
    return "\n".join(plain(s) for s in screen.query_one(ChatLog).query(Static))


async def _say(pilot, screen: PlaygroundScreen, text: str) -> None:  # type: ignore[no-untyped-def]
    before = len(screen.query_one(ChatLog).children)
    say = screen.query_one(Input)
    say.value = text
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(screen.query_one(ChatLog).children) > before + 1)


async def test_play_a_conversation_to_a_route(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, PlaygroundScreen)
        await wait_for(pilot, lambda: screen.session is not None)
        assert "AI assistant" in _chat_text(screen)

        await _say(
            pilot,
            screen,
            "We're struggling with spreadsheets at our 1200 person manufacturer in Chicago",
        )
        assert screen.session is not None
        assert screen.session.slots["company_size"] == 1200
        panel = plain(screen.query_one("#panel", Static))
        assert "company_size" in panel and "fit" in panel and "if it ended now" in panel

        for text in (
            "spreadsheets and email",
            "this quarter",
            "about 120k a year",
            "our CFO and IT lead",
        ):
            await _say(pilot, screen, text)
        await _say(pilot, screen, "jen@acme-industrial.com")
        await wait_for(pilot, lambda: screen.session is not None and screen.session.done)
        assert screen.session.outcome is not None
        assert "Conversation over" in _chat_text(screen)
        assert screen.query_one(Input).disabled

        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.session is not None and not screen.session.done)
        assert screen.session.state.turn == 0
        assert app.focused is screen.query_one(Input)  # type straight away after a restart
        await _say(pilot, screen, "hello again")
        assert screen.session.state.turn == 1


async def test_buyer_bubbles_sit_on_the_right_bot_bubbles_on_the_left(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, PlaygroundScreen)
        await wait_for(pilot, lambda: screen.session is not None)
        await _say(pilot, screen, "Hi there")
        chat = screen.query_one(ChatLog)
        bot = chat.query_one(".bot", Static).region
        buyer = chat.query_one(".buyer", Static).region
        inside = chat.content_region
        assert bot.x == inside.x
        assert buyer.right == inside.right
        assert buyer.x > bot.x + 20


async def test_playground_runs_the_editors_unsaved_text(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.workspace.loaded is not None)
        area = app.screen.query_one(TextArea)
        area.text = area.text.replace("name: Ava", "name: Zed")
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, PlaygroundScreen)
        await wait_for(pilot, lambda: screen.session is not None)
        assert screen.session.flow.bot.name == "Zed"
        assert "(unsaved)" in plain(screen.query_one("#status", Static))


async def test_broken_flow_says_so_instead_of_playing(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one(TextArea)
        area.text = area.text.replace("ask: current_tool", "ask: nope")
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, PlaygroundScreen)
        await wait_for(pilot, lambda: "cannot run" in _chat_text(screen))
        assert screen.session is None and screen.query_one(Input).disabled


async def test_slot_values_read_as_a_designer_writes_them(project: Path) -> None:
    """Money with separators, lists joined, whole numbers without `.0`; never Python's repr."""
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, PlaygroundScreen)
        await wait_for(pilot, lambda: screen.session is not None)
        for text in (
            "We're struggling with spreadsheets at our 1200 person manufacturer in Chicago",
            "spreadsheets and email",
            "this quarter",
            "about 60k a year",
            "our CFO and IT lead",
        ):
            await _say(pilot, screen, text)
        slots = screen.session.slots  # type: ignore[union-attr]
        assert slots["budget"] == 60000 and slots["committee"] == ["CFO", "IT lead"]
        panel = " ".join(plain(screen.query_one("#panel", Static)).split())
        assert "budget 60,000" in panel and "committee CFO, IT lead" in panel
        assert "company_size 1200" in panel
        assert "60000" not in panel and "['CFO'" not in panel and ".0" not in panel


def test_shown_value() -> None:
    from convodesk.tui.words import shown_value

    assert shown_value(60000.0, "money") == "60,000"
    assert shown_value(1234.5, "money") == "1,234.50"
    assert shown_value(2026, "integer") == "2026"  # an integer may be a year
    assert shown_value(3.0) == "3"
    assert shown_value(["CFO", "IT lead"]) == "CFO, IT lead"
    assert shown_value([]) == "(none)"
    assert shown_value(True) == "yes"
    assert shown_value("as typed [b]") == "as typed [b]"


async def test_a_key_handled_before_the_edit_message_still_sees_the_edit(project: Path) -> None:
    """TextArea.Changed is a message; F3 or ctrl+q can be handled first. Holding the message
    back makes that order certain: the playground plays the new text, and quitting asks."""
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.workspace.loaded is not None)
        area = app.screen.query_one(TextArea)
        with area.prevent(TextArea.Changed):
            area.text = area.text.replace("name: Ava", "name: Zed")
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, PlaygroundScreen)
        await wait_for(pilot, lambda: screen.session is not None)
        assert screen.session.flow.bot.name == "Zed"

        await pilot.press("f2", "ctrl+s")
        await wait_for(pilot, lambda: not app.workspace.dirty)
        area = app.screen.query_one(TextArea)
        with area.prevent(TextArea.Changed):
            area.text = area.text + "\n# one more edit\n"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, QuitDialog)
