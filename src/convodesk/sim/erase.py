"""The right to erasure: find and delete every stored conversation of one person.

A stored conversation is a transcript (`transcripts/<flow>/<persona>.yaml`) or a pytest
snapshot of one (`tests/__snapshots__/<module>/<test>.yaml`, see convodesk.testing). It belongs
to a person when their email address appears anywhere in it, or, for redacted transcripts
(which hold no address), among the `subjects` fingerprints, which also cover the persona
profile's email. Addresses are compared whole and case-insensitively, so ann@x.com never
matches joann@x.com.

Whatever else the searched folders hold (another syrupy extension's files, a YAML file that is
not one conversation, a file that cannot be read) is searched as text: it cannot be deleted as
one person's conversation, so it is reported as `kept`, and an erasure with anything kept is
incomplete.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .redact import email_fingerprint, emails_in, normalise_email

CONVERSATION_SUFFIXES = (".yaml", ".yml")
SNAPSHOT_FOLDER = "__snapshots__"


@dataclass(frozen=True)
class Found:
    path: Path
    persona: str
    matched_by: str  # "address" (plain text) or "fingerprint" (a redacted transcript)


@dataclass(frozen=True)
class Kept:
    """A file that holds, or may hold, the address and was not deleted; `reason` says why."""

    path: Path
    reason: str


@dataclass
class Erasure:
    scanned: int
    removed: list[Found] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.kept


def snapshot_folders(tests: str | Path) -> list[Path]:
    """Every `__snapshots__` folder under a project's `tests/` (none when it has no tests/)."""
    root = Path(tests)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob(SNAPSHOT_FOLDER) if p.is_dir())


def _files(folders: Iterable[Path]) -> list[Path]:
    seen: dict[Path, Path] = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                seen.setdefault(path.resolve(), path)
    return list(seen.values())


def _is_leftover(path: Path) -> bool:
    """A temporary file of an interrupted atomic write: half a conversation, safe to delete."""
    return path.name.startswith(".") and path.suffix == ".tmp"


def _examine(path: Path, address: str, fingerprint: str) -> Found | Kept | None:
    """What to do with one file: delete it (Found), report it (Kept) or leave it (None)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        why = exc.strerror or str(exc)
        return Kept(path, f"could not be read ({why}), so it may hold the address")
    text = raw.decode("utf-8", errors="replace")
    plain = address in emails_in([text])
    if not plain and fingerprint not in text:
        return None
    how = "address" if plain else "fingerprint"
    if _is_leftover(path):
        return Found(path, "", how)
    if path.suffix not in CONVERSATION_SUFFIXES:
        return Kept(path, "holds the address but is not one stored conversation")
    try:
        data: Any = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return Kept(path, "holds the address but is not valid YAML")
    if not (isinstance(data, dict) and "conversation" in data):
        return Kept(path, "holds the address but is not one stored conversation")
    return Found(path, str(data.get("persona", "")), how)


def find(
    address: str, folders: str | Path | Iterable[str | Path]
) -> tuple[int, list[Found], list[Kept]]:
    """(files scanned, conversations of this person, other files that hold the address)."""
    if isinstance(folders, str | Path):  # one folder, not the characters of its name
        folders = [folders]
    address = normalise_email(address)
    fingerprint = email_fingerprint(address)
    files = _files(Path(f) for f in folders)
    found: list[Found] = []
    kept: list[Kept] = []
    for path in files:
        verdict = _examine(path, address, fingerprint)
        if isinstance(verdict, Found):
            found.append(verdict)
        elif isinstance(verdict, Kept):
            kept.append(verdict)
    return len(files), found, kept


def erase(address: str, folders: str | Path | Iterable[str | Path]) -> Erasure:
    """Delete every conversation of `address` under `folders` and say what went and what not."""
    scanned, found, kept = find(address, folders)
    result = Erasure(scanned, kept=kept)
    for item in found:
        try:
            os.unlink(item.path)
        except OSError as exc:
            result.kept.append(Kept(item.path, f"could not be deleted ({exc.strerror or exc})"))
        else:
            result.removed.append(item)
    return result
