"""Relative paths in a project's tests mean "in this project", wherever pytest is started;
a missing or broken file is one plain line, not a traceback through convodesk."""

from __future__ import annotations

from pathlib import Path

import pytest

from convodesk.sim.project import scaffold
from convodesk.testing.paths import locate
from convodesk.testing.project import ship_snapshots

from .conftest import PLUGIN_ARGS, run_pytest

HAND_TEST = """\
def test_buyer(convodesk_flow, converse, transcript_snapshot):
    flow = convodesk_flow("flows/inbound.yaml")
    assert convodesk_flow("flows/inbound.yaml") is flow  # loaded once per session
    result = converse(flow, "personas/buyer.yaml")
    assert result.outcome.route == "warm"
    again = converse("flows/inbound.yaml", "personas/buyer.yaml", seed=0)
    assert again.transcript == result.transcript
    assert result == transcript_snapshot
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    scaffold(root, "inbound")
    ship_snapshots(root, "inbound")
    (root / "tests" / "test_hand.py").write_text(HAND_TEST)
    return root


def test_fixtures_and_persona_suite_work_from_any_folder(project: Path, tmp_path: Path) -> None:
    recorded = run_pytest(project, "--snapshot-update")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    snapshot = project / "tests" / "__snapshots__" / "test_hand" / "test_buyer.yaml"
    assert snapshot.is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for cwd, args in (
        (project, []),  # the project root (the rootdir)
        (project / "tests", []),  # `cd tests && pytest`: the rootdir is tests/
        (project / "tests", ["test_hand.py", "test_personas.py"]),
        (elsewhere, [str(project / "tests")]),  # an absolute path from another folder
    ):
        result = run_pytest(cwd, *args)
        assert result.returncode == 0, (cwd, args, result.stdout + result.stderr)
        assert "4 passed" in result.stdout, (cwd, args, result.stdout)
        assert "snapshots passed" in result.stdout
    assert [p.name for p in snapshot.parent.iterdir()] == ["test_buyer.yaml"]


def test_locate_prefers_the_nearest_folder_and_says_where_it_looked(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "x.yaml").write_text("")
    deep = tmp_path / "tests" / "unit"
    deep.mkdir(parents=True)
    assert locate("flows/x.yaml", deep) == tmp_path / "flows" / "x.yaml"
    (deep / "flows").mkdir()
    (deep / "flows" / "x.yaml").write_text("")
    assert locate("flows/x.yaml", deep) == deep / "flows" / "x.yaml"
    assert locate(tmp_path / "flows" / "x.yaml", deep) == tmp_path / "flows" / "x.yaml"
    with pytest.raises(FileNotFoundError) as missing:
        locate("flows/y.yaml", deep)
    assert str(missing.value) == (
        f"file not found: {Path('flows/y.yaml')} (looked in {deep.resolve()} and every folder above)"
    )
    with pytest.raises(FileNotFoundError, match=r"^file not found: /no/such\.yaml$"):
        locate("/no/such.yaml", deep)


@pytest.fixture
def pyproject(pytester: pytest.Pytester) -> pytest.Pytester:
    scaffold(pytester.path, "inbound", force=True)
    ship_snapshots(pytester.path, "inbound")
    pytester.makeini("[pytest]\naddopts = -p no:textual-snapshot\n")
    return pytester


def no_traceback_through_convodesk(result: pytest.RunResult) -> None:
    text = result.stdout.str()
    assert "Traceback" not in text and "During handling" not in text
    assert not any(f"/convodesk/{layer}/" in text for layer in ("testing", "runtime", "sim"))
    assert "LoadError" not in text


def test_a_broken_persona_is_one_collection_line(pyproject: pytest.Pytester) -> None:
    (pyproject.path / "personas" / "zz.yaml").write_text("persona: zz\nexpect: {route: hot}\n")
    result = pyproject.runpytest(*PLUGIN_ARGS)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting tests/test_personas.py*",
            "*/personas/zz.yaml:2:17: expect.route: must be one of 'warm', 'lukewarm', *",
            "*short test summary info*",
        ],
        consecutive=True,
    )
    no_traceback_through_convodesk(result)


def test_a_missing_flow_says_file_not_found(pyproject: pytest.Pytester) -> None:
    (pyproject.path / "flows" / "inbound.yaml").unlink()
    result = pyproject.runpytest(*PLUGIN_ARGS)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting tests/test_personas.py*",
            f"file not found: {Path('flows/inbound.yaml')} "
            f"(looked in {pyproject.path / 'tests'} and every folder above)",
        ],
        consecutive=True,
    )
    result.stdout.no_fnmatch_line("*inbound.yaml:1:1*")
    no_traceback_through_convodesk(result)


def test_fixtures_fail_the_test_with_the_problem_only(pyproject: pytest.Pytester) -> None:
    (pyproject.path / "personas" / "broken.yaml").write_text("persona: [broken\n")
    (pyproject.path / "tests" / "test_personas.py").unlink()
    pyproject.makepyfile(
        test_fixtures="""
        def test_missing_flow(convodesk_flow):
            convodesk_flow("flows/nowhere.yaml")

        def test_broken_persona(converse):
            converse("flows/inbound.yaml", "personas/broken.yaml")
        """
    )
    result = pyproject.runpytest(*PLUGIN_ARGS, "test_fixtures.py")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            f"*file not found: {Path('flows/nowhere.yaml')} (looked in {pyproject.path} and *",
            "*/personas/broken.yaml:1:10: YAML syntax error: *",
        ]
    )
    no_traceback_through_convodesk(result)
