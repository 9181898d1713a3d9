"""What the screens share: the file being edited, its current text and its last validation.

One object, owned by the app, so the playground and the graph always see the editor's text,
saved or not, and the results screen sees the personas screen's last run. It holds no widget,
so it outlives a crash of the app and the CLI can still rescue unsaved edits from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from convodesk.runtime.loader import LoadedFlow, parse_flow

if TYPE_CHECKING:
    from convodesk.sim.persona import Persona
    from convodesk.sim.runner import SuiteResult

Clock = Callable[[], datetime]
RESCUE_SUFFIX = ".recovered"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Workspace:
    flow_path: Path
    text: str
    personas_dir: Path
    transcripts_dir: Path
    root: Path = field(default_factory=Path.cwd)
    clock: Clock = _now
    saved_text: str = ""
    loaded: LoadedFlow | None = None
    loaded_text: str | None = None
    suite: SuiteResult | None = None
    suite_generation: int = 0
    cast: list[Persona] = field(default_factory=list)
    """Every persona of the folder when `suite` ran (a run of one persona keeps the rest)."""
    buyers: str = "scripted"
    """Who played the buyers of `suite`: 'scripted', or 'model <name>'."""
    suite_text: str | None = None
    """The flow text `suite` ran on: the editor's, saved or not."""
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
            root=root,
            clock=clock or _now,
        )

    @property
    def dirty(self) -> bool:
        return self.text != self.saved_text

    @property
    def file(self) -> str:
        return str(self.flow_path)

    def shown(self, path: Path | str) -> str:
        """A path as a user reads it: relative to the project, else to the working folder."""
        target = Path(path).resolve()
        for base in (self.root, Path.cwd()):
            try:
                return str(target.relative_to(base.resolve()))
            except ValueError:
                continue
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

    def record_run(self, suite: SuiteResult, cast: list[Persona], buyers: str, text: str) -> None:
        """A finished run, for the results screen (which notices the new generation)."""
        self.suite, self.cast, self.buyers, self.suite_text = suite, cast, buyers, text
        self.suite_generation += 1

    @property
    def suite_unsaved(self) -> bool:
        """The last run is of text that is not what the flow file holds: snapshots accepted
        from it would not match a `convodesk test` of the file."""
        return self.suite is not None and self.suite_text != self.saved_text

    def save(self) -> None:
        self.flow_path.write_text(self.text, encoding="utf-8")
        self.saved_text = self.text

    def rescue(self) -> Path | None:
        """After a crash: write unsaved edits beside the flow (never over it); None if clean.

        `flows/x.yaml.recovered` does not match `flows/*.yaml`, so it is never taken for a flow.
        """
        if not self.dirty:
            return None
        target = self.flow_path.with_name(self.flow_path.name + RESCUE_SUFFIX)
        target.write_text(self.text, encoding="utf-8")
        return target
