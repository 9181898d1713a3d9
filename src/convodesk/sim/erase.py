"""The right to erasure: find and delete every stored transcript of one person.

A transcript belongs to a person when their email address appears in it: in a slot, the
context, any line of the conversation, or, for redacted transcripts (which hold no address),
among the `subjects` fingerprints, which also cover the persona profile's email. Addresses are
compared whole and case-insensitively, so ann@x.com never matches joann@x.com.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .redact import email_fingerprint, emails_in, normalise_email


@dataclass(frozen=True)
class Found:
    path: Path
    persona: str
    matched_by: str  # "address" (plain text) or "fingerprint" (a redacted transcript)


@dataclass
class Erasure:
    scanned: int
    removed: list[Found]
    unreadable: list[Path]


def _match(data: dict[str, Any], address: str, fingerprint: str) -> str | None:
    if fingerprint in (data.get("subjects") or []):
        return "fingerprint"
    lines = data.get("conversation") or []
    texts = [line for line in lines if isinstance(line, dict)]
    if address in emails_in([data.get("slots"), data.get("context"), texts]):
        return "address"
    return None


def find(address: str, folder: str | Path) -> tuple[int, list[Found], list[Path]]:
    """(files scanned, transcripts of this person, files that could not be read)."""
    address = normalise_email(address)
    fingerprint = email_fingerprint(address)
    found: list[Found] = []
    unreadable: list[Path] = []
    files = sorted(p for p in Path(folder).rglob("*.y*ml") if p.is_file())
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            unreadable.append(path)
            continue
        if not isinstance(data, dict) or "conversation" not in data:
            continue
        how = _match(data, address, fingerprint)
        if how is not None:
            found.append(Found(path, str(data.get("persona", "")), how))
    return len(files), found, unreadable


def erase(address: str, folder: str | Path) -> Erasure:
    """Delete every transcript of `address` under `folder` and say what went."""
    scanned, found, unreadable = find(address, folder)
    for item in found:
        os.unlink(item.path)
    return Erasure(scanned, found, unreadable)
