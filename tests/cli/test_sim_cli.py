"""simulate, test and new as a user runs them: exit codes 0/1/2, stdout data, stderr diagnostics."""

from __future__ import annotations

import json
import shutil
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


def test_snapshot_writes_nothing_and_a_missing_snapshot_stays_missing(tmp_path: Path) -> None:
    folder = project(tmp_path)
    shutil.rmtree(folder / "transcripts")  # `new` ships them; here none is stored yet
    for _ in range(2):  # the first run must not record what the second would then accept
        result = cli("test", "flows/inbound.yaml", "--snapshot", cwd=folder)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "buyer: no stored transcript yet" in result.stdout
        assert not (folder / "transcripts").exists()
    assert "all passed" not in result.stdout and "3 stored transcript(s) drifted" in result.stdout


def test_snapshot_drift_is_a_junit_failure_and_the_summary_says_so(tmp_path: Path) -> None:
    folder = project(tmp_path)
    assert cli("test", "flows/inbound.yaml", cwd=folder).returncode == 0
    flow = folder / "flows" / "inbound.yaml"
    text = flow.read_text()
    ask = "What are you using for this today?"
    assert ask in text
    flow.write_text(text.replace(ask, "Which tool do you use for this today?"))
    result = cli("test", "flows/inbound.yaml", "--snapshot", "--junit", "j.xml", cwd=folder)
    assert result.returncode == 1
    verdict = result.stdout.index("stored transcript(s) drifted")
    assert "all passed" not in result.stdout[:verdict]
    suite = ET.parse(folder / "j.xml").getroot().find("testsuite")
    assert suite is not None
    drifted = [
        case
        for case in suite.iter("testcase")
        if (failure := case.find("failure")) is not None and failure.get("type") == "snapshot"
    ]
    assert drifted and suite.get("failures") == str(len(drifted))
    text = drifted[0].find("failure").text or ""  # type: ignore[union-attr]
    assert "first diverges at turn" in text
    # the diff itself, plain text, so the CI's test view shows what changed
    assert (
        "+ turn" in text and "Which tool do you use for this today?" in text and "\x1b[" not in text
    )


def test_an_unwritable_junit_path_is_one_line_exit_2(tmp_path: Path) -> None:
    folder = project(tmp_path)
    for target in ("/proc/x.xml", str(folder / "flows")):
        result = cli("test", "flows/inbound.yaml", "--junit", target, cwd=folder)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(
            f"convodesk: cannot write the JUnit report to {target}"
        )
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_resume_with_everything_kept_still_reports_the_whole_suite(tmp_path: Path) -> None:
    folder = project(tmp_path)
    full = cli("test", "flows/inbound.yaml", "--json", cwd=folder)
    assert full.returncode == 0
    (folder / "transcripts" / "inbound" / "student.yaml").unlink()
    for kept in (2, 3):  # some kept, then all kept
        result = cli(
            "test", "flows/inbound.yaml", "--resume", "--json", "--junit", "j.xml", cwd=folder
        )
        assert result.returncode == 0, result.stderr
        assert f"resumed: kept {kept} finished transcript(s)" in result.stderr
        report = json.loads(result.stdout)
        assert sorted(c["persona"] for c in report["conversations"]) == [
            "buyer",
            "small-company",
            "student",
        ]
        assert sum(c["resumed"] for c in report["conversations"]) == kept
        suite = ET.parse(folder / "j.xml").getroot().find("testsuite")
        assert suite is not None and suite.get("tests") == "3"

        def same(data: dict) -> dict:  # type: ignore[type-arg]
            for c in data["conversations"]:
                c.pop("resumed"), c.pop("seconds")
            return data

        assert same(report) == same(json.loads(full.stdout)), "rebuilt == run afresh"


def test_out_defaults_to_the_flows_project_folder(tmp_path: Path) -> None:
    folder = project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = cli("test", str(folder / "flows" / "inbound.yaml"), cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (folder / "transcripts" / "inbound" / "buyer.yaml").is_file()
    assert list(elsewhere.iterdir()) == []


def test_ctrl_c_while_reporting_says_how_to_resume(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    import convodesk.sim.report as report
    from convodesk.cli.app import app

    folder = project(tmp_path)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "build_report", interrupted)
    flow = str(folder / "flows" / "inbound.yaml")
    for shipped in (True, False):  # stored before the run (`new` ships them), or written by it
        if not shipped:
            shutil.rmtree(folder / "transcripts")
        result = CliRunner().invoke(app, ["test", flow])
        assert result.exit_code == 130
        assert "interrupted; 3 of 3 transcripts are saved" in result.stderr
        assert "run again with --resume" in result.stderr and result.stdout == ""
        assert len(list((folder / "transcripts" / "inbound").glob("*.yaml"))) == 3


def test_simulate_and_test_offer_the_llm_flags() -> None:
    for command in ("test", "simulate"):
        out = cli(command, "--help").stdout
        for flag in (
            "--model",
            "--judge-model",
            "--understanding",
            "--concurrency",
            "--cache-dir",
            "--replay",
            "--no-cache",
            "--api-base",
        ):
            assert flag in out, (command, flag)
