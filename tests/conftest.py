from __future__ import annotations

from pathlib import Path

import pytest

# pytest only honours `pytest_plugins` in the top-level conftest: `pytest .` from the repository
# root must collect, so plugins that a sub-folder's tests need are named here
pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_FLOW = ROOT / "flows" / "saas_inbound.yaml"


@pytest.fixture
def example_flow_path() -> Path:
    return EXAMPLE_FLOW
