from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]


def plugin_installed() -> bool:
    """Installed with entry points, pytest loads the plugin itself; `-p` would load it twice."""
    return any(
        ep.value == "convodesk.testing.plugin"
        for ep in importlib.metadata.entry_points(group="pytest11")
    )


PLUGIN_ARGS: tuple[str, ...] = () if plugin_installed() else ("-p", "convodesk.testing.plugin")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example project (flow, personas, committed transcripts) to edit freely."""
    for name in ("flows", "personas", "transcripts"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli() -> Cli:
    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", "from convodesk.cli.app import main; main()", *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
        )

    return run


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
