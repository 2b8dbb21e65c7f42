"""What the statistics of a reporting year share, built once: ratings, baselines, cohorts.

Several tables of a year rest on the same intermediate results: the journey ratings (the
implementation tables, the implementation baselines and the voice funnels), the default
baseline year of each RPB and domain (:func:`baseline_years`), and for outcomes the episodes,
reliable change, change summaries and case-mix-adjusted models (ANCOVA) of the reporting cohort
and of the baseline cohorts, and the reporting cohort's mixed models
(:class:`~nest_eval.domains.outcomes.OutcomeCohorts`).
:func:`year_intermediates` builds them once in a :class:`YearIntermediates`, which
:func:`nest_eval.domains.year.compute_year` passes to every table built on them; called without
it, each public function builds what it needs itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from nest_eval.domains import implementation as _implementation
from nest_eval.domains import outcomes as _outcomes
from nest_eval.domains.case_mix import MIN_PAIRED_PER_RPB
from nest_eval.domains.periods import default_baseline, period_year
from nest_eval.reference.measures import CATALOGUE, Catalogue
from nest_eval.reference.vocabulary import RPB_NAMES, WALES

__all__ = [
    "YearIntermediates",
    "baseline_years",
    "domain_baselines",
    "reporting_cohort_intermediates",
    "year_intermediates",
]


@dataclass(frozen=True)
class YearIntermediates:
    """The intermediate results a reporting year's tables share, and the settings they used.

    Attributes
    ----------
    year : int
        The reporting year.
    baseline_year : int or None
        The baseline for every RPB and domain; None: each one's default (``baselines``).
    catalogue : Catalogue
        Measures catalogue of the reliable change.
    sd : str
        SD of the reliable change index.
    financial : bool
        April–March reporting years for dated rows.
    ratings : pandas.DataFrame or None
        Region-level :func:`~nest_eval.domains.implementation.journey_ratings` (None without
        self-assessment data).
    baselines : pandas.DataFrame
        :func:`baseline_years`: the default baseline per RPB (and Wales) and domain.
    outcomes : OutcomeCohorts or None
        The outcome statistics of the reporting cohort and the baseline cohorts (None without
        outcomes data).
    census : pandas.Timestamp or None
        The census date of the "at a date" figures (access); None: the last day of the
        reporting period.
    min_paired : int
        Fewest paired children for an RPB to be kept in a model.
    """

    year: int
    baseline_year: int | None
    catalogue: Catalogue
    sd: str
    financial: bool
    ratings: pd.DataFrame | None
    baselines: pd.DataFrame
    outcomes: _outcomes.OutcomeCohorts | None
    census: pd.Timestamp | None = None
    min_paired: int = MIN_PAIRED_PER_RPB

    def baselines_for(self, domain: str) -> dict[str, int | None]:
        """The baseline year of each RPB (and Wales) in a domain: the run's, or the default."""
        return _baselines_for(self.baselines, domain, self.baseline_year)

    def check(self, **settings: object) -> None:
        """Raise ValueError when a setting given differs from the one these were built with."""
        differing = [name for name, value in settings.items() if getattr(self, name) != value]
        if differing:
            raise ValueError(
                "the intermediates were built with other settings: "
                + ", ".join(f"{name} {getattr(self, name)!r}" for name in differing)
            )


def _years_by_rpb(frame: pd.DataFrame, years: pd.Series) -> dict[str, list[int]]:
    """The years with data of each RPB (and of Wales: any RPB's, or none named)."""
    pairs = pd.DataFrame({"rpb": frame["rpb"].to_numpy(), "year": years.to_numpy()})
    pairs = pairs.dropna(subset=["year"]).drop_duplicates()
    found: dict[str, list[int]] = {rpb: [] for rpb in RPB_NAMES}
    for rpb, year in zip(pairs["rpb"], pairs["year"], strict=True):
        if rpb in found:
            found[rpb].append(int(year))
    found = {rpb: sorted(set(years_of)) for rpb, years_of in found.items()}
    found[WALES] = sorted({int(y) for y in pairs["year"].unique()})
    return found


