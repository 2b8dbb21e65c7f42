"""Comparing RPBs without league tables: funnel plots for every proportion compared.

Each proportion that the reports compare across the seven RPBs gets a Spiegelhalter funnel
plot (:mod:`nest_eval.stats.funnel`): the RPBs are placed against control limits around the Wales
proportion, widened for overdispersion, and only an RPB outside the limits is flagged. RPBs are
never ranked.

Proportions compared (reporting year):

- experiences: the share agreeing with each of the eight items;
- access: the share first supported within 28 days and the share redirected at least once;
- outcomes: the share of assessable pairs with reliable improvement, per measure and
  respondent (cohort of the year);
- implementation: the share of journey ratings informed by children's voices and by
  families' voices.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from nest_eval.domains import access as _access
from nest_eval.domains import experiences as _experiences
from nest_eval.domains import implementation as _implementation
from nest_eval.domains import outcomes as _outcomes
from nest_eval.reference.contract import EXPERIENCE_ITEMS
from nest_eval.reference.measures import CATALOGUE, Catalogue
from nest_eval.reference.vocabulary import RPB_NAMES
from nest_eval.stats import funnel

__all__ = ["FUNNEL_COLUMNS", "proportions_by_rpb", "rpb_funnels"]

FUNNEL_COLUMNS = ("domain", "indicator", "measure", "respondent", "item", "rpb", "x", "n")
"""Columns of :func:`proportions_by_rpb`: the indicator (a stable key), what it is of, and the
numerator ``x`` and denominator ``n`` per RPB."""

_OF = ("measure", "respondent", "item")


def proportions_by_rpb(
    data: Mapping[str, pd.DataFrame],
    year: int,
    catalogue: Catalogue = CATALOGUE,
    financial: bool = False,
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

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FUNNEL_COLUMNS`.
    """
    rows: list[tuple] = []
    na = pd.NA
    if "experiences" in data:
        table = _experiences.agreement(
            data["experiences"], year, by_respondent=False, financial=financial
        )
        shares = table["indicator"] == "share_agreeing"
        table = table[shares & table["item"].isin(EXPERIENCE_ITEMS) & table["rpb"].isin(RPB_NAMES)]
        for item, rpb, x, n in table[["item", "rpb", "n_agree", "n"]].itertuples(index=False):
            rows.append(("experiences", "share_agreeing", na, na, item, rpb, int(x), int(n)))
    if "access" in data:
        table = _access.access_indicators(data["access"], year, financial=financial)
        compared = ("share_within_28_days", "share_redirected")
        table = table[table["indicator"].isin(compared) & table["rpb"].isin(RPB_NAMES)]
        for indicator, rpb, x, n in table[["indicator", "rpb", "count", "n"]].itertuples(
            index=False
        ):
            rows.append(("access", indicator, na, na, na, rpb, int(x), int(n)))
    if "outcomes" in data:
        episodes = _outcomes.episodes(data["outcomes"], financial)
        assessed = _outcomes.reliable_change(episodes[episodes["cohort"] == year], catalogue)
        summary = _outcomes.change_summary(assessed)
        summary = summary[summary["rpb"].isin(RPB_NAMES)]
        for row in summary.itertuples(index=False):
            assessable = (
                row.reliable_improvement + row.no_reliable_change + row.reliable_deterioration
            )
            if assessable:
                rows.append(
                    (
                        "outcomes",
                        "share_reliable_improvement",
                        row.measure,
                        row.respondent,
                        na,
                        row.rpb,
                        int(row.reliable_improvement),
                        int(assessable),
                    )
                )
    if "self_assessment" in data:
        ratings = _implementation.journey_ratings(data["self_assessment"])
        ratings = ratings[ratings["year"] == year]
        for voice, indicator in (
            ("cyp_voice", "share_cyp_voice"),
            ("family_voice", "share_family_voice"),
        ):
            for rpb in RPB_NAMES:
                known = ratings.loc[ratings["rpb"] == rpb, voice].dropna()
                if len(known):
                    rows.append(
                        (
                            "implementation",
                            indicator,
                            na,
                            na,
                            na,
                            rpb,
                            int(known.sum()),
                            len(known),
                        )
                    )
    return pd.DataFrame(rows, columns=list(FUNNEL_COLUMNS))


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
        ``respondent``, ``item``, the Wales ``target``, ``tau2`` and ``phi``.

    References
    ----------
    Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. Stat Med
    24:1185–1202.
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
