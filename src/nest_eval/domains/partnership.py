"""Partnership enablers (Legacy Report recommendation G), co-production maturity (B), training.

Enablers are reported per RPB and year as given: funding by source (core and Regional
Integration Fund) with the pooled share, the workforce vacancy rate, whether a multi-agency
panel operates, co-production maturity (1–5) and whether children or young people sit on the
board. These are returns, not samples: no sampling interval is attached.

Training figures follow the NYTH/NEST implementation update (2024): learners enrolled and
completed on the NEST and children's rights course, the share of ratings that are good or
excellent (4 or 5 on 1–5), and learners by organisation type. Like the update's ("as of October
2024, 147 people had enrolled on the course and 70 had completed"), they are figures at a date:
the learners enrolled in the reporting period by the census date, and of them those who had
completed by it (:func:`training_summary`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nest_eval.reference.codings import VOCABULARIES
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.stats import intervals

__all__ = ["ORGANISATION_TYPES", "enablers", "training_summary"]

ORGANISATION_TYPES = VOCABULARIES["organisation_type"].values


def enablers(partnership: pd.DataFrame, year: int) -> pd.DataFrame:
    """Partnership enablers per RPB and for Wales for one year.

    Parameters
    ----------
    partnership : pandas.DataFrame
        Accepted ``partnership`` rows.
    year : int
        The year.

    Returns
    -------
    pandas.DataFrame
        One row per RPB (all 7, blank where no return) and ``Wales``: ``core_funding_gbp``,
        ``rif_funding_gbp``, ``total_funding_gbp`` (core + RIF), ``pooled_funding_gbp``,
        ``pooled_share`` (pooled ÷ (core + RIF)), ``workforce_vacancy_rate``,
        ``multiagency_panel``, ``coproduction_maturity``, ``cyp_on_board``, ``returned``.
        For Wales: funding sums and the pooled share of the summed funding, the mean vacancy
        rate and maturity over the RPBs that gave them, and the number of RPBs with a panel or
        children on the board.
    """
    rows = partnership.loc[partnership["year"] == year].set_index("rpb")
    columns = [
        "core_funding_gbp",
        "rif_funding_gbp",
        "pooled_funding_gbp",
        "workforce_vacancy_rate",
        "multiagency_panel",
        "coproduction_maturity",
        "cyp_on_board",
    ]
    table = rows.reindex(RPB_NAMES)[[c for c in columns if c in rows]].copy()
    for column in columns:
        if column not in table:
            table[column] = np.nan
    table["returned"] = table.index.isin(rows.index)
    table["total_funding_gbp"] = table["core_funding_gbp"] + table["rif_funding_gbp"]
    table["pooled_share"] = table["pooled_funding_gbp"] / table["total_funding_gbp"]
    returned = table[table["returned"]]
    wales = {
        "core_funding_gbp": returned["core_funding_gbp"].sum(min_count=1),
        "rif_funding_gbp": returned["rif_funding_gbp"].sum(min_count=1),
        "pooled_funding_gbp": returned["pooled_funding_gbp"].sum(min_count=1),
        "workforce_vacancy_rate": returned["workforce_vacancy_rate"].astype(float).mean(),
        "multiagency_panel": int(returned["multiagency_panel"].fillna(False).astype(bool).sum()),
        "coproduction_maturity": returned["coproduction_maturity"].astype(float).mean(),
        "cyp_on_board": int(returned["cyp_on_board"].fillna(False).astype(bool).sum()),
        "returned": len(returned),
    }
    wales["total_funding_gbp"] = wales["core_funding_gbp"] + wales["rif_funding_gbp"]
    wales["pooled_share"] = wales["pooled_funding_gbp"] / wales["total_funding_gbp"]
    table = table.astype(object)
    table.loc[WALES] = pd.Series(wales)
    table.index.name = "rpb"
    order = ["total_funding_gbp", "pooled_share", "returned"]
    return table.reset_index()[["rpb", *columns[:3], *order[:2], *columns[3:], order[2]]]


def training_summary(
    training: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    census: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Enrolment, completion, rating and organisation mix of learners, at a census date.

    The learners are those enrolled in the reporting period (``start`` to ``end``) on or
    before the census date. Of them, *completed* counts those with a completion date on or
    before the census date; the ratings are those of the learners who had not completed after
    it (a learner rates on completing, so a rating from a completion after the census date was
    not known at it). Learners by organisation are shares of the learners enrolled.

    Parameters
    ----------
    training : pandas.DataFrame
        Accepted ``training`` rows.
    start, end : pandas.Timestamp
        The reporting period.
    census : pandas.Timestamp, optional
        The census date (default ``end``).

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``indicator``, ``organisation_type``, ``value``, ``n`` (its
        denominator), ``ci_low``, ``ci_high`` (Wilson, for shares): ``enrolled``,
        ``completed``, ``share_completed``, ``n_ratings``, ``share_rated_good_or_excellent``,
        and ``share_of_learners`` for each ``organisation_type``.

    References
    ----------
    Welsh Government (2024). NYTH/NEST implementation update (training figures).
    Wilson EB (1927). J Am Stat Assoc 22:209–212.
    """
    census = end if census is None else census
    learners = training.loc[
        (training["enrolled_date"] >= start) & (training["enrolled_date"] <= min(end, census))
    ]
    enrolled = len(learners)
    later = (learners["completed_date"] > census).fillna(False).astype(bool)
    completed = int((learners["completed_date"].notna() & ~later).sum())
    ratings = learners.loc[~later, "rating"].dropna()
    good = int((ratings >= 4).sum())

    def share(x: int, n: int, name: str, kind: object = pd.NA) -> tuple:
        low, high = intervals.wilson_interval(x, n) if n else (np.nan, np.nan)
        return (name, kind, x / n if n else np.nan, n, low, high)

    rows = [
        ("enrolled", pd.NA, float(enrolled), enrolled, np.nan, np.nan),
        ("completed", pd.NA, float(completed), enrolled, np.nan, np.nan),
        share(completed, enrolled, "share_completed"),
        ("n_ratings", pd.NA, float(len(ratings)), enrolled, np.nan, np.nan),
        share(good, len(ratings), "share_rated_good_or_excellent"),
    ]
    counts = learners["organisation_type"].value_counts()
    for kind in ORGANISATION_TYPES:
        rows.append(share(int(counts.get(kind, 0)), enrolled, "share_of_learners", kind))
    return pd.DataFrame(
        rows, columns=["indicator", "organisation_type", "value", "n", "ci_low", "ci_high"]
    )
