"""What a message does, beyond facts: asks a question, asks for a human, corrects, refuses."""

from __future__ import annotations

import re

from .anycase import AnyCase

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE = re.compile(
    r"\s*[,;:]\s*|\s+(?:but|and|also|so)\s+(?=(?:do|does|can|could|is|are|will|would|how|what|which|who|when|where|why)\b)",
    re.I,
)
_AUX = r"(?:do|does|did|can|could|is|are|was|were|will|would|should|shall|may|might|have|has)"
_SUBJECT = r"(?:you|your|u|ya|it|its|relay|the|this|that|there|we|i|they|one|someone|anyone|my|our)"
_QUESTION_START = AnyCase(
    rf"^(?:(?:and|so|also|ok|okay|hi|hello|hey|quick question|one more thing|btw|oh)[,!.\s]+)*"
    rf"(?:{_AUX}(?:n'?t)?\s+{_SUBJECT}\b|(?:how|what|which|who|when|where|why)(?:'s|\s+(?:is|are|does|do|did|can|about|much|many|long|often|kind|type|level)\b)"
    r"|(?:i'?d like to know|i would like to know|i want to know|tell me (?:about|more)|wondering (?:if|whether|about|how)|"
    r"curious (?:if|whether|about|how)|can you (?:explain|tell)|any (?:chance|way)))"
)
_HUMAN = AnyCase(
    r"\b(?:(?:talk|speak|chat)(?:ing)? (?:to|with) (?:a |an |some |your |one of your )?"
    r"(?:human|person|real person|someone|somebody|sales(?:person| rep| team)?|rep|representative|agent|"
    r"account executive|ae|specialist|expert)\b|real person|human being|actual person|live agent|"
    r"(?:can|could) (?:someone|somebody|a person|sales) (?:call|contact|email|reach)|(?:call|ring) me(?=\s*(?:$|[.,!?;:+(\d]|back\b|at\b|on\b|tomorrow\b|today\b|asap\b|please\b|now\b|later\b|when\b|if\b))|"
    r"connect me (?:to|with)|get me (?:a|to a) (?:human|person)|transfer me|put me through|"
    r"(?:want|need|like) (?:a|to talk to a|to speak to a) (?:human|person)|"
    r"(?:is there|is there not|there must be) (?:a |an )?(?:someone|somebody|anyone|anybody|person|human|"
    r"real person|rep|representative) (?:i|we) (?:can|could|might) (?:talk|speak|chat)(?: to| with)?|"
    r"(?:can|could|may) (?:i|we) (?:talk|speak|chat) (?:to|with) (?:a |an |some |your )?"
    r"(?:one|someone|somebody|anyone|anybody|person|human|colleague|teammate|manager)\b|"
    r"(?:have|get) (?:someone|somebody|a person|a rep|sales) (?:to )?(?:call|contact|email|reach out))"
)
_CORRECTION = AnyCase(
    r"\b(?:actually|correction|sorry,? i meant|i meant|i mean|wait|make that|scratch that|"
    r"to correct|my mistake|oops|let me correct|not \S+ but|typo|wrong (?:one|address|email|"
    r"number)|the right (?:one|address|email|number) is|the correct (?:one|address|email|number) is)\b"
)
_REFUSAL = AnyCase(
    r"\b(?:rather not|prefer not|i'?d prefer not|no comment|confidential|not sharing|won'?t share|"
    r"can'?t (?:disclose|share|say)|cannot (?:disclose|share|say)|none of your business|"
    r"not at liberty|don'?t want to (?:say|share|disclose)|not (?:ready|comfortable|willing) (?:to )?(?:say|share|discuss|sharing)|"
    r"not going to (?:say|share)|let'?s not (?:talk|discuss)|skip (?:that|this|it)|^pass\b|"
    r"not something i can share|(?:that'?s|it'?s|that is|it is|keep (?:that|it)) private|i'?ll pass|i pass|pass on (?:that|this)|^\W*(?:skip|pass|next)\W*(?:please)?\W*$|(?:let'?s|can we|i'?d like to|please) skip|next question|"
    # "No thanks" to "What's your email?": a contact detail refused.
    r"^\W*no,?\s+thanks?(?:\s+you)?|^\W*no\s+thank\s+you|not giving|won'?t give|"
    r"(?:don'?t|do not) want to give|rather not give|no need for my)\b"
)
# Non-answers: the buyer does not know or will not commit ("it depends", "still working that
# out"). They leave a slot empty, never fill it with "none".
_UNKNOWN = AnyCase(
    r"\b(?:don'?t know|do not know|no idea|not sure|unsure|no clue|can'?t say|cannot say|"
    r"hard to say|difficult to say|tough to say|too (?:early|soon) to (?:say|tell)|it depends|"
    r"depends on|depending on|still (?:working|figuring) (?:that|it|this) out|still deciding|"
    r"(?:haven'?t|have not|not yet) decided|not decided|undecided|up in the air|"
    r"remains to be seen|to be (?:determined|decided|confirmed)|tbd|tbc|who knows|"
    r"(?:i'?d|i would|i'?ll|i will|we'?d|we'?ll) (?:have|need) to (?:check|find out|ask around)|"
    r"still being (?:decided|discussed|worked out|figured out)|(?:not|isn'?t|is not) my call|"
    r"above my pay ?grade|we'?ll see|we will see|depends (?:on )?who|whoever)\b"
)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def is_question(sentence: str) -> bool:
    stripped = sentence.strip()
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped))


def split_questions(text: str) -> tuple[list[str], list[str]]:
    """(questions, statements): a question sentence's leading statement clauses stay statements.

    "I'm a student, can you help?" asks "can you help?" and states "I'm a student".
    """
    questions: list[str] = []
    statements: list[str] = []
    for sentence in sentences(text):
        if not is_question(sentence):
            statements.append(sentence)
            continue
        questions.append(sentence)
        for clause in _CLAUSE.split(sentence):
            clause = clause.strip()
            if clause and not is_question(clause) and not clause.endswith("?"):
                statements.append(clause)
    return questions, statements


_NEGATED = AnyCase(
    r"\b(?:don'?t|do not|no need to|not|never|without|rather not)\s+(?:\w+\s+){0,3}$"
)


def wants_human(text: str) -> bool:
    """A request for a person; "I'm talking to my CFO" and "no need to talk to sales" are not."""
    return any(
        not _NEGATED.search(text[max(0, m.start() - 40) : m.start()]) for m in _HUMAN.finditer(text)
    )


def is_correction(text: str) -> bool:
    return bool(_CORRECTION.search(text))


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text))


def is_unknown(text: str) -> bool:
    return bool(_UNKNOWN.search(text))
