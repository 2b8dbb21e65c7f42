"""Formatting values for reports by their unit: counts, shares, means, days, money, flags.

Every number a report shows is formatted here from its unit
(:mod:`nest_eval.reference.indicators`): a share as a percentage, its change in percentage
points, a count as a whole number, a mean to its unit's decimals. A suppressed cell (its
shorthand, e.g. ``c``) is shown as it is; a missing value is an en dash; an infinite one (the
upper limit of a wait the data cannot bound) is *not reached*.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from nest_eval.reference.indicators import UNITS, Unit
from nest_eval.reference.messages import label

__all__ = ["MISSING", "estimate_text", "format_value"]

MISSING = "–"
"""Shown for a value that does not exist (no data, no interval)."""

_MINUS = "\N{MINUS SIGN}"


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _number(value: float, decimals: int, signed: bool) -> str:
    text = f"{value:+,.{decimals}f}" if signed else f"{value:,.{decimals}f}"
    return text.replace("-", _MINUS)


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
        ``"en"`` or ``"cy"`` (for yes/no and the percentage-point term).

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
        shown = _number(100 * number, unit.decimals, signed)
        return f"{shown} {label('unit.percentage_points', lang)}" if signed else f"{shown}%"
    if unit.kind == "percent":
        return _number(number, unit.decimals, signed) + ("" if signed else "%")
    if unit.kind == "money":
        return ("£" + _number(number, unit.decimals, False)).replace("£" + _MINUS, _MINUS + "£")
    if unit.kind == "year":
        return str(int(number))
    return _number(number, unit.decimals, signed)


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
