"""The committed snapshots are readable YAML with a fixed structure, and agree with transcripts/."""

from __future__ import annotations

import pytest
import yaml

from convodesk.runtime import load_flow
from convodesk.runtime.problems import LoadError
from convodesk.sim import load_personas, read_transcript
from convodesk.testing import dump_snapshot, from_transcript, parse_snapshot
from convodesk.testing.extension import TranscriptExtension

from .conftest import ROOT

SNAPSHOTS = ROOT / "tests" / "__snapshots__" / "test_example_snapshots"
TRANSCRIPTS = ROOT / "transcripts" / "saas_inbound"
FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")
PERSONAS = load_personas(ROOT / "personas", FLOW)


def test_one_snapshot_per_persona_is_committed() -> None:
    names = sorted(p.name for p in SNAPSHOTS.glob("*.yaml"))
    assert names == sorted(f"test_persona[{p.persona}].yaml" for p in PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.persona)
def test_committed_snapshot_reads_back_with_its_structure(persona) -> None:  # type: ignore[no-untyped-def]
    path = SNAPSHOTS / f"test_persona[{persona.persona}].yaml"
    text = path.read_text(encoding="utf-8")
    s = parse_snapshot(text, str(path))
    assert list(s.model_dump(exclude_none=True))[:2] == ["persona", "flow"]
    assert text.index("conversation:") < text.index("outcome:")
    assert s.persona == persona.persona and s.flow == "saas_inbound"
    assert s.conversation[0].turn == 0 and s.conversation[0].bot
    assert all((line.bot is None) != (line.buyer is None) for line in s.conversation)
    assert list(s.outcome.scores) == ["fit", "intent", "capacity"]
    assert list(s.outcome.slots) == sorted(s.outcome.slots)
    if persona.expect.route:
        assert s.outcome.route == persona.expect.route
    assert "hash" not in text  # the flow hash moves on any edit; it stays out of snapshots
    assert dump_snapshot(s) == text  # stable: reading and writing back changes nothing


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.persona)
def test_pytest_snapshots_and_cli_transcripts_record_the_same_conversation(persona) -> None:  # type: ignore[no-untyped-def]
    stored = read_transcript(TRANSCRIPTS / f"{persona.persona}.yaml")
    snapshot = parse_snapshot((SNAPSHOTS / f"test_persona[{persona.persona}].yaml").read_text())
    assert from_transcript(stored) == snapshot


def test_broken_snapshot_text_is_a_load_error_with_a_position() -> None:
    with pytest.raises(LoadError) as caught:
        parse_snapshot("persona: [unclosed\n", "x.yaml")
    assert str(caught.value) == (
        "x.yaml:1:10: YAML syntax error: a [ list starting here is never closed "
        "(the file ends first)"
    )
    bad = "persona: a\nflow: f\nseed: 1\nreference_date: d\noutcome: {}\nconversation: []\n"
    with pytest.raises(LoadError) as caught:
        parse_snapshot(bad, "x.yaml")
    assert str(caught.value).splitlines()[0] == (
        "x.yaml:5:1: outcome.route: missing required key 'route'"
    )


def test_extension_refuses_data_that_is_not_a_conversation() -> None:
    with pytest.raises(TypeError, match="not dict"):
        TranscriptExtension().serialize({"route": "warm"})


def test_extension_diff_of_an_unreadable_file_is_one_plain_line() -> None:
    ext = TranscriptExtension()
    good = (SNAPSHOTS / "test_persona[student].yaml").read_text()
    lines = list(ext.diff_lines(good, "not: [a snapshot"))
    assert lines == [
        "unreadable snapshot <snapshot>:1:6: YAML syntax error: a [ list starting here is "
        "never closed (the file ends first); re-run with --snapshot-update"
    ]
    assert next(iter(ext.diff_lines(good, ""))).startswith("student: no stored snapshot yet")


def test_extension_diff_of_a_reformatted_file_says_so_in_one_plain_line() -> None:
    ext = TranscriptExtension()
    good = (SNAPSHOTS / "test_persona[student].yaml").read_text()
    reformatted = yaml.safe_dump(yaml.safe_load(good), sort_keys=True, width=40)
    assert reformatted != good
    (line,) = ext.diff_lines(good, reformatted)
    assert "records the same conversation and outcome in other bytes" in line
    assert "\x1b" not in line and line.endswith("re-run with --snapshot-update to rewrite it")
