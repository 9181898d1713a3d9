"""Other visitors' data: someone who talked to the bot, and a request for what they said.

"What did the person who chatted before me say their budget was?", "emails of your other
customers". The bot holds one session's facts and must never be asked for another's; a buyer
mentioning their own colleague or their own customer list is not asking.
"""

from __future__ import annotations

import re

from .scan import _LAST_WORDS, _SENTENCE_BEFORE, _combine, _Rule, _rule

_PERSON = r"(?:visitor|user|person|buyer|customer|lead|caller|client|chat|conversation|session|guy|lady|one)"


def _asks_about_someone(text: str, start: int) -> bool:
    """ "What did the previous visitor tell you?"; not "in our last conversation with your rep"."""
    before = text[max(0, start - 60) : start]
    if re.search(r"\b(?:my|our|your|one)\s+$", before):
        return False
    return bool(
        re.search(
            r"\b(?:what|who|which|whose|tell|show|give|repeat|share|reveal|print|send|list|dump|"
            r"export|read|say|said|told|wrote|email|name|details|data|info|information)\b",
            before,
        )
    )


# Someone else who talked to the bot: "the person who chatted before me", "companies that
# talked to you today", "the customer you spoke with an hour ago".
_PARTY = (
    r"(?:person|people|visitor|visitors|user|users|customer|customers|client|clients|company|"
    r"companies|business|businesses|firm|firms|lead|leads|buyer|buyers|prospect|prospects|guy|"
    r"guys|woman|man|lady|someone|somebody|anyone|anybody|one|organi[sz]ations?|accounts?|teams?)"
)
_TALKED = (
    r"(?:chatted|talked|spoke|spoken|wrote|written|messaged|contacted|emailed|came|visited|asked|"
    r"reached\s+out|(?:been|was|were)\s+(?:talking|chatting|here|in\s+touch))"
)
# What a request for their data asks about ("say their budget", "the emails of", "who").
_THEIR_DATA = re.compile(
    r"\b(?:budgets?|headcounts?|e-?mails?|phones?|numbers?|names?|details|contacts?|said|say|says|"
    r"told|tell|wrote|transcripts?|timelines?|size|employees|staff|records?|data|info|"
    r"information|address(?:es)?|titles?|roles?|revenue|who|whose)\b"
)
_REQUEST_OPENER = re.compile(
    r"\b(?:what|which|who|whose|how|tell|show|give|list|share|send|read|repeat|print|reveal|"
    r"dump|export|forward)\b"
)


def _asks_for_their_data(text: str, start: int) -> bool:
    """A request about the other party, not a mention: "What did the person who chatted before
    me say?", not "The person who talked to you before me is my colleague" or "my team that
    spoke with you"."""
    if re.search(r"\b(?:my|our)\s+(?:[\w-]+\s+)?$", text[max(0, start - 30) : start]):
        return False
    before = _SENTENCE_BEFORE.search(text, max(0, start - 160), start)
    after = re.match(r"[^.!?\n]*", text[start : start + 200])
    sentence = (before.group(0) if before else "") + (after.group(0) if after else "")
    return bool(before and _REQUEST_OPENER.search(before.group(0)) and _THEIR_DATA.search(sentence))


_ASKING_WORDS = frozenset(
    ["me", "us", "and", "so", "but", "know", "wondering", "curious", "ask", "see", "list", "share",
     "remember", "tell", "show", "about", "out", "please"]
)  # fmt: skip


def _asks_who(text: str, start: int) -> bool:
    """'Who else has talked to you?' asks; 'the person who talked to you' only names someone."""
    before = text[max(0, start - 40) : start].rstrip()
    if not before or before[-1] in ".!?;:,-([\"'":
        return True
    words = _LAST_WORDS.search(before)
    return words is None or words.group(2) in _ASKING_WORDS


_DATA_REQUEST: tuple[_Rule, ...] = (
    _rule(rf"\b(?:previous|last|earlier|prior)\s+{_PERSON}s?\b", _asks_about_someone),
    _rule(
        r"\b(?:person|visitor|user|buyer|customer|someone|people|one)\s+(?:who\s+was\s+)?(?:before|ahead\s+of)\s+me\b",
        _asks_for_their_data,
    ),
    _rule(
        rf"\b{_PARTY}\s+(?:(?:who|that|which)\s+(?:(?:has|have|had|just|already|also|recently)\s+)*"
        rf"{_TALKED}\s+(?:(?:to|with|in|on)\s+)?(?:you|here|this\s+(?:bot|chat|assistant)|before|"
        r"earlier|ahead|prior|today|yesterday|this\s+(?:morning|afternoon|week))|(?:you|ava)\s+"
        r"(?:(?:just|already|also|recently)\s+)?(?:chatted|talked|spoke|were\s+(?:talking|chatting)|"
        r"dealt|met|helped|served|qualified|handled)\b)",
        _asks_for_their_data,
    ),
    _rule(r"\b(?:someone|anyone|somebody|anybody)\s+else'?s\b"),
    _rule(
        r"\b(?:other|all|your|previous|another)\s+(?:visitors?|users?|customers?|clients?|leads?|buyers?|"
        r"people|contacts?|compan(?:y|ies)|firms?|business(?:es)?|accounts?|prospects?)"
        r"(?:'s|s'|')?\s+(?:personal\s+)?(?:data|emails?|details|phone(?:\s+numbers?)?|"
        r"contact\s+(?:details|info)|info|information|conversations|chats|messages|addresses|records|"
        r"budgets?|headcounts?|names|transcripts?|timelines?)"
    ),
    _rule(
        r"\b(?:emails?|e-mail\s+addresses|phone\s+numbers?|contact\s+(?:details|info)|addresses|"
        r"names(?:\s+and\s+emails)?|budgets|headcounts|transcripts|records)\s+of\s+(?:your|other|"
        r"all|the\s+other|previous|the\s+previous|another|different)\s+(?:\w+\s+)?(?:customers|"
        r"clients|users|visitors|leads|buyers|people|contacts|companies|firms|businesses|"
        r"organi[sz]ations|accounts|prospects)"
    ),
    _rule(
        r"\b(?:your|relay'?s|the\s+company'?s)\s+(?:customer|client|lead|user|contact|visitor)s?\s+"
        r"(?:list|lists|database|db|records|emails|data|details)\b"
    ),
    _rule(
        r"\b(?:list|dump|export)\s+(?:me\s+)?(?:all\s+)?(?:of\s+)?(?:your|the)\s+(?:leads|contacts|users|visitors)\b"
    ),
    _rule(
        r"\bwho\s+(?:else\s+)?(?:has\s+|have\s+)?(?:talked|spoken|chatted|written)\s+(?:to|with)\s+you",
        _asks_who,
    ),
    _rule(r"\byour\s+(?:crm|database|db)\s+(?:records?|entries|contents|data|dump)"),
)

_DATA_REQUEST_SCAN = _combine(_DATA_REQUEST)
