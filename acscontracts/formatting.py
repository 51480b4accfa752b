"""How values read in a UK contract: money, dates, percentages, counts and lists.

Babel does the locale work (en_GB grouping and month names); num2words spells numbers.
Every function passes a ``Missing`` value straight through, so a blank stays a blank.
"""
from __future__ import annotations

import datetime as _dt
import functools
from decimal import ROUND_HALF_UP, Decimal

LOCALE = "en_GB"

# Babel and num2words load on first use: `validate` and `--help` never need them.


@functools.cache
def _locale():
    """The parsed en_GB locale (Babel re-parses a locale string on every call otherwise)."""
    from babel import Locale

    return Locale.parse(LOCALE)


def format_decimal(value, **kwargs) -> str:
    from babel.numbers import format_decimal as _format_decimal

    return _format_decimal(value, locale=_locale(), **kwargs)


def num2words(value, **kwargs) -> str:
    from num2words import num2words as _num2words

    return _num2words(value, lang="en_GB", **kwargs)


_PENNY = Decimal("0.01")


class Missing:
    """A term that the deal has not settled yet: falsy, and shown as a ``[●]`` blank."""

    __slots__ = ("path",)

    def __init__(self, path: str):
        self.path = path

    def __bool__(self) -> bool:
        return False

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __eq__(self, other) -> bool:
        return isinstance(other, Missing) and other.path == self.path

    def __hash__(self) -> int:
        return hash(("Missing", self.path))

    def __repr__(self) -> str:
        return f"Missing({self.path!r})"

    def __str__(self) -> str:
        return "[●]"

    def __getattr__(self, name: str):
        # A missing section has missing fields: `terms.governance.board.quorum` is still a blank.
        if name.startswith("_"):
            raise AttributeError(name)
        return Missing(f"{self.path}.{name}")

    def __getitem__(self, key):
        return Missing(f"{self.path}[{key}]")


def _passes(value) -> bool:
    return isinstance(value, Missing) or value is None


def _to_pence(amount: Decimal) -> Decimal:
    """A computed amount (a share of a baseline) rounded to the penny, half up, as the figures show it."""
    return Decimal(amount).quantize(_PENNY, rounding=ROUND_HALF_UP)


def money(value, words: bool = False):
    """£1,320,000,000 — pence only when there are any; optionally followed by words."""
    if _passes(value):
        return value
    amount = _to_pence(Decimal(value))  # figures and words from the same rounded amount
    pattern = "¤#,##0" if amount == amount.to_integral_value() else "¤#,##0.00"
    from babel.numbers import format_currency

    text = format_currency(amount, "GBP", format=pattern, locale=_locale(), currency_digits=False)
    if words:
        text += f" ({money_in_words(amount)})"
    return text


def money_in_words(amount: Decimal) -> str:
    amount = _to_pence(amount)
    pounds = int(amount)
    pence = int((amount - pounds) * 100)
    text = f"{num2words(pounds)} pound{'s' if pounds != 1 else ''}"
    if pence:
        text += f" and {num2words(pence)} pence"
    return text


def money_short(value):
    """£1.32 billion / £6.6 million / £900,000 — for summaries such as heads of terms."""
    if _passes(value):
        return value
    amount = Decimal(value)
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if abs(amount) >= size:
            short = (amount / size).quantize(Decimal("0.01")).normalize()
            return f"£{format_decimal(short)} {word}"
    return money(amount)


def date(value):
    """1 April 2027."""
    if _passes(value):
        return value
    if isinstance(value, str):
        value = _dt.date.fromisoformat(value)
    from babel.dates import format_date

    return format_date(value, "d MMMM y", locale=_locale())


def pct(value, places: int = 2):
    """15.00% — percentages to two places, as the deal terms state them."""
    if _passes(value):
        return value
    return format_decimal(Decimal(value), format="#,##0." + "0" * places if places else "#,##0") + "%"


def number(value):
    """800,000."""
    if _passes(value):
        return value
    return format_decimal(value)


def words(value):
    """six (for counts written out in drafting)."""
    if _passes(value):
        return value
    return num2words(int(value))


def words_and_figures(value):
    """six (6)."""
    if _passes(value):
        return value
    return f"{words(value)} ({number(value)})"


def join(items, conjunction: str = "and") -> str:
    """A, B and C."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def ordinal(value):
    if _passes(value):
        return value
    return num2words(int(value), to="ordinal")


FILTERS = {
    "money": money,
    "money_words": lambda v: money(v, words=True),
    "money_short": money_short,
    "date": date,
    "pct": pct,
    "number": number,
    "words": words,
    "words_and_figures": words_and_figures,
    "join_and": join,
    "join_or": lambda items: join(items, "or"),
    "ordinal": ordinal,
}
