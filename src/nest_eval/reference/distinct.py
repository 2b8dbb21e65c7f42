"""Element-wise work on a column done once per distinct value, then spread back to every row.

Raw columns repeat a few values many times (an RPB, a measure, a date): parsing, folding or
checking each distinct value once and taking the results back by position gives the same
column as working row by row, in a fraction of the time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd

__all__ = ["per_distinct"]

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
