"""Which number is which: a cue word owns the number next to it, and budgets prefer money."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from convodesk.runtime import load_flow
from convodesk.runtime.understanding import RuleUnderstander
from convodesk.runtime.understanding.money import per_period, wanted_period

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows" / "saas_inbound.yaml")
REF = date(2026, 1, 15)


def analyze(text: str, expecting: list[str]):  # type: ignore[no-untyped-def]
    return RuleUnderstander().analyze(text, FLOW, expecting, {}, REF)


def extract(text: str, expecting: list[str]) -> dict[str, Any]:
    return {e.slot: e.value for e in analyze(text, expecting).extractions}


@pytest.mark.parametrize(
    ("text", "asked", "size"),
    [
        ("it's 200 people across 3 sites", ["company_size"], 200),
        ("it's 200 people across 3 sites", ["pain"], 200),
        ("across 3 sites we have 200 people", ["company_size"], 200),
        ("3 plants and about 650 staff", ["company_size"], 650),
        ("About 450 across 3 sites.", ["company_size"], 450),
        ("3 sites, 200 total", ["company_size"], 200),  # a bare count beats "3 sites"
        ("headcount is 1,200 over 4 offices", ["pain"], 1200),
        ("We have 2 warehouses and 90 employees", ["pain"], 90),
        ("we've been at 300 people for 5 years", ["company_size"], 300),
        ("in 3 months we'll be 80 people", ["company_size"], 80),
    ],
)
def test_the_number_next_to_the_cue_is_the_size(text: str, asked: list[str], size: int) -> None:
    assert extract(text, asked)["company_size"] == size


def test_a_duration_is_never_a_size() -> None:
    assert "company_size" not in extract("we want it within 6 months", ["company_size"])


def test_another_slots_number_is_not_the_asked_size() -> None:
    assert extract("our budget is 60k, we're small", ["company_size"]) == {"budget": 60_000}


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        ("we have 200 employees and about $40k", 40_000),
        ("200 employees, 40k budget", 40_000),
        ("We pay $20 per user today; the budget is $40k", 40_000),
        ("Around 25k annually", 25_000),
        ("€80,000 per year", 80_000),
        ("€1.000 a year", 1000),  # European grouping
    ],
)
def test_budget_prefers_money_and_its_cue(text: str, budget: float) -> None:
    assert extract(text, ["budget"])["budget"] == budget


def test_budget_does_not_take_a_number_another_cue_owns() -> None:
    assert "budget" not in extract("we have 200 employees", ["budget"])


@pytest.mark.parametrize(
    ("text", "budget", "raw"),
    [
        ("5k a month", 60_000, "5k per month (= 60,000 per year)"),
        ("$4,000/month", 48_000, "$4,000 per month (= 48,000 per year)"),
        ("around 20k a year", 20_000, "20k per year"),
    ],
)
def test_monthly_money_is_annualised_for_an_annual_budget(
    text: str, budget: float, raw: str
) -> None:
    found = analyze(text, ["budget"]).value_of("budget")
    assert found is not None and found.value == budget and found.raw == raw


def test_period_helpers() -> None:
    assert wanted_period("Is there a budget? A rough annual figure is plenty.") == "year"
    assert wanted_period("What do you spend per month?") == "month"
    assert wanted_period("What is your budget?") is None
    assert wanted_period("per month or per year?") is None
    assert per_period(5000, "month", "year") == 60_000
    assert per_period(60_000, "year", "month") == 5000
    assert per_period(5000, None, "year") == 5000
    assert per_period(5000, "month", None) == 5000
