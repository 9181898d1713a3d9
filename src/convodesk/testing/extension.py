"""A syrupy extension: one readable YAML file per test, diffed turn by turn on failure.

Written against syrupy's public extension API (`SingleFileSnapshotExtension`, `serialize`,
`diff_lines`), which is the same from syrupy 4.6 on, plus one override of the file write
(`_write_snapshot_collection`, stable over the same versions) so that a snapshot is replaced
atomically. Files land in `__snapshots__/<test module>/<test name>[<persona>].yaml` beside the
test file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from convodesk.runtime.problems import LoadError
from convodesk.sim.runner import Conversation
from convodesk.sim.transcripts import Transcript, atomic_write

from .diff import compare, format_diff
from .result import Result
from .snapshot import Snapshot, dump_snapshot, from_conversation, from_transcript, parse_snapshot

if TYPE_CHECKING:
    from syrupy.data import SnapshotCollection


def to_snapshot(data: Any) -> Snapshot:
    """A `converse` result, a `Conversation`, a `Transcript` or a `Snapshot`."""
    if isinstance(data, Snapshot):
        return data
    if isinstance(data, Result):
        return data.snapshot
    if isinstance(data, Conversation):
        return from_conversation(data)
    if isinstance(data, Transcript):
        return from_transcript(data)
    raise TypeError(
        "a transcript snapshot takes a converse() result, a Conversation, a Transcript or a "
        f"Snapshot, not {type(data).__name__}"
    )


class TranscriptExtension(SingleFileSnapshotExtension):
    _file_extension = "yaml"
    _write_mode = WriteMode.TEXT
    _location = "<snapshot>"  # the file last read, named when it cannot be parsed

    @classmethod
    def _write_snapshot_collection(cls, *, snapshot_collection: SnapshotCollection) -> None:
        """Through a temporary file and a rename: syrupy's own write truncates the file first,
        so a run killed or a disk filling up mid-write would leave half a snapshot."""
        data = next(iter(snapshot_collection)).data
        if not isinstance(data, str):
            raise TypeError(f"a transcript snapshot is text, not {type(data).__name__}")
        atomic_write(Path(snapshot_collection.location), data)

    def serialize(self, data: Any, **_options: Any) -> str:
        # include/exclude/matcher are syrupy's generic filters; a snapshot's fields are fixed
        return dump_snapshot(to_snapshot(data))

    def _read_snapshot_data_from_location(
        self, *, snapshot_location: str, snapshot_name: str, session_id: str
    ) -> Any:
        """syrupy's read, remembering the file: a diff can then name it when it is unreadable."""
        self._location = snapshot_location
        return super()._read_snapshot_data_from_location(
            snapshot_location=snapshot_location,
            snapshot_name=snapshot_name,
            session_id=session_id,
        )

    def diff_lines(self, serialized_data: Any, snapshot_data: Any) -> Iterator[str]:
        """The turn-level diff, in plain text. A stored file that is not a snapshot (a merge
        conflict, a hand edit) gets one line naming where, never syrupy's coloured byte diff."""
        fresh = parse_snapshot(str(serialized_data))
        if not snapshot_data:
            yield f"{fresh.persona}: no stored snapshot yet (run pytest --snapshot-update)"
            return
        where = self._location
        try:
            stored = parse_snapshot(str(snapshot_data), where)
        except LoadError as exc:
            yield f"unreadable snapshot {exc.problems[0]}; re-run with --snapshot-update"
            return
        d = compare(stored, fresh)
        if d is None:  # equal content, different bytes: a hand-formatted or older file
            yield (
                f"{fresh.persona}: the stored snapshot {where} records the same conversation "
                "and outcome in other bytes (edited by hand, or written by another convodesk "
                "version); re-run with --snapshot-update to rewrite it"
            )
            return
        yield from format_diff(d).splitlines()
        yield "accept the change with: pytest --snapshot-update"
