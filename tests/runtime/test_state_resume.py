"""Resuming refuses any state this flow could not have made: never a silent wrong answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from convodesk.runtime import Engine, StateError, load_flow
from convodesk.runtime.model import Slot

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")
ENGINE = Engine(FLOW)


def saved_midway() -> dict[str, Any]:
    """A real state: pain and tool given, an SSO answer, waiting for company_size."""
    session = ENGINE.start(reference_date="2026-01-15")
    session.send("Our shift planning is chaos. Do you support SSO?")
    session.send("Spreadsheets")
    assert session.state.waiting == ["company_size"]
    return json.loads(session.state.model_dump_json())


def slot(value: Any) -> dict[str, Any]:
    return {"value": value, "raw": str(value), "source": "answer", "turn": 3, "previous": []}


Edit = Callable[[dict[str, Any]], None]
EDITS: list[tuple[str, Edit, str]] = [
    (
        "text number",
        lambda s: s["slots"].update(company_size=slot("lots")),
        "'lots' is not a whole number",
    ),
    (
        "list number",
        lambda s: s["slots"].update(company_size=slot([1, 2])),
        "[1, 2] is not a whole number",
    ),
    (
        "none number",
        lambda s: s["slots"].update(company_size=slot(None)),
        "None is not a whole number",
    ),
    (
        "map number",
        lambda s: s["slots"].update(company_size=slot({"a": 1})),
        "{'a': 1} is not a whole number",
    ),
    (
        "bool number",
        lambda s: s["slots"].update(company_size=slot(True)),
        "True is not a whole number",
    ),
    (
        "float integer",
        lambda s: s["slots"].update(company_size=slot(12.5)),
        "12.5 is not a whole number",
    ),
    (
        "number text",
        lambda s: s["slots"].update(pain=slot(42)),
        "value for slot 'pain' (text): 42 is not text",
    ),
    (
        "enum value",
        lambda s: s["slots"].update(industry=slot("mining")),
        "'mining' is not one of manufacturing",
    ),
    (
        "timeline value",
        lambda s: s["slots"].update(timeline=slot("someday")),
        "'someday' is not one of this_quarter",
    ),
    (
        "list of numbers",
        lambda s: s["slots"].update(committee=slot([1])),
        "[1] is not a list of texts",
    ),
    (
        "money text",
        lambda s: s["slots"].update(budget=slot("50k")),
        "'50k' is not an amount of money",
    ),
    ("previous value", lambda s: s["slots"]["current_tool"].update(previous=[7]), "7 is not text"),
    ("negative turn", lambda s: s.update(turn=-5), "has turn -5, below 0"),
    ("negative reasks", lambda s: s.update(reasks=-1), "has reasks -1, below 0"),
    ("visited", lambda s: s["visited"].append("vip_lounge"), "visited unknown step(s) vip_lounge"),
    (
        "answered",
        lambda s: s["answered"].append("discounts"),
        "unknown knowledge entry(s) discounts",
    ),
    (
        "transcript knowledge",
        lambda s: s["transcript"][2].update(knowledge="x"),
        "unknown knowledge entry(s) x",
    ),
    ("declined", lambda s: s["declined"].append("salary"), "unknown slot(s) salary"),
    (
        "waiting elsewhere",
        lambda s: s.update(waiting=["email"]),
        "waits for email, but step 'size' asks company_size",
    ),
    ("waiting nowhere", lambda s: s.update(step=None), "waits for company_size, but no step"),
    (
        "finished waiting",
        lambda s: s.update(done=True, outcome=None),
        "finished but has no outcome",
    ),
]


@pytest.mark.parametrize(("edit", "expected"), [e[1:] for e in EDITS], ids=[e[0] for e in EDITS])
def test_structurally_impossible_state_is_refused(edit: Edit, expected: str) -> None:
    state = saved_midway()
    assert state["transcript"][2]["knowledge"] == "sso"  # the edit above targets this line
    edit(state)
    with pytest.raises(StateError) as err:
        ENGINE.resume(json.dumps(state))
    assert expected in str(err.value)
    assert str(err.value).startswith("saved state ") and "tampered with" in str(err.value)


def test_every_state_the_engine_makes_resumes() -> None:
    session = ENGINE.start(context={"page": "/pricing"}, reference_date="2026-01-15")
    messages = [
        "We're a 600-person manufacturer drowning in spreadsheets. Is it GDPR compliant?",
        "Excel",
        "this quarter",
        "about $80k a year",
        "me, our CFO and the IT lead",
        "jen@acme-mfg.com",
    ]
    for message in messages:
        session = ENGINE.resume(session.state.model_dump_json())
        session.send(message)
    assert session.done
    assert ENGINE.resume(session.state.model_dump_json()).state == session.state


@pytest.mark.parametrize(
    ("slot_def", "good", "bad"),
    [
        ({"type": "integer"}, [3, 0, -2], ["3", 3.0, True, None]),
        ({"type": "number"}, [3, 2.5], ["2.5", False, float("nan")]),
        ({"type": "money"}, [50000.0, 12], ["$5", None]),
        ({"type": "boolean"}, [True, False], [1, "yes", None]),
        ({"type": "list"}, [["CFO"], []], ["CFO", [""], [1], None]),
        ({"type": "text"}, ["Excel"], ["", 5, ["a"]]),
        ({"type": "email"}, ["a@b.co"], [5]),
        ({"type": "enum", "values": ["a", "b"]}, ["a"], ["c", 1]),
        ({"type": "timeline"}, ["next_quarter"], ["soon", 2]),
        ({"type": "timeline", "values": ["now", "later"]}, ["now"], ["this_quarter"]),
    ],
)
def test_slot_value_problem(slot_def: dict[str, Any], good: list[Any], bad: list[Any]) -> None:
    declared = Slot.model_validate(slot_def)
    assert [declared.value_problem(v) for v in good] == [None] * len(good)
    assert all(declared.value_problem(v) for v in bad)
