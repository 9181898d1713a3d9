"""The exported bot: an `Engine` over the packaged flow, refusing a flow.json edited after export.

This module is copied into every exported package with its `..runtime` imports rewritten to
`.runtime`, so it may import only the runtime and the standard library. Signed session state
(`create_bot(secret=...)`) comes from the runtime's engine.
"""

from __future__ import annotations

from pydantic import ValidationError

from ..runtime.engine import Engine
from ..runtime.fingerprint import content_hash
from ..runtime.model import Flow
from ..runtime.signing import MIN_SECRET_BYTES, SIGNATURE_SCHEME

__all__ = [
    "MIN_SECRET_BYTES",
    "SIGNATURE_SCHEME",
    "Bot",
    "FlowIntegrityError",
    "load_compiled_flow",
]


class FlowIntegrityError(RuntimeError):
    """The packaged flow.json is not the flow this package was exported and tested with."""


def load_compiled_flow(text: str | bytes, expected_hash: str) -> Flow:
    """Read a compiled flow, refusing one that is not a flow or whose content changed after
    export (FlowIntegrityError either way: the package is broken, not the caller's input)."""
    try:
        flow = Flow.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise FlowIntegrityError(
            f"flow.json is not a valid compiled flow ({where}: {first['msg']}): the packaged "
            "flow was damaged or edited; export it again instead"
        ) from None
    actual = content_hash(flow)
    if actual != expected_hash:
        raise FlowIntegrityError(
            f"flow.json has content hash {actual}, but this package was exported with "
            f"{expected_hash}: the packaged flow was modified; export it again instead"
        )
    return flow


class Bot(Engine):
    """The packaged flow's engine. State signing (`secret=`, `dump`, `resume`) is the runtime's
    own; this class exists so a package's API names the bot it serves."""
