"""The convodesk pytest plugin (entry point `pytest11: convodesk`).

Fixtures: `convodesk_flow` (load a flow by path), `converse` (play a persona against a flow)
and `transcript_snapshot` (syrupy's `snapshot` with the transcript extension). For a whole
persona folder, see `convodesk.testing.persona_suite`.

pytest imports this module in every session of every project where convodesk is installed, so
at import time it needs pytest and the standard library only: the runtime, the simulator,
pydantic and syrupy load inside the fixtures, when a test asks for them. An import error down
there then fails the tests that use convodesk, not every pytest run on the machine.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from convodesk.runtime.model import Flow
    from convodesk.sim.persona import Persona

    from .result import Result

ENTRY_POINT = "convodesk"
"""The name the `pytest11` entry point registers this module under."""


class _Alias:
    """Stands in for this module under its other name, so pytest never registers it twice."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<convodesk plugin, registered as {self.name!r}>"


def pytest_plugin_registered(plugin: object, manager: Any) -> None:
    """Loaded both by the entry point and by `-p convodesk.testing.plugin` or a conftest's
    `pytest_plugins`, pytest would register this module under two names and stop with
    "Plugin already registered under a different name". Taking the other name too makes the
    second load a no-op, in either order. (`plugin_name` is not asked for: pytest 7 lacks it,
    and a hook argument pytest does not know fails every run.)"""
    if plugin is not sys.modules[__name__]:
        return
    plugin_name = manager.get_name(plugin)
    for name in (ENTRY_POINT, __name__):
        taken = manager.get_plugin(name) is not None or manager.is_blocked(name)
        if name != plugin_name and not taken:
            manager.register(_Alias(plugin_name), name)


def _test_folder(request: pytest.FixtureRequest) -> Path:
    """The folder of the test file asking: relative paths are found from there upwards."""
    return Path(str(request.path)).parent


@pytest.fixture(scope="session")
def _convodesk_flows() -> dict[Path, Flow]:
    """Flows loaded so far in this session, by resolved path."""
    return {}


@pytest.fixture
def convodesk_flow(
    request: pytest.FixtureRequest, _convodesk_flows: dict[Path, Flow]
) -> Callable[[str | Path], Flow]:
    """`convodesk_flow("flows/x.yaml") -> Flow`: a relative path is looked up from the test
    file's folder upwards; each file is loaded once per session."""
    from .paths import clean_failure, locate
    from .result import as_flow

    start = _test_folder(request)

    def load(path: str | Path) -> Flow:
        with clean_failure():
            target = locate(path, start).resolve()
            if target not in _convodesk_flows:
                _convodesk_flows[target] = as_flow(target)
        return _convodesk_flows[target]

    return load


@pytest.fixture
def converse(
    request: pytest.FixtureRequest, convodesk_flow: Callable[[str | Path], Flow]
) -> Callable[..., Result]:
    """`converse(flow, persona, seed=0, *, run=0, on_date=None)` -> a result with
    `.transcript`, `.outcome`, `.conversation`, `.checks` and `.assert_expectations()`.
    Paths are found like `convodesk_flow`'s."""
    from .paths import clean_failure, locate
    from .result import as_persona
    from .result import converse as play

    start = _test_folder(request)

    def run(
        flow: Flow | str | Path,
        persona: Persona | str | Path,
        seed: int = 0,
        *,
        run: int = 0,
        on_date: date | None = None,
    ) -> Result:
        loaded = convodesk_flow(flow) if isinstance(flow, str | Path) else flow
        if isinstance(persona, str | Path):
            with clean_failure():
                persona = as_persona(locate(persona, start), loaded)
        return play(loaded, persona, seed, run=run, on_date=on_date)

    return run


@pytest.fixture
def transcript_snapshot(snapshot: Any) -> Any:
    """`assert converse(...) == transcript_snapshot`: one readable YAML file per assertion."""
    from .extension import TranscriptExtension

    return snapshot.use_extension(TranscriptExtension)
