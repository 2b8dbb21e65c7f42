"""Ingest: read a raw-data folder, validate it against the contract, quarantine, account.

The flow for each dataset of the contract:

1. find its files (name starts with the dataset's name; CSV, ``.xlsx``, ``.xls`` or ``.ods``);
   every other entry of the folder is named with the reason it is not read;
2. read each file as text (:mod:`nest_eval.ingest.readers`), normalise the column names and check
   the required columns are there (a file that cannot be read, or lacks a required column,
   stops the dataset with an error naming the file and the part);
3. drop the extra columns holding values that look like real NHS numbers
   (:mod:`nest_eval.ingest.identifiers`), and redact personal data from free text and the other
   extra columns (:mod:`nest_eval.ingest.screening`), counting per column and kind;
4. parse every value and check every rule (:mod:`nest_eval.ingest.validation`);
5. quarantine every row that breaks a rule, and both rows of a conflicting duplicate;
6. collapse exact duplicates, counting them;
7. account: rows read = accepted + quarantined + duplicates collapsed (+ rows of a dataset
   that could not be loaded), per dataset, checked before anything is written.

Raw files are never modified. :func:`write_processed` writes typed Parquet, the quarantine
table and the accounting record under the processed-data folder. Nothing refused or redacted is
written anywhere: quarantine values and records are masked
(:func:`nest_eval.ingest.screening.mask`), and the accounting and messages name the file, row,
column and kind, never the value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from nest_eval import __version__
from nest_eval.files import atomic_write, sha256_file, spreadsheet_safe
from nest_eval.ingest.identifiers import (
    RefusedColumn,
    drop_nhs_number_columns,
    refused_in_quarantine,
)
from nest_eval.ingest.readers import RawTable, ReadError, file_sha256, read_table, skip_reason
from nest_eval.ingest.screening import FREE_TEXT_KINDS, mask, screen_columns
from nest_eval.ingest.validation import RULES, parse_rows
from nest_eval.reference.contract import CONTRACT_VERSION, DATASETS, Dataset, normalise_column_name
from nest_eval.reference.distinct import column_codes, combine
from nest_eval.reference.overrides import DEFAULT_REFERENCE, Reference

__all__ = [
    "QUARANTINE_COLUMNS",
    "DatasetOutcome",
    "FileRecord",
    "IngestResult",
    "format_summary",
    "ingest",
    "load_processed",
    "write_processed",
]

QUARANTINE_COLUMNS = ("dataset", "file", "row", "column", "value", "rule", "message", "record")


@dataclass(frozen=True)
class FileRecord:
    """One input file: its name, content hash and the data rows read from it."""

    name: str
    sha256: str
    rows_read: int


@dataclass
class DatasetOutcome:
    """What ingest made of one dataset.

    Attributes
    ----------
    name : str
        Dataset name.
    status : str
        ``loaded``, ``failed`` (a file could not be read or lacks a required column) or
        ``absent`` (no file in the folder).
    files : list of FileRecord
        Its input files.
    errors : list of str
        Why the dataset could not be loaded (one message per file problem).
    accepted : pandas.DataFrame or None
        Typed accepted rows, with ``source_file`` and ``source_row``.
    quarantine : pandas.DataFrame
        One row per problem (columns :data:`QUARANTINE_COLUMNS`).
    duplicates : pandas.DataFrame
        Exact duplicates collapsed: ``file``, ``row`` and the ``kept_file``/``kept_row`` kept.
    notes : list of str
        Resolutions worth reporting.
    refused_columns : list of RefusedColumn
        Extra columns dropped because they hold values looking like real NHS numbers.
    redactions : dict of str to dict of str to int
        Per free-text or extra column, the number of matches of each kind redacted.
    readings : dict
        What was read how, counted (:data:`nest_eval.ingest.validation.READINGS`).
    rows_read, rows_accepted, rows_quarantined, duplicates_collapsed, rows_not_loaded : int
        The accounting; ``rows_read`` equals the sum of the other four.
    reused : bool
        Taken from the last ingest, its files unchanged (:func:`ingest`'s ``reuse``): it holds
        no rows (``accepted`` is None) and its Parquet file, written then, is left as it is.
    """

    name: str
    status: str = "absent"
    files: list[FileRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    accepted: pd.DataFrame | None = None
    quarantine: pd.DataFrame = field(default_factory=lambda: _empty_quarantine())
    duplicates: pd.DataFrame = field(default_factory=lambda: _empty_duplicates())
    notes: list[str] = field(default_factory=list)
    refused_columns: list[RefusedColumn] = field(default_factory=list)
    redactions: dict[str, dict[str, int]] = field(default_factory=dict)
    readings: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    duplicates_collapsed: int = 0
    rows_not_loaded: int = 0
    reused: bool = False

    def reconciles(self) -> bool:
        """Whether rows read = accepted + quarantined + collapsed + not loaded."""
        return self.rows_read == (
            self.rows_accepted
            + self.rows_quarantined
            + self.duplicates_collapsed
            + self.rows_not_loaded
        )

    def problems_by_rule(self) -> dict[str, int]:
        """Number of problems of each rule (a row may break several)."""
        counts = self.quarantine["rule"].value_counts()
        return {rule: int(counts[rule]) for rule in sorted(counts.index)}

    def identifiers_refused(self) -> list[RefusedColumn]:
        """Every file and column in which values looking like NHS numbers were refused."""
        refused = self.refused_columns + refused_in_quarantine(self.quarantine)
        return sorted(refused, key=lambda r: (r.file, r.column))

    def accounting(self) -> dict[str, object]:
        """The machine-readable accounting record of this dataset."""
        return {
            "status": self.status,
            "files": [
                {"file": f.name, "sha256": f.sha256, "rows_read": f.rows_read} for f in self.files
            ],
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_quarantined": self.rows_quarantined,
            "duplicates_collapsed": self.duplicates_collapsed,
            "rows_not_loaded": self.rows_not_loaded,
            "reconciles": self.reconciles(),
            "problems_by_rule": self.problems_by_rule(),
            "identifiers_refused": [asdict(r) for r in self.identifiers_refused()],
            "redactions": {column: dict(kinds) for column, kinds in self.redactions.items()},
            "errors": list(self.errors),
            "notes": list(self.notes),
            "readings": self.readings,
        }


@dataclass
class IngestResult:
    """The outcome of ingesting a raw-data folder.

    ``unmatched_files`` are data files matching no dataset, ``other_files`` every other entry
    not read, and ``not_read`` gives the reason for each of both.
    """

    source: str
    datasets: dict[str, DatasetOutcome]
    unmatched_files: list[str]
    other_files: list[str]
    not_read: dict[str, str] = field(default_factory=dict)

    @property
    def loaded(self) -> bool:
        """Whether no dataset failed to load (absent datasets do not count as failures)."""
        return all(d.status != "failed" for d in self.datasets.values())

    @property
    def rows_quarantined(self) -> int:
        """Rows quarantined across all datasets."""
        return sum(d.rows_quarantined for d in self.datasets.values())

    def quarantine(self) -> pd.DataFrame:
        """All datasets' quarantine records in one table."""
        parts = [d.quarantine for d in self.datasets.values() if len(d.quarantine)]
        return pd.concat(parts, ignore_index=True) if parts else _empty_quarantine()

    def accounting(self) -> dict[str, object]:
        """Machine-readable accounting of the whole folder (goes into the run's manifest)."""
        return {
            "contract_version": CONTRACT_VERSION,
            "nest_eval_version": __version__,
            "source": self.source,
            "datasets": {name: d.accounting() for name, d in self.datasets.items()},
            "unmatched_files": list(self.unmatched_files),
            "other_files": list(self.other_files),
            "not_read": dict(self.not_read),
            "rules": RULES,
        }


def _empty_frame(dtypes: Mapping[str, object]) -> pd.DataFrame:
    """A table with no rows and the given column types."""
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in dtypes.items()})


