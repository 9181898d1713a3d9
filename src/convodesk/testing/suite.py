"""`persona_suite`: a persona folder becomes one parametrised pytest test per persona.

It needs only syrupy's `snapshot` fixture, not the convodesk plugin, so a project's test file
works whether or not convodesk is installed with its entry points (e.g. on `PYTHONPATH`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from convodesk.sim.persona import Persona, load_personas

from .paths import clean_failure, locate
from .result import as_flow, converse


def _caller_folder(depth: int) -> Path:
    frame = sys._getframe(depth + 1)
    return Path(frame.f_globals.get("__file__", "x")).resolve().parent


def persona_suite(
    flow: str | Path,
    personas: str | Path = "personas",
    *,
    runs: int = 1,
    seed: int = 0,
    on_date: date | None = None,
) -> Callable[..., None]:
    """A test function to bind to a `test_*` name in a test module:

        test_persona = persona_suite("flows/inbound.yaml", "personas")

    Each persona (and run, with `runs` > 1) is one test that fails when a check fails, with
    every check's explanation, or when the transcript differs from its snapshot, with the
    turn-level diff. The flow and personas load at collection, so a broken file is reported
    then, as a collection error of one `file:line:col: message` line per problem (or
    `file not found: ...`), without a traceback.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    start = _caller_folder(1)
    with clean_failure():
        loaded = as_flow(locate(flow, start))
        cast = load_personas(locate(personas, start), loaded)
    cases = [(p, r) for p in cast for r in range(runs)]
    ids = [p.persona if runs == 1 else f"{p.persona}.{r}" for p, r in cases]

    @pytest.mark.parametrize("convodesk_case", cases, ids=ids)
    def test_persona(convodesk_case: tuple[Persona, int], snapshot: Any) -> None:
        from .extension import TranscriptExtension

        persona, run = convodesk_case
        result = converse(loaded, persona, seed, run=run, on_date=on_date)
        stored = snapshot.use_extension(TranscriptExtension)
        # always compared, even when a check fails: --snapshot-update then still records it
        matched = stored == result
        problems = [result.failure_message()] if not result.passed else []
        if not matched:
            problems.append(_snapshot_diff(stored))
        if problems:
            # the message is the diagnosis; a traceback into this helper would only add noise
            pytest.fail("\n".join(problems), pytrace=False)

    test_persona.__doc__ = f"Each persona in {personas} meets its expectations; snapshot matches."
    return test_persona


def _snapshot_diff(stored: Any) -> str:
    """syrupy's message for the last comparison, which our extension makes turn-level."""
    return "\n".join(str(line) for line in stored.get_assert_diff())
