"""Runs without an API key, with a key the server refuses, and against a model or endpoint that
does not exist: the loopback server, litellm over real HTTP, and no key anywhere in the
environment (the `no_keys` fixture clears CONVODESK_API_KEY, OPENAI_API_KEY and every other
provider's variable)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from buyers import truthful_buyer
from project import CAST, FILES, FLOW, ROOT, WITHOUT_KEY, add_rubric, invoke, llm_flags, run

from convodesk.llm.client import PLACEHOLDER_KEY, LLMConfigError, LLMError
from convodesk.llm.errors import outcome

HI = [{"role": "user", "content": "hello there"}]


def transcripts(proj: Path, out: str = "transcripts") -> list[str]:
    return sorted(p.name for p in (proj / out).rglob("*.yaml"))


def test_a_local_server_needs_no_key_convodesk_sends_a_placeholder(fake, proj, no_keys) -> None:
    fake.script = truthful_buyer
    result = invoke(proj, *llm_flags(fake), "--json", env=WITHOUT_KEY)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["metrics"]["persona_errors"] == 0 and report["llm"]["failures"] == 0
    assert report["llm"]["retries_by_cause"] == {}
    assert fake.calls == report["llm"]["calls"] > 0
    assert set(fake.auth) == {f"Bearer {PLACEHOLDER_KEY}"}


def test_a_configured_key_is_sent_as_it_is(fake, proj, no_keys) -> None:
    fake.script, fake.api_key = truthful_buyer, "sk-right"
    env = {**WITHOUT_KEY, "CONVODESK_API_KEY": "sk-right"}
    assert invoke(proj, *llm_flags(fake), env=env).exit_code == 0
    assert set(fake.auth) == {"Bearer sk-right"}


def test_no_key_and_no_api_base_is_one_line_exit_2_before_any_request(proj, no_keys) -> None:
    for args in (
        ["--model", "openai/gpt-4o-mini"],
        ["--understanding", "llm", "--model", "openai/gpt-4o-mini"],
    ):
        result = invoke(proj, *args, "--no-cache", env=WITHOUT_KEY)
        assert result.exit_code == 2, result.output
        assert result.stderr.strip().splitlines() == [
            "convodesk: openai/gpt-4o-mini: no API key: set CONVODESK_API_KEY (or "
            "OPENAI_API_KEY), or use --api-base for a server that needs none"
        ]
        assert result.stdout == "", "no report of 4 failed personas"
        assert transcripts(proj) == [], "no transcript of a run that could not start"


def test_understanding_only_without_a_key_is_exit_2_too(proj, no_keys) -> None:
    """Scripted personas, `--understanding llm` with the model from the environment."""
    env = {**WITHOUT_KEY, "CONVODESK_MODEL": "openai/gpt-4o-mini"}
    result = invoke(proj, "--understanding", "llm", "--no-cache", env=env)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no API key: set CONVODESK_API_KEY (or OPENAI_API_KEY)" in result.stderr
    assert "fell back" not in result.stderr and transcripts(proj) == []


def test_simulate_without_a_key_is_exit_2(proj, no_keys) -> None:
    argv = [
        "simulate",
        str(proj / "flows" / FLOW.name),
        str(proj / "personas" / FILES["small-company"]),
        "--model",
        "openai/gpt-4o-mini",
        "--no-cache",
    ]
    result = run(argv, env=WITHOUT_KEY)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("convodesk: openai/gpt-4o-mini: no API key")


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ({"api_key": "sk-right"}, "refused the API key (HTTP 401"),
        ({"fault": "401"}, "refused the API key (HTTP 401: injected 401)"),
        ({"fault": "403"}, "denied access (HTTP 403: injected 403)"),
        ({"fault": "404"}, "does not know this model or endpoint (HTTP 404: injected 404)"),
    ],
)
def test_a_refused_key_or_unknown_model_stops_the_run_at_the_first_answer(
    fake, proj, no_keys, setup, words
) -> None:
    """One request (-j 1: one in flight), no retry, one line, exit 2: not 4 persona errors."""
    fake.script = truthful_buyer
    fake.api_key = setup.get("api_key")
    if "fault" in setup:
        fake.inject(setup["fault"])
    result = invoke(proj, *llm_flags(fake), "-j", "1", "--no-cache", env=WITHOUT_KEY)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"convodesk: openai/fake: the server at {fake.base}"
    )
    assert words in lines[0]
    assert fake.calls == 1, "not retried, and no other conversation sent a request"
    assert "persona error" not in result.output and transcripts(proj) == []


def test_the_refused_placeholder_says_no_key_was_set(fake, proj, no_keys) -> None:
    fake.api_key = "sk-right"
    result = invoke(proj, *llm_flags(fake), "-j", "1", "--no-cache", env=WITHOUT_KEY)
    assert result.exit_code == 2
    assert "no key was set, so convodesk sent a placeholder; set CONVODESK_API_KEY" in result.stderr


def test_a_wrong_key_names_the_variable_to_check(fake, proj, no_keys) -> None:
    fake.api_key = "sk-right"
    env = {**WITHOUT_KEY, "CONVODESK_API_KEY": "sk-wrong"}
    result = invoke(proj, *llm_flags(fake), "-j", "1", "--no-cache", env=env)
    assert result.exit_code == 2 and "check CONVODESK_API_KEY" in result.stderr
    assert fake.auth == ["Bearer sk-wrong"]


def test_an_unknown_judge_model_stops_the_run_after_the_conversations(fake, proj) -> None:
    """The personas' model works; the judge's does not exist: the transcripts are kept."""
    add_rubric(proj, "small-company", "The bot disclosed it is an AI.")

    fake.script = truthful_buyer
    fake.fault_for = lambda body: "404" if body.get("model") == "nope" else None
    result = invoke(proj, *llm_flags(fake), "--judge-model", "openai/nope")
    assert result.exit_code == 2, result.output
    assert (
        result.stderr.strip().splitlines()[-1].startswith("convodesk: openai/nope: the server at")
    )
    assert transcripts(proj) == sorted(f"{name}.yaml" for name in CAST)


async def test_the_client_fails_every_later_call_at_once_after_a_config_error(
    fake, client_for
) -> None:
    fake.inject("401")
    client = client_for(fake)
    with pytest.raises(LLMConfigError) as first:
        await client.complete(HI, conversation="a")
    assert first.value.kind == "config" and first.value.attempts == 1
    with pytest.raises(LLMConfigError) as second:
        await client.complete([{"role": "user", "content": "other"}], conversation="b")
    assert str(second.value) == str(first.value) and fake.calls == 1
    assert isinstance(second.value, LLMError)  # callers that catch LLMError must let it through


async def test_missing_credentials_at_call_time_are_a_config_error_not_a_5xx(
    fake, client_for, no_keys
) -> None:
    """litellm raises a missing key as InternalServerError (500) without sending anything;
    with the pre-flight check bypassed, the client must still not retry it as a 5xx."""
    client = client_for(fake, api_key=None)
    client._auth["openai/fake"] = {"api_base": fake.base}  # as if no placeholder were sent
    with pytest.raises(LLMConfigError, match="no API key"):
        await client.complete(HI, conversation="c")
    usage = client.accounting.of("c")
    assert (usage.attempts, usage.retries, usage.retries_by_cause) == (1, 0, {})
    assert fake.calls == 0


def test_outcomes_of_provider_errors() -> None:
    from convodesk.llm import lazy

    exc = lazy.litellm().exceptions
    retryable = lazy.retryable_errors()

    def make(cls: type, status: int) -> BaseException:
        return cls(message=f"injected {status}", llm_provider="openai", model="m")

    assert outcome(make(exc.AuthenticationError, 401), retryable) == "config"
    assert outcome(make(exc.NotFoundError, 404), retryable) == "config"
    assert outcome(make(exc.BadRequestError, 400), retryable) == "permanent"
    assert outcome(make(exc.RateLimitError, 429), retryable) == "retry"
    assert outcome(make(exc.InternalServerError, 500), retryable) == "retry"
    missing = exc.InternalServerError(
        message="OpenAIException - Missing credentials. Please pass an `api_key`",
        llm_provider="openai",
        model="m",
    )
    assert outcome(missing, retryable) == "config"
    assert outcome(TimeoutError(), retryable) == "retry"


def test_a_clean_environment_in_a_fresh_interpreter_runs_against_a_local_server(fake, proj) -> None:
    """The whole CLI in a subprocess whose environment holds no key of any kind."""
    fake.script = truthful_buyer
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src"), "HOME": str(proj)}
    assert not [k for k in env if "KEY" in k]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from convodesk.cli.app import main; main()",
            "test",
            str(proj / "flows" / FLOW.name),
            *llm_flags(fake),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["metrics"]["persona_errors"] == 0
    assert set(fake.auth) == {f"Bearer {PLACEHOLDER_KEY}"}
