"""The run's shared rule reader gives exactly what `RuleUnderstander` gives, memo or not."""

from __future__ import annotations

from pathlib import Path

from convodesk.llm.memo import MemoRules
from convodesk.runtime import load_flow
from convodesk.runtime.understanding import RuleUnderstander
from convodesk.sim.persona import load_personas
from convodesk.sim.runner import REFERENCE_DATE, run_suite_sync

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")


def test_memo_readings_equal_fresh_rule_readings_whatever_is_already_filled() -> None:
    rules, memo = RuleUnderstander(), MemoRules(RuleUnderstander(), size=8)
    result = run_suite_sync(FLOW, load_personas(ROOT / "personas", FLOW))
    corrections = compared = 0
    for c in result.conversations:
        final = c.state.values()
        wrong = {name: "not this" for name in final}
        asking: list[str] = []
        for m in c.state.transcript:
            if m.role == "bot":
                asking = list(m.asking) or asking
                continue
            for filled in ({}, final, wrong, {}):  # the last one is served from the memo
                fresh = rules.analyze(m.text, FLOW, asking, filled, REFERENCE_DATE)
                remembered = memo.analyze(m.text, FLOW, asking, filled, REFERENCE_DATE)
                assert remembered == fresh, m.text
                assert remembered.extractions is not fresh.extractions
                corrections += sum(e.correction for e in remembered.extractions)
                compared += 1
            asking = []
    assert compared > 200 and corrections > 0 and len(memo._memo) == 8
