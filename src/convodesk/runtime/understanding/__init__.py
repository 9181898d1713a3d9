"""Understanding buyer messages: the protocol, and the offline rule-based default."""

from .base import Analysis, Extraction, Understander
from .contact import email_domain, find_emails, find_phones
from .rules import RuleUnderstander

__all__ = [
    "Analysis",
    "Extraction",
    "RuleUnderstander",
    "Understander",
    "email_domain",
    "find_emails",
    "find_phones",
]
