"""The year's tables under disclosure control: what the reports show and the run publishes.

:func:`controlled_tables` applies one disclosure decision (:mod:`nest_eval.reporting.disclosure`)
to every table of the year's results, with the run's settings; the report sections show these
tables and :func:`published_tables` writes them as ``tables/*.csv``, so a count gets the same
decision wherever it appears. A suppressed cell is written with the run's shorthand (``c`` or
``[c]``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from nest_eval.config import Disclosure, RunConfig
from nest_eval.domains.census import rows_after_census
from nest_eval.domains.distance import BASE_COLUMNS
from nest_eval.domains.year import YearResults
from nest_eval.reference.indicators import COLUMNS, indicator, unit_of
from nest_eval.reference.vocabulary import RPB_NAMES
from nest_eval.reporting.disclosure.apply import apply_decision
from nest_eval.reporting.disclosure.cells import Cells
from nest_eval.reporting.disclosure.protect import Decision, DisclosureError
from nest_eval.reporting.disclosure.sources import (
    TableMap,
    map_tables,
    model_relations,
    stated_floors,
)
from nest_eval.reporting.disclosure.stages import decide_in_stages
from nest_eval.reporting.labels import OF_COLUMNS, row_label
from nest_eval.reporting.precision import published_precision

__all__ = [
    "QUALITY_COLUMNS",
    "UNROUNDED",
    "ControlledTables",
    "controlled_for",
    "controlled_tables",
    "publication_cells",
    "published_tables",
    "quality_table",
    "small_counts",
]


@dataclass(frozen=True)
class ControlledTables:
    """The year's tables after disclosure control, and the decision they share.

    Suppressed cells hold the run's shorthand. ``breakdowns`` holds the breakdown rows
    published; ``breakdowns_withheld`` counts those withheld because their groups could not be
    protected without suppressing the figure for everyone
    (:mod:`nest_eval.reporting.disclosure.stages`).
    """

    distance: pd.DataFrame
    outcomes_change: pd.DataFrame
    paired_data: pd.DataFrame
    adjusted: pd.DataFrame
    change_per_year: pd.DataFrame
    models: pd.DataFrame
    access: pd.DataFrame
    agreement: pd.DataFrame
    training: pd.DataFrame
    funnels: pd.DataFrame
    breakdowns: pd.DataFrame
    decision: Decision
    breakdowns_withheld: int = 0


_MAPPED = (
    "distance",
    "outcomes_change",
    "paired_data",
    "adjusted",
    "change_per_year",
    "models",
    "access",
    "agreement",
    "funnels",
    "breakdowns",
)
"""The tables of a year's results whose counts the decision covers."""

_TABLE_NAMES = {
    "distance": "distance_travelled",
    "agreement": "experiences",
    "funnels": "rpb_comparisons",
    "adjusted": "case-mix-adjusted change (reports)",
    "change_per_year": "change per year, mixed models (outcomes analysis)",
    "models": "mixed models (outcomes analysis)",
}
"""Names of the tables as published, where they differ from the results' attributes."""


def _training(table: pd.DataFrame, settings: Disclosure) -> pd.DataFrame:
    """Training is for Wales only: a share or interval on fewer than the threshold is withheld."""
    if table.empty:
        return table
    out = table.astype({"value": object, "ci_low": object, "ci_high": object})
    shares = out["indicator"].map(lambda k: indicator(k).unit.is_share).astype(bool)
    small = shares & (out["n"] < settings.threshold)
    out.loc[small, ["value", "ci_low", "ci_high"]] = settings.shorthand
    return out


def _funnels_shown(table: pd.DataFrame, shorthand: str) -> pd.DataFrame:
    """The funnel table with ``shown``: whether the RPB's point may be drawn."""
    if table.empty:
        return table
    return table.assign(shown=table["proportion"].map(lambda v: v != shorthand))


_LATER = ("breakdowns", "paired_data")
"""Tables decided after the others (:mod:`nest_eval.reporting.disclosure.stages`): finer
counts of what the others publish (groups of their totals; the children behind the episodes of
every measure), which must never cost the others a figure."""

_LATER_INDICATORS = ("paired_data_rate",)
"""Indicators of the funnels table decided with the later tables."""


