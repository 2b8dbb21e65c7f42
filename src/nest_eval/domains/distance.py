"""Distance travelled: the published tables of the data contract, built in one place.

:func:`distance_travelled` builds ``tables/distance_travelled.csv`` (one row per RPB and Wales,
domain and indicator, with the baseline, the current value, the change and its interval) and
:func:`outcomes_change` builds ``tables/outcomes_change.csv``. The notebooks and the pipeline
call these functions, so every published figure comes from the same code.

Distance travelled compares the reporting year with a baseline year: by default the earliest
year with data for that RPB and domain (data contract, "The reporting period"). Both tables take
the year's :class:`~nest_eval.domains.intermediates.YearIntermediates` when the caller has built
them (:func:`nest_eval.domains.year.compute_year` does), and build what they need otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

import numpy as np
import pandas as pd
import scipy.stats

from nest_eval.domains import access as _access
from nest_eval.domains import experiences as _experiences
from nest_eval.domains import implementation as _implementation
from nest_eval.domains.case_mix import MIN_PAIRED_PER_RPB, AdjustedChange, compare_cohorts
from nest_eval.domains.intermediates import (
    YearIntermediates,
    baseline_years,
    reporting_cohort_intermediates,
    year_intermediates,
)
from nest_eval.domains.outcomes import OutcomeCohorts
from nest_eval.reference import indicators as _indicators
from nest_eval.reference.measures import CATALOGUE, Catalogue
from nest_eval.reference.vocabulary import CORE_ELEMENTS, RPB_NAMES, WALES
from nest_eval.stats import intervals

__all__ = [
    "BASE_COLUMNS",
    "CHANGE_DOMAINS",
    "DISTANCE_COLUMNS",
    "OUTCOMES_CHANGE_COLUMNS",
    "baseline_years",
    "change_domain_rows",
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

BASE_COLUMNS = ("x_current", "x_baseline", "n_baseline")
"""Columns :func:`distance_travelled` adds after :data:`DISTANCE_COLUMNS`, never published: the
counts the values rest on besides ``n`` (the numerator of a share or the count itself, this year
and in the baseline year, and the baseline's ``n``); NaN where the indicator has none. Disclosure
control reads them."""

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
_KEYS = ["rpb", "measure", "respondent"]


def _better(indicator: str, measure: str | None = None, catalogue: Catalogue = CATALOGUE) -> str:
    """Which direction of change is better for an indicator (of a measure)."""
    direction = _indicators.indicator(indicator).direction
    if direction == "measure":
        return "higher" if catalogue[measure].higher_is_better else "lower"
    return direction


_NO_BASES = (np.nan, np.nan, np.nan)


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
    bases: tuple[float, float, float] = _NO_BASES,
) -> dict[str, object]:
    """One row of the table, with its :data:`BASE_COLUMNS` (``bases``)."""
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
        **dict(zip(BASE_COLUMNS, bases, strict=True)),
    }


def _implementation_rows(
    sa: pd.DataFrame, ratings: pd.DataFrame, year: int, base: Mapping[str, int | None]
) -> list[dict[str, object]]:
    summaries = cache(
        lambda b: _implementation.rpb_change_summary(sa, year, b, ratings).set_index("rpb")
    )
    changes = cache(lambda b: _implementation.element_changes(sa, year, b, ratings))
    wales = cache(
        lambda b: _implementation.wales_element_changes(sa, year, b, ratings).set_index("element")
    )
    rows = []
    for rpb in (*RPB_NAMES, WALES):
        b = base.get(rpb)
        if b is None:
            continue
        summary = summaries(b).loc[rpb]
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
        if rpb == WALES:  # like for like: the RPBs rated in both cycles
            both = wales(b)
            rows += _element_rows(rpb, b, both["baseline"], both["current"], both["n_rpbs"])
        else:
            own = changes(b)
            own = own[own["rpb"] == rpb].set_index("element")
            rated_both = (own["direction"] != "not comparable").astype(int)
            rows += _element_rows(rpb, b, own["baseline"], own["current"], rated_both)
    return rows


def _element_rows(
    rpb: str, b: int, baseline: pd.Series, current: pd.Series, n: pd.Series
) -> list[dict[str, object]]:
    """The ``journey_rating`` rows of the core elements (series indexed by element key).

    ``n`` is how many RPBs rated the element in both cycles: the RPBs the change rests on.
    """
    return [
        _row(
            rpb,
            "journey_rating",
            {"element": element.key},
            b,
            baseline[element.key],
            current[element.key],
            (np.nan, np.nan),
            n[element.key],
            _better("journey_rating"),
        )
        for element in CORE_ELEMENTS
    ]


def _outcome_rows(
    cohorts: OutcomeCohorts, year: int, base: Mapping[str, int | None], catalogue: Catalogue
) -> list[dict[str, object]]:
    summaries = cache(lambda y: cohorts.summaries[y].set_index(_KEYS))
    compared = cache(lambda b, m, r: _adjusted_pair(cohorts, year, b, m, r))
    rows = []
    current = summaries(year)
    for rpb, measure, respondent in current.index:
        b = base.get(rpb)
        if b is None or (rpb, measure, respondent) not in summaries(b).index:
            continue
        now = current.loc[(rpb, measure, respondent)]
        then = summaries(b).loc[(rpb, measure, respondent)]
        of = {"measure": measure, "respondent": respondent}
        rows.append(_mean_change_row(rpb, of, b, now, then, catalogue))
        rows += _improvement_rows(rpb, of, b, now, then)
        rows += _adjusted_rows(rpb, of, b, compared(b, measure, respondent), catalogue)
    return rows


def _adjusted_pair(
    cohorts: OutcomeCohorts, year: int, b: int, measure: str, respondent: str
) -> pd.DataFrame | None:
    """The two cohorts' adjusted changes from one model of both, by RPB (and Wales).

    :func:`~nest_eval.domains.case_mix.compare_cohorts`: at the reporting cohort's Wales case
    mix, so that the two compare like with like.
    """
    now: AdjustedChange | None = cohorts.adjusted.get((year, measure, respondent))
    then: AdjustedChange | None = cohorts.adjusted.get((b, measure, respondent))
    if now is None or then is None:
        return None
    compared = compare_cohorts(now, then)
    return None if compared is None else compared.set_index("rpb")


def _mean_change_row(
    rpb: str,
    of: Mapping[str, object],
    b: int,
    now: pd.Series,
    then: pd.Series,
    catalogue: Catalogue,
) -> dict[str, object]:
    """The ``mean_change`` row: the difference of the two cohorts' mean changes."""
    ci = intervals.mean_difference_interval(
        now["mean_change"],
        now["sd_change"],
        now["n_pairs"],
        then["mean_change"],
        then["sd_change"],
        then["n_pairs"],
    )
    return _row(
        rpb,
        "mean_change",
        of,
        b,
        then["mean_change"],
        now["mean_change"],
        (ci.low, ci.high),
        now["n_pairs"],
        _better("mean_change", of["measure"], catalogue),
        (np.nan, np.nan, then["n_pairs"]),
    )


def _improvement_rows(
    rpb: str, of: Mapping[str, object], b: int, now: pd.Series, then: pd.Series
) -> list[dict[str, object]]:
    """The ``share_reliable_improvement`` row, where both cohorts have assessable pairs."""
    assessable = [
        int(s[["reliable_improvement", "no_reliable_change", "reliable_deterioration"]].sum())
        for s in (now, then)
    ]
    if not all(assessable):
        return []
    diff = intervals.proportion_difference_interval(
        int(now["reliable_improvement"]),
        assessable[0],
        int(then["reliable_improvement"]),
        assessable[1],
    )
    return [
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
            (now["reliable_improvement"], then["reliable_improvement"], assessable[1]),
        )
    ]


