"""Every check with a conversation that passes it and one that fails it."""

from __future__ import annotations

import asyncio

import pytest

from convodesk.runtime.model import Flow
from convodesk.runtime.state import Scores
from convodesk.sim.checks import run_checks, values_match
from convodesk.sim.runner import run_conversation, sim_engine

from .conftest import PlainUnderstander, make_persona
from .helpers import check, converse


def test_a_good_buyer_passes_every_check(tiny_flow: Flow) -> None:
    c = converse(tiny_flow, make_persona(behavior={"asks": [{"text": "Do you do SSO?", "at": 2}]}))
    assert [(r.id, r.status) for r in c.checks if r.status != "pass"] == []
    assert c.outcome.route == "warm"


def test_route_expected_fails_and_names_the_scores(tiny_flow: Flow) -> None:
    c = converse(tiny_flow, make_persona(profile={"company_size": 10}, expect={"slots": {}}))
    status, why = check(c, "route_expected")
    assert status == "fail"
    assert why == (
        "expected route 'warm' but the flow chose 'nurture': route rule routes[1] 'nurture' "
        "(no when, so it always holds) fired with scores fit 0, intent 50, capacity 50; "
        "the expected rule routes[0] 'warm' (when: fit >= 60) did not hold"
    )


def test_route_expected_quotes_the_condition_that_fired_not_its_reason(tiny_flow: Flow) -> None:
    broken = tiny_flow.model_copy(deep=True)
    broken.routes[0].when = "fit >= 0"
    broken.routes[0].reason = "strong fit and intent"
    c = converse(broken, make_persona(profile={"company_size": 10}, expect={"route": "nurture"}))
    status, why = check(c, "route_expected")
    assert status == "fail" and "strong fit" not in why
    assert "route rule routes[0] 'warm' (when: fit >= 0) fired with scores fit 0" in why
    assert "the expected rule routes[1] 'nurture' (no when, so it always holds) holds too" in why


def test_route_expected_names_the_disqualifier_that_fired(tiny_flow: Flow) -> None:
    c = converse(tiny_flow, make_persona(behavior={"opening": "I'm a student."}))
    status, why = check(c, "route_expected")
    assert status == "fail"
    assert why == (
        "expected route 'warm' but the flow chose 'disqualify': disqualifier disqualify[0] "
        "'student' fired (when: visitor == 'student') with visitor = 'student'; "
        "scores were fit 0, intent 0, capacity 0"
    )


def test_route_expected_names_a_missing_disqualifier(tiny_flow: Flow) -> None:
    broken = tiny_flow.model_copy(deep=True)
    broken.disqualify[0].when = "email_domain in ['rival.example']"
    broken.disqualify[0].reason = "competitor"
    student = make_persona(
        behavior={"opening": "I'm a student."}, expect={"route": "disqualify", "slots": {}}
    )
    status, why = check(converse(broken, student), "route_expected")
    assert status == "fail"
    assert "no disqualifier fired; disqualifiers check: email_domain" in why
    assert "the conversation had email_domain = 'big.example'" in why
    assert "captured, but read by no disqualifier: visitor = 'student'" in why
    assert "route rule routes[0] 'warm' (when: fit >= 60) fired with scores fit 70" in why
    # a rule that reads the slot but not this value is named the same way
    broken.disqualify[0].when = "visitor == 'competitor'"
    status, why = check(converse(broken, student), "route_expected")
    assert "the conversation had visitor = 'student'" in why
    assert "no disqualifier tests visitor == 'student' (is a rule missing?)" in why


def test_route_expected_when_the_buyer_left_still_gives_rule_and_scores(tiny_flow: Flow) -> None:
    p = make_persona(behavior={"patience": 2}, expect={"route": "nurture", "slots": {}})
    c = converse(tiny_flow, p)
    status, why = check(c, "route_expected")
    assert status == "fail" and c.left
    assert why == (
        "expected route 'nurture' but the flow chose 'warm': the buyer left at message 2 "
        "(budget was being asked), before the route step; route rule routes[0] 'warm' "
        "(when: fit >= 60) fired with scores fit 70, intent 50, capacity 0; the expected rule "
        "routes[1] 'nurture' (no when, so it always holds) holds too, but comes later"
    )


def test_the_turn_cap_ends_the_conversation_and_fails_the_budget(tiny_flow: Flow) -> None:
    engine = sim_engine(tiny_flow, understander=PlainUnderstander())
    persona = make_persona(expect={"route": "nurture"})
    c = asyncio.run(run_conversation(engine, persona, max_turns=2))
    assert c.capped and not c.left and c.turns == 2
    assert c.outcome.ended_by == "limit"
    status, why = check(c, "turn_budget")
    assert status == "fail"
    assert why == "the conversation hit the simulator's turn cap (2 buyer messages)"
    status, why = check(c, "route_expected")
    assert status == "fail"
    assert "the simulator's turn cap stopped it at message 2, before the route step" in why
    assert "with scores fit 70, intent 50, capacity 0" in why


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


