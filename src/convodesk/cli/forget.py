"""`convodesk forget`: delete every stored conversation of one person (the right to erasure)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from .errors import Exit, usage

DEFAULT_TRANSCRIPTS = Path("transcripts")


def forget(
    email: str = typer.Option(
        ..., "--email", help="The person's email address (any letter case).", show_default=False
    ),
    transcripts: Path | None = typer.Option(
        None,
        "--transcripts",
        "-t",
        help="Folder of stored transcripts [default: transcripts]. The __snapshots__ folders "
        "under the tests/ folder beside it are searched too.",
        show_default=False,
    ),
    snapshots: list[Path] | None = typer.Option(
        None,
        "--snapshots",
        help="Another folder of snapshot files to search (repeat for more).",
        metavar="<path>",
        show_default=False,
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was removed as JSON."),
) -> int:
    """Delete every stored transcript and pytest snapshot that mentions EMAIL, redacted ones
    included, and list them. Exits 1 when a file that holds or may hold the address could not
    be removed (it is named on stderr)."""
    from convodesk.runtime.understanding import find_emails
    from convodesk.sim.erase import erase, snapshot_folders

    found = find_emails(email.strip())
    if len(found) != 1 or found[0].value.lower() != email.strip().lower():
        raise usage(f"--email takes one email address, got {email!r}")
    store = transcripts or DEFAULT_TRANSCRIPTS
    if transcripts is not None and not store.is_dir():
        raise usage(f"{store}: transcripts folder not found")
    for folder in snapshots or []:
        if not folder.is_dir():
            raise usage(f"{folder}: snapshots folder not found")
    folders = [
        *([store] if store.is_dir() else []),
        *snapshot_folders(store.parent / "tests"),
        *(snapshots or []),
    ]
    if not folders:
        raise usage(f"{store}: transcripts folder not found, and no tests/ snapshots beside it")
    result = erase(email, folders)
    if as_json:
        data = {
            "searched": [str(f) for f in folders],
            "scanned": result.scanned,
            "removed": [
                {"path": str(f.path), "persona": f.persona, "matched_by": f.matched_by}
                for f in result.removed
            ],
            "kept": [{"path": str(k.path), "reason": k.reason} for k in result.kept],
            "complete": result.complete,
        }
        print(json.dumps(data, indent=2))
    else:
        for f in result.removed:
            who = f"{f.persona}, " if f.persona else ""
            print(f"removed {f.path} ({who}matched by {f.matched_by})")
        print(
            f"{len(result.removed)} transcript(s) removed of {result.scanned} file(s) scanned in "
            + ", ".join(str(f) for f in folders)
        )
    for kept in result.kept:
        print(f"{kept.path}: {kept.reason}; not removed", file=sys.stderr)
    if not result.complete:
        print(
            f"convodesk: erasure incomplete: {len(result.kept)} file(s) may still hold the "
            "address (listed above); remove or edit them by hand",
            file=sys.stderr,
        )
        return Exit.FAILED
    return Exit.OK


def register(app: typer.Typer) -> None:
    app.command("forget")(forget)
