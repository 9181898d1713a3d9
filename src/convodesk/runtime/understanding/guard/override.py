"""Instruction override: an override verb aimed at the bot's rules, in any of several languages.

"Disregard prior guidance", "forget everything above", "your rules are void", "olvida tus
instrucciones". The verb alone is a buyer's word too ("supervisors override the schedule"), so a
rule needs what it is aimed at (the bot's own nouns, or a buyer-like noun owned by the bot) and a
command in the imperative. A verb disguised to slip past a filter ("d1sregard") needs no object:
nobody disguises a word they mean innocently.
"""

from __future__ import annotations

import re

from .fold import _Folded
from .scan import _imperative, _Rule, _rule

_OVERRIDE = (
    r"(?:ignore|disregard|forget|override|overwrite|bypass|skip|drop|discard|abandon|dismiss|"
    r"neglect|cancel|erase|delete|reset|wipe|void|scrap|ditch|throw\s+out|set\s+aside|"
    r"put\s+aside|pay\s+no\s+attention\s+to|stop\s+(?:following|obeying|using|listening\s+to)|"
    r"(?:do\s+not|don'?t|no\s+longer)\s+(?:follow|obey|use|apply)|disable|turn\s+off|deactivate|"
    r"lift|suspend|unlearn)"
)
# Nouns that only a bot has: "ignore (all) instructions" needs no owner.
_BOT_NOUN = (
    r"(?:instructions?|prompts?|guidance|guidelines|directives?|programming|system\s+message|"
    r"guardrails|safeguards|safety\s+(?:rules|settings|filters)|content\s+polic(?:y|ies)|pre-?prompt)"
)
# Nouns a buyer's own business has too ("the approval rules"): they need the bot as owner.
_OWNED_NOUN = (
    r"(?:rules?|polic(?:y|ies)|script|orders|commands|context|setup|logic|criteria|training|"
    r"filters|restrictions|constraints|configuration|config|settings|limits|boundaries|protocols?|"
    r"checks|screening|vetting|directions)"
)
_FILLER = (
    r"(?:all|any|every|each|of|the|these|those|such|previous|prior|earlier|above|preceding|"
    r"foregoing|initial|original|old|existing|current|default|given|system|safety|content|hidden|"
    r"secret|internal|standard|usual|normal|whole|entire|other|qualification|scoring|routing|"
    r"lead|sales|base|core|built-in|my|our|your|its)"
)
_BOT_OWNER = r"(?:your|its|ava'?s|the\s+bot'?s|the\s+assistant'?s|previous|prior|earlier|above|preceding|initial|original|system|all)"
_TOLD = (
    r"(?:you(?:'ve|\s+have)?\s+(?:been\s+)?|you\s+were\s+|you\s+got\s*)"
    r"(?:told|given|taught|instructed|programmed|trained|set\s+up|asked|fed|before\b)"
)


# "Ignore previous instructions" in other major languages (text is folded: no accents).
_ML_VERB = (
    r"(?:ignora|ignore|ignorez|ignorer|ignoriere|ignorier|ignorate|olvida|olvide|olvidad|"
    r"olvidate|omite|omita|descarta|descarte|desconsidera|desconsidere|esqueca|esquece|oublie|"
    r"oubliez|vergiss|vergesst|vergessen\s+sie|negeer|vergeet|dimentica|dimenticate|dimentichi|"
    r"pasa\s+por\s+alto|no\s+sigas|no\s+hagas\s+caso\s+(?:a|de))"
)
_ML_FILLER = (
    r"(?:todas|todos|las|los|tus|sus|vuestras|tes|vos|les|toutes|tous|alle|allen|deine|deinen|"
    r"ihre|die|as|os|suas|seus|tuas|teus|le|tue|sue|je|jouw|uw|de|previas|anteriores|"
    r"precedentes|precedenti|vorherigen|bisherigen|vorige|eerdere|originales|originais|"
    r"originali|iniziali|initiales|du|des|ces|esas|estas|essas|queste|la|el|il|lo|gli|della|"
    r"delle|dei|di|del|der|den|dem|systeme|sistema|tutte|tutti|tuoi|samtliche|al)"
)
_ML_NOUN = (
    r"(?:instrucciones|instruccion|indicaciones|reglas|normas|directrices|ordenes|instructions|"
    r"consignes|regles|directives|anweisungen|regeln|vorgaben|richtlinien|befehle|instrucoes|"
    r"instrucao|regras|diretrizes|ordens|istruzioni|regole|direttive|indicazioni|instructies|"
    r"regels|richtlijnen|prompts?)"
)
# Subjects of a statement in those languages ("j'ignore les règles", "wir ignorieren ..."):
# an elided "j'" leaves the verb right after an apostrophe, which _imperative reads as a start.
_ML_SUBJECT = re.compile(
    r"(?:\b(?:j|l|qu|n|m|t|s)'|\b(?:je|tu|il|elle|on|nous|vous|ils|elles|yo|nosotros|ich|du|er|"
    r"sie|wir|ihr|eu|ele|ela|nos|io|noi|ik|jij|wij|hij|zij))\s*$"
)


