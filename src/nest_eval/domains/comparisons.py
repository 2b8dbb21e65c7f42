"""Comparing RPBs without league tables: funnel plots for every proportion compared.

Each proportion that the reports compare across the seven RPBs gets a Spiegelhalter funnel
plot (:mod:`nest_eval.stats.funnel`): the RPBs are placed against exact binomial control limits
around the Wales proportion, and only an RPB whose exact binomial probability is below a limit's
level is flagged. Overdispersion is not estimated from seven RPBs (it needs
:data:`nest_eval.stats.funnel.MIN_UNITS_OVERDISPERSION` units), so the limits allow for chance
variation only. RPBs are never ranked.

Proportions compared (reporting year):

- experiences: the share agreeing with each of the eight items;
- access: the share first supported within 28 days and the share redirected at least once;
- outcomes: the share of assessable pairs with reliable improvement, per measure and
  respondent, and the paired data rate (children with a follow-up assessment; cohort of the
  year);
- implementation: the share of journey ratings informed by children's voices and by
  families' voices.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from nest_eval.domains import access as _access
from nest_eval.domains import experiences as _experiences
from nest_eval.domains import outcomes as _outcomes
from nest_eval.domains.intermediates import YearIntermediates, reporting_cohort_intermediates
from nest_eval.reference.contract import EXPERIENCE_ITEMS
from nest_eval.reference.measures import CATALOGUE, Catalogue
from nest_eval.reference.vocabulary import RPB_NAMES
from nest_eval.stats import funnel

__all__ = ["FUNNEL_COLUMNS", "proportions_by_rpb", "rpb_funnels"]

FUNNEL_COLUMNS = ("domain", "indicator", "measure", "respondent", "item", "rpb", "x", "n")
"""Columns of :func:`proportions_by_rpb`: the indicator (a stable key), what it is of, and the
numerator ``x`` and denominator ``n`` per RPB."""

_OF = ("measure", "respondent", "item")
_NA = pd.NA


def proportions_by_rpb(
    data: Mapping[str, pd.DataFrame],
    year: int,
    catalogue: Catalogue = CATALOGUE,
    financial: bool = False,
    sd: str = "reference",
    intermediates: YearIntermediates | None = None,
) -> pd.DataFrame:
    """Numerator and denominator per RPB of every proportion compared across RPBs.

    Parameters
    ----------
    data : mapping of str to pandas.DataFrame
        Accepted tables by dataset name.
    year : int
        The reporting year.
    catalogue : Catalogue
        Measures catalogue (for reliable change).
    financial : bool
        April–March reporting years.
    sd : {"reference", "sample"}
        SD used by the reliable change index.
    intermediates : YearIntermediates, optional
        What the year's tables share, built with the same settings; built here (journey
        ratings and the reporting cohort's change, without models) when not given.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FUNNEL_COLUMNS`.

    Raises
    ------
    ValueError
        When ``intermediates`` were built with other settings.
    """
    intermediates = reporting_cohort_intermediates(
        intermediates, data, year, catalogue, sd, financial
    )
    rows: list[tuple] = []
    if "experiences" in data:
        rows += _experience_proportions(data["experiences"], year, financial)
    if "access" in data:
        rows += _access_proportions(data["access"], year, financial, intermediates.census)
    if intermediates.outcomes is not None:
        rows += _outcome_proportions(intermediates.outcomes.summaries[year])
        rows += _paired_proportions(intermediates.outcomes.assessed[year])
    if intermediates.ratings is not None:
        rows += _voice_proportions(intermediates.ratings, year)
    return pd.DataFrame(rows, columns=list(FUNNEL_COLUMNS))


def _experience_proportions(experiences: pd.DataFrame, year: int, financial: bool) -> list[tuple]:
    """The share agreeing with each experience item, per RPB."""
    table = _experiences.agreement(experiences, year, by_respondent=False, financial=financial)
    shares = table["indicator"] == "share_agreeing"
    table = table[shares & table["item"].isin(EXPERIENCE_ITEMS) & table["rpb"].isin(RPB_NAMES)]
    return [
        ("experiences", "share_agreeing", _NA, _NA, item, rpb, int(x), int(n))
        for item, rpb, x, n in table[["item", "rpb", "n_agree", "n"]].itertuples(index=False)
    ]


def _access_proportions(
    access: pd.DataFrame, year: int, financial: bool, census: pd.Timestamp | None
) -> list[tuple]:
    """The shares first supported within 28 days and redirected at least once, per RPB."""
    table = _access.access_indicators(access, year, census, financial)
    compared = ("share_within_28_days", "share_redirected")
    table = table[table["indicator"].isin(compared) & table["rpb"].isin(RPB_NAMES)]
    return [
        ("access", indicator, _NA, _NA, _NA, rpb, int(x), int(n))
        for indicator, rpb, x, n in table[["indicator", "rpb", "count", "n"]].itertuples(
            index=False
        )
    ]


def _outcome_proportions(summary: pd.DataFrame) -> list[tuple]:
    """The share of assessable pairs with reliable improvement, per RPB, measure, respondent."""
    summary = summary[summary["rpb"].isin(RPB_NAMES)]
    rows = []
    for row in summary.itertuples(index=False):
        assessable = row.reliable_improvement + row.no_reliable_change + row.reliable_deterioration
        if assessable:
            rows.append(
                (
                    "outcomes",
                    "share_reliable_improvement",
                    row.measure,
                    row.respondent,
                    _NA,
                    row.rpb,
                    int(row.reliable_improvement),
                    int(assessable),
                )
            )
    return rows


def _paired_proportions(assessed: pd.DataFrame) -> list[tuple]:
    """The paired data rate: children with a follow-up assessment of the children, per RPB."""
    table = _outcomes.paired_data(assessed)
    table = table[table["rpb"].isin(RPB_NAMES)]
    return [
        ("outcomes", "paired_data_rate", _NA, _NA, _NA, rpb, int(x), int(n))
        for rpb, x, n in table[["rpb", "count", "n"]].itertuples(index=False)
    ]


def _voice_proportions(ratings: pd.DataFrame, year: int) -> list[tuple]:
    """The shares of journey ratings informed by children's and by families' voices, per RPB."""
    ratings = ratings[ratings["year"] == year]
    rows = []
    for voice, indicator in (
        ("cyp_voice", "share_cyp_voice"),
        ("family_voice", "share_family_voice"),
    ):
        for rpb in RPB_NAMES:
            known = ratings.loc[ratings["rpb"] == rpb, voice].dropna()
            if len(known):
                rows.append(
                    ("implementation", indicator, _NA, _NA, _NA, rpb, int(known.sum()), len(known))
                )
    return rows


def rpb_funnels(proportions: pd.DataFrame, min_units: int = 3) -> pd.DataFrame:
    """Funnel-plot table (limits and flags) for every proportion compared across RPBs.

    Parameters
    ----------
    proportions : pandas.DataFrame
        Output of :func:`proportions_by_rpb`.
    min_units : int
        Fewest RPBs with data for a comparison to be drawn.

    Returns
    -------
    pandas.DataFrame
        One row per indicator and RPB: the columns of :func:`nest_eval.stats.funnel.funnel_table`
        (``unit`` renamed ``rpb``) with ``domain``, ``indicator``, ``measure``,
        ``respondent``, ``item``, the Wales ``target``, ``tau2`` (as used: 0 unless
        overdispersion was estimated) and ``phi`` (NaN where it was not estimated, i.e. with
        fewer RPBs than :data:`nest_eval.stats.funnel.MIN_UNITS_OVERDISPERSION`).

    References
    ----------
    Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. Stat Med
    24:1185–1202.
    Spiegelhalter DJ et al. (2012). Statistical methods for healthcare regulation: rating,
    screening and surveillance. J R Stat Soc A 175:1–47.
    """
    frames = []
    keys = ["domain", "indicator", *_OF]
    for values, group in proportions.groupby(keys, sort=False, dropna=False):
        group = group[group["n"] > 0]
        if len(group) < min_units:
            continue
        table = funnel.funnel_table(
            group["rpb"].tolist(), group["x"].to_numpy(), group["n"].to_numpy()
        )
        table = table.rename(columns={"unit": "rpb"})
        for position, (name, value) in enumerate(zip(keys, values, strict=True)):
            table.insert(position, name, value)
        table["target"] = table.attrs["target"]
        table["tau2"] = table.attrs["tau2"]
        table["phi"] = table.attrs["phi"]
        table.attrs = {}
        frames.append(table)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
