"""The client over real HTTP through litellm against the loopback server."""

from __future__ import annotations

import asyncio

import pytest

from convodesk.llm import lazy
from convodesk.llm.cache import CacheMode, ReplayMiss, ResponseCache
from convodesk.llm.client import LLMClient, LLMError
from convodesk.llm.config import LLMConfig

HI = [{"role": "user", "content": "hello there"}]


async def test_success_counts_tokens_and_notes_unpriced_model(fake, client_for) -> None:
    client = client_for(fake)
    reply = await client.complete(HI, conversation="c1", turn=1)
    assert reply.text.startswith("Thanks.") and not reply.cached
    usage = client.accounting.of("c1")
    assert (usage.calls, usage.prompt_tokens, usage.completion_tokens) == (1, 2, 10)
    assert usage.cost == 0 and usage.unpriced_models == ["openai/fake"]
    assert len(usage.latencies) == 1 and fake.calls == 1


async def test_cost_of_a_priced_model_comes_from_litellm(fake, client_for) -> None:
    client = client_for(fake, model="openai/gpt-4o-mini")
    await client.complete(HI, conversation="c1")
    await client.complete([{"role": "user", "content": "again"}], conversation="c2")
    total = client.accounting.total()
    assert total.cost > 0 and total.unpriced_models == []
    assert total.cost == pytest.approx(
        client.accounting.of("c1").cost + client.accounting.of("c2").cost
    )
    assert total.calls == 2 and total.tokens == 2 + 10 + 1 + 10


async def test_transient_faults_are_retried_until_success(fake, client_for) -> None:
    fake.inject("429", "500", "malformed", "disconnect", "timeout")
    client = client_for(fake, retries=5)
    reply = await client.complete(HI, conversation="c")
    usage = client.accounting.of("c")
    assert reply.text.startswith("Thanks.")
    assert fake.calls == 6 and usage.retries == 5 and usage.attempts == 6
    assert usage.calls == 1 and usage.failures == 0


async def test_exhausted_retries_raise_and_are_counted(fake, client_for) -> None:
    fake.inject("429", "503", "429")
    client = client_for(fake, retries=2)
    with pytest.raises(LLMError) as info:
        await client.complete(HI, conversation="c")
    assert info.value.kind == "transient" and info.value.attempts == 3
    # the last cause, and the provider's words once (not "RateLimitError: litellm.RateLimit...")
    assert str(info.value) == "gave up after 3 attempts (HTTP 429 rate limit): injected 429"
    assert fake.calls == 3 and client.accounting.of("c").failures == 1


async def test_a_bad_request_is_not_retried_and_said_once(fake, client_for) -> None:
    fake.inject("400")
    client = client_for(fake)
    with pytest.raises(LLMError) as info:
        await client.complete(HI)
    assert info.value.kind == "permanent" and info.value.attempts == 1
    assert str(info.value) == "BadRequestError (HTTP 400, not retried): injected 400"
    assert fake.calls == 1
    assert (await client.complete(HI)).text.startswith("Thanks."), "only that request failed"


async def test_errors_are_never_cached(fake, client_for, tmp_path) -> None:
    fake.inject("500", "500")
    client = client_for(fake, tmp_path, retries=1)
    with pytest.raises(LLMError):
        await client.complete(HI, conversation="c", turn=1)
    assert ResponseCache(tmp_path).entries() == []
    reply = await client.complete(HI, conversation="c", turn=1)
    assert not reply.cached and fake.calls == 3
    assert len(ResponseCache(tmp_path).entries()) == 1


