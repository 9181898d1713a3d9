"""How pytest loads the plugin, in real pytest processes: by the entry point, by `-p`, by a
conftest's `pytest_plugins`, any two of them at once, and in projects that never use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from convodesk.sim.project import scaffold

from .conftest import ROOT, plugin_installed, run_pytest

HAND_TEST = """\
def test_buyer(convodesk_flow, converse):
    flow = convodesk_flow("flows/inbound.yaml")
    assert converse(flow, "personas/buyer.yaml").outcome.route == "warm"
"""
CONFTEST = 'pytest_plugins = ["convodesk.testing.plugin"]\n'

needs_entry_point = pytest.mark.skipif(
    not plugin_installed(), reason="convodesk is not installed with its pytest11 entry point"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A `convodesk new` project with one hand-written test using the plugin's fixtures."""
    scaffold(tmp_path, "inbound", force=True)
    (tmp_path / "tests" / "test_personas.py").unlink()  # syrupy's snapshots are not the point
    (tmp_path / "tests" / "test_hand.py").write_text(HAND_TEST)
    return tmp_path


WAYS = {
    "-p": (["-p", "convodesk.testing.plugin"], False),
    "pytest_plugins": ([], True),
    "-p and pytest_plugins": (["-p", "convodesk.testing.plugin"], True),
}


@needs_entry_point
@pytest.mark.parametrize("way", list(WAYS))
def test_naming_the_plugin_again_beside_the_entry_point_is_harmless(
    project: Path, way: str
) -> None:
    args, conftest = WAYS[way]
    if conftest:
        (project / "conftest.py").write_text(CONFTEST)
    result = run_pytest(project, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "already registered" not in result.stdout + result.stderr


@pytest.mark.parametrize("way", list(WAYS))
def test_without_the_entry_point_naming_the_plugin_loads_it(project: Path, way: str) -> None:
    args, conftest = WAYS[way]
    if conftest:
        (project / "conftest.py").write_text(CONFTEST)
    result = run_pytest(project, *args, env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


@needs_entry_point
def test_the_entry_point_alone_loads_it_and_no_convodesk_turns_it_off(project: Path) -> None:
    assert run_pytest(project).returncode == 0
    off = run_pytest(project, "-p", "no:convodesk")
    assert off.returncode == 1
    assert "fixture 'convodesk_flow' not found" in off.stdout


UNRELATED_TEST = """\
import sys

def test_unrelated():
    assert ("convodesk.testing.plugin" in sys.modules) == {installed}
    ours = ("convodesk.runtime", "convodesk.sim")
    loaded = [m for m, mod in sys.modules.items() if m.startswith(ours) and mod is not None]
    assert loaded == []
"""


def test_a_project_that_never_uses_convodesk_does_not_load_it(tmp_path: Path) -> None:
    """Even with convodesk's runtime and simulator unimportable (an import error down there
    once stopped every pytest run on a CI machine), an unrelated project's tests run."""
    (tmp_path / "test_unrelated.py").write_text(UNRELATED_TEST.format(installed=plugin_installed()))
    (tmp_path / "poison.py").write_text(
        "import sys\n"
        "for name in ('convodesk.runtime', 'convodesk.sim'):\n"
        "    sys.modules[name] = None  # importing these now raises ImportError\n"
    )
    # `-p poison` is imported before pytest loads any entry point, ours included
    result = run_pytest(tmp_path, "-p", "poison", env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_pytest_collects_from_the_repository_root() -> None:
    """`pytest_plugins` outside the top-level conftest stops `pytest .` at collection."""
    result = run_pytest(ROOT, "--collect-only", ".")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "tests collected" in result.stdout
