"""Persona files: every problem at once, with exact positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from convodesk.runtime.loader import load_flow
from convodesk.runtime.problems import LoadError
from convodesk.sim.persona import load_persona, load_personas

ROOT = Path(__file__).resolve().parents[2]


def test_every_problem_with_its_line_and_column(write) -> None:  # type: ignore[no-untyped-def]
    path = write(
        "bad.yaml",
        "persona: bad\n"
        "profile:\n"
        "  company_size: lots\n"
        "behavior:\n"
        "  volunteers: [pain]\n"
        "  patiance: 3\n"
        "expect:\n"
        "  route: hot\n",
    )
    with pytest.raises(LoadError) as info:
        load_persona(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:3:17: profile.company_size: expected a whole number, got 'lots'",
        f"{path}:5:16: behavior.volunteers[0]: 'pain' is not in profile or facts",
        f"{path}:6:3: behavior.patiance: unknown key 'patiance' (did you mean 'patience'?)",
        f"{path}:8:10: expect.route: must be one of 'warm', 'lukewarm', 'nurture' or 'disqualify', got 'hot'",
    ]


def test_volunteering_an_unknown_fact_points_at_it(write) -> None:  # type: ignore[no-untyped-def]
    path = write("p.yaml", "persona: p\nfacts: {tool: x}\nbehavior:\n  volunteers: [tool, pain]\n")
    with pytest.raises(LoadError) as info:
        load_persona(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:4:22: behavior.volunteers[1]: 'pain' is not in profile or facts"
    ]


def test_folder_collects_problems_of_all_files_and_checks_the_flow(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write("a.yaml", "persona: a\nexpect:\n  slots: {sizee: 5}\n")
    write("b.yaml", "persona: a\n")
    write("c.yaml", "persona: [\n")
    flow = load_flow(ROOT / "flows" / "saas_inbound.yaml")
    with pytest.raises(LoadError) as info:
        load_personas(tmp_path, flow)
    lines = [str(p) for p in info.value.problems]
    assert (
        lines[0]
        == f"{tmp_path / 'a.yaml'}:3:11: expect.slots.sizee: flow 'saas_inbound' has no slot 'sizee'"
    )
    assert (
        lines[1]
        == f"{tmp_path / 'b.yaml'}:1:10: persona: persona 'a' is also defined in {tmp_path / 'a.yaml'}"
    )
    assert lines[2].startswith(f"{tmp_path / 'c.yaml'}:") and "YAML syntax error" in lines[2]


def test_question_shorthand_means_one_per_message(write) -> None:  # type: ignore[no-untyped-def]
    persona = load_persona(write("q.yaml", 'persona: q\nbehavior: {asks: ["One?", "Two?"]}\n'))
    assert [(q.text, q.at) for q in persona.behavior.asks] == [("One?", 1), ("Two?", 2)]


def test_example_personas_load_against_the_example_flow() -> None:
    flow = load_flow(ROOT / "flows" / "saas_inbound.yaml")
    personas = load_personas(ROOT / "personas", flow)
    assert len(personas) >= 12
    routes = {p.expect.route for p in personas}
    assert routes == {"warm", "lukewarm", "nurture", "disqualify"}
    # every behaviour a persona file can name is exercised by at least one example
    for behaviour in ("volunteers", "asks", "refuses", "deflects", "corrects", "opening"):
        assert any(getattr(p.behavior, behaviour) for p in personas), behaviour
    text_slots = {n for n, s in flow.slots.items() if s.type == "text"}
    assert sum(1 for p in personas if text_slots & set(p.expect.slots)) >= 3


def test_schema_and_reference_problems_are_reported_together(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(
        "p.yaml",
        "persona: p\n"
        "facts: {timeline: none, budget: 5000}\n"
        "behavior:\n"
        "  volunteers: [pain]\n"
        "  refuses: [budjet]\n"
        "  deflects: [timeline, committee]\n"
        "  asks: [{text: ''}]\n"
        "expect:\n"
        "  slots: {company_sise: 5}\n",
    )
    flow = load_flow(ROOT / "flows" / "saas_inbound.yaml")
    with pytest.raises(LoadError) as info:
        load_personas(tmp_path, flow)
    assert [p.message for p in info.value.problems] == [
        "'pain' is not in profile or facts",
        "'budjet' is not in profile or facts (did you mean 'budget'?)",
        "'committee' is not in profile or facts (a buyer who does not know a fact answers "
        "'not sure' by themselves)",
        "must not be empty",
        "flow 'saas_inbound' has no slot 'company_sise' (did you mean 'company_size'?)",
    ]
    assert [p.line for p in info.value.problems] == [4, 5, 6, 7, 9]


def test_contradictory_behaviour_is_an_error(write) -> None:  # type: ignore[no-untyped-def]
    path = write(
        "p.yaml",
        "persona: p\n"
        "profile: {email: a@b.example}\n"
        "facts: {budget: 5000, timeline: none}\n"
        "behavior:\n"
        "  volunteers: [budget]\n"
        "  refuses: [budget, timeline]\n"
        "  corrects: [{fact: timeline, said: next_year}, {fact: email, said: A@b.example}]\n",
    )
    with pytest.raises(LoadError) as info:
        load_persona(path)
    assert [p.message for p in info.value.problems] == [
        "'budget' is both volunteered and refused; pick one",
        "'timeline' is refused, so it is never stated and cannot be corrected",
        "'said' must differ from the true value of 'email', or there is nothing to correct",
    ]


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("behavior: {patience: 0}", "behavior.patience: must be between 1 and 200 messages, got 0"),
        ("behavior: {asks: [{text: ''}]}", "behavior.asks[0].text: must not be empty"),
        (
            "behavior: {asks: [{text: Hello, at: 0}]}",
            "behavior.asks[0].at: must be at least 1 (1 = the opening message), got 0",
        ),
        (
            "behavior: {opening: 5}",
            "behavior.opening: expected a message, or a list of messages to pick from",
        ),
        ("expect: {tolerance: 2}", "expect.tolerance: must be between 0 and 1 (0.1 = 10%), got 2"),
        ("expect: {max_turns: 0}", "expect.max_turns: must be at least 1, got 0"),
        (
            "profile: {company_size: true}",
            "profile.company_size: expected a whole number, got True",
        ),
    ],
)
def test_messages_are_plain_language(yaml: str, message: str) -> None:
    from convodesk.sim.persona import parse_persona

    persona, problems = parse_persona(f"persona: p\n{yaml}\n", "p.yaml")
    assert persona is None
    assert [str(p).split(": ", 1)[1] for p in problems] == [message]
    assert not any("should" in p.message or "Input" in p.message for p in problems)


FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")


def test_facts_must_name_the_flows_slots_and_timelines_must_read_as_one(write) -> None:  # type: ignore[no-untyped-def]
    path = write(
        "p.yaml",
        "persona: p\n"
        "facts:\n"
        "  timelin: this_quarter\n"
        "  timeline: yesterday\n"
        "  pain: slow approvals\n",
    )
    with pytest.raises(LoadError) as info:
        load_persona(path, FLOW)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:3:3: facts.timelin: flow 'saas_inbound' has no slot 'timelin' (did you mean "
        "'timeline'?); a fact is the true value of one of the flow's slots",
        f"{path}:4:13: facts.timeline: 'yesterday' is not a timeline: use one of this_quarter, "
        "next_quarter, this_year, next_year, none, or a deadline phrase such as 'by March' or "
        "'within 6 months'",
    ]
    assert load_persona(path) is not None  # without a flow there is nothing to check against


@pytest.mark.parametrize("value", ["this_quarter", "none", "by March", "within 6 months"])
def test_a_timeline_fact_is_a_bucket_or_a_deadline_phrase(write, value: str) -> None:  # type: ignore[no-untyped-def]
    persona = load_persona(write("p.yaml", f"persona: p\nfacts: {{timeline: {value}}}\n"), FLOW)
    assert persona.facts["timeline"] == value


@pytest.mark.parametrize("value", ["not sure yet", "soon", "2026", "[this_quarter]"])
def test_a_timeline_fact_the_bot_cannot_place_is_an_error(write, value: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LoadError) as info:
        load_persona(write("p.yaml", f"persona: p\nfacts: {{timeline: {value}}}\n"), FLOW)
    (problem,) = info.value.problems
    assert problem.path == "facts.timeline" and "is not a timeline" in problem.message
