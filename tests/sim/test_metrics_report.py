"""Report numbers on a suite small enough to compute by hand."""

from __future__ import annotations

import asyncio
import io
import json
import xml.etree.ElementTree as ET

import pytest
from rich.console import Console

from convodesk.runtime.model import Flow
from convodesk.sim.checks import CheckResult
from convodesk.sim.metrics import compute, pass_at_k, pass_hat_k
from convodesk.sim.report import build_report, junit_xml, render
from convodesk.sim.runner import SuiteResult, run_suite

from .conftest import PlainUnderstander, make_persona


def small_suite(flow: Flow) -> SuiteResult:
    # big: warm as expected; small: nurture as expected;
    # fp: a non-buyer (expects nurture) the flow sends warm; fn: a buyer (expects warm) lost to nurture
    personas = [
        make_persona(persona="big", expect={"route": "warm", "slots": {"size": 500}}),
        make_persona(
            persona="small",
            profile={"company_size": 10},
            expect={"route": "nurture", "slots": {"size": 10}},
        ),
        make_persona(persona="fp", expect={"route": "nurture", "slots": {"size": 500}}),
        make_persona(
            persona="fn",
            profile={"company_size": 10},
            expect={"route": "warm", "slots": {"size": 500}},
        ),
    ]
    return asyncio.run(
        run_suite(flow, personas, runs=2, concurrency=3, understander=PlainUnderstander())
    )


def test_hand_computed_numbers(tiny_flow: Flow) -> None:
    m = compute(small_suite(tiny_flow))
    assert (m.conversations, m.passed) == (8, 4)
    assert m.confusion["warm"] == {"warm": 2, "lukewarm": 0, "nurture": 2, "disqualify": 0}
    assert m.confusion["nurture"] == {"warm": 2, "lukewarm": 0, "nurture": 2, "disqualify": 0}
    assert m.routing_accuracy == 0.5
    assert m.false_positive_rate == 0.5  # 2 of 4 non-buyer runs went warm
    assert m.false_negative_rate == 0.5  # 2 of 4 buyer runs went to nurture
    assert m.slot_capture_accuracy == 6 / 8  # fn expects 500 and says 10
    assert m.mean_turns_to_qualification == 4  # size, tool, budget, team: routed on turn 4
    assert m.steps.never == [] and m.knowledge.never == ["sso"]
    assert m.disqualifiers.never == ["student"] and m.routes.never == ["disqualify"]
    assert m.pass_hat_k["big"] == {1: 1.0, 2: 1.0} and m.pass_hat_k["fp"] == {1: 0.0, 2: 0.0}
    assert m.drop_off == {}


def test_pass_k_formulas() -> None:
    assert pass_hat_k(5, 3, 2) == pytest.approx(3 / 10)
    assert pass_at_k(5, 3, 2) == pytest.approx(1 - 1 / 10)
    assert pass_hat_k(4, 4, 4) == 1.0 and pass_at_k(4, 0, 4) == 0.0
    with pytest.raises(ValueError):
        pass_hat_k(2, 1, 3)


def test_junit_xml_parses_with_the_right_counts(tiny_flow: Flow) -> None:
    report = build_report(small_suite(tiny_flow))
    root = ET.fromstring(junit_xml(report))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("8", "4")
    cases = suite.findall("testcase")
    assert len(cases) == 8
    failed = [c for c in cases if c.find("failure") is not None]
    assert sorted({c.get("name", "").split("[")[0] for c in failed}) == ["fn", "fp"]
    text = failed[0].find("failure").text or ""  # type: ignore[union-attr]
    assert "route_expected: expected route" in text


def test_json_and_terminal_views(tiny_flow: Flow) -> None:
    report = build_report(small_suite(tiny_flow))
    data = json.loads(report.model_dump_json())
    assert data["metrics"]["false_positive_rate"] == 0.5 and data["passed"] is False
    buffer = io.StringIO()
    render(report, Console(file=buffer, width=140, color_system=None))
    out = buffer.getvalue()
    assert "false positives 50%" in out and "4 of 8 failed" in out
    assert "fp run 0 · route_expected: expected route 'nurture' but the flow chose 'warm'" in out


