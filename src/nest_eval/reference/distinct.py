"""Element-wise work on a column done once per distinct value, then spread back to every row.

Raw columns repeat a few values many times (an RPB, a measure, a date): parsing, folding or
checking each distinct value once and taking the results back by position gives the same
column as working row by row, in a fraction of the time. Rows are grouped with their identical
rows once, by number (:func:`row_groups`), for the duplicates of ingest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

__all__ = ["column_codes", "combine", "per_distinct", "row_groups"]

Result = TypeVar("Result", pd.Series, pd.DataFrame)


def per_distinct(values: pd.Series, func: Callable[[pd.Series], Result]) -> Result:
    """``func(values)`` computed on the distinct values of ``values`` only.

    Parameters
    ----------
    values : pandas.Series
        The column (text columns of ``string`` dtype: every missing value is the same ``<NA>``).
    func : callable
        An element-wise function of a Series giving a Series or DataFrame with one row per
        value, positionally: each row's result depends on its value alone.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        ``func`` of every value, indexed as ``values`` (missing values count as one value).

    Examples
    --------
    >>> per_distinct(pd.Series(["a", "b", "a"], index=[5, 6, 7]), lambda s: s.str.upper())
    5    A
    6    B
    7    A
    dtype: str
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    distinct = pd.Series(uniques, name=values.name)
    result = func(distinct).take(codes)
    result.index = values.index
    return result


def column_codes(frame: pd.DataFrame) -> dict[str, tuple[np.ndarray, int]]:
    """Each column's values numbered (missing values one number), with how many there are.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows (column names unique).

    Returns
    -------
    dict of str to (numpy.ndarray, int)
        Per column, a number per row and the count of distinct values, for :func:`combine`.
    """
    codes = {}
    for column in frame.columns:
        numbers, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        codes[column] = numbers.astype("int64"), len(uniques)
    return codes


def combine(codes: list[tuple[np.ndarray, int]], rows: int) -> np.ndarray:
    """Groups of rows equal in every one of the columns whose :func:`column_codes` are given.

    The codes are combined column by column (mixed radix), renumbered only when the next
    column would take them past 64 bits, and once at the end.

    Parameters
    ----------
    codes : list of (numpy.ndarray, int)
        Some columns' codes.
    rows : int
        The number of rows.

    Returns
    -------
    numpy.ndarray of int64
        One group number per row, from 0, in order of first appearance.
    """
    groups = np.zeros(rows, dtype="int64")
    bound = 1  # every group number is below it
    for numbers, count in codes:
        count = max(count, 1)
        if bound * count >= _LIMIT:
            groups, seen = pd.factorize(groups)
            bound = len(seen)
        groups = groups * count + numbers
        bound *= count
    groups, _ = pd.factorize(groups)
    return groups.astype("int64")


def row_groups(frame: pd.DataFrame) -> np.ndarray:
    """The group of identical rows each row belongs to, numbered in order of first appearance.

    Rows are identical when equal in every column, a missing value equal to a missing value (as
    :meth:`pandas.DataFrame.duplicated` compares them): each column's values are numbered
    (:func:`column_codes`) and the numbers combined (:func:`combine`).

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows (column names unique).

    Returns
    -------
    numpy.ndarray of int64
        One group number per row, from 0; a row's group is new when no earlier row is identical.

    Examples
    --------
    >>> row_groups(pd.DataFrame({"a": [1, 2, 1, None], "b": ["x", "y", "x", None]}))
    array([0, 1, 0, 2])
    """
    return combine(list(column_codes(frame).values()), len(frame))


_LIMIT = 2**62
"""Group numbers stay below it, far from the int64 limit."""
