"""Hardening figures for the README, measured by running the hardening tests once.

    PYTHONPATH=src python bench/hardening.py

Every number comes from that one run: the counts the tests record as they go
(tests/hardening/conftest.py writes them out) and the outcome of every test case (JUnit XML),
which is how the broken-file corpora are counted, tests/test_broken_files.py included. Time
per turn is measured there and only reported, never asserted. When a test fails the figures
are still printed, the failures listed, and the exit code is 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ["tests/hardening", "tests/test_broken_files.py"]

# corpus -> (module, the parametrised test refusing one corpus file, the generated huge file)
CORPORA = {
    "flows": (
        "tests.test_broken_files",
        "test_broken_flow_exit_2_with_position",
        "test_huge_flow_is_refused_quickly",
        "tests/data/broken",
    ),
    "personas": (
        "tests.hardening.test_broken_personas",
        "test_simulate_refuses_with_position",
        "test_huge_persona_is_refused",
        "tests/data/broken_personas",
    ),
}


Outcomes = dict[tuple[str, str], str]


def outcomes(junit: Path) -> Outcomes:
    """(module, test name with its parameters) -> passed, failed, error or skipped."""
    out: Outcomes = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        out[(case.get("classname", ""), case.get("name", ""))] = (
            {"failure": "failed"}.get(kinds[0], kinds[0]) if kinds else "passed"
        )
    return out


def refused(results: Outcomes, corpus: str) -> tuple[int, int, int]:
    """(files refused as they should be, files tried, of which generated)."""
    module, each, huge, _ = CORPORA[corpus]
    cases = [
        outcome
        for (klass, name), outcome in results.items()
        if klass == module and (name.startswith(f"{each}[") or name == huge)
    ]
    generated = sum(1 for (klass, name) in results if klass == module and name == huge)
    return cases.count("passed"), len(cases), generated


def run() -> tuple[subprocess.CompletedProcess[str], dict[str, dict[str, float]], Outcomes]:
    with tempfile.TemporaryDirectory() as tmp:
        figures_file, junit = Path(tmp) / "figures.json", Path(tmp) / "junit.xml"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
            "CONVODESK_FIGURES": str(figures_file),
            "PYTHONPATH": str(ROOT / "src"),
        }
        args = ["-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *TESTS]
        done = subprocess.run(
            [sys.executable, "-m", "pytest", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        figures = json.loads(figures_file.read_text()) if figures_file.exists() else {}
        results = outcomes(junit) if junit.exists() else {}
    return done, figures, results


def lost_line(c: Counter[str]) -> str:
    expected = c.get("transcripts_expected_after_faults")
    intact = c.get("transcripts_checked_after_faults", 0)
    if expected is None:
        return f"{intact}; lost: not counted (the fault tests record no expected total)"
    return f"{intact} of {expected}; lost: {expected - intact}"


def main() -> int:
    done, figures, results = run()
    lines = done.stdout.strip().splitlines()
    if not figures or not results:
        print(done.stdout[-3000:], done.stderr[-2000:], sep="\n")
        return 1
    c: Counter[str] = Counter(figures["counts"])
    m = figures["maxima"]
    print(f"hardening and broken-file tests: {lines[-1] if lines else '(no summary)'}")
    print(f"fuzzed buyer messages (hypothesis): {c['fuzz_inputs']}")
    print(
        f"turns sent under fuzzing: {c['fuzz_turns']} (one session of {c['long_session_turns']} turns)"
    )
    print(
        f"messages of 100,000 characters: {c['long_messages']} "
        f"({c['long_message_chars']:,} characters, each cut to the flow's limit)"
    )
    print(f"slowest single turn: {m.get('max_turn_seconds', 0) * 1000:.1f} ms")
    print(
        f"injection prompts replayed against the whole persona suite: {c['injection_prompts_run']}"
    )
    print(
        f"hostile buyer messages sent: {c['hostile_messages']}; "
        f"adversarial personas: {c['hostile_personas']}"
    )
    print(f"support requests never routed to sales: {c['support_requests_run']}")
    for corpus in CORPORA:
        ok, tried, generated = refused(results, corpus)
        folder = CORPORA[corpus][3]
        print(
            f"broken {corpus} refused with file:line:col and no traceback: {ok} of {tried} "
            f"({tried - generated} in {folder}/, {generated} generated huge file)"
        )
    print(
        f"faults survived (SIGINT, SIGTERM, full disk, failed write, unwritable folder): "
        f"{c['faults_survived']}"
    )
    print(f"transcripts parsed back whole after interruption and resume: {lost_line(c)}")
    print(f"redaction and erasure checks: {c['redaction_checks'] + c['erasures_checked']}")
    failed = sorted(f"{k}::{n}" for (k, n), o in results.items() if o in ("failed", "error"))
    for name in failed:
        print(f"FAILED {name}")
    return 1 if done.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
