"""`convodesk forget`: delete every stored transcript of one person (the right to erasure)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from .errors import Exit, usage


def forget(
    email: str = typer.Option(
        ..., "--email", help="The person's email address (any letter case).", show_default=False
    ),
    transcripts: Path = typer.Option(
        Path("transcripts"), "--transcripts", "-t", help="Folder of stored transcripts."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was removed as JSON."),
) -> int:
    """Delete every stored transcript that mentions EMAIL, redacted ones included, and list them."""
    from convodesk.runtime.understanding import find_emails
    from convodesk.sim.erase import erase

    found = find_emails(email.strip())
    if len(found) != 1 or found[0].value.lower() != email.strip().lower():
        raise usage(f"--email takes one email address, got {email!r}")
    if not transcripts.is_dir():
        raise usage(f"{transcripts}: transcripts folder not found")
    try:
        result = erase(email, transcripts)
    except OSError as exc:
        raise usage(f"cannot delete from {transcripts}: {exc.strerror or exc}") from None
    if as_json:
        data = {
            "scanned": result.scanned,
            "removed": [
                {"path": str(f.path), "persona": f.persona, "matched_by": f.matched_by}
                for f in result.removed
            ],
            "unreadable": [str(p) for p in result.unreadable],
        }
        print(json.dumps(data, indent=2))
    else:
        for f in result.removed:
            print(f"removed {f.path} ({f.persona}, matched by {f.matched_by})")
        print(f"{len(result.removed)} transcript(s) removed of {result.scanned} scanned")
    for path in result.unreadable:
        print(f"{path}: not readable as YAML, not checked", file=sys.stderr)
    return Exit.OK


def register(app: typer.Typer) -> None:
    app.command("forget")(forget)
