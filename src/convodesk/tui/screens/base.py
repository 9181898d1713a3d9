"""What every studio mode screen shares: the typed app, and a footer in a stable order."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.binding import ActiveBinding
from textual.notifications import SeverityLevel
from textual.screen import Screen

if TYPE_CHECKING:
    from ..app import StudioApp


class StudioScreen(Screen[None]):
    @property
    def studio(self) -> StudioApp:
        return cast("StudioApp", self.app)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Plain text unless asked otherwise, as `StudioApp.notify` (a widget's own `notify`
        would pass markup=True): notes quote file names, problems and settings."""
        self.app.notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The screen's own keys first, then the global ones in the app's order.

        Textual orders the footer by the first widget binding each key, so a widget that
        also binds a global key (TextArea binds F6) would pull it to the front.
        """
        bindings = super().active_bindings
        order = {key: i for i, key in enumerate(self.app._bindings.key_to_bindings)}
        return dict(
            sorted(
                bindings.items(),
                key=lambda item: (item[1].binding.priority, order.get(item[0], -1)),
            )
        )