def mixed_runs(flow: Flow) -> SuiteResult:
    """One persona, three runs, the second failing: n = 3, c = 2."""
    result = asyncio.run(
        run_suite(flow, [make_persona(persona="mixed")], runs=3, understander=PlainUnderstander())
    )
    result.conversations[1].checks.append(CheckResult("turn_budget", "fail", "too long"))
    return result


def _row(out: str, persona: str) -> list[str]:
    line = next(x for x in out.splitlines() if f" {persona} " in x)
    return [cell.strip() for cell in line.strip("│┃ ").split("│")]


def test_pass_at_k_beside_pass_hat_k_computed_by_hand(tiny_flow: Flow) -> None:
    report = build_report(mixed_runs(tiny_flow))
    buffer = io.StringIO()
    render(report, Console(file=buffer, width=160, color_system=None))
    out = buffer.getvalue()
    assert "pass^1" in out and "pass^3" in out and "pass@3" in out
    # pass^1 = 2/3; pass^3 = C(2,3)/C(3,3) = 0; pass@3 = 1 - C(1,3)/C(3,3) = 1
    assert _row(out, "mixed")[-3:] == ["0.67", "0.00", "1.00"]
    buffer = io.StringIO()
    render(report, Console(file=buffer, width=160, color_system=None), k=2)
    out = buffer.getvalue()
    assert "pass^2" in out and "pass@2" in out and "pass^3" not in out
    # pass^2 = C(2,2)/C(3,2) = 1/3; pass@2 = 1 - C(1,2)/C(3,2) = 1
    assert _row(out, "mixed")[-3:] == ["0.67", "0.33", "1.00"]


def test_junit_times_and_persona_errors(tiny_flow: Flow) -> None:
    result = small_suite(tiny_flow)
    for i, c in enumerate(result.conversations):
        c.seconds = 0.25 * (i + 1)
    broken = result.conversations[0]  # "big", which passed its checks
    broken.persona_error = "PersonaFailure: the model stopped playing the buyer"
    root = ET.fromstring(junit_xml(build_report(result)))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("8", "4", "1")
    assert root.get("errors") == "1" and root.get("time") == suite.get("time") == "9.000"
    cases = suite.findall("testcase")
    assert [c.get("time") for c in cases] == [f"{0.25 * (i + 1):.3f}" for i in range(8)]
    error = cases[0].find("error")
    assert error is not None and cases[0].find("failure") is None
    assert "the model stopped playing the buyer" in (error.text or "")
    assert sum(1 for c in cases if c.find("failure") is not None) == 4


def test_junit_times_are_the_runners_and_never_invented(tiny_flow: Flow) -> None:
    result = small_suite(tiny_flow)
    measured = [c.seconds for c in result.conversations]
    assert all(s is not None and s >= 0 for s in measured), "the runner times each conversation"
    root = ET.fromstring(junit_xml(build_report(result)))
    assert [c.get("time") for c in root.iter("testcase")] == [f"{s:.3f}" for s in measured]
    for c in result.conversations:
        c.seconds = None
    root = ET.fromstring(junit_xml(build_report(result)))
    assert root.get("time") is None
    assert all(c.get("time") is None for c in root.iter("testcase"))


def test_long_explanations_wrap_at_words_under_their_first_line(tiny_flow: Flow) -> None:
    report = build_report(small_suite(tiny_flow))
    width = 72
    buffer = io.StringIO()
    render(report, Console(file=buffer, width=width, color_system=None))
    lines = buffer.getvalue().splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("  fp run 0 · route_expected:"))
    indent = 6
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith(" " * indent):
            break
        block.append(line)
    assert len(block) > 2 and all(len(x) <= width for x in block)
    explanation = next(
        r.explanation
        for c in report.conversations
        if c.persona == "fp" and c.run == 0
        for r in c.checks
        if r.id == "route_expected"
    )
    said = " ".join(x.strip() for x in block).split(" · route_expected: ", 1)[1]
    assert said.split() == explanation.split(), "a word was split across lines"


