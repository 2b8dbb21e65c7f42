"""Experiences: did help feel Nurturing, Empowering, Safe and Trusted.

The NEST framework judges success by children's, young people's and families' own accounts:
"we will know we are making progress as we hear direct feedback that their experiences of
services have felt Nurturing, Empowering, Safe and Trusted" (NEST/NYTH framework, Evaluation).

- The **NEST experience index** of a response is the mean of the nurturing, empowering, safe and
  trusted items it answered (1–5).
- The **share agreeing** with an item is the share of its answers that are 4 or 5, with a Wilson
  score interval.
- **Change from the baseline year** is the difference of shares with Newcombe's hybrid score
  interval, and the difference of mean index with Welch's interval.

Free-text comments are never used here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nest_eval.domains.periods import period_year
from nest_eval.reference.contract import EXPERIENCE_ITEMS, NEST_EXPERIENCE_ITEMS
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.stats import intervals

__all__ = [
    "AGREEMENT_COLUMNS",
    "AGREE_FROM",
    "CHANGE_COLUMNS",
    "INDEX",
    "agreement",
    "experience_change",
    "experience_index",
    "indicator_records",
    "with_period",
]

AGREE_FROM = 4
"""Answers at or above this point of the 1–5 scale count as agreeing."""
INDEX = "nest_index"
"""Column holding each response's NEST experience index (indicator ``experience_index``)."""


AGREEMENT_COLUMNS = (
    "rpb",
    "respondent_type",
    "indicator",
    "item",
    "n",
    "n_agree",
    "estimate",
    "ci_low",
    "ci_high",
)
"""Columns of :func:`agreement` (the published ``experiences`` table)."""

CHANGE_COLUMNS = (
    "rpb",
    "indicator",
    "item",
    "baseline",
    "current",
    "change",
    "ci_low",
    "ci_high",
    "n_baseline",
    "n_current",
)
"""Columns of :func:`experience_change`."""


def with_period(experiences: pd.DataFrame, financial: bool = False) -> pd.DataFrame:
    """Add the reporting ``year`` of each response and its NEST experience index."""
    return experiences.assign(
        year=period_year(experiences["date"], financial), **{INDEX: experience_index(experiences)}
    )


def experience_index(experiences: pd.DataFrame) -> pd.Series:
    """NEST experience index per response: the mean of the N, E, S, T items answered.

    Parameters
    ----------
    experiences : pandas.DataFrame
        Accepted ``experiences`` rows.

    Returns
    -------
    pandas.Series of float
        NaN for a response that answered none of the four items.

    Examples
    --------
    >>> df = pd.DataFrame({"nurturing": [4, None], "empowering": [5, None],
    ...                    "safe": [None, None], "trusted": [3, None]})
    >>> experience_index(df).tolist()
    [4.0, nan]
    """
    items = [c for c in NEST_EXPERIENCE_ITEMS if c in experiences]
    return experiences[items].astype("float64").mean(axis=1, skipna=True)


def _scopes(data: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    return [*((r, data[data["rpb"] == r]) for r in RPB_NAMES), (WALES, data)]


def agreement(
    experiences: pd.DataFrame, year: int, by_respondent: bool = True, financial: bool = False
) -> pd.DataFrame:
    """Share agreeing (4–5) with every item, with Wilson intervals, per RPB and for Wales.

    Parameters
    ----------
    experiences : pandas.DataFrame
        Accepted ``experiences`` rows.
    year : int
        The reporting year.
    by_respondent : bool
        Also break down by ``respondent_type`` (rows with ``respondent_type = "all"`` are
        always given).
    financial : bool
        April–March reporting years.

    Returns
    -------
    pandas.DataFrame
        ``rpb``, ``respondent_type``, ``indicator``, ``item``, ``n``, ``n_agree``,
        ``estimate``, ``ci_low``, ``ci_high``. Indicator ``share_agreeing``: one row per item,
        ``n`` answers and the share agreeing (Wilson interval); indicator
        ``experience_index``: one row per group (no item), ``n`` responses and the mean index
        (Student's t interval).

    References
    ----------
    Wilson EB (1927). Probable inference, the law of succession, and statistical inference.
    J Am Stat Assoc 22:209–212.
    """
    data = with_period(experiences, financial)
    data = data.loc[data["year"] == year]
    rows = []
    for rpb, scope in _scopes(data):
        groups = [("all", scope)]
        if by_respondent:
            groups += list(scope.groupby("respondent_type", sort=True))
        for respondent, group in groups:
            rows += [(rpb, respondent, *statistics) for statistics in _statistics(group)]
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))


