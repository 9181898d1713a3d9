"""What a failed model call means, and how to say it in one line.

litellm reports many unlike failures through few classes: a missing API key and a dropped
connection both arrive as `InternalServerError` (HTTP 500), and its messages repeat the class
name two or three times ("litellm.InternalServerError: InternalServerError: OpenAIException -
..."). This module decides what each failure is for a suite run: worth another try (rate
limits, 5xx, timeouts, dropped connections, malformed bodies), permanent for that one request
(400: retrying the same request cannot help), or a configuration error that every request would
hit the same way (no key, a key the server refuses, an unknown model or endpoint), which stops
the run with one line instead of failing every conversation.
"""

from __future__ import annotations

import re
from typing import Literal

Outcome = Literal["retry", "permanent", "config"]

_PREFIX = re.compile(r"^\s*(?:litellm\.)?[A-Za-z_]*(?:Error|Exception|Timeout)\s*(?::|-)\s*")
_NO_KEY = re.compile(
    r"missing credentials|api_key client option must be set|"
    r"api[ _-]?key (?:is )?(?:missing|required|not (?:set|provided|found))|no api[ _-]?key",
    re.IGNORECASE,
)
_CONFIG_NAMES = {
    "AuthenticationError": 401,
    "PermissionDeniedError": 403,
    "NotFoundError": 404,
}


class LLMError(RuntimeError):
    """A call failed for good (retries exhausted or a permanent error); callers degrade."""

    def __init__(self, message: str, *, attempts: int, kind: str) -> None:
        super().__init__(message)
        self.attempts, self.kind = attempts, kind


class LLMConfigError(LLMError):
    """The run cannot work as configured: every request would fail the same way.

    Callers do not degrade on it (no persona error, no rules fallback, no inconclusive
    verdict): it propagates, the runner lets it through (`aborts_run`), and the CLI prints it
    as one line and exits 2, like any other bad setting.
    """

    aborts_run = True

    def __init__(self, message: str, *, attempts: int = 1) -> None:
        super().__init__(message, attempts=attempts, kind="config")


def chain(exc: BaseException, limit: int = 12) -> list[BaseException]:
    """`exc` and the exceptions beneath it (`__cause__`, else `__context__`)."""
    found: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(found) < limit:
        found.append(seen)
        seen = seen.__cause__ or seen.__context__
    return found


def status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def missing_credentials(exc: BaseException) -> bool:
    """No API key reached the provider (litellm raises this as a 500 without any request)."""
    return any(_NO_KEY.search(str(e)) for e in chain(exc))


def outcome(exc: BaseException, retryable: tuple[type[BaseException], ...]) -> Outcome:
    """Retry it, give up on this request, or stop the run."""
    if missing_credentials(exc):
        return "config"
    if type(exc).__name__ in _CONFIG_NAMES or status_of(exc) in (401, 403, 404):
        return "config"
    if isinstance(exc, (TimeoutError, *retryable)):
        return "retry"
    return "permanent"


def retry_cause(exc: BaseException) -> str:
    """Which of `client.RETRY_CAUSES` a transport failure was.

    litellm reports a dropped connection and an unparsable body as `InternalServerError`, so
    the exception chain (the JSON error or the socket error underneath) decides those.
    """
    found = chain(exc)
    names = [type(e).__name__ for e in found]
    if any(isinstance(e, TimeoutError) for e in found) or any("Timeout" in n for n in names):
        return "timeout"
    if any(isinstance(e, ValueError) for e in found[1:]):  # json.JSONDecodeError is one
        return "malformed_body"
    if any(isinstance(e, ConnectionError) for e in found) or any(
        marker in n for n in names for marker in ("Connection", "Disconnect", "ReadError")
    ):
        return "connection"
    if "Connection error" in str(exc):  # litellm's words for a refused or dropped connection
        return "connection"
    if "RateLimitError" in names[0] or status_of(exc) == 429:
        return "429"
    return "5xx"


def message(exc: BaseException, limit: int = 240) -> str:
    """The provider's own words, once: the repeated class-name prefixes are dropped."""
    text = " ".join(str(exc).split())
    while match := _PREFIX.match(text):
        text = text[match.end() :]
    text = text or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


_CAUSE_WORDS = {
    "429": "HTTP 429 rate limit",
    "5xx": "HTTP {status}",
    "timeout": "timeout",
    "connection": "no connection",
    "malformed_body": "malformed body",
}


def transient(exc: BaseException, attempts: int) -> str:
    """'gave up after 5 attempts (no connection): Connection error.'"""
    cause = retry_cause(exc)
    words = _CAUSE_WORDS.get(cause, cause).format(status=status_of(exc) or "5xx")
    return f"gave up after {attempts} attempts ({words}): {message(exc)}"


def permanent(exc: BaseException) -> str:
    """'BadRequestError (HTTP 400, not retried): ...'"""
    status = status_of(exc)
    where = f"HTTP {status}, not retried" if status else "not retried"
    return f"{type(exc).__name__} ({where}): {message(exc)}"


def config(
    exc: BaseException, *, model: str, api_base: str | None, placeholder: bool
) -> LLMConfigError:
    """The one line a run stops with: what is wrong and which setting fixes it."""
    where = f"the server at {api_base}" if api_base else "the provider"
    status = status_of(exc)
    name = type(exc).__name__
    if missing_credentials(exc):
        return LLMConfigError(
            f"{model}: no API key: set CONVODESK_API_KEY (or the provider's own variable), "
            f"or use --api-base for a server that needs none ({message(exc, 120)})"
        )
    if name == "AuthenticationError" or status == 401:
        sent = (
            "no key was set, so convodesk sent a placeholder; set CONVODESK_API_KEY"
            if placeholder
            else "check CONVODESK_API_KEY (or the provider's own variable)"
        )
        return LLMConfigError(
            f"{model}: {where} refused the API key (HTTP 401: {message(exc, 120)}); {sent}"
        )
    if name == "PermissionDeniedError" or status == 403:
        return LLMConfigError(
            f"{model}: {where} denied access (HTTP 403: {message(exc, 120)}); "
            "check the key's permissions for this model"
        )
    return LLMConfigError(
        f"{model}: {where} does not know this model or endpoint (HTTP 404: "
        f"{message(exc, 120)}); check --model and --api-base"
    )
