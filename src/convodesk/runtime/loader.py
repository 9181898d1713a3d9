"""Reading flows: YAML or compiled JSON in, a checked `Flow` out, or every problem at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .conditions import KEYWORDS, ConditionError, compile_condition
from .fingerprint import content_hash
from .model import BUCKETS, Flow
from .problems import LoadError, Problem
from .templates import BOT_TEXTS, PLACEHOLDER
from .yamlsource import SourceMap, load_yaml, validate_model

DERIVED_NAMES = ("email_domain", "turn", "total")


@dataclass
class LoadedFlow:
    """A flow with where it came from, for tools that report against the file."""

    flow: Flow | None
    source: SourceMap
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def condition_names(flow: Flow) -> set[str]:
    return set(flow.slots) | set(BUCKETS) | set(DERIVED_NAMES)


SCORE_NAMES = (*BUCKETS, "total")
# Names the engine puts beside the slots (conditions, templates) or that conditions read as
# words: a slot of that name would be shadowed or unreadable.
RESERVED_NAMES = frozenset({*SCORE_NAMES, *DERIVED_NAMES, "context", "bot", "question", *KEYWORDS})
_SLOT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_BUCKET_NOTE = "scoring rules see slots and context only; use a route or branch for scores"

Raw = dict[str, Any]
Path_ = tuple[str | int, ...]


def _items(value: Any) -> list[tuple[int, Raw]]:
    """The mappings in a raw list, with their index; anything malformed is the schema's to report."""
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _raw_conditions(data: Raw) -> Iterator[tuple[Path_, str]]:
    """Every `when:` in the file, read from the raw data so a schema error elsewhere hides none."""
    for i, step in _items(data.get("steps")):
        if _text(step.get("when")):
            yield ("steps", i, "when"), step["when"]
        for j, case in _items(step.get("branch")):
            if _text(case.get("when")):
                yield ("steps", i, "branch", j, "when"), case["when"]
    for i, rule in _items(data.get("disqualify")):
        if _text(rule.get("when")):
            yield ("disqualify", i, "when"), rule["when"]
    scoring = data.get("scoring")
    for bucket in BUCKETS if isinstance(scoring, dict) else ():
        for i, rule in _items(scoring.get(bucket)):
            if _text(rule.get("when")):
                yield ("scoring", bucket, i, "when"), rule["when"]
    for i, route in _items(data.get("routes")):
        if _text(route.get("when")):
            yield ("routes", i, "when"), route["when"]


def _slot_name_problem(name: str) -> str | None:
    if not name.strip():
        return "a slot needs a name"
    if name in RESERVED_NAMES:
        return f"'{name}' is a reserved name (conditions and messages use it); rename the slot"
    if not _SLOT_NAME.match(name):
        return (
            f"slot name '{name}' cannot be used in conditions or {{placeholders}}: use letters, "
            "digits and _, starting with a letter"
        )
    return None


