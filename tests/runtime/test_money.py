"""Money, with ranges, bare amounts and periods; plus span-level recall on NLU++ (CC BY 4.0)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from convodesk.runtime.understanding.money import find_money
from convodesk.runtime.understanding.numbers import find_numbers

DATA = Path(__file__).resolve().parents[1] / "data" / "nlupp_amounts_dev.jsonl"


@pytest.mark.parametrize(
    ("text", "amount", "currency", "period"),
    [
        ("USD 20,000", 20000, "USD", None),
        ("$50-100k", 75000, "USD", None),
        ("50-100k USD", 75000, "USD", None),
        ("$50k-$100k", 75000, "USD", None),
        ("50 grand", 50000, None, None),
        ("€40/month", 40, "EUR", "month"),
        ("$5,000 per month", 5000, "USD", "month"),
        ("£1.2m a year", 1_200_000, "GBP", "year"),
    ],
)
def test_money(text: str, amount: float, currency: str | None, period: str | None) -> None:
    assert [(m.amount, m.currency, m.period) for m in find_money(text)] == [
        (amount, currency, period)
    ]


def test_bare_amounts_only_when_asked_for() -> None:
    assert find_money("around 20k a year") == []
    [span] = find_money("around 20k a year", bare=True)
    assert (span.amount, span.currency, span.period) == (20000, None, "year")


@pytest.mark.parametrize("text", ["call +44 20 7946 0958", "in 2027", "20% off", "at 3pm"])
def test_not_money_even_when_bare(text: str) -> None:
    assert find_money(text, bare=True) == []


def test_nlupp_span_level_recall() -> None:
    """The annotated span itself must be found with the right value (not just any number)."""
    rows = [json.loads(line) for line in DATA.read_text().splitlines()]
    misses = []
    for row in rows:
        text = row["text"]
        where = re.search(rf"(?<!\w){re.escape(row['span'])}(?!\w)", text)
        start, end = (where.start(), where.end()) if where else (-1, -1)
        if row["kind"] == "money":
            want = row["currency"] if row["currency"] != "ambiguous" else None
            ok = any(
                m.start < end and start < m.end and m.amount == row["amount"] and m.currency == want
                for m in find_money(text, bare=True)
            )
        else:
            ok = any(
                n.start < end and start < n.end and n.value == row["value"]
                for n in find_numbers(text)
            )
        if not ok:
            misses.append(text)
    recall = 1 - len(misses) / len(rows)
    assert len(rows) == 110
    assert recall >= 0.95, f"recall {recall:.3f}; misses: {misses}"
