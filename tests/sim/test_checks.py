"""Every check with a conversation that passes it and one that fails it."""

from __future__ import annotations

from convodesk.runtime.model import Flow
from convodesk.sim.checks import run_checks, values_match

from .conftest import make_persona
from .helpers import check, converse


def test_a_good_buyer_passes_every_check(tiny_flow: Flow) -> None:
    c = converse(tiny_flow, make_persona(behavior={"asks": [{"text": "Do you do SSO?", "at": 2}]}))
    assert [(r.id, r.status) for r in c.checks if r.status != "pass"] == []
    assert c.outcome.route == "warm"


def test_route_expected_fails_and_names_the_scores(tiny_flow: Flow) -> None:
    c = converse(tiny_flow, make_persona(profile={"company_size": 10}, expect={"slots": {}}))
    status, why = check(c, "route_expected")
    assert status == "fail"
    assert "expected route 'warm' but the flow chose 'nurture'" in why
    assert "fit 0" in why


def test_slots_captured_within_tolerance_and_fails_outside(tiny_flow: Flow) -> None:
    near = converse(tiny_flow, make_persona(expect={"slots": {"size": 520}}))
    assert check(near, "slots_captured")[0] == "pass"
    far = converse(tiny_flow, make_persona(expect={"slots": {"size": 600}}))
    status, why = check(far, "slots_captured")
    assert status == "fail" and "size: expected 600, captured 500" in why


def test_slots_captured_explains_a_declined_slot(tiny_flow: Flow) -> None:
    p = make_persona(behavior={"refuses": ["budget"]}, expect={"slots": {"budget": 20000}})
    status, why = check(converse(tiny_flow, p), "slots_captured")
    assert status == "fail" and "budget" in why and "declined" in why


def test_values_match_rules() -> None:
    assert values_match(100, 109, 0.1) and not values_match(100, 111, 0.1)
    assert values_match(["CFO"], ["our cfo", "IT"], 0.1)
    assert not values_match(["CFO", "legal"], ["cfo"], 0.1)
    assert values_match("North_America", "north_america", 0.1)
    assert not values_match(5, None, 0.1)


def test_turn_budget(tiny_flow: Flow) -> None:
    assert check(converse(tiny_flow, make_persona()), "turn_budget")[0] == "pass"
    status, why = check(converse(tiny_flow, make_persona(expect={"max_turns": 2})), "turn_budget")
    assert status == "fail" and "budget is 2" in why


def test_ai_disclosure(tiny_flow: Flow) -> None:
    assert check(converse(tiny_flow, make_persona()), "ai_disclosure")[0] == "pass"
    silent = tiny_flow.model_copy(deep=True)
    silent.bot.disclosure = ""
    status, why = check(converse(silent, make_persona()), "ai_disclosure")
    assert status == "fail" and "AI" in why and "recorded" in why


def test_give_before_ask_fails_when_a_question_is_ignored(tiny_flow: Flow) -> None:
    asks = make_persona(behavior={"asks": [{"text": "Do you do SSO?", "at": 3}]})
    good = converse(tiny_flow, asks)
    assert check(good, "give_before_ask")[0] == "pass"
    # the bot answering after its next question is the failure the check exists for
    bad = converse(tiny_flow, asks)
    turn = next(m.turn for m in bad.state.transcript if m.kind == "answer")
    replies = [m for m in bad.state.transcript if m.role == "bot" and m.turn == turn]
    first, last = bad.state.transcript.index(replies[0]), bad.state.transcript.index(replies[-1])
    bad.state.transcript[first : last + 1] = list(reversed(replies))
    status, why = run_checks(bad)[4].status, run_checks(bad)[4].explanation
    assert status == "fail" and "before answering 'Do you do SSO?'" in why
    for m in bad.state.transcript:
        if m.kind == "answer":
            m.kind = "say"
    assert "never answered" in run_checks(bad)[4].explanation


def test_approved_answers_only(tiny_flow: Flow) -> None:
    p = make_persona(behavior={"asks": ["Do you do SSO?", "Is it on premise?"]})
    c = converse(tiny_flow, p)
    assert check(c, "approved_answers_only")[0] == "pass"
    answer = next(m for m in c.state.transcript if m.kind == "answer")
    answer.text = "Yes, and it is free forever."
    result = next(r for r in run_checks(c) if r.id == "approved_answers_only")
    assert result.status == "fail" and "differs from knowledge entry 'sso'" in result.explanation


def test_committee_asked(tiny_flow: Flow) -> None:
    assert check(converse(tiny_flow, make_persona()), "committee_asked")[0] == "pass"
    no_team = tiny_flow.model_copy(deep=True)
    no_team.steps = [s for s in no_team.steps if s.id != "team"]
    status, why = check(converse(no_team, make_persona()), "committee_asked")
    assert status == "fail" and "without asking who else decides" in why
    nurture = converse(tiny_flow, make_persona(profile={"company_size": 5}))
    assert check(nurture, "committee_asked")[0] == "skip"


def test_handoff_complete(tiny_flow: Flow) -> None:
    assert check(converse(tiny_flow, make_persona()), "handoff_complete")[0] == "pass"
    c = converse(tiny_flow, make_persona(context={}))
    status, why = check(c, "handoff_complete")
    assert status == "fail" and "source context" in why
    c = converse(tiny_flow, make_persona())
    c.outcome.handoff.next_action.owner = ""
    c.outcome.handoff.transcript = []
    why = next(r for r in run_checks(c) if r.id == "handoff_complete").explanation
    assert "next-action owner" in why and "full transcript" in why


def test_persona_can_restrict_checks(tiny_flow: Flow) -> None:
    c = converse(tiny_flow, make_persona(expect={"checks": ["route_expected"]}))
    assert [r.id for r in c.checks] == ["route_expected"]
