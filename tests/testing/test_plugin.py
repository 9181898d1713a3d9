"""The pytest side in a project made by `convodesk new`, run with pytester."""

from __future__ import annotations

from pathlib import Path

import pytest

from convodesk.sim.project import scaffold
from convodesk.testing import parse_snapshot
from convodesk.testing.project import ship_snapshots

from .conftest import PLUGIN_ARGS, edit

SNAPS = Path("tests") / "__snapshots__" / "test_personas"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    scaffold(pytester.path, "inbound", force=True)
    ship_snapshots(pytester.path, "inbound")
    # pytest-textual-snapshot keeps a per-process temp folder that a nested in-process
    # session deletes; the studio's snapshot plugin has no business here anyway
    pytester.makeini("[pytest]\naddopts = -p no:textual-snapshot\n")
    return pytester


def test_new_project_runs_one_test_per_persona_against_shipped_snapshots(
    project: pytest.Pytester,
) -> None:
    result = project.runpytest("-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*test_persona?buyer? PASSED*",
            "*test_persona?small-company? PASSED*",
            "*test_persona?student? PASSED*",
            "*3 snapshots passed*",
        ]
    )
    result.stdout.no_fnmatch_line("*unused*")


def test_flow_edit_fails_with_a_turn_level_diff_and_update_accepts_it(
    project: pytest.Pytester,
) -> None:
    flow = project.path / "flows" / "inbound.yaml"
    edit(flow, "What are you using for this today?", "Which tool do you use today?")
    failed = project.runpytest()
    failed.assert_outcomes(passed=1, failed=2)
    failed.stdout.fnmatch_lines(
        [
            "small-company: the conversation first diverges at turn 1",
            "*- turn 1 bot: What are you using for this today?  ?question; asks current_tool?",
            "*+ turn 1 bot: Which tool do you use today?  ?question; asks current_tool?",
            "accept the change with: pytest --snapshot-update",
        ]
    )
    failed.stdout.no_fnmatch_line("*Traceback*")
    project.runpytest("--snapshot-update").assert_outcomes(passed=3)
    stored = parse_snapshot((project.path / SNAPS / "test_persona[buyer].yaml").read_text())
    assert stored.conversation[2].bot == "Which tool do you use today?"
    project.runpytest().assert_outcomes(passed=3)


def test_failed_check_and_changed_route_are_both_reported(project: pytest.Pytester) -> None:
    edit(
        project.path / "flows" / "inbound.yaml",
        'when: "fit >= 60 and intent >= 50 and capacity >= 40"',
        'when: "fit >= 0"',
    )
    result = project.runpytest()
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "small-company: 1 check(s) failed (route warm)",
            "  route_expected: expected route 'nurture' but the flow chose 'warm'*",
            "small-company: the conversation first diverges at turn *; the outcome changed too",
            "*- route: nurture",
            "*+ route: warm",
        ]
    )
    # the buyer was warm before and is warm now, but the reason changed: still called out
    result.stdout.fnmatch_lines(
        ["buyer: same conversation, different outcome", "*+ reason: route warm: fit >= 0"]
    )
    # a failing check does not stop --snapshot-update from recording what the flow now does
    project.runpytest("--snapshot-update").assert_outcomes(passed=2, failed=1)
    stored = parse_snapshot((project.path / SNAPS / "test_persona[small-company].yaml").read_text())
    assert stored.outcome.route == "warm"


def test_plugin_fixtures_load_converse_and_snapshot(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_fixtures="""
        def test_buyer(convodesk_flow, converse, transcript_snapshot):
            flow = convodesk_flow("flows/inbound.yaml")
            result = converse(flow, "personas/buyer.yaml", seed=0)
            result.assert_expectations()
            assert [c.id for c in result.checks][0] == "route_expected"
            assert result.outcome.route == "warm"
            assert result.conversation.persona.persona == "buyer"
            assert result.transcript.route == "warm"
            assert result == transcript_snapshot
        """
    )
    project.runpytest(*PLUGIN_ARGS, "test_fixtures.py", "--snapshot-update").assert_outcomes(
        passed=1
    )
    written = project.path / "__snapshots__" / "test_fixtures" / "test_buyer.yaml"
    shipped = project.path / SNAPS / "test_persona[buyer].yaml"
    assert written.read_text() == shipped.read_text()  # same seed, same conversation
    project.runpytest(*PLUGIN_ARGS, "test_fixtures.py").assert_outcomes(passed=1)


def test_an_unreadable_snapshot_fails_with_one_line_naming_where(project: pytest.Pytester) -> None:
    path = project.path / SNAPS / "test_persona[buyer].yaml"
    text = path.read_text()
    path.write_text(text.replace("route: warm", "route: [warm", 1))  # a bad hand edit
    line = text[: text.index("route: warm")].count("\n") + 1
    result = project.runpytest("--color=yes")
    result.assert_outcomes(passed=2, failed=1)
    (said,) = [x for x in result.outlines if x.startswith("unreadable snapshot")]
    assert said.startswith(f"unreadable snapshot {path}:{line + 1}:")
    assert (
        f"YAML syntax error: expected ',' or ']', but got ':': a [ list opened at line {line}"
        in said
    )
    assert said.endswith("is not closed; re-run with --snapshot-update")
    # the whole failure is that line: none of syrupy's byte diff, in colour or not
    out = result.outlines
    start = next(i for i, x in enumerate(out) if "test_persona[buyer]" in x and "___" in x)
    end = next(i for i, x in enumerate(out) if "snapshot report summary" in x)
    assert out[start + 1 : end] == [said] and "\x1b" not in said
    project.runpytest("--snapshot-update").assert_outcomes(passed=3)
    assert path.read_text() == text
