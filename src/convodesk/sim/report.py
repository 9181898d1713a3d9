"""The suite report: one data model, three views (terminal, JSON, JUnit XML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .checks import rule_text
from .metrics import compute
from .redact import Redactor, personal_values
from .runner import Conversation, SuiteResult

if TYPE_CHECKING:
    from rich.console import Console

ROUTE_ORDER = ("warm", "lukewarm", "nurture", "disqualify")


class CheckReport(BaseModel):
    id: str
    status: str
    explanation: str = ""
    rule: str | None = None  # a failed route: the flow rule behind it (see checks.deciding_rule)


class CauseReport(BaseModel):
    """One flow rule behind wrong routes, over the whole suite: where to look first."""

    rule: str  # routes[0], disqualify[1], no_disqualifier, no_route
    summary: str
    personas: list[str]
    runs: int


class ConversationReport(BaseModel):
    persona: str
    run: int
    seed: int
    expected_route: str | None
    route: str
    ended_by: str
    turns: int
    persona_left: bool
    passed: bool
    persona_error: str | None = None
    checks: list[CheckReport]
    transcript: str | None = None
    seconds: float | None = None  # wall time, when the runner measured it (JUnit `time`)
    # pass | fail | persona_error (the simulated buyer failed: counted for neither side)
    status: str = "pass"
    simulator: dict[str, str] = {}  # failed check id -> the persona's contradiction explaining it
    verdicts: list[dict[str, str]] = []  # the LLM judge's rubric verdicts (item, verdict, reason)
    not_judged: str | None = None
    llm: dict[str, Any] | None = None  # this conversation's LLM usage (convodesk.llm.report)
    resumed: bool = False  # kept from an interrupted run (--resume), rebuilt from its transcript


class CoverageReport(BaseModel):
    reached: list[str]
    never: list[str]


class MetricsReport(BaseModel):
    """Over the conversations the flow can be judged on: persona errors are counted apart."""

    conversations: int
    passed: int
    failed: int
    persona_errors: int = 0
    routing_accuracy: float | None
    false_positive_rate: float | None
    false_negative_rate: float | None
    slot_capture_accuracy: float | None
    mean_turns_to_qualification: float | None
    mean_turns: float
    confusion: dict[str, dict[str, int]]
    coverage: dict[str, CoverageReport]
    drop_off: dict[str, int]
    k: int
    pass_at_k: dict[str, dict[int, float]]
    pass_hat_k: dict[str, dict[int, float]]


class SuiteReport(BaseModel):
    flow: str
    version: str
    hash: str
    runs: int
    seed: int
    reference_date: str
    passed: bool
    conversations: list[ConversationReport]
    metrics: MetricsReport
    llm: dict[str, Any] | None = None  # convodesk.llm.report.LLMReport, for LLM runs
    # rubric items of an offline run: only an LLM judge reads them, so they are in doubt
    unjudged_rubric: int = 0
    causes: list[CauseReport] = []  # wrong routes grouped by the rule behind them


def flow_judged(result: SuiteResult) -> SuiteResult:
    """The suite without its persona errors: what the flow's metrics are computed over."""
    kept = [c for c in result.conversations if c.status != "persona_error"]
    if len(kept) == len(result.conversations):
        return result
    return SuiteResult(
        result.flow, result.personas, kept, result.runs, result.seed, result.reference_date
    )


def _masker(c: Conversation, redact: bool) -> Callable[[str], str]:
    """Explanations quote what the buyer said; a redacted report masks it like the transcript."""
    if not (redact or c.flow.redact):
        return lambda text: text
    slots = {name: slot.value for name, slot in c.state.slots.items()}
    said = [m.text for m in c.state.transcript if m.role == "buyer"]
    known = personal_values(c.flow, slots, c.persona.profile.model_dump())
    return Redactor(c.flow, known, said).text


