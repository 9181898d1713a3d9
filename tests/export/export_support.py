"""Paths and helpers for the export tests (a plain module: tests/ is not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
FLOW_PATH = ROOT / "flows" / "saas_inbound.yaml"
HERE = Path(__file__).resolve().parent


def load_module(path: Path, name: str) -> ModuleType:
    """Import a file by path (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
