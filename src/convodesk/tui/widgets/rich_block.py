"""A rich renderable (a Table, a Group of them) drawn once per width.

A `Static` re-renders its rich renderable on every layout pass and every paint, and a grid
measures each cell several times: for the help screen's nine key tables that was most of the
time F1 took. Rendered lines are kept per width instead, so a layout pass is a lookup.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget


class RichBlock(Widget):
    DEFAULT_CSS = "RichBlock { height: auto; }"

    def __init__(self, renderable: RenderableType, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.renderable = renderable
        self._lines: dict[int, list[list[Segment]]] = {}

    def _at(self, width: int) -> list[list[Segment]]:
        if width not in self._lines:
            console = self.app.console
            options = console.options.update_width(max(1, width))
            self._lines[width] = console.render_lines(self.renderable, options, pad=True)
        return self._lines[width]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._at(width))

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        lines = self._at(width)
        if y >= len(lines):
            return Strip.blank(width, self.rich_style)
        base = self.rich_style
        return Strip(Segment.apply_style(lines[y], base), width)

    def on_resize(self) -> None:
        self.refresh()
