"""`convodesk test --snapshot / --update` as CI runs it: exit 0 clean, 1 drift, 2 bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from convodesk.sim.transcripts import Transcript
from convodesk.testing import from_transcript

from .conftest import Cli, edit

FLOW = "flows/saas_inbound.yaml"
STORED = Path("transcripts") / "saas_inbound"
WORDING = (
    "Roughly how many people work at {company|your company}?",
    "How many employees does {company|your company} have?",
)


def snapshot_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / STORED).iterdir())}


def test_unchanged_flow_is_clean_three_times_and_writes_nothing(example: Path, cli: Cli) -> None:
    before = snapshot_of(example)
    for _ in range(3):
        result = cli("test", FLOW, "--snapshot", cwd=example)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "diverges" not in result.stdout and "drifted" not in result.stderr
    assert snapshot_of(example) == before


def test_changed_wording_is_drift_naming_persona_and_turn(example: Path, cli: Cli) -> None:
    edit(example / FLOW, *WORDING)
    before = snapshot_of(example)
    result = cli("test", FLOW, "--snapshot", cwd=example)
    assert result.returncode == 1
    # the checks pass; only the snapshot drifted, and the verdict line says so
    assert re.search(r"\b(\d+) of \1 passed · \d+ stored transcript\(s\) drifted", result.stdout)
    assert (
        "enterprise-buyer: the conversation first diverges at turn 2 "
        "[transcripts/saas_inbound/enterprise-buyer.yaml]" in result.stdout
    )
    assert "+ turn 2 bot: How many employees does Acme Industrial have?" in result.stdout
    assert "drifted; accept with --update" in result.stderr
    assert snapshot_of(example) == before  # --snapshot never writes


def test_update_then_rerun_is_clean(example: Path, cli: Cli) -> None:
    before = snapshot_of(example)
    edit(example / FLOW, *WORDING)
    result = cli("test", FLOW, "--update", cwd=example)
    assert result.returncode == 0, result.stderr
    after = snapshot_of(example)
    rewritten = [name for name, data in before.items() if after[name] != data]
    drifted = [name for name in rewritten if _view(before[name]) != _view(after[name])]
    assert drifted and len(drifted) < len(rewritten)  # the new hash is in every file
    assert f"stored transcripts: updated {len(drifted)} (drifted)" in result.stderr
    assert f"of {len(rewritten) - len(drifted)} (same conversation and outcome)" in result.stderr
    assert "How many employees" in (example / STORED / "enterprise-buyer.yaml").read_text()
    again = cli("test", FLOW, "--snapshot", cwd=example)
    assert again.returncode == 0, again.stdout
    assert "transcripts up to date" in cli("test", FLOW, "-u", cwd=example).stderr


def _view(data: bytes) -> object:
    """What drift is judged on: the snapshot view of a stored transcript."""
    return from_transcript(Transcript.model_validate(yaml.safe_load(data)))


def test_update_counts_hash_only_rewrites_and_deletions_apart(tmp_path: Path, cli: Cli) -> None:
    folder = tmp_path / "proj"
    assert cli("new", str(folder), cwd=tmp_path).returncode == 0
    flow = folder / "flows" / "inbound.yaml"
    # an answer no starter persona asks for: the flow's hash moves, its conversations do not
    edit(flow, "Plans start at $20 per user", "Plans start at $25 per user")
    stored = folder / "transcripts" / "inbound"
    before = {p.name: p.read_bytes() for p in stored.iterdir()}
    (folder / "personas" / "student.yaml").unlink()
    assert cli("test", "flows/inbound.yaml", "--snapshot", cwd=folder).returncode == 1  # orphan
    result = cli("test", "flows/inbound.yaml", "--update", "--json", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "stored transcripts: refreshed the flow hash of 2 (same conversation and outcome), "
        "deleted 1 (persona removed)"
    )
    data = json.loads(result.stdout)["snapshot"]
    assert data["updated"] == [] and data["drift"][0]["status"] == "orphan"
    assert sorted(Path(p).name for p in data["refreshed"]) == ["buyer.yaml", "small-company.yaml"]
    assert [Path(p).name for p in data["deleted"]] == ["student.yaml"]
    after = {p.name: p.read_bytes() for p in stored.iterdir()}
    assert sorted(after) == ["buyer.yaml", "small-company.yaml"]
    for name, text in after.items():  # the provenance names the edited flow now
        assert text != before[name] and _view(text) == _view(before[name])
    again = cli("test", "flows/inbound.yaml", "--update", cwd=folder)
    assert again.stderr.strip().splitlines()[-1] == "transcripts up to date"


def test_changed_threshold_shows_the_outcome_and_json_has_it(example: Path, cli: Cli) -> None:
    edit(
        example / FLOW,
        "fit >= 60 and intent >= 60 and capacity >= 40",
        "fit >= 60 and intent >= 60 and capacity >= 90",
    )
    result = cli("test", FLOW, "--snapshot", cwd=example)
    assert result.returncode == 1
    assert "    - route: warm\n    + route: lukewarm" in result.stdout
    data = json.loads(cli("test", FLOW, "--snapshot", "--json", cwd=example).stdout)
    (drift,) = data["snapshot"]["drift"]
    assert drift["persona"] == "corrects-fact" and drift["status"] == "changed"
    assert {"field": "route", "stored": "warm", "fresh": "lukewarm"} in drift["outcome"]


def test_plain_test_keeps_stored_transcripts_and_says_so(example: Path, cli: Cli) -> None:
    edit(example / FLOW, *WORDING)
    before = snapshot_of(example)
    (example / STORED / "student.yaml").unlink()
    result = cli("test", FLOW, cwd=example)
    assert result.returncode == 0, result.stdout
    assert "wrote 1 new transcript(s)" in result.stderr
    assert "stored transcript(s) differ from this run and were kept" in result.stderr
    assert "enterprise-buyer" in result.stderr and "--snapshot shows the diff" in result.stderr
    after = snapshot_of(example)
    assert {k: v for k, v in after.items() if k != "student.yaml"} == {
        k: v for k, v in before.items() if k != "student.yaml"
    }
    assert b"hash: " in after["student.yaml"]  # recorded anew, with the edited flow's hash


def test_missing_and_orphaned_transcripts_are_drift(example: Path, cli: Cli) -> None:
    (example / STORED / "student.yaml").unlink()
    (example / "personas" / "job_seeker.yaml").unlink()
    result = cli("test", FLOW, "--snapshot", cwd=example)
    assert result.returncode == 1
    assert "student: no stored transcript yet" in result.stdout
    assert "job-seeker: stored transcript of a persona that no longer exists" in result.stdout
    assert cli("test", FLOW, "--update", cwd=example).returncode == 0
    assert (example / STORED / "student.yaml").is_file()
    assert not (example / STORED / "job-seeker.yaml").exists()
    assert cli("test", FLOW, "--snapshot", cwd=example).returncode == 0


def test_numbered_runs_are_compared_run_by_run(example: Path, cli: Cli) -> None:
    assert cli("test", FLOW, "--runs", "3", "--update", cwd=example).returncode == 0
    assert (example / STORED / "student.2.yaml").is_file()
    result = cli("test", FLOW, "--runs", "3", "--snapshot", cwd=example)
    assert result.returncode == 0, result.stdout


def test_bad_input_exits_2_without_traceback(example: Path, cli: Cli) -> None:
    assert cli("test", "flows/none.yaml", "--snapshot", cwd=example).returncode == 2
    broken = example / STORED / "student.yaml"
    broken.write_text("persona: [student\n")
    result = cli("test", FLOW, "--snapshot", cwd=example)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"{Path('transcripts/saas_inbound/student.yaml')}:2:1: not valid YAML"
    )
    broken.write_text("persona: student\n")
    result = cli("test", FLOW, "--snapshot", cwd=example)
    assert result.returncode == 2 and "student.yaml:1:1: flow: not a transcript" in result.stderr
    assert "Traceback" not in result.stderr
    assert cli("test", FLOW, "--update", cwd=example).returncode == 0  # --update repairs it
    assert cli("test", FLOW, "--snapshot", cwd=example).returncode == 0


def test_help_explains_what_plain_test_does_with_stored_transcripts(
    cli: Cli, example: Path
) -> None:
    out = " ".join(cli("test", "--help", cwd=example).stdout.split())
    assert "never overwrites a stored one" in out
    assert "--snapshot" in out and "--update" in out
