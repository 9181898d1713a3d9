"""A small convodesk project for the CLI tests (the example flow and four of its personas, fast
LLM settings) and a way to run `convodesk test` on it in-process."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from convodesk.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
FLOW = ROOT / "flows" / "saas_inbound.yaml"
CAST = ("enterprise-buyer", "midmarket-lukewarm", "small-company", "terse-refuses-budget")
FILES = {
    "enterprise-buyer": "enterprise_buyer.yaml",
    "midmarket-lukewarm": "midmarket_lukewarm.yaml",
    "small-company": "small_company.yaml",
    "terse-refuses-budget": "terse_refuses_budget.yaml",
}
SETTINGS = "[llm]\ntimeout = 3\nretries = 8\nbackoff = 0.01\nbackoff_cap = 0.05\n"
WITH_KEY = {"CONVODESK_API_KEY": "sk-test", "CONVODESK_MODEL": None, "COLUMNS": "160"}
WITHOUT_KEY = {"CONVODESK_API_KEY": None, "CONVODESK_MODEL": None, "COLUMNS": "160"}


def make_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "flows").mkdir(parents=True)
    (root / "personas").mkdir()
    shutil.copy(FLOW, root / "flows" / FLOW.name)
    for name in CAST:
        # the tests that judge set their own rubric items; the example's would add judge calls
        data = yaml.safe_load((ROOT / "personas" / FILES[name]).read_text())
        data["expect"].pop("rubric", None)
        (root / "personas" / FILES[name]).write_text(yaml.safe_dump(data, sort_keys=False))
    (root / "convodesk.toml").write_text(SETTINGS)
    return root


def invoke(proj: Path, *args: str, env: dict[str, str | None] | None = None) -> Any:
    """`convodesk test <proj flow> ARGS` (with a key in the environment unless `env` says)."""
    return run(["test", str(proj / "flows" / FLOW.name), *args], env=env)


def run(argv: list[str], *, env: dict[str, str | None] | None = None) -> Any:
    result = CliRunner().invoke(app, argv, env=WITH_KEY if env is None else env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def llm_flags(fake: Any) -> list[str]:
    return ["--model", "openai/fake", "--api-base", fake.base]


def stored(proj: Path, persona: str) -> dict[str, Any]:
    return yaml.safe_load((proj / "transcripts" / "saas_inbound" / f"{persona}.yaml").read_text())


def add_rubric(proj: Path, persona: str, *items: str) -> None:
    path = proj / "personas" / FILES[persona]
    data = yaml.safe_load(path.read_text())
    data["expect"]["rubric"] = list(items)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
