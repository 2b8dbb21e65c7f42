"""Published precision: every number of a published table rounded as its unit says.

The unit of each value (:mod:`nest_eval.reference.indicators`: the column's, or the row's
indicator's for the columns of long tables) fixes its decimals, the same the reports show:

- counts, years, days and pounds (``decimals = 0``) are whole numbers, written ``53``, never
  ``53.0``;
- shares are proportions 0–1 rounded to the unit's decimals of a percentage plus two: the
  reports show a share as a percentage to one decimal (``49.5%``), so the tables hold it to
  three (``0.495``);
- means, scores, statistics and levels to their unit's decimals (a journey rating ``2.83``, an
  exact probability ``0.0111``).

Text, flags (``True``/``False``), blanks and the suppression shorthand are left as they are.
Rounding runs after disclosure control: it changes no count (counts are whole numbers), so the
decision and its audit, taken on the counts, hold for the rounded tables; a rounded share or
interval tells a reader less about its numerator than the unrounded one did, never more.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame(
...     {
...         "indicator": ["share_within_28_days", "median_wait_days"],
...         "estimate": [0.4953271028, 28.0],
...         "n": [107.0, 110.0],
...         "count": [53.0, "c"],
...     }
... )
>>> shown = published_precision(table)
>>> shown["estimate"].tolist(), shown["n"].tolist(), shown["count"].tolist()
([0.495, 28], [107, 110], [53, 'c'])
"""

from __future__ import annotations

import math
from collections.abc import Collection

import pandas as pd

from nest_eval.reference.indicators import COLUMNS, INDICATORS, Unit, unit_of

__all__ = ["SHARE_EXTRA_DECIMALS", "decimals_of", "published_precision", "rounded"]

SHARE_EXTRA_DECIMALS = 2
"""A share 0–1 keeps its percentage's decimals plus two (``49.5%`` is ``0.495``)."""

_LEFT_AS_IS = ("text",)
"""Kinds of unit whose values are not rounded (flags are booleans, left as they are, or for
Wales counts of RPBs, whole numbers)."""


def _unit(column: str, indicator_key: object) -> Unit | None:
    """The unit of a value of ``column`` in a row of ``indicator_key`` (None: not known)."""
    spec = COLUMNS.get(column)
    if spec is None:
        return None
    if spec.unit.key != "indicator":
        return spec.unit
    if not isinstance(indicator_key, str) or indicator_key not in INDICATORS:
        return None
    return unit_of(column, indicator_key)


def decimals_of(column: str, indicator_key: object = None) -> int | None:
    """Decimal places a value of ``column`` is published to (None: not rounded).

    Examples
    --------
    >>> decimals_of("estimate", "share_within_28_days"), decimals_of("n_pairs")
    (3, 0)
    >>> decimals_of("rpb") is None
    True
    """
    unit = _unit(column, indicator_key)
    if unit is None or unit.kind in _LEFT_AS_IS:
        return None
    return unit.decimals + (SHARE_EXTRA_DECIMALS if unit.is_share else 0)


def rounded(value: object, decimals: int | None) -> object:
    """A value at ``decimals`` places: an int for none; text, flags and blanks as they are.

    Rounding is Python's (:func:`round`: to the nearest, ties to even on the binary value),
    the same the reports' formatting gives.

    Examples
    --------
    >>> rounded(53.0, 0), rounded(0.49532, 3), rounded("c", 0), rounded(True, 0)
    (53, 0.495, 'c', True)
    """
    if decimals is None or isinstance(value, bool | str) or value is None:
        return value
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return value
    if decimals == 0:
        return round(number)
    return round(number, decimals)


def published_precision(frame: pd.DataFrame, unrounded: Collection[str] = ()) -> pd.DataFrame:
    """A published table with every number rounded to its unit's decimals.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table after disclosure control (not modified).
    unrounded : collection of str
        Columns published unrounded (the data contract's ``mean_rating``).

    Returns
    -------
    pandas.DataFrame
        The same columns; a column that holds rounded numbers holds Python ints and floats
        (object dtype where it mixes them with text), blanks stay blank.
    """
    out = frame.copy()
    keys = frame["indicator"] if "indicator" in frame.columns else pd.Series(None, frame.index)
    for column in frame.columns:
        if column in unrounded or column not in COLUMNS:
            continue
        places = [decimals_of(column, key) for key in keys]
        if all(p is None for p in places):
            continue
        values = [rounded(v, p) for v, p in zip(frame[column], places, strict=True)]
        out[column] = pd.Series(values, index=frame.index, dtype=object)
    return out
