"""Personas & results: run the suite, read a failing transcript, accept an intended change, and
agree with `convodesk test --snapshot` on what drifted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from textual.widgets import DataTable, ProgressBar, RichLog, Static, TextArea

from convodesk.tui.screens.confirm import Confirm
from convodesk.tui.screens.personas import COLUMNS, PersonasScreen
from convodesk.tui.screens.results import ResultsScreen
from convodesk.tui.screens.viewer import TextViewer

from .conftest import ROOT, SIZE, make_app, plain, wait_for

FLOW = Path("flows") / "saas_inbound.yaml"
STORE = Path("transcripts") / "saas_inbound"


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from convodesk.cli.app import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=project,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "COLUMNS": "160"},
    )


def drifted_per_cli(project: Path) -> set[str]:
    """The personas `convodesk test --snapshot --json` reports as drifted."""
    run = cli(project, "test", str(FLOW), "--snapshot", "--json")
    assert run.returncode in (0, 1), run.stderr
    return {d["persona"] for d in json.loads(run.stdout)["snapshot"]["drift"]}


def record_current_behaviour(project: Path) -> None:
    """Store what today's runtime does, so a test sees only the change it makes itself."""
    run = cli(project, "test", str(FLOW), "--update")  # exit 1 if a check fails: not ours
    assert run.returncode in (0, 1) and "transcript" in run.stderr, run.stdout + run.stderr


async def _run_all(pilot, app) -> PersonasScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f5")
    screen = app.screen
    assert isinstance(screen, PersonasScreen)
    before = app.workspace.suite_generation
    await pilot.press("a")
    await wait_for(pilot, lambda: app.workspace.suite_generation > before, tries=1000)
    return screen


async def _results(pilot, app) -> ResultsScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f6")
    results = app.screen
    assert isinstance(results, ResultsScreen)
    await wait_for(pilot, lambda: results.check is not None and len(results.snapshots) > 0)
    return results


def _edit(app, old: str, new: str) -> None:  # type: ignore[no-untyped-def]
    area = app.screen.query_one(TextArea)
    assert old in area.text
    area.text = area.text.replace(old, new)


def _persona_row(app, persona: str) -> int:  # type: ignore[no-untyped-def]
    return [p.persona for p in app.screen.personas].index(persona)


def _row(app, persona: str) -> int:  # type: ignore[no-untyped-def]
    return next(
        i for i, c in enumerate(app.workspace.suite.conversations) if c.persona.persona == persona
    )