def publication_cells(
    results: YearResults,
    settings: Disclosure,
    breakdowns: pd.DataFrame | None = None,
    first: bool = False,
) -> tuple[Cells, dict[str, TableMap]]:
    """Every count the year's publication rests on, and where each table's values come from.

    With what the models table and the threshold rule tell readers
    (:func:`nest_eval.reporting.disclosure.sources.map_tables`,
    :func:`~nest_eval.reporting.disclosure.sources.stated_floors`). ``breakdowns``: the
    breakdown rows to publish (default every row of the results). ``first``: the tables
    decided first only, without the later ones (:data:`_LATER`).
    """
    frames = {name: getattr(results, name) for name in _MAPPED}
    if breakdowns is not None:
        frames["breakdowns"] = breakdowns
    if first:
        frames = {name: frame for name, frame in frames.items() if name not in _LATER}
        funnels = frames["funnels"]
        if not funnels.empty:
            frames["funnels"] = funnels[~funnels["indicator"].isin(_LATER_INDICATORS)]
    cells, maps = map_tables(frames, results.year)
    if not results.models.empty:
        model_relations(results.models, results.year, cells, settings.threshold)
    stated_floors(maps, cells, settings.threshold)
    cells.check_relations()
    return cells, maps


def controlled_tables(
    results: YearResults, config: RunConfig, fork: bool = False
) -> ControlledTables:
    """Apply one disclosure decision to every table of the year, with the run's settings.

    Parameters
    ----------
    results : YearResults
        The year's unsuppressed results.
    config : RunConfig
        The run (its disclosure settings).
    fork : bool, default False
        Decide part of the cells in a forked child
        (:func:`~nest_eval.reporting.disclosure.protect.decide`): for a process that runs
        nothing else at the same time.

    Returns
    -------
    ControlledTables

    Raises
    ------
    DisclosureError
        When a suppressed cell cannot be protected: nothing may be published. The message
        names the cells by their keys and the tables they appear in, never their values.
    """
    settings = config.disclosure

    def cells_of(rows: pd.DataFrame | None) -> tuple[Cells, dict[str, TableMap]]:
        return publication_cells(results, settings, rows, first=rows is None)

    try:
        staged = decide_in_stages(cells_of, results.breakdowns, settings, fork)
    except DisclosureError as exc:
        _, maps = cells_of(results.breakdowns)
        raise DisclosureError(exc.exposed, _tables_of(exc.exposed, maps)) from None
    cells, maps, decision = staged.cells, staged.maps, staged.decision
    frames = {name: getattr(results, name) for name in _MAPPED}
    frames["breakdowns"] = staged.breakdowns
    frames["distance"] = frames["distance"].drop(columns=list(BASE_COLUMNS), errors="ignore")
    controlled = {
        name: apply_decision(frame, maps[name], cells, decision, settings)
        if name in maps
        else frame
        for name, frame in frames.items()
    }
    controlled["funnels"] = _funnels_shown(controlled["funnels"], settings.shorthand)
    return ControlledTables(
        **controlled,
        training=_training(results.training, settings),
        decision=decision,
        breakdowns_withheld=staged.withheld,
    )


def controlled_for(results: YearResults, config: RunConfig, fork: bool = False) -> ControlledTables:
    """The tables under the run's disclosure control, taken once and kept with the results.

    The pipeline takes the decision when it computes the year (with ``fork``, as
    :func:`controlled_tables`) and stores it with the results, so the reports of a run (each
    in its own kernel) share it instead of taking it again.
    """
    settings = json.dumps(config.results_parameters(), sort_keys=True)
    found = results.derived.get(("controlled_tables", settings))
    if found is None:
        found = controlled_tables(results, config, fork)
        results.derived[("controlled_tables", settings)] = found
    return found


def _tables_of(keys: tuple, maps: dict) -> dict:
    """The tables each cell appears in."""
    found: dict = {key: set() for key in keys}
    for name, mapping in maps.items():
        for key in mapping.counts.values():
            if key in found:
                found[key].add(_TABLE_NAMES.get(name, name))
    return {key: tuple(sorted(names)) for key, names in found.items()}