def _empty_quarantine() -> pd.DataFrame:
    """A quarantine table with no rows: row numbers are integers, the rest text."""
    return _empty_frame({c: "int64" if c == "row" else object for c in QUARANTINE_COLUMNS})


def _empty_duplicates() -> pd.DataFrame:
    """A table of collapsed duplicates with no rows."""
    return _empty_frame({"file": object, "row": "int64", "kept_file": object, "kept_row": "int64"})


_NO_DATASET = "a data file whose name matches no dataset"


def _discover(directory: Path) -> tuple[dict[str, list[Path]], dict[str, str]]:
    """Files per dataset, and every other entry of the folder with why it is not read.

    Only entry types are examined (nothing is opened): a data file of a dataset that cannot be
    read is reported by its dataset.
    """
    from nest_eval.reference.contract import dataset_for_file

    per_dataset: dict[str, list[Path]] = {d.name: [] for d in DATASETS}
    not_read: dict[str, str] = {}
    for path in sorted(directory.iterdir(), key=lambda p: p.name):
        reason = skip_reason(path, directory)
        dataset = dataset_for_file(path.name)
        if reason is None and dataset is None:
            not_read[path.name] = _NO_DATASET
        elif reason is None and dataset is not None:
            per_dataset[dataset.name].append(path)
        else:
            named = f" (named like dataset {dataset.name})" if dataset is not None else ""
            not_read[path.name] = f"{reason}{named}"
    return per_dataset, not_read


