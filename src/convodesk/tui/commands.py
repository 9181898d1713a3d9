"""The command palette: every studio action, searchable, each run on the screen that owns it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from .app import StudioApp

# (title, help, mode, screen action); mode "" means an app action.
ACTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("Editor", "Edit the flow's YAML (F2)", "editor", ""),
    ("Playground", "Chat with the flow as a buyer (F3)", "playground", ""),
    ("Graph", "See the flow's steps and branches (F4)", "graph", ""),
    ("Personas", "The persona suite and its runs (F5)", "personas", ""),
    ("Results", "Scoreboard, confusion matrix, failures, snapshots (F6)", "results", ""),
    ("Save flow", "Write the editor's text to the flow file (ctrl+s)", "editor", "save"),
    ("Reload flow from disk", "Discard edits and read the file again (ctrl+r)", "editor", "reload"),
    ("Next problem", "Jump to the next validation problem (F8)", "editor", "next_problem"),
    ("Restart conversation", "Start the playground chat again (ctrl+r)", "playground", "restart"),
    ("Run all personas", "Simulate the whole persona suite (a)", "personas", "run_all"),
    ("Run selected persona", "Simulate the highlighted persona (r)", "personas", "run_one"),
    ("Show transcript", "Open the selected conversation's transcript (t)", "results", "transcript"),
    (
        "Show snapshot diff",
        "Diff the conversation against its stored snapshot (d)",
        "results",
        "diff",
    ),
    ("Accept snapshot", "Store the conversation as its new snapshot (a)", "results", "accept"),
    ("Toggle dark/light", "Switch between the dark and light theme (ctrl+t)", "", "toggle_dark"),
    ("Help", "Every key, screen by screen (F1)", "", "help"),
)


class StudioCommands(Provider):
    """Posts nothing itself: each hit switches mode and runs the owning screen's action."""

    def _command(self, mode: str, action: str) -> Callable[[], Awaitable[None]]:
        app = cast("StudioApp", self.app)
        if not mode:
            return partial(app.run_action, action)
        if not action:
            return partial(app.switch_mode, mode)  # type: ignore[return-value]
        return partial(app.run_in_mode, mode, action)

    async def discover(self) -> Hits:
        for title, help_text, mode, action in ACTIONS:
            yield DiscoveryHit(title, self._command(mode, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, mode, action in ACTIONS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), self._command(mode, action), help=help_text
                )