def test_text_slots_match_by_phrase_and_lists_by_item() -> None:
    # text keeps the buyer's lead-ins; the expected phrase only has to be in it
    assert values_match("spreadsheets", "now it's Spreadsheets, honestly", 0.1, "text")
    assert values_match("paper  checklists", "Paper checklists and Excel.", 0.1, "text")
    assert not values_match("spreadsheets", "now it's Airtable", 0.1, "text")
    assert not values_match("sheet", "spreadsheets", 0.1, "text"), "whole words only"
    assert not values_match("", "anything", 0.1, "text")
    # lists: each expected item inside some captured item, punctuation aside
    assert values_match(["IT lead", "cfo"], ["the CFO", "our IT-lead"], 0.1, "list")
    assert not values_match(["IT"], ["with finance"], 0.1, "list")
    # a buyer who says "CFO and IT lead, plus me" named one more: still the expected committee
    assert values_match(["CFO", "IT lead"], ["CFO", "IT lead", "me"], 0.1, "list")
    # other kinds stay exact (case and punctuation aside)
    assert not values_match("this_quarter", "not this_quarter", 0.1, "timeline")
    assert not values_match("manufacturing", "manufacturing and logistics", 0.1, "enum")


def test_slots_captured_passes_text_slots_that_contain_the_phrase(tiny_flow: Flow) -> None:
    persona = make_persona(
        facts={"tool": "right now it's spreadsheets and email"},
        behavior={"verbosity": "normal"},
        expect={"slots": {"tool": "Spreadsheets and email"}},
    )
    c = converse(tiny_flow, persona)
    assert "right now" in c.state.slots["tool"].value.lower()
    assert check(c, "slots_captured")[0] == "pass"
    wrong = converse(tiny_flow, make_persona(expect={"slots": {"tool": "Airtable"}}))
    status, why = check(wrong, "slots_captured")
    assert status == "fail" and "a text slot passes when it contains the phrase" in why


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


def _with_fields(flow: Flow) -> Flow:
    out = flow.model_copy(deep=True)
    out.handoff.fields = {
        "size": "size",
        "tool": "tool",
        "budget": "budget",
        "page": "context.page",
    }
    return out


BLANKINGS = {
    "reasons": lambda p: setattr(p, "reasons", []),
    "scores": lambda p: setattr(p, "scores", Scores()),
    "outstanding": lambda p: setattr(p, "outstanding_questions", []),
    "field dropped": lambda p: p.fields.pop("size"),
    "field emptied": lambda p: p.fields.update(tool=None),
    "field wrong": lambda p: p.fields.update(size=5),
    "transcript cut": lambda p: p.transcript.pop(),
    "transcript edited": lambda p: p.transcript[1].update(text="something else"),
}
WORDS = {
    "reasons": "the reasons the route rules fired",
    "scores": "the scores (fit 70, intent 50, capacity 50)",
    "outstanding": "the outstanding questions (the bot could not answer 1, the payload lists 0)",
    "field dropped": "field 'size'",
    "field emptied": "field 'tool' (empty, but tool is 'spreadsheets')",
    "field wrong": "field 'size' as learned (size is 500)",
    "transcript cut": "the full transcript",
    "transcript edited": "the full transcript",
}


@pytest.mark.parametrize("part", sorted(BLANKINGS))
def test_handoff_complete_fails_when_any_part_is_blanked(tiny_flow: Flow, part: str) -> None:
    flow = _with_fields(tiny_flow)
    p = make_persona(behavior={"refuses": ["budget"], "asks": ["Is it on premise?"]})
    c = converse(flow, p)
    payload = c.outcome.handoff
    assert check(c, "handoff_complete") == ("pass", "")
    assert payload.fields["budget"] is None, "a slot never learned may stay empty"
    assert payload.outstanding_questions == ["Is it on premise?"]
    BLANKINGS[part](payload)
    result = next(r for r in run_checks(c) if r.id == "handoff_complete")
    assert result.status == "fail"
    assert WORDS[part] in result.explanation, result.explanation


def test_persona_can_restrict_checks(tiny_flow: Flow) -> None:
    c = converse(tiny_flow, make_persona(expect={"checks": ["route_expected"]}))
    assert [r.id for r in c.checks] == ["route_expected"]


class GullibleUnderstander(PlainUnderstander):
    """Takes any answer to a text question as the value, "Hard to say at this point." too:
    the mistake `slots_captured` must catch when a buyer withholds a fact."""

    def analyze(self, text, flow, expecting, filled, reference_date):  # type: ignore[no-untyped-def]
        from convodesk.runtime.understanding import Extraction

        analysis = super().analyze(text, flow, expecting, filled, reference_date)
        taken = {e.slot for e in analysis.extractions}
        for name in expecting:
            if flow.slots[name].type == "text" and name not in taken:
                analysis.extractions.append(Extraction(name, text, text))
                analysis.declined = [d for d in analysis.declined if d != name]
        return analysis


def gullible(flow: Flow, persona):  # type: ignore[no-untyped-def]
    engine = sim_engine(flow, understander=GullibleUnderstander())
    return asyncio.run(run_conversation(engine, persona, seed=0))


