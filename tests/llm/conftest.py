from __future__ import annotations

import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fakeserver import FakeLLM, FakeServer
from project import make_project

from convodesk.llm.cache import CacheMode, ResponseCache
from convodesk.llm.client import LLMClient
from convodesk.llm.config import LLMConfig


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    # An injected "timeout" answers only after `hang`: well past every client timeout the tests
    # set (1 s to 5 s), or a loaded machine turns it into a late reply ("too late").
    with FakeServer(FakeLLM(hang=8.0)) as state:
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
def proj(tmp_path: Path) -> Path:
    """A project (flows/ beside personas/) with four example personas and fast LLM settings."""
    return make_project(tmp_path)


KEY_VARIABLES = ("CONVODESK_API_KEY", "OPENAI_API_KEY", "OPENAI_ADMIN_KEY", "AZURE_API_KEY")


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """No API key anywhere in the environment: convodesk's, OpenAI's or any provider's."""
    for name in [*os.environ, *KEY_VARIABLES]:
        if name in KEY_VARIABLES or name.endswith(("_API_KEY", "_ADMIN_KEY", "_TOKEN")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CONVODESK_MODEL", raising=False)
    monkeypatch.delenv("CONVODESK_API_BASE", raising=False)
    assert not [name for name in os.environ if name.endswith("_API_KEY")]


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    return make_client