async def test_second_run_makes_zero_http_calls(fake, client_for, tmp_path) -> None:
    prompts = [[{"role": "user", "content": f"message {i}"}] for i in range(5)]
    first = client_for(fake, tmp_path)
    texts = [
        (await first.complete(p, conversation="c", turn=i)).text for i, p in enumerate(prompts)
    ]
    assert fake.calls == 5
    second = client_for(fake, tmp_path)
    again = [await second.complete(p, conversation="c", turn=i) for i, p in enumerate(prompts)]
    assert fake.calls == 5
    assert [r.text for r in again] == texts and all(r.cached for r in again)
    usage = second.accounting.total()
    assert (usage.calls, usage.cache_hits) == (0, 5)
    assert usage.tokens == 0 and usage.cost == 0, "nothing was spent"
    assert usage.cached_tokens == first.accounting.total().tokens > 0


async def test_parameters_are_part_of_the_cache_key(fake, client_for, tmp_path) -> None:
    client = client_for(fake, tmp_path)
    await client.complete(HI, temperature=0.2, seed=1)
    await client.complete(HI, temperature=0.2, seed=2)
    await client.complete(HI, temperature=0.2, seed=1)
    assert fake.calls == 2
    assert {r["seed"] for r in fake.requests} == {1, 2}


async def test_no_cache_neither_reads_nor_writes(fake, client_for, tmp_path) -> None:
    await client_for(fake, tmp_path).complete(HI)
    off = client_for(fake, tmp_path, CacheMode.OFF)
    await off.complete(HI)
    await off.complete([{"role": "user", "content": "new"}])
    assert fake.calls == 3 and len(ResponseCache(tmp_path).entries()) == 1


async def test_replay_miss_names_conversation_turn_and_shows_the_diff(
    fake, client_for, tmp_path
) -> None:
    recorder = client_for(fake, tmp_path)
    asked = [
        {"role": "system", "content": "Play Jennifer."},
        {"role": "user", "content": "How many people work at Acme?"},
    ]
    await recorder.complete(asked, conversation="enterprise#0", turn=3, purpose="persona")
    await recorder.complete(HI, conversation="other#0", turn=3, purpose="persona")
    replay = client_for(fake, tmp_path, CacheMode.REPLAY)
    assert (await replay.complete(asked, conversation="enterprise#0", turn=3)).cached
    changed = [asked[0], {"role": "user", "content": "How many employees work at Acme?"}]
    with pytest.raises(ReplayMiss) as info:
        await replay.complete(changed, conversation="enterprise#0", turn=3, purpose="persona")
    message = str(info.value)
    assert "conversation enterprise#0, turn 3" in message
    assert "-How many people work at Acme?" in message
    assert "+How many employees work at Acme?" in message
    assert "hello there" not in message  # diffed against the same conversation, not another
    assert fake.calls == 2


async def test_concurrency_limit_is_honoured(fake, client_for) -> None:
    fake.latency = 0.1
    client = client_for(fake, concurrency=3)
    prompts = [[{"role": "user", "content": f"m{i}"}] for i in range(12)]
    await asyncio.gather(*(client.complete(p, conversation=f"c{i}") for i, p in enumerate(prompts)))
    assert fake.calls == 12 and fake.max_in_flight == 3


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    client = LLMClient(LLMConfig(backoff=1.0, backoff_cap=5.0))
    delays = [client.backoff(a) for a in range(6)]
    for attempt, delay in enumerate(delays):
        ceiling = min(5.0, 2.0**attempt)
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays)) == len(delays)


async def test_mock_response_passes_through_litellm_without_a_server() -> None:
    client = LLMClient(LLMConfig(model="gpt-4o-mini"))
    reply = await client.complete(HI, conversation="m", mock_response="Mocked hello")
    usage = client.accounting.of("m")
    assert reply.text == "Mocked hello" and usage.calls == 1
    assert usage.prompt_tokens > 0 and usage.cost > 0 and usage.unpriced_models == []


async def test_missing_model_is_a_clear_error() -> None:
    with pytest.raises(LLMError, match="CONVODESK_MODEL"):
        await LLMClient(LLMConfig()).complete(HI)


def test_litellm_is_configured_quietly() -> None:
    module = lazy.litellm()
    assert module.suppress_debug_info is True
    assert lazy.litellm() is module
