"""The rule-based extractors over many phrasings, including ones that must not match."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from convodesk.runtime.understanding.choices import (
    clean_text,
    match_phrases,
    parse_bool,
    parse_list,
)
from convodesk.runtime.understanding.contact import email_domain, find_emails, find_phones
from convodesk.runtime.understanding.money import find_money
from convodesk.runtime.understanding.numbers import find_numbers, words_to_number
from convodesk.runtime.understanding.signals import (
    is_correction,
    is_refusal,
    split_questions,
    wants_human,
)
from convodesk.runtime.understanding.timeline import parse_timeline

DATA = Path(__file__).resolve().parents[1] / "data"
REF = date(2026, 1, 15)  # Q1 2026


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("500", 500, "exact"),
        ("we have 1,200 staff", 1200, "exact"),
        ("five hundred", 500, "exact"),
        ("two thousand five hundred people", 2500, "exact"),
        ("twenty-five of us", 25, "exact"),
        ("a dozen people", 12, "exact"),
        ("2k", 2000, "exact"),
        ("1.5k employees", 1500, "exact"),
        ("about 500", 500, "approx"),
        ("roughly 1k", 1000, "approx"),
        ("~200 people", 200, "approx"),
        ("50-100 people", 75, "range"),
        ("between 50 and 100", 75, "range"),
        ("50 to 100", 75, "range"),
        ("1,200-1,500", 1350, "range"),
        ("500+ employees", 500, "min"),
        ("over 1000", 1000, "min"),
        ("more than 250 staff", 250, "min"),
        ("under 50", 50, "max"),
        ("less than 10", 10, "max"),
        ("just me", 1, "exact"),
    ],
)
def test_counts(text: str, value: float, kind: str) -> None:
    spans = find_numbers(text)
    assert [(round(s.value), s.kind) for s in spans][:1] == [(value, kind)]


@pytest.mark.parametrize(
    "text",
    [
        "by 2027",
        "in March 2026",
        "v2 of the app",
        "see you at 3pm",
        "version 10.2.1",
        "hello there",
        "",
    ],
)
def test_not_counts(text: str) -> None:
    assert find_numbers(text) == []


def test_words_to_number() -> None:
    assert words_to_number("three hundred and twenty") == 320
    assert words_to_number("one million") == 1_000_000
    assert words_to_number("banana") is None


@pytest.mark.parametrize(
    ("text", "amount", "currency", "period"),
    [
        ("$50k", 50_000, "USD", None),
        ("50k USD", 50_000, "USD", None),
        ("100,000 USD", 100_000, "USD", None),
        ("€40", 40, "EUR", None),
        ("40€", 40, "EUR", None),
        ("84$", 84, "USD", None),
        ("73 pounds", 73, "GBP", None),
        ("£1.2m", 1_200_000, "GBP", None),
        ("2 million dollars", 2_000_000, "USD", None),
        ("more than a thousand pounds", 1000, "GBP", None),
        ("$5,000/month", 5000, "USD", "month"),
        ("around $60k a year", 60_000, "USD", "year"),
        ("€20k per year", 20_000, "EUR", "year"),
    ],
)
def test_money(text: str, amount: float, currency: str, period: str | None) -> None:
    spans = find_money(text)
    assert [(s.amount, s.currency, s.period) for s in spans] == [(amount, currency, period)]


@pytest.mark.parametrize("text", ["500 people", "in 2027", "we use Excel", "call me at 5"])
def test_not_money(text: str) -> None:
    assert find_money(text) == []


def test_nlupp_money_and_counts_recall() -> None:
    """NLU++ (CC BY 4.0): real phrasing of amounts and counts, from a different domain."""
    rows = [
        json.loads(line) for line in (DATA / "nlupp_amounts_dev.jsonl").read_text().splitlines()
    ]
    misses = []
    for row in rows:
        text = row["text"]
        if row["kind"] == "money":
            money = find_money(text)
            amounts = [m.amount for m in money] or [n.value for n in find_numbers(text)]
            ok = row["amount"] in amounts and (
                row["currency"] == "ambiguous" or row["currency"] in [m.currency for m in money]
            )
        else:
            ok = float(row["value"]) in [n.value for n in find_numbers(text)]
        if not ok:
            misses.append(text)
    recall = 1 - len(misses) / len(rows)
    assert len(rows) == 110
    assert recall >= 0.95, misses


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("this quarter", "this_quarter"),
        ("asap", "this_quarter"),
        ("in the next few weeks", "this_quarter"),
        ("in 2 weeks", "this_quarter"),
        ("by March", "this_quarter"),
        ("next quarter", "next_quarter"),
        ("in 3 months", "next_quarter"),
        ("by May", "next_quarter"),
        ("Q3", "this_year"),
        ("within six months", "this_year"),
        ("by the end of the year", "this_year"),
        ("later this year", "this_year"),
        ("next year", "next_year"),
        ("in 2027", "next_year"),
        ("Q1 2027", "next_year"),
        ("no rush", "none"),
        ("just looking for now", "none"),
    ],
)
def test_timelines(text: str, bucket: str) -> None:
    assert parse_timeline(text, REF) == bucket


def test_timeline_is_relative_to_reference_date() -> None:
    assert (
        parse_timeline("by March", date(2026, 11, 23)) == "next_quarter"
    )  # next March from November
    assert parse_timeline("Q1", date(2026, 11, 23)) == "next_quarter"
    assert parse_timeline("end of year", date(2026, 11, 23)) == "this_quarter"


def test_timeline_synonyms_win_and_values_restrict() -> None:
    synonyms = {"this_quarter": ["renewal is coming up"]}
    assert parse_timeline("our renewal is coming up", REF, synonyms) == "this_quarter"
    assert parse_timeline("next year", REF, values=("this_quarter", "none")) is None


@pytest.mark.parametrize("text", ["we have 500 people", "hello", "I like March Madness"])
def test_not_timelines(text: str) -> None:
    assert parse_timeline(text, REF) is None


def test_emails_and_phones() -> None:
    emails = find_emails("Reach Jen@Acme-MFG.com or bob.smith+x@sub.example.co.uk.")
    assert [e.value for e in emails] == ["Jen@acme-mfg.com", "bob.smith+x@sub.example.co.uk"]
    assert email_domain("Jen@Acme-MFG.com") == "acme-mfg.com"
    assert email_domain(None) is None
    phones = find_phones("call +1 (415) 555-0100 or 020 7946 0958; we are 50-100 people, 1,200,000")
    assert [p.value for p in phones] == ["+1 (415) 555-0100", "020 7946 0958"]
    assert find_emails("not an email: jen@ or @acme.com") == []


def test_enum_phrases() -> None:
    table = {"this_quarter": ["this_quarter", "asap"], "next_quarter": ["next_quarter"]}
    assert match_phrases("ASAP please", table) == "this_quarter"
    assert match_phrases("this quarter", table) == "this_quarter"
    assert match_phrases("this quarter or next quarter", table) is None  # ambiguous
    assert (
        match_phrases("this quarter, no wait, next quarter", table, prefer_last=True)
        == "next_quarter"
    )
    assert match_phrases("thisquarter", table) is None
    industries = {"software": ["software company"], "other": ["software"]}
    assert (
        match_phrases("we are a software company", industries) == "software"
    )  # longest phrase wins


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("Yeah, sure", True),
        ("of course", True),
        ("we do", True),
        ("no", False),
        ("nope", False),
        ("not really", False),
        ("we don't", False),
        ("maybe", None),
        ("no problem!", None),
    ],
)
def test_booleans(text: str, value: bool | None) -> None:
    assert parse_bool(text) is value


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("me, our CFO and the IT lead", ["me", "CFO", "IT lead"]),
        ("just me", ["me"]),
        ("CFO & VP Sales", ["CFO", "VP Sales"]),
        ("probably our COO, the head of IT and procurement.", ["COO", "head of IT", "procurement"]),
        ("Myself and my manager", ["me", "manager"]),
    ],
)
def test_lists(text: str, items: list[str]) -> None:
    assert parse_list(text) == items


def test_clean_text_keeps_the_buyers_words() -> None:
    assert (
        clean_text("Well, um, we use Excel and a LOT of email...")
        == "we use Excel and a LOT of email"
    )


@pytest.mark.parametrize(
    ("text", "questions", "statements"),
    [
        ("Do you support SSO?", ["Do you support SSO?"], []),
        ("How much does it cost", ["How much does it cost"], []),
        ("I'm a student, can you help?", ["I'm a student, can you help?"], ["I'm a student"]),
        ("What we need is better reporting.", [], ["What we need is better reporting."]),
        ("We use Excel. Is there an API?", ["Is there an API?"], ["We use Excel."]),
        ("tell me about pricing", ["tell me about pricing"], []),
        ("Wondering if you integrate with SAP", ["Wondering if you integrate with SAP"], []),
    ],
)
def test_questions(text: str, questions: list[str], statements: list[str]) -> None:
    assert split_questions(text) == (questions, statements)


@pytest.mark.parametrize(
    ("text", "human"),
    [
        ("Can I talk to a real person?", True),
        ("I want to speak with sales", True),
        ("please have someone call me", True),
        ("connect me with an account executive", True),
        ("I'm talking to my CFO about it", False),
        ("our sales team uses spreadsheets", False),
    ],
)
def test_human_requests(text: str, human: bool) -> None:
    assert wants_human(text) is human


def test_corrections_and_refusals() -> None:
    assert is_correction("Actually we're 800 people")
    assert is_correction("sorry, I meant next quarter")
    assert not is_correction("we're 800 people")
    assert is_refusal("I'd rather not say")
    assert is_refusal("that's confidential")
    assert not is_refusal("around 50k")
