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


def project_root(flow: Path) -> Path | None:
    """The project folder of a flow in a project layout (`flows/` beside `personas/`), else None.

    Defaults that name project folders (personas, transcripts, the LLM cache) are resolved
    against it, so `convodesk test path/to/proj/flows/x.yaml` run from anywhere reads and writes
    that project's folders, as running it from inside the project does.
    """
    root = flow.resolve().parent.parent
    return root if (root / "personas").is_dir() else None


def beside_project(flow: Path, name: str) -> Path:
    """`<project>/<name>` for a flow in a project layout, else `<name>` in the working folder;
    shown relative to the working folder when it lies inside it."""
    root = project_root(flow)
    if root is None:
        return Path(name)
    here = Path.cwd().resolve()
    target = root / name
    return target.relative_to(here) if target.is_relative_to(here) else target
