"""Values as the demo files write them: text frames in contract order, dates, numbers, ratings.

Values are formatted as text before they are written, so that the CSV files do not depend on
how pandas writes floats or dates; truth figures are rounded to a fixed number of decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from nest_eval.reference import contract

__all__ = ["format_dates", "numbers", "rating_text", "rounded", "text_frame"]

_FLOAT_DP = 6  # decimals kept for floats in truth.json


def rounded(value: float) -> float:
    """A float rounded for ``truth.json``.

    Parameters
    ----------
    value : float
        The value.

    Returns
    -------
    float
        ``value`` rounded to 6 decimals.
    """
    return round(float(value), _FLOAT_DP)


def _columns(name: str) -> list[str]:
    """The contract columns of a dataset, in contract order."""
    for dataset in contract.DATASETS:
        if dataset.name == name:
            return [c.name for c in dataset.columns]
    raise KeyError(name)


def text_frame(
    name: str, columns: Mapping[str, Any], order: np.ndarray | None = None
) -> pd.DataFrame:
    """A text DataFrame of a dataset: the contract's columns in order.

    Parameters
    ----------
    name : str
        Dataset of the contract.
    columns : Mapping
        Values of every contract column (other keys are left out), converted to text.
    order : numpy.ndarray, optional
        Order of the rows.

    Returns
    -------
    pandas.DataFrame
        Object columns of text, in contract order.

    Raises
    ------
    KeyError
        When a contract column has no values.
    """
    names = _columns(name)
    missing = [c for c in names if c not in columns]
    if missing:
        raise KeyError(f"{name}: no values for {missing}")
    data = {c: _shared_text(np.asarray(columns[c], dtype=object).astype(str)) for c in names}
    if order is not None:
        data = {c: v[order] for c, v in data.items()}
    return pd.DataFrame(data, columns=names, dtype=object, copy=False)


def _shared_text(values: np.ndarray) -> np.ndarray:
    """Text as an object array whose equal values are one string object.

    A column of few distinct values (an RPB, a measure, a date) then takes a pointer per row
    rather than a string per row, which keeps the largest data sets in memory.
    """
    codes, uniques = pd.factorize(values.astype(object), sort=False)
    return np.asarray(uniques, dtype=object)[codes]


def format_dates(dates: np.ndarray, uk: np.ndarray) -> np.ndarray:
    """Dates as text: ISO, or UK day-first where ``uk``; blank where the date is missing.

    Parameters
    ----------
    dates : numpy.ndarray
        Dates (``datetime64``), ``NaT`` where missing.
    uk : numpy.ndarray
        Boolean mask of the dates written ``DD/MM/YYYY``.

    Returns
    -------
    numpy.ndarray
        Text (object array).
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    iso = np.datetime_as_string(dates, unit="D").astype(object)
    out = iso.copy()
    if uk.any():
        s = iso[uk].astype("<U10")
        out[uk] = np.char.add(
            np.char.add(np.char.add(np.char.add(_slice(s, 8, 10), "/"), _slice(s, 5, 7)), "/"),
            _slice(s, 0, 4),
        )
    out[np.isnat(dates)] = ""
    return out


def _slice(s: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Characters ``start:stop`` of every string of an array."""
    return s.view("<U1").reshape(len(s), -1)[:, start:stop].copy().view(f"<U{stop - start}")[:, 0]


def numbers(values: np.ndarray, decimals: int) -> np.ndarray:
    """Numbers as fixed-point text.

    Parameters
    ----------
    values : numpy.ndarray
        Numbers.
    decimals : int
        Decimals written.

    Returns
    -------
    numpy.ndarray
        Text (object array), e.g. ``"12.50"`` for 12.5 with 2 decimals.
    """
    rounded_values = np.round(np.asarray(values, dtype=float), decimals) + 0.0
    return np.char.mod(f"%.{decimals}f", rounded_values).astype(object)


def rating_text(rating: float | None) -> str:
    """A journey rating as written: whole numbers without decimals, blank when not rated.

    Examples
    --------
    >>> rating_text(3), rating_text(2.5), rating_text(None)
    ('3', '2.5', '')
    """
    if rating is None:
        return ""
    return str(int(rating)) if float(rating).is_integer() else f"{rating:.1f}"
