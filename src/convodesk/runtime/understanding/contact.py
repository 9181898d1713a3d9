"""Emails and phone numbers: contact data the flow collects and redaction must find."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .anycase import AnyCase
from .keywords import has_digit

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24}(?![\w-])"
)
_PHONE = re.compile(r"(?<![\w+(])(?:\+|00)?\(?\d[\d\s().-]{5,22}\d(?![\w])")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{2,4}")
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")  # "2.500.000" is a European count, not a phone


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_AMOUNT_AFTER = AnyCase(
    r"\s*(?:[€$£¥₹]|(?:eur|euros?|usd|dollars?|gbp|pounds?|chf|sek|nok|dkk|pln|jpy|cad|aud"
    r"|inr|k|m|mm|bn|million|billion|thousand|people|employees|staff|users|seats|licen[cs]es"
    r"|customers|members|visitors|records|units|items|rows)\b)"
)
_AMOUNT_OR_REFERENCE = _word_set(
    "budget budgets revenue turnover arr mrr spend spending price cost costs salary funding "
    "raised valuation amount deal order orders invoice invoices ticket case ref reference "
    "account acct po serial tracking customer contract iban vat sku quote transaction payment "
    "id eur usd gbp chf sek nok dkk pln jpy cad aud inr"
)
_FILLER = _word_set(
    "is was of about around approx approximately roughly nearly almost exactly ~ : # no nr "
    "num number = total max maximum under over"
)
_WORD_BEFORE = re.compile(r"([^\s]+)\s*$")


def _is_amount_or_reference(text: str, start: int, end: int) -> bool:
    """'budget 1 200 000 EUR', '€ 1 200 000', 'order #12345678': not phone numbers."""
    if _AMOUNT_AFTER.match(text, end):
        return True
    before = text[:start]
    if before.rstrip().endswith(("€", "$", "£", "¥", "₹")):
        return True
    for _ in range(4):  # walk back over filler ("of", "is around", "number", "#")
        found = _WORD_BEFORE.search(before)
        if found is None:
            return False
        word = found.group(1).lower().strip(".,;:!?()'\"")
        before = before[: found.start()]
        if not word or word in _FILLER:
            continue
        return word.rstrip("#:") in _AMOUNT_OR_REFERENCE
    return False


@dataclass(frozen=True)
class ContactSpan:
    start: int
    end: int
    value: str


def find_emails(text: str) -> list[ContactSpan]:
    out: list[ContactSpan] = []
    if "@" not in text:  # the costly scan is for messages that can hold an address
        return out
    for match in _EMAIL.finditer(text):
        local, _, domain = match.group(0).rpartition("@")
        out.append(ContactSpan(match.start(), match.end(), f"{local}@{domain.lower()}"))
    return out


def find_phones(text: str) -> list[ContactSpan]:
    """Numbers with 7 to 15 digits written the way phone numbers are: not ranges (50-100),
    amounts ("budget 1 200 000 EUR") or references ("order 12345678")."""
    out: list[ContactSpan] = []
    if not has_digit(text):
        return out
    for match in _PHONE.finditer(text):
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15:
            continue
        if _DATE.fullmatch(raw) or _GROUPED.fullmatch(raw) or _is_range(raw, len(digits)):
            continue
        if _is_amount_or_reference(text, match.start(), match.end()):
            continue
        out.append(ContactSpan(match.start(), match.end(), raw.strip()))
    return out


def _is_range(raw: str, digits: int) -> bool:
    """'1000-2000' is a range of counts; '555-1234' is a local phone number."""
    parts = re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", raw)
    if parts is None or digits >= 9:
        return False
    low, high = parts.group(1), parts.group(2)
    return not (len(low) == 3 and len(high) == 4) or (
        int(high) > int(low) and low.endswith("0") and high.endswith("0")
    )


def email_domain(email: object) -> str | None:
    if isinstance(email, str) and "@" in email:
        return email.rsplit("@", 1)[1].strip().lower() or None
    return None
