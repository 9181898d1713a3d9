"""A bad simulation must not fail a good flow: the fact checker flags only real lies, and a
conversation whose failures its buyer's lies explain is a persona error, counted apart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import yaml

from convodesk.llm.facts import check_facts
from convodesk.runtime import load_flow
from convodesk.runtime.model import Flow
from convodesk.runtime.state import Message, Turn
from convodesk.sim.drivers import PersonaAction, PersonaDriver, scripted_driver
from convodesk.sim.persona import Persona, load_personas
from convodesk.sim.report import build_report, junit_xml
from convodesk.sim.runner import REFERENCE_DATE, run_suite_sync
from convodesk.sim.transcripts import dump_transcript, to_transcript

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")
CAST = load_personas(ROOT / "personas", FLOW)
LLM_ONLY_KEYS = ("status", "persona_error", "persona_errors", "understanding", "slot_sources")


def said_by(conversation) -> list[tuple[int, str, list[str]]]:  # type: ignore[no-untyped-def]
    """(turn, buyer message, slots the bot was asking for) for every buyer message."""
    said, asking, index = [], [], 0
    for m in conversation.state.transcript:
        if m.role == "bot":
            asking = list(m.asking) or asking
        else:
            index += 1
            said.append((index, m.text, asking))
            asking = []
    return said


def test_truthful_scripted_replies_of_every_example_persona_raise_no_persona_error() -> None:
    result = run_suite_sync(FLOW, CAST)
    checked = 0
    for c in result.conversations:
        said = said_by(c)
        checked += len(said)
        assert check_facts(c.persona, FLOW, said, REFERENCE_DATE) == [], c.persona.persona
    assert checked > 40  # industry 'a manufacturer with four plants', region 'Chicago', ...


def test_real_contradictions_are_flagged_and_untied_numbers_are_not() -> None:
    buyer = next(p for p in CAST if p.persona == "enterprise-buyer")
    day = date(2026, 1, 15)
    said = [
        (1, "We're a retailer based in Berlin.", []),
        (2, "About 500 people.", ["company_size"]),
        (3, "We have four plants.", ["company_size"]),
        (4, "We're a manufacturer in Chicago with about 1,200 employees.", []),
    ]
    errors = [(e.turn, e.slot, e.said) for e in check_facts(buyer, FLOW, said, day)]
    assert errors == [(1, "industry", "retail"), (1, "region", "europe"), (2, "company_size", 500)]
    corrects = next(p for p in CAST if p.persona == "corrects-fact")
    on_purpose = [(1, "We're about 500 people.", ["company_size"])]  # behavior.corrects
    assert check_facts(corrects, FLOW, on_purpose, day) == []


class Lying:
    """The scripted buyer, except for one lie about its headcount (a fact_error, as the LLM
    driver records it), and optionally a buyer that never stops talking."""

    def __init__(self, inner: PersonaDriver, chatty: bool) -> None:
        self.inner, self.persona, self.actions = inner, inner.persona, inner.actions
        self.chatty = chatty

    async def opening(self, turn: Turn, history: Sequence[Message]) -> str | None:
        return await self.inner.opening(turn, history)

    async def reply(self, turn: Turn, history: Sequence[Message]) -> str | None:
        if "company_size" in turn.asking:
            index = sum(m.role == "buyer" for m in history) + 1
            detail = f"turn {index}: the persona said company_size = 500, its facts say 1200"
            self.actions.append(PersonaAction(index, "fact_error", detail, "company_size"))
            return "About 500 people."
        return await self.inner.reply(turn, history)


def lying(chatty: bool = False):  # type: ignore[no-untyped-def]
    def factory(persona: Persona, seed: int, flow: Flow) -> PersonaDriver:
        driver = scripted_driver(persona, seed, flow)
        return Lying(driver, chatty) if persona.persona == "enterprise-buyer" else driver

    return factory


def test_a_lie_that_explains_the_failure_is_a_persona_error_counted_apart() -> None:
    result = run_suite_sync(FLOW, CAST, driver_factory=lying())
    liar = next(c for c in result.conversations if c.persona.persona == "enterprise-buyer")
    assert [r.id for r in liar.checks if r.status == "fail"] == ["slots_captured"]
    assert liar.simulator_checks.keys() == {"slots_captured"}
    assert (liar.status, liar.passed, liar.failed) == ("persona_error", False, False)
    honest = build_report(run_suite_sync(FLOW, CAST))
    assert liar.failures == [] and result.passed == honest.passed, "a lie fails nothing"
    report = build_report(result)
    m = report.metrics
    assert (m.conversations, m.persona_errors) == (len(CAST) - 1, 1)
    assert m.failed == honest.metrics.failed
    junit = junit_xml(report)
    assert 'errors="1"' in junit and f'failures="{m.failed}"' in junit
    assert "slots_captured failed because turn 3: the persona said company_size = 500" in junit
    text = dump_transcript(to_transcript(liar))
    assert "status: persona_error" in text and "cause: 'simulator: turn" in text


def test_a_flow_failure_beside_the_lie_is_still_the_flows() -> None:
    chatty = next(p for p in CAST if p.persona == "enterprise-buyer")
    tight = chatty.model_copy(update={"expect": chatty.expect.model_copy(update={"max_turns": 2})})
    cast = [tight if p.persona == "enterprise-buyer" else p for p in CAST]
    result = run_suite_sync(FLOW, cast, driver_factory=lying())
    liar = next(c for c in result.conversations if c.persona.persona == "enterprise-buyer")
    assert [r.id for r in liar.failures] == ["turn_budget"]
    assert liar.status == "fail" and not result.passed


def test_a_suite_of_only_persona_errors_is_not_a_pass() -> None:
    buyer = [p for p in CAST if p.persona == "enterprise-buyer"]
    result = run_suite_sync(FLOW, buyer, driver_factory=lying())
    assert [c.status for c in result.conversations] == ["persona_error"]
    assert not result.passed, "nothing about the flow was tested"


def test_offline_transcripts_carry_none_of_the_llm_fields() -> None:
    for c in run_suite_sync(FLOW, CAST).conversations:
        data = yaml.safe_load(dump_transcript(to_transcript(c)))
        assert not set(LLM_ONLY_KEYS) & set(data), c.persona.persona
        assert all("cause" not in check for check in data["checks"])


async def test_the_suite_call_lets_the_studio_watch_every_driver() -> None:
    from convodesk.sim.suite_run import run_configured_suite

    made: list[str] = []

    def observe(inner):  # type: ignore[no-untyped-def]
        def factory(persona: Persona, seed: int, flow: Flow) -> PersonaDriver:
            made.append(persona.persona)
            return inner(persona, seed, flow)

        return factory

    run = await run_configured_suite(FLOW, CAST, observe=observe)
    assert sorted(made) == sorted(p.persona for p in CAST)
    assert run.llm is None and run.llm_report is None and not run.replay_misses
    assert run.failed == (not run.result.passed)


def test_a_withheld_fact_the_bot_captured_is_never_blamed_on_a_lie() -> None:
    """The buyer lied about its size and the bot also holds a budget the buyer "refused": the
    lie explains one cause of the failure, not the other, so the simulator is not blamed."""
    from convodesk.sim.blame import blame

    result = run_suite_sync(FLOW, CAST, driver_factory=lying())
    liar = next(c for c in result.conversations if c.persona.persona == "enterprise-buyer")
    assert blame(liar).keys() == {"slots_captured"}
    assert "budget" in liar.state.slots
    behavior = liar.persona.behavior.model_copy(update={"refuses": ["budget"]})
    liar.persona = liar.persona.model_copy(update={"behavior": behavior})
    assert blame(liar) == {}
