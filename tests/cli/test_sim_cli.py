"""simulate, test and new as a user runs them: exit codes 0/1/2, stdout data, stderr diagnostics."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from convodesk.cli.app import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "COLUMNS": "160"},
    )


def project(tmp_path: Path) -> Path:
    folder = tmp_path / "proj"
    result = cli("new", str(folder))
    assert result.returncode == 0, result.stderr
    return folder


def test_new_project_passes_test_and_its_own_pytest(tmp_path: Path) -> None:
    folder = project(tmp_path)
    result = cli("test", "flows/inbound.yaml", "--junit", "junit.xml", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all passed" in result.stdout
    assert (folder / "transcripts" / "inbound" / "buyer.yaml").is_file()
    suite = ET.parse(folder / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0" and suite.get("tests") == "3"
    pytest_run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder / "tests")],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert pytest_run.returncode == 0, pytest_run.stdout


def test_new_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("mine")
    result = cli("new", str(tmp_path))
    assert result.returncode == 2 and "not empty" in result.stderr


def test_broken_copies_of_the_flow_fail_and_name_the_cause(tmp_path: Path) -> None:
    folder = project(tmp_path)
    flow = folder / "flows" / "inbound.yaml"
    text = flow.read_text()
    flow.write_text(
        text.replace('when: "fit >= 60 and intent >= 50 and capacity >= 40"', 'when: "fit >= 0"')
    )
    result = cli("test", "flows/inbound.yaml", cwd=folder)
    assert result.returncode == 1
    assert (
        "small-company · route_expected: expected route 'nurture' but the flow chose 'warm'"
        in result.stdout
    )
    assert "false positives 50%" in result.stdout
    start = text.index("  - when: \"visitor == 'student'")
    flow.write_text(text[:start] + text[text.index("  - when: \"visitor == 'competitor'") :])
    result = cli("test", "flows/inbound.yaml", "--json", cwd=folder)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    student = next(c for c in report["conversations"] if c["persona"] == "student")
    failed = {c["id"]: c["explanation"] for c in student["checks"] if c["status"] == "fail"}
    assert "expected route 'disqualify'" in failed["route_expected"]


def test_bad_persona_exits_2_with_positions(tmp_path: Path) -> None:
    folder = project(tmp_path)
    (folder / "personas" / "zz.yaml").write_text("persona: zz\nexpect: {route: hot}\n")
    result = cli("test", "flows/inbound.yaml", cwd=folder)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"{(folder / 'personas' / 'zz.yaml').resolve()}:2:17: expect.route: must be one of "
        "'warm', 'lukewarm', 'nurture' or 'disqualify', got 'hot'"
    ]
    assert "Traceback" not in result.stderr


def test_bad_flow_and_bad_flags_exit_2(tmp_path: Path) -> None:
    result = cli("test", str(tmp_path / "missing.yaml"))
    assert result.returncode == 2 and "file not found" in result.stderr
    folder = project(tmp_path)
    assert cli("test", "flows/inbound.yaml", "--date", "soon", cwd=folder).returncode == 2
    assert cli("test", "flows/inbound.yaml", "--runs", "0", cwd=folder).returncode == 2


def test_simulate_prints_transcript_and_outcome(tmp_path: Path) -> None:
    folder = project(tmp_path)
    result = cli("simulate", "flows/inbound.yaml", "personas/buyer.yaml", "--seed", "3", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Ava: Hi, I'm Ava") and "-- route: warm" in result.stdout
    data = json.loads(
        cli("simulate", "flows/inbound.yaml", "personas/buyer.yaml", "--json", cwd=folder).stdout
    )
    assert data["route"] == "warm" and data["persona"] == "buyer"


def test_runs_write_numbered_transcripts_deterministically(tmp_path: Path) -> None:
    folder = project(tmp_path)
    assert (
        cli("test", "flows/inbound.yaml", "--runs", "2", "--out", "a", cwd=folder).returncode == 0
    )
    assert (
        cli(
            "test", "flows/inbound.yaml", "--runs", "2", "--out", "b", "-j", "1", cwd=folder
        ).returncode
        == 0
    )
    a = sorted((folder / "a" / "inbound").iterdir())
    assert [p.name for p in a][:2] == ["buyer.0.yaml", "buyer.1.yaml"]
    for path in a:
        assert path.read_bytes() == (folder / "b" / "inbound" / path.name).read_bytes()


def test_every_option_has_help() -> None:
    for command in ("test", "simulate", "new"):
        out = cli(command, "--help").stdout
        assert out.count("--") >= 2
    import typer.main

    from convodesk.cli.app import app

    group = typer.main.get_command(app)
    for name in ("test", "simulate", "new"):
        command = group.commands[name]  # type: ignore[attr-defined]
        assert command.help
        for param in command.params:
            assert getattr(param, "help", None), f"{name} {param.name} lacks help"
