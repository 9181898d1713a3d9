"""Snapshots and transcripts for the `convodesk new` starter project, so its first `pytest`
and its first `convodesk test --snapshot` are green.

A fresh project ships both records of its starter personas: drift is caught from the first
commit, and `--snapshot-update` / `--update` are only needed once the designer changes
something. Both are written by the code paths that later compare them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from convodesk.runtime.loader import load_flow
from convodesk.sim.persona import load_personas
from convodesk.sim.suite_run import run_configured_suite
from convodesk.sim.transcripts import atomic_write

from .result import converse
from .snapshot import dump_snapshot
from .store import check_store, write_missing

TEST_FILE = Path("tests") / "test_personas.py"
TEST_NAME = "test_persona"


def snapshot_path(test_file: Path, test_name: str, case_id: str) -> Path:
    """Where syrupy keeps the `TranscriptExtension` snapshot of one parametrised test."""
    return test_file.parent / "__snapshots__" / test_file.stem / f"{test_name}[{case_id}].yaml"


def ship_snapshots(root: str | Path, name: str) -> list[Path]:
    """Record one snapshot per starter persona (seed 0, as `persona_suite` runs them)."""
    folder = Path(root)
    flow = load_flow(folder / "flows" / f"{name}.yaml")
    written = []
    for persona in load_personas(folder / "personas", flow):
        path = snapshot_path(folder / TEST_FILE, TEST_NAME, persona.persona)
        atomic_write(path, dump_snapshot(converse(flow, persona).snapshot))
        written.append(path)
    return written


def ship_transcripts(root: str | Path, name: str) -> list[Path]:
    """Record `transcripts/<flow>/<persona>.yaml` as a first plain `convodesk test` run of the
    starter flow does: the same suite run (seed 0, one run per persona) and the same store."""
    folder = Path(root)
    flow = load_flow(folder / "flows" / f"{name}.yaml")
    cast = load_personas(folder / "personas", flow)
    run = asyncio.run(run_configured_suite(flow, cast))
    return write_missing(check_store(run.result, folder / "transcripts"))
