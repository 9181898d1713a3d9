"""The rule understander with a short memory, shared by the bot and the fact checker.

In a suite with LLM personas every buyer message is read twice by the same rules: once by
the fact checker (did the persona tell the truth?) and once by the bot (rule understanding).
Both readings are the same except for the correction flags, which depend only on the values
already filled, so the reading is remembered without them and the flags are set per call,
exactly as `RuleUnderstander.analyze` sets them. That halves the rule work of an LLM-persona
run, which is most of a cached replay's CPU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from convodesk.runtime.model import Flow
from convodesk.runtime.understanding import Analysis, RuleUnderstander, Understander

Key = tuple[str, int, tuple[str, ...], date]


class MemoRules:
    """An `Understander` returning what `RuleUnderstander` would, remembering recent readings."""

    def __init__(self, rules: Understander | None = None, size: int = 1024) -> None:
        self.rules = rules or RuleUnderstander()
        self.size = size
        self._memo: OrderedDict[Key, tuple[Flow, Analysis]] = OrderedDict()
        self._lock = threading.Lock()

    def analyze(
        self,
        text: str,
        flow: Flow,
        expecting: list[str],
        filled: Mapping[str, Any],
        reference_date: date,
    ) -> Analysis:
        key = (text, id(flow), tuple(expecting), reference_date)
        with self._lock:
            entry = self._memo.get(key)
            if entry is not None and entry[0] is flow:
                self._memo.move_to_end(key)
        if entry is None or entry[0] is not flow:
            base = self.rules.analyze(text, flow, expecting, {}, reference_date)
            with self._lock:
                self._memo[key] = (flow, base)
                while len(self._memo) > self.size:
                    self._memo.popitem(last=False)
        else:
            base = entry[1]
        return _with_corrections(base, filled)


def _with_corrections(base: Analysis, filled: Mapping[str, Any]) -> Analysis:
    """A fresh copy (callers may change it), with the flags `RuleUnderstander` would set."""
    extractions = []
    for e in base.extractions:
        previous = filled.get(e.slot)
        fixes = base.correction and previous is not None and previous != e.value
        extractions.append(replace(e, correction=fixes, spans=list(e.spans)))
    return replace(
        base,
        extractions=extractions,
        questions=list(base.questions),
        declined=list(base.declined),
        flags=list(base.flags),
    )
