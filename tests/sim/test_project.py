"""`convodesk new`: the scaffold's .gitignore and the next-step hint."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from convodesk.cli.app import app
from convodesk.cli.new import next_command
from convodesk.sim import transcripts
from convodesk.sim.project import scaffold


def test_hint_runs_the_suite_from_inside_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        next_command(Path("newproj"), "inbound")
        == "cd newproj && convodesk test flows/inbound.yaml"
    )
    assert next_command(Path("my proj"), "x") == "cd 'my proj' && convodesk test flows/x.yaml"
    assert next_command(Path("."), "inbound") == "convodesk test flows/inbound.yaml"
    result = CliRunner().invoke(app, ["new", "newproj"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "next: cd newproj && convodesk test flows/inbound.yaml"


def _temp_name(target: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The name atomic_write gives its temporary file, caught just before the rename."""
    seen: list[str] = []

    def interrupted(src: str, dst: str) -> None:
        seen.append(src)
        raise OSError("interrupted")

    monkeypatch.setattr(transcripts.os, "replace", interrupted)
    with pytest.raises(OSError):
        transcripts.atomic_write(target, "x")
    monkeypatch.undo()
    return seen[0]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to read .gitignore")
def test_gitignore_covers_interrupted_writes_in_every_transcript_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scaffold(tmp_path, "inbound")
    left = [
        _temp_name(tmp_path / "transcripts" / "inbound" / "buyer.yaml", monkeypatch),
        _temp_name(tmp_path / "transcripts" / "other_flow" / "student.0.yaml", monkeypatch),
        _temp_name(tmp_path / "junit.xml", monkeypatch),
    ]
    paths = [os.path.relpath(p, tmp_path) for p in left]
    kept = ["transcripts/inbound/buyer.yaml", "flows/inbound.yaml"]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, env=env)
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths, *kept],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.stdout.split() == paths
