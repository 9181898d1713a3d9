"""The flow as a graph: a step with `when` can be passed over, whatever its kind."""

from __future__ import annotations

import textwrap
from pathlib import Path

from convodesk.runtime import Engine, parse_flow
from convodesk.runtime.graph import Edge, drawn_edges, edges, reachable, to_mermaid
from convodesk.runtime.model import Flow

ROOT = Path(__file__).resolve().parents[2]

CONDITIONAL_HANDOFF = """\
flow: t
bot: {disclosure: "I'm an AI assistant; this chat is recorded."}
slots:
  size: {type: integer, ask: "How many people?"}
  committee: {type: list, ask: "Who else is deciding?"}
steps:
  - {id: size, ask: size}
  - {id: committee, ask: committee}
  - {id: sales, handoff: sales, when: "size >= 1000"}
  - {id: bye, end: true, say: "Thanks!"}
"""


def loaded(text: str, *, lint: bool = False):  # type: ignore[no-untyped-def]
    return parse_flow(textwrap.dedent(text), "f.yaml", lint=lint)


def flow_of(text: str) -> Flow:
    result = loaded(text)
    assert result.flow is not None, result.problems
    return result.flow


def test_conditional_handoff_falls_through_to_the_next_step() -> None:
    result = loaded(CONDITIONAL_HANDOFF, lint=True)
    assert result.problems == []  # no "can never be reached": validate --strict passes
    flow = result.flow
    assert flow is not None
    assert "bye" in reachable(flow)
    from_sales = [e for e in edges(flow) if e.source == "sales"]
    assert from_sales == [Edge("sales", "bye", "when false", skip=True)]


def test_the_engine_takes_the_fall_through_the_graph_draws() -> None:
    flow = flow_of(CONDITIONAL_HANDOFF)
    small = Engine(flow).start()
    small.send("40")
    turn = small.send("just me")
    assert turn.done and turn.outcome is not None and turn.outcome.ended_by == "end"
    assert turn.messages[-1] == "Thanks!"
    big = Engine(flow).start()
    big.send("5000")
    assert big.send("me and the CFO").outcome.ended_by == "handoff"  # type: ignore[union-attr]


def test_conditional_end_is_not_a_dead_end_and_not_a_loop() -> None:
    text = """\
    flow: t
    slots: {n: {type: integer, ask: "How many?"}}
    steps:
      - {id: a, ask: n}
      - {id: early, end: true, when: "n < 5", say: "Bye early."}
      - {id: b, branch: [{when: "n is not set", next: a}, {next: late}]}
      - {id: late, end: true}
    """
    # the way back is taken only while n is unset, so the loop asks again (`n > 100` would
    # come back to a filled question: a loop without progress, see test_r3_loops.py)
    result = loaded(text)
    assert result.problems == [], result.problems


def test_conditional_branch_and_route_steps_fall_through_too() -> None:
    text = """\
    flow: t
    slots: {n: {type: integer, ask: "How many?"}}
    routes:
      - {when: "n > 10", route: warm, next: big}
      - {route: nurture, next: small}
    steps:
      - {id: a, ask: n}
      - {id: fork, when: "n > 3", branch: [{next: big}]}
      - {id: decide, route: true, when: "n > 1"}
      - {id: other, say: "Hm."}
      - {id: big, say: "Big!"}
      - {id: small, end: true}
    """
    result = loaded(text)
    assert result.flow is not None
    assert [str(p) for p in result.problems] == []  # 'other' is reached when decide is skipped
    skips = {(e.source, e.target) for e in edges(result.flow) if e.skip}
    assert skips == {("fork", "decide"), ("decide", "other")}


def test_a_step_without_when_has_no_fall_through() -> None:
    text = """\
    flow: t
    steps:
      - {id: a, say: hi, next: c}
      - {id: b, handoff: sales}
      - {id: c, end: true}
    """
    result = loaded(text)
    assert [p.message for p in result.warnings] == ["step 'b' can never be reached"]
    assert not any(e.skip for e in edges(result.flow))  # type: ignore[arg-type]


def test_mermaid_draws_the_skip_from_every_way_in() -> None:
    text = """\
    flow: t
    slots:
      n: {type: integer, ask: "How many?"}
      m: {type: integer, ask: "And?"}
    steps:
      - {id: a, ask: n}
      - {id: b, ask: m, when: "n > 3"}
      - {id: c, say: "C", when: "n > 5"}
      - {id: d, end: true}
    """
    flow = flow_of(text)
    drawn = {(e.source, e.target): e.label for e in drawn_edges(flow) if e.skip}
    assert drawn == {("a", "c"): "skip b", ("b", "d"): "skip c", ("a", "d"): "skip b, c"}
    mermaid = to_mermaid(flow)
    assert '    s_a -.->|"skip b"| s_c\n' in mermaid
    assert '    s_a -.->|"skip b, c"| s_d\n' in mermaid
    assert 's_b["b<br/>ask: m<br/>only when: n > 3"]' in mermaid


def test_example_flow_mermaid_shows_the_budget_skip() -> None:
    flow = flow_of((ROOT / "flows" / "saas_inbound.yaml").read_text())
    mermaid = to_mermaid(flow)
    lines = mermaid.splitlines()
    at = lines.index("    s_timeline --> s_budget")
    assert lines[at + 1] == '    s_timeline -.->|"skip budget"| s_committee'
    assert "    s_budget --> s_committee" in lines
    assert "only when: fit >= 40 and timeline in ['this_quarter', 'next_quarter']" in mermaid
    assert lines[-6].startswith('    DQ(["disqualify on any turn:<br/>competitor, student, ')


def test_first_step_with_when_draws_its_own_fall_through() -> None:
    text = """\
    flow: t
    steps:
      - {id: vip, handoff: sales, when: "context.vip == true"}
      - {id: hi, say: "Hello"}
      - {id: e, end: true}
    """
    result = loaded(text)
    assert result.problems == []
    assert '    s_vip -.->|"when false"| s_hi\n' in to_mermaid(result.flow)  # type: ignore[arg-type]
