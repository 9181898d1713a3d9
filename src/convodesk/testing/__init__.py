"""Testing support: transcript snapshots for syrupy, a pytest plugin and turn-level diffs.

Every name loads on first use. pytest imports `convodesk.testing.plugin`, and so this package,
in every session where convodesk is installed: importing it must not pull in the runtime, the
simulator or pydantic (tests/test_import_hygiene.py proves it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .diff import Change, TranscriptDiff, compare, format_diff, render_diffs
    from .extension import TranscriptExtension
    from .result import Result, converse
    from .snapshot import (
        Snapshot,
        dump_snapshot,
        from_conversation,
        from_transcript,
        parse_snapshot,
    )
    from .suite import persona_suite

_LAZY = {
    "Change": "diff",
    "TranscriptDiff": "diff",
    "compare": "diff",
    "format_diff": "diff",
    "render_diffs": "diff",
    "Result": "result",
    "converse": "result",
    "Snapshot": "snapshot",
    "dump_snapshot": "snapshot",
    "from_conversation": "snapshot",
    "from_transcript": "snapshot",
    "parse_snapshot": "snapshot",
    "TranscriptExtension": "extension",
    "persona_suite": "suite",
}

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # later look-ups skip this hook
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
