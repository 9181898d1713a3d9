from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_FLOW = ROOT / "flows" / "saas_inbound.yaml"


@pytest.fixture
def example_flow_path() -> Path:
    return EXAMPLE_FLOW