async def test_run_the_whole_suite_with_live_conversations(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        bar = app.screen.query_one(ProgressBar)
        assert bar.percentage == 0  # idle, not an animated "--%"
        assert "not run yet" in plain(app.screen.query_one("#progress-label", Static))
        screen = await _run_all(pilot, app)
        result = app.workspace.suite
        n = len(screen.personas)
        assert result is not None and n > 10 and len(result.conversations) == n
        table = screen.query_one(DataTable)
        for c in result.conversations:
            cell = str(table.get_cell(c.persona.persona, "status"))
            assert cell == "pass" if c.passed else cell.startswith(("FAIL", "persona error"))
            budget = c.persona.expect.max_turns
            assert table.get_cell(c.persona.persona, "turns") == f"{c.turns}/{budget}"
        passed = sum(c.passed for c in result.conversations)
        assert f"{passed}/{n} passed" in plain(screen.query_one("#status", Static))
        assert f"{n}/{n} done" in plain(screen.query_one("#progress-label", Static))
        assert bar.percentage == 1
        # Every conversation was streamed turn by turn and replaced by its full transcript.
        for c in result.conversations:
            assert screen.lines[c.persona.persona] == [(m.role, m.text) for m in c.state.transcript]
        assert len(screen.query_one(RichLog).lines) > 0


async def test_status_column_is_wide_enough_for_every_state(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        table = app.screen.query_one(DataTable)
        width = dict(COLUMNS)["status"]
        assert table.columns["status"].width == width  # type: ignore[index]
        for text in ("running · turn 12", "FAIL · 12 checks", "persona error", "FAIL · rubric"):
            assert len(text) <= width


async def test_a_failing_persona_says_how_many_checks_failed(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        _edit(app, 'when: "fit >= 60 and intent >= 60', 'when: "fit >= 99 and intent >= 60')
        screen = await _run_all(pilot, app)
        cell = str(screen.query_one(DataTable).get_cell("enterprise-buyer", "status"))
        failures = app.workspace.suite.of("enterprise-buyer")[0].failures  # type: ignore[union-attr]
        assert cell == f"FAIL · {len(failures)} check{'s' if len(failures) > 1 else ''}"


async def test_run_one_persona(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=_persona_row(app, "enterprise-buyer"))
        before = app.workspace.suite_generation
        await pilot.press("r")
        await wait_for(pilot, lambda: app.workspace.suite_generation > before, tries=1000)
        assert app.workspace.suite is not None
        assert [c.persona.persona for c in app.workspace.suite.conversations] == [
            "enterprise-buyer"
        ]


async def test_failing_run_shows_its_check_and_the_change_can_be_accepted(project: Path) -> None:
    record_current_behaviour(project)
    app = make_app(project)
    snapshot = project / STORE / "enterprise-buyer.yaml"
    async with app.run_test(size=SIZE) as pilot:
        # An intended change: warm now needs a much higher fit, so the enterprise buyer drops.
        _edit(app, 'when: "fit >= 60 and intent >= 60', 'when: "fit >= 99 and intent >= 60')
        await pilot.press("ctrl+s")  # saved, so the CLI below runs the same flow
        await _run_all(pilot, app)
        results = await _results(pilot, app)
        assert " failed" in plain(results.query_one("#status", Static))

        index = _row(app, "enterprise-buyer")
        results.query_one(DataTable).move_cursor(row=index)
        await pilot.pause()
        checks = plain(results.query_one("#checks-body", Static))
        assert "✗ route_expected" in checks
        assert "run 0" not in checks and " turns " in checks
        assert results.snapshots[index] == "changed"

        await pilot.press("t")
        assert isinstance(app.screen, TextViewer) and "persona: enterprise-buyer" in app.screen.text
        await pilot.press("escape")

        await pilot.press("d")
        viewer = app.screen
        assert isinstance(viewer, TextViewer)
        # the library's turn-level diff, its path relative to the project
        head = viewer.text.splitlines()[0]
        assert head.startswith("enterprise-buyer: ") and head.endswith(
            f"[{STORE / 'enterprise-buyer.yaml'}]"
        )
        assert "- route: warm" in viewer.text and "+ route: lukewarm" in viewer.text
        await pilot.press("a")
        await wait_for(pilot, lambda: results.snapshots.get(index) == "same")
        assert app.screen is results
        assert "route: lukewarm" in snapshot.read_text()
        assert str(results.query_one(DataTable).get_cell(str(index), "snapshot")) == "same"
    assert "enterprise-buyer" not in drifted_per_cli(project)


async def test_an_unused_knowledge_answer_is_no_drift_as_for_the_cli(project: Path) -> None:
    """The flow's hash changes, the conversations do not: `test --snapshot` passes, the
    studio says "same" for every persona."""
    record_current_behaviour(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        ws = app.workspace
        _edit(app, '"Relay is cloud-only;', '"Relay runs in the cloud only;')
        await pilot.press("ctrl+s")
        assert not ws.dirty
        await _run_all(pilot, app)
        results = await _results(pilot, app)
        assert set(results.snapshots.values()) == {"same"}
    assert drifted_per_cli(project) == set()


async def test_studio_and_cli_agree_on_what_drifted(project: Path) -> None:
    record_current_behaviour(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        _edit(app, 'when: "fit >= 60 and intent >= 60', 'when: "fit >= 99 and intent >= 60')
        await pilot.press("ctrl+s")
        await _run_all(pilot, app)
        results = await _results(pilot, app)
        conversations = app.workspace.suite.conversations  # type: ignore[union-attr]
        changed = {
            conversations[i].persona.persona for i, s in results.snapshots.items() if s != "same"
        }
    assert changed and changed == drifted_per_cli(project)


async def test_accept_all_asks_then_stores_the_whole_run(project: Path) -> None:
    record_current_behaviour(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        _edit(app, 'disclosure: "Hi, I', 'disclosure: "Hello, I')
        await pilot.press("ctrl+s")
        await _run_all(pilot, app)
        results = await _results(pilot, app)
        assert set(results.snapshots.values()) == {"changed"}
        before = {p: p.read_text() for p in (project / STORE).glob("*.yaml")}

        await pilot.press("A")
        dialog = app.screen
        assert isinstance(dialog, Confirm)
        assert f"rewrite {len(before)} changed" in dialog.body
        await pilot.press("escape")  # cancelled: nothing written
        assert {p: p.read_text() for p in before} == before

        await pilot.press("A", "y")
        await wait_for(pilot, lambda: set(results.snapshots.values()) == {"same"})
        assert all(p.read_text() != text for p, text in before.items())
    assert drifted_per_cli(project) == set()


async def test_accept_all_after_one_persona_keeps_the_others(project: Path) -> None:
    """After running one persona, the other personas' transcripts are not of removed ones."""
    record_current_behaviour(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        stored = len(list((project / STORE).glob("*.yaml")))
        _edit(app, 'disclosure: "Hi, I', 'disclosure: "Hello, I')
        await pilot.press("f5")
        app.screen.query_one(DataTable).move_cursor(row=_persona_row(app, "enterprise-buyer"))
        before = app.workspace.suite_generation
        await pilot.press("r")
        await wait_for(pilot, lambda: app.workspace.suite_generation > before, tries=1000)
        results = await _results(pilot, app)
        assert results.check is not None and not results.check.orphans
        await pilot.press("A", "y")
        await wait_for(pilot, lambda: results.snapshots == {0: "same"})
    assert len(list((project / STORE).glob("*.yaml"))) == stored


async def test_a_new_persona_shows_as_new_and_accepting_records_it(project: Path) -> None:
    record_current_behaviour(project)
    source = project / "personas" / "enterprise_buyer.yaml"
    (project / "personas" / "zz_copy.yaml").write_text(
        source.read_text().replace("persona: enterprise-buyer", "persona: zz-copy")
    )
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await _run_all(pilot, app)
        results = await _results(pilot, app)
        index = _row(app, "zz-copy")
        assert results.snapshots[index] == "new"
        results.query_one(DataTable).move_cursor(row=index)
        await pilot.press("d")
        assert isinstance(app.screen, TextViewer)
        assert "no stored transcript yet" in app.screen.text
        await pilot.press("a")
        await wait_for(pilot, lambda: results.snapshots.get(index) == "same")
    assert (project / STORE / "zz-copy.yaml").is_file()


NARROW = (100, 30)


def _cut(widget) -> bool:  # type: ignore[no-untyped-def]
    """A DataTable wider than the space it has (columns hidden or clipped)."""
    return widget.virtual_size.width > widget.content_region.width


async def test_at_100_columns_no_column_and_no_footer_key_is_cut(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=NARROW) as pilot:
        _edit(app, 'when: "fit >= 60 and intent >= 60', 'when: "fit >= 99 and intent >= 60')
        screen = await _run_all(pilot, app)
        assert not _cut(screen.query_one(DataTable))
        assert "FAIL · 1 check" in {
            str(c) for c in screen.query_one(DataTable).get_row("enterprise-buyer")
        }
        results = await _results(pilot, app)
        await pilot.pause()
        assert not _cut(results.query_one(DataTable))
        assert results.query_one("#matrix").content_region.width >= 34  # the routing matrix
        for mode in ("f2", "f3", "f4", "f5", "f6"):
            await pilot.press(mode)
            await pilot.pause()
            keys = list(app.screen.query("FooterKey"))
            assert "f1" in [k.key for k in keys]  # type: ignore[attr-defined]
            assert all(k.region.right <= NARROW[0] for k in keys), mode


async def test_checks_and_expectations_scroll_by_keyboard_and_show_the_rubric(
    project: Path,
) -> None:
    """Both panes take the focus (Tab) and scroll with the keys; the rubric an LLM judge
    reads is listed, and an offline run says it was not judged."""
    app = make_app(project)
    async with app.run_test(size=NARROW) as pilot:
        _edit(app, 'when: "fit >= 60 and intent >= 60', 'when: "fit >= 99 and intent >= 60')
        screen = await _run_all(pilot, app)
        persona = next(p for p in screen.personas if p.expect.rubric)
        screen.query_one(DataTable).move_cursor(row=_persona_row(app, persona.persona))
        await pilot.pause()
        expect = plain(screen.query_one("#expect-body", Static))
        assert all(
            " ".join(item.split()[:3]) in " ".join(expect.split()) for item in persona.expect.rubric
        )
        pane = screen.query_one("#expect")
        assert pane.focusable and pane in screen.focus_chain
        assert pane.max_scroll_y > 0  # taller than the pane at 100x30: reachable only by scrolling
        pane.focus()
        await pilot.press("pagedown")
        assert pane.scroll_y > 0

        results = await _results(pilot, app)
        results.query_one(DataTable).move_cursor(row=_row(app, persona.persona))
        await pilot.pause()
        body = " ".join(plain(results.query_one("#checks-body", Static)).split())
        assert "rubric" in body and "not judged: only a model run (m on F5) has a judge" in body
        assert all(" ".join(item.split()[:3]) in body for item in persona.expect.rubric)
        checks = results.query_one("#checks")
        assert app.focused is results.query_one(DataTable)
        await pilot.press("tab")
        assert app.focused is checks
        assert checks.max_scroll_y > 0
        await pilot.press("end")
        assert checks.scroll_y == checks.max_scroll_y


async def test_a_run_of_unsaved_text_says_so_and_accepting_it_asks_first(project: Path) -> None:
    record_current_behaviour(project)
    app = make_app(project)
    snapshot = project / STORE / "enterprise-buyer.yaml"
    stored = snapshot.read_text()
    async with app.run_test(size=SIZE) as pilot:
        _edit(app, 'when: "fit >= 60 and intent >= 60', 'when: "fit >= 99 and intent >= 60')
        await _run_all(pilot, app)
        assert app.workspace.dirty  # ran, not saved
        results = await _results(pilot, app)
        assert "a run of unsaved text" in plain(results.query_one("#status", Static))
        results.query_one(DataTable).move_cursor(row=_row(app, "enterprise-buyer"))
        await pilot.pause()

        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, Confirm) and "unsaved text" in dialog.body
        await pilot.press("escape")
        assert snapshot.read_text() == stored

        await pilot.press("d")  # the diff viewer's accept asks too
        assert isinstance(app.screen, TextViewer) and "unsaved text" in str(
            app.screen.query_one("#viewer").border_subtitle
        )
        await pilot.press("a")
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await wait_for(
            pilot, lambda: results.snapshots.get(_row(app, "enterprise-buyer")) == "same"
        )
        assert "route: lukewarm" in snapshot.read_text()

        await pilot.press("A")
        assert isinstance(app.screen, Confirm) and "unsaved text" in app.screen.body
        await pilot.press("escape")

        await pilot.press("f2", "ctrl+s", "f6")  # saved now: the run is of the file's text
        assert "unsaved" not in plain(results.query_one("#status", Static))


async def test_accept_on_a_same_row_says_it_is_up_to_date_and_writes_nothing(
    project: Path,
) -> None:
    """A flow edit no conversation sees leaves every row "same"; its stored file differs only
    in the flow hash, and `a` does not rewrite it (A, after asking, refreshes hashes)."""
    record_current_behaviour(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        _edit(app, '"Relay is cloud-only;', '"Relay runs in the cloud only;')
        await pilot.press("ctrl+s")
        await _run_all(pilot, app)
        results = await _results(pilot, app)
        index = _row(app, "enterprise-buyer")
        assert results.snapshots[index] == "same"
        path = project / STORE / "enterprise-buyer.yaml"
        assert (
            results.check is not None and results._path(results.selected()) in results.check.writes
        )  # type: ignore[arg-type]
        results.query_one(DataTable).move_cursor(row=index)
        before = path.read_text()
        app.notes.clear()
        await pilot.press("a")
        assert app.notes and app.notes[-1].startswith("Already up to date")
        assert "Accepted" not in " ".join(app.notes)
        assert path.read_text() == before


async def test_persona_files_that_do_not_load_list_every_problem_relative(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        screen = app.screen
        assert isinstance(screen, PersonasScreen)
        first = screen.personas[0]
        assert first.description.split()[0] in plain(screen.query_one("#expect-body", Static))
        for name in ("zz_a.yaml", "zz_b.yaml"):
            (project / "personas" / name).write_text("persona: [not, an, id]\nbogus: 1\n")
        await pilot.press("ctrl+l")
        assert screen.personas == [] and screen.query_one(DataTable).row_count == 0
        status = plain(screen.query_one("#status", Static))
        assert status.startswith("personas/zz_a.yaml:") and "more, listed beside" in status
        assert str(project) not in status
        beside = plain(screen.query_one("#expect-body", Static))
        assert first.description.split()[0] not in beside  # nothing of the earlier persona
        assert beside.count("personas/zz_a.yaml:") >= 1 and "personas/zz_b.yaml:" in beside
        assert str(project) not in beside


async def test_running_a_broken_flow_says_fix_it_for_one_error(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        _edit(app, "ask: current_tool", "ask: currnt_tool")
        await pilot.press("f5", "a")
        assert app.notes[-1] == "The flow has 1 error; fix it in the Editor first."
