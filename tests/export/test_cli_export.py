"""`convodesk export` as a user runs it: what it prints, and exit 2 with one line per problem."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from export_support import FLOW_PATH, ROOT


def cli(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # An absolute src path, so that running from another folder finds the same convodesk.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", "from convodesk.cli.app import main; main()", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )


def test_export_writes_the_package_and_wheel(tmp_path: Path) -> None:
    result = cli("export", FLOW_PATH, "--out", "build/acme_bot", "--wheel", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("exported saas_inbound v1 (") and "as package acme_bot 1" in lines[0]
    assert "  wrote build/acme_bot/src/acme_bot/__init__.py" in lines
    assert "  wrote build/acme_bot/dist/acme_bot-1-py3-none-any.whl" in lines
    assert any(line.startswith("  wrote build/acme_bot/src/acme_bot/runtime/ (") for line in lines)
    assert (tmp_path / "build/acme_bot/dist/acme_bot-1-py3-none-any.whl").is_file()


def test_export_prints_an_absolute_out_as_given(tmp_path: Path) -> None:
    out = tmp_path / "abs" / "acme_bot"
    work = tmp_path / "elsewhere"
    work.mkdir()
    result = cli("export", FLOW_PATH, "--out", out, "--wheel", cwd=work)
    assert result.returncode == 0, result.stderr
    wrote = [line.removeprefix("  wrote ") for line in result.stdout.splitlines()[1:]]
    assert wrote[0] == f"{out}/README.md"
    assert f"{out}/dist/acme_bot-1-py3-none-any.whl" in wrote
    assert all(path.startswith(f"{out}/") for path in wrote), wrote  # never '../..'


def test_export_json_names_every_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("export", FLOW_PATH, "--out", out, "--name", "relay_bot", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["package"] == "relay_bot" and data["wheel"] is None
    assert data["flow"]["id"] == "saas_inbound" and len(data["flow"]["hash"]) == 16
    assert "src/relay_bot/runtime/engine.py" in data["files"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(
        data["files"]
    )


def test_bad_package_name_is_bad_input(tmp_path: Path) -> None:
    result = cli("export", FLOW_PATH, "--out", tmp_path / "x", "--name", "acme-bot")
    assert result.returncode == 2
    assert result.stderr == (
        "convodesk: package name 'acme-bot' is not a valid Python identifier "
        "(use letters, digits and _)\n"
    )
    assert not (tmp_path / "x").exists()


def test_default_name_from_an_unusable_folder_asks_for_name(tmp_path: Path) -> None:
    result = cli("export", FLOW_PATH, "--out", tmp_path / "2024 bot")
    assert result.returncode == 2
    assert "package name '2024 bot' is not a valid Python identifier" in result.stderr
    assert result.stderr.rstrip().endswith("(pass --name)")


def test_non_empty_out_needs_force(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = cli("export", FLOW_PATH, "--out", tmp_path, "--name", "acme_bot")
    assert result.returncode == 2
    assert (
        result.stderr
        == f"convodesk: {tmp_path} is not empty; pass --force to replace the export in it\n"
    )
    assert not (tmp_path / "src").exists()
    forced = cli("export", FLOW_PATH, "--out", tmp_path, "--name", "acme_bot", "--force")
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "src" / "acme_bot" / "flow.json").is_file()


def test_out_that_is_a_file_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    result = cli("export", FLOW_PATH, "--out", tmp_path / "f", "--name", "acme_bot", "--force")
    assert result.returncode == 2
    assert result.stderr == f"convodesk: {tmp_path / 'f'} exists and is not a folder\n"


def test_invalid_flow_is_reported_with_position_and_nothing_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("flow: bad\nslots:\n  n: {type: integer}\nsteps:\n  - {id: a, ask: m}\n")
    result = cli("export", bad, "--out", tmp_path / "out", "--name", "bad_bot")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"{bad}:5:18: steps[0].ask: unknown slot 'm'"]
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_help_documents_every_option() -> None:
    result = cli("export", "--help")
    assert result.returncode == 0
    for option in ("--out", "--name", "--wheel", "--force", "--json"):
        assert option in result.stdout
