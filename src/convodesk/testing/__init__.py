"""Testing support: transcript snapshots for syrupy, a pytest plugin and turn-level diffs.

`snapshot` and `diff` need neither pytest nor syrupy (the CLI uses them); the pytest-facing
names load on first use.
"""

from __future__ import annotations

from typing import Any

from .diff import Change, TranscriptDiff, compare, format_diff, render_diffs
from .snapshot import Snapshot, dump_snapshot, from_conversation, from_transcript, parse_snapshot

__all__ = [
    "Change",
    "Result",
    "Snapshot",
    "TranscriptDiff",
    "TranscriptExtension",
    "compare",
    "converse",
    "dump_snapshot",
    "format_diff",
    "from_conversation",
    "from_transcript",
    "parse_snapshot",
    "persona_suite",
    "render_diffs",
]

_LAZY = {
    "Result": "result",
    "converse": "result",
    "TranscriptExtension": "extension",
    "persona_suite": "suite",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
