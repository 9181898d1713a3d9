"""docs/export.md shows what `convodesk export` prints today, not what it printed once."""

from __future__ import annotations

import shutil
from pathlib import Path

from export_support import FLOW_PATH, ROOT
from test_cli_export import cli

DOC = ROOT / "docs" / "export.md"
COMMAND = "$ convodesk export flows/saas_inbound.yaml --out build/acme_bot --wheel"


def documented_output() -> list[str]:
    lines = DOC.read_text().splitlines()
    start = lines.index(COMMAND) + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(("$ ", "```")))
    return lines[start:end]


def test_console_sample_is_a_real_run(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    shutil.copy(FLOW_PATH, tmp_path / "flows" / FLOW_PATH.name)
    result = cli(*COMMAND.removeprefix("$ convodesk ").split(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == documented_output(), (
        "docs/export.md's console sample is stale: paste this run's output into it"
    )