def build_report(
    result: SuiteResult,
    transcripts: dict[tuple[str, int], str] | None = None,
    *,
    redact: bool = False,
    llm: Any = None,
) -> SuiteReport:
    """`llm` is the run's `convodesk.llm.report.LLMReport` (or its dict), None offline."""
    m = compute(flow_judged(result))
    paths = transcripts or {}
    masks = [_masker(c, redact) for c in result.conversations]
    conversations = [
        ConversationReport(
            persona=c.persona.persona,
            run=c.run,
            seed=c.seed,
            expected_route=c.persona.expect.route,
            route=c.outcome.route,
            ended_by=c.outcome.ended_by,
            turns=c.turns,
            persona_left=c.left,
            passed=c.passed,
            persona_error=mask(c.persona_error) if c.persona_error else None,
            checks=[
                CheckReport(
                    id=r.id,
                    status=r.status,
                    explanation=mask(r.explanation),
                    rule=r.rule or None,
                )
                for r in c.checks
            ],
            transcript=paths.get((c.persona.persona, c.run)),
            seconds=getattr(c, "seconds", None),
            status=c.status,
            simulator={k: mask(v) for k, v in c.simulator_checks.items()},
            verdicts=[{**_plain(v), "reason": mask(_plain(v)["reason"])} for v in c.verdicts],
            not_judged=c.not_judged,
            llm=_plain(c.llm) if c.llm is not None else None,
            resumed=c.rebuilt is not None,
        )
        for c, mask in zip(result.conversations, masks, strict=True)
    ]
    cov = {
        "steps": m.steps,
        "knowledge": m.knowledge,
        "disqualifiers": m.disqualifiers,
        "routes": m.routes,
    }
    metrics = MetricsReport(
        conversations=m.conversations,
        passed=m.passed,
        failed=m.conversations - m.passed,
        persona_errors=len(result.conversations) - m.conversations,
        routing_accuracy=m.routing_accuracy,
        false_positive_rate=m.false_positive_rate,
        false_negative_rate=m.false_negative_rate,
        slot_capture_accuracy=m.slot_capture_accuracy,
        mean_turns_to_qualification=m.mean_turns_to_qualification,
        mean_turns=m.mean_turns,
        confusion=m.confusion,
        coverage={k: CoverageReport(reached=v.reached, never=v.never) for k, v in cov.items()},
        drop_off=m.drop_off,
        k=m.k,
        pass_at_k=m.pass_at_k,
        pass_hat_k=m.pass_hat_k,
    )
    flow = result.flow
    return SuiteReport(
        flow=flow.flow,
        version=str(flow.version),
        hash=result.conversations[0].state.flow.hash if result.conversations else "",
        runs=result.runs,
        seed=result.seed,
        reference_date=result.reference_date,
        passed=result.passed,
        conversations=conversations,
        metrics=metrics,
        llm=_plain(llm) if llm is not None else None,
        unjudged_rubric=0
        if llm is not None
        else sum(len(c.persona.expect.rubric) for c in result.conversations),
        causes=causes(result),
    )


def causes(result: SuiteResult) -> list[CauseReport]:
    """Wrong routes by the rule behind them, most personas first: a warm threshold set to 0
    reads as one line ("routes[0] 'warm' (...) took 6 personas that expect another route")
    instead of six failures to compare by hand."""
    runs: dict[str, list[Conversation]] = {}
    for c in result.conversations:
        if c.status != "fail" or "route_expected" in c.simulator_checks:
            continue
        failed = next(
            (r for r in c.checks if r.id == "route_expected" and r.status == "fail"), None
        )
        if failed is not None and failed.rule:
            runs.setdefault(failed.rule, []).append(c)
    out = []
    for rule, group in runs.items():
        names = list(dict.fromkeys(c.persona.persona for c in group))
        expected = {c.persona.persona: c.persona.expect.route for c in group}
        who = ", ".join(f"{n} ({expected[n]})" for n in names)
        count = f"{len(names)} persona{'s' if len(names) != 1 else ''}"
        if len(group) != len(names):
            count += f" ({len(group)} runs)"
        text = rule_text(result.flow, rule)
        expect = "expects" if len(names) == 1 else "expect"
        if rule == "no_disqualifier":
            summary = (
                f"no disqualifier fired for {count} that {expect} disqualify: {', '.join(names)}"
            )
        elif rule.startswith("disqualify"):
            summary = f"{text} disqualified {count} that {expect} another route: {who}"
        else:
            summary = f"{text} took {count} that {expect} another route: {who}"
        out.append(CauseReport(rule=rule, summary=summary, personas=names, runs=len(group)))
    return sorted(out, key=lambda cause: (-len(cause.personas), -cause.runs, cause.rule))


def _judge_cell(runs: list[ConversationReport]) -> str:
    """'1 pass, 1 inconclusive' over a persona's runs; an inconclusive item is never a pass."""
    counts = dict.fromkeys(("pass", "fail", "inconclusive"), 0)
    for v in (v for c in runs for v in c.verdicts):
        counts[v["verdict"]] = counts.get(v["verdict"], 0) + 1
    cell = [f"{n} {verdict}" for verdict, n in counts.items() if n]
    if any(c.not_judged for c in runs):
        cell.append("not judged")
    return ", ".join(cell) or "-"


