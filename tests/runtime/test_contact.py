"""Emails and phone numbers, found with spans for redaction."""

from __future__ import annotations

import pytest

from convodesk.runtime.understanding.contact import email_domain, find_emails, find_phones


def test_emails_keep_local_part_and_lowercase_domain() -> None:
    text = "mail Jane.Doe@ACME.Co.UK or x@y.io."
    found = find_emails(text)
    assert [e.value for e in found] == ["Jane.Doe@acme.co.uk", "x@y.io"]
    assert text[found[0].start : found[0].end] == "Jane.Doe@ACME.Co.UK"
    assert email_domain(found[0].value) == "acme.co.uk"
    assert email_domain(None) is None and email_domain("nope") is None


@pytest.mark.parametrize(
    "text",
    ["+44 20 7946 0958", "(415) 555-0100", "415.555.0100", "call 555-1234", "0049 30 1234567"],
)
def test_phones(text: str) -> None:
    [phone] = find_phones(text)
    assert text[phone.start : phone.end] == phone.value
    assert sum(c.isdigit() for c in phone.value) >= 7


@pytest.mark.parametrize(
    "text", ["50-100", "1000-2000 employees", "2026-03-01", "1,200,000", "12345", "a@b"]
)
def test_not_phones(text: str) -> None:
    assert find_phones(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "budget 1 200 000 EUR",
        "€ 1 200 000 for the year",
        "order 12345678 never arrived",
        "our invoice #98765432 is wrong",
        "we have 1 250 000 records",
    ],
)
def test_amounts_and_references_are_not_phone_numbers(text: str) -> None:
    assert find_phones(text) == []
