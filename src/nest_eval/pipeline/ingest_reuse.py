"""Ingest again only the datasets whose files changed.

When one RPB resubmits one file, the other datasets need not be read, checked and typed again.
After each ingest, every dataset's outcome (its accounting, quarantine, exact duplicates,
notes and readings: everything but its rows, which are in its Parquet file) is kept in
``<processed>/ingest_outcomes/<dataset>.pkl`` with the key of its files, the reference data
and the code (:func:`dataset_keys`). The next ingest takes a kept outcome instead of reading
the dataset again when that key is unchanged and its Parquet file is the one written with it
(same SHA-256), so a file edited by hand, or left by a run that stopped half way, is never
taken for the dataset.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path

from nest_eval.files import atomic_write, sha256_file
from nest_eval.ingest.datasets import DatasetOutcome, IngestResult
from nest_eval.pipeline.keys import key
from nest_eval.reference.contract import DATASETS, dataset_for_file

__all__ = ["FOLDER", "dataset_keys", "keep_outcomes", "kept_outcomes"]

FOLDER = "ingest_outcomes"
"""The folder, under the processed-data folder, of the kept outcomes."""

_UNREADABLE = (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, KeyError)


def dataset_keys(inputs: Sequence[Mapping[str, str]], reference_sha256: str) -> dict[str, str]:
    """The key of each dataset's ingest: its files' names and contents, the reference, the code.

    Parameters
    ----------
    inputs : sequence of mapping
        The raw folder's files, ``{"file": name, "sha256": hash}`` each.
    reference_sha256 : str
        The SHA-256 of the evaluator's reference overrides (empty when none).

    Returns
    -------
    dict of str to str
        One key per dataset of the contract (a dataset with no file has one too).
    """
    files: dict[str, list[Mapping[str, str]]] = {dataset.name: [] for dataset in DATASETS}
    for entry in inputs:
        dataset = dataset_for_file(entry["file"])
        if dataset is not None:
            files[dataset.name].append(entry)
    return {
        name: key({"dataset": name, "files": entries, "reference": reference_sha256})
        for name, entries in files.items()
    }


def kept_outcomes(processed: Path, keys: Mapping[str, str]) -> dict[str, DatasetOutcome]:
    """The kept outcomes still valid: same key, and the Parquet file written with them.

    Each is marked ``reused`` and holds no rows (``accepted`` is None): its rows stay in its
    Parquet file, which :func:`nest_eval.ingest.datasets.write_processed` then leaves alone.
    """
    kept = {}
    for name, wanted in keys.items():
        try:
            with (processed / FOLDER / f"{name}.pkl").open("rb") as file:
                stored = pickle.load(file)
            valid = (
                stored["key"] == wanted and _parquet_sha256(processed, name) == stored["parquet"]
            )
        except _UNREADABLE:
            continue
        if valid:
            kept[name] = dataclasses.replace(stored["outcome"], reused=True)
    return kept


def keep_outcomes(processed: Path, result: IngestResult, keys: Mapping[str, str]) -> None:
    """Keep each dataset's outcome, without its rows, for the next ingest (after writing)."""
    folder = processed / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, outcome in result.datasets.items():
        if outcome.reused:
            continue
        stored = {
            "key": keys[name],
            "parquet": _parquet_sha256(processed, name),
            "outcome": dataclasses.replace(outcome, accepted=None),
        }
        atomic_write(
            folder / f"{name}.pkl", lambda path, s=stored: path.write_bytes(pickle.dumps(s))
        )


def _parquet_sha256(processed: Path, name: str) -> str | None:
    """The SHA-256 of a dataset's Parquet file, None when there is none."""
    path = processed / f"{name}.parquet"
    return sha256_file(path) if path.is_file() else None