def _adjusted_rows(
    rpb: str,
    of: Mapping[str, object],
    b: int,
    compared: pd.DataFrame | None,
    catalogue: Catalogue,
) -> list[dict[str, object]]:
    """The ``adjusted_change`` row, where one model of both cohorts estimates the RPB.

    Its interval is the joint model's Student t interval of the difference.
    """
    if compared is None or rpb not in compared.index:
        return []
    row = compared.loc[rpb]
    t = float(scipy.stats.t.ppf(0.975, row["df"]))
    return [
        _row(
            rpb,
            "adjusted_change",
            of,
            b,
            row["baseline"],
            row["current"],
            (row["change"] - t * row["se"], row["change"] + t * row["se"]),
            row["n"],
            _better("adjusted_change", of["measure"], catalogue),
            (np.nan, np.nan, row["n_baseline"]),
        )
    ]


def _change_rows(
    base: Mapping[str, int | None], change_from: Callable[[int], pd.DataFrame]
) -> list[dict[str, object]]:
    """Rows of a domain whose change table (``change_from(baseline year)``) has intervals.

    ``change_from`` returns ``rpb``, ``indicator``, ``item`` (optional), ``baseline``,
    ``current``, ``ci_low``, ``ci_high``, ``n_baseline`` and ``n_current`` per RPB and
    indicator; it is called once per baseline year.
    """
    change_from = cache(change_from)
    rows = []
    for rpb in (*RPB_NAMES, WALES):
        b = base.get(rpb)
        if b is None:
            continue
        table = change_from(b)
        for r in table[table["rpb"] == rpb].to_dict(orient="records"):
            of = {} if pd.isna(r.get("item", pd.NA)) else {"item": r["item"]}
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
                    _counted_bases(r),
                )
            )
    return rows


