"""`convodesk new`: scaffold a project (a flow, personas, a pytest file) that passes as created:
`convodesk test --snapshot` and `pytest` are green before the first edit."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import typer

from .errors import usage


def new(
    folder: Path = typer.Argument(..., help="Folder to create the project in.", show_default=False),
    name: str = typer.Option(
        "inbound", "--name", "-n", help="Flow id and file name of the starter flow."
    ),
    force: bool = typer.Option(
        False, "--force", help="Write into a folder that already has files."
    ),
) -> int:
    """Create a convodesk project: flows/, personas/, tests/ and transcripts/, ready for
    `convodesk test --snapshot` and `pytest`."""
    from convodesk.sim.project import ProjectExists, scaffold
    from convodesk.testing.project import ship_snapshots, ship_transcripts

    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise usage(f"--name may only use letters, digits, '-', '_' and '.', got {name!r}")
    try:
        written = scaffold(folder, name, force=force)
    except ProjectExists as exc:
        raise usage(str(exc)) from None
    written += ship_snapshots(folder, name)
    written += ship_transcripts(folder, name)
    for path in written:
        print(f"  wrote {path}")
    print(f"next: {next_command(folder, name)}")
    return 0


def next_command(folder: Path, name: str) -> str:
    """Run from inside the project, so transcripts/ lands in it and not in the current folder."""
    test = f"convodesk test {shlex.quote(f'flows/{name}.yaml')}"
    if folder.resolve() == Path.cwd().resolve():
        return test
    return f"cd {shlex.quote(str(folder))} && {test}"


def register(app: typer.Typer) -> None:
    app.command("new")(new)
