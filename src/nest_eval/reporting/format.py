"""Formatting report values by their unit (counts, shares, means, days, money, flags), and dates.

Every number a report shows is formatted here from its unit
(:mod:`nest_eval.reference.indicators`): a share as a percentage, its change in percentage
points, a count as a whole number, a mean to its unit's decimals. A suppressed cell (its
shorthand, e.g. ``c``) is shown as it is; a missing value is an en dash; an infinite one (the
upper limit of a wait the data cannot bound) is *not reached*. Digits and dates are written
for the report's language by Babel (its locale, :data:`nest_eval.reference.messages.LOCALES`);
a negative number takes the minus sign (U+2212), not a hyphen.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pandas as pd
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

from nest_eval.reference.indicators import UNITS, Unit
from nest_eval.reference.messages import LOCALES, label

__all__ = ["MISSING", "estimate_text", "format_date", "format_number", "format_value"]

MISSING = "–"
"""Shown for a value that does not exist (no data, no interval)."""

_MINUS = "\N{MINUS SIGN}"


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def format_number(value: float, decimals: int = 0, signed: bool = False, lang: str = "en") -> str:
    """A number to ``decimals`` places, digits grouped, for the language's locale (Babel).

    Rounded half to even on the number's exact value, as Python's own formatting rounds; a
    negative number (even one rounding to zero) takes the minus sign U+2212.

    Parameters
    ----------
    value : float
        The number (finite).
    decimals : int
        Decimal places shown.
    signed : bool
        Show ``+`` before a positive number (a change).
    lang : str
        ``"en"`` or ``"cy"``.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1234.5, 1), format_number(-0.25, 2, signed=True, lang="cy")
    ('1,234.5', '−0.25')
    """
    value = float(value)
    negative = value < 0 or (value == 0 and math.copysign(1.0, value) < 0)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    digits = format_decimal(Decimal(abs(value)), pattern, locale=LOCALES[lang])
    return (_MINUS if negative else "+" if signed else "") + digits


def format_date(value: object, lang: str = "en") -> str:
    """A date written out for the language's locale (Babel pattern ``d MMMM y``).

    Parameters
    ----------
    value : datetime.date, pandas.Timestamp or str
        The date (an ISO string is read as one).
    lang : str
        ``"en"`` or ``"cy"``.

    Returns
    -------
    str

    Examples
    --------
    >>> format_date("2025-12-31"), format_date("2025-12-31", "cy")
    ('31 December 2025', '31 Rhagfyr 2025')
    """
    when = value if type(value) is dt.date else pd.Timestamp(value).date()  # type: ignore[arg-type]
    return babel_format_date(when, "d MMMM y", locale=LOCALES[lang])


def format_value(value: object, unit: Unit | str, *, signed: bool = False, lang: str = "en") -> str:
    """A value as a report shows it, by its unit.

    Parameters
    ----------
    value : object
        The value; text (a suppressed cell's shorthand, a name) is shown as it is.
    unit : Unit or str
        Its unit, or the unit's key.
    signed : bool
        A change: shown with its sign; a share's change in percentage points.
    lang : str
        ``"en"`` or ``"cy"``: the locale of the digits, yes/no and the percentage-point term.

    Returns
    -------
    str

    Examples
    --------
    >>> format_value(0.4953, "share"), format_value(0.012, "share", signed=True)
    ('49.5%', '+1.2 pp')
    >>> format_value(1234.0, "count_people"), format_value("c", "count_people")
    ('1,234', 'c')
    >>> format_value(-0.25, "score", signed=True)
    '−0.25'
    >>> format_value(float("inf"), "days")
    'not reached'
    >>> format_value(float("inf"), "days", lang="cy") != "not reached"
    True
    """
    unit = UNITS[unit] if isinstance(unit, str) else unit
    if isinstance(value, str):
        return value
    if _missing(value):
        return MISSING
    if isinstance(value, float | np.floating) and math.isinf(value):
        return label("word.not_reached", lang)
    if unit.kind == "flag" or isinstance(value, bool | np.bool_):
        return label(f"yes_no.{'yes' if value else 'no'}", lang)
    number = float(value)  # type: ignore[arg-type]
    if unit.kind == "share":
        shown = format_number(100 * number, unit.decimals, signed, lang)
        return f"{shown} {label('unit.percentage_points', lang)}" if signed else f"{shown}%"
    if unit.kind == "percent":
        return format_number(number, unit.decimals, signed, lang) + ("" if signed else "%")
    if unit.kind == "money":
        shown = format_number(number, unit.decimals, False, lang)
        return shown.replace(_MINUS, _MINUS + "£") if shown.startswith(_MINUS) else "£" + shown
    if unit.kind == "year":
        return str(int(number))
    return format_number(number, unit.decimals, signed, lang)


def estimate_text(
    estimate: object, low: object, high: object, unit: Unit | str, signed: bool = True,
    lang: str = "en",
) -> str:  # fmt: skip
    """An estimate with its interval in one cell, e.g. ``+0.27 (−0.89 to +1.42)``.

    A suppressed part stays as its shorthand; an estimate without an interval is shown alone.

    Examples
    --------
    >>> estimate_text(0.05, 0.01, 0.09, "share")
    '+5.0 pp (+1.0 to +9.0)'
    >>> estimate_text(2.0, "c", "c", "score")
    '+2.00 (c)'
    """
    unit = UNITS[unit] if isinstance(unit, str) else unit
    main = format_value(estimate, unit, signed=signed, lang=lang)
    if isinstance(estimate, str) or _missing(estimate):
        return main
    if isinstance(low, str) or isinstance(high, str):
        shorthand = low if isinstance(low, str) else high
        return f"{main} ({shorthand})"
    if _missing(low) or _missing(high):
        return main
    if unit.is_share and signed:  # the bounds of a change in percentage points, unit once
        points = Unit(unit.key, "mean", decimals=unit.decimals)
        ends = [format_value(100 * float(v), points, signed=True) for v in (low, high)]  # type: ignore[arg-type]
    else:
        ends = [format_value(v, unit, signed=signed, lang=lang) for v in (low, high)]
    return f"{main} ({ends[0]} {label('word.to', lang)} {ends[1]})"