def check_references(data: Any, source: SourceMap) -> list[Problem]:
    """Errors a flow cannot run with: dangling references, duplicates, bad conditions.

    Reads the raw data, not the model, so these are reported in the same run as schema
    errors; a value of the wrong type is left to the schema check.
    """
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    raw_slots = data.get("slots", {})
    slots: Raw | None = raw_slots if isinstance(raw_slots, dict) else None
    for name in slots or {}:
        reason = _slot_name_problem(name)
        if reason:
            problems.append(source.problem(("slots", name), reason, key=True))

    steps = _items(data.get("steps"))
    step_ids: dict[str, int] = {}
    for i, step in steps:
        sid = _text(step.get("id"))
        if sid is None:
            continue
        if sid in step_ids:
            problems.append(
                source.problem(
                    ("steps", i, "id"),
                    f"step id '{sid}' is used twice (also steps[{step_ids[sid]}])",
                )
            )
        step_ids.setdefault(sid, i)
    know_steps = isinstance(data.get("steps"), list)

    def known_step(path: Path_, target: Any) -> None:
        if know_steps and _text(target) and target not in step_ids:
            hint = _close(target, step_ids)
            problems.append(source.problem(path, f"unknown step '{target}'{hint}"))

    def known_slot(path: Path_, name: Any) -> None:
        if slots is not None and isinstance(name, str) and name not in slots:
            problems.append(source.problem(path, f"unknown slot '{name}'{_close(name, slots)}"))

    for i, step in steps:
        known_step(("steps", i, "next"), step.get("next"))
        for j, case in _items(step.get("branch")):
            known_step(("steps", i, "branch", j, "next"), case.get("next"))
        for key in ("ask", "collect"):
            asked = step.get(key)
            if isinstance(asked, str):
                known_slot(("steps", i, key), asked)
            elif isinstance(asked, list):
                for j, name in enumerate(asked):
                    path = ("steps", i, key, j) if len(asked) > 1 else ("steps", i, key)
                    known_slot(path, name)
    for i, route in _items(data.get("routes")):
        known_step(("routes", i, "next"), route.get("next"))

    seen: dict[str, int] = {}
    for i, entry in _items(data.get("knowledge")):
        kid = _text(entry.get("id"))
        if kid is None:
            continue
        if kid in seen:
            problems.append(
                source.problem(("knowledge", i, "id"), f"knowledge id '{kid}' is used twice")
            )
        seen.setdefault(kid, i)

    handoff = data.get("handoff")
    fields = handoff.get("fields") if isinstance(handoff, dict) else None
    for field_name, slot in (fields if isinstance(fields, dict) else {}).items():
        if not (isinstance(slot, str) and slot.startswith("context.")):
            known_slot(("handoff", "fields", field_name), slot)

    for i, rule in _items(data.get("disqualify")):
        if rule.get("when") == "":
            problems.append(
                source.problem(
                    ("disqualify", i, "when"),
                    "an empty condition would disqualify every buyer at their first message: "
                    "write the condition",
                )
            )
    names = None if slots is None else set(slots) | set(BUCKETS) | set(DERIVED_NAMES)
    for path, text in _raw_conditions(data):
        scoring = path[0] == "scoring"
        allowed = names - set(SCORE_NAMES) if names is not None and scoring else names
        try:
            compile_condition(text, allowed)
        except ConditionError as exc:
            why = str(exc)
            if scoring and exc.name in SCORE_NAMES:
                why = f"'{exc.name}' is a score: {_BUCKET_NOTE}"
            elif exc.name and allowed is not None and "." not in exc.name:
                why += _close(exc.name, allowed)
            line, col = source.position(path)
            problems.append(
                Problem(
                    source.file,
                    line,
                    col,
                    _fmt(path),
                    f"in condition {text!r}: {why} (at character {exc.column + 1})",
                )
            )
    return problems


def _templates(flow: Flow) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for key in BOT_TEXTS:
        if getattr(flow.bot, key):
            yield ("bot", key), getattr(flow.bot, key)
    for i, step in enumerate(flow.steps):
        if step.say:
            yield ("steps", i, "say"), step.say
    for name, slot in flow.slots.items():
        for key in ("ask", "reask"):
            if getattr(slot, key):
                yield ("slots", name, key), getattr(slot, key)
    for i, route in enumerate(flow.routes):
        if route.say:
            yield ("routes", i, "say"), route.say
    for i, rule in enumerate(flow.disqualify):
        if rule.say:
            yield ("disqualify", i, "say"), rule.say
    for i, entry in enumerate(flow.knowledge):
        yield ("knowledge", i, "answer"), entry.answer


def _broken_brace(text: str) -> str | None:
    """The first `{` that starts no placeholder ("Hi {bot.name"), which is shown as typed."""
    inside = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
    for pos, ch in enumerate(text):
        if ch == "{" and not any(start <= pos < end for start, end in inside):
            close = text.find("}", pos, pos + 40)
            if close >= 0:
                return text[pos : close + 1]
            return text[pos:].split(maxsplit=1)[0][:30]  # "{bot.name" of "Hi {bot.name, I'm"
    return None


