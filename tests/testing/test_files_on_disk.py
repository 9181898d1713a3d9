"""Transcript and snapshot files: written atomically, with the usual file mode, one line per
value so a one-word edit is a one-line diff."""

from __future__ import annotations

import difflib
import errno
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from syrupy.data import Snapshot as SyrupySnapshot
from syrupy.data import SnapshotCollection

from convodesk.sim.project import scaffold
from convodesk.sim.transcripts import atomic_write, dump_transcript, read_transcript
from convodesk.testing import converse, dump_snapshot, parse_snapshot
from convodesk.testing.extension import TranscriptExtension

LONG = (
    "Thanks, that helps a lot. Before we go further I should say that our procurement team "
    "insists on a security review, a data processing agreement, single sign-on through Okta "
    "and an export of every conversation, which is why we are still comparing three vendors."
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path, mask: int, expected: int) -> None:
    os.umask(mask)
    target = tmp_path / "flow" / "buyer.yaml"
    atomic_write(target, "persona: buyer\n")
    assert mode(target) == expected  # mkstemp alone would give 0600
    assert target.read_text() == "persona: buyer\n"
    assert [p.name for p in target.parent.iterdir()] == ["buyer.yaml"]


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize("kept", [0o600, 0o664])
def test_a_replaced_file_keeps_its_own_mode(tmp_path: Path, kept: int) -> None:
    target = tmp_path / "buyer.yaml"
    target.write_text("old\n")
    target.chmod(kept)
    atomic_write(target, "new\n")
    assert target.read_text() == "new\n" and mode(target) == kept


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    scaffold(tmp_path, "inbound", force=True)
    return tmp_path


def test_long_lines_are_never_wrapped(starter: Path) -> None:
    result = converse(starter / "flows" / "inbound.yaml", starter / "personas" / "buyer.yaml")
    transcript = result.transcript
    lines = list(transcript.conversation)
    lines[1] = lines[1].model_copy(update={"buyer": LONG})
    before = transcript.model_copy(update={"conversation": lines})
    edited = [*lines]
    edited[1] = edited[1].model_copy(update={"buyer": LONG.replace("three", "four")})
    after = transcript.model_copy(update={"conversation": edited})
    snapshots = (result.snapshot.model_copy(update={"conversation": c}) for c in (lines, edited))
    for old, new in (
        (dump_transcript(before), dump_transcript(after)),
        (dump_snapshot(next(snapshots)), dump_snapshot(next(snapshots))),
    ):
        assert any(line.endswith(LONG) for line in old.splitlines())
        changed = [
            d
            for d in difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm="")
            if d[:1] in "+-" and not d.startswith(("---", "+++"))
        ]
        assert len(changed) == 2, changed  # one line out, one line in
    assert parse_snapshot(dump_snapshot(result.snapshot)) == result.snapshot
    path = starter / "t.yaml"
    atomic_write(path, dump_transcript(before))
    assert read_transcript(path) == before


def collection(path: Path, text: str) -> SnapshotCollection:
    snapshots = SnapshotCollection(location=str(path))
    snapshots.add(SyrupySnapshot(name=path.stem, data=text))
    return snapshots


def test_snapshot_writes_go_through_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "__snapshots__" / "test_x" / "test_buyer.yaml"
    target.parent.mkdir(parents=True)
    target.write_text("persona: buyer\n")
    real_fsync = os.fsync

    def fail_after_writing(fd: int) -> None:  # the bytes are written, not yet on disk
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail_after_writing)
    with pytest.raises(OSError, match="No space left"):
        TranscriptExtension._write_snapshot_collection(
            snapshot_collection=collection(target, "persona: buyer\nflow: inbound\n")
        )
    assert target.read_text() == "persona: buyer\n"
    assert [p.name for p in target.parent.iterdir()] == ["test_buyer.yaml"]
    monkeypatch.setattr(os, "fsync", real_fsync)
    TranscriptExtension._write_snapshot_collection(
        snapshot_collection=collection(target, "persona: buyer\nflow: inbound\n")
    )
    assert target.read_text() == "persona: buyer\nflow: inbound\n"
    with pytest.raises(TypeError, match="text, not bytes"):
        TranscriptExtension._write_snapshot_collection(snapshot_collection=collection(target, b"x"))  # type: ignore[arg-type]


FILL_THE_DISK = """\
import resource, signal, sys
from pathlib import Path
from syrupy.data import Snapshot, SnapshotCollection
from convodesk.testing.extension import TranscriptExtension

target = Path(sys.argv[1])
snapshots = SnapshotCollection(location=str(target))
snapshots.add(Snapshot(name=target.stem, data="- turn: 1\\n  bot: hello\\n" * 20_000))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the limit, write() fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, resource.RLIM_INFINITY))
try:
    TranscriptExtension._write_snapshot_collection(snapshot_collection=snapshots)
except OSError as exc:
    print("failed", exc.errno)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX file size limits")
def test_a_snapshot_cut_off_mid_write_leaves_the_stored_one_whole(tmp_path: Path) -> None:
    """A real failure half way through the bytes (the file size limit standing in for a full
    disk): syrupy's own write truncates first and would leave 8 KB of a 500 KB snapshot."""
    target = tmp_path / "test_buyer.yaml"
    target.write_text("persona: buyer\n")
    run = subprocess.run(
        [sys.executable, "-c", FILL_THE_DISK, str(target)], capture_output=True, text=True
    )
    assert run.stdout.strip() == f"failed {errno.EFBIG}", run.stdout + run.stderr
    assert target.read_text() == "persona: buyer\n"
    assert [p.name for p in tmp_path.iterdir()] == ["test_buyer.yaml"]
