"""Loops that cannot make progress: refused by validate, and stopped at once by the engine."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from convodesk.runtime import ActionResult, Engine, parse_flow
from convodesk.runtime.model import Flow

ROOT = Path(__file__).resolve().parents[2]
CLI = "from convodesk.cli.app import main; main()"
SLOTS = """\
slots:
  company_size: {type: integer, ask: "How many people work there?"}
  email: {type: email, ask: "What's your work email?"}
  role: {type: text, ask: "What's your role?"}
"""


def load(steps: str):  # type: ignore[no-untyped-def]
    text = "flow: t\n" + SLOTS + "steps:\n" + textwrap.indent(textwrap.dedent(steps), "  ")
    return parse_flow(text, "f.yaml")


def errors(steps: str) -> list[str]:
    return [str(p) for p in load(steps).problems if p.severity == "error"]


def unchecked(steps: str) -> Flow:
    """The flow as the engine would get it from code, without the load-time graph check."""
    import yaml

    text = "flow: t\n" + SLOTS + "steps:\n" + textwrap.indent(textwrap.dedent(steps), "  ")
    return Flow.model_validate(yaml.safe_load(text))


SIZE_LOOP = """\
- {id: size, ask: company_size}
- {id: check, branch: [{when: "company_size < 10", next: size}]}
- {id: bye, end: true, say: "Thanks!"}
"""
HOP_LOOP = """\
- {id: hop, say: "hop"}
- {id: again, branch: [{when: "turn < 1", next: hop}]}
- {id: bye, end: true}
"""


def test_a_loop_back_to_an_answered_question_is_an_error_at_the_way_back() -> None:
    found = errors(SIZE_LOOP)
    assert len(found) == 1, found
    assert found[0].startswith("f.yaml:8:60: steps[1].branch[0].next: the loop size → check → size")
    assert "company_size is already answered" in found[0]
    assert "'company_size is not set'" in found[0]  # how to make it a real re-ask


def test_a_loop_that_never_asks_is_an_error() -> None:
    found = errors(HOP_LOOP)
    assert len(found) == 1, found
    assert found[0].startswith("f.yaml:8:51: steps[1].branch[0].next: the loop hop → again → hop")
    assert "never waits for the buyer" in found[0]


def test_answering_one_question_of_a_loop_does_not_save_it() -> None:
    found = errors("""\
    - {id: size, ask: company_size}
    - {id: role, ask: role}
    - {id: check, branch: [{when: "company_size < 10", next: size}]}
    - {id: bye, end: true}
    """)
    assert any("the loop size → role → check → size" in p for p in found), found


def test_a_guard_on_a_slot_the_loop_does_not_ask_is_no_guard() -> None:
    found = errors("""\
    - {id: size, ask: company_size}
    - {id: check, branch: [{when: "email is not set", next: size}]}
    - {id: bye, end: true}
    """)
    assert any("the loop size → check → size" in p for p in found), found


@pytest.mark.parametrize(
    "steps",
    [
        # re-ask until given: the way back is taken only while the slot is unset
        """\
        - {id: ask_email, ask: email}
        - {id: check, branch: [{when: "email is not set", next: ask_email}]}
        - {id: bye, end: true}
        """,
        # the same, written as "leave when set, else nudge and go back"
        """\
        - {id: ask_email, ask: email}
        - {id: check, branch: [{when: "email is set", next: bye}]}
        - {id: nudge, say: "I need an email to send the summary.", next: ask_email}
        - {id: bye, end: true}
        """,
        # a guard in a combined condition
        """\
        - {id: size, ask: company_size}
        - {id: role, ask: role}
        - {id: check, branch: [{when: "turn < 6 and not (role is set)", next: size}]}
        - {id: bye, end: true}
        """,
        # forward branches are no loop at all
        """\
        - {id: size, ask: company_size}
        - {id: check, branch: [{when: "company_size < 10", next: bye}]}
        - {id: role, ask: role}
        - {id: bye, end: true}
        """,
    ],
)
def test_loops_that_wait_for_an_answer_pass(steps: str) -> None:
    assert errors(textwrap.dedent(steps)) == []


def test_every_example_flow_still_validates_strictly() -> None:
    flows = sorted(str(p) for p in (ROOT / "flows").glob("*.yaml"))
    result = subprocess.run(
        [sys.executable, "-c", CLI, "validate", "--strict", *flows],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "loop" not in result.stderr


def test_the_engine_stops_a_loop_without_progress_silently_and_cleanly() -> None:
    session = Engine(unchecked(SIZE_LOOP)).start()
    turn = session.send("5 people")
    assert turn.done and turn.outcome is not None
    assert turn.outcome.ended_by == "limit"
    assert turn.messages == []
    assert [e.detail for e in turn.events if e.kind == "limit"] == [
        "steps check → size → check repeat without waiting for the buyer"
    ]
    session.engine.dump(session)  # the state is whole


def test_a_looping_opening_says_each_line_once() -> None:
    session = Engine(unchecked(HOP_LOOP)).start()
    assert session.opening.messages == ["hop"]
    assert session.done and session.outcome is not None
    assert session.outcome.ended_by == "limit"


def test_an_action_inside_a_runaway_loop_runs_once() -> None:
    calls: list[str] = []

    def book(request: object) -> ActionResult:
        calls.append("book")
        return ActionResult(message="Booked.")

    flow = unchecked("""\
    - {id: book, action: book_meeting}
    - {id: again, branch: [{next: book}]}
    """)
    session = Engine(flow, actions={"book_meeting": book}).start()
    assert calls == ["book"]
    assert session.opening.messages == ["Booked."]


def test_a_loop_with_no_way_out_names_the_loop_itself() -> None:
    text = """\
    flow: t
    steps:
      - {id: a, say: hi}
      - {id: b, say: again}
      - {id: c, say: more, next: b}
    """
    found = [str(p) for p in parse_flow(textwrap.dedent(text), "f.yaml").problems]
    assert found == [
        "f.yaml:4:10: steps[1].id: steps b → c → b loop forever: no path from them reaches an end"
    ]
