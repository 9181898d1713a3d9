"""The judge: a verdict per rubric item; anything unclear is inconclusive, never a pass."""

from __future__ import annotations

import json

from convodesk.llm.judge import Judge, all_passed, render_transcript, tally

RUBRIC = [
    "The bot answered the SSO question before asking about company size.",
    "The bot asked who else is involved in the decision.",
    "The bot offered a meeting.",
]
TRANSCRIPT = [
    {"role": "bot", "text": "Hi, I'm Ava. What brings you here?"},
    {"role": "buyer", "text": "Do you support SSO?"},
    {"role": "bot", "text": "Yes: SAML 2.0. Roughly how many people work at Acme?"},
]


def reply(*verdicts: tuple[int, str, str]) -> str:
    return json.dumps(
        {"verdicts": [{"index": i, "verdict": v, "reason": r} for i, v, r in verdicts]}
    )


async def test_each_item_gets_a_verdict_and_inconclusive_is_not_a_pass(fake, client_for) -> None:
    fake.script = lambda request: reply(
        (1, "pass", "SSO answered in turn 2 before the size question"),
        (2, "fail", "the committee was never asked"),
        (3, "inconclusive", "the chat ends before any offer"),
    )
    verdicts = await Judge(client_for(fake)).judge(RUBRIC, TRANSCRIPT, conversation="p#0")
    assert [v.verdict for v in verdicts] == ["pass", "fail", "inconclusive"]
    assert verdicts[0].reason.startswith("SSO answered")
    assert tally(verdicts) == {"pass": 1, "fail": 1, "inconclusive": 1}
    assert not all_passed([verdicts[0], verdicts[2]])
    prompt = fake.requests[0]["messages"][1]["content"]
    assert "Buyer: Do you support SSO?" in prompt and "3. The bot offered a meeting." in prompt


async def test_skipped_items_are_inconclusive(fake, client_for) -> None:
    fake.script = lambda request: reply((1, "pass", "yes"), (1, "fail", "duplicate ignored"))
    verdicts = await Judge(client_for(fake)).judge(RUBRIC, TRANSCRIPT)
    assert [v.verdict for v in verdicts] == ["pass", "inconclusive", "inconclusive"]
    assert verdicts[1].reason == "the judge gave no verdict"


async def test_unusable_judge_output_makes_every_item_inconclusive(fake, client_for) -> None:
    fake.script = lambda request: '{"verdicts": [{"index": 1, "verdict": "probably"}]}'
    verdicts = await Judge(client_for(fake)).judge(RUBRIC, TRANSCRIPT)
    assert fake.calls == 2
    assert {v.verdict for v in verdicts} == {"inconclusive"}
    assert "no usable answer" in verdicts[0].reason and not all_passed(verdicts)


async def test_unreachable_judge_is_inconclusive(fake, client_for) -> None:
    fake.inject("429", "429")
    verdicts = await Judge(client_for(fake, retries=1)).judge(RUBRIC[:1], TRANSCRIPT)
    assert verdicts[0].verdict == "inconclusive"
    assert verdicts[0].reason == (
        "the judge gave no usable answer (gave up after 2 attempts (HTTP 429 rate limit): "
        "injected 429)"
    )


async def test_verdicts_are_cached(fake, client_for, tmp_path) -> None:
    fake.script = lambda request: reply((1, "pass", "a"), (2, "pass", "b"), (3, "pass", "c"))
    first = await Judge(client_for(fake, tmp_path)).judge(RUBRIC, TRANSCRIPT)
    second = await Judge(client_for(fake, tmp_path)).judge(RUBRIC, TRANSCRIPT)
    assert first == second and all_passed(second) and fake.calls == 1


def test_transcript_rendering_accepts_runtime_messages() -> None:
    from convodesk.runtime.state import Message

    lines = render_transcript([Message(role="bot", text="Hi"), Message(role="buyer", text="Yo")])
    assert lines == "Bot: Hi\nBuyer: Yo"
