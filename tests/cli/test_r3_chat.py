"""`convodesk chat` shows slots and scores after every turn, and never echoes a line twice."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOW = ROOT / "flows" / "saas_inbound.yaml"
CLI = "from convodesk.cli.app import main; main()"
LINES = ["We keep missing shipments because of spreadsheets", "Excel", "about 450 people"]


def piped(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CLI, "chat", str(FLOW), "--date", "2026-01-15", *args],
        input="\n".join(LINES) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_piped_chat_shows_the_status_after_every_turn_on_stderr() -> None:
    result = piped()
    assert result.returncode == 0, result.stderr
    statuses = [line for line in result.stderr.splitlines() if line.startswith("  [slots]")]
    assert len(statuses) == len(LINES) + 1  # the opening, then each buyer message
    assert "[slots]" not in result.stdout  # stdout is the conversation, a pipe's data
    assert "company_size=450" in statuses[-1]
    assert "company_size" not in statuses[0]
    for line in LINES:
        assert result.stdout.count(f"you: {line}\n") == 1


def test_piped_chat_with_json_keeps_stdout_pure_json() -> None:
    result = piped("--json")
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["ended_by"] == "abandoned"
    assert result.stderr.count("  [scores]") == len(LINES) + 1
    for line in LINES:
        assert result.stderr.count(f"you: {line}\n") == 1


def test_quiet_chat_shows_no_status() -> None:
    result = piped("-q")
    assert result.returncode == 0, result.stderr
    assert "[slots]" not in result.stdout + result.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_typed_lines_at_a_terminal_are_not_echoed_again_with_json() -> None:
    """The terminal echoes what a person types; the program must not print it a second time."""
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "chat", str(FLOW), "--json", "--date", "2026-01-15"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    os.close(follower)
    try:
        for line in LINES:
            os.write(leader, line.encode() + b"\n")
        os.write(leader, b"\x04")  # end of input, as ctrl-d at the start of a line
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    os.read(leader, 4096)  # the terminal's own echo: drained, not checked
                except OSError:
                    break
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()
    stderr = err.decode()
    outcome = json.loads(out)
    assert [t["text"] for t in outcome["handoff"]["transcript"] if t["role"] == "buyer"] == LINES
    assert "you: " not in stderr  # only the terminal showed what was typed, once
    assert stderr.count("you> ") == len(LINES) + 1
    assert stderr.count("  [slots]") == len(LINES) + 1
