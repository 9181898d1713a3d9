"""Scripted "models" for the loopback server: a truthful buyer that plays whichever persona the
system prompt describes, and helpers that tell persona, understanding and judge requests apart.

The truthful buyer answers each of the example flow's questions from the persona's own facts,
in plain words ("About 1200 people.", "We're a manufacturer with four plants."), so a suite
played by it must show no persona errors: any it shows is the fact checker's false alarm.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

Script = Callable[[dict[str, Any]], str]
_PART = re.compile(r"^(Who you are|What is true about you)[^:]*: (\{.*\})$", re.M)
_BEHAVIOR = re.compile(r"^How you behave: (\{.*\})$", re.M)
TIMELINE = {
    "this_quarter": "We want something in place this quarter.",
    "next_quarter": "Next quarter.",
    "this_year": "Sometime this year.",
    "none": "No timeline, just researching.",
}


def kind(request: dict[str, Any]) -> str:
    """persona | understanding | judge, from the request's system prompt."""
    system = str(request["messages"][0].get("content", ""))
    if system.startswith("You are role-playing a buyer"):
        return "persona"
    if "extract facts" in system:
        return "understanding"
    if "numbered rubric item" in system:
        return "judge"
    return "other"


def persona_of(request: dict[str, Any]) -> dict[str, Any]:
    """profile + facts + behavior, read back from the persona's system prompt."""
    system = str(request["messages"][0]["content"])
    known: dict[str, Any] = {}
    for _, blob in _PART.findall(system):
        known.update(json.loads(blob))
    behavior = _BEHAVIOR.search(system)
    known["behavior"] = json.loads(behavior.group(1)) if behavior else {}
    return known


def _opening(me: dict[str, Any]) -> str:
    scripted = me["behavior"].get("opening")
    if scripted:
        return scripted if isinstance(scripted, str) else scripted[0]
    parts = [f"We need to fix this: {me['pain']}." if me.get("pain") else "Just looking."]
    said = {
        "role": f"I'm the {me.get('role')}.",
        "company": f"I'm with {me.get('company')}.",
        "industry": f"We're {me.get('industry')}.",
        "region": f"We're based in {me.get('region')}.",
        "company_size": f"We have about {me.get('company_size')} employees.",
    }
    parts += [said[name] for name in me["behavior"].get("volunteers", []) if name in said]
    return " ".join(parts)


def truthful_buyer(request: dict[str, Any]) -> str:
    """The next buyer message, true to the persona's facts."""
    me = persona_of(request)
    refused = set(me["behavior"].get("refuses", [])) | set(me["behavior"].get("deflects", []))
    said = [m for m in request["messages"] if m.get("role") == "user"]
    bot = next(  # the bot's last message; a nudge to stay in character is not one
        (str(m["content"]) for m in reversed(said) if not str(m["content"]).startswith("(")), ""
    ).lower()
    if "what brings you" in bot:
        return _opening(me)
    answers = [
        ("how many people", "company_size", lambda v: f"About {v} people."),
        ("using for this today", "current_tool", lambda v: f"We use {v}."),
        ("when are you hoping", "timeline", lambda v: TIMELINE.get(str(v), str(v))),
        ("budget", "budget", lambda v: f"About ${v} a year."),
        ("who else", "committee", lambda v: "Our " + " and our ".join(v) + "."),
        ("email", "email", lambda v: str(v)),
    ]
    for cue, name, say in answers:
        if cue in bot:
            if name in refused or me.get(name) in (None, ""):
                return "I'd rather not say."
            return say(me[name])
    return "Thanks, that's all for now. [LEAVE]"


def with_understanding(buyer: Script, understanding: Script) -> Script:
    """One server script: persona requests to `buyer`, understanding requests to `understanding`."""

    def script(request: dict[str, Any]) -> str:
        return understanding(request) if kind(request) == "understanding" else buyer(request)

    return script


_EXPECTING = re.compile(r"The assistant just asked for: (.*?)\. A bare answer")
_TODAY = re.compile(r"Timelines are relative to today, (\d{4}-\d{2}-\d{2})\.")
_FILLED = re.compile(r"Already known: (\{.*?\}|nothing)\. Put a slot")


def rules_model(flow: Any) -> Script:
    """An honest understanding model: reads the message it is sent with the rule extractors
    and answers in the reply schema, so its answers match the offline rule path exactly."""
    from datetime import date

    from convodesk.runtime.understanding import RuleUnderstander

    rules = RuleUnderstander()

    def script(request: dict[str, Any]) -> str:
        system = str(request["messages"][0]["content"])
        text = str(request["messages"][1]["content"])  # a retry appends feedback after it
        found = _EXPECTING.search(system)
        expecting = (
            []
            if not found or found.group(1) == "nothing in particular"
            else found.group(1).split(", ")
        )
        today = date.fromisoformat(_TODAY.search(system).group(1))  # type: ignore[union-attr]
        known = _FILLED.search(system)
        filled = json.loads(known.group(1)) if known and known.group(1) != "nothing" else {}
        analysis = rules.analyze(text, flow, expecting, filled, today)
        return json.dumps(
            {
                "slots": {e.slot: e.value for e in analysis.extractions},
                "questions": analysis.questions,
                "wants_human": analysis.wants_human,
                "declined": analysis.declined,
                "corrections": [e.slot for e in analysis.extractions if e.correction],
            }
        )

    return script
