"""The command palette: every studio action, searchable, each run on the screen that owns it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, NamedTuple, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from .app import StudioApp


class Command(NamedTuple):
    title: str
    help: str
    mode: str
    """The screen that owns the action; "" for an app action."""
    action: str
    """The owning screen's action; "" with a mode just shows that screen."""


ACTIONS: tuple[Command, ...] = (
    Command("Editor", "Edit the flow's YAML (F2)", "editor", ""),
    Command("Playground", "Chat with the flow as a buyer (F3)", "playground", ""),
    Command("Graph", "See the flow's steps and branches (F4)", "graph", ""),
    Command("Personas", "The persona suite and its runs (F5)", "personas", ""),
    Command("Results", "Scoreboard, confusion matrix, failures, snapshots (F6)", "results", ""),
    Command("Save flow", "Write the editor's text to the flow file (ctrl+s)", "editor", "save"),
    Command(
        "Reload flow from disk",
        "Read the file again, asking first if you have unsaved edits (ctrl+l)",
        "editor",
        "reload",
    ),
    Command("Next problem", "Jump to the next validation problem (F8)", "editor", "next_problem"),
    Command(
        "Go to line", "Move the cursor to a line, or line:column (ctrl+g)", "editor", "go_to_line"
    ),
    Command("Focus outline", "Move to the outline of the flow (ctrl+o)", "editor", "focus_outline"),
    Command("Focus text", "Back to the flow's YAML (ctrl+e)", "editor", "focus_source"),
    Command(
        "Restart conversation", "Start the playground chat again (ctrl+r)", "playground", "restart"
    ),
    Command(
        "Open step in editor", "Show the highlighted step's YAML (Enter)", "graph", "open_step"
    ),
    Command("Run all personas", "Simulate the whole persona suite (a)", "personas", "run_all"),
    Command("Run selected persona", "Simulate the highlighted persona (r)", "personas", "run_one"),
    Command(
        "Toggle model buyers",
        "Play the buyers with the configured model instead of the scripts (m)",
        "personas",
        "toggle_model",
    ),
    Command(
        "Reload personas", "Read the persona files again (ctrl+l)", "personas", "reload_personas"
    ),
    Command(
        "Show transcript",
        "Open the selected conversation's transcript (t)",
        "results",
        "transcript",
    ),
    Command(
        "Show snapshot diff",
        "Diff the conversation against its stored snapshot (d)",
        "results",
        "diff",
    ),
    Command(
        "Accept snapshot", "Store the conversation as its new snapshot (a)", "results", "accept"
    ),
    Command(
        "Accept all snapshots",
        "Store every conversation of the run as its snapshot, after asking (A)",
        "results",
        "accept_all",
    ),
    Command(
        "Toggle dark/light theme",
        "Switch between the dark and light theme (ctrl+t)",
        "",
        "toggle_dark",
    ),
    Command("Help", "Every key, screen by screen (F1)", "", "help"),
)


class StudioCommands(Provider):
    """Posts nothing itself: each hit switches mode and runs the owning screen's action."""

    def _command(self, command: Command) -> Callable[[], Awaitable[None]]:
        app = cast("StudioApp", self.app)
        if not command.mode:
            return partial(app.run_action, command.action)
        if not command.action:
            return partial(app.action_show, command.mode)
        return partial(app.run_in_mode, command.mode, command.action)

    async def discover(self) -> Hits:
        for command in ACTIONS:
            yield DiscoveryHit(command.title, self._command(command), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in ACTIONS:
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    self._command(command),
                    help=command.help,
                )
