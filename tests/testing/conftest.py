from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def plugin_installed() -> bool:
    """Whether convodesk is installed with its `pytest11` entry point (pytest loads it then)."""
    return any(
        ep.value == "convodesk.testing.plugin"
        for ep in importlib.metadata.entry_points(group="pytest11")
    )


# `-p` beside the entry point is harmless (test_plugin_loading.py proves it), but in pytester's
# in-process runs the module is imported already and pytest warns it cannot rewrite asserts
PLUGIN_ARGS: tuple[str, ...] = () if plugin_installed() else ("-p", "convodesk.testing.plugin")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example project (flow, personas, committed transcripts) to edit freely."""
    for name in ("flows", "personas", "transcripts"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


Cli = Callable[..., subprocess.CompletedProcess[str]]


def run_pytest(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A fresh pytest process, free of the settings of the one running these tests."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**clean, "COLUMNS": "200", **(env or {})},
        timeout=300,
    )


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
