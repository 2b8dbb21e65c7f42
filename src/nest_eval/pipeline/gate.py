"""The publishing gate: a run publishes only when its data fills the year's reports.

After ingest and before anything is computed or published, :func:`check_data` assesses the
processed data (:func:`nest_eval.reporting.completeness.assess`). A run is refused, with the
previous publication left as it was, when

- the raw-data folder holds no dataset with a row to report on (an empty folder, no file of the
  contract's datasets, or nothing usable in them);
- no dataset has a row in the reporting year (the years the data holds are listed);
- a dataset is absent, could not be loaded, holds no row, is wholly quarantined, has more than
  the run's ``max_quarantined`` share of its rows quarantined, or has no row in the year.

The last findings can be accepted (``accept_quarantine``): the run then publishes, and every
report says under its title what was left out and why. The refusal names each dataset, the
column and rule most of its quarantined rows broke, example values as given (never a value the
identifier screening withheld) and the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from nest_eval.config import RunConfig
from nest_eval.ingest.identifiers import WITHHELD
from nest_eval.ingest.readers import DATA_KINDS
from nest_eval.reference.contract import DATASET_NAMES, DATASETS
from nest_eval.reporting.completeness import Completeness, Finding, assess, describe, percent

__all__ = ["DataGateError", "check_data", "refusal"]

EXAMPLES = 3
"""Example values shown per dataset in a refusal."""

_CODED = ("not_allowed", "unknown_rpb", "unknown_element", "unknown_measure", "bad_yes_no")
"""Rules broken by values that may be another coding of allowed values."""

_QUARANTINED = ("quarantined", "all_quarantined")
"""Findings about quarantined rows."""

_SCREENED = ("nhs_number",)
"""Rules of the identifier screening: their values are never shown."""

FIXES: dict[str, str] = {
    "missing_required": "fill in column {column} at source",
    "bad_date": "write the dates in column {column} as YYYY-MM-DD or DD/MM/YYYY at source",
    "nhs_number": "replace the NHS numbers in column {column} with pseudonymous identifiers",
    "conflicting_duplicate": "keep one row per {column} at source",
    "ragged_row": "give every row as many fields as the header (often an unquoted comma)",
    "no_item_answered": "leave out survey responses with no item answered, at source",
    "date_order": "correct column {column} at source: it may not be before the date it follows",
}
"""How to fix the rows a rule quarantined ({column}: the column most of them broke it in)."""


class DataGateError(Exception):
    """The data would leave the year's reports empty or incomplete: nothing is published."""


def _quarantine(processed: Path) -> pd.DataFrame:
    """The quarantine table ingest wrote (empty when there is none)."""
    path = processed / "quarantine.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=["dataset", "rule"])


def _examples(values: pd.Series) -> str:
    """The most frequent values as given, quoted; values withheld by screening are left out."""
    shown = values[~values.astype(str).str.contains(WITHHELD, regex=False)]
    if shown.empty:
        return "values withheld (identifier screening)"
    counts = shown.astype(str).value_counts()
    ordered = sorted(counts.index, key=lambda v: (-int(counts[v]), v))[:EXAMPLES]
    return "e.g. " + ", ".join(repr(v if len(v) <= 40 else v[:39] + "…") for v in ordered)


def _vocabulary_fix(dataset: str, column: str, config: RunConfig) -> str:
    """The fix of values that may be another coding of a vocabulary's values."""
    columns = {c.name: c for c in next(d for d in DATASETS if d.name == dataset).columns}
    vocabulary = columns[column].vocabulary if column in columns else None
    if vocabulary is None:
        return f"correct column {column} at source (allowed values: see the data dictionary)"
    values = config.reference().vocabularies[vocabulary].values
    return (
        f"correct column {column} at source, or, if its values are another coding of "
        f"{', '.join(values)}, add the coding to a reference config "
        f'([vocabularies.{vocabulary}.codings], e.g. {values[0]} = ["..."]) and run with '
        "--reference-config FILE"
    )


def _fix(finding: Finding, column: str, config: RunConfig) -> str:
    """The fix of the rows a finding's rule quarantined in ``column``."""
    if finding.rule in _CODED:
        return _vocabulary_fix(finding.dataset, column, config)
    template = FIXES.get(finding.rule or "", "correct column {column} at source")
    return template.format(column=column)


def _quarantined_lines(finding: Finding, quarantine: pd.DataFrame, config: RunConfig) -> list[str]:
    """Where most of a dataset's quarantined rows broke a rule, with examples and the fix."""
    rows = quarantine[
        (quarantine["dataset"] == finding.dataset) & (quarantine["rule"] == finding.rule)
    ]
    if finding.rule in _SCREENED:
        rows = rows.assign(value=WITHHELD)
    if rows.empty:
        return []
    counts = rows["column"].astype(str).value_counts()
    column = min(counts.index, key=lambda c: (-int(counts[c]), c))
    broken = rows[rows["column"].astype(str) == column]
    where = f"column {column}" if column else "the whole row"
    return [
        f"    {len(broken):,} row(s) broke rule {finding.rule} in {where}: "
        f"{_examples(broken['value'])}",
        f"    Fix: {_fix(finding, column, config)}.",
    ]


def _other_fix(finding: Finding, completeness: Completeness, config: RunConfig) -> str:
    """The fix of a dataset absent, not loaded, empty or without a row in the year."""
    data = config.folders.data
    fixes = {
        "absent": f"add its file to {data} ({DATA_KINDS}, its name starting with "
        f"{finding.dataset})",
        "not_loaded": f"correct its file as the error says (nest-eval validate {data} checks it)",
        "no_rows": f"add its rows to its file in {data}",
        "no_rows_in_year": f"add its rows for {completeness.year} to {data}",
    }
    return f"    Fix: {fixes[finding.kind]}."


