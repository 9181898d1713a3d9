"""A model's free-text value that only restates other slots' facts is no answer.

Asked "What brings you to Relay today?", a buyer who says "Hi, we are 400 people" gave a
company size and no pain. The rule path leaves the pain open then (see
`convodesk.runtime.understanding.freetext`); a model may still copy the sentence into `pain`,
and the question would never be asked. The same judgement applies here: the model's value is
read by the rule understander as if the buyer had said just that, and when the rules find only
other slots in it, slots this message did fill, it restates them and is dropped. A real pain
that mentions a number ("we waste 10 hours a week on manual reports") has words of its own and
stays.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from convodesk.runtime.model import Flow
from convodesk.runtime.understanding import Understander

FREE_TEXT = ("text", "list")


def restated_slots(
    rules: Understander,
    name: str,
    value: Any,
    flow: Flow,
    expecting: Sequence[str],
    stated: Collection[str],
    reference_date: date,
) -> list[str]:
    """The other slots `value` (for text or list slot `name`) only restates, or [] if it says
    something of its own.

    `stated` are the slots this message filled (by the rules or the model): a value is dropped
    only when every fact the rules read in it is one of those, so a paraphrase is judged, never
    a fact the message does not hold.
    """
    slot = flow.slots.get(name)
    if slot is None or slot.type not in FREE_TEXT:
        return []
    said = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if not said.strip():
        return []
    asked = [name, *(n for n in expecting if n != name)]
    reading = rules.analyze(said, flow, asked, {}, reference_date)
    if reading.value_of(name) is not None:
        return []
    others = list(dict.fromkeys(e.slot for e in reading.extractions))
    if not others or any(other not in stated for other in others):
        return []
    return others
