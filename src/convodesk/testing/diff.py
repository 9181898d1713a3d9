"""Turn-level diff between a stored and a fresh transcript snapshot.

A line diff of two YAML files says "line 48 changed"; a designer wants "enterprise-buyer: the
conversation first diverges at turn 3", the bot and buyer lines around it, and, separately,
what the flow decided differently, so a changed route or score is called out even when every
word is the same.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from convodesk.sim.transcripts import Line

from .snapshot import Snapshot

if TYPE_CHECKING:
    from rich.console import Console

Status = Literal["changed", "missing", "orphan"]
Row = tuple[str, str]  # (kind, text); kind is head, ctx, hunk, del, add or note
CONTEXT = 2
SETUP_FIELDS = ("flow", "seed", "reference_date", "context")
OUTCOME_FIELDS = (
    "route",
    "disqualified",
    "ended_by",
    "persona_left",
    "left_while_asking",
    "outstanding_questions",
)


@dataclass(frozen=True)
class Change:
    """One value that differs: `old`/`new` are None where the value is absent on that side."""

    field: str
    old: Any
    new: Any


@dataclass
class TranscriptDiff:
    persona: str
    run: int = 0
    status: Status = "changed"
    path: str | None = None
    first_turn: int | None = None
    conversation: list[Row] = field(default_factory=list)
    outcome: list[Change] = field(default_factory=list)
    setup: list[Change] = field(default_factory=list)
    numbered: bool = False

    @property
    def label(self) -> str:
        return f"{self.persona} (run {self.run})" if self.numbered else self.persona

    @property
    def headline(self) -> str:
        where = f" [{self.path}]" if self.path else ""
        if self.status == "missing":
            return f"{self.label}: no stored transcript yet{where}"
        if self.status == "orphan":
            return f"{self.label}: stored transcript of a persona that no longer exists{where}"
        if self.first_turn is not None:
            what = f"the conversation first diverges at turn {self.first_turn}"
        elif self.outcome:
            what = "same conversation, different outcome"
        else:
            what = "run setup changed (" + ", ".join(c.field for c in self.setup) + ")"
        if self.first_turn is not None and self.outcome:
            what += "; the outcome changed too"
        return f"{self.label}: {what}{where}"


def render_line(line: Line) -> str:
    """`3 bot: text  [question: current_tool]`; the bracket shows what the line is for."""
    role, text = ("buyer", line.buyer) if line.buyer is not None else ("bot", line.bot or "")
    tags = [line.kind] if line.kind else []
    if line.asking:
        tags.append("asks " + ", ".join(line.asking))
    if line.knowledge:
        tags.append(f"knowledge {line.knowledge}")
    suffix = f"  [{'; '.join(tags)}]" if tags else ""
    return f"turn {line.turn} {role}: {text}{suffix}"


def _key(line: Line) -> tuple[str, str, str | None]:
    """What a line says: who, the words, what kind of message. Not the turn number, which
    shifts for every later line when one question is inserted."""
    if line.buyer is not None:
        return ("buyer", line.buyer, line.kind)
    return ("bot", line.bot or "", line.kind)


def _same_line(a: Line, b: Line) -> bool:
    """Equal apart from the turn number (what a line asks or quotes counts too)."""
    return a.model_dump(exclude={"turn"}) == b.model_dump(exclude={"turn"})


Pair = tuple[Line | None, Line | None]  # (stored, fresh): None on the side that lacks it


def align(old: list[Line], new: list[Line]) -> list[Pair]:
    """Both conversations line by line, matched on content (`difflib` over (role, text, kind)):
    an inserted question is one new bot line and one new buyer line, not a rewrite of the rest.

    A matched pair whose other details differ (a line that now asks another slot) is split
    into a removal and an addition, so nothing that changed is shown as context.
    """
    matcher = difflib.SequenceMatcher(
        a=[_key(line) for line in old], b=[_key(line) for line in new], autojunk=False
    )
    pairs: list[Pair] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                pairs += [(a, b)] if _same_line(a, b) else [(a, None), (None, b)]
        else:
            pairs += [(a, None) for a in old[i1:i2]] + [(None, b) for b in new[j1:j2]]
    if not any(_changed(pair) for pair in pairs):
        # the same lines renumbered, nothing else: then the numbering is the change
        pairs = [
            split
            for a, b in pairs
            for split in (
                [(a, b)] if a is None or b is None or a.turn == b.turn else [(a, None), (None, b)]
            )
        ]
    return pairs


def _changed(pair: Pair) -> bool:
    return pair[0] is None or pair[1] is None


def _first_divergence(pairs: list[Pair]) -> int | None:
    """The turn of the first line that differs; for a replaced line, the earlier of its two
    turns (they differ when lines before it were removed or added)."""
    for i, (stored, fresh) in enumerate(pairs):
        if stored is not None and fresh is not None:
            continue
        if fresh is not None:
            return fresh.turn
        assert stored is not None
        turn = stored.turn
        for before, after in pairs[i + 1 :]:  # the rest of this block of changes
            if before is not None and after is not None:
                break
            if after is not None:
                return min(turn, after.turn)
        return turn
    return None


def _context_line(stored: Line, fresh: Line) -> str:
    """An unchanged line, numbered as in the fresh run; a shifted one says where it was."""
    text = render_line(fresh)
    if stored.turn != fresh.turn:
        text = text.replace(f"turn {fresh.turn} ", f"turn {fresh.turn} (was {stored.turn}) ", 1)
    return text


def _conversation_rows(pairs: list[Pair]) -> list[Row]:
    """Changed lines with `CONTEXT` unchanged lines around each; "..." marks what is skipped."""
    changed = [i for i, pair in enumerate(pairs) if _changed(pair)]
    shown: set[int] = set()
    for i in changed:
        shown.update(range(max(0, i - CONTEXT), min(len(pairs), i + CONTEXT + 1)))
    rows: list[Row] = []
    last = -1
    for i in sorted(shown):
        if i != last + 1:
            rows.append(("hunk", "  ..."))
        last = i
        stored, fresh = pairs[i]
        if stored is not None and fresh is not None:
            rows.append(("ctx", "  " + _context_line(stored, fresh)))
        elif stored is not None:
            rows.append(("del", "- " + render_line(stored)))
        else:
            assert fresh is not None
            rows.append(("add", "+ " + render_line(fresh)))
    return rows


def _mapping_changes(prefix: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    names = list(old) + [k for k in new if k not in old]
    return [
        Change(f"{prefix}.{k}", old.get(k), new.get(k)) for k in names if old.get(k) != new.get(k)
    ]


def outcome_changes(old: Snapshot, new: Snapshot) -> list[Change]:
    """Route and ending first, then scores, slots, next action and the reasons that fired."""
    a, b = old.outcome, new.outcome
    changes = [
        Change(name, getattr(a, name), getattr(b, name))
        for name in OUTCOME_FIELDS
        if getattr(a, name) != getattr(b, name)
    ]
    changes += _mapping_changes("scores", a.scores, b.scores)
    changes += _mapping_changes("slots", a.slots, b.slots)
    changes += _mapping_changes("next_action", a.next_action, b.next_action)
    gone = [r for r in a.reasons if r not in b.reasons]
    added = [r for r in b.reasons if r not in a.reasons]
    if gone or added:
        changes.append(Change("reasons", gone or None, added or None))
    return changes


def compare(
    stored: Snapshot, fresh: Snapshot, *, path: str | None = None, numbered: bool = False
) -> TranscriptDiff | None:
    """None when the two record the same conversation and outcome."""
    setup = [
        Change(name, getattr(stored, name), getattr(fresh, name))
        for name in SETUP_FIELDS
        if getattr(stored, name) != getattr(fresh, name)
    ]
    pairs = align(stored.conversation, fresh.conversation)
    first = _first_divergence(pairs)
    outcome = outcome_changes(stored, fresh)
    if first is None and not outcome and not setup:
        return None
    rows = _conversation_rows(pairs) if first is not None else []
    return TranscriptDiff(
        fresh.persona, fresh.run, "changed", path, first, rows, outcome, setup, numbered
    )


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _change_rows(change: Change) -> list[Row]:
    if change.field == "reasons":
        return [("del", f"- reason: {r}") for r in change.old or []] + [
            ("add", f"+ reason: {r}") for r in change.new or []
        ]
    return [
        ("del", f"- {change.field}: {_value(change.old)}"),
        ("add", f"+ {change.field}: {_value(change.new)}"),
    ]


def rows(d: TranscriptDiff) -> list[Row]:
    """The diff as typed rows: one source for the plain text and the coloured rendering."""
    out: list[Row] = [("head", d.headline)]
    if d.conversation:
        out.append(("note", "  conversation (- stored, + fresh):"))
        out += [(kind, "    " + text) for kind, text in d.conversation]
    if d.outcome:
        out.append(("note", "  outcome:"))
        out += [(kind, "    " + text) for c in d.outcome for kind, text in _change_rows(c)]
    if d.setup:
        out.append(("note", "  run setup:"))
        out += [(kind, "    " + text) for c in d.setup for kind, text in _change_rows(c)]
    return out


def format_diff(d: TranscriptDiff) -> str:
    return "\n".join(text for _, text in rows(d))


STYLES = {
    "head": "bold yellow",
    "note": "bold",
    "hunk": "dim",
    "ctx": "",
    "del": "red",
    "add": "green",
}


def render_diffs(diffs: list[TranscriptDiff], console: Console) -> None:
    """Coloured on a terminal; plain text elsewhere (rich decides). Transcript text is never
    read as markup, so a buyer typing `[bold]` prints as typed."""
    from rich.text import Text

    for d in diffs:
        for kind, text in rows(d):
            console.print(Text(text, style=STYLES[kind]), soft_wrap=True)
        console.print()
