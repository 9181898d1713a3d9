"""YAML reading that remembers where every value came from.

Designers fix what they can find: every problem must point at a line and column. PyYAML's
composer gives us nodes with marks; we build plain Python data from them ourselves, keeping a
map from each value's path to its position, and report pydantic errors against that map.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

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
        # assigned, not kept: a block's own key overrides a merged one at the same path
        self.source.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
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
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        """Keys of one block; `<<` merges give defaults that the block's own keys override.

        A key written twice in the block is a mistake, but a key that overrides a merged one
        is what merge keys are for, so only the former is reported.
        """
        own = [pair for pair in node.value if pair[0].tag != "tag:yaml.org,2002:merge"]
        self.loader.flatten_mapping(node)
        merged = node.value[: len(node.value) - len(own)]
        result: dict[Any, Any] = {}
        explicit: set[str] = set()
        for number, (key_node, value_node) in enumerate([*merged, *own]):
            from_merge = number < len(merged)
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                self.problems.append(
                    Problem(
                        self.source.file, line, col, format_path(path), "keys must be plain text"
                    )
                )
                continue
            key = str(key) if not isinstance(key, str) else key
            child = (*path, key)
            mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in explicit:
                self.problems.append(
                    Problem(
                        self.source.file,
                        *mark,
                        format_path(child),
                        _twice(key, self.source.keys[child], mark),
                    )
                )
                continue
            if not from_merge:
                explicit.add(key)
            self.source.keys[child] = mark
            result[key] = self.build(value_node, child)
        return result


def _twice(key: str, first: tuple[int, int], again: tuple[int, int]) -> str:
    if first[0] == again[0]:
        where = f"line {first[0]}, columns {first[1]} and {again[1]}"
    else:
        where = f"line {first[0]} and line {again[0]}"
    return f"'{key}' is defined twice in the same block ({where})"


_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")
}


_UNCLOSED = {
    "while scanning a quoted scalar": "a quoted text",
    "while parsing a flow mapping": "a { mapping",
    "while parsing a flow sequence": "a [ list",
}
_OPENERS = {
    yaml.FlowSequenceStartToken: ("a [ list", yaml.FlowSequenceEndToken),
    yaml.FlowMappingStartToken: ("a { mapping", yaml.FlowMappingEndToken),
}


def _ends_early(problem: str) -> bool:
    """PyYAML words 'the file ended' two ways: 'end of stream' and '<stream end>'."""
    return "end of stream" in problem or "<stream end>" in problem


def _unclosed_bracket(text: str) -> tuple[str, yaml.Mark] | None:
    """The innermost `[` or `{` still open when the file ends, found by scanning tokens."""
    stack: list[tuple[str, type, yaml.Mark]] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            opener = _OPENERS.get(type(token))
            if opener is not None:
                stack.append((opener[0], opener[1], token.start_mark))
            elif stack and isinstance(token, stack[-1][1]):
                stack.pop()
    except yaml.YAMLError:
        pass
    return (stack[-1][0], stack[-1][2]) if stack else None


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError, text: str) -> Problem:
    """Point at where the broken construct starts when the parser only noticed at end of file."""
    problem = exc.problem or "malformed YAML"
    mark = exc.problem_mark or exc.context_mark
    if _ends_early(problem):
        quoted = exc.context == "while scanning a quoted scalar"
        bracket = None if quoted else _unclosed_bracket(text)
        if bracket is not None:
            what, mark = bracket
        elif exc.context_mark is not None and exc.context in _UNCLOSED:
            what, mark = _UNCLOSED[exc.context], exc.context_mark
        else:
            what = "a block"
            mark = exc.context_mark or mark
        problem = f"{what} starting here is never closed (the file ends first)"
    elif exc.context in _UNCLOSED and exc.context_mark is not None and mark is not None:
        opened = exc.context_mark
        problem = (
            f"{problem}: {_UNCLOSED[exc.context]} opened at line {opened.line + 1}, "
            f"column {opened.column + 1} is not closed"
        )
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
        return None, source, [_syntax_problem(file, exc, text)]
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


_BOUND_WORDS = {
    "greater_than_equal": "at least",
    "less_than_equal": "at most",
    "greater_than": "more than",
    "less_than": "less than",
}


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
    if kind in ("too_short", "string_too_short"):
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return f"{got!r} may only use letters, digits, '-', '_' and '.'"
    if kind in _BOUND_WORDS:
        limit = next(iter(error.get("ctx", {}).values()), "?")
        return f"must be {_BOUND_WORDS[kind]} {limit}, got {got!r}"
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _members(annotation: Any) -> list[Any]:
    """The types an annotation allows, None left out (`int | str` -> [int, str])."""
    if get_origin(annotation) in (Union, UnionType):
        return [a for a in get_args(annotation) if a is not type(None)]
    return [annotation] if annotation is not None else []


def _tag(annotation: Any) -> str:
    """The name pydantic gives a union member in an error's location (`list[str]` -> 'list')."""
    base = get_origin(annotation) or annotation
    return str(getattr(base, "__name__", "")).lower()


