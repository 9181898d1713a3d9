"""A corpus of malformed personas: `simulate` and `test` exit 2 with `file:line:col: message`
for each, every problem at once, and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA, FLOW_PATH, ROOT, note

BROKEN = DATA / "broken_personas"

# file -> (line, col, words the message must contain)
EXPECTED: dict[str, tuple[int, int, str]] = {
    "01_bad_yaml.yaml": (3, 7, "YAML syntax error: expected ',' or ']'"),
    "02_wrong_type.yaml": (4, 17, "profile.company_size: expected a whole number, got 'lots'"),
    "03_unknown_expected_slot.yaml": (4, 11, "flow 'saas_inbound' has no slot 'company_sise'"),
    "04_unknown_route.yaml": (
        3,
        10,
        "must be one of 'warm', 'lukewarm', 'nurture' or 'disqualify'",
    ),
    "05_duplicate_key.yaml": (
        4,
        3,
        "'name' is defined twice in the same block (line 3 and line 4)",
    ),
    "06_unknown_top_key.yaml": (4, 1, "unknown key 'behaviour' (did you mean 'behavior'?)"),
    "07_volunteer_unknown_fact.yaml": (4, 16, "'company_size' is not in profile or facts"),
    "08_unknown_check.yaml": (3, 11, "unknown check 'vibes'"),
    "09_top_level_list.yaml": (1, 1, "expected a mapping of keys to values at the top, got a list"),
    "10_empty.yaml": (1, 1, "file is empty"),
    "11_bad_persona_id.yaml": (1, 10, "may only use letters, digits"),
    "12_patience_zero.yaml": (3, 13, "must be between 1 and 200 messages, got 0"),
    "13_python_tag.yaml": (2, 10, "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    "14_tab_indent.yaml": (3, 1, "found character '\\t'"),
    "15_bad_verbosity.yaml": (3, 14, "must be one of 'terse', 'normal' or 'chatty', got 'loud'"),
    "16_not_utf8.yaml": (3, 13, "file is not UTF-8 text"),
    "17_several_problems.yaml": (4, 30, "'curent_tool' is not in profile or facts"),
    "18_refuses_unknown_fact.yaml": (4, 13, "'budjet' is not in profile or facts"),
    "19_deflects_unknown_fact.yaml": (4, 24, "'committee' is not in profile or facts"),
    "20_empty_question.yaml": (4, 14, "behavior.asks[0].text: must not be empty"),
    "21_opening_not_text.yaml": (3, 12, "expected a message, or a list of messages to pick from"),
    "22_both_refused_and_volunteered.yaml": (5, 13, "'budget' is both volunteered and refused"),
    "23_unknown_fact.yaml": (
        4,
        3,
        "facts.curent_tool: flow 'saas_inbound' has no slot 'curent_tool' (did you mean "
        "'current_tool'?)",
    ),
    "24_timeline_not_a_timeline.yaml": (
        3,
        13,
        "facts.timeline: 'yesterday' is not a timeline: use one of this_quarter",
    ),
}
# files with more than one problem: every one is reported, in file order
EVERY_PROBLEM: dict[str, list[str]] = {
    "17_several_problems.yaml": [
        "4:30: behavior.volunteers[1]: 'curent_tool' is not in profile or facts "
        "(did you mean 'current_tool'?)",
        "9:30: expect.slots.timelime: flow 'saas_inbound' has no slot 'timelime' "
        "(did you mean 'timeline'?)",
    ],
}
# pydantic's own wording, which a designer should never read
RAW_WORDING = ("Input should", "input should", "String should", "Value error", "validation error")


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from convodesk.cli.app import main; main()", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )


def test_corpus_is_complete() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_simulate_refuses_with_position(name: str) -> None:
    line, col, words = EXPECTED[name]
    result = cli("simulate", FLOW_PATH, BROKEN / name)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    first = lines[0]
    assert first.startswith(f"{BROKEN / name}:{line}:{col}: "), first
    assert words in first, first
    if name in EVERY_PROBLEM:
        assert lines == [f"{BROKEN / name}:{want}" for want in EVERY_PROBLEM[name]]
    assert not any(raw in result.stderr for raw in RAW_WORDING), result.stderr
    note("broken_files")


def test_suite_reports_every_broken_persona_at_once(tmp_path: Path) -> None:
    result = cli("test", FLOW_PATH, "--personas", BROKEN, "--out", tmp_path / "t")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    for name, (line, col, words) in EXPECTED.items():
        hits = [x for x in result.stderr.splitlines() if x.startswith(f"{BROKEN / name}:")]
        assert hits and hits[0].startswith(f"{BROKEN / name}:{line}:{col}: "), (name, hits)
        assert words in hits[0]
    assert not (tmp_path / "t").exists(), "nothing runs, so nothing is written"


def test_huge_persona_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text(
        "persona: huge\nfacts:\n" + "".join(f"  f{i}: [a, b, c]\n" for i in range(60_000))
    )
    result = cli("simulate", FLOW_PATH, huge)
    assert result.returncode == 2, result.stderr[-500:]
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{huge}:"), result.stderr[:200]
    note("broken_files")
