"""Planted problems: realistic bad rows inserted into the default demo data.

The ``default`` and ``small-rpb`` scales add a handful of realistic bad rows (out-of-range
score, unknown RPB, impossible date, missing required value, support before the request, a
training rating of 7, a survey response with no item answered, a conflicting self-assessment
duplicate) and one exact duplicate row. Each is a copy of a clean row with one rule broken,
listed in ``truth.json`` under ``planted_problems`` with its file, row number (the header is
row 1), column, value and rule. Every truth figure is computed from the clean rows only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from nest_eval.demo.categories import category
from nest_eval.demo.model import PARAMETERS
from nest_eval.demo.text import rating_text
from nest_eval.reference import contract, vocabulary

__all__ = ["CONFLICT", "Plant", "insert_problems", "plant_problems"]

_GIVEN = PARAMETERS["problems"]["conflict"]
CONFLICT: tuple[int, str, str] = (_GIVEN["year"], _GIVEN["rpb"], _GIVEN["element"])
"""The (cycle, RPB, element) given a conflicting second region-level row."""

_ID_COLUMN = {
    "outcomes": "person_id",
    "experiences": "response_id",
    "access": "request_id",
    "training": "learner_id",
}

Frames = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Plant:
    """One row to insert into a dataset, before clean row ``before``.

    Attributes
    ----------
    dataset : str
        Dataset of the contract.
    before : int
        Position of the clean row the planted row goes before.
    row : Mapping of str to str
        The row as written.
    column, rule, description : str
        The column at fault (blank for an exact duplicate), the rule broken and a description.
    expected : str
        What ingest should do with it: ``quarantined`` or ``collapsed``.
    related_clean_row : int or None
        Position of the clean row it duplicates, if any.
    """

    dataset: str
    before: int
    row: Mapping[str, str]
    column: str
    rule: str
    description: str
    expected: str = "quarantined"
    related_clean_row: int | None = None


@dataclass(frozen=True)
class _BadRow:
    """A clean row matching ``where`` to copy under a fresh identifier, with one rule broken."""

    dataset: str
    where: Callable[[pd.DataFrame], pd.Series]
    column: str
    rule: str
    description: str
    change: Mapping[str, str] | Callable[[dict[str, str]], dict[str, str]]


def _fresh_id(rng: np.random.Generator, frame: pd.DataFrame, column: str, like: str) -> str:
    """A new identifier shaped like ``like`` that is not yet used in ``frame[column]``."""
    used = set(frame[column])
    digits = len(like) - 1
    while True:
        candidate = f"{like[0]}{int(rng.integers(16**digits)):0{digits}x}"
        if candidate not in used:
            return candidate


def _copy(rng: np.random.Generator, frame: pd.DataFrame, where: Any) -> tuple[int, dict[str, str]]:
    """One of the rows matching ``where``: its position and a copy of it."""
    rows = np.flatnonzero(np.asarray(where))
    source = int(rows[int(rng.integers(len(rows)))])
    return source, dict(frame.iloc[source])


def _bad_row(spec: _BadRow, rng: np.random.Generator, frames: Frames) -> Plant:
    """Plant a copy of a clean row under a fresh identifier, with one rule broken."""
    frame = frames[spec.dataset]
    _, row = _copy(rng, frame, spec.where(frame))
    key = _ID_COLUMN[spec.dataset]
    row[key] = _fresh_id(rng, frame, key, row[key])
    row.update(spec.change(row) if callable(spec.change) else spec.change)
    before = int(rng.integers(1, len(frame)))
    return Plant(spec.dataset, before, row, spec.column, spec.rule, spec.description)


def _exact_duplicate(rng: np.random.Generator, frames: Frames) -> Plant:
    """Plant an exact copy of an outcomes row after it (a re-sent record)."""
    frame = frames["outcomes"]
    source, row = _copy(rng, frame, frame["measure"].ne(""))
    return Plant(
        "outcomes",
        int(rng.integers(source + 1, len(frame) + 1)),
        row,
        "",
        "exact_duplicate",
        "exact copy of another row (re-sent record): collapsed and counted, not quarantined",
        expected="collapsed",
        related_clean_row=source,
    )


def _conflicting_duplicate(rng: np.random.Generator, frames: Frames) -> Plant:
    """Plant a second region-level row with a different rating, right after the first.

    In 2025, so that both rows are quarantined and the 2024 figures stay untouched.
    """
    sa = frames["self_assessment"]
    year, rpb, element = CONFLICT
    target = (
        sa["year"].eq(str(year))
        & sa["level"].eq(category("self_assessment", "level", "region"))
        & sa["rpb"].map(vocabulary.resolve_rpb).eq(rpb)
        & sa["element"].map(vocabulary.resolve_element).eq(element)
    )
    source, row = _copy(rng, sa, target)
    row.update(
        rating=rating_text(float(row["rating"]) - 1),
        evidence="Rating revised after the regional workshop.",
    )
    return Plant(
        "self_assessment",
        source + 1,
        row,
        "rating",
        "conflicting_duplicate",
        f"second region-level row for {rpb}, {year}, {element} with a different rating: "
        "both rows are quarantined",
        related_clean_row=source,
    )


def _support_before_request(row: dict[str, str]) -> dict[str, str]:
    received = np.datetime64(row["received_date"])
    return {"first_support_date": str(received - np.timedelta64(12, "D"))}


_SDQ = category("outcomes", "measure", "SDQ_TOTAL")
_SUPPORTED = category("access", "outcome", "supported")

# The planted rows, in the order they are drawn from the problems' random stream.
_PLANTERS: tuple[Callable[[np.random.Generator, Frames], Plant], ...] = (
    partial(_bad_row, _BadRow(
        "outcomes", lambda f: f["measure"].eq(_SDQ), "score", "out_of_range",
        f"{_SDQ} score 44 is outside 0–40", {"score": "44"},
    )),
    partial(_bad_row, _BadRow(
        "outcomes", lambda f: f["measure"].ne(""), "measure", "missing_required",
        "required measure is blank", {"measure": ""},
    )),
    _exact_duplicate,
    partial(_bad_row, _BadRow(
        "experiences", lambda f: f["date"].str.contains("2025"), "date", "bad_date",
        "31 February does not exist", {"date": "31/02/2025"},
    )),
    partial(_bad_row, _BadRow(
        "experiences", lambda f: f["language"].ne(""), "nurturing", "no_item_answered",
        "no experience item answered",
        {**{item: "" for item in contract.EXPERIENCE_ITEMS}, "comment": ""},
    )),
    partial(_bad_row, _BadRow(
        "access", lambda f: f["rpb"].ne(""), "rpb", "unknown_rpb",
        "Atlantis is not an RPB, health board or local authority", {"rpb": "Atlantis"},
    )),
    partial(_bad_row, _BadRow(
        "access",
        lambda f: f["outcome"].eq(_SUPPORTED) & f["received_date"].str.contains("-"),
        "first_support_date", "date_order", "first_support_date is 12 days before received_date",
        _support_before_request,
    )),
    partial(_bad_row, _BadRow(
        "training", lambda f: f["rating"].ne("") & f["enrolled_date"].str.contains("2025"),
        "rating", "out_of_range", "rating 7 is outside 1–5", {"rating": "7"},
    )),
    _conflicting_duplicate,
)  # fmt: skip


def plant_problems(rng: np.random.Generator, frames: Frames) -> list[Plant]:
    """The realistic bad rows planted into the default data (each a copy of a clean row).

    Parameters
    ----------
    rng : numpy.random.Generator
        The problems' random stream.
    frames : Mapping of str to pandas.DataFrame
        The clean datasets as written.

    Returns
    -------
    list of Plant
        The rows to insert, by :func:`insert_problems`.
    """
    return [plant(rng, frames) for plant in _PLANTERS]


def insert_problems(frames: dict[str, pd.DataFrame], plants: list[Plant]) -> list[dict[str, Any]]:
    """Insert the planted rows into the frames; describe each with its row number in the file.

    Parameters
    ----------
    frames : dict of str to pandas.DataFrame
        The clean datasets, replaced in place by the datasets with the planted rows.
    plants : list of Plant
        The rows to insert.

    Returns
    -------
    list of dict
        One record per planted row (and one for the original of a conflicting duplicate), by
        dataset and row: file, row, column, value, rule, description, expected, related row.
        Row numbers count the header as row 1, so the first data row is row 2.
    """
    records: list[dict[str, Any]] = []
    for name in list(frames):
        mine = [p for p in plants if p.dataset == name]
        if not mine:
            continue
        clean = frames[name]
        key = np.concatenate([np.arange(len(clean)) * 2 + 1, [2 * p.before for p in mine]])
        extra = pd.DataFrame([dict(p.row) for p in mine], columns=clean.columns, dtype=object)
        combined = pd.concat([clean, extra], ignore_index=True)
        order = np.argsort(key, kind="stable")
        rank = np.empty(len(order), dtype=int)
        rank[order] = np.arange(len(order))
        frames[name] = combined.iloc[order].reset_index(drop=True)
        for k, plant in enumerate(mine):
            records += _records(name, plant, int(rank[len(clean) + k]) + 2, rank, clean)
    return sorted(records, key=lambda r: (r["dataset"], r["row"]))


def _records(
    name: str, plant: Plant, row: int, rank: np.ndarray, clean: pd.DataFrame
) -> list[dict[str, Any]]:
    """The truth records of one planted row at file row ``row``."""
    record = {
        "dataset": name,
        "file": f"{name}.csv",
        "row": row,
        "column": plant.column,
        "value": plant.row.get(plant.column, ""),
        "rule": plant.rule,
        "description": plant.description,
        "expected": plant.expected,
    }
    if plant.related_clean_row is None:
        return [record]
    related = int(rank[plant.related_clean_row]) + 2
    record["related_row"] = related
    if plant.rule != "conflicting_duplicate":
        return [record]
    original = {
        **record,
        "row": related,
        "related_row": row,
        "value": clean.iloc[plant.related_clean_row][plant.column],
        "description": "original row of the conflicting duplicate at row "
        f"{row}: both rows are quarantined",
    }
    return [original, record]
