"""Real buyers are not attackers: their words are never flagged, and their facts still count.

`tests/data/benign_buyer_messages.txt` holds B2B buyer lines written to look like what the guard
hunts for (dashes, quotes, "customer list", "ignore the last part", "select", "drop-down",
"new rule", "you're now"); the public corpora add real questions from other domains.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from convodesk.runtime import load_flow
from convodesk.runtime.understanding import RuleUnderstander
from convodesk.runtime.understanding.guard import screen

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")
REF = date(2026, 1, 15)
HOSTILE = {"prompt_injection", "code_injection", "data_request"}


def _value(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("[") and raw.endswith("]"):
        return [item.strip() for item in raw[1:-1].split(",") if item.strip()]
    return int(raw) if raw.isdigit() else raw


def benign() -> list[tuple[str, str, dict[str, Any], list[str]]]:
    """(expecting, message, facts that must be found, slots that must stay empty)."""
    out = []
    for line in (DATA / "benign_buyer_messages.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        expecting, message, facts = (part.strip() for part in line.split("|"))
        found: dict[str, Any] = {}
        absent: list[str] = []
        for fact in filter(None, (f.strip() for f in facts.split("; "))):
            if fact.startswith("!"):
                absent.append(fact[1:])
            else:
                slot, _, value = fact.partition("=")
                found[slot] = _value(value)
        out.append((expecting, message, found, absent))
    return out


BENIGN = benign()


def test_the_corpus_is_big_enough() -> None:
    assert len(BENIGN) >= 60
    assert sum(1 for _, _, facts, absent in BENIGN if facts or absent) >= 30


@pytest.mark.parametrize(
    ("expecting", "message", "facts", "absent"), BENIGN, ids=range(len(BENIGN))
)
def test_benign_buyer_lines_are_not_flagged_and_keep_their_facts(
    expecting: str, message: str, facts: dict[str, Any], absent: list[str]
) -> None:
    analysis = RuleUnderstander().analyze(
        message, FLOW, [] if expecting == "-" else [expecting], {}, REF
    )
    assert analysis.flags == [], message
    values = {e.slot: e.value for e in analysis.extractions}
    for slot, value in facts.items():
        assert values.get(slot) == value, (slot, values)
    for slot in absent:
        assert slot not in values, (slot, values)


@pytest.mark.parametrize("name", ["clinc_oos_dev.jsonl", "banking77_support_dev.jsonl"])
def test_public_corpora_are_not_flagged_as_attacks(name: str) -> None:
    rows = [json.loads(line)["text"] for line in (DATA / name).read_text().splitlines() if line]
    flagged = [(text, screen(text).flags) for text in rows if HOSTILE & set(screen(text).flags)]
    assert len(rows) >= 200 and flagged == []