def _ml_imperative(text: str, start: int) -> bool:
    return _imperative(text, start) and not _ML_SUBJECT.search(text, max(0, start - 12), start)


_MULTILINGUAL_OVERRIDE = _rule(
    rf"\b{_ML_VERB}\s+(?:{_ML_FILLER}\s+){{0,4}}{_ML_NOUN}\b", _ml_imperative
)

RULES: tuple[_Rule, ...] = (
    # Override verbs aimed at the bot's rules (one rule: the verb is found once).
    _rule(
        rf"\b{_OVERRIDE}\s+(?:"
        rf"(?:{_FILLER}\s+){{0,4}}{_BOT_NOUN}\b"  # "disregard prior guidance"
        rf"|(?:{_FILLER}\s+){{0,2}}{_BOT_OWNER}\s+(?:{_FILLER}\s+|\w+\s+){{0,2}}{_OWNED_NOUN}\b"
        rf"|(?:the\s+|all\s+|any\s+)?{_OWNED_NOUN}\s+(?:above|before)"  # "the rules above"
        r"|(?:the\s+|your\s+|all\s+|any\s+)?(?:lead\s+)?(?:qualification|scoring|routing|"
        r"screening)\s+(?:rules|logic|criteria|process|checks|filters)\b"
        r"|(?:everything|all|anything|whatever|what)(?:\s+(?:that|of\s+the))?\s+"  # "... above"
        rf"(?:{_TOLD}|above|before(?:\s+this)?|prior|previously|earlier|so\s+far|until\s+now|"
        r"up\s+to\s+(?:now|this\s+point)|in\s+(?:your|the)\s+(?:prompt|instructions|context))"
        r"|(?:the|this)\s+(?:conversation|chat|discussion)\s+(?:so\s+far|until\s+now|up\s+to\s+now|"
        r"above))",
        _imperative,
    ),
    _rule(
        r"\byou\s+(?:don'?t|do\s+not|no\s+longer)\s+(?:have|need)\s+to\s+(?:follow|obey|abide\s+by|"
        r"comply\s+with|respect|stick\s+to)\s+(?:your|the|any|those|these|my)?\s*(?:\w+\s+)?"
        r"(?:rules|instructions|guidelines|programming|prompt|policies|restrictions)"
    ),
    _rule(rf"\b(?:rules?|instructions?|guidelines?|directives?|orders)\s+(?:that\s+)?{_TOLD}\b"),
    _rule(
        rf"\b(?:your|the|these|those|all|previous|prior|earlier|above|original|system)\s+"
        rf"(?:(?:previous|prior|earlier|above|original|system|old|usual|normal|standard|regular|"
        rf"current|existing|default|own|safety|qualification|scoring|routing|built-in)\s+)?"
        rf"(?:{_BOT_NOUN}|rules|policies|restrictions|limits|filters|checks)\s+(?:above\s+)?"
        r"(?:(?:are|is)\s+(?:now\s+)?(?:void|null|cancell?ed|revoked|obsolete|invalid|overridden|"
        r"suspended|lifted|disabled|gone|over|no\s+longer\s+valid|(?:switched|turned)\s+off|"
        r"off\s+(?:now|today|for)|paused|inactive|deactivated|waived|relaxed|removed|not\s+in\s+"
        r"(?:effect|force))|(?:no\s+longer|don'?t|do\s+not|"
        r"doesn'?t|does\s+not)\s+(?:apply|matter|count|exist)|(?:have|has)\s+been\s+(?:changed|"
        r"updated|replaced|revoked|lifted|removed|disabled))"
    ),
    _rule(
        r"\b(?:put|set|push|leave|cast|lay|move)\s+(?:(?:all|any|of|the|these|those)\s+)?"
        r"(?:your|its|the\s+bot'?s|previous|prior|earlier|original|initial|existing|usual|standard|"
        rf"default)\s+(?:{_FILLER}\s+){{0,2}}(?:{_BOT_NOUN}|{_OWNED_NOUN})\s+(?:to\s+(?:one|the)\s+"
        r"side|aside|away|on\s+hold)",
        _imperative,
    ),
    _MULTILINGUAL_OVERRIDE,
)


# An override verb written so that a filter would miss it ("d1sregard", "i.g.n.o.r.e", "ｉｇｎｏｒｅ"):
# nobody disguises a word they mean innocently, so it needs no object aimed at the bot.
_DISGUISABLE = re.compile(r"\b(?:ignore|disregard|forget|override|bypass|jailbreak)\b")


def _disguised(folded: _Folded, text: str) -> int | None:
    for match in _DISGUISABLE.finditer(folded.text):
        start, end = folded.origin(match.start()), folded.origin(match.end() - 1) + 1
        written = text[start:end]
        if written.lower() != match.group(0) and _imperative(folded.text, match.start()):
            return match.start()
    return None