def _plain(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def verdict_line(report: SuiteReport, *, drift: int = 0) -> str:
    """The last line: "all passed" only when nothing failed, drifted, missed or is in doubt."""
    m = report.metrics
    parts = [f"[red]{m.failed} of {m.conversations} failed[/]"] if m.failed else []
    if m.persona_errors:
        parts.append(
            f"[yellow]{m.persona_errors} persona error(s): the simulated buyer failed, "
            "not the flow (counted apart)[/]"
        )
    if drift:
        parts.append(f"[red]{drift} stored transcript(s) drifted[/]")
    llm = report.llm or {}
    if llm.get("replay_misses"):
        parts.append(f"[red]{len(llm['replay_misses'])} replay miss(es)[/]")
    if llm.get("understanding_untested"):  # exit 1: no message was read by the model
        parts.append("[red]LLM understanding not tested: every message fell back to the rules[/]")
    elif llm.get("fallback_messages"):
        parts.append(
            f"[yellow]{llm['fallback_messages']} message(s) read by the rules fallback, "
            "not the model[/]"
        )
    inconclusive = (llm.get("judged") or {}).get("inconclusive", 0)
    if inconclusive:
        parts.append(f"[yellow]{inconclusive} rubric item(s) inconclusive (not a pass)[/]")
    if report.unjudged_rubric:
        parts.append(
            f"[yellow]{report.unjudged_rubric} rubric item(s) not judged: an offline run has no "
            "judge (add --judge-model MODEL)[/]"
        )
    if not parts:
        return "[green]all passed[/]"
    if not m.failed:
        parts.insert(0, f"{m.passed} of {m.conversations} passed")
    return " · ".join(parts)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _chance(table: dict[int, float], k: int) -> str:
    return f"{table[k]:.2f}" if k in table else "n/a"


def render(report: SuiteReport, console: Console, *, k: int | None = None, drift: int = 0) -> None:
    """The at-a-glance view: per persona, then the matrix, rates, coverage and every failure.

    `drift` counts stored transcripts this run drifted from (`test --snapshot`): the last
    line then says so instead of "all passed". Persona errors, the judge's verdicts and the
    LLM usage of an LLM run are shown apart from the flow's failures.

    With several runs per persona, pass^k (all k runs pass) and pass@k (at least one of k
    passes) are shown for `k` (default: the number of runs) beside pass^1.
    """
    from rich.table import Table

    m = report.metrics
    k = m.k if k is None else k
    table = Table(
        title=f"{report.flow} v{report.version} · {len(report.conversations)} conversations",
        title_justify="left",
    )
    judged = any(c.verdicts or c.not_judged for c in report.conversations)
    for column in ("persona", "expected", "route", "turns", "checks", "result"):
        table.add_column(column)  # result: pass, or FAIL with how many runs passed
    if judged:  # the LLM judge's rubric verdicts, beside the deterministic checks
        table.add_column("judge")
    if m.k > 1:
        table.add_column("pass^1", justify="right")
        if k > 1:
            table.add_column(f"pass^{k}", justify="right")
            table.add_column(f"pass@{k}", justify="right")
    for persona in dict.fromkeys(c.persona for c in report.conversations):
        runs = [c for c in report.conversations if c.persona == persona]
        checks = sum(1 for c in runs for r in c.checks if r.status == "pass")
        total = sum(1 for c in runs for r in c.checks if r.status != "skip")
        row = [
            persona,
            runs[0].expected_route or "-",
            _routes_cell(runs),
            _turns_cell(runs),
            f"{checks}/{total}",
            _result_cell(runs),
        ]
        if judged:
            row.append(_judge_cell(runs))
        if m.k > 1:
            hat, at = m.pass_hat_k[persona], m.pass_at_k[persona]
            row.append(_chance(hat, 1))
            if k > 1:
                row += [_chance(hat, k), _chance(at, k)]
        table.add_row(*row)
    console.print(table)

    matrix = Table(title="routing: expected (rows) vs actual (columns)", title_justify="left")
    matrix.add_column("expected")
    for route in ROUTE_ORDER:
        matrix.add_column(route, justify="right")
    for expected in ROUTE_ORDER:
        row = m.confusion.get(expected, {})
        if sum(row.values()):
            matrix.add_row(expected, *(str(row.get(r, 0)) for r in ROUTE_ORDER))
    console.print(matrix)

    console.print(
        f"routing accuracy {_pct(m.routing_accuracy)} · false positives {_pct(m.false_positive_rate)} "
        f"(non-buyers sent to sales; target < 15%) · false negatives {_pct(m.false_negative_rate)} "
        f"(buyers lost; target < 10%)"
    )
    turns = (
        "n/a" if m.mean_turns_to_qualification is None else f"{m.mean_turns_to_qualification:.1f}"
    )
    console.print(
        f"slot capture {_pct(m.slot_capture_accuracy)} · mean turns to qualification {turns}"
    )
    for name, cov in m.coverage.items():
        never = f" · [yellow]never: {', '.join(cov.never)}[/]" if cov.never else ""
        console.print(
            f"coverage {name}: {len(cov.reached)}/{len(cov.reached) + len(cov.never)}{never}"
        )
    if m.drop_off:
        where = ", ".join(f"{slot} ({n})" for slot, n in m.drop_off.items())
        console.print(f"drop-off (buyer left while asked): {where}")

    if report.causes:
        console.print("\n[bold red]wrong routes by the rule behind them[/]")
    for cause in report.causes:
        console.print(_hanging(" ", cause.summary, console.width), markup=False, highlight=False)
    failures = [c for c in report.conversations if c.status == "fail"]
    if failures:
        console.print("\n[bold red]failed checks[/]")
    for c in failures:
        label = f"{c.persona}" + (f" run {c.run}" if report.runs > 1 else "")
        if c.persona_error:
            line = _hanging(f"  {label}: persona error:", c.persona_error, console.width)
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        for r in c.checks:
            if r.status == "fail" and r.id not in c.simulator:
                line = _hanging(f"  {label} · {r.id}:", r.explanation, console.width)
                console.print(line, markup=False, highlight=False, soft_wrap=True)
    for c in failures:
        label = f"{c.persona}" + (f" run {c.run}" if report.runs > 1 else "")
        for v in c.verdicts:
            if v["verdict"] == "fail":
                console.print(f"  {label} · rubric {v['item']!r}: {v['reason']}", markup=False)
    render_simulator(report, console)
    console.print(verdict_line(report, drift=drift))


def render_simulator(report: SuiteReport, console: Console) -> None:
    """Persona errors (apart from the flow's failures), then an LLM run's usage and verdicts."""
    blamed = [c for c in report.conversations if c.persona_error or c.simulator]
    if blamed:
        console.print("\n[bold yellow]persona errors: the simulated buyer, not the flow[/]")
    same: dict[str, list[str]] = {}  # one line per distinct error: a dead model is one problem
    for c in blamed:
        label = f"{c.persona}" + (f" run {c.run}" if report.runs > 1 else "")
        if c.persona_error:
            same.setdefault(c.persona_error, []).append(label)
    for error, labels in same.items():
        who = labels[0] if len(labels) == 1 else f"{len(labels)} conversations"
        names = "" if len(labels) == 1 else f" ({', '.join(labels[:4])}{', …' * (len(labels) > 4)})"
        console.print(f"  {who}{names}: {error}", markup=False, highlight=False)
    for c in blamed:
        label = f"{c.persona}" + (f" run {c.run}" if report.runs > 1 else "")
        for check, why in c.simulator.items():
            console.print(f"  {label} · {check} failed because {why}", markup=False)
    if report.llm is not None:
        from convodesk.llm.report import LLMReport, render_report

        console.print(render_report(LLMReport.model_validate(report.llm)))


def _routes_cell(runs: list[ConversationReport]) -> str:
    """The routes taken; one that is not the expected route in red, so a mismatch shows."""
    expected = runs[0].expected_route
    taken = sorted({c.route for c in runs}, key=lambda r: (r != expected, r))
    return ", ".join(
        f"[red]{route}[/]" if expected is not None and route != expected else route
        for route in taken
    )


def _turns_cell(runs: list[ConversationReport]) -> str:
    """Buyer messages: one number, or the min–max range over several runs."""
    low, high = min(c.turns for c in runs), max(c.turns for c in runs)
    return f"{low}" if low == high else f"{low}–{high}"


def _result_cell(runs: list[ConversationReport]) -> str:
    """`pass`, `FAIL`, or `persona error`; with several runs, how many of them passed
    (`FAIL 2/3 passed`: a bare "1/1" beside FAIL would read as one of one passed)."""
    ok = sum(1 for c in runs if c.passed)
    bad = sum(1 for c in runs if c.status == "fail")
    sim = len(runs) - ok - bad
    if ok == len(runs):
        return "[green]pass[/]"
    head = "[red]FAIL[/]" if bad else "[yellow]persona error[/]"
    if len(runs) == 1:
        return head
    tail = f", {sim} persona error{'s' if sim != 1 else ''}" if bad and sim else ""
    return f"{head} {ok}/{len(runs)} passed{tail}"


def _hanging(label: str, text: str, width: int) -> str:
    """`label text` wrapped at word boundaries to `width`, continuation lines indented.

    The console's own wrapping would start continuation lines at column 0 and run them into
    the next failure; a word is split only when it is wider than a whole line.
    """
    import textwrap

    return textwrap.fill(
        f"{label} {text}",
        width=max(width, 40),
        subsequent_indent=" " * 6,
        break_on_hyphens=False,
    )


def junit_xml(report: SuiteReport, drift: Mapping[tuple[str, int], str] | None = None) -> str:
    """One testcase per conversation: failed checks are a <failure>, a persona that broke down
    (an LLM leaving its role, a replay miss) an <error>, since the flow was never judged.

    `drift` maps (persona, run) to how its stored transcript drifted (`test --snapshot`): a
    <failure type="snapshot">. A failed rubric item of the LLM judge is a failure too."""
    drift = dict(drift or {})
    errors = sum(
        1
        for c in report.conversations
        if c.status == "persona_error" and (c.persona, c.run) not in drift
    )
    ran = {(c.persona, c.run) for c in report.conversations}
    orphans = {key: why for key, why in drift.items() if key not in ran}  # persona removed
    failures = len(orphans) + sum(
        1 for c in report.conversations if c.status == "fail" or (c.persona, c.run) in drift
    )
    timed = [c.seconds for c in report.conversations if c.seconds is not None]
    total = {"time": f"{sum(timed):.3f}"} if timed else {}
    counts = {
        "tests": str(len(report.conversations) + len(orphans)),
        "failures": str(failures),
        "errors": str(errors),
    }
    suites = ET.Element("testsuites", name="convodesk", **counts, **total)
    suite = ET.SubElement(
        suites, "testsuite", name=f"{report.flow}", **counts, skipped="0", **total
    )
    for c in report.conversations:
        name = c.persona if report.runs == 1 else f"{c.persona}[{c.run}]"
        timing = {"time": f"{c.seconds:.3f}"} if c.seconds is not None else {}
        case = ET.SubElement(
            suite, "testcase", classname=f"{report.flow}.{c.persona}", name=name, **timing
        )
        failed = [r for r in c.checks if r.status == "fail" and r.id not in c.simulator]
        rubric = [v for v in c.verdicts if v["verdict"] == "fail"]
        snapshot = drift.get((c.persona, c.run))
        lines = [f"{r.id}: {r.explanation}" for r in failed]
        lines += [f"rubric {v['item']!r}: {v['reason']}" for v in rubric]
        if c.status == "fail" or snapshot:
            ids = [r.id for r in failed] + ["rubric"] * bool(rubric) + ["snapshot"] * bool(snapshot)
            kind = "check" if failed else "rubric" if rubric else "snapshot"
            failure = ET.SubElement(case, "failure", message=f"failed: {', '.join(ids)}", type=kind)
            failure.text = "\n".join([*lines, *([f"snapshot: {snapshot}"] if snapshot else [])])
        elif c.status == "persona_error":
            blamed = [f"{k} failed because {v}" for k, v in c.simulator.items()]
            error = ET.SubElement(case, "error", message="persona error", type="persona")
            error.text = "\n".join(
                [f"persona error: {c.persona_error or 'contradicted its facts'}", *blamed]
            )
        turns = f"{c.turns} turn{'s' if c.turns != 1 else ''}"
        out = [f"route {c.route} (expected {c.expected_route or '-'}), {turns}"]
        out += [f"rubric {v['item']!r}: {v['verdict']} ({v['reason']})" for v in c.verdicts]
        if c.transcript:
            out.append(f"transcript: {c.transcript}")
        ET.SubElement(case, "system-out").text = "\n".join(out)
    for (persona, _run), why in orphans.items():
        case = ET.SubElement(suite, "testcase", classname=f"{report.flow}.{persona}", name=persona)
        ET.SubElement(case, "failure", message="failed: snapshot", type="snapshot").text = why
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
