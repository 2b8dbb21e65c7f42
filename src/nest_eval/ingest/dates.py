"""Reading dates as written: ISO, or day and month in one order for a whole file.

``YYYY-MM-DD`` (and Excel date cells, which the readers write so) is read as it is. A date
written with slashes is read in its file's order, never row by row: ``DD/MM/YYYY`` (the UK
convention) or ``MM/DD/YYYY``. The order is the one declared for the file
(:class:`nest_eval.reference.reading.Locale`), or the one its dates show:

- a date whose first number is above 12 (``25/03/2024``) can only be day-first, one whose second
  number is above 12 (``03/25/2024``) only month-first;
- a file whose dates show one order is read in it (*detected*);
- a file whose dates could all be read either way is read day-first (*default*), and counted;
- a file with dates of both orders (*mixed*) is read day-first: its month-first dates, and the
  dates that could be either, are quarantined until its order is declared;
- in a file of declared order, the dates that can only be of the other order are quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nest_eval.reference.distinct import per_distinct
from nest_eval.reference.reading import DateWindow

__all__ = ["FileOrder", "date_parts", "decide_order", "evidence", "read_dates"]

_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_SLASH = r"^(\d{1,2})/(\d{1,2})/(\d{4})$"
_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass(frozen=True)
class FileOrder:
    """The order of day and month a file's slash dates are read in, and why.

    Attributes
    ----------
    file : str
        The file (or worksheet).
    order : str
        ``day-first`` or ``month-first``.
    how : str
        ``declared`` (by the evaluator), ``detected`` (its dates show one order), ``default``
        (they could all be either) or ``mixed`` (they show both).
    slash_dates, day_first, month_first, ambiguous : int
        The file's dates written with slashes; of them, those only day-first can read, only
        month-first can read, and those either can read (day and month differ, both ≤ 12).
    """

    file: str
    order: str
    how: str
    slash_dates: int = 0
    day_first: int = 0
    month_first: int = 0
    ambiguous: int = 0

    @property
    def other_order(self) -> int:
        """The dates that can only be read in the order this file is not read in."""
        return self.month_first if self.order == "day-first" else self.day_first

    @property
    def quarantines_ambiguous(self) -> bool:
        """Whether the dates that could be either are quarantined (a mixed file)."""
        return self.how == "mixed"


def date_parts(given: pd.Series) -> pd.DataFrame:
    """The parts of each value: ``year``, ``first``, ``second`` and whether ``slash``.

    ISO dates give their month as ``first`` and day as ``second``; slash dates their two
    numbers in writing order. Values of neither shape have no parts. Each distinct value is
    read once.
    """
    return per_distinct(given, _parts_each)


def _parts_each(given: pd.Series) -> pd.DataFrame:
    """:func:`date_parts`, value by value."""
    iso = given.str.extract(_ISO).astype("float64")
    slash = given.str.extract(_SLASH).astype("float64")
    return pd.DataFrame(
        {
            "year": iso[0].fillna(slash[2]),
            "first": iso[1].fillna(slash[0]),
            "second": iso[2].fillna(slash[1]),
            "slash": slash[2].notna(),
        },
        index=given.index,
    )


def evidence(parts: pd.DataFrame) -> pd.DataFrame:
    """Which slash dates only ``day_first`` or only ``month_first`` reads, and ``ambiguous``."""
    first, second, slash = parts["first"], parts["second"], parts["slash"]
    return pd.DataFrame(
        {
            "day_first": slash & (first > 12) & (second <= 12),
            "month_first": slash & (second > 12) & (first <= 12),
            "ambiguous": slash & (first <= 12) & (second <= 12) & (first != second),
        },
        index=parts.index,
    )


def decide_order(file: str, declared: str, counts: pd.Series) -> FileOrder:
    """The order a file is read in, from its declared order and its dates' evidence.

    Parameters
    ----------
    file : str
        The file.
    declared : str
        ``detect``, ``day-first`` or ``month-first`` (its locale's ``dates``).
    counts : pandas.Series
        ``slash_dates``, ``day_first``, ``month_first`` and ``ambiguous``, summed over the
        file's date columns.

    Returns
    -------
    FileOrder

    Examples
    --------
    >>> counts = pd.Series({"slash_dates": 3, "day_first": 0, "month_first": 1, "ambiguous": 2})
    >>> decide_order("a.csv", "detect", counts).order
    'month-first'
    """
    day, month = int(counts["day_first"]), int(counts["month_first"])
    if declared != "detect":
        order, how = declared, "declared"
    elif month and not day:
        order, how = "month-first", "detected"
    elif day and not month:
        order, how = "day-first", "detected"
    else:
        order, how = "day-first", "mixed" if day and month else "default"
    return FileOrder(
        file, order, how, int(counts["slash_dates"]), day, month, int(counts["ambiguous"])
    )


def _calendar(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """Whether (year, month, day) is a date of the calendar."""
    valid_month = (month >= 1) & (month <= 12)
    index = month.where(valid_month, 1).fillna(1).astype(int).to_numpy() - 1
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = pd.Series(_DAYS[index], index=year.index) + ((month == 2) & leap).astype(int)
    return valid_month & (day >= 1) & (day <= days) & (year >= 1)


def read_dates(
    given: pd.Series, parts: pd.DataFrame, month_first: pd.Series, window: DateWindow
) -> tuple[pd.Series, pd.DataFrame]:
    """The dates of a column, each slash date read in its file's order.

    Parameters
    ----------
    given : pandas.Series
        The values as written (blank: ``""``).
    parts : pandas.DataFrame
        Their :func:`date_parts`.
    month_first : pandas.Series of bool
        Whether each row's file is read month-first.
    window : DateWindow
        The plausible dates.

    Returns
    -------
    dates : pandas.Series
        The dates (NaT where blank or broken).
    broken : pandas.DataFrame
        Boolean masks ``malformed`` (of neither shape), ``impossible`` (no such calendar date)
        and ``implausible`` (outside the window).
    """
    shaped = parts["year"].notna()
    swap = parts["slash"] & ~month_first
    month = parts["first"].where(~swap, parts["second"])
    day = parts["second"].where(~swap, parts["first"])
    year = parts["year"]
    real = shaped & _calendar(year, month, day)
    key = year * 10_000 + month * 100 + day
    low, high = (int(d.strftime("%Y%m%d")) for d in (window.earliest, window.latest))
    plausible = real & (key >= low) & (key <= high)
    frame = pd.DataFrame({"year": year, "month": month, "day": day}).where(plausible)
    dates = pd.to_datetime(frame, errors="coerce")
    broken = pd.DataFrame(
        {
            "malformed": (given != "") & ~shaped,
            "impossible": shaped & ~real,
            "implausible": real & ~plausible,
        }
    )
    return dates, broken
