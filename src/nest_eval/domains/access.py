"""Access (no wrong door): timely first support, waits and redirections.

Families and professionals should "know who to turn to for help and advice; and that this is
accessed in a timely manner" (NEST/NYTH framework, Evaluation). The 28-day standard is that of
the Mental Health (Wales) Measure 2010, Part 1.

Definitions (a request belongs to the reporting year of its ``received_date``):

- **wait**: days from the request to its first support (``first_support_date``, which includes
  signposting with support).
- **share first supported within 28 days**: of the requests whose 28-day window had closed by
  the census date, the share first supported within 28 days. Requests withdrawn by the family
  are left out of the denominator; declined requests and requests never supported count as not
  supported within 28 days. Wilson interval.
- **median and 90th-percentile wait**: over the requests supported, with distribution-free
  order-statistic intervals. Requests still waiting have no wait yet; the count still waiting
  is reported beside them so the quantiles are not read alone.
- **share redirected at least once** (Wilson) and **mean redirections** (t interval).
- **still waiting at the period's end**: requests received by the end of the year, not
  withdrawn or declined, and not yet supported at that date.

The census date is the latest date in the access data unless given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nest_eval.domains.periods import period_end, period_year
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.stats import intervals

__all__ = [
    "CHANGE_COLUMNS",
    "INDICATORS",
    "STANDARD_DAYS",
    "access_change",
    "access_indicators",
    "census_date",
    "indicator_records",
]

STANDARD_DAYS = 28
"""Mental Health (Wales) Measure 2010, Part 1: assessment within 28 days of referral."""

INDICATORS = (
    "share_within_28_days",
    "median_wait_days",
    "p90_wait_days",
    "share_redirected",
    "mean_redirections",
    "still_waiting_at_year_end",
)
"""Access indicators, in report order."""

CHANGE_COLUMNS = (
    "rpb",
    "indicator",
    "baseline",
    "current",
    "change",
    "ci_low",
    "ci_high",
    "n_baseline",
    "n_current",
)
"""Columns of :func:`access_change`."""


def census_date(access: pd.DataFrame) -> pd.Timestamp:
    """The latest date in the access data (the default census date)."""
    return max(access["received_date"].max(), access["first_support_date"].max())


def _indicators(
    group: pd.DataFrame, census: pd.Timestamp, end: pd.Timestamp, waiting_pool: pd.DataFrame
) -> dict[str, tuple[float, float, float, int, float]]:
    """Each indicator as (estimate, ci_low, ci_high, n, count) for one group of requests."""
    out: dict[str, tuple[float, float, float, int, float]] = {}
    wait = (group["first_support_date"] - group["received_date"]).dt.days
    closed = group["received_date"] + pd.Timedelta(days=STANDARD_DAYS) <= census
    eligible = closed & (group["outcome"] != "withdrawn").fillna(True)
    n = int(eligible.sum())
    within = int((wait[eligible] <= STANDARD_DAYS).sum())
    low, high = intervals.wilson_interval(within, n) if n else (np.nan, np.nan)
    out["share_within_28_days"] = (within / n if n else np.nan, low, high, n, within)
    waits = wait.dropna().to_numpy(dtype=float)
    for name, q in (("median_wait_days", 0.5), ("p90_wait_days", 0.9)):
        if len(waits):
            estimate, low, high = intervals.quantile_interval(waits, q)
        else:
            estimate = low = high = np.nan
        out[name] = (estimate, low, high, len(waits), np.nan)
    redirections = group["redirections"].dropna().to_numpy(dtype=float)
    k = len(redirections)
    redirected = int((redirections >= 1).sum())
    low, high = intervals.wilson_interval(redirected, k) if k else (np.nan, np.nan)
    out["share_redirected"] = (redirected / k if k else np.nan, low, high, k, redirected)
    if k >= 2:
        mean, low, high = intervals.mean_interval(redirections)
    else:
        mean, low, high = (float(redirections.mean()) if k else np.nan), np.nan, np.nan
    out["mean_redirections"] = (mean, low, high, k, np.nan)
    pool = waiting_pool
    open_at_end = (
        (pool["received_date"] <= end)
        & ~pool["outcome"].isin(["withdrawn", "declined"]).fillna(False)
        & (pool["first_support_date"].isna() | (pool["first_support_date"] > end))
    )
    waiting = float(open_at_end.sum())
    out["still_waiting_at_year_end"] = (waiting, np.nan, np.nan, len(pool), waiting)
    return out


def indicator_records(
    requests: pd.DataFrame, pool: pd.DataFrame, census: pd.Timestamp, end: pd.Timestamp
) -> list[dict[str, object]]:
    """Every access indicator of some requests (a group of a breakdown).

    Parameters
    ----------
    requests : pandas.DataFrame
        The requests received in the reporting year.
    pool : pandas.DataFrame
        The requests of every year of the same group (those still waiting are counted among
        them).
    census : pandas.Timestamp
        Date the data describe.
    end : pandas.Timestamp
        The end of the reporting year, or the census date when earlier.

    Returns
    -------
    list of dict
        ``indicator`` (:data:`INDICATORS`), ``n``, ``count``, ``value``, ``ci_low``,
        ``ci_high``, as :func:`access_indicators` gives them.
    """
    found = _indicators(requests, census, end, pool)
    return [
        {"indicator": name, "n": n, "count": count, "value": estimate, "ci_low": low,
         "ci_high": high}
        for name, (estimate, low, high, n, count) in found.items()
    ]  # fmt: skip


def access_indicators(
    access: pd.DataFrame,
    year: int,
    census: pd.Timestamp | None = None,
    financial: bool = False,
) -> pd.DataFrame:
    """Access indicators per RPB and for Wales for one reporting year.

    Parameters
    ----------
    access : pandas.DataFrame
        Accepted ``access`` rows.
    year : int
        Reporting year.
    census : pandas.Timestamp, optional
        Date the data describe (default: the latest date in the data).
    financial : bool
        April–March reporting years.

    Returns
    -------
    pandas.DataFrame
        ``rpb``, ``indicator`` (:data:`INDICATORS`), ``estimate``, ``ci_low``, ``ci_high``,
        ``n`` (the denominator the estimate rests on) and ``count`` (the numerator of a
        share, or the number still waiting; NaN otherwise).

    References
    ----------
    Wilson EB (1927). J Am Stat Assoc 22:209–212 (proportions).
    Conover WJ (1999). Practical Nonparametric Statistics, 3rd ed., §3.2 (quantile intervals).
    """
    census = census_date(access) if census is None else census
    end = min(period_end(year, financial), census)
    years = period_year(access["received_date"], financial)
    this_year = access.loc[years == year]
    rows = []
    for rpb in (*RPB_NAMES, WALES):
        group = this_year if rpb == WALES else this_year[this_year["rpb"] == rpb]
        pool = access if rpb == WALES else access[access["rpb"] == rpb]
        for name, values in _indicators(group, census, end, pool).items():
            rows.append((rpb, name, *values))
    return pd.DataFrame(
        rows, columns=["rpb", "indicator", "estimate", "ci_low", "ci_high", "n", "count"]
    )


def access_change(
    access: pd.DataFrame,
    year: int,
    baseline_year: int,
    census: pd.Timestamp | None = None,
    financial: bool = False,
) -> pd.DataFrame:
    """Change in each access indicator from the baseline year, with intervals where defined.

    Shares use Newcombe's hybrid score interval and mean redirections Welch's interval; the
    change in a quantile of waits and in the number still waiting is given without an
    interval.

    Parameters
    ----------
    access : pandas.DataFrame
        Accepted ``access`` rows.
    year, baseline_year : int
        Reporting and baseline years.
    census : pandas.Timestamp, optional
        Census date (default: the latest date in the data).
    financial : bool
        April–March reporting years.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CHANGE_COLUMNS`.

    References
    ----------
    Newcombe RG (1998). Stat Med 17:873–890 (method 10).
    Welch BL (1947). Biometrika 34:28–35.
    """
    now = access_indicators(access, year, census, financial).set_index(["rpb", "indicator"])
    then = access_indicators(access, baseline_year, census, financial).set_index(
        ["rpb", "indicator"]
    )
    years = period_year(access["received_date"], financial)
    rows = []
    for rpb, indicator in now.index:
        current, baseline = now.loc[(rpb, indicator)], then.loc[(rpb, indicator)]
        if indicator in ("share_within_28_days", "share_redirected"):
            low, high = _share_change_interval(current, baseline)
        elif indicator == "mean_redirections":
            low, high = _redirections_change_interval(access, years, rpb, (year, baseline_year))
        else:
            low = high = np.nan
        rows.append(
            (
                rpb,
                indicator,
                baseline["estimate"],
                current["estimate"],
                current["estimate"] - baseline["estimate"],
                low,
                high,
                int(baseline["n"]),
                int(current["n"]),
            )
        )
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def _share_change_interval(current: pd.Series, baseline: pd.Series) -> tuple[float, float]:
    """Newcombe's interval for a change in a share (NaN where either year has no requests)."""
    if not (current["n"] and baseline["n"]):
        return np.nan, np.nan
    _, low, high = intervals.proportion_difference_interval(
        int(current["count"]), int(current["n"]), int(baseline["count"]), int(baseline["n"])
    )
    return low, high


def _redirections_change_interval(
    access: pd.DataFrame, years: pd.Series, rpb: str, compared: tuple[int, int]
) -> tuple[float, float]:
    """Welch's interval for the change in mean redirections of an RPB (or Wales)."""
    groups = []
    for y in compared:
        scope = access.loc[years == y]
        if rpb != WALES:
            scope = scope[scope["rpb"] == rpb]
        groups.append(scope["redirections"].dropna().to_numpy(dtype=float))
    a, b = groups
    if len(a) < 2 or len(b) < 2:
        return np.nan, np.nan
    _, low, high = intervals.mean_difference_interval(
        a.mean(), a.std(ddof=1), len(a), b.mean(), b.std(ddof=1), len(b)
    )
    return low, high
