"""Deliberately broken copies of the example flow: the suite fails and the report names the cause.

These run the real rule-based understanding over the example personas, as `convodesk test`
does, so they prove the designer-facing promise end to end, not on a test double.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from convodesk.runtime.loader import parse_flow
from convodesk.runtime.model import Flow
from convodesk.sim.persona import load_personas
from convodesk.sim.report import build_report, render
from convodesk.sim.runner import SuiteResult, run_suite_sync

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "flows" / "saas_inbound.yaml").read_text()
WARM = 'when: "fit >= 60 and intent >= 60 and capacity >= 40"'


def flow_from(text: str) -> Flow:
    loaded = parse_flow(text, "saas_inbound.yaml")
    assert loaded.flow is not None, loaded.errors
    return loaded.flow


def suite(flow: Flow) -> SuiteResult:
    return run_suite_sync(flow, load_personas(ROOT / "personas", flow))


def failed(result: SuiteResult, check: str) -> dict[str, str]:
    return {
        c.persona.persona: r.explanation
        for c in result.conversations
        for r in c.checks
        if r.id == check and r.status == "fail"
    }


def without_disqualifier(reason: str) -> str:
    """The flow text with the disqualify rule whose reason is `reason` cut out."""
    lines = TEXT.splitlines(keepends=True)
    start = next(
        i
        for i, line in enumerate(lines)
        if line.startswith("  - when:") and lines[i + 1].strip() == f"reason: {reason}"
    )
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    "))
    return "".join(lines[:start] + lines[end:])


def test_the_example_suite_passes_unbroken() -> None:
    result = suite(flow_from(TEXT))
    assert result.passed, {c.persona.persona: c.failures for c in result.conversations}


def test_warm_threshold_zero_fails_pointing_at_the_route_condition() -> None:
    assert TEXT.count(WARM) == 1
    result = suite(flow_from(TEXT.replace(WARM, 'when: "fit >= 0"')))
    assert not result.passed
    why = failed(result, "route_expected")
    assert {"small-company", "researcher", "midmarket-lukewarm"} <= set(why)
    for persona, text in why.items():
        assert "but the flow chose 'warm'" in text, persona
        assert "route rule routes[0] 'warm' (when: fit >= 0) fired with scores fit " in text
        assert "strong fit, clear intent and authority" not in text, (
            "quote the when, not the reason"
        )
    assert (
        "the expected rule routes[2] 'nurture' (no when, so it always holds) holds too"
        in (why["small-company"])
    )
    assert (
        "the expected rule routes[1] 'lukewarm' (when: fit >= 35 and intent >= 35)"
        in (why["midmarket-lukewarm"])
    )
    buffer = io.StringIO()
    render(build_report(result), Console(file=buffer, width=120, color_system=None))
    assert (
        "  small-company · route_expected: expected route 'nurture' but the flow chose 'warm'"
        in (buffer.getvalue())
    )


@pytest.mark.parametrize(
    ("reason", "persona", "named"),
    [
        ("student", "student", "no disqualifier tests visitor == 'student' (is a rule missing?)"),
        ("job_seeker", "job-seeker", "no disqualifier tests visitor == 'job_seeker'"),
        ("competitor", "competitor", "no disqualifier tests visitor == 'competitor'"),
        (
            "existing_customer_support",
            "support-customer",
            "no disqualifier tests visitor == 'support'",
        ),
        ("unsupported_region", "unsupported-region", "read by no disqualifier: *region = 'latam'"),
    ],
)
def test_a_removed_disqualifier_fails_naming_what_it_would_have_caught(
    reason: str, persona: str, named: str
) -> None:
    flow = flow_from(without_disqualifier(reason))
    assert reason not in {d.reason for d in flow.disqualify}
    result = suite(flow)
    assert not result.passed
    why = failed(result, "route_expected")
    assert set(why) == {persona}
    text = why[persona]
    assert text.startswith(
        f"expected route 'disqualify' but the flow chose '{result.of(persona)[0].outcome.route}': no disqualifier fired; disqualifiers check: "
    )
    at = 0
    for part in named.split("*"):  # the fragments, in this order
        assert part in text[at:], text
        at = text.index(part, at) + len(part)
    assert "fired with scores fit " in text, "the route rule and scores are given too"
    assert "the buyer left first" not in text
