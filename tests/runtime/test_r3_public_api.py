"""Public runtime helpers the studio uses: `show_value`, `Session.route_preview`, graph ids."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from convodesk.runtime import Engine, load_flow, parse_flow
from convodesk.runtime.graph import _node, to_mermaid
from convodesk.runtime.templates import render, show_value

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows" / "saas_inbound.yaml")


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (60000.0, "money", "60,000"),
        (1234.5, "money", "1,234.50"),
        (2026, "integer", "2026"),
        (3.0, None, "3"),
        (True, "boolean", "yes"),
        (False, "boolean", "no"),
        (["CFO", "IT lead", "COO"], "list", "CFO, IT lead and COO"),
        (["CFO"], "list", "CFO"),
        ("as typed {x}", "text", "as typed {x}"),
    ],
)
def test_show_value(value: object, kind: str | None, shown: str) -> None:
    assert show_value(value, kind) == shown


def test_templates_show_values_as_show_value_does() -> None:
    env = {"budget": 60000.0, "decider": True, "committee": ["CFO", "IT lead"]}
    kinds = {"budget": "money", "decider": "boolean", "committee": "list"}
    text = "Budget {budget}; decides: {decider}; with {committee}."
    assert render(text, env, kinds) == "Budget 60,000; decides: yes; with CFO and IT lead."


def test_a_money_slot_in_a_message_gets_thousands_separators() -> None:
    text = """\
    flow: t
    slots: {budget: {type: money, ask: "Budget?"}}
    steps:
      - {id: b, ask: budget}
      - {id: bye, end: true, say: "Noted: {budget} a year."}
    """
    loaded = parse_flow(textwrap.dedent(text), "f.yaml")
    assert loaded.flow is not None, loaded.problems
    session = Engine(loaded.flow).start()
    assert session.send("$60k").messages == ["Noted: 60,000 a year."]


def test_the_studio_shows_scalars_the_way_messages_do() -> None:
    from convodesk.tui.words import shown_value

    for value, kind in [(60000.0, "money"), (1234.5, "money"), (True, None), (7.0, "integer")]:
        assert shown_value(value, kind) == show_value(value, kind)
    assert shown_value(["CFO", "IT lead"]) == "CFO, IT lead"  # a pane cell keeps commas
    assert shown_value([]) == "(none)"


def test_route_preview_is_what_closing_now_would_decide_and_changes_nothing() -> None:
    engine = Engine(FLOW)
    session = engine.start(reference_date="2026-01-15")
    for text in ["Our team is drowning in spreadsheets", "Excel", "about 450 people"]:
        session.send(text)
    before = session.state.model_dump_json()
    preview = session.route_preview()
    assert session.state.model_dump_json() == before
    assert preview.reasons and preview.reasons[0].startswith(f"route {preview.route}")
    closed = session.close()
    assert closed.outcome is not None
    assert (closed.outcome.route, closed.outcome.reasons) == (preview.route, preview.reasons)


ROUTED = """\
flow: t
slots:
  size: {type: integer, ask: "How many people?"}
  email: {type: email, ask: "Your email?"}
routes:
  - {when: "size >= 100", route: warm, action: book_meeting}
  - {route: nurture, action: newsletter}
steps:
  - {id: size, ask: size}
  - {id: decide, route: true}
  - {id: email, ask: email}
  - {id: bye, end: true}
"""


def test_route_preview_after_the_route_step_is_the_decision_taken() -> None:
    loaded = parse_flow(ROUTED, "f.yaml")
    assert loaded.flow is not None, loaded.problems
    session = Engine(loaded.flow).start()
    assert session.route_preview().route == "nurture"  # nothing known yet
    session.send("500")
    assert session.state.route is not None and session.state.route.route == "warm"
    preview = session.route_preview()
    assert preview == session.state.route
    preview.reasons.append("edited by the caller")
    assert "edited by the caller" not in session.state.route.reasons  # a copy


def test_mermaid_node_ids_are_one_to_one() -> None:
    ids = ["a-b", "a_b", "a b", "a.b", "a__b", "a_2d_b", "x_a_2d_b", "ab", "é", "e"]
    nodes = [_node(i) for i in ids]
    assert len(set(nodes)) == len(ids), dict(zip(ids, nodes, strict=True))
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", n) for n in nodes)
    assert _node("greet") == "s_greet" and _node("lead_in") == "s_lead_in"  # unchanged


def test_steps_a_dash_b_and_a_underscore_b_are_two_nodes_in_the_drawing() -> None:
    text = """\
    flow: t
    steps:
      - {id: a-b, say: one}
      - {id: a_b, say: two}
      - {id: bye, end: true}
    """
    loaded = parse_flow(textwrap.dedent(text), "f.yaml")
    assert loaded.flow is not None, loaded.problems
    drawing = to_mermaid(loaded.flow)
    declared = re.findall(r"^    (\w+)\[", drawing, re.M)
    assert len(declared) == 2 and len(set(declared)) == 2, drawing
    assert f"    {declared[0]} --> {declared[1]}\n" in drawing
