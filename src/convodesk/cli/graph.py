"""`convodesk graph`: the flow as a Mermaid flowchart."""

from __future__ import annotations

from pathlib import Path

import typer

from convodesk.runtime.graph import to_mermaid

from .loading import require_flow


def graph(flow: Path = typer.Argument(..., help="Flow file (YAML).", show_default=False)) -> int:
    """Print the flow's steps and branches as a Mermaid flowchart."""
    print(to_mermaid(require_flow(flow)), end="")
    return 0


def register(app: typer.Typer) -> None:
    app.command("graph")(graph)
