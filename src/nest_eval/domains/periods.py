"""Reporting periods: which year a row belongs to, and the baseline a year is compared with.

Self-assessment and partnership rows carry their ``year``. Dated rows belong to the year of
their date: the calendar year by default, or the April–March financial year (named by the
calendar year it starts in, so 2024 = April 2024 to March 2025) on request (data contract,
"The reporting period").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

__all__ = [
    "DAYS_PER_YEAR",
    "PERIOD_COLUMNS",
    "dataset_years",
    "default_baseline",
    "period_end",
    "period_start",
    "period_year",
]

DAYS_PER_YEAR = 365.25
"""Days in a year of follow-up (the mean length of a Julian year)."""

PERIOD_COLUMNS: dict[str, str] = {
    "self_assessment": "year",
    "outcomes": "date",
    "experiences": "date",
    "access": "received_date",
    "partnership": "year",
    "training": "enrolled_date",
}
"""The column that places each dataset's rows in a reporting year: a year, or a date."""


def period_year(dates: pd.Series, financial: bool = False) -> pd.Series:
    """The reporting year of each date.

    Parameters
    ----------
    dates : pandas.Series of datetime64
        Dates (missing dates give a missing year).
    financial : bool
        April–March financial years, named by the year they start in.

    Returns
    -------
    pandas.Series of Int64

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2024-03-31", "2024-04-01"]))
    >>> period_year(s).tolist(), period_year(s, financial=True).tolist()
    ([2024, 2024], [2023, 2024])
    """
    years = dates.dt.year
    if financial:
        years = years - (dates.dt.month < 4).astype("int64")
    return years.astype("Int64")


def period_start(year: int, financial: bool = False) -> pd.Timestamp:
    """First day of a reporting year."""
    return pd.Timestamp(year, 4, 1) if financial else pd.Timestamp(year, 1, 1)


def period_end(year: int, financial: bool = False) -> pd.Timestamp:
    """Last day of a reporting year."""
    return pd.Timestamp(year + 1, 3, 31) if financial else pd.Timestamp(year, 12, 31)


def default_baseline(years: Iterable[int], year: int) -> int | None:
    """The default baseline for a reporting year: the earliest year with data before it.

    Parameters
    ----------
    years : iterable of int
        Years with data (for one RPB and domain).
    year : int
        The reporting year.

    Returns
    -------
    int or None
        The earliest year before ``year`` with data, or None when there is none.

    Examples
    --------
    >>> default_baseline([2025, 2023, 2024], 2025)
    2023
    >>> default_baseline([2025], 2025) is None
    True
    """
    earlier = sorted(int(y) for y in years if pd.notna(y) and int(y) < year)
    return earlier[0] if earlier else None


def dataset_years(
    tables: Mapping[str, pd.DataFrame], financial: bool = False
) -> dict[str, list[int]]:
    """The reporting years each dataset has accepted rows in.

    A row's year is its ``year`` column, or the reporting year of its date
    (:data:`PERIOD_COLUMNS`).

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Accepted tables by dataset name.
    financial : bool
        April–March reporting years for dated rows.

    Returns
    -------
    dict of str to list of int
        Sorted years per dataset present in ``tables`` (empty for a table with no dated row).

    Examples
    --------
    >>> training = pd.DataFrame({"enrolled_date": pd.to_datetime(["2024-03-01", "2025-05-01"])})
    >>> dataset_years({"training": training}), dataset_years({"training": training}, True)
    ({'training': [2024, 2025]}, {'training': [2023, 2025]})
    """
    years: dict[str, list[int]] = {}
    for name, column in PERIOD_COLUMNS.items():
        frame = tables.get(name)
        if frame is None or column not in frame:
            continue
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = period_year(values, financial)
        years[name] = sorted({int(y) for y in values.dropna().unique()})
    return years
