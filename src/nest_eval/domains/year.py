"""A reporting year's results: every statistic the reports show, computed once.

:func:`compute_year` runs every analysis of the workbench for one reporting year, with the
settings of a :class:`~nest_eval.config.RunConfig`, and keeps the unrounded, unsuppressed results
in a :class:`YearResults`. The pipeline computes it once per run and stores it under the build
folder (never published), and tells the notebooks' kernels where through the environment
variable :data:`RESULTS_ENV`, so the national and the seven RPB reports read the same numbers
instead of recomputing them; a notebook run on its own computes it itself
(:func:`load_results`). Disclosure control is applied only when a table is published or shown.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from threadpoolctl import threadpool_limits

from nest_eval.config import RunConfig
from nest_eval.reference.overrides import DEFAULT_REFERENCE, Reference

if TYPE_CHECKING:
    from nest_eval.domains.case_mix import AdjustedChange, ChangePerYear
    from nest_eval.domains.intermediates import YearIntermediates

__all__ = [
    "RESULTS_ENV",
    "LoadedData",
    "YearResults",
    "compute_year",
    "load_data",
    "load_results",
    "save_results",
]


BLAS_THREADS = 1
"""Threads of the linear algebra (BLAS, LAPACK) while a year is computed."""

RESULTS_ENV = "NEST_EVAL_RESULTS"
"""Environment variable naming the stored results a notebook's kernel reads (set by the
pipeline for the kernels it starts; never a notebook parameter, so nothing published names it)."""


@dataclass
class LoadedData:
    """Accepted tables and the ingest accounting of one data folder.

    Attributes
    ----------
    tables : dict of str to pandas.DataFrame
        Accepted rows by dataset name.
    accounting : dict
        The ingest accounting record (rows read, accepted, quarantined, problems by rule).
    source : str
        The folder the data came from.
    """

    tables: dict[str, pd.DataFrame]
    accounting: dict
    source: str


def load_data(path: str | Path, reference: Reference = DEFAULT_REFERENCE) -> LoadedData:
    """Load a processed-data folder, or ingest a raw-data folder in memory.

    A folder holding ``accounting.json`` is read as processed data (Parquet tables written by
    ``nest-eval ingest``); any other folder is ingested (validated, quarantined, accounted)
    without writing anything.

    Parameters
    ----------
    path : str or pathlib.Path
        Processed or raw data folder.
    reference : Reference
        Reference data (with an evaluator's overrides) for ingesting a raw-data folder.

    Returns
    -------
    LoadedData
    """
    from nest_eval.ingest.datasets import ingest, load_processed

    folder = Path(path)
    accounting_file = folder / "accounting.json"
    if accounting_file.exists():
        accounting = json.loads(accounting_file.read_text(encoding="utf-8"))
        return LoadedData(load_processed(folder), accounting, str(folder))
    result = ingest(folder, reference)
    tables = {
        name: outcome.accepted
        for name, outcome in result.datasets.items()
        if outcome.accepted is not None
    }
    return LoadedData(tables, result.accounting(), str(folder))


@dataclass
class YearResults:
    """Every statistic of one reporting year (unrounded, unsuppressed).

    Attributes are plain tables as returned by the analysis modules (see
    :func:`compute_year`), so reading stored results needs pandas only; ``parameters`` holds
    the run configuration's settings the results rest on (:meth:`RunConfig.results_parameters`;
    not the publication's, so a new publication date reuses them). ``breakdowns`` holds each
    domain's indicators by the groups of its dimensions
    (:func:`~nest_eval.domains.breakdowns.year_breakdowns`), ``paired_data`` the share of the
    cohort's children with a follow-up assessment per RPB
    (:func:`~nest_eval.domains.outcomes.paired_data`), ``foundations`` the RPBs' ratings of the
    NEST foundations (:func:`~nest_eval.domains.implementation.foundation_ratings`).
    ``adjusted`` holds the case-mix-adjusted change from first to last assessment of every
    ANCOVA (one row per measure, respondent and RPB or Wales) and ``model_specification`` its
    text; ``change_per_year`` the change per year of every mixed model (for analysts, the same
    rows), ``models`` one row per mixed model and ``per_year_specification`` its text.
    ``derived`` keeps what later layers derive from the results for given settings (the
    disclosure decision of a run), so that every report of a run reuses it. ``data_years``
    lists the reporting years each dataset has accepted rows in
    (:func:`~nest_eval.domains.periods.dataset_years`). ``census_date`` is the date every "at
    a date" figure is taken at (ISO; :func:`~nest_eval.domains.census.census_date`).
    """

    year: int
    baseline_year: int | None
    distance: pd.DataFrame
    outcomes_change: pd.DataFrame
    national_means: pd.DataFrame
    national_means_baseline: pd.DataFrame | None
    journey_ratings: pd.DataFrame
    implementation_summary: pd.DataFrame | None
    voice_shares: pd.DataFrame
    foundations: pd.DataFrame
    projects: pd.DataFrame
    evidence: pd.DataFrame
    agreement: pd.DataFrame
    access: pd.DataFrame
    adjusted: pd.DataFrame
    change_per_year: pd.DataFrame
    models: pd.DataFrame
    model_specification: str
    per_year_specification: str
    enablers: pd.DataFrame
    enablers_baseline: pd.DataFrame | None
    training: pd.DataFrame
    funnels: pd.DataFrame
    catalogue_figures: pd.DataFrame
    accounting: dict
    breakdowns: pd.DataFrame = field(default_factory=pd.DataFrame)
    paired_data: pd.DataFrame = field(default_factory=pd.DataFrame)
    parameters: dict = field(default_factory=dict)
    run_id: str | None = None
    derived: dict = field(default_factory=dict)
    data_years: dict = field(default_factory=dict)
    census_date: str = ""


def compute_year(
    data: LoadedData | Mapping[str, pd.DataFrame],
    config: RunConfig | None = None,
    fork: bool = False,
) -> YearResults:
    """Compute every statistic of the reports for one reporting year.

    Parameters
    ----------
    data : LoadedData or mapping of str to pandas.DataFrame
        Accepted tables (and accounting).
    config : RunConfig, optional
        The run's settings: ``year``, ``baseline_year`` (default: each RPB's earliest earlier
        year with data in the domain, for distance travelled; the earliest earlier cycle for
        the other comparisons), ``sd`` (of the reliable change index), ``financial`` years,
        ``as_of`` (the census date, by default the end of the reporting period: every "at a
        date" figure is taken at it, and rows dated after it are left out, counted in the
        results' accounting: :mod:`nest_eval.domains.census`) and the reference data with any
        overrides. Default: :class:`RunConfig` ``()``.
    fork : bool, default False
        Fit the mixed models, then compute the breakdowns, each in a forked child process
        while this one computes the rest (:mod:`nest_eval.domains.forked`): for the pipeline's
        own process, which runs nothing else meanwhile. The results are the same either way.

    Returns
    -------
    YearResults

    Notes
    -----
    What several tables rest on is built once
    (:func:`~nest_eval.domains.intermediates.year_intermediates`: the journey ratings, the
    default baselines, and the episodes, reliable change, change summaries and ANCOVA models of
    the reporting cohort and the outcome baseline cohorts, and the reporting cohort's mixed
    models) and passed to every table built on it, so each model is fitted once.

    Linear algebra runs on one thread (:data:`BLAS_THREADS`): the models have tens of columns,
    so threads cost more than they save, above all on a machine shared with other work, and on
    one thread the results do not depend on the number of cores (a threaded dot product sums
    in an order that does, which moves the last bit of a standard error).
    """
    with threadpool_limits(limits=BLAS_THREADS, user_api="blas"):
        return _compute_year(data, config or RunConfig(), fork)


def _compute_year(
    data: LoadedData | Mapping[str, pd.DataFrame], config: RunConfig, fork: bool
) -> YearResults:
    """:func:`compute_year`, with the linear algebra's threads limited.

    The other domains' results (experiences, access, enablers, training), and the experiences
    and access rows of distance travelled, rest on none of the intermediates, so they are
    computed in a forked child from the start (with ``fork``).
    """
    from nest_eval.domains.case_mix import (
        ADJUSTED_CHANGE_SPECIFICATION,
        CHANGE_PER_YEAR_SPECIFICATION,
    )
    from nest_eval.domains.census import before_census, census_date, record_census
    from nest_eval.domains.forked import started
    from nest_eval.domains.periods import dataset_years

    if isinstance(data, LoadedData):
        tables, accounting = data.tables, data.accounting
    else:
        tables, accounting = dict(data), {}
    census = census_date(config.year, config.as_of, config.financial)
    tables, left_out = before_census(tables, census)  # counted in the run's accounting
    accounting = record_census(accounting, census, left_out)
    catalogue = config.reference().catalogue
    sa = tables.get("self_assessment")
    compare_year = _compare_year(sa, config)
    others = started(
        lambda: (
            _other_domain_results(tables, config, compare_year, census),
            _change_domain_rows(tables, config, census),
        ),
        fork,
    )
    try:
        shared, outcome_results = _intermediate_results(
            tables, config, census, fork, lambda: others()[1]
        )
    finally:
        other_results, _ = others()  # waited for in every case
    return YearResults(
        year=config.year,
        baseline_year=compare_year,
        **outcome_results,
        **_implementation_results(sa, shared.ratings, config.year, compare_year),
        model_specification=ADJUSTED_CHANGE_SPECIFICATION,
        per_year_specification=CHANGE_PER_YEAR_SPECIFICATION,
        **other_results,
        catalogue_figures=catalogue.figures_table(),
        accounting=accounting,
        parameters=config.results_parameters(),
        data_years=dataset_years(tables, config.financial),
        census_date=census.date().isoformat(),
    )


def _intermediate_results(
    tables: Mapping[str, pd.DataFrame],
    config: RunConfig,
    census: pd.Timestamp,
    fork: bool,
    change_rows: Callable[[], dict[str, list[dict[str, object]]]],
) -> tuple[YearIntermediates, dict[str, Any]]:
    """The intermediates, and the results resting on them: the breakdowns in a forked child.

    ``change_rows()`` gives the distance travelled rows of the domains computed apart
    (:func:`_change_domain_rows`).
    """
    from nest_eval.domains.breakdowns import year_breakdowns
    from nest_eval.domains.case_mix import min_paired_for
    from nest_eval.domains.forked import started
    from nest_eval.domains.intermediates import year_intermediates

    shared = year_intermediates(
        tables,
        config.year,
        config.baseline_year,
        config.reference().catalogue,
        config.sd,
        config.financial,
        census=census,
        min_paired=min_paired_for(config.disclosure.threshold),
        fork=fork,
    )
    breakdowns = started(lambda: year_breakdowns(tables, shared, config.disclosure.threshold), fork)
    try:
        cohorts = shared.outcomes
        adjusted = cohorts.cohort_adjusted(config.year) if cohorts is not None else []
        per_year = cohorts.cohort_per_year(config.year) if cohorts is not None else []
        distance = _distance_results(tables, config, shared, change_rows)
    finally:
        broken_down = breakdowns()  # waited for in every case
    return shared, {
        **distance,
        "adjusted": _by_model(adjusted),
        "change_per_year": _by_model(per_year),
        "models": _models_table(per_year),
        "breakdowns": broken_down,
    }


def _compare_year(sa: pd.DataFrame | None, config: RunConfig) -> int | None:
    """The run's baseline year, or the earliest self-assessment cycle before the year."""
    if config.baseline_year is not None:
        return config.baseline_year
    cycles = sorted(int(y) for y in sa["year"].dropna().unique()) if sa is not None else []
    earlier = [y for y in cycles if y < config.year]
    return earlier[0] if earlier else None


def _distance_results(
    tables: Mapping[str, pd.DataFrame],
    config: RunConfig,
    shared: YearIntermediates,
    change_rows: Callable[[], dict[str, list[dict[str, object]]]],
) -> dict[str, pd.DataFrame]:
    """Distance travelled, the outcomes change, the paired data rate and the RPB funnels."""
    from nest_eval.domains import comparisons as _comparisons
    from nest_eval.domains import distance as _distance
    from nest_eval.domains import outcomes as _outcomes

    year, catalogue = config.year, shared.catalogue
    sd, financial = config.sd, config.financial
    outcomes_change = paired = pd.DataFrame()
    if "outcomes" in tables:
        outcomes_change = _distance.outcomes_change(
            tables["outcomes"], year, catalogue, sd, financial, intermediates=shared
        )
    if shared.outcomes is not None and year in shared.outcomes.assessed:
        paired = _outcomes.paired_data(shared.outcomes.assessed[year])
    proportions = _comparisons.proportions_by_rpb(
        tables, year, catalogue, financial, sd, intermediates=shared
    )
    return {
        "distance": _distance.distance_travelled(
            tables,
            year,
            config.baseline_year,
            catalogue,
            sd,
            financial,
            intermediates=shared,
            min_paired=shared.min_paired,
            change_rows=change_rows(),
        ),
        "outcomes_change": outcomes_change,
        "paired_data": paired,
        "funnels": _comparisons.rpb_funnels(proportions),
    }


def _implementation_results(
    sa: pd.DataFrame | None, ratings: pd.DataFrame | None, year: int, compare_year: int | None
) -> dict[str, pd.DataFrame | None]:
    """The implementation tables, from the journey ratings computed once."""
    from nest_eval.domains import implementation as _implementation

    empty = pd.DataFrame()
    if sa is None:
        baseline = empty if compare_year is not None else None
        return {
            "national_means": empty,
            "national_means_baseline": baseline,
            "journey_ratings": empty,
            "implementation_summary": baseline,
            "voice_shares": empty,
            "foundations": empty,
            "projects": empty,
            "evidence": empty,
        }
    national_baseline = summary = None
    if compare_year is not None:
        national_baseline = _implementation.national_means(sa, compare_year, ratings)
        summary = _implementation.rpb_change_summary(sa, year, compare_year, ratings)
    return {
        "national_means": _implementation.national_means(sa, year, ratings),
        "national_means_baseline": national_baseline,
        "journey_ratings": ratings,
        "implementation_summary": summary,
        "voice_shares": _implementation.voice_shares(sa, year, ratings),
        "foundations": _implementation.foundation_ratings(sa, year),
        "projects": _implementation.project_summary(sa, year, ratings),
        "evidence": _evidence(sa, year),
    }


def _evidence(sa: pd.DataFrame, year: int) -> pd.DataFrame:
    """The evidence each RPB gave for its region-level ratings of the year."""
    rows = sa.loc[(sa["year"] == year) & (sa["level"] == "region")]
    columns = [c for c in ("rpb", "element", "rating", "evidence") if c in rows]
    return rows[columns].dropna(subset=["evidence"]) if "evidence" in rows else pd.DataFrame()


def _by_model(fits: list[AdjustedChange] | list[ChangePerYear]) -> pd.DataFrame:
    """The tables of several models, one row per measure, respondent and RPB (or Wales)."""
    if not fits:
        return pd.DataFrame()
    table = pd.concat(
        [f.table.assign(measure=f.measure, respondent=f.respondent) for f in fits],
        ignore_index=True,
    )
    front = ["measure", "respondent"]
    return table[front + [c for c in table.columns if c not in front]]


def _models_table(fits: list[ChangePerYear]) -> pd.DataFrame:
    """One row per mixed model: its size, variance components, exclusions and fit."""
    return pd.DataFrame(
        [
            {
                "measure": f.measure,
                "respondent": f.respondent,
                "children": f.n_children,
                "observations": f.n_obs,
                "sigma2_child": f.sigma2_child,
                "sigma2": f.sigma2,
                "excluded": ", ".join(f.excluded_rpbs),
                "left_out": f.n_excluded_children,
                "converged": f.converged,
                "singular": f.singular,
            }
            for f in fits
        ]
    )


def _change_domain_rows(
    tables: Mapping[str, pd.DataFrame], config: RunConfig, census: pd.Timestamp
) -> dict[str, list[dict[str, object]]]:
    """The distance travelled rows of experiences and access, each from its own data."""
    from nest_eval.domains import distance as _distance
    from nest_eval.domains.intermediates import domain_baselines

    year, financial = config.year, config.financial
    return {
        domain: _distance.change_domain_rows(
            tables,
            domain,
            year,
            domain_baselines(tables, domain, year, config.baseline_year, financial),
            census,
            financial,
        )
        for domain in _distance.CHANGE_DOMAINS
        if domain in tables
    }


def _other_domain_results(
    tables: Mapping[str, pd.DataFrame],
    config: RunConfig,
    compare_year: int | None,
    census: pd.Timestamp,
) -> dict[str, pd.DataFrame | None]:
    """Experiences, access, enablers and training of the year, at the census date."""
    from nest_eval.domains import access as _access
    from nest_eval.domains import experiences as _experiences
    from nest_eval.domains import partnership as _partnership
    from nest_eval.domains.periods import period_end, period_start

    year, financial, empty = config.year, config.financial, pd.DataFrame()
    experiences, access = tables.get("experiences"), tables.get("access")
    partnership, training = tables.get("partnership"), tables.get("training")
    enablers_baseline = None
    if partnership is not None and compare_year is not None:
        enablers_baseline = _partnership.enablers(partnership, compare_year)
    return {
        "agreement": (
            _experiences.agreement(experiences, year, financial=financial)
            if experiences is not None
            else empty
        ),
        "access": (
            _access.access_indicators(access, year, census, financial)
            if access is not None
            else empty
        ),
        "enablers": _partnership.enablers(partnership, year) if partnership is not None else empty,
        "enablers_baseline": enablers_baseline,
        "training": (
            _partnership.training_summary(
                training, period_start(year, financial), period_end(year, financial), census
            )
            if training is not None
            else empty
        ),
    }


def save_results(results: YearResults, path: str | Path) -> None:
    """Store results for the report notebooks (internal: never published)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        pickle.dump(results, handle, protocol=5)
    tmp.replace(target)


def read_results(path: str | Path) -> YearResults:
    """Results stored by :func:`save_results` (internal: the pipeline's own build state)."""
    with Path(path).open("rb") as handle:
        results: YearResults = pickle.load(handle)
    return results


def load_results(config: RunConfig, data_dir: str | Path) -> YearResults:
    """The year's results: the pipeline's stored results, or computed from ``data_dir``.

    Reads the file named by the environment variable :data:`RESULTS_ENV` when it is set (the
    pipeline sets it for the kernels it starts); otherwise computes the results from the data.

    Parameters
    ----------
    config : RunConfig
        The run configuration (a notebook builds it from its ``settings`` parameter).
    data_dir : str or pathlib.Path
        Processed or raw data folder, used when computing.

    Returns
    -------
    YearResults

    Raises
    ------
    ValueError
        When the stored results are of another year or other settings.
    """
    stored = os.environ.get(RESULTS_ENV)
    if stored:
        results = read_results(stored)
        if results.parameters != config.results_parameters():
            raise ValueError(
                f"the stored results were computed with {results.parameters}, "
                f"not {config.results_parameters()}"
            )
        return results
    return compute_year(load_data(data_dir, config.reference()), config)
