"""The cheap test before the "no budget" scan never skips a text the scan matches (see
understanding/keywords.py): over every corpus line, and over made-up phrases of its words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from convodesk.runtime.understanding.money import _NO_AMOUNT, no_amount

WORDS = [
    "no",
    "zero",
    "nil",
    "nothing",
    "not",
    "haven't",
    "hasn't",
    "have",
    "has",
    "been",
    "is",
    "yet",
    "set",
    "real",
    "formal",
    "dedicated",
    "allocated",
    "approved",
    "specific",
    "fixed",
    "budget",
    "budgeted",
    "funds",
    "funding",
    "money",
    "aside",
    "earmarked",
    "a",
    "any",
    "limit",
    "worries",
    "we",
    "our",
    "the",
    "for",
    "this",
]
TEXTS = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from([str.lower, str.upper, str.title])),
    max_size=8,
).map(lambda parts: " ".join(case(word) for word, case in parts))


def test_the_no_budget_prefilter_skips_no_corpus_line(messages: list[str]) -> None:
    skipped = 0
    for text in messages:
        if _NO_AMOUNT.regex.search(text):
            assert _NO_AMOUNT.needs(text), text  # type: ignore[misc]
        elif not _NO_AMOUNT.needs(text):  # type: ignore[misc]
            skipped += 1
    assert skipped  # and it does spare most lines the scan


@settings(max_examples=400, deadline=None, derandomize=True)
@given(TEXTS)
def test_the_no_budget_prefilter_skips_no_made_up_phrase(text: str) -> None:
    if _NO_AMOUNT.regex.search(text):
        assert _NO_AMOUNT.needs(text)  # type: ignore[misc]
        assert no_amount(text, asked=False) is not None
