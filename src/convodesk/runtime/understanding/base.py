"""What understanding a buyer message produces, and the seam for plugging in another understander."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from ..model import Flow


@dataclass
class Extraction:
    """One slot value found in a message."""

    slot: str
    value: Any
    raw: str = ""
    correction: bool = False
    confidence: float = 1.0
    # Where in the statements the value came from, so a text answer can leave those words out.
    spans: list[tuple[int, int]] = field(default_factory=list, repr=False, compare=False)


@dataclass
class Analysis:
    """Everything the engine needs to know about one buyer message."""

    text: str
    extractions: list[Extraction] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    wants_human: bool = False
    declined: list[str] = field(default_factory=list)
    correction: bool = False
    flags: list[str] = field(default_factory=list)
    source: str = "rules"
    note: str = ""

    def value_of(self, slot: str) -> Extraction | None:
        for extraction in self.extractions:
            if extraction.slot == slot:
                return extraction
        return None


class Understander(Protocol):
    """Turns a buyer message into slot values and signals.

    `expecting` lists the slots the bot just asked for: a bare answer ("500", "next month",
    "Salesforce") fills those; every other slot is filled only when the message says so
    unambiguously (a cue word, an email address, an enum synonym).
    """

    def analyze(
        self,
        text: str,
        flow: Flow,
        expecting: list[str],
        filled: Mapping[str, Any],
        reference_date: date,
    ) -> Analysis: ...
