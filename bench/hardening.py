"""Hardening figures for the README, measured by running the hardening tests once.

    PYTHONPATH=src python bench/hardening.py

Every number comes from the tests as they run (tests/hardening/conftest.py counts them);
time per turn is measured there and only reported, never asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "figures.json"
        env = {**os.environ, "CONVODESK_FIGURES": str(target), "PYTHONPATH": str(ROOT / "src")}
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/hardening"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
        if run.returncode != 0 or not target.exists():
            print(run.stdout[-3000:], run.stderr[-2000:], sep="\n")
            return 1
        figures = json.loads(target.read_text())
    c, m = figures["counts"], figures["maxima"]
    print(f"hardening tests: {summary}")
    print(f"fuzzed buyer messages (hypothesis): {c.get('fuzz_inputs', 0)}")
    print(
        f"turns sent under fuzzing: {c.get('fuzz_turns', 0)} "
        f"(one session of {c.get('long_session_turns', 0)} turns)"
    )
    print(
        f"messages of 100,000 characters: {c.get('long_messages', 0)} "
        f"({c.get('long_message_chars', 0):,} characters, each cut to the flow's limit)"
    )
    print(f"slowest single turn: {m.get('max_turn_seconds', 0) * 1000:.1f} ms")
    print(
        f"injection prompts replayed against the whole persona suite: "
        f"{c.get('injection_prompts_run', 0)}"
    )
    print(
        f"hostile buyer messages sent: {c.get('hostile_messages', 0)}; "
        f"adversarial personas: {c.get('hostile_personas', 0)}"
    )
    print(f"support requests never routed to sales: {c.get('support_requests_run', 0)}")
    print(f"broken persona files refused with file:line:col: {c.get('broken_files', 0)}")
    print(
        f"faults survived (SIGINT, SIGTERM, full disk, failed write, unwritable folder): "
        f"{c.get('faults_survived', 0)}"
    )
    print(
        f"transcripts parsed back whole after interruption and resume: "
        f"{c.get('transcripts_checked_after_faults', 0)}; lost: 0"
    )
    print(
        f"redaction and erasure checks: "
        f"{c.get('redaction_checks', 0) + c.get('erasures_checked', 0)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
