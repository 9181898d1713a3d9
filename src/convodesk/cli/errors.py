"""The CLI contract: exit codes and one place that turns failures into them."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import IntEnum

import typer

from convodesk.runtime.problems import Problem


class Exit(IntEnum):
    OK = 0
    FAILED = 1
    BAD_INPUT = 2
    INTERRUPTED = 130  # Ctrl-C or SIGTERM; finished work is saved (the shell's 128 + SIGINT)


def report(problems: Iterable[Problem]) -> None:
    """Diagnostics go to stderr as plain one-line messages, one per problem."""
    for problem in problems:
        print(str(problem), file=sys.stderr)


def bad_input(problems: Iterable[Problem]) -> typer.Exit:
    report(problems)
    return typer.Exit(Exit.BAD_INPUT)


def usage(message: str) -> typer.Exit:
    print(f"convodesk: {message}", file=sys.stderr)
    return typer.Exit(Exit.BAD_INPUT)