def _child(annotation: Any, part: Any) -> Any:
    """The annotation one step down: a model's field, a mapping's value, a list's item."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(part) if isinstance(part, str) else None
        return field.annotation if field is not None else None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (dict, MappingABC) and len(args) == 2:
        return args[1]
    if origin in (list, tuple, set, frozenset) and args:
        return args[0]
    return None


def _walk(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], bool, Any]:
    """(the location as the file spells it, whether a union was crossed, the annotation there).

    pydantic names the union member it tried inside `loc` ('version', 'int'); a reader of
    the YAML knows only `version`, so those parts are dropped.
    """
    clean: list[Any] = []
    annotation: Any = model
    union = False
    for part in loc:
        members = _members(annotation)
        if len(members) > 1 and isinstance(part, str):
            union = True
            wanted = part.split("[")[0].lower()
            annotation = next((m for m in members if _tag(m) == wanted), None)
            continue
        if annotation is None and isinstance(part, str) and "[" in part:
            continue  # a validator's name, such as 'function-after[...]'
        clean.append(part)
        annotation = _child(members[0] if members else None, part)
    members = _members(annotation)
    return tuple(clean), union, members[0] if len(members) == 1 else None


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys a model accepts at `loc`, for 'did you mean' hints (slots.size -> Slot's keys)."""
    current = _walk(model, loc)[2]
    fields = getattr(current, "model_fields", None)
    return sorted(fields) if fields else []


def _either(errors: list[dict[str, Any]]) -> str:
    """One line for a value that fits none of a union's types: 'expected a or b, got c'."""
    words = [_TYPE_WORDS[e["type"]] for e in errors if e["type"] in _TYPE_WORDS]
    if len(words) < len(errors):
        first = next(e for e in errors if e["type"] not in _TYPE_WORDS)
        return _plain(first, [])
    got = errors[0].get("input")
    shown = repr(got) if not isinstance(got, dict | list) else _KIND_OF[type(got)]
    unique = list(dict.fromkeys(words))
    return f"expected {' or '.join(unique)}, got {shown}"


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
        unions: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        order: list[tuple[tuple[Any, ...], dict[str, Any] | None]] = []
        for error in exc.errors():
            loc, union, _ = _walk(model, tuple(error["loc"]))
            if union:
                if loc not in unions:
                    unions[loc] = []
                    order.append((loc, None))
                unions[loc].append(error)
            else:
                order.append((loc, error))
        for loc, error in order:
            if error is None:
                problems.append(source.problem(loc, _either(unions[loc])))
                continue
            extra = error["type"] == "extra_forbidden"
            fields = _fields_at(model, loc[:-1]) if extra else []
            problems.append(
                source.problem(loc, _plain(error, fields), key=extra or error["type"] == "missing")
            )
        return None, problems
