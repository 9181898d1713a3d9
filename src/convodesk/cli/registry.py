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
        importlib.import_module(f"{__package__}.{name}").register(app)
