"""Faults: an interrupted suite keeps every finished transcript whole and `--resume` finishes
it; a write that fails leaves no partial file; an unwritable folder is one clear line."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from convodesk.cli.app import app
from convodesk.sim.transcripts import atomic_write, read_transcript

from .conftest import FLOW_PATH, ROOT, note

PERSONAS = ROOT / "personas"
RUNS = 10
TOTAL = len(list(PERSONAS.glob("*.yaml"))) * RUNS


def suite(out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from convodesk.cli.app import main; main()",
        "test",
        str(FLOW_PATH),
        "--personas",
        str(PERSONAS),
        "--out",
        str(out),
        "--runs",
        str(RUNS),
        "-j",
        "1",
        *extra,
    ]


def env() -> dict[str, str]:
    return {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}


def files(out: Path) -> list[Path]:
    return sorted((out / "saas_inbound").glob("*.yaml")) if (out / "saas_inbound").is_dir() else []


def interrupt(out: Path, sig: signal.Signals) -> subprocess.CompletedProcess[str]:
    """Start a suite, wait until some transcripts are written, then send `sig`."""
    proc = subprocess.Popen(
        suite(out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(), cwd=ROOT
    )
    deadline = time.monotonic() + 60
    while len(files(out)) < 10 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def assert_intact(out: Path) -> list[Path]:
    found = files(out)
    for path in found:
        transcript = read_transcript(path)  # raises on a half-written file
        assert transcript.conversation and transcript.route
    leftovers = [p for p in (out / "saas_inbound").iterdir() if p.suffix == ".tmp"]
    assert leftovers == []
    return found


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_suite_keeps_finished_work_and_resume_completes_it(
    tmp_path: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "transcripts"
    stopped = interrupt(out, sig)
    assert stopped.returncode == 130, stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert "run again with --resume" in stopped.stderr
    before = {p: p.read_bytes() for p in assert_intact(out)}
    assert 10 <= len(before) < TOTAL, "the signal must land mid-run"

    resumed = subprocess.run(suite(out, "--resume"), capture_output=True, text=True, env=env())
    assert resumed.returncode == 0, resumed.stderr
    assert f"resumed: kept {len(before)} finished transcript(s)" in resumed.stderr
    after = assert_intact(out)
    note("transcripts_expected_after_faults", TOTAL)  # counted before the asserts: a loss shows
    note("transcripts_checked_after_faults", len(after))
    assert len(after) == TOTAL
    assert all(path.read_bytes() == data for path, data in before.items())
    note("faults_survived")
    if sig is signal.SIGTERM:  # resumed == never interrupted, byte for byte
        clean = tmp_path / "clean"
        subprocess.run(suite(clean), capture_output=True, text=True, env=env(), check=True)
        assert {p.name: p.read_bytes() for p in files(clean)} == {
            p.name: p.read_bytes() for p in after
        }


def test_resume_reruns_transcripts_of_another_flow_version(tmp_path: Path) -> None:
    out = tmp_path / "t"
    runner = CliRunner()
    args = ["test", str(FLOW_PATH), "--personas", str(PERSONAS), "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    stale = out / "saas_inbound" / "student.yaml"
    stale.write_text(stale.read_text().replace("hash: ", "hash: 0000", 1))
    result = runner.invoke(app, [*args, "--resume"])
    assert result.exit_code == 0, result.output
    assert f"kept {len(files(out)) - 1} finished" in result.output


def test_a_failing_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    target = tmp_path / "flow" / "buyer.yaml"
    with pytest.raises(OSError):
        atomic_write(target, "conversation: []\n" * 1000)
    assert list(target.parent.iterdir()) == []
    note("faults_survived")


def test_full_disk_is_one_line_naming_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    out = tmp_path / "transcripts"
    result = CliRunner().invoke(
        app, ["test", str(FLOW_PATH), "--personas", str(PERSONAS), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert lines == [f"convodesk: cannot write transcripts to {out}: No space left on device"]
    assert [p for p in out.rglob("*") if p.is_file()] == []
    note("faults_survived")


def unwritable(tmp_path: Path) -> Path:
    """A folder nobody can write to. Root ignores permissions, so there it sits under a file."""
    if os.geteuid() == 0:
        blocker = tmp_path / "blocker"
        blocker.write_text("a file, not a folder")
        return blocker / "transcripts"
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o500)
    return folder / "transcripts"


def test_unwritable_folder_is_one_line_and_nothing_runs(tmp_path: Path) -> None:
    out = unwritable(tmp_path)
    result = subprocess.run(
        [*suite(out)[:-4]], capture_output=True, text=True, env=env(), timeout=60
    )
    assert result.returncode == 2
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if str(out) in line
    ]
    assert len(result.stderr.strip().splitlines()) == 1
    note("faults_survived")


async def test_kept_transcripts_are_rebuilt_for_the_report(tmp_path: Path) -> None:
    """A resumed suite's kept conversations come back from their files: replayed exactly on the
    rule path, or (a redacted file, whose masked messages replay differently) with the stored
    outcome and slots."""
    from convodesk.runtime.loader import load_flow_file
    from convodesk.sim.persona import load_personas
    from convodesk.sim.resume import rebuild
    from convodesk.sim.runner import run_suite, sim_engine
    from convodesk.sim.transcripts import to_transcript, write_transcript

    flow = load_flow_file(FLOW_PATH).flow
    assert flow is not None
    cast = load_personas(PERSONAS, flow)
    kinds = set()
    for redact in (False, True):
        shown = flow.model_copy(update={"redact": redact})
        for c in (await run_suite(shown, cast)).conversations:
            path = write_transcript(c, tmp_path / str(redact))
            back = await rebuild(read_transcript(path), c.persona, sim_engine(shown))
            kinds.add((redact, back.rebuilt))
            assert back.rebuilt == "exact" or redact, c.persona.persona
            assert (back.status, back.outcome.route, back.turns) == (
                c.status,
                c.outcome.route,
                c.turns,
            )
            assert back.checks == c.checks and back.left == c.left
            stored = to_transcript(c)
            if back.rebuilt == "exact":
                assert to_transcript(back) == stored
            else:
                assert back.state.values() == stored.slots
                assert back.outcome.scores.model_dump() == stored.scores
    assert kinds == {(False, "exact"), (True, "exact"), (True, "stored")}
