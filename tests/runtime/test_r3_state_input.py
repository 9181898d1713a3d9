"""What callers hand the engine: reference dates are days, texts are encodable."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from convodesk.runtime import Engine, StateError, load_flow
from convodesk.runtime.state import encodable

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows" / "saas_inbound.yaml")


@pytest.mark.parametrize(
    "bad",
    ["15/01/2026", "garbage", "2026-02-30", "20260115", "2026-W03-4", " 2026-01-15", 20260115],
)
def test_start_refuses_a_reference_date_that_is_not_a_day(bad: object) -> None:
    with pytest.raises(ValueError, match=r"reference_date must be a date or 'YYYY-MM-DD'"):
        Engine(FLOW).start(reference_date=bad)  # type: ignore[arg-type]


def test_start_takes_a_date_a_datetime_or_an_iso_day() -> None:
    engine = Engine(FLOW)
    assert engine.start(reference_date="2026-01-15").state.reference_date == "2026-01-15"
    assert engine.start(reference_date=date(2026, 1, 15)).state.reference_date == "2026-01-15"
    moment = datetime(2026, 1, 15, 23, 30)
    assert engine.start(reference_date=moment).state.reference_date == "2026-01-15"


def test_resume_refuses_a_saved_state_with_a_bad_reference_date() -> None:
    engine = Engine(FLOW)
    saved = json.loads(engine.dump(engine.start(reference_date="2026-01-15")))
    saved["reference_date"] = "garbage"
    with pytest.raises(StateError, match=r"reference_date.*'garbage'"):
        engine.resume(json.dumps(saved))
    with pytest.raises(StateError, match="reference_date"):
        engine.resume(saved)


def test_resume_refuses_a_state_object_edited_in_memory() -> None:
    engine = Engine(FLOW)
    session = engine.start(reference_date="2026-01-15")
    session.state.reference_date = "15/01/2026"
    with pytest.raises(StateError, match="reference_date '15/01/2026'"):
        engine.resume(session.state)


def test_a_lone_surrogate_from_the_buyer_is_replaced_and_the_state_dumps() -> None:
    engine = Engine(FLOW)
    session = engine.start(reference_date="2026-01-15")
    session.send("we are about 450 people \ud800 in ops")
    saved = engine.dump(session)
    buyer = [m for m in session.state.transcript if m.role == "buyer"]
    assert buyer[-1].text == "we are about 450 people \ufffd in ops"
    assert engine.resume(saved).slots == session.slots
    stored = [m["text"] for m in json.loads(saved)["transcript"] if m["role"] == "buyer"]
    assert stored == [buyer[-1].text]


def test_a_lone_surrogate_in_context_is_replaced_everywhere_it_is_kept() -> None:
    engine = Engine(FLOW)
    context = {"page": "/pricing\udc00", "utm\ud800": ["a\ud800", {"k": "v\udfff"}]}
    session = engine.start(context=context, reference_date="2026-01-15")
    assert session.state.context == {
        "page": "/pricing\ufffd",
        "utm\ufffd": ["a\ufffd", {"k": "v\ufffd"}],
    }
    session.close()
    assert session.outcome is not None
    session.outcome.model_dump_json()  # the CRM payload serialises too
    engine.dump(session)


def test_encodable_keeps_everything_that_is_not_a_lone_surrogate() -> None:
    text = "Zoë 🚀 日本 \u200b tab\there"
    assert encodable(text) is text
    assert encodable("\ud83d\ude80") == "🚀"  # a pair written as two code points is joined
    assert encodable("a\ud83db") == "a\ufffdb"
