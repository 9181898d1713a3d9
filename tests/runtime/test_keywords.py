"""The cheap tests that let a costly scan be skipped must never skip a text the scan matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convodesk.runtime import load_flow
from convodesk.runtime.understanding import RuleUnderstander, timeline
from convodesk.runtime.understanding.anycase import AnyCase
from convodesk.runtime.understanding.choices import PhraseTable
from convodesk.runtime.understanding.contact import find_emails, find_phones
from convodesk.runtime.understanding.keywords import Keywords, has_digit
from convodesk.runtime.understanding.money import _POSTFIX, _PREFIX, _WORDY
from convodesk.runtime.understanding.numbers import _DIGITS
from convodesk.runtime.understanding.rules import _cue_regex

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_flow(ROOT / "flows" / "saas_inbound.yaml")


def _guarded() -> dict[str, AnyCase]:
    understander = RuleUnderstander()
    found = {"money._WORDY": _WORDY, "money._PREFIX": _PREFIX, "money._POSTFIX": _POSTFIX}
    found["numbers._DIGITS"] = _DIGITS
    for name, slot in FLOW.slots.items():
        if slot.type == "enum":
            found[f"table:{name}"] = understander._table(slot).regex  # type: ignore[assignment]
        cues = _cue_regex(tuple(slot.cues))
        if cues is not None:
            found[f"cues:{name}"] = cues
        if slot.synonyms and slot.type == "timeline":
            table = PhraseTable(slot.synonyms)
            found[f"synonyms:{name}"] = table.regex  # type: ignore[assignment]
    assert all(regex.needs is not None for regex in found.values())
    return found


GUARDED = _guarded()


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_a_text_the_regex_matches_is_never_skipped(name: str, messages: list[str]) -> None:
    regex = GUARDED[name]
    skipped = 0
    for text in messages:
        if regex.regex.search(text):  # the case-insensitive regex, without its cheap test
            assert regex.needs(text), text  # type: ignore[misc]
        elif not regex.needs(text):  # type: ignore[misc]
            skipped += 1
    assert skipped  # and the cheap test does spare some texts the scan


PHRASE_WORDS = st.sampled_from(
    sorted({w for slot in FLOW.slots.values() for w in " ".join(slot.cues).split()})
    + sorted({w for v in FLOW.slots["industry"].synonyms.values() for p in v for w in p.split()})
    + ["US", "U.S.", "usa", "UK", "dollars", "5", "hundred", "thousand", "euros", "$", "k"]
)
TEXTS = st.lists(
    st.tuples(
        PHRASE_WORDS,
        st.sampled_from([str.lower, str.upper, str.title, str]),
        st.sampled_from(" _-"),
    )
).map(lambda parts: "".join(case(w) + gap for w, case, gap in parts))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(TEXTS)
def test_made_up_phrases_are_never_skipped(text: str) -> None:
    for name, regex in GUARDED.items():
        if regex.regex.search(text):
            assert regex.needs(text), name  # type: ignore[misc]


def test_keywords_pick_one_word_a_phrase_cannot_do_without() -> None:
    words = Keywords(["head of", "my cv", "director", "direct sales", "US"], cased=str.isupper)
    assert words.exact == ("US",)
    assert words.lower == ("cv", "head", "direct")  # "director" holds "direct": one test for both
    assert words.may_match("I am the DIRECTOR")
    assert words.may_match("based in the US")
    assert not words.may_match("us and our team")  # "US" in capitals only


def test_keywords_test_nothing_they_cannot_test() -> None:
    assert not Keywords(["", "ok"]).usable  # a blank phrase matches anywhere
    assert not Keywords(["straße"]).usable  # beyond ASCII, ignoring case is more than lowercasing
    assert Keywords(["student"]).may_match("I'm a ſtudent")  # text beyond ASCII is always scanned
    assert not Keywords(["student"]).may_match("I'm a buyer")


def test_digits_are_required_only_where_patterns_need_one() -> None:
    assert has_digit("about 500") and has_digit("٣ people")  # any decimal digit, as \d
    assert not has_digit("five hundred people")
    assert find_phones("call me on the main line") == []
    assert [p.value for p in find_phones("call me on +1 415 555 0100")] == ["+1 415 555 0100"]
    assert find_emails("jen at acme dot com") == []
    assert [e.value for e in find_emails("jen@Acme.com")] == ["jen@acme.com"]


def test_one_scan_looks_for_every_timeline_phrase() -> None:
    """`_builtin` first asks whether any of its phrases occurs; a phrase it looks for that the
    one scan did not include would never be found."""
    used = {
        name
        for name in timeline._builtin.__code__.co_names
        if isinstance(getattr(timeline, name, None), AnyCase | re.Pattern)
    }
    context = {"_DEADLINE_BEFORE", "_QUARTER_BEFORE"}  # read only around a phrase already found
    prechecked = {"_ANY_PHRASE", "_BARE_MONTH"}  # the scan itself, and its own test
    for name in sorted(used - context - prechecked):
        assert f"(?:{getattr(timeline, name).pattern})" in timeline._ANY_PHRASE.pattern, name