def _statistics(group: pd.DataFrame) -> list[tuple]:
    """Each item's share agreeing and the mean index of some responses (with the index).

    As ``(indicator, item, n, n_agree, estimate, ci_low, ci_high)``.
    """
    rows: list[tuple] = []
    for item in EXPERIENCE_ITEMS:
        answers = group[item].dropna()
        n, agree = len(answers), int((answers >= AGREE_FROM).sum())
        low, high = intervals.wilson_interval(agree, n) if n else (np.nan, np.nan)
        share = agree / n if n else np.nan
        rows.append(("share_agreeing", item, n, agree, share, low, high))
    index = group[INDEX].dropna()
    if len(index) >= 2:
        mean, low, high = intervals.mean_interval(index.to_numpy())
    else:
        mean, low, high = (float(index.mean()) if len(index) else np.nan), np.nan, np.nan
    rows.append(("experience_index", pd.NA, len(index), np.nan, mean, low, high))
    return rows


def indicator_records(responses: pd.DataFrame) -> list[dict[str, object]]:
    """The share agreeing with every item and the mean index of some responses.

    The statistics of :func:`agreement` for any set of responses (a group of a breakdown):
    indicator ``share_agreeing`` per item (``n`` answers, ``count`` agreeing, Wilson interval)
    and ``experience_index`` (``n`` responses with an index, Student t interval).

    Parameters
    ----------
    responses : pandas.DataFrame
        Responses of one reporting year with their index (:func:`with_period`).

    Returns
    -------
    list of dict
        ``indicator``, ``item``, ``n``, ``count``, ``value``, ``ci_low``, ``ci_high``.

    References
    ----------
    Wilson EB (1927). J Am Stat Assoc 22:209–212.
    """
    names = ("indicator", "item", "n", "count", "value", "ci_low", "ci_high")
    return [dict(zip(names, row, strict=True)) for row in _statistics(responses)]


def experience_change(
    experiences: pd.DataFrame, year: int, baseline_year: int, financial: bool = False
) -> pd.DataFrame:
    """Change in every item's share agreeing, and in the mean index, from the baseline year.

    Parameters
    ----------
    experiences : pandas.DataFrame
        Accepted ``experiences`` rows.
    year, baseline_year : int
        Reporting and baseline years.
    financial : bool
        April–March reporting years.

    Returns
    -------
    pandas.DataFrame
        Per ``rpb`` (7 and Wales): indicator ``share_agreeing`` per ``item``, and indicator
        ``experience_index`` (no item): ``baseline``, ``current``, ``change``, ``ci_low``,
        ``ci_high``, ``n_baseline``, ``n_current``. Shares use Newcombe's hybrid score
        interval for a difference of independent proportions; the index uses Welch's interval.

    References
    ----------
    Newcombe RG (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Stat Med 17:873–890 (method 10).
    Welch BL (1947). The generalization of "Student's" problem when several different
    population variances are involved. Biometrika 34:28–35.
    """
    data = with_period(experiences, financial)
    rows = []
    for rpb, scope in _scopes(data):
        now, then = scope[scope["year"] == year], scope[scope["year"] == baseline_year]
        for item in EXPERIENCE_ITEMS:
            a, b = now[item].dropna(), then[item].dropna()
            x1, n1 = int((a >= AGREE_FROM).sum()), len(a)
            x0, n0 = int((b >= AGREE_FROM).sum()), len(b)
            if n1 and n0:
                diff, low, high = intervals.proportion_difference_interval(x1, n1, x0, n0)
            else:
                diff = low = high = np.nan
            rows.append(
                (
                    rpb,
                    "share_agreeing",
                    item,
                    x0 / n0 if n0 else np.nan,
                    x1 / n1 if n1 else np.nan,
                    diff,
                    low,
                    high,
                    n0,
                    n1,
                )
            )
        a, b = now[INDEX].dropna(), then[INDEX].dropna()
        if len(a) >= 2 and len(b) >= 2:
            diff, low, high = intervals.mean_difference_interval(
                a.mean(), a.std(ddof=1), len(a), b.mean(), b.std(ddof=1), len(b)
            )
        else:
            diff = low = high = np.nan
        rows.append(
            (
                rpb,
                "experience_index",
                pd.NA,
                b.mean() if len(b) else np.nan,
                a.mean() if len(a) else np.nan,
                diff,
                low,
                high,
                len(b),
                len(a),
            )
        )
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
