"""Where commands are attached to the app, in the order `--help` lists them."""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES = (
    "validate",
    "chat",
    "simulate",
    "suite",
    "graph",
    "export",
    "studio",
    "new",
    "forget",
)


def register_all(app: typer.Typer) -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:  # TEMPORARY while modules land; made static at integration
            if exc.name != f"{__package__}.{name}":
                raise
            continue
        module.register(app)
