"""The run's census date: rows dated after it are left out of the run, and counted.

A run "as of" a date (``--as-of``, :attr:`nest_eval.config.RunConfig.as_of`) describes what was
known at that date. A row of a dated dataset (the contract's ``dated_by`` column: an outcome's
``date``, a request's ``received_date``, ...) dated after it is left out of every figure of the
run, and the rows left out are counted per dataset in the run's accounting
(:func:`record_census`), which the data-quality table and the run's progress report. Without a
census date nothing is left out (the census date is then the latest date in the data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from nest_eval.reference.contract import DATASETS

__all__ = ["before_census", "record_census", "rows_after_census"]


def before_census(
    tables: Mapping[str, pd.DataFrame], as_of: dt.date | None
) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The tables without their rows dated after ``as_of``, and how many each lost.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Accepted rows by dataset name.
    as_of : datetime.date or None
        The census date; None leaves every row in.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        The rows dated on or before ``as_of`` (a table losing no row is returned as it is).
    left_out : dict of str to int
        Rows left out, per dated dataset present (empty without a census date).

    Examples
    --------
    >>> access = pd.DataFrame({"received_date": pd.to_datetime(["2025-01-05", "2025-07-01"])})
    >>> kept, left_out = before_census({"access": access}, dt.date(2025, 6, 30))
    >>> len(kept["access"]), left_out
    (1, {'access': 1})
    """
    if as_of is None:
        return dict(tables), {}
    census = pd.Timestamp(as_of)
    dated_by = {d.name: d.dated_by for d in DATASETS if d.dated_by is not None}
    kept: dict[str, pd.DataFrame] = {}
    left_out: dict[str, int] = {}
    for name, frame in tables.items():
        column = dated_by.get(name)
        if column is None or column not in frame:
            kept[name] = frame
            continue
        after = (frame[column] > census).fillna(False).to_numpy(dtype=bool)
        left_out[name] = int(after.sum())
        kept[name] = frame.loc[~after].reset_index(drop=True) if after.any() else frame
    return kept, left_out


def record_census(accounting: Mapping, as_of: dt.date | None, left_out: Mapping[str, int]) -> dict:
    """The run's accounting: ingest's, with the census date and the rows left out after it."""
    if as_of is None:
        return dict(accounting)
    census = {"as_of": as_of.isoformat(), "rows_after_census": dict(left_out)}
    return {**accounting, "census": census}


def rows_after_census(accounting: Mapping) -> dict[str, int]:
    """The rows the run left out as dated after its census date, per dataset."""
    return dict(accounting.get("census", {}).get("rows_after_census", {}))