def test_rubric_items_of_an_offline_run_are_called_unjudged_not_passed(tiny_flow: Flow) -> None:
    persona = make_persona(
        persona="big",
        expect={"route": "warm", "slots": {"size": 500}, "rubric": ["asks size first", "polite"]},
    )
    result = asyncio.run(run_suite(tiny_flow, [persona], understander=PlainUnderstander()))
    report = build_report(result)
    assert report.unjudged_rubric == 2
    buffer = io.StringIO()
    render(report, Console(file=buffer, width=200, color_system=None))
    out = buffer.getvalue()
    assert "all passed" not in out and "2 rubric item(s) not judged" in out
    judged = build_report(
        result, llm={"calls": 0}
    )  # an LLM run judges (or names what it could not)
    assert judged.unjudged_rubric == 0


def test_table_cells_say_how_many_runs_passed_and_mark_a_wrong_route(tiny_flow: Flow) -> None:
    result = mixed_runs(tiny_flow)
    report = build_report(result)
    report.conversations[2].turns = 7  # a longer third run: the range shows it
    buffer = io.StringIO()
    render(report, Console(file=buffer, width=160, color_system=None))
    row = _row(buffer.getvalue(), "mixed")
    assert row[3] == f"{result.conversations[0].turns}–7"
    assert row[5] == "FAIL 2/3 passed"  # not "FAIL 1/3", which reads as one of three passed
    suite = build_report(small_suite(tiny_flow))
    console = Console(file=io.StringIO(), width=160, force_terminal=True, color_system="standard")
    render(suite, console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    fp = next(x for x in out.splitlines() if " fp " in x)
    big = next(x for x in out.splitlines() if " big " in x)
    assert "\x1b[31mwarm\x1b[0m" in fp  # expected nurture, went warm: in red
    assert "\x1b[31m" not in big.split("│")[3]  # warm as expected: plain
    buffer = io.StringIO()
    render(suite, Console(file=buffer, width=160, color_system=None))
    assert _row(buffer.getvalue(), "fp")[5] == "FAIL 0/2 passed"


def test_one_line_per_rule_behind_wrong_routes(tiny_flow: Flow) -> None:
    broken = tiny_flow.model_copy(deep=True)
    broken.routes[0].when = "fit >= 0"  # everyone warm
    personas = [
        make_persona(persona=name, profile={"company_size": 10}, expect={"route": "nurture"})
        for name in ("a", "b", "c")
    ] + [make_persona(persona="ok")]
    result = asyncio.run(run_suite(broken, personas, runs=2, understander=PlainUnderstander()))
    report = build_report(result)
    (cause,) = report.causes
    assert (cause.rule, cause.personas, cause.runs) == ("routes[0]", ["a", "b", "c"], 6)
    assert cause.summary == (
        "routes[0] 'warm' (when: fit >= 0) took 3 personas (6 runs) that expect another "
        "route: a (nurture), b (nurture), c (nurture)"
    )
    buffer = io.StringIO()
    render(report, Console(file=buffer, width=200, color_system=None))
    out = buffer.getvalue()
    assert f"wrong routes by the rule behind them\n  {cause.summary}\n" in out
    assert json.loads(report.model_dump_json())["causes"][0]["rule"] == "routes[0]"
    assert (
        build_report(small_suite(tiny_flow))
        .causes[0]
        .summary.startswith(
            "routes[0] 'warm' (when: fit >= 60) took 1 persona (2 runs) that expects another route: "
            "fp (nurture)"
        )
    )


def test_junit_says_turn_or_turns_and_holds_the_snapshot_diff(tiny_flow: Flow) -> None:
    report = build_report(small_suite(tiny_flow))
    report.conversations[0].turns = 1
    diff = "big: the conversation first diverges at turn 2\n    - turn 2 bot: old\n    + turn 2 bot: new"
    root = ET.fromstring(junit_xml(report, {("big", 0): diff}))
    cases = root.findall("testsuite/testcase")
    outs = [c.findtext("system-out") or "" for c in cases]
    assert outs[0].splitlines()[0] == "route warm (expected warm), 1 turn"
    assert outs[1].splitlines()[0].endswith(f"), {report.conversations[1].turns} turns")
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "snapshot"
    assert failure.text == f"snapshot: {diff}"
    assert "\x1b" not in (failure.text or "")
