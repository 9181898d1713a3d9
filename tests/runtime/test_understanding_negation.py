"""A phrase the buyer denies names nothing: "I'm not a student" is no student."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from convodesk.runtime import load_flow
from convodesk.runtime.understanding import RuleUnderstander
from convodesk.runtime.understanding.choices import PhraseTable, denied, enum_table

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows" / "saas_inbound.yaml")
REF = date(2026, 1, 15)


def extract(text: str, expecting: list[str] | None = None) -> dict[str, Any]:
    analysis = RuleUnderstander().analyze(text, FLOW, expecting or ["pain"], {}, REF)
    return {e.slot: e.value for e in analysis.extractions}


@pytest.mark.parametrize(
    "text",
    [
        "I'm not a student, I run operations at a 400-person factory",
        "We're not an existing customer yet",
        "I used to be a student",
        "We are no longer a current customer of yours, we left in 2022",
        "I was never a student here, I'm the plant manager",
        "We aren't an existing customer, just evaluating",
        "I'm not looking for a job, I'm buying software",
        "We don't work for a competitor",
    ],
)
def test_denied_visitor_phrases_do_not_disqualify(text: str) -> None:
    assert "visitor" not in extract(text)


@pytest.mark.parametrize(
    ("text", "visitor"),
    [
        ("I'm a student working on a class project", "student"),
        ("Not sure this is the right place, I'm a student", "student"),  # denial in another clause
        ("We're an existing customer and we can't log in", "support"),
        ("Hi! I'm looking for a job in operations", "job_seeker"),
        ("I'm not just a student, I'm writing my thesis on ops tools", "student"),
    ],
)
def test_undenied_visitor_phrases_still_count(text: str, visitor: str) -> None:
    assert extract(text).get("visitor") == visitor


def test_the_400_person_factory_still_counts_when_student_is_denied() -> None:
    found = extract("I'm not a student, I run operations at a 400-person factory")
    assert found["company_size"] == 400 and found["industry"] == "manufacturing"


def test_a_denied_region_leaves_the_one_that_is_stated() -> None:
    assert extract("We're not in Germany, we're based in Texas")["region"] == "north_america"


def test_a_denied_synonym_falls_back_to_the_builtin_meaning() -> None:
    """The flow says "urgent" means this quarter; "not urgent" means no timeline."""
    assert extract("Honestly it's not urgent", ["timeline"])["timeline"] == "none"
    assert extract("It's urgent", ["timeline"])["timeline"] == "this_quarter"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm not a student", True),
        ("I used to be a student", True),
        ("it isn't a student", True),
        ("we are no longer a student", True),
        ("not sure, I'm a student", False),
        ("not only a student", False),
        ("I'm a student", False),
        ("no, but I am not, a student", False),
        ("I'm not saying much about it at all, a student", False),
    ],
)
def test_denied_looks_back_within_the_clause(text: str, expected: bool) -> None:
    assert denied(text, text.rindex("student")) is expected


def test_phrase_table_drops_denied_hits_and_keeps_spans() -> None:
    table = PhraseTable(enum_table(["student", "support"], {"support": ["existing customer"]}))
    text = "not an existing customer, a student"
    assert table.find(text) == ("student", [(text.index("student"), len(text))])
    assert table.find("we are not an existing customer") is None
