"""Turn-level and outcome diffs between two runs of the example suite's personas."""

from __future__ import annotations

from pathlib import Path

from convodesk.testing import compare, converse, dump_snapshot, format_diff
from convodesk.testing.diff import Change, TranscriptDiff, render_diffs

from .conftest import edit


def snap(folder: Path, persona: str):  # type: ignore[no-untyped-def]
    return converse(folder / "flows" / "saas_inbound.yaml", folder / "personas" / persona).snapshot


def test_changed_question_wording_names_the_turn(example: Path) -> None:
    before = snap(example, "enterprise_buyer.yaml")
    edit(
        example / "flows" / "saas_inbound.yaml",
        "Roughly how many people work at {company|your company}?",
        "How many employees does {company|your company} have?",
    )
    d = compare(before, snap(example, "enterprise_buyer.yaml"))
    assert d is not None and d.first_turn == 2
    text = format_diff(d)
    assert text.splitlines()[0] == "enterprise-buyer: the conversation first diverges at turn 2"
    assert "- turn 2 bot: Roughly how many people work at Acme Industrial?" in text
    assert "+ turn 2 bot: How many employees does Acme Industrial have?" in text
    assert d.outcome == []  # same answers, same decision


def test_changed_routing_threshold_gives_an_outcome_diff(example: Path) -> None:
    before = snap(example, "corrects_fact.yaml")
    edit(
        example / "flows" / "saas_inbound.yaml",
        "fit >= 60 and intent >= 60 and capacity >= 40",
        "fit >= 60 and intent >= 60 and capacity >= 90",
    )
    d = compare(before, snap(example, "corrects_fact.yaml"))
    assert d is not None
    assert Change("route", "warm", "lukewarm") in d.outcome
    assert Change("next_action.owner", "account_executive", "sdr") in d.outcome
    text = format_diff(d)
    assert "    - route: warm\n    + route: lukewarm" in text
    assert "+ reason: route lukewarm" in text


def test_a_score_change_is_called_out_when_the_wording_is_the_same(example: Path) -> None:
    before = snap(example, "enterprise_buyer.yaml")
    edit(
        example / "flows" / "saas_inbound.yaml",
        'add: 50, reason: "enterprise headcount (1000+)"',
        'add: 45, reason: "enterprise headcount (1000+)"',
    )
    d = compare(before, snap(example, "enterprise_buyer.yaml"))
    assert d is not None and d.first_turn is None and d.conversation == []
    assert d.headline == "enterprise-buyer: same conversation, different outcome"
    assert Change("scores.fit", 95, 90) in d.outcome
    assert "- reason: fit +50: enterprise headcount (1000+)" in format_diff(d)


def test_nothing_changed_gives_no_diff_over_three_runs(example: Path) -> None:
    runs = [snap(example, "product_questions.yaml") for _ in range(3)]
    assert all(compare(runs[0], other) is None for other in runs[1:])
    assert len({dump_snapshot(s) for s in runs}) == 1


def test_slot_and_setup_changes_are_named(example: Path) -> None:
    before = snap(example, "small_company.yaml")
    after = before.model_copy(deep=True)
    old = before.outcome.slots["company_size"]
    after.outcome.slots["company_size"] = old + 1
    after.seed += 1
    d = compare(before, after)
    assert d is not None
    assert d.outcome == [Change("slots.company_size", old, old + 1)]
    assert d.first_turn is None
    assert [c.field for c in d.setup] == ["seed"]


def test_rich_rendering_does_not_read_transcript_text_as_markup() -> None:
    from rich.console import Console

    d = TranscriptDiff("p", outcome=[Change("slots.pain", None, "[bold]sheets[/bold]")])
    console = Console(record=True, width=200, color_system=None)
    render_diffs([d], console)
    text = console.export_text()
    assert "+ slots.pain: [bold]sheets[/bold]" in text
    assert "- slots.pain: (none)" in text


def _inserted(before, at_turn: int):  # type: ignore[no-untyped-def]
    """`before` with one more question asked at `at_turn` and its answer: later lines shift."""
    from convodesk.sim.transcripts import Line

    lines = before.conversation
    q = next(i for i, x in enumerate(lines) if x.turn == at_turn and x.asking)
    new = [
        Line(turn=at_turn, bot="Which team will use it first?", kind="question", asking=["team"]),
        Line(turn=at_turn + 1, buyer="Operations."),
    ]
    shifted = [x.model_copy(update={"turn": x.turn + 1}) for x in lines[q:]]
    return before.model_copy(update={"conversation": [*lines[:q], *new, *shifted]})


def test_an_inserted_question_shows_only_itself_and_its_answer(example: Path) -> None:
    before = snap(example, "enterprise_buyer.yaml")
    after = _inserted(before, 2)
    d = compare(before, after)
    assert d is not None and d.first_turn == 2
    changed = [text for kind, text in d.conversation if kind in ("add", "del")]
    assert changed == [
        "+ turn 2 bot: Which team will use it first?  [question; asks team]",
        "+ turn 3 buyer: Operations.",
    ]
    context = [text for kind, text in d.conversation if kind == "ctx"]
    # the lines after it are context, numbered as now, saying where they were
    moved = next(x for x in before.conversation if x.turn == 2 and x.asking)
    assert f"  turn 3 (was 2) bot: {moved.bot}  [question; asks {moved.asking[0]}]" in context
    assert len(context) == 4  # two lines either side, then "..." for the unchanged rest
    assert d.conversation[-1] != ("hunk", "  ...") and d.conversation[0] == ("hunk", "  ...")


def test_a_removed_question_is_only_its_own_lines_and_the_rest_is_context(example: Path) -> None:
    after = snap(example, "enterprise_buyer.yaml")
    before = _inserted(after, 3)
    d = compare(before, after)
    assert d is not None and d.first_turn == 3
    assert [text for kind, text in d.conversation if kind in ("add", "del")] == [
        "- turn 3 bot: Which team will use it first?  [question; asks team]",
        "- turn 4 buyer: Operations.",
    ]


def test_a_line_asking_another_slot_is_a_change_not_context(example: Path) -> None:
    before = snap(example, "enterprise_buyer.yaml")
    after = before.model_copy(deep=True)
    line = next(x for x in after.conversation if x.asking)
    line.asking = ["budget"]  # same words, another slot: a real change
    d = compare(before, after)
    assert d is not None
    kinds = [kind for kind, _ in d.conversation if kind in ("add", "del")]
    assert kinds == ["del", "add"]
