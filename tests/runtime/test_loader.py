"""Every problem in a flow file is reported at its line and column, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from convodesk.runtime import LoadError, load_flow, parse_flow

MINIMAL = """\
flow: tiny
slots:
  size: {type: integer, ask: "How many people?"}
steps:
  - id: size
    ask: size
  - id: done
    end: true
"""


def problems(text: str) -> list[str]:
    return [str(p) for p in parse_flow(textwrap.dedent(text), "f.yaml").problems]


def test_minimal_flow_loads() -> None:
    loaded = parse_flow(MINIMAL, "f.yaml")
    assert loaded.flow is not None, loaded.problems
    assert loaded.flow.steps[0].asks == ["size"]


def test_example_flow_loads_clean(example_flow_path: Path) -> None:
    loaded = parse_flow(example_flow_path.read_text(), str(example_flow_path), lint=True)
    assert loaded.flow is not None
    assert loaded.problems == []


def test_yes_no_on_off_stay_strings() -> None:
    text = MINIMAL.replace(
        "  size: {type: integer",
        "  ok: {type: enum, values: [yes, no, on, off]}\n  size: {type: integer",
    )
    flow = parse_flow(text, "f.yaml").flow
    assert flow is not None
    assert flow.slots["ok"].values == ["yes", "no", "on", "off"]


def test_yaml_syntax_error_has_position() -> None:
    found = problems("flow: x\nsteps:\n  - id: a\n    say: [unclosed\n")
    assert len(found) == 1
    assert found[0].startswith("f.yaml:5:1: YAML syntax error") or found[0].startswith("f.yaml:4:")


def test_tab_indentation_error() -> None:
    found = problems("flow: x\nsteps:\n\t- id: a\n")
    assert found and found[0].startswith("f.yaml:3:1:")


def test_unknown_key_suggests_the_right_one() -> None:
    found = problems(MINIMAL.replace("    ask: size", "    aks: size"))
    assert any(
        p.startswith("f.yaml:6:5: steps[0].aks: unknown key 'aks' (did you mean 'ask'?)")
        for p in found
    ), found


def test_all_problems_reported_at_once() -> None:
    text = """\
    flow: tiny
    slots:
      size: {type: integr}
      kind: {type: enum}
    steps:
      - id: size
        ask: size
        next: nowhere
    """
    found = problems(text)
    assert any(p.startswith("f.yaml:3:16: slots.size.type: must be one of") for p in found), found
    assert any(
        p.startswith("f.yaml:4:9: slots.kind: an enum slot needs a 'values' list") for p in found
    ), found


def test_unknown_references_have_lines() -> None:
    text = """\
    flow: tiny
    slots:
      size: {type: integer}
    steps:
      - id: size
        ask: sise
        next: dne
      - id: b
        branch:
          - {when: "size > 3", next: size}
          - {next: gone}
      - id: done
        end: true
    """
    found = problems(text)
    assert "f.yaml:6:10: steps[0].ask: unknown slot 'sise' (did you mean 'size'?)" in found
    assert "f.yaml:7:11: steps[0].next: unknown step 'dne' (did you mean 'done'?)" in found
    assert any(
        p.startswith("f.yaml:11:16: steps[1].branch[1].next: unknown step 'gone'") for p in found
    ), found


def test_condition_errors_are_load_time_problems() -> None:
    text = (
        MINIMAL
        + 'routes:\n  - {when: "sizee >= 3", route: warm}\n  - {when: "size >=", route: nurture}\n'
    )
    found = problems(text)
    assert any(
        p.startswith(
            "f.yaml:10:12: routes[0].when: in condition 'sizee >= 3': unknown name 'sizee'"
        )
        for p in found
    ), found
    assert any(
        p.startswith(
            "f.yaml:11:12: routes[1].when: in condition 'size >=': expected a value but found the end"
        )
        for p in found
    ), found


def test_duplicate_ids_and_keys() -> None:
    text = """\
    flow: tiny
    flow: again
    steps:
      - {id: a, say: hi}
      - {id: a, end: true}
    """
    found = problems(text)
    assert any("f.yaml:2:1: flow: 'flow' is defined twice" in p for p in found), found


def test_duplicate_step_ids() -> None:
    found = problems("flow: t\nsteps:\n  - {id: a, say: hi}\n  - {id: a, end: true}\n")
    assert any(
        p.startswith("f.yaml:4:10: steps[1].id: step id 'a' is used twice") for p in found
    ), found


def test_loop_without_exit_is_an_error() -> None:
    text = """\
    flow: loop
    steps:
      - {id: a, say: hi, next: b}
      - {id: b, say: again, next: a}
    """
    found = problems(text)
    assert any("loop forever" in p and p.startswith("f.yaml:3:") for p in found), found


def test_step_with_two_kinds() -> None:
    found = problems("flow: t\nsteps:\n  - {id: a, ask: x, end: true}\n")
    assert any("a step has one kind" in p and p.startswith("f.yaml:3:5:") for p in found), found


def test_missing_required_and_wrong_types() -> None:
    found = problems("version: 2\nsteps: hello\n")
    assert any(p.startswith("f.yaml:1:1: flow: missing required key 'flow'") for p in found), found
    assert any(p.startswith("f.yaml:2:8: steps: expected a list") for p in found), found


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "file is empty"),
        ("- a\n- b\n", "expected a mapping"),
        ("just text", "expected a mapping"),
        ("flow: t\nsteps: []\n", "must not be empty"),
        ("a: &x [*x]\n", "YAML"),
    ],
)
def test_degenerate_files(text: str, message: str) -> None:
    found = problems(text)
    assert found and message in found[0], found


def test_alias_bomb_is_bounded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    found = problems("\n".join(lines) + "\n")
    assert found and "more than" in found[0]


def test_files_on_disk(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="file not found"):
        load_flow(tmp_path / "missing.yaml")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"flow: t\n\xff\xfe\n")
    with pytest.raises(LoadError, match=r"bin.yaml:2:1: file is not UTF-8"):
        load_flow(binary)
    with pytest.raises(LoadError, match="is a folder"):
        load_flow(tmp_path)


def test_lint_warnings(example_flow_path: Path) -> None:
    text = example_flow_path.read_text()
    text = text.replace(
        "  disclosure: \"Hi, I'm Ava, Relay's AI assistant. This chat is recorded so our team can follow up.\"\n",
        "",
    )
    text = text.replace("  - id: committee\n    ask: committee\n", "")
    text = text.replace(
        "  - id: tool\n    ask: current_tool\n",
        "  - id: early_budget\n    ask: budget\n  - id: tool\n    ask: current_tool\n",
    )
    loaded = parse_flow(text, "f.yaml", lint=True)
    assert loaded.flow is not None
    messages = [p.message for p in loaded.warnings]
    assert any("no AI disclosure" in m for m in messages), messages
    assert any("no buying-committee question" in m for m in messages), messages
    assert any("budget ('budget') is asked before" in m for m in messages), messages


def test_too_many_questions_warns() -> None:
    slots = "\n".join(f"  q{i}: {{type: text}}" for i in range(9))
    steps = "\n".join(f"  - {{id: s{i}, ask: q{i}}}" for i in range(9))
    text = f'flow: long\nbot: {{disclosure: "I\'m an AI assistant; this chat is recorded."}}\nslots:\n{slots}\nsteps:\n{steps}\n  - {{id: e, end: true}}\n'
    loaded = parse_flow(text, "f.yaml", lint=True)
    assert any("asks 9 questions" in p.message for p in loaded.warnings)


def test_unreachable_step_warns() -> None:
    text = "flow: t\nsteps:\n  - {id: a, say: hi, next: c}\n  - {id: b, say: never}\n  - {id: c, end: true}\n"
    loaded = parse_flow(text, "f.yaml")
    assert loaded.flow is not None
    assert [str(p) for p in loaded.warnings] == [
        "f.yaml:4:10: warning: steps[1].id: step 'b' can never be reached"
    ]


# -- every problem of a file in one run ---------------------------------------------------


def test_schema_errors_do_not_hide_reference_and_condition_errors() -> None:
    text = """\
    flow: tiny
    slots:
      size: {type: integer, colour: red}
    steps:
      - {id: size, ask: size, next: sizing}
      - {id: done, end: true, when: "sise > 3"}
    """
    assert problems(text) == [
        "f.yaml:3:25: slots.size.colour: unknown key 'colour'; known keys: ask, cues, description, "
        "max, min, pii, reask, synonyms, type, values, volunteer",
        "f.yaml:5:33: steps[0].next: unknown step 'sizing' (did you mean 'size'?)",
        "f.yaml:6:33: steps[1].when: in condition 'sise > 3': unknown name 'sise' "
        "(did you mean 'size'?) (at character 1)",
    ]


def test_problems_are_sorted_by_position() -> None:
    text = """\
    flow: tiny
    routes:
      - {when: "nope > 1", route: warm}
    slots:
      size: {type: integr}
    steps:
      - {id: a, ask: siz}
    """
    found = parse_flow(textwrap.dedent(text), "f.yaml").problems
    assert [p.line for p in found] == [3, 5, 7]
    assert "unknown name 'nope'" in found[0].message and "unknown slot 'siz'" in found[2].message


def test_raw_checks_skip_what_the_schema_already_refused() -> None:
    # wrong types are one problem each, never a second one from the reference check
    found = problems("flow: t\nsteps:\n  - {id: a, ask: [5], next: 7, when: 3}\n")
    assert len(found) == 3, found
    assert all("expected text" in p for p in found), found


# -- scoring sees slots and context only ----------------------------------------------------


@pytest.mark.parametrize("score", ["fit", "intent", "capacity", "total"])
def test_scores_in_scoring_rules_are_load_errors(score: str) -> None:
    text = MINIMAL + f'scoring:\n  intent:\n    - {{when: "size > 3 and {score} >= 40", add: 10}}\n'
    assert problems(text) == [
        f"f.yaml:11:14: scoring.intent[0].when: in condition 'size > 3 and {score} >= 40': "
        f"'{score}' is a score: scoring rules see slots and context only; use a route or branch "
        "for scores (at character 14)"
    ]


def test_scores_stay_allowed_in_routes_steps_and_disqualifiers() -> None:
    text = MINIMAL.replace("    ask: size\n", '    ask: size\n    when: "total < 300"\n')
    text += 'routes:\n  - {when: "fit >= 40 and total > 90", route: warm}\n  - {route: nurture}\n'
    text += 'disqualify:\n  - {when: "intent > 99", reason: odd}\n'
    loaded = parse_flow(text, "f.yaml")
    assert loaded.errors == [], loaded.problems


# -- what the loader refuses ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("{id: a, ask: []}", "f.yaml:3:18: steps[0].ask: needs at least one slot"),
        ("{id: a, say: hi, collect: []}", "f.yaml:3:31: steps[0].collect: needs at least one slot"),
        ("{id: a, branch: []}", "f.yaml:3:21: steps[0].branch: needs at least one case"),
        ('{id: "", end: true}', "f.yaml:3:10: steps[0].id: must not be empty"),
    ],
)
def test_empty_kinds_and_ids_are_refused(step: str, expected: str) -> None:
    found = problems(f"flow: t\nsteps:\n  - {step}\n  - {{id: e, end: true}}\n")
    assert any(p.startswith(expected) for p in found), found


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ('""', "a slot needs a name"),
        ("fit", "'fit' is a reserved name"),
        ("email_domain", "'email_domain' is a reserved name"),
        ("company size", "cannot be used in conditions"),
        ("size.foo", "cannot be used in conditions"),
    ],
)
def test_unusable_slot_names_are_refused(name: str, words: str) -> None:
    found = problems(
        f"flow: t\nslots:\n  {name}: {{type: text}}\nsteps:\n  - {{id: e, end: true}}\n"
    )
    assert len(found) == 1 and found[0].startswith("f.yaml:3:3: slots.") and words in found[0], (
        found
    )


def test_dotted_names_on_slots_are_not_conditions() -> None:
    text = MINIMAL + 'routes:\n  - {when: "size.foo > 3", route: warm}\n'
    assert problems(text) == [
        "f.yaml:10:12: routes[0].when: in condition 'size.foo > 3': 'size' has no parts: "
        "'size.foo' names nothing (only context.* does) (at character 1)"
    ]


# -- loader wording -------------------------------------------------------------------------


def test_list_never_closed_points_at_its_bracket() -> None:
    found = problems("flow: x\nsteps: [\n  {id: a, say: hi},\n  {id: b, end: true},\n")
    assert found == [
        "f.yaml:2:8: YAML syntax error: a [ list starting here is never closed (the file ends first)"
    ]


def test_unclosed_mapping_before_the_next_line_names_where_it_opened() -> None:
    found = problems('flow: x\nsteps:\n  - {id: a, say: "hi"\n  - {id: b, end: true}\n')
    assert found == [
        "f.yaml:4:3: YAML syntax error: expected ',' or '}', but got '-': a { mapping opened "
        "at line 3, column 5 is not closed"
    ]


def test_unknown_key_inside_a_slot_suggests_the_right_one() -> None:
    found = problems(MINIMAL.replace('ask: "How many people?"', 'ask: "How many?", mn: 1'))
    assert found == ["f.yaml:3:43: slots.size.mn: unknown key 'mn' (did you mean 'min'?)"]


@pytest.mark.parametrize(
    ("value", "shown"), [("[1, 2]", "a list"), ("1.5", "1.5"), ("{a: 1}", "a mapping")]
)
def test_wrong_version_type_is_one_plain_line(value: str, shown: str) -> None:
    found = problems(MINIMAL.replace("flow: tiny\n", f"flow: tiny\nversion: {value}\n"))
    assert found == [f"f.yaml:2:10: version: expected a whole number or text, got {shown}"]


def test_merge_keys_may_override_and_duplicates_are_still_caught() -> None:
    text = """\
    flow: merged
    steps:
      - &ask {id: size, say: "Hello", next: done}
      - {<<: *ask, id: again, say: "Hello again"}
      - {id: done, end: true}
    """
    loaded = parse_flow(textwrap.dedent(text), "f.yaml")
    assert loaded.flow is not None, loaded.problems
    assert [(s.id, s.say, s.next) for s in loaded.flow.steps[:2]] == [
        ("size", "Hello", "done"),
        ("again", "Hello again", "done"),
    ]
    twice = problems("flow: t\nsteps:\n  - {id: a, end: true, id: b}\n")
    assert twice == [
        "f.yaml:3:24: steps[0].id: 'id' is defined twice in the same block "
        "(line 3, columns 6 and 24)"
    ]


def test_a_merged_value_overridden_takes_the_blocks_own_value_and_position() -> None:
    text = """\
    flow: merged
    slots:
      gold: &tier {type: enum, values: [a]}
      silver: {<<: *tier, values: [b, c]}
      bronze: {<<: *tier, type: colour}
    steps:
      - {id: e, end: true}
    """
    loaded = parse_flow(textwrap.dedent(text), "f.yaml")
    assert [str(p) for p in loaded.problems] == [
        "f.yaml:5:29: slots.bronze.type: must be one of 'text', 'integer', 'number', 'money', "
        "'email', 'phone', 'enum', 'list', 'boolean' or 'timeline', got 'colour'"
    ]
    silver = parse_flow(textwrap.dedent(text).replace(", type: colour", ""), "f.yaml").flow
    assert silver is not None and silver.slots["silver"].values == ["b", "c"]
