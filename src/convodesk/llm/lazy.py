"""The one place that imports litellm.

litellm takes seconds to import and, unless told otherwise, fetches its model price map
from the internet at import time; it also prints help banners on every exception. So it
is imported here, once, on first use, after setting the local-cost-map switch and before
anything else can touch it, and then silenced.
"""

from __future__ import annotations

import logging
import os
import threading
from types import ModuleType

_lock = threading.Lock()
_module: ModuleType | None = None
_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "httpx", "aiohttp")


def litellm() -> ModuleType:
    """The litellm module, imported and configured exactly once (thread-safe)."""
    global _module
    if _module is not None:
        return _module
    with _lock:
        if _module is None:
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            os.environ.setdefault("LITELLM_TELEMETRY", "False")
            os.environ.setdefault("LITELLM_LOG", "ERROR")
            import litellm as module

            module.suppress_debug_info = True
            module.set_verbose = False
            module.telemetry = False
            module.turn_off_message_logging = True
            module.drop_params = True  # a provider that lacks `seed` must not fail the call
            for name in _LOGGERS:
                logging.getLogger(name).setLevel(logging.CRITICAL)
            _module = module
    return _module


def retryable_errors() -> tuple[type[BaseException], ...]:
    """Transient failures worth another try: rate limits, 5xx, timeouts, dropped connections.

    litellm maps a malformed body and a reset connection to `InternalServerError` too, so
    those are retried as well; bad-request errors are not, and a missing key (which litellm
    also raises as `InternalServerError`), auth and not-found errors stop the run
    (`errors.outcome` decides before this tuple is consulted).
    """
    exc = litellm().exceptions
    return (
        exc.RateLimitError,
        exc.InternalServerError,
        exc.ServiceUnavailableError,
        exc.BadGatewayError,
        exc.Timeout,
        exc.APIConnectionError,
    )


def is_loaded() -> bool:
    return _module is not None
