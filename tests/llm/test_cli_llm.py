"""`convodesk test --model ...` end to end: the CLI in-process (typer's CliRunner) against the
loopback OpenAI-compatible server, through litellm over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Any

import yaml
from buyers import kind, rules_model, truthful_buyer, with_understanding
from project import CAST, FILES, FLOW, ROOT, SETTINGS, invoke, llm_flags, stored
from typer.testing import CliRunner

from convodesk.cli.app import app
from convodesk.runtime import load_flow
from convodesk.sim.runner import seed_for


def report_ok(result: Any) -> bool:
    """Every conversation passed its checks (whatever the exit code says about the run)."""
    data = json.loads(result.stdout)
    return all(c["status"] == "pass" for c in data["conversations"])


def test_llm_personas_run_concurrently_and_the_second_run_makes_no_call(fake, proj) -> None:
    fake.script, fake.latency = truthful_buyer, 0.05
    first = invoke(proj, *llm_flags(fake), "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    calls = fake.calls
    assert calls >= 4 * 5 and fake.max_in_flight > 1, "the conversations ran concurrently"
    assert report["llm"]["calls"] == calls and report["llm"]["cache_hits"] == 0
    assert sum(c["llm"]["calls"] for c in report["conversations"]) == calls
    assert report["metrics"]["persona_errors"] == 0 and report["llm"]["fact_errors"] == {}
    assert {c["persona"]: c["status"] for c in report["conversations"]} == dict.fromkeys(
        CAST, "pass"
    )
    # the default --out is the flow's project folder, not the working folder
    assert sorted(p.stem for p in (proj / "transcripts" / "saas_inbound").iterdir()) == list(CAST)
    assert any((proj / ".convodesk" / "llm-cache").rglob("*.json"))

    second = invoke(proj, *llm_flags(fake), "--json")
    assert second.exit_code == 0, second.output
    again = json.loads(second.stdout)
    assert fake.calls == calls, "the second run is served from the cache"
    assert (again["llm"]["calls"], again["llm"]["cache_hits"]) == (0, calls)
    text = invoke(proj, *llm_flags(fake)).stdout
    assert "LLM usage" in text and f"cache hits  {calls}" in text and "all passed" in text


def test_replay_is_byte_identical_and_needs_no_server(fake, proj) -> None:
    fake.script = truthful_buyer
    assert invoke(proj, *llm_flags(fake), "--out", str(proj / "a")).exit_code == 0
    calls = fake.calls
    dead = ["--model", "openai/fake", "--api-base", "http://127.0.0.1:9/v1", "--replay"]
    for out in ("b", "c"):
        result = invoke(proj, *dead, "--out", str(proj / out))
        assert result.exit_code == 0, result.output
    assert fake.calls == calls
    recorded = {p.name: p.read_bytes() for p in (proj / "a" / "saas_inbound").iterdir()}
    assert len(recorded) == len(CAST)
    for out in ("b", "c"):
        replayed = {p.name: p.read_bytes() for p in (proj / out / "saas_inbound").iterdir()}
        assert replayed == recorded


def test_a_replay_miss_fails_naming_conversation_and_turn_with_a_diff(fake, proj) -> None:
    fake.script = truthful_buyer
    assert invoke(proj, *llm_flags(fake)).exit_code == 0
    calls = fake.calls
    persona = proj / "personas" / FILES["enterprise-buyer"]
    data = yaml.safe_load(persona.read_text())
    data["instructions"] = "Speaks Dutch. " + data["instructions"]
    persona.write_text(yaml.safe_dump(data, sort_keys=False))
    result = invoke(proj, *llm_flags(fake), "--replay", "--out", str(proj / "fresh"))
    assert result.exit_code == 1
    assert fake.calls == calls, "--replay never calls the model"
    label = f"enterprise-buyer#{seed_for(0, 'enterprise-buyer', 0)}"
    assert f"replay miss: no cached persona response for conversation {label}, turn 1" in (
        result.stderr
    )
    assert "+Also: Speaks Dutch." in result.stderr and "--- cached (conversation" in result.stderr
    assert "1 replay miss(es)" in result.stdout
    assert result.stderr.count("replay miss: ") == 1, "the other personas were all cached"


def test_replay_from_the_cache_never_imports_litellm(fake, proj) -> None:
    fake.script = truthful_buyer
    assert invoke(proj, *llm_flags(fake)).exit_code == 0
    probe = (
        "import sys, json\n"
        "from convodesk.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
        "print(json.dumps({'litellm': 'litellm' in sys.modules, 'code': code}), file=sys.stderr)\n"
    )
    args = [str(proj / "flows" / FLOW.name), "--model", "openai/fake", "--replay"]
    done = subprocess.run(
        [sys.executable, "-c", probe, "test", *args, "--out", str(proj / "r")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "CONVODESK_API_KEY": "sk-test"},
        timeout=120,
    )
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"litellm": False, "code": 0}


def test_injected_faults_are_survived_and_reported_by_cause(fake, proj) -> None:
    flow = load_flow(FLOW)
    state = {"role_break": 1, "bad_json": 1}

    def script(request: dict[str, Any]) -> str:
        # Late in a conversation, when the injected transport faults are long used up.
        last = str(request["messages"][-1]["content"])
        if kind(request) == "persona" and "who else" in last.lower() and state["role_break"]:
            state["role_break"] -= 1
            return "As an AI language model, I cannot pretend to be a buyer."
        if kind(request) == "understanding" and "@" in last and state["bad_json"]:
            state["bad_json"] -= 1
            return "Sure! The company has 250 people."
        return with_understanding(truthful_buyer, rules_model(flow))(request)

    fake.script = script
    fake.inject("429", "500", "503", "timeout", "disconnect", "malformed", "empty")
    result = invoke(proj, *llm_flags(fake), "--understanding", "llm", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["llm"]["retries_by_cause"] == {
        "429": 1,
        "5xx": 2,
        "timeout": 1,
        "connection": 1,
        "malformed_body": 1,
        "empty_reply": 1,
        "role_break": 1,
        "invalid_json": 1,
    }
    assert report["llm"]["retries"] == 6 and report["llm"]["failures"] == 0
    per = [c["llm"]["retries_by_cause"] for c in report["conversations"]]
    assert sum(sum(causes.values()) for causes in per) == 9
    assert report["metrics"]["persona_errors"] == 0 and report["metrics"]["failed"] == 0
    text = invoke(proj, *llm_flags(fake), "--understanding", "llm", "--no-cache").stdout
    assert "retries by cause" not in text  # no fault this time: the row is only shown for faults
    fake.inject("429")
    text = invoke(proj, *llm_flags(fake), "--understanding", "llm", "--no-cache").stdout
    assert "retries by cause  429 rate limit 1" in text


def test_project_llm_understanding_with_invalid_json_falls_back_and_is_stored(fake, proj) -> None:
    """`[llm] understanding = "llm"` in convodesk.toml, scripted personas, a model that never
    answers in JSON: every message falls back to the rules, and the transcript says so."""
    offline = invoke(proj, "--out", str(proj / "offline"))
    assert offline.exit_code == 0, offline.output
    assert fake.calls == 0
    config = proj / "convodesk.toml"
    config.write_text(
        SETTINGS + f'understanding = "llm"\nmodel = "openai/fake"\napi_base = "{fake.base}"\n'
    )
    fake.script = lambda request: "I think they have about 250 people."
    result = invoke(proj, "--json")
    # every check passed, but no message was read by the model: the LLM path was not tested
    assert result.exit_code == 1, result.output
    assert report_ok(result) and json.loads(result.stdout)["llm"]["understanding_untested"]
    assert "LLM understanding fell back to the rules on all" in result.stderr
    assert "the LLM path was not tested (exit 1)" in result.stderr
    report = json.loads(result.stdout)
    for persona in CAST:
        t = stored(proj, persona)
        buyer_turns = sum(1 for line in t["conversation"] if "buyer" in line)
        assert [u["source"] for u in t["understanding"]] == ["rules_fallback"] * buyer_turns
        assert "invalid output twice" in t["understanding"][0]["note"]
        assert set(t["slot_sources"].values()) == {"rules_fallback"}
        rules = yaml.safe_load((proj / "offline" / "saas_inbound" / f"{persona}.yaml").read_text())
        assert (t["route"], t["slots"], t["conversation"]) == (
            rules["route"],
            rules["slots"],
            rules["conversation"],
        )
        assert "understanding" not in rules and "slot_sources" not in rules
    assert report["llm"]["retries_by_cause"]["invalid_json"] == fake.calls // 2
    assert report["llm"]["fallback_messages"] == fake.calls // 2
    text = invoke(proj, "--no-cache", "--out", str(proj / "again")).stdout
    assert "rules fallback on" in text and "the LLM path was not tested" in text
    assert "LLM understanding not tested: every message fell back to the rules" in text
    assert "all passed" not in text
    calls = fake.calls
    assert invoke(proj, "--understanding", "rules", "--out", str(proj / "r")).exit_code == 0
    assert fake.calls == calls, "the flag beat the project setting: no call"


def test_the_flows_understanding_key_beats_the_project_and_loses_to_the_flag(fake, proj) -> None:
    """`understanding: llm` in the flow file turns LLM understanding on for that flow only."""
    (proj / "convodesk.toml").write_text(
        SETTINGS + f'understanding = "rules"\nmodel = "openai/fake"\napi_base = "{fake.base}"\n'
    )
    flow = proj / "flows" / FLOW.name
    flow.write_text(flow.read_text() + "\nunderstanding: llm\n")
    fake.script = rules_model(load_flow(flow))
    assert invoke(proj, "--no-cache", "--out", str(proj / "a")).exit_code == 0
    assert fake.calls > 0, "the flow's key chose LLM understanding over the project's rules"
    calls = fake.calls
    assert invoke(proj, "--understanding", "rules", "--out", str(proj / "b")).exit_code == 0
    assert fake.calls == calls, "the flag beat the flow's key: no call"


def test_a_lying_buyer_is_a_persona_error_not_a_flow_failure(fake, proj) -> None:
    def lying(request: dict[str, Any]) -> str:
        bot = str(request["messages"][-1]["content"]).lower()
        if "how many people" in bot and "Jennifer" in str(request["messages"][0]["content"]):
            return "About 500 people."  # her facts say 1200
        return truthful_buyer(request)

    fake.script = lying
    junit = proj / "junit.xml"
    result = invoke(proj, *llm_flags(fake), "--junit", str(junit))
    assert result.exit_code == 0, result.output  # persona errors alone do not fail the run
    assert "1 persona error(s)" in result.stdout and "3 of 3 passed" in result.stdout
    assert "slots_captured failed because turn" in result.stdout
    assert "said company_size = 500, its facts say 1200" in result.stdout
    assert "persona errors" in result.stderr and "enterprise-buyer" in result.stderr
    t = stored(proj, "enterprise-buyer")
    assert t["status"] == "persona_error" and t["passed"] is False
    blamed = next(c for c in t["checks"] if c["id"] == "slots_captured")
    assert blamed["status"] == "fail" and blamed["cause"].startswith("simulator: turn")
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and (suite.get("failures"), suite.get("errors")) == ("0", "1")
    data = json.loads(invoke(proj, *llm_flags(fake), "--json").stdout)
    assert (data["metrics"]["conversations"], data["metrics"]["persona_errors"]) == (3, 1)
    enterprise = next(c for c in data["conversations"] if c["persona"] == "enterprise-buyer")
    assert enterprise["status"] == "persona_error" and "slots_captured" in enterprise["simulator"]


def test_judge_verdicts_sit_beside_the_checks_and_a_failed_item_fails_the_run(fake, proj) -> None:
    persona = proj / "personas" / FILES["small-company"]
    persona.write_text(
        persona.read_text().replace(
            "expect:\n",
            "expect:\n  rubric:\n    - The bot disclosed it is an AI.\n"
            "    - The bot was warm and friendly.\n",
        )
    )

    def script(request: dict[str, Any]) -> str:
        if kind(request) == "judge":
            verdicts = [
                {"index": 1, "verdict": "pass", "reason": "Turn 0 says 'AI assistant'."},
                {"index": 2, "verdict": "inconclusive", "reason": "Tone is hard to tell."},
            ]
            return json.dumps({"verdicts": verdicts})
        return truthful_buyer(request)

    fake.script = script
    result = invoke(proj, *llm_flags(fake), "--judge-model", "openai/judge", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    small = next(c for c in report["conversations"] if c["persona"] == "small-company")
    assert [v["verdict"] for v in small["verdicts"]] == ["pass", "inconclusive"]
    assert report["llm"]["judged"] == {"pass": 1, "fail": 0, "inconclusive": 1}
    assert [r["model"] for r in fake.requests if kind(r) == "judge"] == ["judge"]
    text = invoke(proj, *llm_flags(fake), "--judge-model", "openai/judge").stdout
    assert "1 rubric item(s) inconclusive (not a pass)" in text and "all passed" not in text
    assert "1 pass, 1 inconclusive" in text  # the judge column beside the checks

    def failing(request: dict[str, Any]) -> str:
        if kind(request) == "judge":
            return json.dumps({"verdicts": [{"index": 1, "verdict": "fail", "reason": "No."}]})
        return truthful_buyer(request)

    fake.script = failing
    result = invoke(proj, *llm_flags(fake), "--judge-model", "openai/other")
    assert result.exit_code == 1
    assert "small-company · rubric 'The bot disclosed it is an AI.': No." in result.stdout


def test_bad_llm_flags_and_settings_exit_2_in_one_line(fake, proj) -> None:
    cases = [
        (["--replay", "--no-cache", "--model", "m"], "cannot be used with --no-cache"),
        (["--replay"], "add --model"),
        (["--api-base", "http://127.0.0.1:1/v1"], "add --model"),
        (["--understanding", "magic"], "takes 'rules' or 'llm'"),
    ]
    for args, message in cases:
        result = invoke(proj, *args)
        assert result.exit_code == 2 and message in result.stderr, (args, result.output)
        assert len(result.stderr.strip().splitlines()) == 1
    (proj / "convodesk.toml").write_text('[llm]\nunderstanding = "sometimes"\n')
    result = invoke(proj)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"convodesk: {proj / 'convodesk.toml'}:2: [llm] understanding: expected 'rules' or 'llm', "
        'got "sometimes"'
    ]
    assert fake.calls == 0


def test_simulate_plays_one_llm_conversation_and_reports_its_usage(fake, proj) -> None:
    fake.script = truthful_buyer
    args = [
        "simulate",
        str(proj / "flows" / FLOW.name),
        str(proj / "personas" / FILES["enterprise-buyer"]),
        *llm_flags(fake),
    ]
    env = {"CONVODESK_API_KEY": "sk-test"}
    result = CliRunner().invoke(app, [*args, "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["route"] == "warm" and data["llm"]["calls"] == fake.calls > 3
    assert data["verdicts"] == [] and data["slots"]["company_size"] == 1200
    text = CliRunner().invoke(app, args, env=env).stdout
    assert "-- route: warm" in text and f"cache hits  {fake.calls}" in text
