"""`convodesk export`: the flow and the runtime as a standalone package a web backend imports."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .errors import bad_input, usage
from .loading import load_checked, warn


def _display(path: Path) -> str:
    """Paths as the user gave them: every path printed is `--out` joined with the file's place
    in the package, so `--out build/x` prints `build/x/...` and `--out /tmp/x` prints `/tmp/x/...`."""
    return str(path)


def export(
    flow: Path = typer.Argument(..., help="Flow file (YAML) to export.", show_default=False),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Folder to write the package into.", show_default=False
    ),
    name: str | None = typer.Option(
        None,
        "--name",
        "-n",
        help="Import name of the package (a Python identifier). Default: the --out folder's name.",
        show_default=False,
    ),
    wheel: bool = typer.Option(False, "--wheel", help="Also build a wheel into OUT/dist."),
    force: bool = typer.Option(
        False, "--force", help="Replace a previous export in a non-empty --out folder."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> int:
    """Write a standalone Python package running FLOW: the runtime, the compiled flow, a wrapper."""
    from convodesk.export import ExportError, export_package

    loaded = load_checked(flow)
    warn(loaded)
    if loaded.flow is None:
        raise bad_input(loaded.errors)
    compiled = loaded.flow
    package = name if name is not None else out.resolve().name.replace("-", "_")
    try:
        result = export_package(compiled, out, package, wheel=wheel, force=force)
    except ExportError as exc:
        hint = " (pass --name)" if name is None and "package name" in str(exc) else ""
        raise usage(f"{exc}{hint}") from None
    plan = result.plan
    if as_json:
        data = {
            "package": plan.package,
            "version": plan.version,
            "flow": {"id": plan.flow.flow, "version": plan.flow.version, "hash": plan.flow_hash},
            "out": str(out),
            "files": sorted(p.relative_to(out).as_posix() for p in result.written),
            "wheel": str(result.wheel) if result.wheel else None,
        }
        print(json.dumps(data, indent=2))
        return 0
    runtime = sum(1 for p in plan.files if p.startswith(f"src/{plan.package}/runtime/"))
    print(
        f"exported {plan.flow.flow} v{plan.flow.version} ({plan.flow_hash}) "
        f"as package {plan.package} {plan.version}"
    )
    for rel in plan.files:
        if "/runtime/" not in rel:
            print(f"  wrote {_display(out / rel)}")
    print(f"  wrote {_display(out / 'src' / plan.package / 'runtime')}/ ({runtime} files)")
    if result.wheel:
        print(f"  wrote {_display(result.wheel)}")
    return 0


def register(app: typer.Typer) -> None:
    app.command("export")(export)
