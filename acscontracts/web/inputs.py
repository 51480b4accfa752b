"""The form's en-GB inputs: how a schema value is shown (``£1,320,000``, ``15%``, ``1 April 2027``) and how
what a person types is read back into the value the schema stores (``1320000``, ``15``, ``2027-04-01``).

A reader returns the stored value, or raises ``InputError`` with a message saying how to write it.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation

from acscontracts import formatting


class InputError(ValueError):
    """What a person typed cannot be read as the value the field takes."""


def _decimal(text: str) -> Decimal:
    from babel.numbers import NumberFormatError, parse_decimal

    cleaned = text.replace(" ", "")
    try:
        return parse_decimal(cleaned, locale=formatting.LOCALE, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise InputError("is not a number") from None


def _exact(value: Decimal):
    """An int when the value is whole (so it is stored as `15`, not `15.0`), else the Decimal."""
    return int(value) if value == value.to_integral_value() else value


def read_money(text: str):
    try:
        return _exact(_decimal(text.strip().lstrip("£").strip()))
    except InputError:
        raise InputError(f"`{text}` is not an amount in pounds; write it like £1,320,000 or 900000.50") from None


def read_percent(text: str):
    try:
        return _exact(_decimal(text.strip().rstrip("%").strip()))
    except InputError:
        raise InputError(f"`{text}` is not a percentage; write it like 15% or 2.5") from None


def read_integer(text: str) -> int:
    value = _decimal(text.strip()) if re.fullmatch(r"[0-9,\s]+", text.strip()) else None
    if value is None:
        raise InputError(f"`{text}` is not a whole number; write it like 500,000")
    return int(value)


def read_number(text: str):
    try:
        return _exact(_decimal(text.strip()))
    except InputError:
        raise InputError(f"`{text}` is not a number") from None


_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


def read_date(text: str) -> str:
    cleaned = " ".join(text.replace(",", " ").split())
    for pattern in _DATE_FORMATS:
        try:
            return _dt.datetime.strptime(cleaned, pattern).date().isoformat()
        except ValueError:
            continue
    raise InputError(f"`{text}` is not a date; write it like 1 April 2027 or 01/04/2027")


def read_boolean(text: str) -> bool:
    if text in ("yes", "no"):
        return text == "yes"
    raise InputError(f"`{text}` is not yes or no")


def show_money(value) -> str:
    return formatting.money(value) if _is_number(value) else _raw(value)


def show_percent(value) -> str:
    return formatting.format_decimal(Decimal(str(value))) + "%" if _is_number(value) else _raw(value)


def show_number(value) -> str:
    return formatting.number(value) if _is_number(value) else _raw(value)


def show_date(value) -> str:
    try:
        return formatting.date(value) if isinstance(value, str) else _raw(value)
    except ValueError:
        return value


def _is_number(value) -> bool:
    return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)


def _raw(value) -> str:
    return "" if value is None else str(value)
