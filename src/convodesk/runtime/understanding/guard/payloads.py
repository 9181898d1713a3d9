"""Code payloads: SQL, script and template injection pasted into a chat message.

"10; DROP TABLE users" states no headcount, so a payload blanks the whole message.
"""

from __future__ import annotations

import re

from ..anycase import AnyCase
from .scan import _alternation

_CODE = (
    r"\b(?:drop|truncate|alter)\s+table\b",
    r"\bunion\s+(?:all\s+)?select\b",
    r"\binsert\s+into\s+\w+\s*(?:\(|values\b)",
    r"\bselect\s+(?:\*|@@\w+|case\s+when|(?:\w+\s*,\s*)+\w+\s+from\s+\w+\s*(?:where\b|;|--|$|\)))",
    r"\bselect\s+\w+\s+from\s+\w+\s+where\s+\w+\s*(?:=|like\b)",
    r"'\s*(?:or|and)\s+'?\d+'?\s*=\s*'?\d+",
    r"'\s*(?:or|and)\s+'[^']{0,20}'\s*=\s*'",
    r";\s*(?:shutdown\b|drop\s+(?:table|database)\b|delete\s+from\b|update\s+\w+\s+set\b|exec\b|truncate\b)",
    r"\bexec\s*\(",
    r"\bexec(?:ute)?\s+(?:xp|sp)_\w+",
    r"\bxp_cmdshell\b",
    r"\bsleep\s*\(\s*\d",
    r"\bwaitfor\s+delay\b",
    r"\bbenchmark\s*\(\s*\d",
    r"['\")]\s*;?\s*--",
    r";\s*--",
    r"/\*\s*$",
    r"<\s*script\b",
    r"\bjavascript:",
    r"\bon(?:error|load|click|mouseover)\s*=",
    r"<\s*iframe\b",
    r"\{\{.{0,40}\}\}",
    r"\$\{.{0,40}\}",
    r"\{%.{0,40}%\}",
    r"\brm\s+-rf\b",
    r"/etc/passwd\b",
    r"\bcmd\.exe\b",
)
_CODE_SCAN = tuple(AnyCase(scan, re.M) for scan in _alternation(list(_CODE)))
