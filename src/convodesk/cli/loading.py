"""Loading user files for commands: problems become exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

from convodesk.runtime.loader import LoadedFlow, load_flow_file
from convodesk.runtime.model import Flow
from convodesk.runtime.problems import LoadError

from .errors import bad_input, report


def load_checked(path: Path, *, lint: bool = False) -> LoadedFlow:
    try:
        return load_flow_file(path, lint=lint)
    except LoadError as exc:
        raise bad_input(exc.problems) from None


def require_flow(path: Path) -> Flow:
    """The flow at `path`, or exit 2 after printing every error (warnings print too)."""
    loaded = load_checked(path)
    if loaded.flow is None:
        raise bad_input(loaded.errors)
    return loaded.flow


def warn(loaded: LoadedFlow) -> None:
    report(loaded.warnings)
