"""A flow's content hash: what it does, independent of comments, key order and file format."""

from __future__ import annotations

import hashlib
import json

from .model import Flow


def content_hash(flow: Flow) -> str:
    canonical = json.dumps(flow.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