def test_slots_captured_fails_when_a_deflected_fact_gets_a_value(tiny_flow: Flow) -> None:
    persona = make_persona(behavior={"deflects": ["tool"]}, expect={"slots": {"size": 500}})
    honest = converse(tiny_flow, persona)  # deflections left the slot empty
    assert "tool" not in honest.state.slots and check(honest, "slots_captured")[0] == "pass"
    c = gullible(tiny_flow, persona)
    said = c.state.slots["tool"].raw
    status, why = check(c, "slots_captured")
    assert status == "fail"
    assert why == (
        f"tool: the buyer deflected it (behavior.deflects), yet the bot captured {said!r} "
        f"from {said!r} (turn {c.state.slots['tool'].turn}); a refusal or a non-answer must "
        "leave the slot empty (declined, or asked again)"
    )


def test_slots_captured_checks_withheld_facts_even_without_expected_slots(
    tiny_flow: Flow,
) -> None:
    refuses = make_persona(behavior={"refuses": ["tool"]}, expect={"slots": {}})
    assert check(converse(tiny_flow, refuses), "slots_captured")[0] == "pass"  # not skipped
    status, why = check(gullible(tiny_flow, refuses), "slots_captured")
    assert status == "fail" and why.startswith("tool: the buyer refused it (behavior.refuses)")
    plain = make_persona(expect={"slots": {}})
    assert check(converse(tiny_flow, plain), "slots_captured")[0] == "skip"


def test_a_withheld_fact_an_llm_buyer_revealed_is_not_the_flows_fault(tiny_flow: Flow) -> None:
    from convodesk.sim.drivers import PersonaAction

    c = gullible(tiny_flow, make_persona(behavior={"deflects": ["tool"]}))
    c.actions.append(PersonaAction(turn=2, kind="fact_revealed", detail="said it", fact="tool"))
    result = next(r for r in run_checks(c) if r.id == "slots_captured")
    assert result.status == "pass"


def test_committee_advice_when_the_buyer_left_before_the_committee_step(tiny_flow: Flow) -> None:
    flow = tiny_flow.model_copy(deep=True)
    flow.routes[0].when = "fit >= 0"  # sends anyone to sales: the buyer's partial chat too
    left = converse(flow, make_persona(behavior={"patience": 2}, expect={"route": None}))
    assert left.left and left.outcome.route == "warm"
    status, why = check(left, "committee_asked")
    assert status == "fail"
    assert "before the route step" not in why
    assert why.endswith(
        "the buyer left at message 2, before step 'team' asks it, and the route was decided "
        "on what was said by then; to keep such leads out of sales, make the sales routes "
        "require 'team is set'"
    )
    skipped = flow.model_copy(deep=True)
    skipped.steps[4].when = "size > 100000"  # the team step, never true here
    status, why = check(converse(skipped, make_persona()), "committee_asked")
    assert why.endswith("step 'team' was skipped because its when: size > 100000 did not hold")
    late = flow.model_copy(deep=True)  # the route decided before the committee question
    team, route = late.steps[4], late.steps[5]
    late.steps[4], late.steps[5] = route, team
    status, why = check(converse(late, make_persona()), "committee_asked")
    assert status == "pass"  # asked after the route, but asked: the lead gets the committee
    after_end = flow.model_copy(deep=True)  # asked only after the conversation is over
    after_end.steps = [s for s in after_end.steps if s.id != "team"] + [after_end.steps[4]]
    status, why = check(converse(after_end, make_persona()), "committee_asked")
    assert status == "fail" and why.endswith("ask the committee question before the route step")
    no_step = flow.model_copy(deep=True)
    no_step.steps = [s for s in no_step.steps if s.id != "team"]
    status, why = check(converse(no_step, make_persona()), "committee_asked")
    assert why.endswith("no step asks it: add one that asks team before the route step")


def test_a_wrong_route_names_the_rule_behind_it(tiny_flow: Flow) -> None:
    flow = tiny_flow.model_copy(deep=True)
    flow.routes[0].when = "fit >= 0"
    small = converse(flow, make_persona(profile={"company_size": 10}, expect={"route": "nurture"}))
    result = next(r for r in small.checks if r.id == "route_expected")
    assert (result.status, result.rule) == ("fail", "routes[0]")
    student = make_persona(behavior={"opening": "I'm a student."}, expect={"slots": {}})
    result = next(r for r in converse(tiny_flow, student).checks if r.id == "route_expected")
    assert result.rule == "disqualify[0]"
    no_rule = tiny_flow.model_copy(deep=True)
    no_rule.disqualify = []
    expects = make_persona(
        behavior={"opening": "I'm a student."}, expect={"route": "disqualify", "slots": {}}
    )
    result = next(r for r in converse(no_rule, expects).checks if r.id == "route_expected")
    assert result.rule == "no_disqualifier"
    passing = next(
        r for r in converse(tiny_flow, make_persona()).checks if r.id == "route_expected"
    )
    assert passing.rule == ""
