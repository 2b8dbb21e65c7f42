"""What a report's front matter states beside its figures: statuses, licence, default date.

Read from ``nest_eval/reference/data/publication.toml``. Keys only: the labels are in the
message catalogue (``front.status.<key>``, ``front.licence.name``).

Sources
-------
- Office for Statistics Regulation, *Code of Practice for Statistics*, edition 2.0 (2018), and
  *Official statistics in development* (2023): the statuses.
- The National Archives, *Open Government Licence for public sector information*, version 3.0.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from nest_eval.reference.loader import ReferenceFileError, read_data

__all__ = [
    "LICENCE",
    "MONTHS_AFTER_PERIOD",
    "PLACEHOLDER_EMAIL",
    "STATUSES",
    "Licence",
    "default_publication_date",
]


@dataclass(frozen=True)
class Licence:
    """The licence the statistics are published under.

    Attributes
    ----------
    key : str
        Its key (labels ``front.licence.<...>``).
    url : dict of str to str
        The licence's text per language (``"en"``, ``"cy"``).
    """

    key: str
    url: dict[str, str]


def _read() -> tuple[int, tuple[str, ...], str, Licence]:
    data = read_data("publication.toml")
    months = data.get("months_after_period")
    if not isinstance(months, int) or isinstance(months, bool) or not 0 <= months <= 24:
        raise ReferenceFileError(
            f"publication.toml: months_after_period must be 0 to 24, not {months!r}"
        )
    statuses = tuple(data.get("statuses", ()))
    if not statuses:
        raise ReferenceFileError("publication.toml: statuses is empty")
    licence = data["licence"]
    return months, statuses, str(data["placeholder_email"]), Licence(licence["key"], licence["url"])


MONTHS_AFTER_PERIOD, STATUSES, PLACEHOLDER_EMAIL, LICENCE = _read()
"""The publication date's default lag, the statuses, the placeholder contact, the licence."""


def default_publication_date(year: int, financial: bool = False) -> dt.date:
    """The publication date when a run gives none, from the reporting year alone.

    The last day of the month :data:`MONTHS_AFTER_PERIOD` months after the reporting period
    ends (31 December, or 31 March of the next year for a financial year), so the same year
    always gets the same date.

    Parameters
    ----------
    year : int
        The reporting year (a financial year named by the year it starts in).
    financial : bool
        April–March reporting years.

    Returns
    -------
    datetime.date

    Examples
    --------
    >>> default_publication_date(2025), default_publication_date(2025, financial=True)
    (datetime.date(2026, 3, 31), datetime.date(2026, 6, 30))
    """
    end_month = 12 * year + (3 + 12 if financial else 12) - 1  # months since year 0, 0-based
    month = end_month + MONTHS_AFTER_PERIOD
    y, m = divmod(month, 12)
    return dt.date(y, m + 1, calendar.monthrange(y, m + 1)[1])
