"""The embeddable runtime and the CLI's start-up stay light: proven in fresh interpreters."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("litellm", "textual", "typer", "rich")


def loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} + ('yaml',) if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "module",
    [
        "convodesk.runtime",
        "convodesk.runtime.engine",
        "convodesk.runtime.session",
        "convodesk.runtime.loader",
        "convodesk.runtime.conditions",
        "convodesk.runtime.understanding",
        "convodesk.runtime.lint",
        "convodesk.runtime.graph",
    ],
)
def test_runtime_imports_no_heavy_library(module: str) -> None:
    assert [m for m in loaded_after(f"import {module}") if m != "yaml"] == []


def test_running_a_conversation_needs_no_heavy_library(example_flow_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "from convodesk.runtime import Engine, load_flow\n"
        f"s = Engine(load_flow({str(example_flow_path)!r})).start()\n"
        "s.send('We use spreadsheets and need something better. Do you support SSO?')\n"
    )
    assert [m for m in loaded_after(code) if m != "yaml"] == []


def test_runtime_engine_runs_without_yaml() -> None:
    """A compiled (JSON) flow runs with pyyaml absent: exported packages depend on it."""
    code = (
        "import sys\n"
        "sys.modules['yaml'] = None  # importing yaml now raises ImportError\n"
        "from convodesk.runtime import Engine, Flow\n"
        "flow = Flow.model_validate({'flow': 't', 'slots': {'n': {'type': 'integer', 'ask': 'How many?'}},"
        " 'steps': [{'id': 'a', 'ask': 'n'}, {'id': 'b', 'end': True}]})\n"
        "s = Engine(flow).start(); t = s.send('40 people')\n"
        "assert t.done and s.slots == {'n': 40}, (t, s.slots)\n"
        "del sys.modules['yaml']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_help_does_not_import_litellm() -> None:
    code = "import sys\nsys.argv = ['convodesk', '--help']\nfrom convodesk.cli.app import main\ntry:\n    main()\nexcept SystemExit:\n    pass"
    assert "litellm" not in loaded_after(code)


# pytest imports the plugin in every session of every project where convodesk is installed:
# what it imports can break (or slow down) test runs that never use convodesk
PLUGIN_MUST_NOT_LOAD = (
    "convodesk.runtime",
    "convodesk.sim",
    "convodesk.llm",
    "convodesk.cli",
    "convodesk.tui",
    "convodesk.export",
    "convodesk.testing.diff",
    "convodesk.testing.snapshot",
    "convodesk.testing.extension",
    "pydantic",
    "yaml",
    "syrupy",
    "textual",
    "rich",
    "typer",
    "litellm",
)


def modules_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["convodesk.testing", "convodesk.testing.plugin"])
def test_testing_package_and_plugin_import_only_pytest_and_stdlib(module: str) -> None:
    before = set(modules_after("import pytest"))
    loaded = [m for m in modules_after(f"import pytest, {module}") if m not in before]
    heavy = [m for m in loaded if m.startswith(PLUGIN_MUST_NOT_LOAD)]
    assert heavy == []
    ours = {m for m in loaded if m.startswith("convodesk")}
    assert ours <= {"convodesk", "convodesk.testing", "convodesk.testing.plugin"}


def test_testing_names_still_load_on_first_use() -> None:
    code = (
        "import sys, convodesk.testing as t\n"
        "assert 'convodesk.testing.diff' not in sys.modules\n"
        "assert t.compare.__module__ == 'convodesk.testing.diff'\n"
        "assert t.persona_suite.__module__ == 'convodesk.testing.suite'\n"
        "assert sorted(t.__all__) == sorted(t._LAZY), 'every public name is lazy'\n"
        "assert all(getattr(t, name) for name in t.__all__)\n"
        "try:\n    t.nothing_here\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(1)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
