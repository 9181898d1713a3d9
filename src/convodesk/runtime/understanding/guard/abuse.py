"""Insults and spam: flagged for the outcome, never blanked.

A frustrated buyer may swear and still state real facts, so these only raise a flag. Spam
needs a strong sign or two weak ones ("we run two casino resorts" is a buyer).
"""

from __future__ import annotations

import re
from collections import Counter

from ..anycase import AnyCase

_ABUSE = AnyCase(
    r"\b(?:"
    r"f+u+c+k+\w*|sh[i1]t+(?:ty|head)?|bullshit|asshole|bitch\w*|bastard|cunt|dickhead|wanker|twat|retard\w*"
    r"|(?:you|u|ur|you're|youre|this\s+bot|your\s+bot|this\s+chatbot|this\s+thing)\s+(?:are|is|r)?\s*(?:an?\s+|so\s+|such\s+an?\s+)?"
    r"(?:idiot|stupid|moron|dumb|useless|pathetic|garbage|trash|worthless|clown|joke|brain\s*dead)"
    r"|shut\s+up|screw\s+you|go\s+to\s+hell|kill\s+yourself|piss\s+off|(?:i\s+)?hate\s+(?:you|this\s+bot)|you\s+suck"
    r")\b"
)
_SPAM_WORDS = AnyCase(
    r"\b(?:buy\s+now|click\s+here|limited\s+offer|act\s+now|100%\s+free|free\s+money|crypto\s*(?:currency)?\s+(?:investment|signals?)"
    r"|viagra|cialis|porn|xxx|guaranteed\s+(?:ranking|traffic|returns)"
    r"|earn\s+\$?\d+\s*(?:k|\$)?\s+(?:per|a)\s+(?:day|week)|work\s+from\s+home\s+and\s+earn|lottery\s+winner)\b"
)
# Words a real buyer may use ("we run two casino resorts"): spam only with a second sign.
_SPAM_HINTS = AnyCase(
    r"\b(?:bitcoin|crypto|casino|betting|seo\s+services|backlinks?|cheap|discount|promo|"
    r"dm\s+me|whatsapp|telegram|earn|profit|investment|offer)\b"
)
_URL = AnyCase(r"https?://|www\.")  # a link is a hint too; no hint word overlaps one
_REPEAT = re.compile(r"(.)\1{29,}", re.S)
_WORD = re.compile(r"\w+")


def _is_spam(text: str) -> bool:
    if _SPAM_WORDS.search(text) or sum(1 for _ in _URL.finditer(text)) >= 3 or _REPEAT.search(text):
        return True
    if len({m.group(0).lower() for scan in (_SPAM_HINTS, _URL) for m in scan.finditer(text)}) >= 2:
        return True
    words = _WORD.findall(text.lower())
    if len(words) < 20:
        return False
    if len(set(words)) > len(words) // 4:
        return False
    return Counter(words).most_common(1)[0][1] * 2 > len(words)
