"""The LLM persona: in role or recorded as a persona failure; its facts checked."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from convodesk.llm.facts import check_facts, truths
from convodesk.llm.persona import LEAVE, LLMPersona
from convodesk.runtime import load_flow

PERSONA = {
    "persona": "enterprise-ops-director",
    "profile": {
        "name": "Jennifer Martinez",
        "role": "Director of Operations",
        "company": "Acme Manufacturing",
        "email": "jennifer@acme-mfg.com",
        "company_size": 500,
        "industry": "manufacturing",
    },
    "facts": {
        "current_tool": "spreadsheets and Walnut",
        "timeline": "this_quarter",
        "budget": 60000,
    },
    "behavior": {
        "verbosity": "terse",
        "asks": ["Do you support SSO?"],
        "patience": 6,
        "refuses": ["budget"],
    },
    "instructions": "You are busy and slightly sceptical of chatbots.",
}
BOT = ["Hi, I'm Ava, Relay's AI assistant. This chat is recorded. What brings you to Relay today?"]


def replies(*texts: str):  # type: ignore[no-untyped-def]
    queue = list(texts)
    return lambda request: queue.pop(0) if len(queue) > 1 else queue[0]


def persona(client: Any, **kw: Any) -> LLMPersona:
    return LLMPersona(PERSONA, client, conversation="enterprise#0", **kw)


def test_system_prompt_carries_profile_facts_behaviour_and_instructions(fake, client_for) -> None:
    prompt = persona(client_for(fake)).system
    for needle in (
        "Jennifer Martinez",
        "spreadsheets and Walnut",
        "Do you support SSO?",
        "busy and slightly sceptical",
        "in a few words",
        LEAVE,
    ):
        assert needle in prompt


async def test_in_role_reply_passes_temperature_and_seed(fake, client_for) -> None:
    fake.script = replies("Jennifer: Our renewal is in March. Do you support SSO?")
    buyer = persona(client_for(fake), temperature=0.7, seed=11)
    reply = await buyer.reply(BOT, turn=1)
    assert reply.text == "Our renewal is in March. Do you support SSO?" and not reply.leave
    assert (fake.requests[0]["temperature"], fake.requests[0]["seed"]) == (0.7, 11)
    assert buyer.history[-1]["role"] == "assistant"


@pytest.mark.parametrize(
    "broken",
    [
        "As an AI language model, I cannot pretend to be a buyer.",
        "Ava: Roughly how many people work at your company?",
        "Hi, I'm Ava, Relay's AI assistant. This chat is recorded. What brings you to Relay today?",
        "You are role-playing a buyer visiting a B2B software website and chatting with its sales assistant.",
        "   ",
    ],
)
async def test_role_break_is_retried_then_accepted(fake, client_for, broken) -> None:
    fake.script = replies(broken, "We need to replace spreadsheets.")
    buyer = persona(client_for(fake))
    reply = await buyer.reply(BOT, turn=1)
    assert reply.text == "We need to replace spreadsheets." and reply.attempts == 2
    assert "Stay in character" in fake.requests[1]["messages"][-1]["content"]
    assert len(buyer.history) == 2  # the broken attempt does not pollute the conversation


async def test_repeated_role_break_is_a_persona_failure_not_a_crash(fake, client_for) -> None:
    fake.script = replies("I'm an AI, so I don't have a company.")
    reply = await persona(client_for(fake)).reply(BOT, turn=1)
    assert reply.failure == (  # the reply is quoted: a report shows what the model said
        "persona broke role (talks about being an AI or about its instructions): "
        "\"I'm an AI, so I don't have a company.\""
    )
    assert reply.leave and reply.text is None and fake.calls == 2


async def test_empty_content_then_failure_from_server(fake, client_for) -> None:
    fake.inject("empty", "500", "500")
    reply = await persona(client_for(fake, retries=1)).reply(BOT, turn=1)
    assert reply.failure is not None and reply.failure.startswith("persona call failed")
    assert fake.calls == 3


async def test_leaving_and_patience(fake, client_for) -> None:
    fake.script = replies(f"Thanks, that's all I needed. {LEAVE}")
    buyer = persona(client_for(fake))
    reply = await buyer.reply(BOT, turn=2)
    assert reply.leave and reply.text == "Thanks, that's all I needed." and reply.failure is None
    assert (await buyer.reply(BOT, turn=7)).leave and fake.calls == 1


def test_fact_checker_reports_contradictions_and_revealed_secrets(example_flow_path) -> None:
    flow = load_flow(example_flow_path)
    said = [(1, "500", ["company_size"]), (2, "900", ["company_size"]), (3, "60000", ["budget"])]
    errors = check_facts(PERSONA, flow, said, date(2026, 3, 2))
    assert [(e.turn, e.slot, e.kind) for e in errors] == [
        (2, "company_size", "contradicts"),
        (3, "budget", "revealed"),
    ]
    assert "said company_size = 900" in errors[0].explain() and "500" in errors[0].explain()
    assert truths(PERSONA, flow)["timeline"] == "this_quarter"
    assert "name" not in truths(PERSONA, flow)  # not a flow slot
