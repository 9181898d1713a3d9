"""Real buyer and attacker lines, for tests that compare two ways of reading the same text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


def _lines() -> list[str]:
    texts: list[str] = []
    for path in sorted(DATA.glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line]
    for path in [DATA / "benign_buyer_messages.txt", *sorted((DATA / "hostile").glob("*.txt"))]:
        texts += [
            line
            for line in path.read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
    return list(dict.fromkeys(texts))


@pytest.fixture(scope="session")
def messages() -> list[str]:
    """Every corpus line, and each also in capitals and in title case (case is what varies)."""
    lines = _lines()
    return lines + [line.upper() for line in lines] + [line.title() for line in lines]
