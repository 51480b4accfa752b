"""How values read in a UK contract: money, dates, percentages, counts and lists.

Babel does the locale work (en_GB grouping and month names); num2words spells numbers.
Every function passes a ``Missing`` value straight through, so a blank stays a blank.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal

from acscontracts.engine.tree import Text

LOCALE = "en_GB"

# Babel and num2words load on first use: `validate` and `--help` never need them.


@functools.cache
def _locale():
    """The parsed en_GB locale (Babel re-parses a locale string on every call otherwise)."""
    from babel import Locale

    return Locale.parse(LOCALE)


def format_decimal(value, format: str | None = None) -> str:  # noqa: A002 - Babel's name for the pattern
    """A number in the en_GB locale, optionally with a Babel pattern. A document prints the same percentages and
    counts many times over, so each (value, pattern) is formatted once."""
    return _format_decimal(value, format)


@functools.lru_cache(maxsize=4096)
def _format_decimal(value, pattern: str | None) -> str:
    from babel.numbers import format_decimal as babel_format_decimal

    return babel_format_decimal(value, format=pattern, locale=_locale())


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

    def _unsettled(self, other):
        """Arithmetic with an unsettled term gives an unsettled result, drafted as a placeholder."""
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _unsettled
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _unsettled

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
    text = _pounds(amount)
    if words:
        text += f" ({money_in_words(amount)})"
    return text


@functools.lru_cache(maxsize=4096)
def _pounds(amount: Decimal) -> str:
    """An amount already rounded to the penny in the en_GB currency format (a contract prints the same amounts
    many times over: Babel's pattern formatting is the cost of a money figure)."""
    from babel.numbers import format_currency

    pattern = "¤#,##0" if amount == amount.to_integral_value() else "¤#,##0.00"
    return format_currency(amount, "GBP", format=pattern, locale=_locale(), currency_digits=False)


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


def pct_exact(value, places: int = 2):
    """5.565% — a computed percentage printed exactly: at least ``places`` decimals, and as many more as the
    value has (up to ten), never rounded (a table must agree with the clause that states the parts)."""
    if _passes(value):
        return value
    d = Decimal(value)
    decimals = max(places, min(10, -d.normalize().as_tuple().exponent))
    return format_decimal(d, format="#,##0." + "0" * decimals if decimals else "#,##0") + "%"


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
    "pct_exact": pct_exact,
    "number": number,
    "words": words,
    "words_and_figures": words_and_figures,
    "join_and": join,
    "join_or": lambda items: join(items, "or"),
    "ordinal": ordinal,
}


# --------------------------------------------------------------------------- words in a document

_ARTICLE = ("the ", "The ")


def split_article(term: str) -> tuple[str, str]:
    """A defined term's leading article apart from the term: "the ICB" -> ("the ", "ICB"),
    so that it prints as the “ICB”, with the article outside the quotes."""
    for article in _ARTICLE:
        rest = term[len(article):]
        if term.startswith(article) and rest[:1].isupper():
            return article, rest
    return "", term


_SIGNPOST_OPENINGS = ("(the ", "(each a ", "(each an ", "(together the ", "(together, the ")


def signpost(inlines, i: int) -> bool:
    """Whether the term use ``inlines[i]`` names a term in brackets just after describing it,
    "... (the Conditions)" or "(each a Partner)": it is shown as a definition there."""
    if i == 0 or i + 1 >= len(inlines):
        return False
    after = inlines[i + 1]
    if not (isinstance(after, Text) and after.text[:1] in (")", ",")):
        return False
    before, j = "", i - 1
    while j >= 0 and isinstance(inlines[j], Text) and len(before) < 20:  # "(" and "the " may be apart
        before, j = inlines[j].text + before, j - 1
    return before.endswith(_SIGNPOST_OPENINGS)


_TRAILING_TAGS = re.compile(r"(?:<[^<>]*>)+\Z")
_ENDS_IN_APOSTROPHE_S = ("'s", "’s", "&#39;s", "&#x27;s")


def possessive(name):
    """The possessive of a name: "Northvale ICB" -> "Northvale ICB's"; a name that already
    ends in "'s" is left as it is ("St Anne's", not "St Anne's's") and one ending in "s" takes
    an apostrophe only ("Eastmoor Hospitals'"). The name may be clause markup ending in tags
    (``<term>St Anne's</term>``): the ending is read from the words, the apostrophe goes after
    the tags, and markup stays markup."""
    if _passes(name):
        return name
    text = str(name)
    words = _TRAILING_TAGS.sub("", text)
    if words.endswith(_ENDS_IN_APOSTROPHE_S):
        return name
    suffix = "'" if words.endswith(("s", "S")) else "'s"
    return type(name)(text + suffix) if isinstance(name, str) else text + suffix


FILTERS["possessive"] = possessive