def check_templates(flow: Flow, source: SourceMap) -> list[Problem]:
    """Placeholders that would print nothing or would be shown as typed: warnings, the flow
    still runs."""
    problems = []
    for path, text in _templates(flow):
        broken = _broken_brace(text)
        if broken is not None:
            problems.append(
                source.problem(
                    path,
                    f"'{broken}' is not a placeholder, so the buyer would see it as typed: "
                    "write {name} or {name|fallback}, with the closing brace",
                    severity="warning",
                )
            )
        for name in [m.group(1) for m in PLACEHOLDER.finditer(text)]:
            root = name.split(".")[0]
            if root in ("bot", "context", "question") or name in flow.slots:
                continue
            problems.append(
                source.problem(
                    path,
                    f"placeholder '{{{name}}}' names no slot{_close(name, flow.slots)}",
                    severity="warning",
                )
            )
    return problems


def _close(word: str, choices: object) -> str:
    import difflib

    hint = difflib.get_close_matches(word, list(choices), n=1)  # type: ignore[call-overload]
    return f" (did you mean '{hint[0]}'?)" if hint else ""


def _fmt(path: tuple[str | int, ...]) -> str:
    from .problems import format_path

    return format_path(path)


def parse_flow(text: str, file: str = "<flow>", *, lint: bool = False) -> LoadedFlow:
    """Parse and check a flow; with `lint`, also the graph and domain warnings.

    Every problem of the file comes back at once, sorted by position: YAML, schema, references
    and conditions are checked in one run, the graph once those pass.
    """
    data, source, problems = load_yaml(text, file)
    if data is None:
        return LoadedFlow(None, source, problems)
    flow, schema = validate_model(Flow, data, source)
    # a value the YAML reader already refused (a tag) would be reported twice otherwise
    spots = {(p.line, p.col) for p in problems}
    problems += [p for p in schema + check_references(data, source) if (p.line, p.col) not in spots]
    if flow is not None and not problems:
        from .graph import check_graph

        problems = check_graph(flow, source)
    if flow is not None:
        from .lint import check_keys

        problems += check_templates(flow, source) + check_keys(flow, source)
    if flow is not None and lint and not [p for p in problems if p.severity == "error"]:
        from .lint import lint_flow

        problems += lint_flow(flow, source)
    problems.sort(key=lambda p: (p.line, p.col))
    ok = flow is not None and not [p for p in problems if p.severity == "error"]
    return LoadedFlow(flow if ok else None, source, problems)


def read_text(path: str | Path) -> str:
    """Read a user file as text, with an error that says what went wrong."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise LoadError([Problem(file, 1, 1, "", "file not found")]) from None
    except IsADirectoryError:
        raise LoadError([Problem(file, 1, 1, "", "is a folder, not a file")]) from None
    except OSError as exc:
        raise LoadError([Problem(file, 1, 1, "", f"cannot read file: {exc.strerror}")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError([Problem(file, line, col, "", "file is not UTF-8 text")]) from None


def load_flow_file(path: str | Path, *, lint: bool = False) -> LoadedFlow:
    """Like `parse_flow`, from a path; compiled `.json` flows are read too."""
    text = read_text(path)
    return parse_flow(text, str(path), lint=lint)


def load_flow(path: str | Path) -> Flow:
    """Load a flow for running it; raises `LoadError` with every problem if it has errors."""
    loaded = load_flow_file(path)
    if loaded.flow is None:
        raise LoadError(loaded.errors)
    return loaded.flow


__all__ = [
    "LoadedFlow",
    "content_hash",
    "flow_from_json",
    "load_flow",
    "load_flow_file",
    "parse_flow",
]


def flow_from_json(text: str) -> Flow:
    """Read a compiled flow (as written by `convodesk export`)."""
    return Flow.model_validate_json(text)
