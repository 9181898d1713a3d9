"""Reading flows: YAML or compiled JSON in, a checked `Flow` out, or every problem at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .conditions import ConditionError, compile_condition
from .fingerprint import content_hash
from .model import BUCKETS, Flow
from .problems import LoadError, Problem
from .yamlsource import SourceMap, load_yaml, validate_model

DERIVED_NAMES = ("email_domain", "turn", "total")
_TEMPLATE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)(?:\|[^{}]*)?\}")


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


def _conditions(flow: Flow) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for i, step in enumerate(flow.steps):
        if step.when:
            yield ("steps", i, "when"), step.when
        for j, case in enumerate(step.branch or []):
            if case.when:
                yield ("steps", i, "branch", j, "when"), case.when
    for i, rule in enumerate(flow.disqualify):
        yield ("disqualify", i, "when"), rule.when
    for bucket in BUCKETS:
        for i, rule in enumerate(getattr(flow.scoring, bucket)):
            yield ("scoring", bucket, i, "when"), rule.when
    for i, route in enumerate(flow.routes):
        if route.when:
            yield ("routes", i, "when"), route.when


def _templates(flow: Flow) -> Iterator[tuple[tuple[str | int, ...], str]]:
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


def check_references(flow: Flow, source: SourceMap) -> list[Problem]:
    """Errors a flow cannot run with: dangling references, duplicates, bad conditions."""
    problems: list[Problem] = []
    step_ids: dict[str, int] = {}
    for i, step in enumerate(flow.steps):
        if step.id in step_ids:
            problems.append(
                source.problem(
                    ("steps", i, "id"),
                    f"step id '{step.id}' is used twice (also steps[{step_ids[step.id]}])",
                )
            )
        step_ids.setdefault(step.id, i)

    def known_step(path: tuple[str | int, ...], target: str | None) -> None:
        if target and target not in step_ids:
            hint = _close(target, step_ids)
            problems.append(source.problem(path, f"unknown step '{target}'{hint}"))

    for i, step in enumerate(flow.steps):
        known_step(("steps", i, "next"), step.next)
        for j, case in enumerate(step.branch or []):
            known_step(("steps", i, "branch", j, "next"), case.next)
        key = "ask" if step.ask else "collect"
        for j, slot in enumerate(step.asks):
            if slot not in flow.slots:
                path = ("steps", i, key, j) if len(step.asks) > 1 else ("steps", i, key)
                problems.append(
                    source.problem(path, f"unknown slot '{slot}'{_close(slot, flow.slots)}")
                )
    for i, route in enumerate(flow.routes):
        known_step(("routes", i, "next"), route.next)

    seen: dict[str, int] = {}
    for i, entry in enumerate(flow.knowledge):
        if entry.id in seen:
            problems.append(
                source.problem(("knowledge", i, "id"), f"knowledge id '{entry.id}' is used twice")
            )
        seen.setdefault(entry.id, i)

    for field_name, slot in flow.handoff.fields.items():
        if slot not in flow.slots and not slot.startswith("context."):
            problems.append(
                source.problem(
                    ("handoff", "fields", field_name),
                    f"unknown slot '{slot}'{_close(slot, flow.slots)}",
                )
            )

    names = condition_names(flow)
    for path, text in _conditions(flow):
        try:
            compile_condition(text, names)
        except ConditionError as exc:
            line, col = source.position(path)
            problems.append(
                Problem(
                    source.file,
                    line,
                    col,
                    _fmt(path),
                    f"in condition {text!r}: {exc} (at character {exc.column + 1})",
                )
            )
    return problems


def check_templates(flow: Flow, source: SourceMap) -> list[Problem]:
    """Placeholders that would print nothing: warnings, the flow still runs."""
    problems = []
    for path, text in _templates(flow):
        for name in _TEMPLATE.findall(text):
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
    """Parse and check a flow; with `lint`, also the graph and domain warnings."""
    data, source, problems = load_yaml(text, file)
    if problems:
        return LoadedFlow(None, source, problems)
    flow, problems = validate_model(Flow, data, source)
    if flow is None:
        return LoadedFlow(None, source, problems)
    problems = check_references(flow, source)
    if not problems:
        from .graph import check_graph

        problems = check_graph(flow, source)
    problems += check_templates(flow, source)
    if lint and not [p for p in problems if p.severity == "error"]:
        from .lint import lint_flow

        problems += lint_flow(flow, source)
    ok = not [p for p in problems if p.severity == "error"]
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
