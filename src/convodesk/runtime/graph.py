"""The flow as a graph: successors, reachability, loops with no way out, and a Mermaid drawing."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Flow, Step
from .problems import Problem
from .yamlsource import SourceMap

TERMINAL_KINDS = ("end", "handoff")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""


def edges(flow: Flow) -> list[Edge]:
    """Every transition the engine can take, labelled with its condition where it has one."""
    out: list[Edge] = []
    for index, step in enumerate(flow.steps):
        kind = step.kind
        if kind in TERMINAL_KINDS:
            continue
        if kind == "branch":
            has_default = False
            for case in step.branch or []:
                out.append(Edge(step.id, case.next, case.when or "else"))
                has_default = has_default or not case.when
            if not has_default:
                fallback = flow.next_of(index)
                if fallback:
                    out.append(Edge(step.id, fallback, "otherwise"))
            continue
        if kind == "route":
            targets = {r.next for r in flow.routes if r.next}
            for route in flow.routes:
                if route.next:
                    out.append(Edge(step.id, route.next, route.route))
            fallback = flow.next_of(index)
            if fallback and (len(targets) == 0 or any(not r.next for r in flow.routes)):
                out.append(Edge(step.id, fallback, ""))
            continue
        target = flow.next_of(index)
        if target:
            out.append(Edge(step.id, target, ""))
    return out


def successors(flow: Flow) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {step.id: [] for step in flow.steps}
    for edge in edges(flow):
        if edge.target not in table[edge.source]:
            table[edge.source].append(edge.target)
    return table


def reachable(flow: Flow) -> set[str]:
    table = successors(flow)
    seen: set[str] = set()
    stack = [flow.steps[0].id]
    while stack:
        current = stack.pop()
        if current in seen or current not in table:
            continue
        seen.add(current)
        stack.extend(table[current])
    return seen


def check_graph(flow: Flow, source: SourceMap) -> list[Problem]:
    """Loops that can never finish are errors; unreachable steps and dead ends are warnings."""
    problems: list[Problem] = []
    table = successors(flow)
    index = {step.id: i for i, step in enumerate(flow.steps)}
    live = reachable(flow)
    can_finish = {sid for sid, nexts in table.items() if not nexts}
    changed = True
    while changed:
        changed = False
        for sid, nexts in table.items():
            if sid not in can_finish and any(n in can_finish for n in nexts):
                can_finish.add(sid)
                changed = True
    stuck = [s.id for s in flow.steps if s.id in live and s.id not in can_finish]
    if stuck:
        loop = " → ".join([*stuck, stuck[0]])
        problems.append(
            source.problem(
                ("steps", index[stuck[0]], "id"),
                f"steps {loop} loop forever: no path from them reaches an end",
            )
        )
    for step in flow.steps:
        i = index[step.id]
        if step.id not in live:
            problems.append(
                source.problem(
                    ("steps", i, "id"), f"step '{step.id}' can never be reached", severity="warning"
                )
            )
        elif not table[step.id] and step.kind not in (*TERMINAL_KINDS, "route"):
            problems.append(
                source.problem(
                    ("steps", i, "id"),
                    f"the conversation stops after step '{step.id}' without an end step",
                    severity="warning",
                )
            )
    return problems


def _label(step: Step) -> str:
    kind = step.kind
    if kind == "ask":
        return f"{step.id}<br/>ask: {', '.join(step.asks)}"
    if kind == "action":
        return f"{step.id}<br/>action: {step.action}"
    if kind == "handoff":
        return f"{step.id}<br/>handoff: {step.handoff}"
    return f"{step.id}<br/>{kind}"


def _escape(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")


def to_mermaid(flow: Flow) -> str:
    """A Mermaid flowchart that renders in GitHub, docs sites and mermaid.live."""
    shapes = {
        "branch": ('{"', '"}'),
        "end": ('(["', '"])'),
        "handoff": ('[["', '"]]'),
        "route": ('{{"', '"}}'),
        "action": ('[/"', '"/]'),
    }
    lines = [f"%% {flow.flow} v{flow.version}", "flowchart TD"]
    for step in flow.steps:
        left, right = shapes.get(step.kind, ('["', '"]'))
        lines.append(f"    {_node(step.id)}{left}{_escape(_label(step))}{right}")
    for edge in edges(flow):
        label = f"|{_escape(edge.label)}|" if edge.label else ""
        lines.append(f"    {_node(edge.source)} -->{label} {_node(edge.target)}")
    if flow.disqualify:
        lines.append('    DQ(["disqualify (any turn)"])')
        for rule in flow.disqualify:
            lines.append(f"    %% disqualify when {_escape(rule.when)} ({rule.reason})")
    return "\n".join(lines) + "\n"


def _node(step_id: str) -> str:
    return "s_" + "".join(ch if ch.isalnum() else "_" for ch in step_id)
