"""LLM personas, understanding and judge plugged into the simulator's runner."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from fakeserver import buyer_script

from convodesk.llm.report import build_report, render_report
from convodesk.llm.suite import LLMRun, OptionsError, build_llm_options
from convodesk.runtime import load_flow
from convodesk.sim.persona import Persona
from convodesk.sim.runner import REFERENCE_DATE, run_suite

PERSONA = Persona.model_validate(
    {
        "persona": "enterprise",
        "profile": {
            "name": "Jennifer Martinez",
            "company_size": 500,
            "email": "jennifer@acme-mfg.com",
        },
        "facts": {"timeline": "this_quarter", "current_tool": "Spreadsheets and Walnut."},
        "behavior": {"patience": 12},
    }
)


def options(fake: Any, tmp_path: Any, **flags: Any) -> Any:
    env = {"CONVODESK_API_BASE": fake.base, "CONVODESK_API_KEY": "sk-test"}
    flags.setdefault("model", "openai/fake")
    opts = build_llm_options(cache_dir=tmp_path / "cache", project=tmp_path, env=env, **flags)
    assert opts is not None
    opts.config.backoff, opts.config.timeout, opts.config.retries = 0.01, 1.0, 2
    return opts


async def run(
    opts: Any, flow: Any, runs: int = 3, persona: Persona = PERSONA
) -> tuple[LLMRun, Any]:
    llm = LLMRun(opts)
    result = await run_suite(
        flow,
        [persona],
        runs=runs,
        concurrency=3,
        understander=llm.understander,
        driver_factory=llm.driver_factory(REFERENCE_DATE),
    )
    return llm, result


@pytest.fixture
def flow(example_flow_path):  # type: ignore[no-untyped-def]
    return load_flow(example_flow_path)


async def test_llm_personas_play_the_suite_and_the_rerun_is_free(fake, tmp_path, flow) -> None:
    fake.script = buyer_script
    llm, result = await run(options(fake, tmp_path), flow)
    first_calls = fake.calls
    assert first_calls > 3 * 5
    for conversation in result.conversations:
        assert conversation.persona_error is None
        assert conversation.state.slots["company_size"].value == 500
        assert conversation.state.slots["email"].value == "jennifer@acme-mfg.com"
    assert (
        fake.requests[0]["seed"] != fake.requests[-1]["seed"]
        or len({r["seed"] for r in fake.requests}) == 3
    )
    again, replayed = await run(options(fake, tmp_path, replay=True), flow)
    assert fake.calls == first_calls
    assert again.accounting.total().cache_hits == llm.accounting.total().calls
    dump = [c.state.model_dump_json() for c in result.conversations]
    assert [c.state.model_dump_json() for c in replayed.conversations] == dump


async def test_role_break_becomes_a_persona_error_not_a_crash(fake, tmp_path, flow) -> None:
    fake.script = lambda request: "As an AI language model I cannot do that."
    llm, result = await run(options(fake, tmp_path), flow, runs=1)
    conversation = result.conversations[0]
    assert conversation.persona_error is not None
    assert conversation.persona_error == (
        "persona broke role (talks about being an AI or about its instructions): "
        '"As an AI language model I cannot do that."'
    )
    assert conversation.turns == 0
    # a chat never answered is not checked beyond its opening ("asked but not understood")
    assert {c.id: c.status for c in conversation.checks if c.status != "skip"} == {
        "ai_disclosure": "pass",
        "approved_answers_only": "pass",
    }
    skipped = [c for c in conversation.checks if c.status == "skip"]
    assert skipped and all("before its first message" in c.explanation for c in skipped)
    report = build_report(llm.accounting.total(), result.conversations)
    assert list(report.persona_failures.values()) == [conversation.persona_error]


async def test_replay_miss_in_a_persona_is_kept_even_though_the_runner_catches_it(
    fake, tmp_path, flow
) -> None:
    fake.script = buyer_script
    await run(options(fake, tmp_path), flow, runs=1)
    calls = fake.calls
    changed = PERSONA.model_copy(update={"instructions": "You now speak only in questions."})
    llm = LLMRun(options(fake, tmp_path, replay=True))
    result = await run_suite(flow, [changed], driver_factory=llm.driver_factory(REFERENCE_DATE))
    assert fake.calls == calls
    (miss,) = llm.replay_misses
    seed = result.conversations[0].seed
    assert f"conversation enterprise#{seed}, turn 1" in miss
    assert "+Also: You now speak only in questions." in miss
    assert result.conversations[0].persona_error.startswith("ReplayMiss")


async def test_judge_verdicts_and_report_section(fake, tmp_path, flow) -> None:
    def script(request: dict[str, Any]) -> str:
        if "numbered rubric item" in request["messages"][0]["content"]:
            verdicts = [{"index": 1, "verdict": "inconclusive", "reason": "unclear"}]
            return json.dumps({"verdicts": verdicts})
        return buyer_script(request)

    fake.script = script
    persona = PERSONA.model_copy(deep=True)
    # `expect.rubric` is the field issue 3's Persona model still needs; set it past validation.
    object.__setattr__(persona.expect, "rubric", ["The bot asked about the buying committee."])
    llm, result = await run(options(fake, tmp_path), flow, runs=1, persona=persona)
    verdicts = await llm.judge_all(result.conversations)
    (items,) = verdicts.values()
    assert [v.verdict for v in items] == ["inconclusive"] and not llm.judge_failed()
    report = build_report(llm.accounting.total(), result.conversations, verdicts)
    assert report.judged == {"pass": 0, "fail": 0, "inconclusive": 1}
    assert report.calls == fake.calls and report.latency.max > 0
    from rich.console import Console

    console = Console(record=True, width=120)
    console.print(render_report(report))
    text = console.export_text()
    assert "inconclusive" in text and "cache hits" in text


@pytest.mark.skipif(
    "send" not in inspect.signature(run_suite).parameters,
    reason="needs the runner's `send` hook (integration step for issue 3's runner)",
)
async def test_llm_understanding_fills_slots_in_the_runner(fake, tmp_path, flow) -> None:
    def script(request: dict[str, Any]) -> str:
        if "extract facts" in request["messages"][0]["content"]:
            said = request["messages"][-1]["content"]
            return json.dumps({"slots": {"company_size": 500}} if said == "500" else {})
        return buyer_script(request)

    fake.script = script
    llm = LLMRun(options(fake, tmp_path, understanding="llm"))
    result = await run_suite(  # type: ignore[call-arg]
        flow,
        [PERSONA],
        understander=llm.understander,
        send=llm.send_hook(),
        driver_factory=llm.driver_factory(REFERENCE_DATE),
    )
    assert result.conversations[0].state.slots["company_size"].source == "llm"


def test_option_rules(tmp_path) -> None:
    assert build_llm_options(project=tmp_path, env={}) is None
    with pytest.raises(OptionsError, match="--no-cache"):
        build_llm_options(model="m", replay=True, no_cache=True, project=tmp_path, env={})
    with pytest.raises(OptionsError, match="needs a model"):
        build_llm_options(understanding="llm", project=tmp_path, env={})
    with pytest.raises(OptionsError, match="add --model"):
        build_llm_options(replay=True, project=tmp_path, env={})
    opts = build_llm_options(
        understanding="llm", project=tmp_path, env={"CONVODESK_MODEL": "env/m"}
    )
    assert opts is not None and opts.config.model == "env/m" and not opts.personas
    (tmp_path / "convodesk.toml").write_text('[llm]\nmodel = "toml/m"\nconcurrency = 5\n')
    opts = build_llm_options(judge_model="j", project=tmp_path, env={})
    assert opts is not None and (opts.config.model, opts.config.concurrency) == ("toml/m", 5)
    assert opts.config.judge_model == "j" and opts.judge


async def test_a_persona_error_is_not_judged(fake, tmp_path, flow) -> None:
    fake.script = lambda request: "As an AI language model I cannot do that."
    persona = PERSONA.model_copy(deep=True)
    persona.expect.rubric = ["The bot asked about the buying committee."]
    llm, result = await run(options(fake, tmp_path), flow, runs=1, persona=persona)
    (conversation,) = result.conversations
    assert conversation.status == "persona_error"
    assert await llm.judge_all(result.conversations) == {}
    assert llm.not_judged == {
        conversation.label: "not judged: the simulated buyer failed (persona error)"
    }
    assert not any("rubric" in str(r["messages"][0]["content"]) for r in fake.requests)


def test_understanding_precedence_flag_then_flow_then_project(tmp_path) -> None:
    (tmp_path / "convodesk.toml").write_text('[llm]\nmodel = "toml/m"\nunderstanding = "llm"\n')

    def chosen(**given: Any) -> str | None:
        opts = build_llm_options(project=tmp_path, env={}, **given)
        return None if opts is None else opts.understanding

    assert chosen() == "llm"  # the project's choice: LLM understanding, scripted personas
    assert chosen(flow_understanding="rules") is None  # the flow's beats the project's
    assert chosen(flow_understanding="rules", understanding="llm") == "llm"  # the flag beats both
    assert chosen(understanding="rules") is None
    with pytest.raises(OptionsError, match="the flow's understanding"):
        chosen(flow_understanding="sometimes")
