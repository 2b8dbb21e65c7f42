"""Distance travelled: the published tables of the data contract, built in one place.

:func:`distance_travelled` builds ``tables/distance_travelled.csv`` (one row per RPB and Wales,
domain and indicator, with the baseline, the current value, the change and its interval) and
:func:`outcomes_change` builds ``tables/outcomes_change.csv``. The notebooks and the pipeline
call these functions, so every published figure comes from the same code.

Distance travelled compares the reporting year with a baseline year: by default the earliest
year with data for that RPB and domain (data contract, "The reporting period").
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from nest_eval.domains import access as _access
from nest_eval.domains import experiences as _experiences
from nest_eval.domains import implementation as _implementation
from nest_eval.domains import outcomes as _outcomes
from nest_eval.domains.periods import default_baseline, period_year
from nest_eval.reference import indicators as _indicators
from nest_eval.reference.measures import CATALOGUE, Catalogue
from nest_eval.reference.vocabulary import CORE_ELEMENTS, RPB_NAMES, WALES
from nest_eval.stats import intervals

__all__ = [
    "DISTANCE_COLUMNS",
    "OUTCOMES_CHANGE_COLUMNS",
    "baseline_years",
    "distance_travelled",
    "outcomes_change",
]

DISTANCE_COLUMNS = (
    "rpb",
    "domain",
    "indicator",
    "element",
    "measure",
    "respondent",
    "item",
    "baseline_year",
    "baseline",
    "current",
    "change",
    "ci_low",
    "ci_high",
    "n",
    "better",
)
"""Columns of ``distance_travelled.csv``: the contract's, with ``indicator`` a stable key of
:data:`nest_eval.reference.indicators.INDICATORS` and, beside it, what the indicator is of
(``element``, ``measure`` and ``respondent``, or ``item``; blank where not applicable), then
``better`` (which direction of change is an improvement: ``higher`` or ``lower``)."""

OUTCOMES_CHANGE_COLUMNS = (
    "rpb",
    "measure",
    "respondent",
    "n_pairs",
    "n_unpaired",
    "mean_change",
    "reliable_improvement",
    "no_reliable_change",
    "reliable_deterioration",
    "reliable_recovery",
    "pct_reliable_improvement",
    "pct_no_reliable_change",
    "pct_reliable_deterioration",
    "pct_reliable_recovery",
    "mean_change_ci_low",
    "mean_change_ci_high",
    "smc",
    "smc_ci_low",
    "smc_ci_high",
    "n_not_assessable",
)
"""Columns of ``outcomes_change.csv``: the contract's, then intervals and the standardised mean
change."""

_Z95 = 1.959963984540054


def _years_by_rpb(frame: pd.DataFrame, years: pd.Series) -> dict[str, list[int]]:
    found = {
        rpb: sorted({int(y) for y in years[frame["rpb"] == rpb].dropna()}) for rpb in RPB_NAMES
    }
    found[WALES] = sorted({int(y) for y in years.dropna()})
    return found


def baseline_years(
    data: Mapping[str, pd.DataFrame], year: int, financial: bool = False
) -> pd.DataFrame:
    """The default baseline year per RPB (and Wales) and domain.

    Parameters
    ----------
    data : mapping of str to pandas.DataFrame
        Accepted tables by dataset name.
    year : int
        The reporting year.
    financial : bool
        April–March reporting years for dated rows.

    Returns
    -------
    pandas.DataFrame
        ``rpb``, ``domain``, ``baseline_year`` (missing where no earlier year has data).
    """
    sources: dict[str, dict[str, list[int]]] = {}
    if "self_assessment" in data:
        ratings = _implementation.journey_ratings(data["self_assessment"])
        sources["implementation"] = _years_by_rpb(ratings, ratings["year"])
    if "outcomes" in data:
        first = (
            data["outcomes"]
            .groupby(["person_id", "measure", "respondent"])[["rpb", "date"]]
            .first()
        )
        sources["outcomes"] = _years_by_rpb(first, period_year(first["date"], financial))
    if "experiences" in data:
        frame = data["experiences"]
        sources["experiences"] = _years_by_rpb(frame, period_year(frame["date"], financial))
    if "access" in data:
        frame = data["access"]
        sources["access"] = _years_by_rpb(frame, period_year(frame["received_date"], financial))
    rows = [
        (rpb, domain, default_baseline(years.get(rpb, []), year))
        for domain, years in sources.items()
        for rpb in (*RPB_NAMES, WALES)
    ]
    table = pd.DataFrame(rows, columns=["rpb", "domain", "baseline_year"])
    table["baseline_year"] = table["baseline_year"].astype("Int64")
    return table


def _better(indicator: str, measure: str | None = None, catalogue: Catalogue = CATALOGUE) -> str:
    """Which direction of change is better for an indicator (of a measure)."""
    direction = _indicators.indicator(indicator).direction
    if direction == "measure":
        return "higher" if catalogue[measure].higher_is_better else "lower"
    return direction


def _row(
    rpb: str,
    indicator: str,
    of: Mapping[str, object],
    base_year: int,
    baseline: float,
    current: float,
    ci: tuple[float, float],
    n: float,
    better: str,
) -> dict[str, object]:
    return {
        "rpb": rpb,
        "domain": _indicators.indicator(indicator).domain,
        "indicator": indicator,
        **{dim: of.get(dim, pd.NA) for dim in ("element", "measure", "respondent", "item")},
        "baseline_year": base_year,
        "baseline": baseline,
        "current": current,
        "change": current - baseline,
        "ci_low": ci[0],
        "ci_high": ci[1],
        "n": n,
        "better": better,
    }


def _implementation_rows(sa: pd.DataFrame, year: int, base: Mapping[str, int | None]):
    rows = []
    for rpb in (*RPB_NAMES, WALES):
        b = base.get(rpb)
        if b is None:
            continue
        summary = _implementation.rpb_change_summary(sa, year, b).set_index("rpb").loc[rpb]
        rows.append(
            _row(
                rpb,
                "mean_journey_rating",
                {},
                b,
                summary["baseline"],
                summary["current"],
                (np.nan, np.nan),
                summary["n_elements"],
                _better("mean_journey_rating"),
            )
        )
        if rpb == WALES:
            now = _implementation.national_means(sa, year).set_index("element")
            then = _implementation.national_means(sa, b).set_index("element")
            for element in CORE_ELEMENTS:
                rows.append(
                    _row(
                        rpb,
                        "journey_rating",
                        {"element": element.key},
                        b,
                        then.loc[element.key, "mean_rating"],
                        now.loc[element.key, "mean_rating"],
                        (np.nan, np.nan),
                        now.loc[element.key, "n_rpbs"],
                        _better("journey_rating"),
                    )
                )
        else:
            changes = _implementation.element_changes(sa, year, b)
            changes = changes[changes["rpb"] == rpb].set_index("element")
            for element in CORE_ELEMENTS:
                c = changes.loc[element.key]
                rows.append(
                    _row(
                        rpb,
                        "journey_rating",
                        {"element": element.key},
                        b,
                        c["baseline"],
                        c["current"],
                        (np.nan, np.nan),
                        int(pd.notna(c["current"])),
                        _better("journey_rating"),
                    )
                )
    return rows


def _outcome_rows(
    outcomes: pd.DataFrame,
    year: int,
    base: Mapping[str, int | None],
    catalogue: Catalogue,
    sd: str,
    financial: bool,
):
    episode_table = _outcomes.episodes(outcomes, financial)
    years = sorted({b for b in base.values() if b is not None} | {year})
    summaries, models = {}, {}
    for y in years:
        assessed = _outcomes.reliable_change(
            episode_table[episode_table["cohort"] == y], catalogue, sd
        )
        summaries[y] = _outcomes.change_summary(assessed).set_index(
            ["rpb", "measure", "respondent"]
        )
        for fit in _outcomes.adjusted_change(outcomes, episode_table, y):
            models[(y, fit.measure, fit.respondent)] = fit.table.set_index("rpb")
    rows = []
    current = summaries[year]
    for rpb, measure, respondent in current.index:
        b = base.get(rpb)
        if b is None or (rpb, measure, respondent) not in summaries[b].index:
            continue
        now, then = (
            current.loc[(rpb, measure, respondent)],
            summaries[b].loc[(rpb, measure, respondent)],
        )
        of = {"measure": measure, "respondent": respondent}
        ci = intervals.mean_difference_interval(
            now["mean_change"],
            now["sd_change"],
            now["n_pairs"],
            then["mean_change"],
            then["sd_change"],
            then["n_pairs"],
        )
        rows.append(
            _row(
                rpb,
                "mean_change",
                of,
                b,
                then["mean_change"],
                now["mean_change"],
                (ci.low, ci.high),
                now["n_pairs"],
                _better("mean_change", measure, catalogue),
            )
        )
        assessable = [
            int(s[["reliable_improvement", "no_reliable_change", "reliable_deterioration"]].sum())
            for s in (now, then)
        ]
        if all(assessable):
            diff = intervals.proportion_difference_interval(
                int(now["reliable_improvement"]),
                assessable[0],
                int(then["reliable_improvement"]),
                assessable[1],
            )
            rows.append(
                _row(
                    rpb,
                    "share_reliable_improvement",
                    of,
                    b,
                    then["reliable_improvement"] / assessable[1],
                    now["reliable_improvement"] / assessable[0],
                    (diff.low, diff.high),
                    assessable[0],
                    _better("share_reliable_improvement"),
                )
            )
        model_now = models.get((year, measure, respondent))
        model_then = models.get((b, measure, respondent))
        if (
            model_now is not None
            and model_then is not None
            and rpb in model_now.index
            and rpb in model_then.index
        ):
            m1, m0 = model_now.loc[rpb], model_then.loc[rpb]
            se = float(np.hypot(m1["se"], m0["se"]))
            delta = m1["adjusted_change_per_year"] - m0["adjusted_change_per_year"]
            rows.append(
                _row(
                    rpb,
                    "adjusted_change_per_year",
                    of,
                    b,
                    m0["adjusted_change_per_year"],
                    m1["adjusted_change_per_year"],
                    (delta - _Z95 * se, delta + _Z95 * se),
                    m1["n_children_paired"],
                    _better("adjusted_change_per_year", measure, catalogue),
                )
            )
    return rows


def _experience_rows(
    experiences: pd.DataFrame, year: int, base: Mapping[str, int | None], financial: bool
):
    rows = []
    by_year: dict[int, pd.DataFrame] = {}
    for rpb in (*RPB_NAMES, WALES):
        b = base.get(rpb)
        if b is None:
            continue
        if b not in by_year:
            by_year[b] = _experiences.experience_change(experiences, year, b, financial)
        table = by_year[b][by_year[b]["rpb"] == rpb]
        for r in table.to_dict(orient="records"):
            of = {} if pd.isna(r["item"]) else {"item": r["item"]}
            rows.append(
                _row(
                    rpb,
                    r["indicator"],
                    of,
                    b,
                    r["baseline"],
                    r["current"],
                    (r["ci_low"], r["ci_high"]),
                    r["n_current"],
                    _better(r["indicator"]),
                )
            )
    return rows


def _access_rows(access: pd.DataFrame, year: int, base: Mapping[str, int | None], financial: bool):
    rows = []
    by_year: dict[int, pd.DataFrame] = {}
    for rpb in (*RPB_NAMES, WALES):
        b = base.get(rpb)
        if b is None:
            continue
        if b not in by_year:
            by_year[b] = _access.access_change(access, year, b, financial=financial).set_index(
                ["rpb", "indicator"]
            )
        for indicator in _access.INDICATORS:
            r = by_year[b].loc[(rpb, indicator)]
            rows.append(
                _row(
                    rpb,
                    indicator,
                    {},
                    b,
                    r["baseline"],
                    r["current"],
                    (r["ci_low"], r["ci_high"]),
                    r["n_current"],
                    _better(indicator),
                )
            )
    return rows


def distance_travelled(
    data: Mapping[str, pd.DataFrame],
    year: int,
    baseline_year: int | None = None,
    catalogue: Catalogue = CATALOGUE,
    sd: str = "reference",
    financial: bool = False,
) -> pd.DataFrame:
    """The ``distance_travelled`` table: every indicator's change from baseline, with intervals.

    Parameters
    ----------
    data : mapping of str to pandas.DataFrame
        Accepted tables by dataset name (``self_assessment``, ``outcomes``, ``experiences``,
        ``access``); a missing dataset leaves its domain out.
    year : int
        The reporting year.
    baseline_year : int, optional
        The baseline for every RPB and domain; by default each RPB's earliest year with data
        in that domain (:func:`baseline_years`).
    catalogue : Catalogue
        Measures catalogue (with any evaluator overrides).
    sd : {"reference", "sample"}
        SD used by the reliable change index.
    financial : bool
        April–March reporting years for dated rows.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DISTANCE_COLUMNS`; one row per RPB (7, then ``Wales``), domain and
        indicator with a baseline. Journey ratings and partnership returns carry no interval
        (they are a census of self-ratings, not a sample).

    See Also
    --------
    nest_eval.domains.implementation, nest_eval.domains.outcomes, nest_eval.domains.experiences,
    nest_eval.domains.access
    """
    defaults = baseline_years(data, year, financial)
    rows: list[dict[str, object]] = []

    def base_for(domain: str) -> dict[str, int | None]:
        if baseline_year is not None:
            return dict.fromkeys((*RPB_NAMES, WALES), baseline_year)
        subset = defaults[defaults["domain"] == domain]
        return {
            r: (None if pd.isna(b) else int(b))
            for r, b in zip(subset["rpb"], subset["baseline_year"], strict=True)
        }

    if "self_assessment" in data:
        rows += _implementation_rows(data["self_assessment"], year, base_for("implementation"))
    if "outcomes" in data:
        rows += _outcome_rows(
            data["outcomes"], year, base_for("outcomes"), catalogue, sd, financial
        )
    if "experiences" in data:
        rows += _experience_rows(data["experiences"], year, base_for("experiences"), financial)
    if "access" in data:
        rows += _access_rows(data["access"], year, base_for("access"), financial)
    table = pd.DataFrame(rows, columns=list(DISTANCE_COLUMNS))
    order = {name: i for i, name in enumerate((*RPB_NAMES, WALES))}
    domains = {d: i for i, d in enumerate(("implementation", "outcomes", "experiences", "access"))}
    table = table.assign(_r=table["rpb"].map(order), _d=table["domain"].map(domains))
    table = table.sort_values(["_r", "_d"], kind="stable").drop(columns=["_r", "_d"])
    table["baseline_year"] = table["baseline_year"].astype("Int64")
    table["n"] = table["n"].astype("Int64")
    return table.reset_index(drop=True)


def outcomes_change(
    outcomes: pd.DataFrame,
    year: int,
    catalogue: Catalogue = CATALOGUE,
    sd: str = "reference",
    financial: bool = False,
) -> pd.DataFrame:
    """The ``outcomes_change`` table for the cohort whose first assessment fell in ``year``.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        Accepted ``outcomes`` rows.
    year : int
        The reporting year (cohort).
    catalogue : Catalogue
        Measures catalogue.
    sd : {"reference", "sample"}
        SD used by the reliable change index.
    financial : bool
        April–March reporting years.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OUTCOMES_CHANGE_COLUMNS`, per ``rpb`` (and ``Wales``), ``measure`` and
        ``respondent``. Percentages are of the pairs assessable for reliable change;
        reliable recovery is a subset of reliable improvement.
    """
    episode_table = _outcomes.episodes(outcomes, financial)
    assessed = _outcomes.reliable_change(
        episode_table[episode_table["cohort"] == year], catalogue, sd
    )
    summary = _outcomes.change_summary(assessed)
    if summary.empty:
        return pd.DataFrame(columns=list(OUTCOMES_CHANGE_COLUMNS))
    return summary[list(OUTCOMES_CHANGE_COLUMNS)].reset_index(drop=True)
