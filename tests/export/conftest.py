"""Shared helpers: export the example flow once, import exported packages in-process."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from export_support import FLOW_PATH

from convodesk.export import ExportResult, export_package
from convodesk.runtime import Flow, load_flow


@pytest.fixture(scope="session")
def example_flow() -> Flow:
    return load_flow(FLOW_PATH)


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory, example_flow: Flow) -> ExportResult:
    """The example flow exported as `acme_bot`, with its wheel."""
    out = tmp_path_factory.mktemp("export") / "acme_bot"
    return export_package(example_flow, out, "acme_bot", wheel=True)


@pytest.fixture
def import_exported() -> Iterator[Callable[[Path, str], ModuleType]]:
    """Import exported packages from their `src` folders; forgotten again after the test.

    Each package needs its own name: two packages of one name cannot share a process.
    """
    added: list[str] = []
    names: list[str] = []

    def do_import(out: Path, name: str) -> ModuleType:
        src = str(out / "src")
        sys.path.insert(0, src)
        added.append(src)
        names.append(name)
        return importlib.import_module(name)

    yield do_import
    for src in added:
        sys.path.remove(src)
    for name in names:
        for key in [k for k in sys.modules if k == name or k.startswith(f"{name}.")]:
            del sys.modules[key]
