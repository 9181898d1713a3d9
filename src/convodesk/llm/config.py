"""Where LLM settings come from: an explicit argument, then the environment, then the
project's `convodesk.toml` ([llm] table), then defaults."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CONFIG_FILE = "convodesk.toml"


class LLMConfig(BaseModel):
    """Settings for one suite run; `api_key` is never printed (repr hides it)."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    judge_model: str | None = None
    understanding: Literal["rules", "llm"] | None = None  # the project's default; a flag wins
    understanding_model: str | None = None
    api_base: str | None = None
    api_key: str | None = Field(default=None, repr=False)
    timeout: float = Field(default=30.0, gt=0)
    retries: int = Field(default=4, ge=0, le=20)
    backoff: float = Field(default=0.5, ge=0)
    backoff_cap: float = Field(default=20.0, ge=0)
    concurrency: int = Field(default=8, ge=1, le=1024)
    temperature: float | None = None
    seed: int | None = None
    max_tokens: int | None = Field(default=None, ge=1)


def find_config(start: Path | None = None) -> Path | None:
    """The nearest `convodesk.toml` at or above `start` (the working directory by default)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
    return None


def read_project(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    table = data.get("llm", {})
    if not isinstance(table, dict):
        raise ValueError(f"{path}: [llm] must be a table")
    return table


def resolve(
    *, project: Path | None = None, env: dict[str, str] | None = None, **explicit: Any
) -> LLMConfig:
    """Merge the sources, most specific first. `None` in `explicit` means 'not given'.

    Environment: CONVODESK_MODEL, CONVODESK_JUDGE_MODEL, CONVODESK_API_BASE,
    CONVODESK_API_KEY (litellm's own provider variables such as OPENAI_API_KEY keep working
    when no key is given here).
    """
    env = dict(os.environ) if env is None else env
    values: dict[str, Any] = dict(read_project(find_config(project)))
    for key, var in (
        ("model", "CONVODESK_MODEL"),
        ("judge_model", "CONVODESK_JUDGE_MODEL"),
        ("api_base", "CONVODESK_API_BASE"),
        ("api_key", "CONVODESK_API_KEY"),
    ):
        if env.get(var):
            values[key] = env[var]
    values.update({k: v for k, v in explicit.items() if v is not None})
    return LLMConfig.model_validate(values)
