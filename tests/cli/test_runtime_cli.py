"""validate, chat and graph as a user runs them: exit codes, stdout data, stderr diagnostics."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLOW = ROOT / "flows" / "saas_inbound.yaml"


def cli(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from convodesk.cli.app import main; main()", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def test_validate_example_passes_strict() -> None:
    result = cli("validate", str(FLOW), "--strict")
    assert result.returncode == 0, result.stderr
    assert "ok — saas_inbound v1" in result.stdout
    assert result.stderr == ""


def test_validate_reports_every_problem_with_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "flow: bad\nslots:\n  n: {type: integr}\nsteps:\n  - {id: a, ask: m, next: zz}\n"
    )
    result = cli("validate", str(bad))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    # one run names the schema error and the references the schema check did not hide
    assert lines == [
        f"{bad}:3:13: slots.n.type: must be one of 'text', 'integer', 'number', 'money', 'email', 'phone', 'enum', 'list', 'boolean' or 'timeline', got 'integr'",
        f"{bad}:5:18: steps[0].ask: unknown slot 'm'",
        f"{bad}:5:27: steps[0].next: unknown step 'zz'",
    ]
    assert "Traceback" not in result.stderr


def test_validate_json_and_strict_warnings(tmp_path: Path) -> None:
    warn = tmp_path / "warn.yaml"
    warn.write_text(
        "flow: w\nslots:\n  n: {type: integer}\nsteps:\n  - {id: a, ask: n}\n  - {id: e, end: true}\n"
    )
    assert cli("validate", str(warn)).returncode == 0
    strict = cli("validate", str(warn), "--strict", "--json")
    assert strict.returncode == 1
    data = json.loads(strict.stdout)
    assert data[0]["ok"] is True and any(p["severity"] == "warning" for p in data[0]["problems"])


def test_validate_strict_prints_a_failure_summary_not_ok(tmp_path: Path) -> None:
    warn = tmp_path / "warn.yaml"
    warn.write_text(
        "flow: w\nslots:\n  n: {type: integer}\nsteps:\n  - {id: a, ask: n}\n  - {id: e, end: true}\n"
    )
    relaxed = cli("validate", str(warn))
    assert relaxed.returncode == 0 and f"{warn}: ok — w v1: 2 steps, 1 question," in relaxed.stdout
    strict = cli("validate", str(warn), "--strict")
    assert strict.returncode == 1
    warnings = strict.stderr.count(": warning: ")
    assert warnings >= 2
    assert strict.stdout == (
        f"{warn}: failed — {warnings} warnings (--strict treats warnings as failures)\n"
    )


def test_conditional_handoff_passes_strict_validation(tmp_path: Path) -> None:
    flow = tmp_path / "handoff.yaml"
    text = FLOW.read_text().replace(
        "  - id: done\n",
        '  - {id: big_deal, handoff: enterprise_sales, when: "company_size >= 5000"}\n  - id: done\n',
    )
    flow.write_text(text)
    result = cli("validate", str(flow), "--strict")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    graph = cli("graph", str(flow))
    assert '    s_contact -.->|"skip big_deal"| s_done\n' in graph.stdout


def test_validate_missing_file_and_bad_flag(tmp_path: Path) -> None:
    result = cli("validate", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and "nope.yaml:1:1: file not found" in result.stderr
    assert cli("validate", str(FLOW), "--bogus").returncode == 2
    assert cli().returncode in (0, 2)


def test_graph_prints_mermaid() -> None:
    result = cli("graph", str(FLOW))
    assert result.returncode == 0
    assert result.stdout.startswith("%% saas_inbound v1\nflowchart TD\n")
    assert "s_qualify" in result.stdout and "-->" in result.stdout
    assert '    s_timeline -.->|"skip budget"| s_committee\n' in result.stdout


def test_scripted_chat_reaches_a_route_with_the_given_slots() -> None:
    script = "\n".join(
        [
            "Our ops team runs on spreadsheets and we are struggling with missed shipments",
            "Excel and email",
            "about 450 people",
            "Do you support SSO?",
            "this quarter",
            "around $60k a year",
            "me, our CFO and the IT lead",
            "jen@acme-mfg.com",
        ]
    )
    result = cli(
        "chat",
        str(FLOW),
        "--json",
        "--date",
        "2026-01-15",
        "-c",
        "page=/pricing",
        stdin=script + "\n",
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    slots = outcome["handoff"]["slots"]
    assert slots["company_size"] == 450
    assert slots["timeline"] == "this_quarter"
    assert slots["budget"] == 60000
    assert slots["email"] == "jen@acme-mfg.com"
    assert [s.lower() for s in slots["committee"]] == ["me", "cfo", "it lead"]
    assert outcome["route"] in ("warm", "lukewarm")
    assert outcome["handoff"]["source"] == {"page": "/pricing"}
    assert "single sign-on" in result.stderr


def test_chat_bad_context_flag() -> None:
    result = cli("chat", str(FLOW), "-c", "novalue", stdin="")
    assert result.returncode == 2 and "key=value" in result.stderr
