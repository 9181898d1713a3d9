"""LLM settings errors for people: `describe_config_error` (the CLI and the studio print it)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from convodesk.llm.config import ConfigError, LLMConfig, describe_config_error, resolve


def problem(tmp_path: Path, text: str, **given: object) -> str:
    (tmp_path / "convodesk.toml").write_text(text)
    with pytest.raises(ValueError) as info:  # ConfigError is a ValueError, as before
        resolve(project=tmp_path, env={}, **given)
    assert isinstance(info.value, ConfigError)
    return describe_config_error(info.value)


def test_a_wrong_type_names_the_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "convodesk.toml"
    assert problem(tmp_path, "[llm]\nmodel = 5\n") == f"{path}:2: [llm] model: expected text, got 5"


def test_every_problem_is_listed_one_per_line(tmp_path: Path) -> None:
    text = '[other]\nretries = 1\n[llm]\ntimeout = 0\nretries = "x"\nconcurency = 8\nunderstanding = "ml"\n'
    path = tmp_path / "convodesk.toml"
    assert problem(tmp_path, text).splitlines() == [  # in the order of the file's lines
        f"{path}:4: [llm] timeout: must be more than 0, got 0",
        f'{path}:5: [llm] retries: expected a whole number, got "x"',  # not [other]'s line 2
        f"{path}:6: [llm] concurency: unknown setting (did you mean concurrency?)",
        f"{path}:7: [llm] understanding: expected 'rules' or 'llm', got \"ml\"",
    ]


def test_toml_syntax_errors_name_the_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "convodesk.toml"
    assert problem(tmp_path, "[llm]\nmodel = 'a'\ntimeout 3\n") == (
        f"{path}:3:9: invalid TOML: Expected '=' after a key in a key/value pair"
    )


def test_a_table_that_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "convodesk.toml"
    assert problem(tmp_path, "llm = 3\n") == f"{path}: [llm] must be a table, got 3"


def test_values_from_the_environment_and_flags_are_named_by_their_source(tmp_path: Path) -> None:
    (tmp_path / "convodesk.toml").write_text("[llm]\n")
    with pytest.raises(ConfigError) as info:
        resolve(project=tmp_path, env={}, concurrency=0)
    assert describe_config_error(info.value) == "--concurrency: must be at least 1, got 0"


def test_raw_errors_are_described_too() -> None:
    with pytest.raises(ValidationError) as validation:
        LLMConfig.model_validate({"retries": 99})
    assert describe_config_error(validation.value) == (
        "LLM settings: [llm] retries: must be at most 20, got 99"
    )
    with pytest.raises(tomllib.TOMLDecodeError) as syntax:
        tomllib.loads("[llm]\nmodel = \n")
    assert describe_config_error(syntax.value) == "convodesk.toml:2:9: invalid TOML: Invalid value"
    missing = FileNotFoundError(2, "No such file or directory", "proj/convodesk.toml")
    assert describe_config_error(missing) == (
        "proj/convodesk.toml: cannot read it: No such file or directory"
    )
