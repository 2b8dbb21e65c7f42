"""The data contract (version 1): the six datasets, their columns and their rules.

Read from ``nest_eval/reference/data/contract.toml``, with the vocabularies of the categorical
columns (:mod:`nest_eval.reference.codings`). Ingest enforces these schemas, the demo generator
writes them, and the data dictionary (``docs/data-dictionary.md``,
:mod:`nest_eval.ingest.dictionary`) is generated from them, so the three cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nest_eval.reference.loader import read_data

__all__ = [
    "CONTRACT_VERSION",
    "DATASETS",
    "DATASET_NAMES",
    "DATE_ORDER_RULES",
    "EXPERIENCE_ITEMS",
    "KINDS",
    "NEST_EXPERIENCE_ITEMS",
    "Column",
    "Dataset",
    "dataset_for_file",
    "normalise_column_name",
]

KINDS = (
    "id",  # pseudonymous identifier (text; refused if it looks like a real NHS number)
    "text",  # free text kept as given
    "comment",  # free text that is never published
    "rpb",  # resolves through the alias table to a canonical RPB
    "element",  # resolves to a NEST element key
    "measure",  # resolves to a measures catalogue key
    "category",  # a value of the column's vocabulary (any of its codings)
    "int",  # whole number within [minimum, maximum]
    "number",  # real number within [minimum, maximum]
    "half_point",  # number within range in steps of 0.5 (journey ratings)
    "score",  # outcome score, range from the measure's catalogue entry
    "rate",  # proportion 0–1, or a percentage 0–100 read as such and recorded
    "date",  # ISO or UK day-first date, or an Excel date cell
    "yes_no",  # a coding of the yes_no vocabulary, read as true or false; blank = unknown
    "year",  # a calendar year
)
"""Column kinds understood by ingest."""


@dataclass(frozen=True)
class Column:
    """One column of a dataset.

    Attributes
    ----------
    name : str
        Contract name (lower case with underscores).
    kind : str
        How values are parsed and checked; one of ``KINDS``.
    required : bool
        The column must be present in every file, and every row must give a value.
    description : str
        Plain-language meaning, for the data dictionary.
    minimum, maximum : float or None
        Inclusive range for numeric kinds.
    vocabulary : str or None
        For ``category`` and ``yes_no`` columns, the vocabulary of their values
        (:data:`nest_eval.reference.codings.VOCABULARIES`).
    default : str or None
        Value used when the cell is blank (recorded as the contract's default, not as a
        coercion of a given value).
    published : bool
        False for free text that the pipeline never publishes.
    """

    name: str
    kind: str
    required: bool = False
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    vocabulary: str | None = None
    default: str | None = None
    published: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if (self.kind in ("category", "yes_no")) != (self.vocabulary is not None):
            raise ValueError(f"column {self.name!r}: a vocabulary goes with kinds category, yes_no")


@dataclass(frozen=True)
class Dataset:
    """One dataset of the contract.

    Attributes
    ----------
    name : str
        Dataset name; a file belongs to it when the file name starts with it.
    description : str
        What one row is.
    columns : tuple of Column
        Contract columns. Other columns are kept and passed through as text.
    key : tuple of str
        Columns that identify a row: two accepted rows with the same key and different values
        are a conflicting duplicate, and both are quarantined. Empty when rows have no key.
    key_when : tuple of (str, str) or None
        Restricts the key check to rows where a column has a value (e.g. region-level
        self-assessment rows only).
    at_least_one_of : tuple of str
        Columns of which each row must give at least one value.
    dated_by : str or None
        The date column that places a row in time (a run leaves out rows dated after its
        census date); None for datasets of years.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    key_when: tuple[str, str] | None = None
    at_least_one_of: tuple[str, ...] = ()
    dated_by: str | None = None

    def __post_init__(self) -> None:
        if self.dated_by is not None and self.column(self.dated_by).kind != "date":
            raise ValueError(f"dataset {self.name!r}: dated_by {self.dated_by!r} is not a date")

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Names of the columns every file must have."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The contract column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _column(spec: dict[str, Any]) -> Column:
    return Column(
        spec["name"],
        spec["kind"],
        spec.get("required", False),
        spec.get("description", ""),
        spec.get("minimum"),
        spec.get("maximum"),
        spec.get("vocabulary", "yes_no" if spec["kind"] == "yes_no" else None),
        spec.get("default"),
        spec.get("published", True),
    )


def _dataset(name: str, spec: dict[str, Any]) -> Dataset:
    key_when = spec.get("key_when")
    return Dataset(
        name,
        spec["description"],
        tuple(_column(c) for c in spec["columns"]),
        tuple(spec.get("key", ())),
        (key_when["column"], key_when["value"]) if key_when else None,
        tuple(spec.get("at_least_one_of", ())),
        spec.get("dated_by"),
    )


_CONTRACT = read_data("contract.toml")

CONTRACT_VERSION: int = _CONTRACT["version"]
"""Version of the data contract."""

DATASETS: tuple[Dataset, ...] = tuple(
    _dataset(name, spec) for name, spec in _CONTRACT["datasets"].items()
)
"""The six datasets of the contract, in the order reports use."""

DATASET_NAMES: tuple[str, ...] = tuple(d.name for d in DATASETS)

DATE_ORDER_RULES: tuple[tuple[str, str, str], ...] = tuple(
    (rule["dataset"], rule["later"], rule["earlier"]) for rule in _CONTRACT["date_order"]
)
"""Date-order rules: (dataset, later column, earlier column)."""

EXPERIENCE_ITEMS: tuple[str, ...] = tuple(_CONTRACT["experience_items"]["items"])
"""The experience survey's items (columns of the experiences dataset, 1–5 agreement)."""

NEST_EXPERIENCE_ITEMS: tuple[str, ...] = tuple(_CONTRACT["experience_items"]["nest_qualities"])
"""The four NEST qualities among the items: the NEST experience index is their mean."""


def normalise_column_name(name: object) -> str:
    """Fold a column header to its contract spelling.

    Case-insensitive, surrounding spaces ignored, spaces, hyphens and underscores alike.

    >>> normalise_column_name(" Person ID ")
    'person_id'
    >>> normalise_column_name("first-support date")
    'first_support_date'
    """
    text = str(name).strip().lstrip("\ufeff").lower()
    return re.sub(r"[\s\-_]+", "_", text).strip("_")


def dataset_for_file(file_name: str) -> Dataset | None:
    """The dataset a file belongs to: the one whose name starts the file's name.

    Matching is case-insensitive and treats spaces and hyphens as underscores; the longest
    matching dataset name wins.

    >>> dataset_for_file("outcomes_2025_gwent.xlsx").name
    'outcomes'
    >>> dataset_for_file("notes.txt") is None
    True
    """
    stem = normalise_column_name(file_name)
    matches = [d for d in DATASETS if stem.startswith(d.name)]
    return max(matches, key=lambda d: len(d.name)) if matches else None
