"""The year's tables under disclosure control: what the reports show and the run publishes.

:func:`controlled_tables` applies disclosure control (:mod:`nest_eval.reporting.disclosure`) to
the year's results once, with the run's settings; the report sections show these tables and
:func:`published_tables` writes them as ``tables/*.csv``, so a count gets the same decision
wherever it appears. A suppressed cell is written with the run's shorthand (``c`` or ``[c]``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from nest_eval.config import RunConfig
from nest_eval.domains.year import YearResults
from nest_eval.reporting import disclosure
from nest_eval.reporting.labels import OF_COLUMNS, row_label

__all__ = [
    "QUALITY_COLUMNS",
    "ControlledTables",
    "controlled_tables",
    "published_tables",
    "quality_table",
]


@dataclass(frozen=True)
class ControlledTables:
    """The year's tables after disclosure control (suppressed cells hold the shorthand)."""

    distance: pd.DataFrame
    outcomes_change: pd.DataFrame
    adjusted: pd.DataFrame
    access: pd.DataFrame
    agreement: pd.DataFrame
    training: pd.DataFrame
    funnels: pd.DataFrame


def _shorthand(frame: pd.DataFrame, shorthand: str) -> pd.DataFrame:
    """Write suppressed cells with the run's shorthand instead of ``c``."""
    if shorthand == disclosure.SUPPRESSED or frame.empty:
        return frame
    out = frame.copy()
    for column in out.columns[[dtype == "object" for dtype in out.dtypes]]:
        out[column] = out[column].mask(out[column].eq(disclosure.SUPPRESSED), shorthand)
    out.attrs = dict(frame.attrs)
    return out


def _controlled(table: pd.DataFrame, control, threshold: int, **options) -> pd.DataFrame:
    return table if table.empty else control(table, threshold=threshold, **options)


def controlled_tables(results: YearResults, config: RunConfig) -> ControlledTables:
    """Apply disclosure control to the year's tables once, with the run's settings.

    Parameters
    ----------
    results : YearResults
        The year's unsuppressed results.
    config : RunConfig
        The run (its disclosure settings).

    Returns
    -------
    ControlledTables
    """
    threshold = config.disclosure.threshold
    tables = ControlledTables(
        distance=_controlled(
            results.distance,
            disclosure.control_distance_travelled,
            threshold,
            zeros_as_last_resort=True,
        ),
        outcomes_change=_controlled(
            results.outcomes_change,
            disclosure.control_outcomes_change,
            threshold,
            zeros_as_last_resort=True,
        ),
        adjusted=_controlled(results.adjusted, disclosure.control_adjusted, threshold),
        access=_controlled(results.access, disclosure.control_access, threshold),
        agreement=_controlled(results.agreement, disclosure.control_agreement, threshold),
        training=_controlled(results.training, disclosure.control_training, threshold),
        funnels=_controlled(results.funnels, disclosure.control_funnels, threshold),
    )
    shorthand = config.disclosure.shorthand
    return ControlledTables(
        **{name: _shorthand(getattr(tables, name), shorthand) for name in tables.__annotations__}
    )


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
)
"""Columns of the data-quality table."""


def quality_table(accounting: dict) -> pd.DataFrame:
    """Row accounting and problems by rule per dataset (counts only, never values)."""
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
            }
        )
    return pd.DataFrame(rows, columns=list(QUALITY_COLUMNS))


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
        ``access``, ``experiences``, ``enablers``, ``training``, ``rpb_comparisons`` and
        ``data_quality``.
    """
    controlled = controlled_tables(results, config)
    tables = {
        "self_assessment_national": results.national_means[["element", "mean_rating", "n_rpbs"]],
        "distance_travelled": _with_label(controlled.distance, lang),
        "outcomes_change": controlled.outcomes_change,
        "access": controlled.access,
        "experiences": controlled.agreement,
        "enablers": results.enablers,
        "training": controlled.training,
        "rpb_comparisons": (
            _with_label(controlled.funnels, lang)
            if not controlled.funnels.empty
            else controlled.funnels
        ),
        "data_quality": quality_table(results.accounting),
    }
    always = ("self_assessment_national", "distance_travelled", "outcomes_change", "data_quality")
    return {name: frame for name, frame in tables.items() if name in always or not frame.empty}
