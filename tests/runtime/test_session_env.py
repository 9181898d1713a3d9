"""A session builds the names its conditions and templates see once per turn and again after
every fill: a template or condition read after a fill must see that fill, one read before it
must not, and a score is never one fill behind."""

from __future__ import annotations

import textwrap

from convodesk.runtime import Engine, Flow, parse_flow

FLOW = """\
    flow: t
    bot: {name: Ava, disclosure: ""}
    slots:
      size: {type: integer, ask: "How many people? (fit {fit})", cues: [people]}
      tool: {type: text, ask: "Which tool does your {size|whole} team of {size|?} use?"}
      region: {type: enum, values: [emea, us], synonyms: {emea: [europe]}}
    knowledge:
      - {id: sso, patterns: [sso], answer: "Yes, SSO for all {size|your} people (fit {fit})."}
    disqualify:
      - {when: "region == 'us' and fit < 50", reason: small_us}
    scoring:
      fit:
        - {when: "size >= 100", add: 60, reason: big}
        - {when: "region == 'emea'", add: 10}
    routes:
      - {when: "fit >= 60", route: warm, say: "Warm at {fit} for {size} people."}
      - {route: nurture}
    steps:
      - {id: a, ask: size}
      - {id: b, ask: tool}
      - {id: r, route: true}
      - {id: e, end: true}
    """


def engine() -> Engine:
    loaded = parse_flow(textwrap.dedent(FLOW), "t.yaml")
    assert loaded.flow is not None, loaded.problems
    flow: Flow = loaded.flow
    return Engine(flow)


def test_an_answer_given_before_the_fill_reads_the_slots_as_they_were() -> None:
    session = engine().start(reference_date="2026-01-15")
    assert session.opening.messages == ["How many people? (fit 0)"]
    turn = session.send("Do you support SSO? We are 300 people in Europe.")
    # The question is answered first (give before ask), then the facts fill their slots.
    assert turn.messages == [
        "Yes, SSO for all your people (fit 0).",
        "Which tool does your 300 team of 300 use?",
    ]
    assert turn.scores.fit == 70


def test_a_disqualifier_and_a_route_see_this_turns_fills() -> None:
    session = engine().start(reference_date="2026-01-15")
    turn = session.send("We are 20 people in the US")
    assert turn.done and turn.outcome is not None and turn.outcome.disqualified == "small_us"

    session = engine().start(reference_date="2026-01-15")
    session.send("We are 300 people")
    turn = session.send("Excel")
    assert turn.messages == ["Warm at 60 for 300 people."]
    assert turn.outcome is not None and turn.outcome.route == "warm"
    assert [r for r in turn.outcome.reasons if r.startswith("fit")] == ["fit +60: big"]


def test_a_resumed_session_scores_the_state_it_was_given() -> None:
    first = engine()
    session = first.start(reference_date="2026-01-15")
    session.send("We are 300 people in Europe")
    resumed = first.resume(session.state.model_dump_json())
    assert resumed.scores().fit == 70
    assert resumed.send("Excel").outcome.route == "warm"  # type: ignore[union-attr]


def test_closing_early_decides_on_the_state_as_it_is_then() -> None:
    session = engine().start(reference_date="2026-01-15")
    session.send("We are 300 people")
    turn = session.close("left")
    assert turn.outcome is not None and turn.outcome.route == "warm"
    assert turn.outcome.scores.fit == 60
