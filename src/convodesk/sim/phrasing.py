"""How a scripted buyer says a fact: several phrasings per slot kind, picked by the seed.

Answers to a direct question may be bare ("About 500 people."); volunteered statements carry
the words a reader needs to know which fact it is ("we're using", "employees"), the way a
person who mentions something unprompted does. The point is to exercise the understanding,
not to feed it one canned sentence.
"""

from __future__ import annotations

import random
from typing import Any

from convodesk.runtime.model import Slot

Rng = random.Random

_ASKED: dict[str, list[str]] = {
    "current_tool": ["{V}.", "We use {v}.", "Mostly {v}, honestly.", "Right now it's {v}."],
    "pain": ["{V}.", "Honestly, {v}.", "The problem is {v}.", "Mainly {v}."],
    "company": ["{V}.", "I'm with {v}.", "I work at {v}."],
    "role": ["{V}.", "I'm the {v}.", "My role is {v}."],
    "industry": ["We're {v}.", "We are {v}."],
    "region": ["We're based in {v}.", "Our HQ is in {v}.", "{V}."],
    "name": ["{V}.", "It's {v}."],
}
_VOLUNTEERED: dict[str, list[str]] = {
    "current_tool": [
        "We're using {v} today.",
        "We currently use {v}.",
        "Right now we're stuck with {v}.",
    ],
    "pain": ["The problem is {v}.", "We're struggling with {v}.", "We're tired of {v}."],
    "company": ["I'm with {v}.", "I work at {v}."],
    "role": ["I'm the {v}.", "My role is {v}."],
    "industry": ["We're {v}."],
    "region": ["We're based in {v}.", "Our HQ is in {v}."],
    "name": ["I'm {v}.", "This is {v}."],
}
_TIMELINE: dict[str, list[str]] = {
    "this_quarter": [
        "This quarter.",
        "We need it this quarter.",
        "Urgently, this quarter if we can.",
    ],
    "next_quarter": ["Next quarter.", "Probably next quarter.", "Sometime next quarter."],
    "this_year": ["Sometime this year.", "Later this year.", "By the end of this year."],
    "next_year": ["Next year.", "Not before next year."],
    "none": [
        "No timeline, we're just researching.",
        "Nothing planned, just looking around.",
        "We're only exploring for now.",
    ],
}
_TIMELINE_VOLUNTEERED: dict[str, list[str]] = {
    "this_quarter": [
        "We want something in place this quarter.",
        "We need this urgently, this quarter.",
    ],
    "next_quarter": ["We'd like something in place next quarter."],
    "this_year": ["We'd like something in place this year."],
    "next_year": ["We're planning for next year."],
    "none": ["We're just researching for now.", "I'm only exploring for now."],
}
_REFUSE = [
    "I'd rather not share that yet.",
    "I'd prefer not to say at this stage.",
    "That's not something I can share right now.",
]
_REFUSE_TERSE = ["Rather not say.", "Prefer not to say.", "Not sharing that."]
_DEFLECT = [
    "Hard to say at this point.",
    "It depends on what we find.",
    "Not sure yet, still working that out.",
]
_UNKNOWN = ["I'm not sure, to be honest.", "No idea, sorry.", "I don't know offhand."]
_CORRECTION = ["Actually, sorry: ", "Actually, ", "Wait, actually "]
_CORRECTION_SAME = ["Sorry, actually: ", "Wait, no, actually ", "Oops, actually "]
_FILLER = ["Good question.", "Sure.", "Happy to share."]
_NOTHING = ["Okay.", "Sounds good.", "Great, thanks."]


def _fill(template: str, text: str) -> str:
    upper = text[:1].upper() + text[1:]
    return template.replace("{v}", text).replace("{V}", upper)


def _owned(items: str) -> bool:
    """ "my business partner" already says whose: "Our my business partner" would not."""
    return items.lower().startswith(("my ", "our ", "the ", "a ", "an ", "his ", "her "))


def join_items(items: list[Any]) -> str:
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def number(value: Any, rng: Rng) -> str:
    n = int(value) if float(value).is_integer() else value
    return rng.choice([f"{n}", f"{n:,}"]) if isinstance(n, int) and n >= 1000 else f"{n}"


def money(value: Any, rng: Rng) -> str:
    n = int(value)
    forms = [f"${n:,}", f"{n:,} USD"]
    if n % 1000 == 0:
        forms.append(f"${n // 1000}k")
    return rng.choice(forms)


def kind_of(name: str, slot: Slot | None, value: Any) -> str:
    """The phrasing family: a known slot name first, then the flow's slot type, then the value."""
    free_text = slot is not None and slot.type == "enum" and str(value) not in slot.values
    if slot is not None and slot.type != "text" and not (free_text and name in _ASKED):
        return slot.type
    if name in _ASKED:
        return name
    if slot is not None:
        return "text"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, list):
        return "list"
    return "text"


