"""The convodesk pytest plugin (entry point `pytest11: convodesk`).

Fixtures: `convodesk_flow` (load a flow by path), `converse` (play a persona against a flow)
and `transcript_snapshot` (syrupy's `snapshot` with the transcript extension). For a whole
persona folder, see `convodesk.testing.persona_suite`. Imports stay light: pytest loads this
module in every session of a project where convodesk is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from convodesk.runtime.model import Flow


@pytest.fixture(scope="session")
def convodesk_flow(request: pytest.FixtureRequest) -> Callable[[str | Path], Flow]:
    """`convodesk_flow("flows/x.yaml")`: relative paths are found from the rootdir, or from
    the test file's folder and its ancestors; each file is loaded once per session."""
    from .result import as_flow
    from .suite import locate

    cache: dict[Path, Flow] = {}
    root = Path(str(request.config.rootpath))

    def load(path: str | Path) -> Flow:
        target = Path(path)
        if not target.is_absolute() and not (root / target).exists():
            target = locate(target, Path(str(request.path)).parent)
        elif not target.is_absolute():
            target = root / target
        if target not in cache:
            cache[target] = as_flow(target)
        return cache[target]

    return load


@pytest.fixture
def converse() -> Callable[..., Any]:
    """`converse(flow, persona, seed=0)` -> a result with `.transcript`, `.outcome`,
    `.conversation`, `.checks` and `.assert_expectations()`."""
    from .result import converse as play

    return play


@pytest.fixture
def transcript_snapshot(snapshot: Any) -> Any:
    """`assert converse(...) == transcript_snapshot`: one readable YAML file per assertion."""
    from .extension import TranscriptExtension

    return snapshot.use_extension(TranscriptExtension)