def _normalised_table(dataset: Dataset, table: RawTable) -> tuple[pd.DataFrame, list[str]]:
    """Rename the columns to contract spelling; list problems that stop the dataset."""
    errors: list[str] = []
    names = [normalise_column_name(h) for h in table.headers]
    seen: dict[str, str] = {}
    for header, name in zip(table.headers, names, strict=True):
        if name == "":
            if table.frame[header].str.strip().ne("").any():
                errors.append(f"{table.source}: a column with data has no header")
            continue
        if name in seen:
            errors.append(
                f"{table.source}: columns {seen[name]!r} and {header!r} both mean {name!r}"
            )
        seen[name] = header
    missing = [c for c in dataset.required_columns if c not in seen]
    if missing:
        errors.append(
            f"{table.source}: missing required column(s) {', '.join(missing)} "
            f"(found: {', '.join(h for h in table.headers if h) or 'none'})"
        )
    frame = table.frame.copy()
    frame.columns = names
    frame = frame.loc[:, [n != "" for n in names]]
    return frame, errors


def _record_json(raw: pd.DataFrame) -> pd.Series:
    """The raw row as JSON, with NHS numbers withheld and personal data redacted."""
    data_columns = [c for c in raw.columns if c not in ("_file", "_row")]
    records = raw[data_columns].to_dict(orient="index")
    texts = {
        rid: json.dumps({c: mask(v) for c, v in record.items()}, ensure_ascii=False)
        for rid, record in records.items()
    }
    return pd.Series(texts)


def _screened(dataset: Dataset, raw: pd.DataFrame, outcome: DatasetOutcome) -> pd.DataFrame:
    """Drop the extra columns holding NHS numbers; redact personal data from free text.

    Extra columns are those the contract does not name: passed through as text, so screened as
    free text. The drops and the counts of redactions go into ``outcome``.
    """
    contract = [c.name for c in dataset.columns]
    extra = [c for c in raw.columns if c not in contract and c not in ("_file", "_row")]
    raw, outcome.refused_columns = drop_nhs_number_columns(raw, extra, raw["_file"])
    free_text = [c.name for c in dataset.columns if c.kind in FREE_TEXT_KINDS and c.name in raw]
    raw, outcome.redactions = screen_columns(raw, free_text + [c for c in extra if c in raw])
    return raw


