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
    assert lines[2].startswith(f"{tmp_path / 'c.yaml'}:2:1: YAML syntax error")


def test_question_shorthand_means_one_per_message(write) -> None:  # type: ignore[no-untyped-def]
    persona = load_persona(write("q.yaml", 'persona: q\nbehavior: {asks: ["One?", "Two?"]}\n'))
    assert [(q.text, q.at) for q in persona.behavior.asks] == [("One?", 1), ("Two?", 2)]


def test_example_personas_load_against_the_example_flow() -> None:
    flow = load_flow(ROOT / "flows" / "saas_inbound.yaml")
    personas = load_personas(ROOT / "personas", flow)
    assert len(personas) >= 12
    routes = {p.expect.route for p in personas}
    assert routes == {"warm", "lukewarm", "nurture", "disqualify"}
