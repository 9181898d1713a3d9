"""LLM understanding: declared slots only, typed values, one retry, then the rules."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from convodesk.llm.cache import CacheMode, ReplayMiss
from convodesk.llm.understanding import (
    FALLBACK_SOURCE,
    LLMUnderstander,
    PrecomputedUnderstander,
    reply_model,
)
from convodesk.runtime import Engine, load_flow

TODAY = date(2026, 3, 2)
GOOD = {
    "slots": {
        "company_size": 250,
        "timeline": "this_quarter",
        "email": "Jo@Acme-MFG.com",
        "committee": ["CFO", "IT lead"],
        "industry": "manufacturing",
    },
    "questions": ["Do you support SSO?"],
    "wants_human": False,
}


@pytest.fixture
def flow(example_flow_path):  # type: ignore[no-untyped-def]
    return load_flow(example_flow_path)


def scripted(*replies: Any):  # type: ignore[no-untyped-def]
    """Reply n is used for request n; dicts are sent as JSON, strings as they are."""
    queue = list(replies)

    def script(request: dict[str, Any]) -> str:
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        return reply if isinstance(reply, str) else json.dumps(reply)

    return script


def test_schema_lists_exactly_the_declared_slots_with_their_types(flow) -> None:
    schema = reply_model(flow).model_json_schema(by_alias=True)
    slots = schema["$defs"][f"{flow.flow}_slots"]
    assert list(slots["properties"]) == list(flow.slots)
    assert slots["additionalProperties"] is False
    size = slots["properties"]["company_size"]["anyOf"][0]
    assert size["type"] == "integer" and size["minimum"] == 1
    industry = slots["properties"]["industry"]["anyOf"][0]
    assert industry["enum"] == flow.slots["industry"].values
    assert "this_quarter" in slots["properties"]["timeline"]["anyOf"][0]["enum"]


async def test_valid_reply_fills_typed_declared_slots(fake, client_for, flow) -> None:
    fake.script = scripted(GOOD)
    llm = LLMUnderstander(client_for(fake))
    text = (
        "We're 250 people, need it this quarter; reach me at jo@acme-mfg.com. Do you support SSO?"
    )
    analysis = await llm.analyze_async(
        text, flow, ["company_size"], {}, TODAY, conversation="c", turn=1
    )
    values = {e.slot: e.value for e in analysis.extractions}
    assert values == {
        "company_size": 250,
        "timeline": "this_quarter",
        "email": "jo@acme-mfg.com",
        "committee": ["cfo", "it lead"],
        "industry": "manufacturing",
    }
    assert analysis.source == "llm" and analysis.questions == ["Do you support SSO?"]
    request = fake.requests[0]
    assert request["response_format"] == {"type": "json_object"} and request["temperature"] == 0
    assert "company_size" in request["messages"][0]["content"]


@pytest.mark.parametrize(
    "bad",
    [
        {"slots": {"favourite_colour": "blue"}},  # not a declared slot
        {"slots": {"company_size": "lots"}},  # wrong type
        {"slots": {"industry": "aerospace"}},  # not an enum value
        {"slots": {"email": "not-an-email"}},
        "Sure! The company has 250 people.",  # not JSON
    ],
)
async def test_invalid_reply_is_retried_once_with_the_error(fake, client_for, flow, bad) -> None:
    fake.script = scripted(bad, GOOD)
    llm = LLMUnderstander(client_for(fake))
    analysis = await llm.analyze_async("250 people", flow, ["company_size"], {}, TODAY)
    assert analysis.source == "llm" and analysis.value_of("company_size").value == 250
    assert fake.calls == 2
    feedback = fake.requests[1]["messages"][-1]["content"]
    assert feedback.startswith("That reply was invalid")


async def test_invalid_twice_falls_back_to_rules_and_says_so(fake, client_for, flow) -> None:
    fake.script = scripted("{not json", {"slots": {"budget_owner": "me"}})
    llm = LLMUnderstander(client_for(fake))
    analysis = await llm.analyze_async("500", flow, ["company_size"], {}, TODAY)
    rules = llm.rules.analyze("500", flow, ["company_size"], {}, TODAY)
    assert fake.calls == 2
    assert analysis.source == FALLBACK_SOURCE and "invalid output twice" in analysis.note
    assert [(e.slot, e.value) for e in analysis.extractions] == [
        (e.slot, e.value) for e in rules.extractions
    ]


async def test_unreachable_model_falls_back_to_rules(fake, client_for, flow) -> None:
    fake.inject("500", "500")
    llm = LLMUnderstander(client_for(fake, retries=1))
    analysis = await llm.analyze_async("500", flow, ["company_size"], {}, TODAY)
    assert analysis.source == FALLBACK_SOURCE and "call failed" in analysis.note
    assert "gave up after 2 attempts (HTTP 500): injected 500" in analysis.note
    assert (llm.stats.decided, llm.stats.fallbacks, llm.stats.untested) == (0, 1, True)


async def test_replay_miss_is_not_swallowed_by_the_fallback(
    fake, client_for, flow, tmp_path
) -> None:
    llm = LLMUnderstander(client_for(fake, tmp_path, CacheMode.REPLAY))
    with pytest.raises(ReplayMiss, match="conversation c9, turn 4"):
        await llm.analyze_async("500", flow, [], {}, TODAY, conversation="c9", turn=4)
    assert fake.calls == 0


async def test_precomputed_analysis_reaches_the_synchronous_session(fake, client_for, flow) -> None:
    fake.script = scripted({"slots": {"pain": "spreadsheets everywhere", "company_size": 250}})
    hook = PrecomputedUnderstander(LLMUnderstander(client_for(fake)))
    session = Engine(flow, understander=hook).start(reference_date=TODAY)
    turn = await hook.send(
        session, "Spreadsheets everywhere, and we are 250 people.", conversation="c"
    )
    assert session.slots["company_size"] == 250
    assert session.state.slots["company_size"].source == "llm"
    assert turn.asking == ["current_tool"]
    assert fake.requests[0]["messages"][-1]["content"].startswith("Spreadsheets everywhere")


async def test_unprepared_message_uses_rules_and_records_it(fake, client_for, flow) -> None:
    hook = PrecomputedUnderstander(LLMUnderstander(client_for(fake)))
    analysis = hook.analyze("hello", flow, [], {}, TODAY)
    assert analysis.source == FALLBACK_SOURCE and "no LLM analysis" in analysis.note
    assert fake.calls == 0
