"""`convodesk studio`: the Textual app. Textual is imported inside the command only."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .errors import Exit, usage

if TYPE_CHECKING:
    from convodesk.tui.app import StudioApp


def _default_flow() -> Path:
    flows = sorted(Path("flows").glob("*.yaml"))
    if not flows:
        raise usage("no FLOW given and no flows/*.yaml here; pass the flow file to open")
    return flows[0]


def finish(app: StudioApp) -> int:
    """The exit code of a finished studio; after a crash, unsaved edits are rescued first.

    Textual has printed the traceback by then; this adds where the edits went.
    """
    if not app.return_code:
        return Exit.OK
    try:
        rescued = app.workspace.rescue()
    except OSError as exc:
        print(f"convodesk: could not rescue your unsaved edits: {exc.strerror}", file=sys.stderr)
        return Exit.FAILED
    where = f"; your unsaved edits are in {rescued}" if rescued is not None else ""
    print(f"convodesk: the studio stopped on an internal error{where}", file=sys.stderr)
    return Exit.FAILED


def studio(
    flow: Path | None = typer.Argument(
        None, help="Flow file (YAML) to open; default: the first flows/*.yaml.", show_default=False
    ),
    personas: Path | None = typer.Option(
        None, "--personas", help="Persona folder; default: personas/ beside flows/."
    ),
    transcripts: Path | None = typer.Option(
        None,
        "--transcripts",
        help="Transcript snapshot folder; default: transcripts/ beside flows/.",
    ),
) -> int:
    """Open the studio: edit, play, graph, simulate and review a flow in the terminal.

    Exits 1 if the studio stops on an internal error; unsaved edits are then written to
    FLOW.recovered beside the flow.
    """
    from convodesk.tui.app import StudioApp
    from convodesk.tui.workspace import Workspace

    workspace = Workspace.open(
        flow or _default_flow(), personas_dir=personas, transcripts_dir=transcripts
    )
    app = StudioApp(workspace)
    app.run()
    return finish(app)


def register(app: typer.Typer) -> None:
    app.command("studio")(studio)
