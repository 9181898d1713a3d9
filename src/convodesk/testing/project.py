"""Snapshots for the `convodesk new` starter project, so its first `pytest` run is green.

A fresh project ships the snapshots of its starter personas: drift is caught from the first
commit, and `pytest --snapshot-update` is only needed once the designer changes something.
"""

from __future__ import annotations

from pathlib import Path

from convodesk.runtime.loader import load_flow
from convodesk.sim.persona import load_personas
from convodesk.sim.transcripts import atomic_write

from .result import converse
from .snapshot import dump_snapshot

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
