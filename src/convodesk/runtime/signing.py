"""Signed session state, for backends that keep state where a client can touch it.

The engine refuses states from another flow version and states naming unknown steps or slots,
but an edited slot value (`company_size: 5` -> `5000`) is still a valid state: only a signature
catches that. A signed dump is an envelope `{"scheme", "state", "sig"}` with HMAC-SHA256.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

SIGNATURE_SCHEME = "hmac-sha256-v1"
MIN_SECRET_BYTES = 16


class SignatureError(ValueError):
    """A saved state whose signature is missing, foreign or wrong."""


def secret_key(secret: str | bytes | None) -> bytes | None:
    key = secret.encode() if isinstance(secret, str) else secret
    if key is not None and len(key) < MIN_SECRET_BYTES:
        raise ValueError(f"a state-signing secret needs at least {MIN_SECRET_BYTES} bytes")
    return key


def sign(key: bytes, text: str) -> str:
    message = f"{SIGNATURE_SCHEME}\n{text}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal(key: bytes, text: str) -> str:
    return json.dumps(
        {"scheme": SIGNATURE_SCHEME, "state": text, "sig": sign(key, text)}, separators=(",", ":")
    )


def envelope(
    saved: str | bytes | Mapping[str, Any], *, strict: bool = False
) -> Mapping[str, Any] | None:
    """The signature envelope in `saved`, or None for a plain state.

    Not JSON at all: an error when `strict`, else None so the state parser reports it.
    """
    if isinstance(saved, str | bytes):
        try:
            data = json.loads(saved)
        except ValueError:
            if strict:
                raise SignatureError("saved state is not valid JSON") from None
            return None
    else:
        data = saved
    if isinstance(data, Mapping) and "scheme" in data:
        if data["scheme"] != SIGNATURE_SCHEME:
            raise SignatureError(f"saved state is signed with unknown scheme {data['scheme']!r}")
        return data
    return None


def unseal(
    key: bytes | None, saved: str | bytes | Mapping[str, Any]
) -> str | bytes | Mapping[str, Any]:
    """The state inside `saved`, checked against `key`; plain states pass only without a key."""
    sealed = envelope(saved, strict=key is not None)
    if key is None:
        if sealed is not None:
            raise SignatureError(
                "saved state is signed, but this engine has no secret: create it with secret=..."
            )
        return saved
    if sealed is None:
        raise SignatureError(
            "saved state is not signed; this engine resumes only states it dumped with dump()"
        )
    text, sig = sealed.get("state"), sealed.get("sig")
    if not isinstance(text, str) or not isinstance(sig, str):
        raise SignatureError("saved state's signature envelope is incomplete: it was tampered with")
    if not hmac.compare_digest(sign(key, text), sig):
        raise SignatureError(
            "saved state's signature does not match: it was tampered with or signed with another secret"
        )
    return text