def _counted_bases(r: Mapping[str, object]) -> tuple[float, float, float]:
    """The numerators a change row rests on: a share times its ``n``, or the count itself."""
    unit = _indicators.indicator(str(r["indicator"])).unit
    if unit.is_share:
        now = float(r["current"]) * float(r["n_current"])  # type: ignore[arg-type]
        then = float(r["baseline"]) * float(r["n_baseline"])  # type: ignore[arg-type]
        numerators = (round(now) if np.isfinite(now) else np.nan,
                      round(then) if np.isfinite(then) else np.nan)  # fmt: skip
    elif unit.is_disclosive_count:
        numerators = (float(r["current"]), float(r["baseline"]))  # type: ignore[arg-type]
    else:
        numerators = (np.nan, np.nan)
    return (*numerators, float(r["n_baseline"]))  # type: ignore[arg-type]


def distance_travelled(
    data: Mapping[str, pd.DataFrame],
    year: int,
    baseline_year: int | None = None,
    catalogue: Catalogue = CATALOGUE,
    sd: str = "reference",
    financial: bool = False,
    intermediates: YearIntermediates | None = None,
    min_paired: int = MIN_PAIRED_PER_RPB,
    change_rows: Mapping[str, list[dict[str, object]]] | None = None,
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
    intermediates : YearIntermediates, optional
        What the year's tables share, built by
        :func:`~nest_eval.domains.intermediates.year_intermediates` with the same settings;
        built here when not given.
    min_paired : int
        Fewest paired children for an RPB to be kept in a case-mix model
        (:func:`~nest_eval.domains.case_mix.min_paired_for` of the run's threshold).
    change_rows : mapping of str to list of dict, optional
        The rows of domains of :data:`CHANGE_DOMAINS` computed already, by
        :func:`change_domain_rows` with the same data and settings; the others are computed
        here.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DISTANCE_COLUMNS`, then :data:`BASE_COLUMNS` (never published); one
        row per RPB (7, then ``Wales``), domain and
        indicator with a baseline. Journey ratings and partnership returns carry no interval
        (they are a census of self-ratings, not a sample). A journey rating's change is like
        for like: for Wales, over the RPBs that rated the element in both cycles
        (:func:`~nest_eval.domains.implementation.wales_element_changes`), with ``n`` how many.

    Raises
    ------
    ValueError
        When ``intermediates`` were built with other settings.

    See Also
    --------
    nest_eval.domains.implementation, nest_eval.domains.outcomes, nest_eval.domains.experiences,
    nest_eval.domains.access
    """
    if intermediates is None:
        intermediates = year_intermediates(
            data, year, baseline_year, catalogue, sd, financial, min_paired=min_paired
        )
    intermediates.check(
        year=year,
        baseline_year=baseline_year,
        catalogue=catalogue,
        sd=sd,
        financial=financial,
        min_paired=min_paired,
    )
    base_for = intermediates.baselines_for
    rows: list[dict[str, object]] = []
    if "self_assessment" in data:
        rows += _implementation_rows(
            data["self_assessment"], intermediates.ratings, year, base_for("implementation")
        )
    if "outcomes" in data:
        rows += _outcome_rows(intermediates.outcomes, year, base_for("outcomes"), catalogue)
    for domain in (d for d in CHANGE_DOMAINS if d in data):
        if change_rows is not None and domain in change_rows:
            rows += change_rows[domain]
        else:
            census = intermediates.census
            rows += change_domain_rows(data, domain, year, base_for(domain), census, financial)
    return _in_report_order(pd.DataFrame(rows, columns=[*DISTANCE_COLUMNS, *BASE_COLUMNS]))


CHANGE_DOMAINS = ("experiences", "access")
"""The domains whose distance travelled rests on their data and baselines alone (no
intermediate result), so it can be computed apart (:func:`change_domain_rows`)."""


def change_domain_rows(
    data: Mapping[str, pd.DataFrame],
    domain: str,
    year: int,
    baselines: Mapping[str, int | None],
    census: pd.Timestamp | None = None,
    financial: bool = False,
) -> list[dict[str, object]]:
    """The distance travelled rows of one domain of :data:`CHANGE_DOMAINS`.

    Parameters
    ----------
    data : mapping of str to pandas.DataFrame
        Accepted tables by dataset name, with the domain's.
    domain : {"experiences", "access"}
        The domain.
    year : int
        The reporting year.
    baselines : mapping of str to int or None
        The baseline year of each RPB (and Wales) in the domain
        (:meth:`~nest_eval.domains.intermediates.YearIntermediates.baselines_for`).
    census : pandas.Timestamp, optional
        The census date of the access figures; default the last day of the reporting period.
    financial : bool
        April–March reporting years for dated rows.

    Returns
    -------
    list of dict
        The rows, in the columns of :func:`distance_travelled`, in its order within an RPB.
    """
    frame = data[domain]
    if domain == "experiences":
        return _change_rows(
            baselines, lambda b: _experiences.experience_change(frame, year, b, financial)
        )
    if domain == "access":
        return _change_rows(
            baselines, lambda b: _access.access_change(frame, year, b, census, financial)
        )
    raise ValueError(f"not a domain of {CHANGE_DOMAINS}: {domain!r}")


def _in_report_order(table: pd.DataFrame) -> pd.DataFrame:
    """RPBs in order then Wales, domains in report order; whole-number columns as integers."""
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
    intermediates: YearIntermediates | None = None,
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
    intermediates : YearIntermediates, optional
        What the year's tables share, built from the same ``outcomes`` with the same settings;
        built here (the reporting cohort only) when not given.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OUTCOMES_CHANGE_COLUMNS`, per ``rpb`` (and ``Wales``), ``measure`` and
        ``respondent``. Percentages are of the pairs assessable for reliable change;
        reliable recovery is a subset of reliable improvement.

    Raises
    ------
    ValueError
        When ``intermediates`` were built with other settings.
    """
    intermediates = reporting_cohort_intermediates(
        intermediates, {"outcomes": outcomes}, year, catalogue, sd, financial
    )
    summary = intermediates.outcomes.summaries[year]
    if summary.empty:
        return pd.DataFrame(columns=list(OUTCOMES_CHANGE_COLUMNS))
    return summary[list(OUTCOMES_CHANGE_COLUMNS)].reset_index(drop=True)
