"""Access (no wrong door): timely first support, waits and redirections.

Families and professionals should "know who to turn to for help and advice; and that this is
accessed in a timely manner" (NEST/NYTH framework, Evaluation). The 28-day standard is that of
the Mental Health (Wales) Measure 2010, Part 1.

Every figure is taken at the census date (:func:`nest_eval.domains.census.census_date`: the
run's ``as_of``, by default the last day of the reporting period). The requests of a year are
those received in the reporting period on or before the census date.

Definitions:

- **wait**: days from the request to its first support (``first_support_date``, which includes
  signposting with support). A request not supported by the census date (still waiting) has no
  wait yet: its wait is *censored* at the census date, known to be at least the days from the
  request to it. Requests withdrawn or declined without support by the census date are left
  out of the waits (they ended without support; their date is not recorded).
- **median and 90th-percentile wait**: Kaplan–Meier quantiles of the waits with the requests
  still waiting censored at the census date, and Brookmeyer–Crowley 95% intervals on the
  complementary log-log scale (:func:`nest_eval.stats.survival.km_quantile`). A quantile the
  waits do not reach by the census date is *not reached* (NaN; an upper limit the data cannot
  bound is ``inf``). ``n`` is the requests in the waits, ``count`` those still waiting.
- **still waiting at the census date**: requests received in the period and not supported by
  the census date (withdrawn and declined requests left out, as above), of the requests in the
  waits.
- **share first supported within 28 days**: of the requests whose 28-day window had closed by
  the census date, the share first supported within 28 days. Requests withdrawn by the family
  are left out of the denominator; declined requests and requests never supported count as not
  supported within 28 days. Wilson interval.
- **share redirected at least once** (Wilson) and **mean redirections** (t interval), as
  recorded (redirections carry no date).

A baseline year's figures are taken at the same point of that year
(:func:`nest_eval.domains.census.same_point`): at the end of the baseline year when the census
date is the end of the reporting year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nest_eval.domains.census import same_point
from nest_eval.domains.periods import period_end, period_year
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.stats import intervals
from nest_eval.stats.survival import km_quantile

__all__ = [
    "CHANGE_COLUMNS",
    "INDICATORS",
    "QUANTILES",
    "STANDARD_DAYS",
    "access_change",
    "access_indicators",
    "indicator_records",
    "waits",
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
"""Access indicators, in report order (``still_waiting_at_year_end``: at the census date)."""

QUANTILES = {"median_wait_days": 0.5, "p90_wait_days": 0.9}
"""The Kaplan–Meier quantiles of the waits published."""

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


def waits(requests: pd.DataFrame, census: pd.Timestamp) -> pd.DataFrame:
    """The wait of each request to first support, censored at the census date.

    Parameters
    ----------
    requests : pandas.DataFrame
        Requests (``received_date``, ``first_support_date``, ``outcome``).
    census : pandas.Timestamp
        The census date.

    Returns
    -------
    pandas.DataFrame
        One row per request in the waits, on the requests' index: those received by the census
        date, less the withdrawn and declined ones without support by it. ``days`` (to first
        support, or to the census date) and ``supported`` (False: still waiting, the wait
        censored).

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "received_date": pd.to_datetime(["2025-11-01", "2025-12-01", "2025-12-10"]),
    ...     "first_support_date": pd.to_datetime(["2025-11-20", "2026-01-15", None]),
    ...     "outcome": ["supported", "supported", "withdrawn"]})
    >>> waits(frame, pd.Timestamp("2025-12-31"))
       days  supported
    0    19       True
    1    30      False
    """
    supported = (requests["first_support_date"] <= census).fillna(False).astype(bool)
    ended = requests["outcome"].isin(["withdrawn", "declined"]).fillna(False).astype(bool)
    kept = (requests["received_date"] <= census).fillna(False).astype(bool) & (supported | ~ended)
    end = requests["first_support_date"].where(supported, census)
    days = (end - requests["received_date"]).dt.days
    return pd.DataFrame({"days": days, "supported": supported})[kept]


def _indicators(
    group: pd.DataFrame, census: pd.Timestamp
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
    observed = waits(group, census)
    waiting = int((~observed["supported"]).sum())
    for name, p in QUANTILES.items():
        q = km_quantile(observed["days"], observed["supported"], p)
        out[name] = (q.estimate, q.low, q.high, q.n, float(waiting))
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
    out["still_waiting_at_year_end"] = (
        float(waiting),
        np.nan,
        np.nan,
        len(observed),
        float(waiting),
    )
    return out


def indicator_records(requests: pd.DataFrame, census: pd.Timestamp) -> list[dict[str, object]]:
    """Every access indicator of some requests (a group of a breakdown), at the census date.

    Parameters
    ----------
    requests : pandas.DataFrame
        The group's requests received in the reporting period on or before the census date.
    census : pandas.Timestamp
        The census date (:func:`nest_eval.domains.census.census_date`).

    Returns
    -------
    list of dict
        ``indicator`` (:data:`INDICATORS`), ``n``, ``count``, ``value``, ``ci_low``,
        ``ci_high``, as :func:`access_indicators` gives them.

    References
    ----------
    Wilson EB (1927). J Am Stat Assoc 22:209–212 (proportions).
    Kaplan EL, Meier P (1958). J Am Stat Assoc 53:457–481 (waits with requests still waiting).
    Brookmeyer R, Crowley J (1982). Biometrics 38:29–41 (intervals of the quantiles).
    """
    found = _indicators(requests, census)
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
        The census date (default: the last day of the reporting period).
    financial : bool
        April–March reporting years.

    Returns
    -------
    pandas.DataFrame
        ``rpb``, ``indicator`` (:data:`INDICATORS`), ``estimate``, ``ci_low``, ``ci_high``,
        ``n`` (the requests the estimate rests on) and ``count`` (the numerator of a share, or
        the number still waiting, beside the waits' quantiles too; NaN otherwise).

    References
    ----------
    Wilson EB (1927). J Am Stat Assoc 22:209–212 (proportions).
    Kaplan EL, Meier P (1958). J Am Stat Assoc 53:457–481 (waits with requests still waiting).
    Brookmeyer R, Crowley J (1982). Biometrics 38:29–41 (intervals of the quantiles).
    """
    census = period_end(year, financial) if census is None else census
    years = period_year(access["received_date"], financial)
    this_year = access.loc[(years == year) & (access["received_date"] <= census)]
    rows = []
    for rpb in (*RPB_NAMES, WALES):
        group = this_year if rpb == WALES else this_year[this_year["rpb"] == rpb]
        for name, values in _indicators(group, census).items():
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
    interval, and the change in a quantile not reached in either year is NaN. The baseline
    year is taken at the same point of its year as the reporting year
    (:func:`~nest_eval.domains.census.same_point`).

    Parameters
    ----------
    access : pandas.DataFrame
        Accepted ``access`` rows.
    year, baseline_year : int
        Reporting and baseline years.
    census : pandas.Timestamp, optional
        The reporting year's census date (default: the last day of the reporting period).
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
    census = period_end(year, financial) if census is None else census
    baseline_census = same_point(census, year, baseline_year, financial)
    now = access_indicators(access, year, census, financial).set_index(["rpb", "indicator"])
    then = access_indicators(access, baseline_year, baseline_census, financial).set_index(
        ["rpb", "indicator"]
    )
    years = period_year(access["received_date"], financial)
    received = {year: census, baseline_year: baseline_census}
    rows = []
    for rpb, indicator in now.index:
        current, baseline = now.loc[(rpb, indicator)], then.loc[(rpb, indicator)]
        if indicator in ("share_within_28_days", "share_redirected"):
            low, high = _share_change_interval(current, baseline)
        elif indicator == "mean_redirections":
            low, high = _redirections_change_interval(access, years, rpb, received)
        else:
            low = high = np.nan
        rows.append(
            (
                rpb,
                indicator,
                baseline["estimate"],
                current["estimate"],
                _difference(current["estimate"], baseline["estimate"]),
                low,
                high,
                int(baseline["n"]),
                int(current["n"]),
            )
        )
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def _difference(current: float, baseline: float) -> float:
    """The value less the baseline's; NaN unless both are finite (a quantile reached)."""
    return current - baseline if np.isfinite(current) and np.isfinite(baseline) else np.nan


def _share_change_interval(current: pd.Series, baseline: pd.Series) -> tuple[float, float]:
    """Newcombe's interval for a change in a share (NaN where either year has no requests)."""
    if not (current["n"] and baseline["n"]):
        return np.nan, np.nan
    _, low, high = intervals.proportion_difference_interval(
        int(current["count"]), int(current["n"]), int(baseline["count"]), int(baseline["n"])
    )
    return low, high


def _redirections_change_interval(
    access: pd.DataFrame, years: pd.Series, rpb: str, compared: dict[int, pd.Timestamp]
) -> tuple[float, float]:
    """Welch's interval for the change in mean redirections of an RPB (or Wales).

    ``compared`` gives each year compared (this year first) with its census date.
    """
    groups = []
    for y, census in compared.items():
        scope = access.loc[(years == y) & (access["received_date"] <= census)]
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