def baseline_years(
    data: Mapping[str, pd.DataFrame],
    year: int,
    financial: bool = False,
    ratings: pd.DataFrame | None = None,
    episode_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The default baseline year per RPB (and Wales) and domain.

    An outcome's year is its cohort's: the year of each child's first assessment on a measure
    (by a respondent), in whatever order the rows came.

    Parameters
    ----------
    data : mapping of str to pandas.DataFrame
        Accepted tables by dataset name.
    year : int
        The reporting year.
    financial : bool
        April–March reporting years for dated rows.
    ratings : pandas.DataFrame, optional
        :func:`~nest_eval.domains.implementation.journey_ratings` of the self-assessment, when
        already computed.
    episode_table : pandas.DataFrame, optional
        :func:`~nest_eval.domains.outcomes.episodes` of the outcomes, when already computed.

    Returns
    -------
    pandas.DataFrame
        ``rpb``, ``domain``, ``baseline_year`` (missing where no earlier year has data).
    """
    sources: dict[str, dict[str, list[int]]] = {}
    if "self_assessment" in data:
        if ratings is None:
            ratings = _implementation.journey_ratings(data["self_assessment"])
        sources["implementation"] = _years_by_rpb(ratings, ratings["year"])
    if "outcomes" in data:
        if episode_table is None:
            episode_table = _outcomes.episodes(data["outcomes"], financial)
        sources["outcomes"] = _years_by_rpb(episode_table, episode_table["cohort"])
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


def domain_baselines(
    data: Mapping[str, pd.DataFrame],
    domain: str,
    year: int,
    baseline_year: int | None = None,
    financial: bool = False,
) -> dict[str, int | None]:
    """The baseline year of each RPB (and Wales) in one domain, from that domain's data alone.

    The same as :meth:`YearIntermediates.baselines_for` with every dataset.

    Parameters
    ----------
    data : mapping of str to pandas.DataFrame
        Accepted tables by dataset name, with the domain's.
    domain : {"experiences", "access"}
        The domain (named as its dataset).
    year : int
        The reporting year.
    baseline_year : int, optional
        The run's baseline for every RPB and domain; by default each one's earliest earlier
        year with data (:func:`baseline_years`).
    financial : bool
        April–March reporting years for dated rows.

    Returns
    -------
    dict
        RPB name (and Wales) to its baseline year, None where none.
    """
    defaults = baseline_years({domain: data[domain]}, year, financial)
    return _baselines_for(defaults, domain, baseline_year)


def _baselines_for(
    baselines: pd.DataFrame, domain: str, baseline_year: int | None
) -> dict[str, int | None]:
    if baseline_year is not None:
        return dict.fromkeys((*RPB_NAMES, WALES), baseline_year)
    subset = baselines[baselines["domain"] == domain]
    return {
        r: (None if pd.isna(b) else int(b))
        for r, b in zip(subset["rpb"], subset["baseline_year"], strict=True)
    }


def year_intermediates(
    data: Mapping[str, pd.DataFrame],
    year: int,
    baseline_year: int | None = None,
    catalogue: Catalogue = CATALOGUE,
    sd: str = "reference",
    financial: bool = False,
    cohorts: Iterable[int] | None = None,
    fit_models: bool = True,
    census: pd.Timestamp | None = None,
    min_paired: int = MIN_PAIRED_PER_RPB,
    fork: bool = False,
) -> YearIntermediates:
    """Build once what a reporting year's tables share.

    Parameters
    ----------
    data : mapping of str to pandas.DataFrame
        Accepted tables by dataset name.
    year : int
        The reporting year.
    baseline_year : int, optional
        The baseline for every RPB and domain; by default each one's earliest earlier year
        with data (:func:`baseline_years`).
    catalogue : Catalogue
        Measures catalogue (with any evaluator overrides).
    sd : {"reference", "sample"}
        SD used by the reliable change index.
    financial : bool
        April–March reporting years for dated rows.
    cohorts : iterable of int, optional
        The outcome cohorts to build; by default those distance travelled uses: the reporting
        year and the outcome baselines.
    fit_models : bool
        Fit the case-mix-adjusted models (ANCOVA) of each cohort, and the mixed models of the
        reporting year's.
    census : pandas.Timestamp, optional
        The census date of the access figures
        (:func:`~nest_eval.domains.census.census_date`); default the last day of the
        reporting period.
    min_paired : int
        Fewest paired children for an RPB to be kept in a model
        (:func:`nest_eval.domains.case_mix.min_paired_for`).
    fork : bool, default False
        Fit the mixed models in a forked child process
        (:func:`~nest_eval.domains.outcomes.outcome_cohorts`).

    Returns
    -------
    YearIntermediates
    """
    sa = data.get("self_assessment")
    ratings = _implementation.journey_ratings(sa) if sa is not None else None
    episode_table = _outcomes.episodes(data["outcomes"], financial) if "outcomes" in data else None
    baselines = baseline_years(data, year, financial, ratings, episode_table)
    outcome_cohorts = None
    if "outcomes" in data:
        if cohorts is None:
            base = _baselines_for(baselines, "outcomes", baseline_year)
            cohorts = {b for b in base.values() if b is not None} | {year}
        outcome_cohorts = _outcomes.outcome_cohorts(
            data["outcomes"],
            cohorts,
            catalogue,
            sd,
            financial,
            fit_models,
            min_paired,
            [year],
            fork=fork,
            episode_table=episode_table,
        )
    return YearIntermediates(
        year=year,
        baseline_year=baseline_year,
        catalogue=catalogue,
        sd=sd,
        financial=financial,
        ratings=ratings,
        baselines=baselines,
        outcomes=outcome_cohorts,
        census=census,
        min_paired=min_paired,
    )


def reporting_cohort_intermediates(
    intermediates: YearIntermediates | None,
    data: Mapping[str, pd.DataFrame],
    year: int,
    catalogue: Catalogue = CATALOGUE,
    sd: str = "reference",
    financial: bool = False,
) -> YearIntermediates:
    """The intermediates given, checked against the settings; or the reporting cohort's, built.

    For the tables that need the journey ratings and the reporting cohort's change only: when
    ``intermediates`` is None, builds those (no baseline cohort, no model) from ``data``.

    Parameters
    ----------
    intermediates : YearIntermediates or None
        Intermediates already built for the year.
    data : mapping of str to pandas.DataFrame
        Accepted tables by dataset name.
    year : int
        The reporting year.
    catalogue : Catalogue
        Measures catalogue.
    sd : {"reference", "sample"}
        SD used by the reliable change index.
    financial : bool
        April–March reporting years.

    Returns
    -------
    YearIntermediates

    Raises
    ------
    ValueError
        When ``intermediates`` were built with other settings.
    """
    if intermediates is None:
        return year_intermediates(
            data,
            year,
            catalogue=catalogue,
            sd=sd,
            financial=financial,
            cohorts=[year],
            fit_models=False,
        )
    intermediates.check(year=year, catalogue=catalogue, sd=sd, financial=financial)
    return intermediates
