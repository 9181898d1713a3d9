"""Knowledge matches the question, not a word of it: "trial and error" asks about no trial,
"your mobile number" about no app; and "the price" asks what "your price" asks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convodesk.runtime import Engine, load_flow
from convodesk.runtime.knowledge import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")
KB = KnowledgeBase(FLOW)


@pytest.mark.parametrize(
    "question",
    [
        "Is trial and error really the only way to set this up?",
        "We learned by trial and error, is that normal?",
        "Can you call your mobile number instead?",
        "What's your mobile number?",
        "Should I give you my mobile phone number?",
        "Do you run clinical trials?",
    ],
)
def test_a_word_inside_an_idiom_matches_no_entry(question: str) -> None:
    assert KB.best(question) is None, question


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Is there a free trial?", "free_trial"),
        ("Can we do a trial first?", "free_trial"),
        ("Is there a mobile app?", "mobile"),
        ("Does it work on mobile?", "mobile"),
        ("what is the price?", "pricing"),
        ("What's the price?", "pricing"),
        ("What are your prices?", "pricing"),
        ("What's its price per user?", "pricing"),
    ],
)
def test_the_questions_around_them_still_match(question: str, entry: str) -> None:
    match = KB.best(question)
    assert match is not None and match.entry.id == entry, question


def test_the_bot_answers_the_price_and_admits_not_knowing_a_mobile_number() -> None:
    session = Engine(FLOW).start()
    turn = session.send("What is the price?")
    assert turn.messages[0].startswith("Relay has three plans")
    turn = session.send("Can you call your mobile number?")
    assert not any("iOS and Android" in m for m in turn.messages)


def test_out_of_scope_questions_still_get_no_answer() -> None:
    rows = (ROOT / "tests" / "data" / "clinc_oos_dev.jsonl").read_text().splitlines()
    answered = [q for q in (json.loads(r)["text"] for r in rows if r) if KB.best(q)]
    assert answered == []
