"""What a run reports when the model is unreachable, answers from the cache, misses in replay, or
breaks down the same way in every conversation: `convodesk test` in-process against the
loopback server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from buyers import kind, rules_model, truthful_buyer
from project import (
    CAST,
    WITHOUT_KEY,
    add_rubric,
    invoke,
    llm_flags,
    stored,
)

from convodesk.runtime import load_flow
from convodesk.sim.runner import seed_for

FAST = "[llm]\ntimeout = 3\nretries = 1\nbackoff = 0.01\nbackoff_cap = 0.02\n"


def judge_passes(request: dict[str, Any]) -> str:
    items = str(request["messages"][1]["content"]).split("Rubric:\n")[-1].splitlines()
    verdicts = [
        {"index": i, "verdict": "pass", "reason": "it did"} for i in range(1, len(items) + 1)
    ]
    return json.dumps({"verdicts": verdicts})


def buyer_and_judge(request: dict[str, Any]) -> str:
    return judge_passes(request) if kind(request) == "judge" else truthful_buyer(request)


def test_an_unreachable_model_for_llm_understanding_fails_the_run_loudly(proj, no_keys) -> None:
    """Scripted personas, LLM understanding only, no key, a server that is not there: every
    message falls back to the rules, every check passes, and the run still exits 1."""
    (proj / "convodesk.toml").write_text(FAST)
    env = {**WITHOUT_KEY, "CONVODESK_MODEL": "openai/fake"}
    dead = ["--understanding", "llm", "--api-base", "http://127.0.0.1:9/v1", "--no-cache"]
    result = invoke(proj, *dead, "--json", env=env)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert {c["status"] for c in report["conversations"]} == {"pass"}
    llm = report["llm"]
    assert llm["understanding_untested"] is True and llm["llm_messages"] == 0
    assert llm["fallback_messages"] > len(CAST)
    [(reason, count)] = llm["fallback_reasons"].items()
    assert reason == "call failed: gave up after 2 attempts (no connection): Connection error."
    assert count == llm["fallback_messages"]
    assert result.stderr.strip().splitlines()[-1] == (
        f"convodesk: warning: LLM understanding fell back to the rules on all "
        f"{llm['fallback_messages']} message(s) (most often: {reason}); the LLM path was not "
        "tested (exit 1)"
    )
    text = invoke(proj, *dead, "--out", str(proj / "again"), env=env).stdout
    assert "LLM understanding not tested: every message fell back to the rules" in text
    assert "all passed" not in text and "the LLM path was not tested" in text


def test_a_partial_fallback_warns_but_passes(fake, proj) -> None:
    flow = load_flow(proj / "flows" / "saas_inbound.yaml")
    honest = rules_model(flow)

    def script(request: dict[str, Any]) -> str:  # no JSON for the messages with an email
        return "Sure thing!" if "@" in str(request["messages"][1]["content"]) else honest(request)

    fake.script = script
    env = {"CONVODESK_API_KEY": "sk-test", "CONVODESK_MODEL": "openai/fake", "COLUMNS": "160"}
    args = ["--understanding", "llm", "--api-base", fake.base]
    result = invoke(proj, *args, "--json", env=env)
    assert result.exit_code == 0, result.output
    llm = json.loads(result.stdout)["llm"]
    fell, decided = llm["fallback_messages"], llm["llm_messages"]
    assert 0 < fell < decided and not llm["understanding_untested"]
    assert (
        f"convodesk: warning: LLM understanding fell back to the rules on {fell} of "
        f"{fell + decided} message(s) (most often: invalid output twice:"
    ) in result.stderr
    assert "not tested" not in result.stderr
    text = invoke(proj, *args, env=env).stdout
    assert f"{fell} message(s) read by the rules fallback, not the model" in text


def test_a_cached_run_reports_nothing_spent_and_what_the_cache_saved(fake, proj) -> None:
    fake.script = truthful_buyer
    priced = ["--model", "openai/gpt-4o-mini", "--api-base", fake.base]
    first = json.loads(invoke(proj, *priced, "--json").stdout)["llm"]
    assert first["cost"] > 0 and first["cache_hits"] == 0 and first["cached_cost"] == 0
    spent = first["prompt_tokens"] + first["completion_tokens"]
    second = json.loads(invoke(proj, *priced, "--json").stdout)["llm"]
    assert (second["calls"], second["prompt_tokens"], second["completion_tokens"]) == (0, 0, 0)
    assert second["cost"] == 0 and second["cached_cost"] == pytest.approx(first["cost"])
    assert second["cached_prompt_tokens"] + second["cached_completion_tokens"] == spent
    text = invoke(proj, *priced).stdout
    assert f"0 spent (0 in, 0 out) · {spent} from the cache (not spent)" in text
    assert f"$0.0000 spent · ${first['cost']:.4f} saved by the cache" in text


def test_a_replay_miss_of_a_new_rubric_says_there_is_nothing_to_compare(fake, proj) -> None:
    fake.script = buyer_and_judge
    assert invoke(proj, *llm_flags(fake)).exit_code == 0
    add_rubric(proj, "small-company", "The bot disclosed it is an AI.")
    result = invoke(proj, *llm_flags(fake), "--replay", "--out", str(proj / "r"))
    assert result.exit_code == 1
    label = f"small-company#{seed_for(0, 'small-company', 0)}"
    assert f"replay miss: no cached judge response for conversation {label}, turn judge" in (
        result.stderr
    )
    assert "(no cached judge request for this conversation to compare with" in result.stderr
    assert "role-playing" not in result.stderr, "not diffed against a persona request"


def test_a_replay_miss_of_a_changed_rubric_diffs_against_the_judge_request(fake, proj) -> None:
    fake.script = buyer_and_judge
    add_rubric(proj, "small-company", "The bot disclosed it is an AI.")
    assert invoke(proj, *llm_flags(fake)).exit_code == 0
    add_rubric(proj, "small-company", "The bot never asked for a budget.")
    result = invoke(proj, *llm_flags(fake), "--replay", "--out", str(proj / "r"))
    assert result.exit_code == 1
    assert "-1. The bot disclosed it is an AI." in result.stderr
    assert "+1. The bot never asked for a budget." in result.stderr
    assert ", turn judge)\n+++ this run" in result.stderr
    assert "role-playing" not in result.stderr


def test_the_same_persona_failure_everywhere_is_reported_once_with_the_reply(fake, proj) -> None:
    fake.script = lambda request: "As an AI language model, I cannot pretend to be a buyer."
    result = invoke(proj, *llm_flags(fake))
    assert result.exit_code == 1  # nothing was tested
    quoted = '"As an AI language model, I cannot pretend to be a buyer."'
    assert " ".join(result.stdout.split()).count(quoted) == 1  # the console wraps long lines
    assert f"{len(CAST)} conversations (" in result.stdout
    t = stored(proj, "enterprise-buyer")
    assert t["persona_error"] == (
        f"persona broke role (talks about being an AI or about its instructions): {quoted}"
    )
    # never answered: only the opening's checks ran; nothing "asked but not understood"
    assert {c["id"]: c["status"] for c in t["checks"] if c["status"] != "skip"} == {
        "ai_disclosure": "pass",
        "approved_answers_only": "pass",
    }
    assert "not understood" not in json.dumps(t)


def test_server_errors_are_said_once_in_the_providers_words(fake, proj) -> None:
    (proj / "convodesk.toml").write_text(FAST)
    fake.fault_for = lambda body: "500"
    result = invoke(proj, *llm_flags(fake), "--no-cache")
    assert result.exit_code == 1
    problem = "persona call failed: gave up after 2 attempts (HTTP 500): injected 500"
    assert " ".join(result.stdout.split()).count(problem) == 1  # the console wraps long lines
    assert "litellm." not in result.stdout and "InternalServerError" not in result.stdout
    assert fake.calls == 2 * len(CAST)


def test_a_bad_request_fails_only_its_conversation_and_is_not_retried(fake, proj) -> None:
    fake.script = truthful_buyer
    fake.fault_for = lambda body: "400" if "Jennifer" in str(body["messages"][0]) else None
    result = invoke(proj, *llm_flags(fake), "--no-cache", "--json")
    assert result.exit_code == 0, result.output
    rows = {c["persona"]: c for c in json.loads(result.stdout)["conversations"]}
    assert rows["enterprise-buyer"]["persona_error"] == (
        "persona call failed: BadRequestError (HTTP 400, not retried): injected 400"
    )
    assert {rows[name]["status"] for name in CAST if name != "enterprise-buyer"} == {"pass"}
    sent = [r for r in fake.requests if "Jennifer" in str(r["messages"][0])]
    assert len(sent) == 1


def test_settings_file_problems_are_all_listed_in_plain_words(proj) -> None:
    (proj / "convodesk.toml").write_text("[llm]\ntimeout = 3\nretries = 'many'\nmodle = 'x'\n")
    result = invoke(proj, "--model", "openai/fake")
    assert result.exit_code == 2
    path = proj / "convodesk.toml"
    assert result.stderr.strip().splitlines() == [
        f'convodesk: {path}:3: [llm] retries: expected a whole number, got "many"',
        f"convodesk: {path}:4: [llm] modle: unknown setting (did you mean model?)",
    ]
    (proj / "convodesk.toml").write_text("[llm]\nmodel = \n")
    result = invoke(proj, "--model", "openai/fake")
    assert result.stderr.strip() == f"convodesk: {path}:2:9: invalid TOML: Invalid value"