def _ingest_dataset(dataset: Dataset, paths: list[Path], reference: Reference) -> DatasetOutcome:
    """Read, validate, quarantine and account for the files of one dataset."""
    outcome = DatasetOutcome(dataset.name)
    if not paths:
        return outcome
    frames, read_problems = _read_files(dataset, paths, outcome)
    outcome.rows_read = sum(f.rows_read for f in outcome.files)
    if outcome.errors:
        outcome.status = "failed"
        outcome.rows_not_loaded = outcome.rows_read
        return outcome

    raw = pd.concat(frames, ignore_index=True).fillna("") if frames else pd.DataFrame()
    raw = _screened(dataset, raw, outcome)
    parsed = parse_rows(dataset, raw.drop(columns=["_file", "_row"]), reference, raw["_file"])
    outcome.notes.extend(parsed.notes)
    outcome.readings = parsed.readings
    values = parsed.values
    problems, bad, clean, groups = _with_conflicting_duplicates(dataset, parsed.problems, values)
    duplicated = pd.Series(groups).duplicated(keep="first").set_axis(clean.index)
    outcome.duplicates = _duplicates_table(raw, clean, duplicated, groups)
    outcome.accepted = _accepted_rows(raw, clean, duplicated)
    outcome.quarantine = _quarantine_table(dataset.name, raw, problems, bad, read_problems)

    outcome.status = "loaded"
    outcome.rows_accepted = len(outcome.accepted)
    outcome.duplicates_collapsed = int(duplicated.sum())
    outcome.rows_quarantined = len(bad) + len({(p["file"], p["row"]) for p in read_problems})
    if not outcome.reconciles():  # pragma: no cover - an internal invariant
        raise AssertionError(f"{dataset.name}: row accounting does not reconcile")
    return outcome


def _read_files(
    dataset: Dataset, paths: list[Path], outcome: DatasetOutcome
) -> tuple[list[pd.DataFrame], list[dict[str, object]]]:
    """Read a dataset's files: text frames with ``_file`` and ``_row``, and the rows kept aside.

    Each file goes into ``outcome.files`` with the data rows read from it (none when it cannot
    be read), every problem that stops the dataset into ``outcome.errors``, and what the
    reader did not read into ``outcome.notes``.
    """
    frames: list[pd.DataFrame] = []
    read_problems: list[dict[str, object]] = []
    for path in paths:
        try:
            tables = read_table(path)
        except ReadError as exc:
            outcome.errors.append(str(exc))
            outcome.files.append(FileRecord(path.name, file_sha256(path), 0))
            continue
        rows = 0
        for table in tables:
            frame, errors = _normalised_table(dataset, table)
            outcome.errors.extend(errors)
            outcome.notes.extend(table.notes)
            rows += len(frame) + table.rejected_rows
            frame.insert(0, "_row", frame.index.to_numpy())
            frame.insert(0, "_file", table.source)
            frames.append(frame.reset_index(drop=True))
            read_problems += _read_problems(table)
        outcome.files.append(FileRecord(path.name, sha256_file(path), rows))
    return frames, read_problems


def _read_problems(table: RawTable) -> list[dict[str, object]]:
    """The rows of a table that could not be read as the header says, as quarantine records."""
    return [
        {
            "file": table.source,
            "row": p.row,
            "column": p.column,
            "value": mask(p.value),
            "rule": p.rule,
            "message": p.message,
            "record": mask(p.record),
        }
        for p in table.rejected
    ]


def _with_conflicting_duplicates(
    dataset: Dataset, problems: pd.DataFrame, values: pd.DataFrame
) -> tuple[pd.DataFrame, set[int], pd.DataFrame, np.ndarray]:
    """Add the conflicting duplicates among rows that passed every other rule to the problems.

    Returns the problems, the rows to quarantine, the clean rows (every other row) and their
    groups of identical rows (:func:`~nest_eval.reference.distinct.row_groups`).
    """
    bad = set(problems["rid"].tolist())
    candidates = values.loc[~values.index.isin(bad)]
    keys, groups = _key_and_row_groups(dataset, candidates)
    conflicts = _conflicting_rows(dataset, candidates, groups, keys)
    if len(conflicts):
        problems = pd.concat([problems, conflicts], ignore_index=True)
        bad |= set(conflicts["rid"].tolist())
        keep = ~candidates.index.isin(conflicts["rid"])
        candidates = candidates.loc[keep]
        groups, _ = pd.factorize(groups[keep])
    return problems, bad, candidates, groups.astype("int64")


