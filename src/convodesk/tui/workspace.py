"""What the screens share: the file being edited, its current text and its last validation.

One object, owned by the app, so the playground and the graph always see the editor's text,
saved or not, and the results screen sees the personas screen's last run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from convodesk.runtime.loader import LoadedFlow, parse_flow

if TYPE_CHECKING:
    from convodesk.sim.runner import SuiteResult

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Workspace:
    flow_path: Path
    text: str
    personas_dir: Path
    transcripts_dir: Path
    clock: Clock = _now
    saved_text: str = ""
    loaded: LoadedFlow | None = None
    loaded_text: str | None = None
    suite: SuiteResult | None = None
    suite_generation: int = 0
    _last_valid: LoadedFlow | None = field(default=None, repr=False)

    @classmethod
    def open(
        cls,
        flow_path: Path,
        *,
        personas_dir: Path | None = None,
        transcripts_dir: Path | None = None,
        clock: Clock | None = None,
    ) -> Workspace:
        """Personas and transcripts default to the project folders beside `flows/`."""
        from convodesk.runtime.loader import read_text

        text = read_text(flow_path)
        root = flow_path.resolve().parent
        if root.name == "flows":
            root = root.parent
        return cls(
            flow_path=flow_path,
            text=text,
            saved_text=text,
            personas_dir=personas_dir or root / "personas",
            transcripts_dir=transcripts_dir or root / "transcripts",
            clock=clock or _now,
        )

    @property
    def dirty(self) -> bool:
        return self.text != self.saved_text

    @property
    def file(self) -> str:
        return str(self.flow_path)

    @staticmethod
    def shown(path: Path) -> str:
        """A path as a user would type it: relative to the working folder when inside it."""
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    def validate(self, text: str) -> LoadedFlow:
        """Parse with lint; safe to call from a worker thread (touches no widgets)."""
        return parse_flow(text, self.file, lint=True)

    def accept(self, text: str, loaded: LoadedFlow) -> None:
        """Record a validation result, keeping the last valid flow for the outline and graph."""
        self.loaded, self.loaded_text = loaded, text
        if loaded.flow is not None:
            self._last_valid = loaded

    def current(self) -> LoadedFlow:
        """The validation of the current text, parsing now if the debounce has not caught up."""
        if self.loaded is None or self.loaded_text != self.text:
            self.accept(self.text, self.validate(self.text))
        assert self.loaded is not None
        return self.loaded

    @property
    def last_valid(self) -> LoadedFlow | None:
        return self._last_valid

    def save(self) -> None:
        self.flow_path.write_text(self.text, encoding="utf-8")
        self.saved_text = self.text
