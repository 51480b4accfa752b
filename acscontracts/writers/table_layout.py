"""Column widths of a table from its content, as a browser's automatic table layout does.

Each column gets at least the width of its longest unbreakable token (an amount such as
"£1,320,000,000", a date such as "1 April 2027", a word; an email address may break after its "@" and dots, where the writer
puts a zero-width space, and a hyphenated word after a hyphen), and the width left over is shared in proportion
to how much more each column would need to hold its longest cell on one line. Widths are
measured with Arial's character widths at the body size, which is close enough for the
metric-compatible fonts a firm's house style uses; a small margin covers the difference.
"""
from __future__ import annotations

import functools
import re
from itertools import repeat

FONT_SIZE = 11  # points
CELL_MARGINS = 2 * 108  # twips: left and right cell margins of the table style
SAFETY = 1.08  # measured widths are an estimate: leave room for a wider font
BOLD = 1.06  # header cells are bold

# Arial advance widths in 1/1000 em (the glyphs contract text uses; others count as 556).
_NARROW = dict.fromkeys("ijlI'’|!.,:;", 250)
_WIDTHS = {
    **dict.fromkeys("0123456789£$€#?_", 556), **dict.fromkeys("abcdeghnopqsuvxyz", 556),
    **_NARROW, "f": 278, "t": 278, "r": 333, "k": 500, "m": 833, "w": 722, " ": 278,
    "(": 333, ")": 333, "[": 278, "]": 278, "/": 278, "-": 333, "–": 556, "—": 1000, "%": 889,
    "@": 1015, "&": 667, "●": 604, "“": 333, "”": 333, "\"": 355,
    **dict.fromkeys("ABEKPSVXY", 667), **dict.fromkeys("CDHNRU", 722), **dict.fromkeys("GOQ", 778),
    "F": 611, "J": 500, "L": 556, "M": 833, "T": 611, "W": 944, "Z": 611,
}

_DATE = r"\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"
_TOKEN = re.compile(rf"{_DATE}|\S+")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


ZWSP = "\u200b"  # zero-width space: a line may break here (Word's "no-width optional break")


def breakable_email(text: str) -> str:
    """``text`` with a zero-width space after the "@" and each dot inside email addresses:
    Word and LibreOffice see no break opportunity in an address, so a narrow column would
    otherwise break it anywhere."""
    return _EMAIL.sub(lambda m: re.sub(r"([@.])(?=[^\s])", "\\1" + ZWSP, m.group()), text)


@functools.lru_cache(maxsize=8192)  # words and amounts recur in every table of a document
def text_width(text: str, *, bold: bool = False) -> int:
    """Width in twips of ``text`` set in one line at the body size."""
    em = sum(map(_WIDTHS.get, text, repeat(556))) / 1000  # dict.get(c, 556) per character, looped in C
    return round(em * FONT_SIZE * 20 * SAFETY * (BOLD if bold else 1))


def tokens(text: str) -> list[str]:
    """The pieces of ``text`` that a line never breaks inside: words, whole amounts and dates;
    an email address in pieces ending at its "@" and dots, a hyphenated word at its hyphens."""
    out = []
    for token in _TOKEN.findall(text):
        if _EMAIL.fullmatch(token.strip(".,;:()")):
            out.extend(p for p in breakable_email(token).split(ZWSP) if p)
        elif "-" in token.strip("-") and not re.search(r"\d-\d", token):
            out.extend(p for p in re.split(r"(?<=-)", token) if p)
        else:
            out.append(token)
    return out


def column_widths(rows: list[list[str]], available: int, *, header: bool) -> list[int]:
    """Widths in twips of the columns of ``rows`` (cell texts, the first row a bold header when
    ``header``), adding up to ``available``."""
    cols = max((len(r) for r in rows), default=1) or 1
    least = [0] * cols
    most = [0] * cols
    for n, row in enumerate(rows):
        bold = header and n == 0
        for c, text in enumerate(row):
            least[c] = max([least[c], *(text_width(t, bold=bold) for t in tokens(text))])
            most[c] = max(most[c], text_width(text, bold=bold))
    least = [w + CELL_MARGINS for w in least]
    most = [max(m + CELL_MARGINS, lo) for m, lo in zip(most, least)]
    if sum(least) >= available:  # even the tokens do not fit: shrink them alike
        widths = [lo * available / sum(least) for lo in least]
    elif sum(most) <= available:  # everything fits on one line: share out the rest alike
        widths = [m * available / sum(most) for m in most]
    else:  # the columns that need more room get more of it
        spare = available - sum(least)
        wants = [m - lo for m, lo in zip(most, least)]
        widths = [lo + spare * want / sum(wants) for lo, want in zip(least, wants)]
    out = [int(x) for x in widths]
    out[-1] += available - sum(out)
    return out
