"""Redaction of stored transcripts: contact data never reaches disk, the live payload keeps it.

What is masked: every email address and phone number in any line, the values of slots of type
email or phone and of slots marked `pii: true`, and the persona profile's name and email
wherever they appear. What is kept, so the right to erasure still works on a redacted file: a
one-way fingerprint of every email address involved (`subjects`), see `email_fingerprint`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from convodesk.runtime.model import Flow
from convodesk.runtime.understanding import find_emails, find_phones

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
PII_MASK = "[redacted]"
FINGERPRINT_PREFIX = "convodesk-erase-v1:"
_CONTACT_TYPES = ("email", "phone")


def normalise_email(address: str) -> str:
    return address.strip().lower()


def email_fingerprint(address: str) -> str:
    """Unsalted SHA-256 of the normalised address, with a fixed prefix.

    Unsalted on purpose: transcripts stay byte-stable across machines (snapshot tests diff
    them) and `convodesk forget` needs no key to find a person. The price: someone who
    already knows an address can confirm it appears; nobody can read addresses back out.
    """
    digest = hashlib.sha256((FINGERPRINT_PREFIX + normalise_email(address)).encode()).hexdigest()
    return f"sha256:{digest}"


class Redactor:
    """Masks one conversation's personal data; built from the flow and what the buyer gave."""

    def __init__(self, flow: Flow, known: Iterable[str] = ()) -> None:
        self.flow = flow
        words = sorted(
            {k.strip() for k in known if k and len(k.strip()) >= 3}, key=len, reverse=True
        )
        self._known = (
            re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words), re.I)
            if words
            else None
        )

    def text(self, value: str) -> str:
        """Emails, phones and known personal values in free text, replaced by placeholders."""
        for span in reversed(find_emails(value)):
            value = value[: span.start] + EMAIL_MASK + value[span.end :]
        for span in reversed(find_phones(value)):
            value = value[: span.start] + PHONE_MASK + value[span.end :]
        if self._known is not None:
            value = self._known.sub(PII_MASK, value)
        return value

    def value(self, value: Any) -> Any:
        """Any JSON-like value, with every string in it masked."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def slot(self, name: str, value: Any) -> Any:
        """Contact and `pii: true` slots are masked whole; other slots only where text matches."""
        slot = self.flow.slots.get(name)
        if slot is not None and (slot.pii or slot.type in _CONTACT_TYPES):
            return {"email": EMAIL_MASK, "phone": PHONE_MASK}.get(slot.type, PII_MASK)
        return self.value(value)


def personal_values(flow: Flow, slots: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    """The literal strings to hunt for: pii slot values and the profile's name and email."""
    out: list[str] = []
    for name, value in slots.items():
        slot = flow.slots.get(name)
        if slot is not None and (slot.pii or slot.type in _CONTACT_TYPES):
            out += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    for key in ("name", "email"):
        if profile.get(key):
            out.append(str(profile[key]))
    full = str(profile.get("name") or "")
    out += [part for part in full.split() if len(part) >= 3]
    return out


def emails_in(values: Iterable[Any]) -> list[str]:
    """Every distinct email address inside these (nested) values, normalised, in first-seen order."""
    found: dict[str, None] = {}

    def walk(value: Any) -> None:
        if isinstance(value, str):
            for span in find_emails(value):
                found.setdefault(normalise_email(span.value), None)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for value in values:
        walk(value)
    return list(found)
