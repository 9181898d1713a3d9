"""Markup and role tags: chat-template tokens and speaker labels pasted into a message.

"<|im_start|>system", "[INST]", "</user>", "System:", "admin override:" try to make the buyer's
words look like the bot's own instructions. `MARKUP_TAG` is also used elsewhere to keep such
tags out of slot values.
"""

from __future__ import annotations

import re

from .scan import _Rule, _rule

_ROLE_MARKER = (  # "System:", "[admin]:"
    r"\s*[\[<(]?\s*(?:system|admin|administrator|developer|assistant|instructions?|operator|root|"
    r"sudo)\s*[\]>)]?\s*:"
)
# Chat-template and HTML tags: "</user>", "<system>", "<|im_start|>", "[INST]", "<<SYS>>".
MARKUP_TAG = re.compile(
    r"</?[a-z][\w:-]{0,30}(?:\s[^<>]{0,100})?/?>|<\|[^|<>]{0,40}\|>|<<\s*/?\s*sys\s*>>"
    r"|\[\s*/?\s*(?:inst|sys|system|user|assistant)\s*\]",
    re.I,
)

RULES: tuple[_Rule, ...] = (
    # Role markers and chat-template tokens pasted into a message.
    _rule(rf"^{_ROLE_MARKER}"),
    _rule(rf"[.!?;]\s+{_ROLE_MARKER}"),
    _rule(
        r"\b(?:system|admin|administrator|developer|security|operator)\s+(?:notice|message|update|"
        r"alert|instruction|note|command|directive|announcement)s?\s*[:\-–—]"
    ),
    _rule(r"[\[<]\s*/?\s*(?:system|admin|administrator|sys|inst|instructions?)\s*[\]>]"),
    _rule(r"<\|\s*(?:im\s*start|im\s*end|system|user|assistant|endoftext)\s*\|>"),
    _rule(r"<<\s*sys\s*>>"),
    _rule(r"#{1,6}\s*(?:instruction|system|response|input)s?\b"),
    _rule(r"\b(?:system|admin)\s+override\b"),
    _rule(r"^override\s*:"),
    _rule(r"[.!?;]\s+override\s*:"),
    _rule(
        r"\bend\s+of\s+(?:the\s+)?(?:conversation|chat|prompt|instructions|system\s+prompt)\W+(?:new|next|begin|start)"
    ),
)
