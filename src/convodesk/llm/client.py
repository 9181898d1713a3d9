"""One client around `litellm.acompletion`, shared by personas, understanding and the judge.

It owns what every call needs and litellm does not do the way a suite wants: a response
cache in front of the network, a concurrency limit that is released while backing off, its
own retry loop (litellm's is turned off so that every attempt is counted and jittered), and
accounting of calls, cache hits, tokens, cost and latency per conversation and per suite.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from . import errors, lazy
from .cache import CachedResponse, CacheEntry, CacheMode, ReplayMiss, ResponseCache, request_key
from .config import LLMConfig
from .errors import LLMConfigError, LLMError, retry_cause

__all__ = ["LLMClient", "LLMConfigError", "LLMError", "Usage", "retry_cause"]

PLACEHOLDER_KEY = "sk-convodesk-no-key"
"""Sent to an `api_base` server when no key is configured: the OpenAI client refuses to send a
request without one, and local OpenAI-compatible servers (vLLM, llama.cpp, Ollama) ignore it."""


class Completion(BaseModel):
    text: str
    model: str
    cached: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    latency: float = 0.0


RETRY_CAUSES = (
    "429",
    "5xx",
    "timeout",
    "connection",
    "malformed_body",
    "invalid_json",
    "empty_reply",
    "role_break",
)
"""Why a request was sent again. The first five are transport faults the client retried (the
same request); the last three are content faults a caller re-asked about (a new request)."""


class Usage(BaseModel):
    """Counters for one conversation or a whole suite.

    `retries` counts transport retries (attempts beyond the first); `retries_by_cause` counts
    those by cause and also the content re-asks (invalid JSON, empty reply, role break).
    Tokens and cost are what this run's calls spent; the `cached_` ones are what the answers
    served from the cache cost when they were recorded (saved this time, not spent).
    """

    calls: int = 0
    cache_hits: int = 0
    attempts: int = 0
    retries: int = 0
    failures: int = 0
    retries_by_cause: dict[str, int] = Field(default_factory=dict)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    cached_prompt_tokens: int = 0
    cached_completion_tokens: int = 0
    cached_cost: float = 0.0
    unpriced_models: list[str] = Field(default_factory=list)
    latencies: list[float] = Field(default_factory=list)

    @property
    def tokens(self) -> int:
        """Spent by this run's calls."""
        return self.prompt_tokens + self.completion_tokens

    @property
    def cached_tokens(self) -> int:
        return self.cached_prompt_tokens + self.cached_completion_tokens

    def retried(self, cause: str) -> None:
        self.retries_by_cause[cause] = self.retries_by_cause.get(cause, 0) + 1

    def add(self, other: Usage) -> None:
        for name in ("calls", "cache_hits", "attempts", "retries", "failures"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for cause, count in other.retries_by_cause.items():
            self.retries_by_cause[cause] = self.retries_by_cause.get(cause, 0) + count
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cost += other.cost
        self.cached_prompt_tokens += other.cached_prompt_tokens
        self.cached_completion_tokens += other.cached_completion_tokens
        self.cached_cost += other.cached_cost
        self.unpriced_models = sorted({*self.unpriced_models, *other.unpriced_models})
        self.latencies.extend(other.latencies)


class Accounting:
    """Usage per conversation id; the suite total is their sum."""

    def __init__(self) -> None:
        self.by_conversation: dict[str, Usage] = defaultdict(Usage)

    def of(self, conversation: str) -> Usage:
        return self.by_conversation[conversation]

    def total(self) -> Usage:
        total = Usage()
        for usage in self.by_conversation.values():
            total.add(usage)
        return total


Sleep = Callable[[float], Any]


class LLMClient:
    """Make one per suite run (and per event loop: the semaphore binds to the loop)."""

    def __init__(
        self,
        config: LLMConfig,
        cache: ResponseCache | None = None,
        *,
        accounting: Accounting | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.cache = cache or ResponseCache(".", CacheMode.OFF)
        self.accounting = accounting or Accounting()
        self._rng = rng or random.Random()
        self._semaphore: asyncio.Semaphore | None = None
        self._unpriced: set[str] = set()
        self._auth: dict[str, dict[str, str]] = {}  # model -> api_base / api_key to send
        self.misses: list[ReplayMiss] = []  # kept: a caller may swallow the exception
        self.fatal: LLMConfigError | None = None  # the configuration error that stops the run

    @property
    def semaphore(self) -> asyncio.Semaphore:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.config.concurrency)
        return self._semaphore

    def params_for(self, **given: Any) -> dict[str, Any]:
        """Request parameters that change the answer, and so belong in the cache key."""
        params = {
            "temperature": self.config.temperature,
            "seed": self.config.seed,
            "max_tokens": self.config.max_tokens,
        }
        params.update(given)
        return {k: v for k, v in params.items() if v is not None}

    async def complete(
        self,
        messages: list[dict[str, Any]],
        *,
        model: str | None = None,
        conversation: str = "",
        turn: int | str = "",
        purpose: str = "",
        **params: Any,
    ) -> Completion:
        """One chat completion, from the cache when possible.

        Raises `ReplayMiss`, `LLMError`, or `LLMConfigError` when no request of this run can
        work (no key, a refused key, an unknown model): later calls then fail at once with it.
        """
        model = model or self.config.model
        if not model:
            raise LLMConfigError(
                "no model: pass --model, set CONVODESK_MODEL or [llm] model in convodesk.toml",
                attempts=0,
            )
        request_params = self.params_for(**params)
        key = request_key(model, messages, request_params)
        usage = self.accounting.of(conversation)
        hit = self.cache.get(key)
        if hit is not None:
            usage.cache_hits += 1
            self._count(usage, hit.response, cached=True)
            return Completion(cached=True, **hit.response.model_dump(exclude={"cost_known"}))
        if self.cache.mode is CacheMode.REPLAY:
            miss = self.cache.miss(
                model,
                messages,
                request_params,
                conversation=conversation,
                turn=str(turn),
                purpose=purpose,
            )
            self.misses.append(miss)
            raise miss
        if self.fatal is not None:  # every request would fail the same way: do not send it
            raise LLMConfigError(str(self.fatal), attempts=0)
        response = await self._call(model, messages, request_params, usage)
        usage.calls += 1
        usage.latencies.append(response.latency)
        self._count(usage, response)
        self.cache.put(
            CacheEntry(
                key=key,
                model=model,
                messages=messages,
                params=request_params,
                conversation=conversation,
                turn=str(turn),
                purpose=purpose,
                response=response,
            )
        )
        return Completion(**response.model_dump(exclude={"cost_known"}))

    def note_retry(self, conversation: str, cause: str) -> None:
        """A caller re-asked because the content was unusable (see `RETRY_CAUSES`)."""
        self.accounting.of(conversation).retried(cause)

    def _count(self, usage: Usage, response: CachedResponse, *, cached: bool = False) -> None:
        if cached:
            usage.cached_prompt_tokens += response.prompt_tokens
            usage.cached_completion_tokens += response.completion_tokens
            usage.cached_cost += response.cost
        else:
            usage.prompt_tokens += response.prompt_tokens
            usage.completion_tokens += response.completion_tokens
            usage.cost += response.cost
        if not response.cost_known and response.model not in usage.unpriced_models:
            usage.unpriced_models.append(response.model)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter: spreads a burst of 429s instead of syncing it."""
        ceiling = min(self.config.backoff_cap, self.config.backoff * 2**attempt)
        return self._rng.uniform(ceiling / 2, ceiling)

    def _credentials(self, model: str) -> dict[str, str]:
        """`api_base` and `api_key` for `model`, decided once per model and run.

        A configured key is sent as it is. Without one, litellm looks in the provider's own
        variables (OPENAI_API_KEY...); when those are missing too, a server at `api_base` gets
        `PLACEHOLDER_KEY` (local servers need none), and a hosted provider is a configuration
        error raised before any request.
        """
        known = self._auth.get(model)
        if known is not None:
            return known
        base, key = self.config.api_base, self.config.api_key
        extra = {"api_base": base} if base else {}
        if key:
            extra["api_key"] = key
        elif missing := _missing_keys(model, base):
            if not base:
                raise self._stop(
                    LLMConfigError(
                        f"{model}: no API key: set CONVODESK_API_KEY (or {' or '.join(missing)}), "
                        "or use --api-base for a server that needs none"
                    )
                )
            extra["api_key"] = PLACEHOLDER_KEY
        self._auth[model] = extra
        return extra

    def _stop(self, error: LLMConfigError) -> LLMConfigError:
        if self.fatal is None:
            self.fatal = error
        return error

    async def _call(
        self, model: str, messages: list[dict[str, Any]], params: dict[str, Any], usage: Usage
    ) -> CachedResponse:
        litellm = lazy.litellm()
        retryable = lazy.retryable_errors()
        # litellm's mock_response never leaves the process: it needs no key
        extra = {} if "mock_response" in params else self._credentials(model)
        attempts = self.config.retries + 1
        last: BaseException | None = None
        for attempt in range(attempts):
            if attempt:
                assert last is not None
                usage.retries += 1
                usage.retried(retry_cause(last))
                await asyncio.sleep(self.backoff(attempt - 1))
            async with self.semaphore:
                if self.fatal is not None:  # it came while this request waited for a slot
                    raise LLMConfigError(str(self.fatal), attempts=0)
                usage.attempts += 1
                started = time.perf_counter()
                try:
                    async with asyncio.timeout(self.config.timeout * 1.5 + 1):
                        raw = await litellm.acompletion(
                            model=model,
                            messages=messages,
                            timeout=self.config.timeout,
                            num_retries=0,
                            max_retries=0,
                            **extra,
                            **params,
                        )
                except Exception as exc:  # our own timeout backstop is a TimeoutError
                    verdict = errors.outcome(exc, retryable)
                    if verdict == "retry":
                        last = exc
                        continue
                    usage.failures += 1
                    if verdict == "config":
                        placeholder = extra.get("api_key") == PLACEHOLDER_KEY
                        raise self._stop(
                            errors.config(
                                exc,
                                model=model,
                                api_base=self.config.api_base,
                                placeholder=placeholder,
                            )
                        ) from exc
                    raise LLMError(
                        errors.permanent(exc), attempts=attempt + 1, kind="permanent"
                    ) from exc
                latency = time.perf_counter() - started
            return self._response(raw, model, latency)
        usage.failures += 1
        assert last is not None
        raise LLMError(
            errors.transient(last, attempts), attempts=attempts, kind="transient"
        ) from last

    def _response(self, raw: Any, model: str, latency: float) -> CachedResponse:
        choice = raw.choices[0] if raw.choices else None
        text = (choice.message.content if choice is not None else None) or ""
        usage = getattr(raw, "usage", None)
        cost, known = 0.0, False
        if model not in self._unpriced:
            try:
                cost = float(lazy.litellm().completion_cost(completion_response=raw) or 0.0)
                known = True
            except Exception:  # litellm raises for models missing from its price map
                self._unpriced.add(model)
        return CachedResponse(
            text=text,
            model=model,
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            cost=cost,
            cost_known=known,
            latency=round(latency, 6),
        )


def _missing_keys(model: str, api_base: str | None) -> list[str]:
    """The provider's key variables litellm would need for `model` and cannot find."""
    try:
        found = lazy.litellm().validate_environment(model=model, api_base=api_base)
    except Exception:  # a model litellm cannot place: let the call itself say what is wrong
        return []
    return [name for name in found.get("missing_keys") or [] if name.endswith("_API_KEY")]
