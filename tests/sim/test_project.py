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


def test_new_writes_transcripts_that_convodesk_test_snapshot_accepts(tmp_path: Path) -> None:
    from convodesk.testing.project import TEST_FILE

    folder = tmp_path / "proj"
    result = CliRunner().invoke(app, ["new", str(folder)])
    assert result.exit_code == 0, result.output
    stored = sorted(p.name for p in (folder / "transcripts" / "inbound").iterdir())
    assert stored == ["buyer.yaml", "small-company.yaml", "student.yaml"]
    assert (folder / TEST_FILE).is_file()
    check = CliRunner().invoke(
        app, ["test", str(folder / "flows" / "inbound.yaml"), "--snapshot", "--json"]
    )
    assert check.exit_code == 0, check.output
    before = {p: p.read_bytes() for p in (folder / "transcripts").rglob("*.yaml")}
    again = CliRunner().invoke(app, ["test", str(folder / "flows" / "inbound.yaml"), "--update"])
    assert again.exit_code == 0 and "transcripts up to date" in again.stderr
    assert {p: p.read_bytes() for p in (folder / "transcripts").rglob("*.yaml")} == before


def test_starter_buyer_answers_then_asks_and_the_bot_takes_both(tmp_path: Path) -> None:
    """The terse buyer's "spreadsheets. Do you support SSO?": answered and captured at once."""
    import yaml

    CliRunner().invoke(app, ["new", str(tmp_path / "p")])
    data = yaml.safe_load((tmp_path / "p" / "transcripts" / "inbound" / "buyer.yaml").read_text())
    lines = data["conversation"]
    asked = next(x for x in lines if x.get("buyer", "").endswith("Do you support SSO?"))
    assert asked["buyer"] == "spreadsheets. Do you support SSO?"
    after = [x for x in lines if x["turn"] == asked["turn"] and "bot" in x]
    assert [x["kind"] for x in after][:2] == ["answer", "question"]
    assert after[1]["asking"] == ["company_size"]  # current_tool was taken, not asked again
    assert data["slots"]["current_tool"] == "spreadsheets"
    assert not any(x.get("kind") == "reask" for x in lines)
