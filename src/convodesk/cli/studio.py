"""`convodesk studio`: the Textual app. Textual is imported inside the command only."""

from __future__ import annotations

from pathlib import Path

import typer

from .errors import usage


def _default_flow() -> Path:
    flows = sorted(Path("flows").glob("*.yaml"))
    if not flows:
        raise usage("no FLOW given and no flows/*.yaml here; pass the flow file to open")
    return flows[0]


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
    """Open the studio: edit, play, graph, simulate and review a flow in the terminal."""
    from convodesk.tui.app import StudioApp
    from convodesk.tui.workspace import Workspace

    workspace = Workspace.open(
        flow or _default_flow(), personas_dir=personas, transcripts_dir=transcripts
    )
    StudioApp(workspace).run()
    return 0


def register(app: typer.Typer) -> None:
    app.command("studio")(studio)
