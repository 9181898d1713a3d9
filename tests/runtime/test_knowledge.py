"""The bot answers only from approved knowledge, and says so when it does not know."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convodesk.runtime import load_flow
from convodesk.runtime.knowledge import KnowledgeBase, pattern_confidence, split_question, tokens

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def kb(example_flow_path_module: Path) -> KnowledgeBase:
    return KnowledgeBase(load_flow(example_flow_path_module))


@pytest.fixture(scope="module")
def example_flow_path_module() -> Path:
    return Path(__file__).resolve().parents[2] / "flows" / "saas_inbound.yaml"


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Do you support SSO?", "sso"),
        ("does relay work with okta", "sso"),
        ("How much does it cost?", "pricing"),
        ("What are your prices?", "pricing"),
        ("Is there a free trial?", "free_trial"),
        ("Does it integrate with Salesforce?", "crm_integrations"),
        ("Can it talk to our SAP system?", "erp_integrations"),
        ("Do you have an API?", "api"),
        ("Are you SOC 2 certified?", "security"),
        ("Where is our data stored?", "gdpr"),
        ("How long does implementation take?", "onboarding"),
        ("Can we import our spreadsheets?", "spreadsheet_import"),
        ("What are your support hours?", "support_hours"),
        ("Can we self-host it?", "on_prem"),
        ("Is there a mobile app for the shop floor?", "mobile"),
    ],
)
def test_product_questions_are_answered(kb: KnowledgeBase, question: str, entry: str) -> None:
    match = kb.best(question)
    assert match is not None and match.entry.id == entry


@pytest.mark.parametrize(
    "question",
    [
        "Do you do custom AI forecasting?",
        "Can I pay in bitcoin?",
        "What's the weather like in Berlin?",
        "Who founded the company?",
        "how does it work",
    ],
)
def test_unknown_questions_are_not_answered(kb: KnowledgeBase, question: str) -> None:
    assert kb.best(question) is None


def test_clinc_out_of_scope_questions_get_no_answer(kb: KnowledgeBase) -> None:
    """CLINC150's out-of-scope queries (CC BY 3.0): real phrasing the knowledge base must not answer."""
    rows = [
        json.loads(line)["text"] for line in (DATA / "clinc_oos_dev.jsonl").read_text().splitlines()
    ]
    answered = [(text, kb.best(text).entry.id) for text in rows if kb.best(text) is not None]  # type: ignore[union-attr]
    assert len(rows) == 200
    assert answered == []


def test_confidence_levels() -> None:
    assert (
        pattern_confidence(tokens("do you support single sign-on?"), tokens("single sign-on"))
        == 1.0
    )
    assert (
        pattern_confidence(
            tokens("what does the onboarding look like, how long"), tokens("how long onboarding")
        )
        == 0.85
    )
    assert pattern_confidence(tokens("waiting over an hour"), tokens("support hours")) == 0.0
    partial = pattern_confidence(tokens("data migration"), tokens("data residency migration"))
    assert 0 < partial < 0.6
    assert pattern_confidence((), tokens("x y")) == 0.0


def test_threshold_per_entry(tmp_path: Path) -> None:
    flow_file = tmp_path / "f.yaml"
    flow_file.write_text(
        "flow: t\nknowledge:\n"
        '  - {id: strict, patterns: ["data residency migration"], answer: A, min_confidence: 0.9}\n'
        '  - {id: loose, patterns: ["sla uptime credits"], answer: B, min_confidence: 0.4}\n'
        "steps:\n  - {id: e, end: true}\n"
    )
    kb = KnowledgeBase(load_flow(flow_file))
    assert kb.best("tell me about data migration") is None
    match = kb.best("what about uptime credits?")
    assert match is not None and match.entry.id == "loose"


# -- compound questions: every entry asked about, each once, nothing dropped ----------------


@pytest.mark.parametrize(
    ("question", "entries"),
    [
        ("Is it GDPR compliant and do you have an API?", ["gdpr", "api"]),
        ("Do you have an API, and is it GDPR compliant?", ["api", "gdpr"]),
        ("Hi, do you support SSO and is there a free trial?", ["sso", "free_trial"]),
        ("Do you integrate with Salesforce or SAP?", ["crm_integrations", "erp_integrations"]),
        ("Do you support SSO via Okta or SAML?", ["sso"]),  # one entry, answered once
    ],
)
def test_every_entry_a_question_matches_in_order(
    kb: KnowledgeBase, question: str, entries: list[str]
) -> None:
    reply = kb.reply(question)
    assert [m.entry.id for m in reply.matches] == entries
    assert reply.unanswered == ()


def test_unanswered_part_of_a_compound_question_is_kept(kb: KnowledgeBase) -> None:
    reply = kb.reply("Is it GDPR compliant, and can I pay in bitcoin?")
    assert [m.entry.id for m in reply.matches] == ["gdpr"]
    assert reply.unanswered == ("can I pay in bitcoin?",)
    reply = kb.reply("Can we pay by wire transfer and is there an API?")
    assert [m.entry.id for m in reply.matches] == ["api"]
    assert reply.unanswered == ("Can we pay by wire transfer?",)


@pytest.mark.parametrize(
    "question",
    [
        "We use Excel and do you integrate with it?",  # the statement part is not a question
        "Can I pay in bitcoin?",
    ],
)
def test_a_question_nothing_answers_is_unanswered_whole(kb: KnowledgeBase, question: str) -> None:
    reply = kb.reply(question)
    assert reply.matches == () and reply.unanswered == (question,)


def test_split_only_where_a_new_question_starts() -> None:
    def parts(text: str) -> list[str]:
        return [text[a:b] for a, b in split_question(text)]

    assert parts("Is it GDPR compliant and do you have an API?") == [
        "Is it GDPR compliant",
        "do you have an API?",
    ]
    assert parts("Do you integrate with Salesforce and HubSpot?") == [
        "Do you integrate with Salesforce and HubSpot?"
    ]
    assert parts("What do you charge and how?") == ["What do you charge and how?"]
    assert parts("Is SSO included; what about the API?") == [
        "Is SSO included",
        "what about the API?",
    ]


def test_clinc_out_of_scope_questions_match_no_entry_at_all(kb: KnowledgeBase) -> None:
    rows = [
        json.loads(line)["text"] for line in (DATA / "clinc_oos_dev.jsonl").read_text().splitlines()
    ]
    assert [text for text in rows if kb.matches(text)] == []