def answer(name: str, slot: Slot | None, value: Any, rng: Rng, verbosity: str) -> str:
    """The buyer's reply when the bot asks for this fact."""
    kind = kind_of(name, slot, value)
    terse = verbosity == "terse"
    if kind == "integer" or kind == "number":
        n = number(value, rng)
        if terse:
            return n
        unit = "people" if "size" in name or "employee" in name else ""
        return (
            rng.choice(
                [f"About {n} {unit}", f"Roughly {n} {unit}", f"{n} {unit}", f"Around {n} {unit}"]
            ).strip()
            + "."
        )
    if kind == "money":
        m = money(value, rng)
        if terse:
            return m
        return rng.choice(
            [
                f"Around {m} a year.",
                f"We've set aside about {m} annually.",
                f"{m} per year, roughly.",
            ]
        )
    if kind == "timeline":
        options = _TIMELINE.get(str(value))
        if options is None:
            return f"{value}." if not terse else str(value)
        return options[0].rstrip(".").lower() if terse else rng.choice(options)
    if kind == "list":
        items = join_items(list(value) if isinstance(value, list) else [value])
        if terse:
            return items
        return rng.choice(
            [
                _fill("{V}." if _owned(items) else "Our {v}.", items),
                _fill(
                    "{V} will be involved." if _owned(items) else "The {v} will be involved.", items
                ),
                _fill("{V}, plus me.", items),
            ]
        )
    if kind == "email":
        return (
            str(value)
            if terse
            else rng.choice([f"{value}", f"Sure, it's {value}.", f"You can reach me at {value}."])
        )
    if kind == "boolean":
        return (
            rng.choice(["Yes.", "Yes, we do."]) if value else rng.choice(["No.", "No, we don't."])
        )
    if kind == "enum":
        synonyms = slot.synonyms.get(str(value), []) if slot is not None else []
        spoken = rng.choice(synonyms) if synonyms and not terse else str(value).replace("_", " ")
        return spoken if terse else f"{spoken[:1].upper()}{spoken[1:]}."
    text = str(value)
    if terse:
        return text
    return _fill(rng.choice(_ASKED.get(name, ["{V}."])), text)


def volunteer(name: str, slot: Slot | None, value: Any, rng: Rng) -> str:
    """The buyer mentioning a fact unprompted: always with words that say which fact it is."""
    kind = kind_of(name, slot, value)
    if kind in ("integer", "number"):
        n = number(value, rng)
        if "size" in name or "employee" in name:
            return rng.choice(
                [f"We have about {n} employees.", f"We're {n} people.", f"Headcount is around {n}."]
            )
        return f"Our {name.replace('_', ' ')} is {n}."
    if kind == "money":
        m = money(value, rng)
        return rng.choice([f"Our budget is around {m} a year.", f"We have {m} set aside annually."])
    if kind == "timeline":
        return rng.choice(_TIMELINE_VOLUNTEERED.get(str(value), [f"Our timeline is {value}."]))
    if kind == "list":
        items = join_items(list(value) if isinstance(value, list) else [value])
        return rng.choice(
            [
                f"I'm evaluating with {'' if _owned(items) else 'our '}{items}.",
                _fill(
                    "{V} will also be involved."
                    if _owned(items)
                    else "Our {v} will also be involved.",
                    items,
                ),
            ]
        )
    if kind == "email":
        return rng.choice([f"My email is {value}.", f"You can reach me at {value}."])
    if kind == "enum":
        return answer(name, slot, value, rng, "normal")
    text = str(value)
    if name in _VOLUNTEERED:
        return _fill(rng.choice(_VOLUNTEERED[name]), text)
    cues = list(slot.cues) if slot is not None else []
    if cues:
        cue = rng.choice(cues)
        return f"{cue[:1].upper()}{cue[1:]} {text}."
    return f"My {name.replace('_', ' ')} is {text}."


_ENDS = (".", "!", "?", "…")


def message(parts: list[str]) -> str:
    """Several sentences as one message: every part but the last ends with a full stop.

    A terse answer is bare ("spreadsheets"); typed before a question it becomes
    "spreadsheets. Do you support SSO?", as a person writes it, not one run-on clause
    ("spreadsheets Do you support SSO?") that no reader can split into answer and question.
    """
    shown = [p.strip() for p in parts if p.strip()]
    ended = [p if p.endswith(_ENDS) else p + "." for p in shown[:-1]]
    return " ".join([*ended, *shown[-1:]])


def correction(statement: str, rng: Rng, *, same_message: bool = False) -> str:
    """A self-correction; `same_message` when it follows the wrong value in one message."""
    prefix = rng.choice(_CORRECTION_SAME if same_message else _CORRECTION)
    return (
        prefix + statement[:1].lower() + statement[1:]
        if statement[:2] != "I'"
        else prefix + statement
    )


def refuse(rng: Rng, verbosity: str) -> str:
    return rng.choice(_REFUSE_TERSE if verbosity == "terse" else _REFUSE)


def deflect(rng: Rng) -> str:
    return rng.choice(_DEFLECT)


def unknown(rng: Rng) -> str:
    return rng.choice(_UNKNOWN)


def filler(rng: Rng) -> str:
    return rng.choice(_FILLER)


def nothing(rng: Rng) -> str:
    return rng.choice(_NOTHING)
