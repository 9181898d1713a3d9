"""The suite report: one data model, three views (terminal, JSON, JUnit XML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel

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


class CoverageReport(BaseModel):
    reached: list[str]
    never: list[str]


class MetricsReport(BaseModel):
    conversations: int
    passed: int
    failed: int
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


def _masker(c: Conversation, redact: bool) -> Callable[[str], str]:
    """Explanations quote what the buyer said; a redacted report masks it like the transcript."""
    if not (redact or c.flow.redact):
        return lambda text: text
    slots = {name: slot.value for name, slot in c.state.slots.items()}
    return Redactor(c.flow, personal_values(c.flow, slots, c.persona.profile.model_dump())).text


def build_report(
    result: SuiteResult,
    transcripts: dict[tuple[str, int], str] | None = None,
    *,
    redact: bool = False,
) -> SuiteReport:
    m = compute(result)
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
                CheckReport(id=r.id, status=r.status, explanation=mask(r.explanation))
                for r in c.checks
            ],
            transcript=paths.get((c.persona.persona, c.run)),
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
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def render(report: SuiteReport, console: Console) -> None:
    """The at-a-glance view: per persona, then the matrix, rates, coverage and every failure."""
    from rich.table import Table

    m = report.metrics
    table = Table(
        title=f"{report.flow} v{report.version} · {m.conversations} conversations",
        title_justify="left",
    )
    for column in ("persona", "expected", "route", "turns", "checks", "result"):
        table.add_column(column)
    if m.k > 1:
        table.add_column("pass^1")
        table.add_column(f"pass^{m.k}")
    for persona in dict.fromkeys(c.persona for c in report.conversations):
        runs = [c for c in report.conversations if c.persona == persona]
        routes = ", ".join(sorted({c.route for c in runs}))
        turns = "/".join(str(c.turns) for c in runs)
        checks = sum(1 for c in runs for r in c.checks if r.status == "pass")
        total = sum(1 for c in runs for r in c.checks if r.status != "skip")
        ok = sum(1 for c in runs if c.passed)
        verdict = (
            "[green]pass[/]" if ok == len(runs) else f"[red]FAIL[/] {len(runs) - ok}/{len(runs)}"
        )
        row = [persona, runs[0].expected_route or "-", routes, turns, f"{checks}/{total}", verdict]
        if m.k > 1:
            row += [f"{m.pass_hat_k[persona][1]:.2f}", f"{m.pass_hat_k[persona][len(runs)]:.2f}"]
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

    failures = [c for c in report.conversations if not c.passed]
    if failures:
        console.print("\n[bold red]failed checks[/]")
    for c in failures:
        label = f"{c.persona}" + (f" run {c.run}" if report.runs > 1 else "")
        if c.persona_error:
            console.print(f"  {label}: persona error: {c.persona_error}", markup=False)
        for r in c.checks:
            if r.status == "fail":
                console.print(f"  {label} · {r.id}: {r.explanation}", markup=False)
    verdict = (
        "[green]all passed[/]"
        if report.passed
        else f"[red]{m.failed} of {m.conversations} failed[/]"
    )
    console.print(verdict)


def junit_xml(report: SuiteReport) -> str:
    """One testcase per conversation; a failure carries every failed check's explanation."""
    m = report.metrics
    suites = ET.Element(
        "testsuites", name="convodesk", tests=str(m.conversations), failures=str(m.failed)
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"{report.flow}",
        tests=str(m.conversations),
        failures=str(m.failed),
        errors="0",
        skipped="0",
    )
    for c in report.conversations:
        name = c.persona if report.runs == 1 else f"{c.persona}[{c.run}]"
        case = ET.SubElement(suite, "testcase", classname=f"{report.flow}.{c.persona}", name=name)
        failed = [r for r in c.checks if r.status == "fail"]
        if c.persona_error or failed:
            ids = ", ".join(r.id for r in failed) or "persona_error"
            failure = ET.SubElement(case, "failure", message=f"failed: {ids}", type="check")
            lines = [f"{r.id}: {r.explanation}" for r in failed]
            if c.persona_error:
                lines.append(f"persona error: {c.persona_error}")
            failure.text = "\n".join(lines)
        out = [f"route {c.route} (expected {c.expected_route or '-'}), {c.turns} turns"]
        if c.transcript:
            out.append(f"transcript: {c.transcript}")
        ET.SubElement(case, "system-out").text = "\n".join(out)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
