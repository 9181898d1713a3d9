"""Emails and phone numbers: contact data the flow collects and redaction must find."""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24}(?![\w-])"
)
_PHONE = re.compile(r"(?<![\w+(])(?:\+|00)?\(?\d[\d\s().-]{5,22}\d(?![\w])")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{2,4}")


@dataclass(frozen=True)
class ContactSpan:
    start: int
    end: int
    value: str


def find_emails(text: str) -> list[ContactSpan]:
    out = []
    for match in _EMAIL.finditer(text):
        local, _, domain = match.group(0).rpartition("@")
        out.append(ContactSpan(match.start(), match.end(), f"{local}@{domain.lower()}"))
    return out


def find_phones(text: str) -> list[ContactSpan]:
    """Numbers with 7 to 15 digits written the way phone numbers are (not ranges like 50-100)."""
    out = []
    for match in _PHONE.finditer(text):
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15:
            continue
        if _DATE.fullmatch(raw) or _is_range(raw, len(digits)):
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
