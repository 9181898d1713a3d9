"""Counts: what must be read as a number, and the digits that are something else."""

from __future__ import annotations

import pytest

from convodesk.runtime.understanding.numbers import find_numbers


def _one(text: str) -> tuple[float, str]:
    spans = find_numbers(text)
    assert len(spans) == 1, spans
    return spans[0].value, spans[0].kind


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("500", 500, "exact"),
        ("1,200", 1200, "exact"),
        ("two thousand five hundred", 2500, "exact"),
        ("1.5k", 1500, "exact"),
        ("~200", 200, "approx"),
        ("roughly 1k", 1000, "approx"),
        ("between 50 and 100", 75, "range"),
        ("50-100k users", 75000, "range"),
        ("200-1k seats", 600, "range"),
        ("500 or more", 500, "min"),
        ("10 or fewer", 10, "max"),
        ("a 500-strong team", 500, "exact"),
    ],
)
def test_counts(text: str, value: float, kind: str) -> None:
    assert _one(text) == (value, kind)


@pytest.mark.parametrize(
    "text",
    [
        "call me at +1 415 555 0100",
        "my cell is 415-555-0100",
        "ring (415) 555-0100",
        "let's meet at 3:30",
        "3 pm works",
        "we grew 20% last year",
        "20 percent of the team",
        "on March 15",
        "the 15 March deadline",
        "version 2",
        "we are SOC 2 and ISO 27001 certified",
        "see https://acme.example/page/200",
        "email bob500@acme.com",
        "renewal on 2026-03-01",
    ],
)
def test_digits_that_are_not_counts(text: str) -> None:
    assert find_numbers(text) == []


def test_spans_point_into_the_text() -> None:
    text = "We have 2 offices and about 300 people"
    spans = find_numbers(text)
    assert [(text[s.start : s.end], s.value) for s in spans] == [("2", 2), ("300", 300)]


def test_integer_rounds_half_up() -> None:
    assert [s.integer for s in find_numbers("2 to 3 people, 5-10 seats")] == [3, 8]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("a few thousand", 3000, "approx"),
        ("several hundred", 500, "approx"),  # "several" reads as 5: see the numbers module
        ("a couple hundred", 200, "approx"),
        ("two and a half thousand", 2500, "exact"),
        ("one and a half million", 1_500_000, "exact"),
        ("half a million", 500_000, "exact"),
        ("1.000 employees", 1000, "exact"),  # European grouping
        ("2.500.000", 2_500_000, "exact"),
        ("300ish", 300, "approx"),
        ("300-ish people", 300, "approx"),
        ("2kish", 2000, "approx"),
    ],
)
def test_vague_grouped_and_ish_counts(text: str, value: float, kind: str) -> None:
    assert _one(text) == (value, kind)


@pytest.mark.parametrize("text", ["a few tools", "several offices", "half of them", "a couple"])
def test_vague_words_alone_are_not_counts(text: str) -> None:
    assert find_numbers(text) == []


def test_decimals_stay_decimals() -> None:
    assert [s.value for s in find_numbers("1.5k, 2.50, 10.2")] == [1500, 2.5, 10.2]
