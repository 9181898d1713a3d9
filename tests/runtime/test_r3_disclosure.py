"""The AI disclosure is said first and exactly once, wherever `{bot.disclosure}` is written."""

from __future__ import annotations

import textwrap

import pytest

from convodesk.runtime import Engine, parse_flow
from convodesk.runtime.model import Flow

DISCLOSURE = "I'm Ava, an AI assistant. This chat is recorded."


def flow_of(steps: str, *, disclosure: str = DISCLOSURE) -> Flow:
    head = (
        "flow: t\n"
        f'bot: {{name: Ava, disclosure: "{disclosure}"}}\n'
        'slots: {pain: {type: text}, size: {type: integer, ask: "How many people?"}}\n'
        "steps:\n"
    )
    loaded = parse_flow(head + textwrap.indent(textwrap.dedent(steps), "  "), "f.yaml")
    assert loaded.flow is not None, loaded.problems
    return loaded.flow


def opening(flow: Flow) -> list[str]:
    return Engine(flow).start().opening.messages


def test_a_first_step_that_carries_the_disclosure_says_it_once() -> None:
    flow = flow_of("""\
    - {id: greet, say: "{bot.disclosure} What brings you here?", collect: pain}
    - {id: bye, end: true}
    """)
    assert opening(flow) == [f"{DISCLOSURE} What brings you here?"]


def test_a_skipped_first_step_does_not_swallow_the_disclosure() -> None:
    flow = flow_of("""\
    - {id: greet, say: "{bot.disclosure} Welcome back.", when: "turn > 3"}
    - {id: pain, ask: pain, say: "What brings you here?"}
    - {id: bye, end: true}
    """)
    assert opening(flow) == [DISCLOSURE, "What brings you here?"]


def test_the_disclosure_in_a_later_step_is_said_first_and_not_twice() -> None:
    flow = flow_of("""\
    - {id: hello, say: "Welcome!"}
    - {id: pain, ask: pain, say: "{bot.disclosure} What brings you here?"}
    - {id: bye, end: true}
    """)
    assert opening(flow) == [DISCLOSURE, "Welcome!", "What brings you here?"]


def test_a_second_mention_in_the_opening_is_empty() -> None:
    flow = flow_of("""\
    - {id: hello, say: "{bot.disclosure}"}
    - {id: pain, ask: pain, say: "{bot.disclosure} What brings you here?"}
    - {id: bye, end: true}
    """)
    messages = opening(flow)
    assert messages == [DISCLOSURE, "What brings you here?"]


def test_a_conversation_that_ends_in_its_opening_is_still_told() -> None:
    flow = flow_of("""\
    - {id: bye, end: true}
    """)
    session = Engine(flow).start()
    assert session.opening.messages == [DISCLOSURE]
    assert session.outcome is not None
    assert session.outcome.handoff.transcript == [{"role": "bot", "text": DISCLOSURE}]


def test_the_disclosure_fills_its_own_placeholders() -> None:
    flow = flow_of(
        """\
    - {id: pain, ask: pain, say: "{bot.disclosure} What brings you here?"}
    - {id: bye, end: true}
    """,
        disclosure="I'm {bot.name}, an AI assistant; this chat is recorded.",
    )
    assert opening(flow) == [
        "I'm Ava, an AI assistant; this chat is recorded. What brings you here?"
    ]


def test_a_reasked_greeting_does_not_disclose_again() -> None:
    flow = flow_of("""\
    - {id: size, ask: size, say: "{bot.disclosure} How many people work with you?"}
    - {id: bye, end: true}
    """)
    session = Engine(flow).start()
    turn = session.send("hmm")
    assert all(DISCLOSURE not in m for m in turn.messages), turn.messages


@pytest.mark.parametrize(
    ("step", "words"),
    [
        ('{id: b, say: "hi", branch: [{next: bye}]}', "a branch step does not speak"),
        ('{id: b, say: "hi", route: true}', "a route step does not speak"),
    ],
)
def test_say_on_a_step_that_never_speaks_is_a_load_error(step: str, words: str) -> None:
    text = f"flow: t\nsteps:\n  - {step}\n  - {{id: bye, end: true}}\n"
    loaded = parse_flow(text, "f.yaml")
    assert loaded.flow is None
    assert any(
        p.severity == "error" and str(p).startswith("f.yaml:3:5: steps[0]: ") and words in str(p)
        for p in loaded.problems
    ), loaded.problems
