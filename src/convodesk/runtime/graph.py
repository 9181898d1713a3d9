"""The flow as a graph: successors, reachability, loops with no way out or no progress, and a
Mermaid drawing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from .conditions import ConditionError, compile_condition
from .model import Flow, Step
from .problems import Problem
from .yamlsource import SourceMap

TERMINAL_KINDS = ("end", "handoff")
MAX_CYCLES = 5_000  # simple cycles examined per flow: a hand-written flow has a handful

SKIP_LABEL = "when false"
_PLAIN_ID = re.compile(r"[A-Za-z0-9_]+")
Where = tuple[str | int, ...]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""
    skip: bool = False  # taken when the source step's `when` is false (the step does nothing)
    # Where the file makes this transition (for problems), and the conditions that are true /
    # false whenever the engine takes it. Not part of an edge's identity.
    where: Where = field(default=(), compare=False)
    holds: tuple[str, ...] = field(default=(), compare=False)
    fails: tuple[str, ...] = field(default=(), compare=False)


def edges(flow: Flow) -> list[Edge]:
    """Every transition the engine can take, labelled with its condition where it has one.

    A step with `when` that is false is passed over to the step after it, whatever its kind:
    a conditional end or handoff is a way on, not a dead end. That fall-through is its own
    edge only where no other edge already leads there (after an ask it is the same step, and
    the edge then no longer tells which conditions held).
    """
    out: list[Edge] = []
    for index, step in enumerate(flow.steps):
        mine = _step_edges(flow, index, step)
        fallthrough = flow.next_of(index) if step.when else None
        if fallthrough:
            same = [i for i, edge in enumerate(mine) if edge.target == fallthrough]
            for i in same:
                mine[i] = replace(mine[i], holds=(), fails=())
            if not same:
                where = ("steps", index, "when")
                mine.append(Edge(step.id, fallthrough, SKIP_LABEL, True, where, fails=(step.when,)))
        out += mine
    return out


def _next_where(index: int, step: Step) -> Where:
    return ("steps", index, "next") if step.next else ("steps", index)


def _step_edges(flow: Flow, index: int, step: Step) -> list[Edge]:
    """The transitions of a step that runs (its `when` is true or absent)."""
    kind = step.kind
    if kind in TERMINAL_KINDS:
        return []
    fallback = flow.next_of(index)
    ran = (step.when,) if step.when else ()
    if kind == "branch":
        cases = step.branch or []
        out = []
        for j, case in enumerate(cases):
            earlier = tuple(c.when for c in cases[:j] if c.when)
            where = ("steps", index, "branch", j, "next")
            holds = (*ran, case.when) if case.when else ran
            out.append(Edge(step.id, case.next, case.when or "else", False, where, holds, earlier))
        if fallback and all(case.when for case in cases):
            fails = tuple(c.when for c in cases if c.when)
            out.append(
                Edge(step.id, fallback, "otherwise", False, _next_where(index, step), ran, fails)
            )
        return out
    if kind == "route":
        out = []
        for k, route in enumerate(flow.routes):
            if route.next:
                earlier = tuple(r.when for r in flow.routes[:k] if r.when)
                holds = (*ran, route.when) if route.when else ran
                where = ("routes", k, "next")
                out.append(Edge(step.id, route.next, route.route, False, where, holds, earlier))
        if fallback and (not out or any(not r.next for r in flow.routes)):
            out.append(Edge(step.id, fallback, "", False, _next_where(index, step), ran))
        return out
    return [Edge(step.id, fallback, "", False, _next_where(index, step))] if fallback else []


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


def _finishing(flow: Flow, table: dict[str, list[str]]) -> set[str]:
    """Steps from which some path reaches an end (or simply stops)."""
    terminal = {step.id for step in flow.steps if step.kind in TERMINAL_KINDS}
    can_finish = {sid for sid, nexts in table.items() if not nexts} | terminal
    changed = True
    while changed:
        changed = False
        for sid, nexts in table.items():
            if sid not in can_finish and any(n in can_finish for n in nexts):
                can_finish.add(sid)
                changed = True
    return can_finish


def _from_head(cycle: list[str], order: dict[str, int]) -> list[str]:
    """The cycle rotated to start at its first step in the file, as a reader names it."""
    head = cycle.index(min(cycle, key=order.__getitem__))
    return cycle[head:] + cycle[:head]


def _stuck_loops(
    table: dict[str, list[str]], stuck: list[str], order: dict[str, int]
) -> list[list[str]]:
    """One real cycle per group of steps that cannot finish (a -> b -> c -> b names b -> c).

    Every successor of a stuck step is stuck too, so walking successors always ends in a
    cycle, or in steps already explained by one.
    """
    inside = set(stuck)
    explained: set[str] = set()
    loops = []
    for start in stuck:
        path: list[str] = []
        current = start
        while current not in explained and current not in path:
            path.append(current)
            current = next(n for n in table[current] if n in inside)
        explained.update(path)
        if current in path:
            loops.append(_from_head(path[path.index(current) :], order))
    return loops


def _simple_cycles(table: dict[str, list[str]], nodes: list[str]) -> Iterator[list[str]]:
    """Each simple cycle once, starting at its first node in `nodes`; bounded work."""
    rank = {n: i for i, n in enumerate(nodes)}
    found = budget = 0
    for start in nodes:
        path, on_path = [start], {start}
        stack = [iter(table[start])]
        while stack:
            budget += 1
            if budget > 50 * MAX_CYCLES:
                return
            target = next(stack[-1], None)
            if target is None:
                stack.pop()
                on_path.discard(path.pop())
            elif target == start:
                yield list(path)
                found += 1
                if found >= MAX_CYCLES:
                    return
            elif target in rank and rank[target] > rank[start] and target not in on_path:
                path.append(target)
                on_path.add(target)
                stack.append(iter(table[target]))


def _unset_on(edge: Edge) -> frozenset[str]:
    """Slots certainly unset whenever the engine takes `edge` (from `x is not set` tests)."""
    out: set[str] = set()
    for sources, true in ((edge.holds, True), (edge.fails, False)):
        for text in sources:
            try:
                condition = compile_condition(text)
            except ConditionError:
                continue
            out |= condition.unset_if_true if true else condition.unset_if_false
    return frozenset(out)


def stalled_loops(flow: Flow, live: set[str] | None = None) -> list[tuple[list[str], Edge]]:
    """Loops the engine can go round without waiting for the buyer: (steps, closing edge).

    Within a turn only a buyer's answer changes what conditions see, and an ask whose slots
    are filled is skipped. A loop makes progress only when, on its way back, one of the
    slots it asks is still unset: some edge of the loop is taken only when `slot is not set`.
    Any other loop, once entered with its questions answered (or with none), would repeat
    forever; the engine ends the conversation where the walk comes round (ended_by: limit).
    """
    live = reachable(flow) if live is None else live
    steps = {step.id: step for step in flow.steps}
    order = {step.id: i for i, step in enumerate(flow.steps)}
    parallel: dict[tuple[str, str], list[Edge]] = {}
    for edge in edges(flow):
        if edge.source in live and edge.target in live:
            parallel.setdefault((edge.source, edge.target), []).append(edge)
    table: dict[str, list[str]] = {sid: [] for sid in order if sid in live}
    for source, target in parallel:
        table[source].append(target)
    guards = {
        pair: frozenset.intersection(*(_unset_on(e) for e in ways))
        for pair, ways in parallel.items()
    }
    stalled: dict[tuple[str, str], tuple[list[str], Edge]] = {}
    for cycle in _simple_cycles(table, [sid for sid in order if sid in live]):
        pairs = list(zip(cycle, [*cycle[1:], cycle[0]], strict=True))
        asked = {slot for sid in cycle for slot in steps[sid].asks}
        if asked & frozenset().union(*(guards[p] for p in pairs)):
            continue
        closing = pairs[-1]
        stalled.setdefault(closing, (cycle, parallel[closing][0]))
    return list(stalled.values())


def _stall_message(flow: Flow, cycle: list[str]) -> str:
    loop = " → ".join([*cycle, cycle[0]])
    asks = [flow.step(sid) for sid in cycle if flow.step(sid).asks]
    stop = "the engine stops the conversation there (ended_by: limit)"
    if not asks:
        return (
            f"the loop {loop} never waits for the buyer: nothing can change between its "
            f"rounds, so once it is entered {stop}"
        )
    slots = list(dict.fromkeys(slot for step in asks for slot in step.asks))
    are = "is" if len(slots) == 1 else "are"
    return (
        f"the loop {loop} cannot make progress: when it comes back, {', '.join(slots)} {are} "
        f"already answered, so {', '.join(repr(s.id) for s in asks)} asks nothing and {stop}; "
        f"leave the loop once answered, or go back only when '{slots[0]} is not set'"
    )


def check_graph(flow: Flow, source: SourceMap) -> list[Problem]:
    """Loops that can never finish or never progress are errors; unreachable steps and dead
    ends are warnings."""
    problems: list[Problem] = []
    table = successors(flow)
    index = {step.id: i for i, step in enumerate(flow.steps)}
    live = reachable(flow)
    can_finish = _finishing(flow, table)
    stuck = [s.id for s in flow.steps if s.id in live and s.id not in can_finish]
    for cycle in _stuck_loops(table, stuck, index):
        loop = " → ".join([*cycle, cycle[0]])
        problems.append(
            source.problem(
                ("steps", index[cycle[0]], "id"),
                f"steps {loop} loop forever: no path from them reaches an end",
            )
        )
    for cycle, closing in stalled_loops(flow, live):
        if all(sid in stuck for sid in cycle):
            continue  # already reported: it cannot end at all
        problems.append(source.problem(closing.where, _stall_message(flow, cycle)))
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
    """A Mermaid node id for a step id, one to one: `a-b` and `a_b` must not become one node.

    Ids of ASCII letters, digits and `_` are kept as they are (`s_greet`); any other id gets
    its own prefix, `_` doubled and every other character written `_<hex>_` (`a-b` ->
    `x_a_2d_b`), an encoding that can be read back in one way only.
    """
    if _PLAIN_ID.fullmatch(step_id):
        return "s_" + step_id
    out = []
    for ch in step_id:
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        else:
            out.append("__" if ch == "_" else f"_{ord(ch):x}_")
    return "x_" + "".join(out)
