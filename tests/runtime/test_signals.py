"""Questions, requests for a human, corrections and refusals."""

from __future__ import annotations

import pytest

from convodesk.runtime.understanding.signals import (
    is_correction,
    is_refusal,
    split_questions,
    wants_human,
)


@pytest.mark.parametrize(
    ("text", "questions"),
    [
        ("Spreadsheets. Do you support SSO?", ["Do you support SSO?"]),
        ("I'd like to know the price", ["I'd like to know the price"]),
        ("wondering if you integrate with SAP", ["wondering if you integrate with SAP"]),
        ("What we need is a better tool.", []),
        ("Could be next quarter.", []),
        ("Would love to see a demo", []),
    ],
)
def test_questions(text: str, questions: list[str]) -> None:
    assert split_questions(text)[0] == questions


@pytest.mark.parametrize(
    ("text", "human"),
    [
        ("can I speak with someone", True),
        ("real person please", True),
        ("call me back tomorrow", True),
        ("can someone contact me", True),
        ("I'm talking to my CFO", False),
        ("call me Jen", False),
        ("I don't want to talk to sales yet", False),
        ("no need to speak with a rep", False),
    ],
)
def test_human_requests(text: str, human: bool) -> None:
    assert wants_human(text) is human


@pytest.mark.parametrize(
    "text", ["sorry, I meant 50", "make that 70", "not 50 but 60", "scratch that", "wait, 60"]
)
def test_corrections(text: str) -> None:
    assert is_correction(text)


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("I'd rather not say", True),
        ("that's confidential", True),
        ("skip", True),
        ("I'll pass", True),
        ("none of your business", True),
        ("can't disclose", True),
        ("we use a private cloud", False),
        ("password reset emails are slow", False),
        ("we need to skip manual steps", False),
    ],
)
def test_refusals(text: str, refused: bool) -> None:
    assert is_refusal(text) is refused
