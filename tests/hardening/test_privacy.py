"""Private data: redacted transcripts and reports hold no contact data while the live handoff
payload keeps it; `convodesk forget` removes every transcript of one person, redacted or not."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from convodesk.cli.app import app
from convodesk.sim.persona import load_persona
from convodesk.sim.redact import email_fingerprint
from convodesk.sim.report import build_report
from convodesk.sim.runner import run_suite_sync
from convodesk.sim.transcripts import dump_transcript, to_transcript

from .conftest import FLOW, FLOW_PATH, ROOT, note

PERSONAS = ROOT / "personas"
BUYER = load_persona(PERSONAS / "enterprise_buyer.yaml", FLOW)
SECRETS = ["jennifer@acme-industrial.com", "Jennifer", "Martinez", "+1 312 555 0199"]


def phone_buyer():  # type: ignore[no-untyped-def]
    """The enterprise buyer, who also leaves a phone number in the last message."""
    flow = FLOW.model_copy(update={"redact": True})
    persona = BUYER.model_copy(
        update={
            "behavior": BUYER.behavior.model_copy(
                update={
                    "opening": (
                        "Hi, I'm Jennifer Martinez, my mobile is +1 312 555 0199. We're struggling with plant "
                        "schedules in spreadsheets. I work at Acme Industrial, a manufacturer in Chicago."
                    )
                }
            )
        }
    )
    return flow, persona


def test_redacted_transcript_and_report_hide_contact_data_payload_keeps_it() -> None:
    flow, persona = phone_buyer()
    conversation = run_suite_sync(flow, [persona]).conversations[0]
    text = dump_transcript(to_transcript(conversation))
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), secret
    data = yaml.safe_load(text)
    assert data["redacted"] is True and data["slots"]["email"] == "[email]"
    assert email_fingerprint("Jennifer@ACME-industrial.com") in data["subjects"]
    assert "[phone]" in text and "[email]" in text
    report = json.dumps(build_report(run_suite_sync(flow, [persona])).model_dump(mode="json"))
    assert not any(s.lower() in report.lower() for s in SECRETS)
    payload = conversation.outcome.handoff
    assert payload.fields["email"] == "jennifer@acme-industrial.com"
    assert any("+1 312 555 0199" in line["text"] for line in payload.transcript)
    note("redaction_checks")


def test_unredacted_flow_keeps_transcripts_as_they_were() -> None:
    conversation = run_suite_sync(FLOW, [BUYER]).conversations[0]
    data = yaml.safe_load(dump_transcript(to_transcript(conversation)))
    assert "redacted" not in data and "subjects" not in data
    assert data["slots"]["email"] == "jennifer@acme-industrial.com"


def test_cli_redact_flag_on_test_and_simulate(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "t"
    result = runner.invoke(
        app, ["test", str(FLOW_PATH), "-p", str(PERSONAS), "-o", str(out), "--redact", "--json"]
    )
    assert result.exit_code == 0, result.output
    stored = "".join(p.read_text() for p in out.rglob("*.yaml"))
    assert "@" not in stored.replace("support@relay.example", "")
    shown = runner.invoke(
        app, ["simulate", str(FLOW_PATH), str(PERSONAS / "enterprise_buyer.yaml"), "--redact"]
    )
    assert shown.exit_code == 0 and "jennifer@" not in shown.output and "[email]" in shown.output


def test_forget_removes_every_transcript_of_one_person(tmp_path: Path) -> None:
    runner = CliRunner()
    plain, redacted = tmp_path / "plain", tmp_path / "redacted"
    for out, extra in ((plain, []), (redacted, ["--redact"])):
        args = ["test", str(FLOW_PATH), "-p", str(PERSONAS), "-o", str(out), "-k", "2", *extra]
        assert runner.invoke(app, args).exit_code == 0
    total = len(list(tmp_path.rglob("*.yaml")))
    result = runner.invoke(
        app, ["forget", "--email", "JENNIFER@acme-industrial.com", "-t", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    removed = {(Path(r["path"]).parent.parent.name, r["matched_by"]) for r in report["removed"]}
    assert removed == {("plain", "address"), ("redacted", "fingerprint")}
    assert len(report["removed"]) == 4 and report["scanned"] == total
    left = "".join(p.read_text() for p in tmp_path.rglob("*.yaml")).lower()
    assert "jennifer" not in left and email_fingerprint("jennifer@acme-industrial.com") not in left
    assert len(list(tmp_path.rglob("*.yaml"))) == total - 4
    again = runner.invoke(
        app, ["forget", "--email", "jennifer@acme-industrial.com", "-t", str(tmp_path)]
    )
    assert "0 transcript(s) removed" in again.output
    note("erasures_checked")


def test_forget_matches_whole_addresses_only(tmp_path: Path) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(
            app, ["test", str(FLOW_PATH), "-p", str(PERSONAS), "-o", str(tmp_path)]
        ).exit_code
        == 0
    )
    result = runner.invoke(
        app, ["forget", "--email", "ennifer@acme-industrial.com", "-t", str(tmp_path)]
    )
    assert result.exit_code == 0 and "0 transcript(s) removed" in result.output
    bad = runner.invoke(app, ["forget", "--email", "not-an-address", "-t", str(tmp_path)])
    assert bad.exit_code == 2
