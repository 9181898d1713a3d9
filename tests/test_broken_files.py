"""A corpus of malformed flows: each gives exit 2, its position and a plain message, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BROKEN = Path(__file__).parent / "data" / "broken"

# file -> (line, col, words the first message must contain)
EXPECTED: dict[str, tuple[int, int, str]] = {
    "01_unclosed_bracket.yaml": (4, 3, "YAML syntax error: expected ',' or '}'"),
    "02_tab_indent.yaml": (3, 1, "found character '\\t'"),
    "03_unknown_top_key.yaml": (1, 1, "missing required key 'steps'"),
    "04_missing_steps.yaml": (1, 1, "missing required key 'steps'"),
    "05_bad_slot_type.yaml": (3, 16, "must be one of 'text', 'integer'"),
    "06_enum_without_values.yaml": (3, 9, "an enum slot needs a 'values' list"),
    "07_unknown_next.yaml": (3, 28, "unknown step 'sizing' (did you mean 'size'?)"),
    "08_unknown_slot.yaml": (5, 18, "unknown slot 'sizes' (did you mean 'size'?)"),
    "09_duplicate_step.yaml": (4, 10, "step id 's' is used twice"),
    "10_cycle_no_exit.yaml": (3, 10, "loop forever"),
    "11_condition_syntax.yaml": (7, 12, "in condition 'size >>= 5': unexpected '>='"),
    "12_condition_unknown_name.yaml": (8, 14, "unknown name 'company_size'"),
    "13_bad_route_name.yaml": (
        5,
        13,
        "must be one of 'warm', 'lukewarm', 'nurture' or 'disqualify', got 'hot'",
    ),
    "14_score_not_number.yaml": (8, 31, "expected a whole number, got 'lots'"),
    "15_two_kinds.yaml": (5, 5, "a step has one kind, this one has 2: ask, end"),
    "16_step_no_kind.yaml": (3, 5, "a step needs one of"),
    "17_duplicate_key.yaml": (
        4,
        3,
        "'size' is defined twice in the same block (line 3 and line 4)",
    ),
    "18_top_level_list.yaml": (1, 1, "expected a mapping of keys to values at the top, got a list"),
    "19_empty.yaml": (1, 1, "file is empty"),
    "20_bad_flow_id.yaml": (1, 7, "may only use letters, digits"),
    "21_knowledge_no_patterns.yaml": (3, 25, "must not be empty"),
    "22_synonym_for_unknown_value.yaml": (
        3,
        9,
        "synonyms for 'silver', which is not one of the values",
    ),
    "23_branch_unknown_target.yaml": (5, 34, "unknown step 'later'"),
    "24_unknown_function.yaml": (5, 12, "unknown function 'exec'"),
    "25_steps_is_mapping.yaml": (3, 3, "expected a list, got a mapping"),
    "26_unknown_handoff_field.yaml": (7, 18, "unknown slot 'e_mail' (did you mean 'email'?)"),
    "27_bad_threshold.yaml": (2, 22, "must be at most 1.0, got 7"),
    "28_python_tag.yaml": (
        1,
        7,
        "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    "29_not_utf8.yaml": (3, 33, "file is not UTF-8 text"),
    "30_unterminated_string.yaml": (3, 29, "a quoted text starting here is never closed"),
    "31_list_never_closed.yaml": (2, 8, "a [ list starting here is never closed"),
    "32_score_in_scoring_rule.yaml": (
        8,
        14,
        "'fit' is a score: scoring rules see slots and context only; use a route or branch",
    ),
    "33_empty_ask.yaml": (3, 18, "steps[0].ask: needs at least one slot"),
    "34_dotted_slot_in_condition.yaml": (8, 12, "'size.value' names nothing"),
    "35_reserved_slot_name.yaml": (3, 3, "'total' is a reserved name"),
    "36_several_problems.yaml": (3, 25, "unknown key 'mn' (did you mean 'min'?)"),
    "37_version_is_a_list.yaml": (2, 10, "version: expected a whole number or text, got a list"),
}


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from convodesk.cli.app import main; main()", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_corpus_is_complete() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_flow_exit_2_with_position(name: str) -> None:
    line, col, words = EXPECTED[name]
    result = validate(BROKEN / name)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{BROKEN / name}:{line}:{col}: "), first
    assert words in first, first
    assert result.stdout == ""


def test_every_problem_of_a_file_in_one_run() -> None:
    """A schema error (unknown key) hides neither the unknown step nor the unknown name."""
    path = BROKEN / "36_several_problems.yaml"
    result = validate(path)
    assert result.returncode == 2
    assert [line.split(": ", 1)[0] for line in result.stderr.splitlines()] == [
        f"{path}:3:25",
        f"{path}:5:30",
        f"{path}:6:30",
    ]
    assert "unknown step 'sizing'" in result.stderr
    assert "unknown name 'company_size'" in result.stderr


def test_huge_flow_is_refused_quickly(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text(
        "flow: huge\nsteps:\n" + "".join(f"  - {{id: s{i}, say: hi}}\n" for i in range(70_000))
    )
    result = validate(huge)
    assert result.returncode == 2
    assert "more than 50000 values" in result.stderr
    assert "Traceback" not in result.stderr
