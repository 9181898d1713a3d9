"""Shared fixtures for the hardening tests, and the figures `bench/hardening.py` reports.

Tests add to `figures` as they run (inputs tried, prompts sent, files refused, faults
survived); when CONVODESK_FIGURES names a file, the totals are written there at the end.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from convodesk.runtime.engine import Engine
from convodesk.runtime.loader import load_flow_file
from convodesk.runtime.model import Flow

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
FLOW_PATH = ROOT / "flows" / "saas_inbound.yaml"

settings.register_profile(
    "hardening",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FIGURES: Counter[str] = Counter()
MAXIMA: dict[str, float] = {}


def note(name: str, amount: int = 1) -> None:
    FIGURES[name] += amount


def note_max(name: str, value: float) -> None:
    MAXIMA[name] = max(MAXIMA.get(name, 0.0), value)


@pytest.fixture(scope="session", autouse=True)
def _write_figures() -> Iterator[None]:
    yield
    target = os.environ.get("CONVODESK_FIGURES")
    if target:
        Path(target).write_text(json.dumps({"counts": FIGURES, "maxima": MAXIMA}, indent=2))


def _load() -> Flow:
    flow = load_flow_file(FLOW_PATH).flow
    assert flow is not None
    return flow


FLOW = _load()


@pytest.fixture(scope="session")
def flow() -> Flow:
    return FLOW


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(FLOW)


def rows(name: str) -> list[str]:
    return [json.loads(line)["text"] for line in (DATA / name).read_text().splitlines() if line]
