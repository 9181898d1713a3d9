"""A tiny flow and a transparent understander, so simulator tests do not depend on the rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from convodesk.runtime.loader import parse_flow
from convodesk.runtime.model import Flow
from convodesk.runtime.understanding import Analysis, Extraction
from convodesk.sim.persona import Persona

TINY_FLOW = """\
flow: tiny
version: 1
bot:
  name: Ava
  disclosure: "Hi, I'm Ava, an AI assistant. This chat is recorded."
  dont_know: "I don't know that one."
slots:
  size: {type: integer, ask: "How many people work there?"}
  tool: {type: text, ask: "What do you use today?"}
  budget: {type: money, ask: "Any budget?"}
  team: {type: list, ask: "Who else decides?"}
  email: {type: email, ask: "Your email?"}
  visitor: {type: enum, values: [student]}
knowledge:
  - {id: sso, patterns: ["sso"], answer: "Yes, we support SSO."}
disqualify:
  - {when: "visitor == 'student'", reason: student, say: "Good luck with your studies!", owner: marketing}
scoring:
  fit:
    - {when: "size >= 100", add: 70}
  intent:
    - {when: "tool is set", add: 50}
  capacity:
    - {when: "team is set", add: 50}
routes:
  - {when: "fit >= 60", route: warm, action: book_meeting, owner: ae}
  - {route: nurture, action: add_to_nurture, owner: marketing}
steps:
  - {id: hello, say: "{bot.disclosure} What brings you here?"}
  - {id: size, ask: size}
  - {id: tool, ask: tool}
  - {id: budget, ask: budget}
  - {id: team, ask: team}
  - {id: route, route: true}
  - {id: contact, ask: email}
  - {id: bye, end: true, say: "Bye!"}
"""

_NUMBER = re.compile(r"\d[\d,]*")


class PlainUnderstander:
    """Literal rules: '?' sentences are questions, numbers fill integers, 'actually' corrects,
    "my <slot> is <text>" volunteers a text slot."""

    def analyze(
        self,
        text: str,
        flow: Flow,
        expecting: list[str],
        filled: Mapping[str, Any],
        reference_date: date,
    ) -> Analysis:
        analysis = Analysis(text=text)
        sentences = re.findall(r"[^.?!]+[.?!]?", text)
        analysis.questions = [s.strip() for s in sentences if s.strip().endswith("?")]
        rest = " ".join(s.strip() for s in sentences if not s.strip().endswith("?")).strip()
        lowered = rest.lower()
        if "student" in lowered and "visitor" in flow.slots:
            analysis.extractions.append(Extraction("visitor", "student", rest))
        if "rather not" in lowered or "prefer not" in lowered or "not sharing" in lowered:
            analysis.declined = list(expecting)
            return analysis
        for said in re.finditer(r"\bmy (\w+) is ([^.?!]+)", rest, re.I):
            name = said.group(1).lower()  # "My tool is X." volunteers a text slot
            if name in flow.slots and name not in expecting and flow.slots[name].type == "text":
                analysis.extractions.append(Extraction(name, said.group(2).strip(), said.group()))
        number = _NUMBER.search(rest)
        if "actually" in lowered and number:
            for name, slot in flow.slots.items():
                if slot.type == "integer" and name in filled:
                    value = int(number.group().replace(",", ""))
                    analysis.extractions.append(Extraction(name, value, rest, correction=True))
            return analysis
        for name in expecting:
            slot = flow.slots[name]
            if slot.type in ("integer", "money"):
                if number:
                    analysis.extractions.append(
                        Extraction(name, int(number.group().replace(",", "")), rest)
                    )
            elif slot.type == "list" and rest:
                items = [i.strip(" .") for i in re.split(r",| and ", rest) if i.strip(" .")]
                analysis.extractions.append(Extraction(name, items, rest))
            elif slot.type == "email":
                found = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
                if found:  # a correction in the same message means the last address
                    value = found[-1 if "actually" in lowered else 0].rstrip(".")
                    analysis.extractions.append(Extraction(name, value, rest))
            elif rest and not any(
                w in lowered
                for w in ("not sure", "no idea", "don't know", "hard to say", "depends")
            ):
                analysis.extractions.append(Extraction(name, rest, rest))
        return analysis


@pytest.fixture
def tiny_flow() -> Flow:
    loaded = parse_flow(TINY_FLOW, "tiny.yaml")
    assert loaded.flow is not None, loaded.problems
    return loaded.flow


def make_persona(**data: Any) -> Persona:
    base: dict[str, Any] = {
        "persona": "buyer",
        "profile": {"email": "a@big.example", "company_size": 500},
        "facts": {"tool": "spreadsheets", "team": ["CFO", "IT lead"], "budget": 20000},
        "behavior": {"verbosity": "terse"},
        "expect": {"route": "warm", "slots": {"size": 500}, "max_turns": 8},
    }
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    if "company_size" in base["profile"]:
        base["facts"] = {"size": base["profile"].pop("company_size"), **base["facts"]}
    return Persona.model_validate(base)


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    return _write
