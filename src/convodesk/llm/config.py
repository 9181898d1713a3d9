"""Where LLM settings come from: an explicit argument, then the environment, then the
project's `convodesk.toml` ([llm] table), then defaults."""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


class ConfigError(ValueError):
    """Settings that cannot work, one line per problem, already in plain words.

    A ValueError, so callers that caught TOML and pydantic errors as ValueErrors still do.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def find_config(start: Path | None = None) -> Path | None:
    """The nearest `convodesk.toml` at or above `start` (the working directory by default)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
    return None


def read_project(path: Path | None) -> dict[str, Any]:
    """The `[llm]` table of `path`; a file that cannot be read or parsed is a `ConfigError`
    naming the file (and, for TOML syntax, the line and column)."""
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([toml_problem(path, exc)]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read it: {exc.strerror or exc}"]) from None
    table = data.get("llm", {})
    if not isinstance(table, dict):
        raise ConfigError([f"{path}: [llm] must be a table, got {_shown(table)}"])
    return table


_ENV = (
    ("model", "CONVODESK_MODEL"),
    ("judge_model", "CONVODESK_JUDGE_MODEL"),
    ("api_base", "CONVODESK_API_BASE"),
    ("api_key", "CONVODESK_API_KEY"),
)


def resolve(
    *, project: Path | None = None, env: dict[str, str] | None = None, **explicit: Any
) -> LLMConfig:
    """Merge the sources, most specific first. `None` in `explicit` means 'not given'.

    Environment: CONVODESK_MODEL, CONVODESK_JUDGE_MODEL, CONVODESK_API_BASE,
    CONVODESK_API_KEY (litellm's own provider variables such as OPENAI_API_KEY keep working
    when no key is given here). Raises `ConfigError` naming where each bad value came from.
    """
    env = dict(os.environ) if env is None else env
    path = find_config(project)
    values: dict[str, Any] = dict(read_project(path))
    origin = dict.fromkeys(values, "file")
    for key, var in _ENV:
        if env.get(var):
            values[key], origin[key] = env[var], var
    given = {k: v for k, v in explicit.items() if v is not None}
    values.update(given)
    origin.update(dict.fromkeys(given, "flag"))
    try:
        return LLMConfig.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(_problems(exc, path, origin)) from None


def describe_config_error(exc: BaseException) -> str:
    """A settings error for people: one line per problem, naming the file (and line), the
    variable or the flag, e.g. `proj/convodesk.toml:3: [llm] model: expected text, got 5` or
    `proj/convodesk.toml:2:9: invalid TOML: Expected '=' after a key in a key/value pair`.

    Takes what `resolve` raises (`ConfigError`) and also raw pydantic, TOML and OS errors.
    """
    if isinstance(exc, ConfigError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return "\n".join(_problems(exc, None, {}))
    if isinstance(exc, tomllib.TOMLDecodeError):
        return toml_problem(Path(CONFIG_FILE), exc)
    if isinstance(exc, OSError):
        where = exc.filename or CONFIG_FILE
        return f"{where}: cannot read it: {exc.strerror or exc}"
    text = str(exc).strip()
    return (
        f"LLM settings: {text.splitlines()[0]}" if text else f"LLM settings: {type(exc).__name__}"
    )


_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def toml_problem(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    """`file:line:col: invalid TOML: message` (tomllib puts the position in its message)."""
    text = str(exc)
    found = _TOML_AT.search(text)
    if found is None:
        return f"{path}: invalid TOML: {text}"
    return f"{path}:{found.group(1)}:{found.group(2)}: invalid TOML: {text[: found.start()]}"


def _problems(exc: ValidationError, path: Path | None, origin: dict[str, str]) -> list[str]:
    """One line per error, those of the file in the order of its lines."""
    text = _read_text(path)
    found: list[tuple[float, str]] = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "llm"
        source = origin.get(key, "file" if path else "")
        what = plain_message(error)
        if source == "flag":
            found.append((float("inf"), f"--{key.replace('_', '-')}: {what}"))
        elif source.startswith("CONVODESK_"):
            found.append((float("inf"), f"{source}: {what}"))
        elif path is not None:
            line = _key_line(text, key)
            where = f"{path}:{line}" if line else str(path)
            found.append((line or float("inf"), f"{where}: [llm] {key}: {what}"))
        else:
            found.append((float("inf"), f"LLM settings: [llm] {key}: {what}"))
    return [line for _, line in sorted(found, key=lambda item: item[0])]


_KINDS = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
}
_BOUNDS = {
    "greater_than": ("gt", "must be more than {}"),
    "greater_than_equal": ("ge", "must be at least {}"),
    "less_than": ("lt", "must be less than {}"),
    "less_than_equal": ("le", "must be at most {}"),
}


def plain_message(error: Any) -> str:
    """pydantic's wording rewritten for people who write TOML, not Python."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    got = f", got {_shown(error.get('input'))}"
    if kind in _KINDS:
        return _KINDS[kind] + got
    if kind == "literal_error":
        return f"expected {ctx.get('expected', 'one of the allowed values')}{got}"
    if kind in _BOUNDS:
        name, words = _BOUNDS[kind]
        bound = ctx.get(name)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return words.format(bound) + got
    if kind == "extra_forbidden":
        key = str(error["loc"][-1]) if error.get("loc") else ""
        known = [name for name in LLMConfig.model_fields if name != "understanding_model"]
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"
        return f"unknown setting ({hint})"
    return str(error.get("msg", "invalid value"))


def _shown(value: Any) -> str:
    """A value as it looks in TOML: 5, "text", true, a table."""
    if isinstance(value, dict):
        return "a table"
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _read_text(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _key_line(text: str, key: str) -> int | None:
    """The line of `key = ...` inside the file's [llm] table (None if written another way)."""
    table = ""
    assign = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            table = header.group(1)
        elif table == "llm" and assign.match(line):
            return number
    return None
