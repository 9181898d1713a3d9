"""Money in buyer phrasing: "$50k", "100,000 USD", "around 20k a year", "€40", "73 pounds".

A stated period ("a month") is kept beside the amount; `per_period` converts it when the slot
says which period it wants (an "annual figure"), and the conversion is recorded with the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .anycase import AnyCase
from .keywords import Keywords, has_digit
from .numbers import SUFFIX, find_numbers, words_to_number

_SYMBOLS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "us$": "USD",
    "usd": "USD",
    "eur": "EUR",
    "gbp": "GBP",
}
_CODES = {
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "bucks": "USD",
    "eur": "EUR",
    "euros": "EUR",
    "euro": "EUR",
    "gbp": "GBP",
    "pounds": "GBP",
    "pound": "GBP",
    "quid": "GBP",
    "grand": None,
}
# "1.000" (dots every three digits) is European grouping; "1.5k" and "2.50" are decimals.
_AMOUNT = r"(\d{1,3}(?:\.\d{3})+(?!\d|\.\d)|\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s?(k|mm|m|mil|bn|thousand|million|billion)\b)?"
_PREFIX = AnyCase(rf"(us\$|[$€£]|\b(?:usd|eur|gbp)\b)\s?{_AMOUNT}", needs=has_digit)
_POSTFIX = AnyCase(
    rf"(?<![\w.$€£]){_AMOUNT}\s?([€$£]|usd|dollars?|bucks|eur|euros?|gbp|pounds?|quid|grand)(?![\w])",
    needs=has_digit,
)
_WORDY_CURRENCIES = ("dollars", "euros", "pounds")
_WORDY = AnyCase(
    r"(?<![\w])((?:[a-z]+[\s-]+){0,3}?(?:hundred|thousand|million))\s+"
    rf"({'|'.join(_WORDY_CURRENCIES)})(?![\w])",
    needs=Keywords(_WORDY_CURRENCIES),
)
_PER_YEAR = AnyCase(r"^\s*(?:a|per|/|each)\s*(?:year|yr|annum)|^\s*(?:annually|yearly|p\.?a\.?)\b")
_PER_MONTH = AnyCase(r"^\s*(?:a|per|/|each)\s*(?:month|mo)\b|^\s*monthly\b")
_RANGE_AFTER = AnyCase(rf"^\s*(?:-|–|—|to)\s*(?:us\$|[$€£])?\s?{_AMOUNT}")
_RANGE_BEFORE = AnyCase(r"(?<![\w.,])(\d+(?:\.\d+)?)\s*(?:-|–|—|to)\s*$")


@dataclass(frozen=True)
class MoneySpan:
    start: int
    end: int
    amount: float
    currency: str | None
    raw: str
    period: str | None = None
    kind: str = "exact"  # exact | range (the amount is then the midpoint)


def _amount(whole: str, frac: str | None, suffix: str | None) -> float:
    whole = whole.replace(",", "").replace(".", "")
    value = float(f"{whole}.{frac}") if frac else float(whole)
    return value * SUFFIX.get((suffix or "").lower(), 1)


def period_after(text: str, end: int) -> str | None:
    tail = text[end : end + 16]
    if _PER_YEAR.match(tail):
        return "year"
    if _PER_MONTH.match(tail):
        return "month"
    return None


def _widen(
    text: str, start: int, end: int, amount: float, suffix: str | None
) -> tuple[int, int, float, str]:
    """Ranges around an amount ("$50-100k", "50-100k USD") become their midpoint."""
    after = _RANGE_AFTER.match(text[end : end + 40])
    if after:
        high = _amount(after.group(1), after.group(2), after.group(3))
        low = (
            amount
            if suffix or amount * SUFFIX.get((after.group(3) or "").lower(), 1) > high
            else (amount * SUFFIX.get((after.group(3) or "").lower(), 1))
        )
        if low < high:
            return start, end + after.end(), (low + high) / 2, "range"
    before = _RANGE_BEFORE.search(text[max(0, start - 24) : start])
    if before:
        low = float(before.group(1))
        if not suffix or low * SUFFIX.get(suffix.lower(), 1) <= amount:
            low *= SUFFIX.get((suffix or "").lower(), 1)
        if low < amount:
            return start - (min(start, 24) - before.start()), end, (low + amount) / 2, "range"
    return start, end, amount, "exact"


def find_money(text: str, *, bare: bool = False) -> list[MoneySpan]:
    """Amounts marked as money by a currency symbol, code or word.

    With `bare`, plain numbers ("around 20k a year") come too, with currency None: the bot
    asked for a budget, so the buyer need not say which currency.
    """
    spans: list[MoneySpan] = []

    def add(
        start: int, end: int, amount: float, currency: str | None, suffix: str | None = None
    ) -> None:
        start, end, amount, kind = _widen(text, start, end, amount, suffix)
        if any(s.start < end and start < s.end for s in spans):
            return
        spans.append(
            MoneySpan(start, end, amount, currency, text[start:end], period_after(text, end), kind)
        )

    for match in _PREFIX.finditer(text):
        currency = _SYMBOLS[match.group(1).lower()]
        add(
            match.start(),
            match.end(),
            _amount(match.group(2), match.group(3), match.group(4)),
            currency,
            match.group(4),
        )
    for match in _POSTFIX.finditer(text):
        word = match.group(4).lower()
        currency = _SYMBOLS.get(word) or _CODES.get(word)
        amount = _amount(match.group(1), match.group(2), match.group(3))
        add(
            match.start(),
            match.end(),
            amount * (1000 if word == "grand" else 1),
            currency,
            match.group(3),
        )
    for match in _WORDY.finditer(text):
        words = match.group(1).split()
        for i in range(len(words)):  # "more than a thousand" -> the longest tail that is a number
            value = words_to_number(" ".join(words[i:]))
            if value is not None:
                start = match.start(1) + len(" ".join(words[:i])) + (1 if i else 0)
                add(start, match.end(), value, _CODES[match.group(2).lower()])
                break
    if bare:
        for number in find_numbers(text):
            if not any(s.start < number.end and number.start < s.end for s in spans):
                spans.append(
                    MoneySpan(
                        number.start,
                        number.end,
                        number.value,
                        None,
                        number.raw,
                        period_after(text, number.end),
                        "range" if number.kind == "range" else "exact",
                    )
                )
    spans.sort(key=lambda s: s.start)
    return spans


# "No budget yet", "nothing set aside", "we haven't allocated anything": an amount of zero, not
# a question to ask again. "No budget limit" and "no money worries" say the opposite.
_NO_AMOUNT = AnyCase(
    r"\b(?:no|zero|nil)\s+(?:(?:set|real|formal|dedicated|allocated|approved|specific|fixed)\s+)?"
    r"(?:budget|funds|funding|money)\b(?!\s+(?:limits?|caps?|constraints?|issues?|problems?|"
    r"concerns?|worries)\b)"
    r"|\bnothing\s+(?:(?:is|has\s+been)\s+)?(?:set\s+aside|allocated|budgeted|earmarked|approved)\b"
    r"|\b(?:haven'?t|have\s+not|hasn'?t|has\s+not|not)\s+(?:yet\s+)?(?:set\s+(?:a\s+|any\s+)?"
    r"(?:budget\s+)?aside|allocated|budgeted|earmarked)\b",
    needs=Keywords(
        ["budget", "funds", "funding", "money", "aside", "allocated", "earmarked", "approved"]
    ),
)
# A bare "no" to a budget question ("Not yet.", "Nope, nothing yet"): asked, it says none.
_NO_AMOUNT_BARE = AnyCase(
    r"^\W*(?:no|nope|nah|none|nothing|zero|not\s+yet|not\s+really|none\s+yet|nothing\s+yet)"
    r"(?:[\s,.!-]+(?:not\s+yet|yet|so\s+far|for\s+now|at\s+the\s+moment|right\s+now|currently|"
    r"sorry|unfortunately|i'?m\s+afraid))*\W*$"
)


def no_amount(text: str, *, asked: bool) -> tuple[int, int] | None:
    """Where `text` says there is no amount ("no budget yet"), or None. A bare "no" counts only
    as the answer to the question asked."""
    match = _NO_AMOUNT.search(text) or (_NO_AMOUNT_BARE.match(text) if asked else None)
    return (match.start(), match.end()) if match else None


_ANNUAL = AnyCase(r"\b(?:annual(?:ly)?|yearly|per year|a year|per annum|each year|p\.?a\.?)\b")
_MONTHLY = AnyCase(r"\b(?:monthly|per month|a month|each month)\b")
_PER = {"year": 1, "month": 12}


@lru_cache(maxsize=256)
def wanted_period(*texts: str) -> str | None:
    """The period a budget question asks for ("A rough annual figure"), from the slot's words."""
    said = " ".join(texts)
    annual, monthly = bool(_ANNUAL.search(said)), bool(_MONTHLY.search(said))
    if annual != monthly:
        return "year" if annual else "month"
    return None


def per_period(amount: float, stated: str | None, wanted: str | None) -> float:
    """`amount` per `stated` period as an amount per `wanted` period: 5k a month is 60k a year."""
    if stated is None or wanted is None or stated == wanted:
        return amount
    return amount * _PER[stated] / _PER[wanted]
