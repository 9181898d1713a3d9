"""Keys the engine would ignore, and text it would show as typed: warnings with positions."""

from __future__ import annotations

import pytest

from convodesk.runtime import parse_flow

HEAD = """\
flow: t
bot: {disclosure: "I'm an AI assistant; this chat is recorded."}
slots:
  size: {type: integer, ask: "How many people?"}
"""


def problems(body: str, head: str = HEAD) -> list[str]:
    loaded = parse_flow(head + body, "f.yaml")
    return [str(p) for p in loaded.problems]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "steps:\n  - {id: a, ask: size}\n  - {id: b, end: true, next: a}\n",
            "f.yaml:7:30: warning: steps[1].next: 'next' is ignored: the conversation ends at "
            "this end step",
        ),
        (
            "steps:\n  - {id: a, ask: size}\n  - {id: b, handoff: sales, next: a}\n",
            "f.yaml:7:35: warning: steps[1].next: 'next' is ignored: the conversation ends at "
            "this handoff step",
        ),
        (
            "steps:\n  - {id: a, ask: size, params: {x: 1}}\n  - {id: b, end: true}\n",
            "f.yaml:6:32: warning: steps[0].params: 'params' is ignored on an ask step",
        ),
        (
            "steps:\n  - {id: a, ask: size, when: ''}\n  - {id: b, end: true}\n",
            "f.yaml:6:30: warning: steps[0].when: an empty condition always holds",
        ),
        (
            "steps:\n  - {id: a, ask: size}\n  - {id: b, branch: [{when: '', next: c}]}\n"
            "  - {id: c, end: true}\n",
            "f.yaml:7:29: warning: steps[1].branch[0].when: an empty condition always holds",
        ),
        (
            "steps:\n  - {id: a, action: ''}\n  - {id: b, end: true}\n",
            "f.yaml:6:21: warning: steps[0].action: the action has no name",
        ),
        (
            "steps:\n  - {id: a, ask: size}\n  - {id: r, route: true}\n  - {id: b, end: true}\n",
            "f.yaml:7:20: warning: steps[1].route: the flow defines no routes",
        ),
        (
            "steps:\n  - {id: a, say: 'Hi {bot.name', collect: size}\n  - {id: b, end: true}\n",
            "f.yaml:6:18: warning: steps[0].say: '{bot.name' is not a placeholder",
        ),
        (
            "scoring:\n  fit: [{when: '', add: 10}]\nsteps:\n  - {id: a, ask: size}\n"
            "  - {id: b, end: true}\n",
            "f.yaml:6:16: warning: scoring.fit[0].when: an empty condition always holds",
        ),
    ],
)
def test_ignored_keys_are_warnings_that_point_at_the_key(body: str, expected: str) -> None:
    found = problems(body)
    assert any(p.startswith(expected) for p in found), found
    loaded = parse_flow(HEAD + body, "f.yaml")
    assert loaded.flow is not None  # a warning: the flow still loads and runs


def test_values_on_an_integer_slot_are_a_warning() -> None:
    head = HEAD.replace(
        'size: {type: integer, ask: "How many people?"}',
        'size: {type: integer, values: ["small", "big"]}',
    )
    found = problems("steps:\n  - {id: a, ask: size}\n  - {id: b, end: true}\n", head)
    assert any(
        p.startswith("f.yaml:4:33: warning: slots.size.values: 'values' is ignored on an integer")
        for p in found
    ), found


def test_min_above_max_is_an_error() -> None:
    head = HEAD.replace('ask: "How many people?"', "min: 100, max: 10")
    loaded = parse_flow(head + "steps:\n  - {id: a, ask: size}\n", "f.yaml")
    assert loaded.flow is None
    assert [str(p) for p in loaded.errors] == [
        "f.yaml:4:9: slots.size: min (100) is above max (10): no answer could fill this slot"
    ]


def test_an_empty_disqualifier_condition_is_an_error() -> None:
    body = (
        "disqualify:\n  - {when: '', reason: oops}\nsteps:\n  - {id: a, ask: size}\n"
        "  - {id: b, end: true}\n"
    )
    loaded = parse_flow(HEAD + body, "f.yaml")
    assert loaded.flow is None
    assert any(
        str(p).startswith("f.yaml:6:12: disqualify[0].when: an empty condition would disqualify")
        for p in loaded.errors
    ), loaded.problems


def test_broken_braces_in_bot_texts_and_answers_are_found_too() -> None:
    head = HEAD.replace(
        'bot: {disclosure: "I\'m an AI assistant; this chat is recorded."}',
        'bot: {disclosure: "I\'m {bot.name, an AI assistant; recorded."}\n'
        "knowledge:\n  - {id: sso, patterns: [sso], answer: 'Yes {company'}",
    )
    found = problems("steps:\n  - {id: a, ask: size}\n  - {id: b, end: true}\n", head)
    assert any("bot.disclosure: '{bot.name,' is not a placeholder" in p for p in found)
    assert any("knowledge[0].answer: '{company' is not a placeholder" in p for p in found), found


def test_fallbacks_and_plain_placeholders_are_not_broken() -> None:
    found = problems(
        "steps:\n  - {id: a, say: 'At {company|your company}, {bot.name}?', collect: size}\n"
        "  - {id: b, end: true}\n"
    )
    assert not any("is not a placeholder" in p for p in found), found


def test_the_example_flow_has_none_of_these() -> None:
    from pathlib import Path

    from convodesk.runtime import load_flow_file

    flow = Path(__file__).resolve().parents[2] / "flows" / "saas_inbound.yaml"
    loaded = load_flow_file(flow, lint=True)
    assert loaded.problems == []
    assert loaded.flow is not None
    # a compiled flow.json spells out every key, empty ones too: still nothing to warn about
    compiled = parse_flow(loaded.flow.model_dump_json(indent=2), "flow.json", lint=True)
    assert compiled.problems == []
