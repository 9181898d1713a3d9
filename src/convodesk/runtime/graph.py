"""The flow as a graph: successors, reachability, loops with no way out, and a Mermaid drawing."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Flow, Step
from .problems import Problem
from .yamlsource import SourceMap

TERMINAL_KINDS = ("end", "handoff")


SKIP_LABEL = "when false"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""
    skip: bool = False  # taken when the source step's `when` is false (the step does nothing)


def edges(flow: Flow) -> list[Edge]:
    """Every transition the engine can take, labelled with its condition where it has one.

    A step with `when` that is false is passed over to the step after it, whatever its kind:
    a conditional end or handoff is a way on, not a dead end. That fall-through is its own
    edge only where no other edge already leads there (after an ask it is the same step).
    """
    out: list[Edge] = []
    for index, step in enumerate(flow.steps):
        mine = _step_edges(flow, index, step)
        fallthrough = flow.next_of(index) if step.when else None
        if fallthrough and all(edge.target != fallthrough for edge in mine):
            mine.append(Edge(step.id, fallthrough, SKIP_LABEL, skip=True))
        out += mine
    return out


def _step_edges(flow: Flow, index: int, step: Step) -> list[Edge]:
    """The transitions of a step that runs (its `when` is true or absent)."""
    kind = step.kind
    if kind in TERMINAL_KINDS:
        return []
    fallback = flow.next_of(index)
    if kind == "branch":
        out = [Edge(step.id, case.next, case.when or "else") for case in step.branch or []]
        if fallback and all(case.when for case in step.branch or []):
            out.append(Edge(step.id, fallback, "otherwise"))
        return out
    if kind == "route":
        out = [Edge(step.id, r.next, r.route) for r in flow.routes if r.next]
        if fallback and (not out or any(not r.next for r in flow.routes)):
            out.append(Edge(step.id, fallback, ""))
        return out
    return [Edge(step.id, fallback, "")] if fallback else []


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
    terminal = {step.id for step in flow.steps if step.kind in TERMINAL_KINDS}
    can_finish = {sid for sid, nexts in table.items() if not nexts} | terminal
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
        text = f"{step.id}<br/>ask: {', '.join(step.asks)}"
    elif kind == "action":
        text = f"{step.id}<br/>action: {step.action}"
    elif kind == "handoff":
        text = f"{step.id}<br/>handoff: {step.handoff}"
    else:
        text = f"{step.id}<br/>{kind}"
    return f"{text}<br/>only when: {step.when}" if step.when else text


def _escape(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")


def drawn_edges(flow: Flow) -> list[Edge]:
    """The edges as a reader follows them: a step with `when` can be passed over, so every
    way into it also leads past it (`timeline -.->|skip budget| committee`).

    The engine's own fall-through edges (from the skipped step itself) are drawn only where no
    way in exists, i.e. for the first step.
    """
    steps = {step.id: (i, step) for i, step in enumerate(flow.steps)}
    all_edges = edges(flow)
    first = flow.steps[0].id
    out = [e for e in all_edges if not e.skip or e.source == first]
    seen = {(e.source, e.target) for e in out}
    pending = list(out)
    while pending:
        into = pending.pop(0)
        found = steps.get(into.target)
        if found is None or not found[1].when:
            continue
        index, skipped = found
        past = flow.next_of(index)
        if not past or (into.source, past) in seen or into.source == into.target:
            continue
        if into.skip and into.label.startswith("skip "):
            label = f"{into.label}, {skipped.id}"
        elif into.label and not into.skip:
            label = f"{into.label}; skip {skipped.id}"
        else:
            label = f"skip {skipped.id}"
        edge = Edge(into.source, past, label, skip=True)
        seen.add((edge.source, edge.target))
        out.append(edge)
        pending.append(edge)
    return sorted(out, key=lambda e: steps[e.source][0])  # stable: a step's ways out together


def to_mermaid(flow: Flow) -> str:
    """A Mermaid flowchart that renders in GitHub, docs sites and mermaid.live.

    Solid arrows are steps that run; dotted ones pass over a step whose `when` is false.
    """
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
    for edge in drawn_edges(flow):
        arrow = "-.->" if edge.skip else "-->"
        label = f'|"{_escape(edge.label)}"|' if edge.label else ""
        lines.append(f"    {_node(edge.source)} {arrow}{label} {_node(edge.target)}")
    if flow.disqualify:
        reasons = ", ".join(dict.fromkeys(rule.reason for rule in flow.disqualify))
        lines.append(f'    DQ(["disqualify on any turn:<br/>{_escape(reasons)}"])')
        for rule in flow.disqualify:
            lines.append(f"    %% disqualify when {_escape(rule.when)} ({rule.reason})")
    return "\n".join(lines) + "\n"


def _node(step_id: str) -> str:
    return "s_" + "".join(ch if ch.isalnum() else "_" for ch in step_id)