def _with_label(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A long table with the display label of each row's indicator beside its key."""
    if frame.empty:
        return frame
    present = [c for c in OF_COLUMNS if c in frame.columns]
    position = frame.columns.get_loc(present[-1] if present else "indicator") + 1
    out = frame.copy()
    out.insert(position, "label", [row_label(r, lang) for r in frame.to_dict(orient="records")])
    return out


QUALITY_COLUMNS = (
    "dataset",
    "status",
    "files",
    "rows_read",
    "rows_accepted",
    "rows_quarantined",
    "duplicates_collapsed",
    "rows_not_loaded",
    "problems",
    "rows_after_census",
)
"""Columns of the data-quality table."""


def quality_table(accounting: dict) -> pd.DataFrame:
    """Row accounting and problems by rule per dataset (counts only, never values).

    ``rows_after_census`` counts the accepted rows the run left out as dated after its census
    date (:mod:`nest_eval.domains.census`).
    """
    after_census = rows_after_census(accounting)
    rows = []
    for name, record in accounting.get("datasets", {}).items():
        problems = record.get("problems_by_rule", {})
        rows.append(
            {
                "dataset": name,
                "status": record.get("status", ""),
                "files": len(record.get("files", [])),
                "rows_read": record.get("rows_read", 0),
                "rows_accepted": record.get("rows_accepted", 0),
                "rows_quarantined": record.get("rows_quarantined", 0),
                "duplicates_collapsed": record.get("duplicates_collapsed", 0),
                "rows_not_loaded": record.get("rows_not_loaded", 0),
                "problems": "; ".join(f"{rule} {count}" for rule, count in problems.items()),
                "rows_after_census": after_census.get(name, 0),
            }
        )
    return pd.DataFrame(rows, columns=list(QUALITY_COLUMNS))


UNROUNDED = {"self_assessment_national": ("mean_rating",)}
"""Columns published unrounded, as the data contract fixes them (``mean_rating``); every other
number is published to its unit's precision (:mod:`nest_eval.reporting.precision`)."""


def published_tables(
    results: YearResults, config: RunConfig, lang: str = "en"
) -> dict[str, pd.DataFrame]:
    """The tables a yearly run publishes under ``tables/``, disclosure-controlled.

    Parameters
    ----------
    results : YearResults
        The year's results.
    config : RunConfig
        The run (disclosure settings).
    lang : str
        Language of the ``label`` columns.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``self_assessment_national``, ``distance_travelled`` and ``outcomes_change`` (the data
        contract's names and columns, with a display ``label`` beside each indicator key), and
        ``paired_data`` (the share of children with a follow-up assessment, per RPB),
        ``access``, ``experiences``, ``enablers``, ``training``, ``rpb_comparisons``,
        ``breakdowns`` (each domain's indicators by age band, sex, deprivation, language,
        route and service) and ``data_quality``. Numbers are rounded to their unit's
        precision (:func:`~nest_eval.reporting.precision.published_precision`), except the
        columns of :data:`UNROUNDED`.
    """
    controlled = controlled_for(results, config)
    tables = {
        "self_assessment_national": results.national_means[["element", "mean_rating", "n_rpbs"]],
        "distance_travelled": _with_label(controlled.distance, lang),
        "outcomes_change": controlled.outcomes_change,
        "paired_data": controlled.paired_data,
        "access": controlled.access,
        "experiences": controlled.agreement,
        "enablers": results.enablers,
        "training": controlled.training,
        "rpb_comparisons": (
            _with_label(controlled.funnels, lang)
            if not controlled.funnels.empty
            else controlled.funnels
        ),
        "breakdowns": _with_label(controlled.breakdowns, lang),
        "data_quality": quality_table(results.accounting),
    }
    always = ("self_assessment_national", "distance_travelled", "outcomes_change", "data_quality")
    published = {
        name: published_precision(frame, UNROUNDED.get(name, ()))
        for name, frame in tables.items()
        if name in always or not frame.empty
    }
    small = small_counts(published, config.disclosure)
    if small:
        raise RuntimeError("a small count would be published: " + "; ".join(small[:10]))
    return published


def _is_count(column: str, indicator_key: object) -> bool:
    """Whether a published column holds a count of people, responses or requests in a row."""
    spec = COLUMNS.get(column)
    if spec is None or column in ("change", "ci_low", "ci_high"):  # differences, not counts
        return False
    if spec.unit.key != "indicator":
        return spec.unit.is_disclosive_count
    if not isinstance(indicator_key, str):
        return False
    return unit_of(column, indicator_key).is_disclosive_count


def _below_wales(frame: pd.DataFrame) -> pd.Series:
    """Rows of an RPB, or of a group of a breakdown (wherever it is)."""
    below = frame["rpb"].isin(RPB_NAMES)
    if "group" in frame.columns:
        below |= frame["group"].notna()
    return below


def small_counts(tables: dict[str, pd.DataFrame], settings: Disclosure) -> list[str]:
    """The last check before publishing: small counts (:attr:`Disclosure.small`) below Wales.

    In the rows of an RPB or of a group of a breakdown. Independent of the decision: it reads
    the tables as they would be published, with the units of
    :mod:`nest_eval.reference.indicators`. Each finding names the table, row and column, never
    the value.
    """
    low, high = settings.small
    found = []
    for name, frame in tables.items():
        if "rpb" not in frame.columns:
            continue
        for label, row in frame[_below_wales(frame)].to_dict(orient="index").items():
            for column, value in row.items():
                if isinstance(value, str) or value is None or pd.isna(value):
                    continue
                if _is_count(column, row.get("indicator")) and low <= float(value) <= high:
                    found.append(f"{name} row {label} ({row['rpb']}) column {column}")
    return found
