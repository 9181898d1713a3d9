"""Problems found in a user's file, collected so the user sees every mistake at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    col: int
    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.col}: {tag}{where}{self.message}"


@dataclass
class LoadError(Exception):
    """Raised when a file cannot become a model; carries every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def format_path(path: tuple[str | int, ...]) -> str:
    """('steps', 3, 'next') -> 'steps[3].next', the way a reader of the YAML thinks of it."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
