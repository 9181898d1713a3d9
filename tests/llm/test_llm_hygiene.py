"""Offline paths never import litellm: proven in fresh interpreters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOW = ROOT / "flows" / "saas_inbound.yaml"
PROBE = (
    "import sys, json\n"
    "sys.argv = {argv!r}\n"
    "from convodesk.cli.app import main\n"
    "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
    "print(json.dumps({{'litellm': 'litellm' in sys.modules, 'code': code}}), file=sys.stderr)\n"
)


def run_cli(*args: str, stdin: str = "") -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONVODESK_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=["convodesk", *args])],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("--help",), ""),
        (("validate", str(FLOW)), ""),
        (("chat", str(FLOW), "--quiet"), "We use spreadsheets. Do you support SSO?\n500\n"),
    ],
)
def test_offline_commands_do_not_import_litellm(args: tuple[str, ...], stdin: str) -> None:
    result = run_cli(*args, stdin=stdin)
    assert result == {"litellm": False, "code": 0}


def test_offline_suite_does_not_import_litellm() -> None:
    from convodesk.cli.registry import COMMAND_MODULES

    if not (ROOT / "src/convodesk/cli/suite.py").exists():
        pytest.skip("the `test` command (issue 3) has not landed yet")
    assert "suite" in COMMAND_MODULES
    result = run_cli("test", str(FLOW))
    assert result["litellm"] is False


def test_llm_modules_import_without_litellm() -> None:
    code = (
        "import sys\n"
        "import convodesk.llm.suite, convodesk.llm.report, convodesk.llm.facts\n"
        "assert 'litellm' not in sys.modules, 'litellm imported'\n"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


def test_a_replay_from_the_cache_never_imports_litellm(tmp_path: Path) -> None:
    """Record one call with litellm's mock_response, then replay it in a fresh interpreter."""
    template = (
        "import asyncio, sys\n"
        "from convodesk.llm.cache import CacheMode, ResponseCache\n"
        "from convodesk.llm.client import LLMClient\n"
        "from convodesk.llm.config import LLMConfig\n"
        f"cache = ResponseCache({str(tmp_path)!r}, CacheMode.{{mode}})\n"
        "c = LLMClient(LLMConfig(model='gpt-4o-mini'), cache)\n"
        "r = asyncio.run(c.complete([{{'role': 'user', 'content': 'hi'}}], mock_response='hello'))\n"
        "assert r.text == 'hello' and r.cached is {cached}\n"
        "assert ('litellm' in sys.modules) is not {cached}\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for mode, cached in (("READ_WRITE", False), ("REPLAY", True)):
        code = template.format(mode=mode, cached=cached)
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