def _key_and_row_groups(
    dataset: Dataset, values: pd.DataFrame
) -> tuple[np.ndarray | None, np.ndarray]:
    """The rows' groups of equal keys (None without the whole key) and of identical rows.

    Both are numbered in order of first appearance (:mod:`nest_eval.reference.distinct`); the
    rows are grouped by key first, then by the other columns within each key.
    """
    codes = column_codes(values)
    if not dataset.key or any(c not in codes for c in dataset.key):
        return None, combine(list(codes.values()), len(values))
    keys = combine([codes[c] for c in dataset.key], len(values))
    rest = [codes[c] for c in codes if c not in dataset.key]
    distinct_keys = int(keys.max()) + 1 if len(keys) else 0
    return keys, combine([(keys, distinct_keys), *rest], len(values))


def _origin(raw: pd.DataFrame, rids: pd.Index | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The file and the row number in it that each of the raw rows ``rids`` came from."""
    return raw.loc[rids, "_file"].to_numpy(), raw.loc[rids, "_row"].to_numpy().astype("int64")


def _duplicates_table(
    raw: pd.DataFrame, clean: pd.DataFrame, duplicated: pd.Series, groups: np.ndarray
) -> pd.DataFrame:
    """The exact duplicates collapsed: where each came from, and the row kept in its place.

    ``groups`` numbers the groups of identical rows in order of first appearance
    (:func:`~nest_eval.reference.distinct.row_groups`), so the rows not duplicated are the
    groups' first rows, in group order.
    """
    repeated = duplicated.to_numpy()
    first = clean.index[~repeated]
    dups = clean.index[repeated]
    file, row = _origin(raw, dups)
    kept_file, kept_row = _origin(raw, first[groups[repeated]])
    return pd.DataFrame({"file": file, "row": row, "kept_file": kept_file, "kept_row": kept_row})


def _accepted_rows(raw: pd.DataFrame, clean: pd.DataFrame, duplicated: pd.Series) -> pd.DataFrame:
    """The typed rows accepted (one of each exact duplicate), with the file and row of each."""
    accepted = clean.loc[~duplicated.to_numpy()].copy()
    accepted.insert(0, "source_row", raw.loc[accepted.index, "_row"].astype("int64"))
    accepted.insert(0, "source_file", raw.loc[accepted.index, "_file"].astype("string"))
    return accepted.reset_index(drop=True)


def _quarantine_table(
    dataset: str,
    raw: pd.DataFrame,
    problems: pd.DataFrame,
    bad: set[int],
    read_problems: list[dict[str, object]],
) -> pd.DataFrame:
    """One row per problem, the reader's included, with the raw record, in file and row order.

    Values and records are masked: an NHS number withheld, personal data redacted.
    """
    records = _record_json(raw.loc[sorted(bad)]) if bad else pd.Series(dtype=object)
    file, row = _origin(raw, problems["rid"])
    quarantine = pd.DataFrame(
        {
            "dataset": dataset,
            "file": file,
            "row": row,
            "column": problems["column"].to_numpy(),
            "value": problems["value"].map(mask).to_numpy(),
            "rule": problems["rule"].to_numpy(),
            "message": problems["message"].to_numpy(),
            "record": records.reindex(problems["rid"]).to_numpy() if bad else [],
        }
    )
    if read_problems:
        unread = pd.DataFrame(read_problems).assign(dataset=dataset)
        quarantine = pd.concat([quarantine, unread[list(QUARANTINE_COLUMNS)]], ignore_index=True)
    quarantine = quarantine.sort_values(["file", "row", "column", "rule"], kind="stable")
    return quarantine.reset_index(drop=True)


def _conflicting_rows(
    dataset: Dataset, values: pd.DataFrame, groups: np.ndarray, keys: np.ndarray | None
) -> pd.DataFrame:
    """Rows sharing a key but differing elsewhere: every such row, as a problem.

    ``groups`` are the rows' groups of identical rows and ``keys`` their groups of equal keys
    (:func:`_key_and_row_groups`). Identical rows are all in the key's scope or all out of it,
    so a key is conflicting when the rows in scope with it are of more than one group.
    """
    if keys is None:
        return pd.DataFrame(columns=["rid", "column", "value", "rule", "message"])
    key = list(dataset.key)
    in_scope = values[key].notna().all(axis=1).to_numpy(dtype=bool, copy=True)
    if dataset.key_when is not None:
        column, wanted = dataset.key_when
        in_scope &= (values[column] == wanted).fillna(False).to_numpy(dtype=bool)
    if not in_scope.any():
        return pd.DataFrame(columns=["rid", "column", "value", "rule", "message"])
    key_of_group = np.zeros(groups.max() + 1, dtype="int64")
    key_of_group[groups] = keys
    group_in_scope = np.zeros(groups.max() + 1, dtype=bool)
    group_in_scope[groups[in_scope]] = True
    groups_per_key = np.bincount(key_of_group[group_in_scope], minlength=keys.max() + 1)
    conflicting = in_scope & (groups_per_key[keys] > 1)
    if not conflicting.any():
        return pd.DataFrame(columns=["rid", "column", "value", "rule", "message"])
    rows = values.loc[conflicting]
    key_text = rows[key].astype(str).agg(" / ".join, axis=1)
    messages = pd.Series("", index=rows.index, dtype=object)
    for _, group in rows.groupby(key, dropna=False, sort=False):
        differing = [c for c in group.columns if group[c].astype(str).nunique() > 1]
        messages[group.index] = (
            f"{len(group)} rows have the same {', '.join(key)} but differ in {', '.join(differing)}"
        )
    return pd.DataFrame(
        {
            "rid": rows.index,
            "column": "+".join(key),
            "value": key_text.to_numpy(),
            "rule": "conflicting_duplicate",
            "message": messages.to_numpy(),
        }
    )


def ingest(
    directory: str | Path,
    reference: Reference = DEFAULT_REFERENCE,
    reuse: Mapping[str, DatasetOutcome] | None = None,
) -> IngestResult:
    """Read, validate and account for every dataset in a raw-data folder.

    Parameters
    ----------
    directory : str or pathlib.Path
        The raw-data folder (never modified).
    reference : Reference
        The vocabularies and measures catalogue in use, with an evaluator's overrides
        (:func:`nest_eval.reference.overrides.load_reference`); default the package's.
    reuse : mapping of str to DatasetOutcome, optional
        Outcomes of datasets whose files have not changed since they were ingested (marked
        ``reused``): taken as they are, those datasets are not read again.

    Returns
    -------
    IngestResult
        Per-dataset outcomes with accepted rows, quarantine and accounting.

    Raises
    ------
    NotADirectoryError
        When the folder does not exist.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise NotADirectoryError(f"{directory}: no such folder")
    per_dataset, not_read = _discover(directory)
    kept = reuse or {}
    outcomes = {
        dataset.name: kept.get(dataset.name)
        or _ingest_dataset(dataset, per_dataset[dataset.name], reference)
        for dataset in DATASETS
    }
    unmatched = [n for n, why in not_read.items() if why == _NO_DATASET]
    other = [n for n in not_read if n not in unmatched]
    return IngestResult(str(directory), outcomes, unmatched, other, not_read)


def write_processed(result: IngestResult, out_dir: str | Path) -> list[Path]:
    """Write typed Parquet per loaded dataset, the quarantine and the accounting record.

    Files written under ``out_dir``: ``<dataset>.parquet`` for each loaded dataset (a stale
    file of a dataset that failed or is absent is removed, so nothing old passes for new; the
    file of a dataset ``reused`` from the last ingest is left as it is),
    ``quarantine.parquet`` and ``quarantine.csv`` (all datasets, one row per problem),
    ``duplicates.csv`` (exact duplicates collapsed) and ``accounting.json``. Every file is
    written atomically. The CSV files are for people to open (the quarantine goes back to the
    RPBs): their text cells a spreadsheet would run as a formula are escaped with a leading
    ``'`` (:func:`nest_eval.files.spreadsheet_safe`); ``quarantine.parquet`` keeps every value
    as given.

    Parameters
    ----------
    result : IngestResult
        The outcome of :func:`ingest`.
    out_dir : str or pathlib.Path
        The processed-data folder.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, outcome in result.datasets.items():
        target = out / f"{name}.parquet"
        if outcome.reused:
            continue
        if outcome.status == "loaded" and outcome.accepted is not None:
            frame = outcome.accepted
            atomic_write(target, lambda p, f=frame: f.to_parquet(p, index=False))
            written.append(target)
        else:
            target.unlink(missing_ok=True)
    quarantine = result.quarantine()
    atomic_write(out / "quarantine.parquet", lambda p: quarantine.to_parquet(p, index=False))
    readable = spreadsheet_safe(quarantine)
    atomic_write(out / "quarantine.csv", lambda p: readable.to_csv(p, index=False))
    duplicates = pd.concat(
        [d.duplicates.assign(dataset=n) for n, d in result.datasets.items()], ignore_index=True
    )[["dataset", "file", "row", "kept_file", "kept_row"]]
    safe_duplicates = spreadsheet_safe(duplicates)
    atomic_write(out / "duplicates.csv", lambda p: safe_duplicates.to_csv(p, index=False))
    text = json.dumps(result.accounting(), indent=2, ensure_ascii=False) + "\n"
    atomic_write(out / "accounting.json", lambda p: p.write_text(text, encoding="utf-8"))
    written += [out / n for n in ("quarantine.parquet", "quarantine.csv", "duplicates.csv")]
    written.append(out / "accounting.json")
    return written


def format_summary(result: IngestResult, examples: int = 3) -> str:
    """A readable summary per dataset, with the first problems of each kind.

    Parameters
    ----------
    result : IngestResult
        The outcome of :func:`ingest`.
    examples : int
        How many problems to show for each rule.

    Returns
    -------
    str
        Plain text, one block per dataset, ending with the overall result.
    """
    lines = [f"Data contract v{CONTRACT_VERSION}: {result.source}", ""]
    for name, d in result.datasets.items():
        files = ", ".join(f.name for f in d.files) or "no file"
        if d.status == "absent":
            lines.append(f"{name}: no file in the folder (nothing to load)")
            lines.append("")
            continue
        if d.status == "failed":
            lines.append(f"{name}: NOT LOADED ({files})")
            lines += [f"  error: {e}" for e in d.errors]
            lines.append(f"  {d.rows_read} row(s) read, none loaded")
            lines.append("")
            continue
        lines.append(
            f"{name}: {d.rows_read} read = {d.rows_accepted} accepted + "
            f"{d.rows_quarantined} quarantined + {d.duplicates_collapsed} exact duplicate(s) "
            f"collapsed   [{files}]"
        )
        for rule, count in d.problems_by_rule().items():
            lines.append(f"  {rule} ({count}): {RULES.get(rule, rule)}")
            shown = d.quarantine.loc[d.quarantine["rule"] == rule].head(examples)
            for q in shown.itertuples(index=False):
                column = f", column {q.column}" if q.column else ""
                lines.append(f"    {q.file} row {q.row}{column}: {q.value!r}: {q.message}")
        lines += [f"  refused: {r.message()}" for r in d.identifiers_refused()]
        lines += [f"  redacted: {_redaction_text(c, k)}" for c, k in d.redactions.items()]
        lines += [f"  note: {n}" for n in d.notes]
        lines.append("")
    if result.not_read:
        lines.append("Not read (left alone):")
        lines += [f"  {name}: {why}" for name, why in result.not_read.items()]
    failed = [n for n, d in result.datasets.items() if d.status == "failed"]
    loaded = [n for n, d in result.datasets.items() if d.status == "loaded"]
    lines.append(
        f"Result: {len(loaded)} dataset(s) loaded"
        + (f"; NOT LOADED: {', '.join(failed)}" if failed else "")
        + f"; {result.rows_quarantined} row(s) quarantined."
    )
    return "\n".join(lines) + "\n"


def _redaction_text(column: str, kinds: Mapping[str, int]) -> str:
    """One line of the summary: a column's redactions by kind (counts only)."""
    counts = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    return f"column {column}: {counts} (rows kept, the text replaced by a marker)"


def load_processed(directory: str | Path) -> dict[str, pd.DataFrame]:
    """Read the accepted tables that :func:`write_processed` wrote.

    Parameters
    ----------
    directory : str or pathlib.Path
        The processed-data folder.

    Returns
    -------
    dict of str to pandas.DataFrame
        Accepted rows by dataset name, for the datasets that were loaded.
    """
    folder = Path(directory)
    return {
        d.name: pd.read_parquet(folder / f"{d.name}.parquet")
        for d in DATASETS
        if (folder / f"{d.name}.parquet").exists()
    }
