from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fakeserver import FakeLLM, FakeServer

from convodesk.llm.cache import CacheMode, ResponseCache
from convodesk.llm.client import LLMClient
from convodesk.llm.config import LLMConfig


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    with FakeServer(FakeLLM(hang=3.0)) as state:
        yield state


def make_client(
    fake: FakeLLM,
    cache_dir: Path | None = None,
    mode: CacheMode = CacheMode.READ_WRITE,
    **cfg: object,
) -> LLMClient:
    settings: dict[str, object] = {
        "model": "openai/fake",
        "api_base": fake.base,
        "api_key": "sk-test",
        "timeout": 1.0,
        "retries": 3,
        "backoff": 0.01,
        "backoff_cap": 0.05,
    }
    settings.update(cfg)
    cache = ResponseCache(cache_dir, mode) if cache_dir is not None else None
    return LLMClient(LLMConfig.model_validate(settings), cache, rng=random.Random(0))


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    return make_client
