"""The run's census date: what was known at it, and rows dated after it left out and counted.

A run "as of" a date (``--as-of``, :attr:`nest_eval.config.RunConfig.as_of`) describes what was
known at that date; without one, the census date is the last day of the reporting period
(:func:`census_date`), so a past year's figures do not move when later data arrive. A row of a
dated dataset (the contract's ``dated_by`` column: an outcome's ``date``, a request's
``received_date``, ...) dated after it is left out of every figure of the run, and the rows left
out are counted per dataset in the run's accounting (:func:`record_census`), which the
data-quality table and the run's progress report.

Every "at a date" figure is taken at the census date: requests still waiting and the waits
censored there (:mod:`nest_eval.domains.access`), learners enrolled and completed
(:func:`nest_eval.domains.partnership.training_summary`). A baseline year's figures are taken at
the same point of that year (:func:`same_point`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from nest_eval.config import ConfigError
from nest_eval.domains.periods import period_end, period_start
from nest_eval.reference.contract import DATASETS

__all__ = ["before_census", "census_date", "record_census", "rows_after_census", "same_point"]


def census_date(year: int, as_of: dt.date | None = None, financial: bool = False) -> pd.Timestamp:
    """The census date of a reporting year: ``as_of``, or the last day of the period.

    Parameters
    ----------
    year : int
        The reporting year.
    as_of : datetime.date, optional
        The census date given (``--as-of``); None: the end of the reporting period.
    financial : bool
        April–March reporting years.

    Returns
    -------
    pandas.Timestamp

    Raises
    ------
    ConfigError
        When ``as_of`` is before the reporting period starts: nothing of the year was known.

    Examples
    --------
    >>> census_date(2024), census_date(2024, financial=True)
    (Timestamp('2024-12-31 00:00:00'), Timestamp('2025-03-31 00:00:00'))
    >>> census_date(2024, dt.date(2024, 10, 31))
    Timestamp('2024-10-31 00:00:00')
    """
    if as_of is None:
        return period_end(year, financial)
    census = pd.Timestamp(as_of)
    start = period_start(year, financial)
    if census < start:
        raise ConfigError(
            f"as_of {as_of.isoformat()} is before the reporting year {year} starts "
            f"({start.date().isoformat()})"
        )
    return census


def same_point(
    census: pd.Timestamp, year: int, other: int, financial: bool = False
) -> pd.Timestamp:
    """The census date of another year at the same distance from that year's end.

    A baseline year is compared at the same point of its own year: with the census date at
    the end of the reporting year, the baseline's is the end of the baseline year; a run as of
    two months before the year's end takes the baseline two months before its end.

    Examples
    --------
    >>> same_point(pd.Timestamp("2025-12-31"), 2025, 2024)
    Timestamp('2024-12-31 00:00:00')
    >>> same_point(pd.Timestamp("2025-10-31"), 2025, 2024)
    Timestamp('2024-10-31 00:00:00')
    """
    return period_end(other, financial) + (census - period_end(year, financial))


def before_census(
    tables: Mapping[str, pd.DataFrame], as_of: dt.date | pd.Timestamp | None
) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The tables without their rows dated after ``as_of``, and how many each lost.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Accepted rows by dataset name.
    as_of : datetime.date, pandas.Timestamp or None
        The census date (:func:`census_date`); None leaves every row in.

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


def record_census(
    accounting: Mapping, as_of: dt.date | pd.Timestamp | None, left_out: Mapping[str, int]
) -> dict:
    """The run's accounting: ingest's, with the census date and the rows left out after it."""
    if as_of is None:
        return dict(accounting)
    census = {"as_of": pd.Timestamp(as_of).date().isoformat(), "rows_after_census": dict(left_out)}
    return {**accounting, "census": census}


def rows_after_census(accounting: Mapping) -> dict[str, int]:
    """The rows the run left out as dated after its census date, per dataset."""
    return dict(accounting.get("census", {}).get("rows_after_census", {}))
