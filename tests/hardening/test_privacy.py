"""Private data: redacted transcripts and reports hold no contact data while the live handoff
payload keeps it; `convodesk forget` removes every stored conversation of one person (transcripts
and pytest snapshots, redacted or not) and says so when something may still hold the address."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from convodesk.cli.app import app
from convodesk.sim.persona import load_persona
from convodesk.sim.redact import Redactor, email_fingerprint, personal_values
from convodesk.sim.report import build_report
from convodesk.sim.runner import run_suite_sync
from convodesk.sim.transcripts import atomic_write, dump_transcript, to_transcript
from convodesk.testing import converse, dump_snapshot

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


# (what the buyer typed, what must be gone, what must stay): contact data and introduced names
MASKED = [
    ("I am Bob Smith and we use Excel", ["Bob", "Smith"], ["we use Excel"]),
    ("my name is bob smith, I run operations", ["bob", "smith"], ["I run operations"]),
    ("Hi, this is Bob from Acme Industrial", ["Bob"], ["from Acme Industrial"]),
    ("I'm Anna van der Berg, head of IT", ["Anna", "Berg"], ["head of IT"]),
    ("Name: José García, Acme", ["José", "García"], ["Acme"]),
    ("you can call me Priya", ["Priya"], ["you can call me"]),
    ("Hi, I'm Jennifer Martinez.", ["Jennifer", "Martinez"], ["Hi, I'm"]),
    (
        "see https://www.linkedin.com/in/bob-smith-12345678/ for my background",
        ["linkedin.com", "bob-smith", "12345678"],
        ["[linkedin] for my background"],
    ),
    ("my profile: linkedin.com/in/bobsmith.", ["bobsmith"], ["my profile: [linkedin]."]),
    ("skype: bob.smith42", ["bob.smith42"], ["skype: [skype]"]),
    ("my Skype ID is bob_smith", ["bob_smith"], ["my Skype ID is [skype]"]),
    ("skype me at bob.smith or email", ["bob.smith"], ["skype me at [skype] or email"]),
    ("Skype: live:.cid.1a2b3c4d", ["1a2b3c4d"], ["Skype: [skype]"]),
    ("my mobile is +1 312 555 0199", ["312"], ["my mobile is [phone]"]),
    ("call me on 0612345678 after lunch", ["0612345678"], ["[phone] after lunch"]),
    ("office (312) 555-0199", ["555"], ["office [phone]"]),
    ("order 12345678, call +1 312 555 0199", ["312"], ["order 12345678, call [phone]"]),
    ("budget 1 200 000 EUR; my number is 030 1234567", ["1234567"], ["budget 1 200 000 EUR"]),
]
# typed by buyers, personal to nobody: left exactly as they are
KEPT = [
    "budget 1 200 000 EUR",
    "our budget is around 1 200 000",
    "€1 200 000 a year",
    "EUR 1 200 000 for the first year",
    "order 12345678",
    "order #12345678 was late",
    "invoice no. 12345678",
    "we have 1200 employees",
    "I'm the CTO at Acme",
    "I'm Interested in SSO",
    "I am looking for a tool",
    "This is Acme Industrial, a manufacturer",
    "It's Monday at the latest",
    "call me Monday",
    "we use Skype for calls",
    "my skype is broken",
    "skype me at lunchtime",
    "linkedin.com/company/acme-industrial",
    "I found you on LinkedIn",
]


@pytest.mark.parametrize(("text", "gone", "kept"), MASKED, ids=[m[0][:32] for m in MASKED])
def test_contact_data_and_introduced_names_are_masked(
    text: str, gone: list[str], kept: list[str]
) -> None:
    masked = Redactor(FLOW).buyer(text)
    assert not [g for g in gone if g in masked], masked
    assert all(k in masked for k in kept), masked
    note("redaction_checks")


@pytest.mark.parametrize("text", KEPT)
def test_amounts_references_roles_and_products_are_not_masked(text: str) -> None:
    assert Redactor(FLOW).buyer(text) == text
    note("redaction_checks")


def test_an_introduced_name_is_masked_wherever_it_comes_back() -> None:
    said = ["Hi, this is Sam Rivera from Acme Industrial.", "my name is will, by the way"]
    mask = Redactor(FLOW, personal_values(FLOW, {}, {"name": "Jo Park"}), said)
    assert mask.text("Thanks Sam, and Rivera's colleague Will?") == (
        "Thanks [redacted], and [redacted]'s colleague [redacted]?"
    )
    assert mask.text("Samsung and Riverside will do") == "Samsung and Riverside will do"
    assert mask.text("PARK and jo park") == "[redacted] and [redacted]"  # profile: any case


def test_only_buyer_lines_introduce_names_so_the_bot_keeps_its_own() -> None:
    bot = "Hi, I'm Ava, Relay's AI assistant. This chat is recorded."
    mask = Redactor(FLOW, said=["Hi, I'm Sam Rivera."])  # learns from the buyer's lines
    assert mask.text(bot) == bot  # a bot line is never read for an introduction
    assert mask.buyer("I'm Ava too, funny") == "I'm [redacted] too, funny"  # a buyer named Ava
    assert mask.text("Thanks, Sam Rivera.") == "Thanks, [redacted]."  # learnt from the buyer
    flow, persona = phone_buyer()
    data = yaml.safe_load(
        dump_transcript(to_transcript(run_suite_sync(flow, [persona]).conversations[0]))
    )
    first, opening = data["conversation"][0]["bot"], data["conversation"][1]["buyer"]
    assert first.startswith("Hi, I'm Ava, Relay's AI assistant."), first
    assert opening.startswith("Hi, I'm [redacted], my mobile is [phone]."), opening
    note("redaction_checks")


def test_a_redacted_transcript_masks_what_the_buyer_typed_about_themselves() -> None:
    flow, persona = phone_buyer()
    persona = persona.model_copy(
        update={
            "behavior": persona.behavior.model_copy(
                update={
                    "opening": (
                        "Hi, this is Sam Rivera from Acme Industrial, skype: sam.rivera_77, "
                        "linkedin.com/in/sam-rivera-4411. Sam here again: our budget is "
                        "1 200 000 EUR and order 12345678 is stuck in spreadsheets."
                    )
                }
            )
        }
    )
    text = dump_transcript(to_transcript(run_suite_sync(flow, [persona]).conversations[0]))
    for secret in ("Sam", "Rivera", "sam.rivera_77", "sam-rivera-4411", "jennifer@"):
        assert secret not in text, secret
    assert "1 200 000 EUR" in text and "order 12345678" in text and "Acme Industrial" in text
    note("redaction_checks")


def test_cli_redact_flag_on_test_and_simulate(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "t"
    result = runner.invoke(
        app, ["test", str(FLOW_PATH), "-p", str(PERSONAS), "-o", str(out), "--redact", "--json"]
    )
    assert result.exit_code in (0, 1), result.output  # a failed check still stores transcripts
    stored = "".join(p.read_text() for p in out.rglob("*.yaml"))
    assert "@" not in stored.replace("support@relay.example", "")
    shown = runner.invoke(
        app, ["simulate", str(FLOW_PATH), str(PERSONAS / "enterprise_buyer.yaml"), "--redact"]
    )
    assert "jennifer@" not in shown.output and "[email]" in shown.output


JENNIFER = "jennifer@acme-industrial.com"


def store_suite(out: Path, *extra: str) -> None:
    args = ["test", str(FLOW_PATH), "-p", str(PERSONAS), "-o", str(out), *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output  # a failed check still stores transcripts
    assert list(out.rglob("*.yaml"))


def forget(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["forget", *args])
    return result.exit_code, result.stdout, result.stderr


def test_forget_removes_every_transcript_of_one_person(tmp_path: Path) -> None:
    plain, redacted = tmp_path / "plain", tmp_path / "redacted"
    store_suite(plain, "-k", "2")
    store_suite(redacted, "-k", "2", "--redact")
    total = len(list(tmp_path.rglob("*.yaml")))
    code, out, err = forget(
        "--email", "JENNIFER@acme-industrial.com", "-t", str(tmp_path), "--json"
    )
    assert code == 0, out + err
    report = json.loads(out)
    removed = {(Path(r["path"]).parent.parent.name, r["matched_by"]) for r in report["removed"]}
    assert removed == {("plain", "address"), ("redacted", "fingerprint")}
    assert len(report["removed"]) == 4 and report["scanned"] == total
    assert report["kept"] == [] and report["complete"] is True
    left = "".join(p.read_text() for p in tmp_path.rglob("*.yaml")).lower()
    assert "jennifer" not in left and email_fingerprint(JENNIFER) not in left
    assert len(list(tmp_path.rglob("*.yaml"))) == total - 4
    code, out, _ = forget("--email", JENNIFER, "-t", str(tmp_path))
    assert code == 0 and "0 transcript(s) removed" in out
    note("erasures_checked")


def test_forget_matches_whole_addresses_only(tmp_path: Path) -> None:
    store_suite(tmp_path)
    code, out, _ = forget("--email", "ennifer@acme-industrial.com", "-t", str(tmp_path))
    assert code == 0 and "0 transcript(s) removed" in out
    code, _, err = forget("--email", "not-an-address", "-t", str(tmp_path))
    assert code == 2 and "--email takes one email address" in err
    assert forget("--email", JENNIFER, "-t", str(tmp_path / "none"))[0] == 2


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """transcripts/ and the pytest snapshots of the same conversations under tests/."""
    store_suite(tmp_path / "transcripts")
    buyer = converse(FLOW_PATH, PERSONAS / "enterprise_buyer.yaml")
    student = converse(FLOW_PATH, PERSONAS / "student.yaml")
    snaps = tmp_path / "tests" / "__snapshots__" / "test_personas"
    atomic_write(snaps / "test_persona[enterprise-buyer].yaml", dump_snapshot(buyer.snapshot))
    atomic_write(snaps / "test_persona[student].yaml", dump_snapshot(student.snapshot))
    deep = tmp_path / "tests" / "flows" / "__snapshots__" / "test_hand"
    atomic_write(deep / "test_buyer.yaml", dump_snapshot(buyer.snapshot))
    return tmp_path


def test_forget_searches_the_projects_pytest_snapshots_too(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)  # the defaults: ./transcripts and ./tests/**/__snapshots__
    code, out, err = forget("--email", JENNIFER, "--json")
    assert code == 0, out + err
    report = json.loads(out)
    assert report["searched"] == [
        "transcripts",
        str(Path("tests/__snapshots__")),
        str(Path("tests/flows/__snapshots__")),
    ]
    assert sorted(Path(r["path"]).name for r in report["removed"]) == [
        "enterprise-buyer.yaml",
        "test_buyer.yaml",
        "test_persona[enterprise-buyer].yaml",
    ]
    everything = "".join(p.read_text() for p in project.rglob("*.yaml"))
    assert JENNIFER not in everything
    assert (project / "tests/__snapshots__/test_personas/test_persona[student].yaml").is_file()
    note("erasures_checked")


def test_forget_searches_extra_snapshot_folders(project: Path, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path_factory.mktemp("elsewhere") / "__snapshots__"
    buyer = project / "tests/__snapshots__/test_personas/test_persona[enterprise-buyer].yaml"
    atomic_write(extra / "copy.yaml", buyer.read_text())
    code, out, err = forget(
        "--email", JENNIFER, "-t", str(project / "transcripts"), "--snapshots", str(extra)
    )
    assert code == 0, out + err
    assert f"removed {extra / 'copy.yaml'} (enterprise-buyer, matched by address)" in out
    assert f"removed {buyer} (enterprise-buyer, matched by address)" in out
    assert not (extra / "copy.yaml").exists()
    assert forget("--email", JENNIFER, "--snapshots", str(extra / "none"))[0] == 2


def test_forget_exits_1_naming_files_that_may_still_hold_the_address(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snaps = project / "tests" / "__snapshots__"
    amber = snaps / "test_reports.ambr"  # syrupy's default format: many snapshots in one file
    amber.write_text(f"# name: test_report\n  'email': '{JENNIFER}',\n")
    broken = project / "transcripts" / "saas_inbound" / "broken.yaml"
    broken.write_text(f"persona: [broken\nemail: {JENNIFER}\n")
    harmless = project / "transcripts" / "saas_inbound" / "harmless.yaml"
    harmless.write_text("persona: [broken and nobody's address\n")
    leftover = project / "transcripts" / "saas_inbound" / ".student.yaml.1a2b.tmp"
    leftover.write_text(f"slots: {{email: {JENNIFER}}}\n")  # an interrupted write's temp file
    locked = project / "transcripts" / "saas_inbound" / "locked.yaml"
    locked.write_text("persona: locked\n")
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.yaml":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.chdir(project)
    code, out, err = forget("--email", JENNIFER)
    assert code == 1
    assert not leftover.exists() and harmless.exists()
    assert f"removed {Path('transcripts/saas_inbound/enterprise-buyer.yaml')}" in out
    lines = err.strip().splitlines()
    assert lines == [
        f"{Path('transcripts/saas_inbound/broken.yaml')}: holds the address but is not valid "
        "YAML; not removed",
        f"{Path('transcripts/saas_inbound/locked.yaml')}: could not be read (Permission "
        "denied), so it may hold the address; not removed",
        f"{Path('tests/__snapshots__/test_reports.ambr')}: holds the address but is not one "
        "stored conversation; not removed",
        "convodesk: erasure incomplete: 3 file(s) may still hold the address (listed above); "
        "remove or edit them by hand",
    ]
    data = json.loads(forget("--email", JENNIFER, "--json")[1])
    assert data["complete"] is False and len(data["kept"]) == 3
    note("erasures_checked")