def _finding_lines(
    findings: Sequence[Finding],
    completeness: Completeness,
    quarantine: pd.DataFrame,
    config: RunConfig,
) -> list[str]:
    """Each finding: what it leaves out, where most of its rows broke a rule, the fix."""
    lines = []
    for finding in findings:
        lines.append(f"  {describe(finding, completeness)}")
        lines += [f"    error: {error}" for error in finding.errors]
        if finding.kind in _QUARANTINED:
            lines += _quarantined_lines(finding, quarantine, config)
        else:
            lines.append(_other_fix(finding, completeness, config))
    return lines


def _nothing_loaded(config: RunConfig, accounting: dict) -> list[str]:
    """The head of a refusal when no dataset has a row to report on."""
    data = config.folders.data
    found = [f["file"] for r in accounting.get("datasets", {}).values() for f in r["files"]]
    found += accounting.get("unmatched_files", []) + accounting.get("other_files", [])
    if not found:
        what = "is empty"
    elif all(r["status"] == "absent" for r in accounting.get("datasets", {}).values()):
        what = f"holds no file of a dataset (files found: {', '.join(sorted(found))})"
    else:
        what = "holds no row to report on"
    return [
        f"{config.year}: NOT PUBLISHED. The raw-data folder {data} {what}.",
        f"  Each dataset's file name starts with the dataset's name ({DATA_KINDS}): "
        f"{', '.join(DATASET_NAMES)}.",
        f"  Fix: put the RPBs' data files in {data} "
        "(nest-eval demo-data DIR writes an example of each).",
    ]


def _nothing_in_year(config: RunConfig, completeness: Completeness) -> list[str]:
    """The refusal of a year no dataset has a row in: the years the data holds instead."""
    present = completeness.years_present
    if not present:
        return [f"{config.year}: NOT PUBLISHED. No dataset has a row in a reporting year."]
    per_dataset = "; ".join(
        f"{name} {', '.join(str(y) for y in years) or 'none'}"
        for name, years in completeness.years.items()
    )
    return [
        f"{config.year}: NOT PUBLISHED. No dataset has a row for {config.year}; the data "
        f"holds {', '.join(str(y) for y in present)} ({per_dataset}).",
        f"  Fix: run for a year the data holds (--year {present[-1]}), or add the data of "
        f"{config.year} to {config.folders.data}.",
    ]


def refusal(
    config: RunConfig, completeness: Completeness, accounting: dict, quarantine: pd.DataFrame
) -> str:
    """The message of a run the gate refuses: what, where, why, and the fix.

    Parameters
    ----------
    config : RunConfig
        The run.
    completeness : Completeness
        Its assessment (:meth:`Completeness.blocks` is true).
    accounting : dict
        The ingest accounting record.
    quarantine : pandas.DataFrame
        The quarantine table ingest wrote.

    Returns
    -------
    str
    """
    if completeness.nothing_loaded:
        lines = _nothing_loaded(config, accounting)
        present = [f for f in completeness.findings if f.kind != "absent"]
        lines += _finding_lines(present, completeness, quarantine, config)
    elif completeness.nothing_in_year:
        lines = _nothing_in_year(config, completeness)
    else:
        lines = _left_out(config, completeness, quarantine)
    lines.append(f"The previous publication in {config.year_dir()} is left as it was.")
    return "\n".join(lines)


def _left_out(config: RunConfig, completeness: Completeness, quarantine: pd.DataFrame) -> list[str]:
    """The refusal of data left out: each finding, where the rows are, how to go on."""
    lines = [
        f"{config.year}: NOT PUBLISHED. The data would leave parts of the year's reports "
        "empty or incomplete:",
        *_finding_lines(completeness.findings, completeness, quarantine, config),
    ]
    if any(f.kind in _QUARANTINED for f in completeness.findings):
        listed = config.folders.processed / "quarantine.csv"
        lines.append(
            f"Every quarantined row, with its problem, is listed in {listed} (to send back "
            "to the RPBs)."
        )
    lines.append(
        "To publish anyway, run again with --accept-quarantine: every report then says under "
        "its title what was left out and why. A dataset may have up to "
        f"{percent(config.max_quarantined)} of its rows quarantined (--max-quarantined "
        f"{config.max_quarantined:g})."
    )
    return lines


def check_data(config: RunConfig, progress: Callable[[str], None]) -> Completeness:
    """Assess the processed data; refuse the run when it would publish reports with gaps.

    Parameters
    ----------
    config : RunConfig
        The run (its folders, year, ``max_quarantined`` and ``accept_quarantine``).
    progress : callable
        Receives a line per finding accepted.

    Returns
    -------
    Completeness
        The assessment, when the run may publish.

    Raises
    ------
    DataGateError
        When the run must not publish; its message is :func:`refusal`'s.
    """
    from nest_eval.domains.periods import dataset_years
    from nest_eval.domains.year import load_data

    data = load_data(config.folders.processed, config.reference())
    completeness = assess(data.accounting, dataset_years(data.tables, config.financial), config)
    if completeness.blocks(config.accept_quarantine):
        quarantine = _quarantine(config.folders.processed)
        raise DataGateError(refusal(config, completeness, data.accounting, quarantine))
    for finding in completeness.findings:
        progress(f"accepted (--accept-quarantine): {describe(finding, completeness)}")
    return completeness
