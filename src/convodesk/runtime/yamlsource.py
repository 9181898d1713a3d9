"""YAML reading that remembers where every value came from.

Designers fix what they can find: every problem must point at a line and column. PyYAML's
composer gives us nodes with marks; we build plain Python data from them ourselves, keeping a
map from each value's path to its position, and report pydantic errors against that map.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .problems import Problem, format_path

Path = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class _TooBig(Exception):
    pass

MAX_NODES = 50_000
MAX_BYTES = 5_000_000


class _Loader(yaml.SafeLoader):
    """SafeLoader where yes/no/on/off stay strings and dates stay text.

    Step and enum ids such as `yes`, `no` or `on` are common in conversation flows; YAML 1.1
    would silently turn them into booleans. Composing stops at MAX_NODES, so a huge file is
    refused early instead of being parsed to the end first.
    """

    composed = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:  # type: ignore[override]
        self.composed += 1
        if self.composed > MAX_NODES:
            raise _TooBig
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass
class SourceMap:
    """Positions (1-based line, col) of every value and key, by path."""

    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def problem(
        self, path: Path, message: str, *, key: bool = False, severity: str = "error"
    ) -> Problem:
        line, col = self.position(path, key=key)
        return Problem(self.file, line, col, format_path(path), message, severity)  # type: ignore[arg-type]


class _Builder:
    def __init__(self, loader: _Loader, source: SourceMap) -> None:
        self.loader = loader
        self.source = source
        self.count = 0
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        self.source.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _PLAIN_TAGS:
            line, col = self.source.values[path]
            self.problems.append(
                Problem(
                    self.source.file,
                    line,
                    col,
                    format_path(path),
                    f"YAML tag {node.tag!r} is not allowed here",
                )
            )
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            self.loader.flatten_mapping(node)
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool) or key is None:
                    line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    self.problems.append(
                        Problem(
                            self.source.file,
                            line,
                            col,
                            format_path(path),
                            "keys must be plain text",
                        )
                    )
                    continue
                key = str(key) if not isinstance(key, str) else key
                child = (*path, key)
                mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in result:
                    self.problems.append(
                        Problem(
                            self.source.file,
                            *mark,
                            format_path(child),
                            f"'{key}' is defined twice in the same block (line "
                            f"{self.source.keys[child][0]} and line {mark[0]})",
                        )
                    )
                    continue
                self.source.keys[child] = mark
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)


_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")
}


_UNCLOSED = {
    "while scanning a quoted scalar": "a quoted text",
    "while parsing a flow mapping": "a { mapping",
    "while parsing a flow sequence": "a [ list",
}


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError) -> Problem:
    """Point at where the broken construct starts when the parser only noticed at end of file."""
    problem = exc.problem or "malformed YAML"
    mark = exc.problem_mark or exc.context_mark
    if "end of stream" in problem and exc.context_mark is not None:
        mark = exc.context_mark
        what = _UNCLOSED.get(exc.context or "", "a block")
        problem = f"{what} starting here is never closed (the file ends first)"
    elif exc.context:
        problem = f"{problem} ({exc.context})"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(file, line, col, "", f"YAML syntax error: {problem}")


def load_yaml(text: str, file: str) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse YAML text; never raises for bad input, returns problems instead."""
    source = SourceMap(file)
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        return (
            None,
            source,
            [Problem(file, 1, 1, "", f"file is larger than {MAX_BYTES // 1_000_000} MB")],
        )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, source, [Problem(file, 1, 1, "", "file is empty")]
        builder = _Builder(loader, source)
        data = builder.build(node, ())
        return data, source, builder.problems
    except _TooBig:
        return None, source, [Problem(file, 1, 1, "", f"file has more than {MAX_NODES} values")]
    except yaml.MarkedYAMLError as exc:
        return None, source, [_syntax_problem(file, exc)]
    except yaml.YAMLError as exc:
        return None, source, [Problem(file, 1, 1, "", f"YAML error: {exc}")]
    except RecursionError:
        return None, source, [Problem(file, 1, 1, "", "YAML is nested too deeply")]
    finally:
        loader.dispose()


_TYPE_WORDS = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
}


_KIND_OF = {dict: "a mapping", list: "a list"}


def _plain(error: dict[str, Any], fields: list[str]) -> str:
    """Pydantic's wording rewritten for people who do not program."""
    kind = error["type"]
    loc = error["loc"]
    got = error.get("input")
    if kind == "missing":
        return f"missing required key '{loc[-1]}'"
    if kind == "extra_forbidden":
        hint = difflib.get_close_matches(str(loc[-1]), fields, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        known = f"; known keys: {', '.join(fields)}" if fields and not hint else ""
        return f"unknown key '{loc[-1]}'{suggestion}{known}"
    if kind in _TYPE_WORDS:
        shown = repr(got) if not isinstance(got, dict | list) else _KIND_OF[type(got)]
        return f"expected {_TYPE_WORDS[kind]}, got {shown}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}, got {got!r}"
    if kind == "too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return f"{got!r} may only use letters, digits, '-', '_' and '.'"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{error['msg'].lower()}, got {got!r}"
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys a model accepts at `loc`, for 'did you mean' hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            current = None
            break
        annotation = fields[part].annotation
        current = _model_in(annotation)
    fields = getattr(current, "model_fields", None)
    return sorted(fields) if fields else []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def validate_model(model: type[M], data: Any, source: SourceMap) -> tuple[M | None, list[Problem]]:
    """Validate data into `model`, turning every pydantic error into a positioned problem."""
    if not isinstance(data, dict):
        got = _KIND_OF.get(type(data), "text" if isinstance(data, str) else repr(data))
        return None, [
            source.problem((), f"expected a mapping of keys to values at the top, got {got}")
        ]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
            extra = error["type"] == "extra_forbidden"
            fields = _fields_at(model, loc[:-1]) if extra else []
            problems.append(
                source.problem(loc, _plain(error, fields), key=extra or error["type"] == "missing")
            )
        return None, problems
