"""Finding a project's files from a test, and failing with one plain line when they are broken.

A relative path in a test (`"flows/inbound.yaml"`) means "in this project", not "in whatever
folder pytest was started from": it is looked up from the test file's folder upwards, so
`pytest`, `cd tests && pytest` and `pytest /abs/path/tests/test_x.py` all find the same file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def locate(path: str | Path, start: str | Path) -> Path:
    """`path` as is when absolute, else under `start` or its nearest ancestor that has it.

    Raises `FileNotFoundError` with a message naming the file and where it was looked for.
    """
    target = Path(path)
    if target.is_absolute():
        if target.exists():
            return target
        raise FileNotFoundError(f"file not found: {target}")
    origin = Path(start).resolve()
    for folder in (origin, *origin.parents):
        if (folder / target).exists():
            return folder / target
    raise FileNotFoundError(f"file not found: {target} (looked in {origin} and every folder above)")


@contextmanager
def clean_failure() -> Iterator[None]:
    """A missing or broken flow or persona fails the test (or its collection) with the
    `file:line:col: message` lines only: a traceback through convodesk would add nothing."""
    from convodesk.runtime.problems import LoadError

    try:
        yield
    except (LoadError, FileNotFoundError) as exc:
        # `pytest.fail(..., pytrace=False)`, without the "during handling" chain
        raise pytest.fail.Exception(str(exc), pytrace=False) from None
