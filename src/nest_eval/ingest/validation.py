"""Validation of raw rows against the data contract: parse every value, name every problem.

Each contract column is parsed by its kind (see :mod:`nest_eval.reference.contract`). A value
that breaks a
rule is never coerced: the row is marked with a *problem* naming the column, the value as
given and the rule, and ingest quarantines it. Values are only ever *resolved* (an alias to its
canonical RPB, a Welsh label to its element key, a percentage vacancy rate to a proportion, a
raw SWEMWBS total to its metric score), and every such resolution is kept or recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nest_eval.ingest.identifiers import WITHHELD, looks_like_nhs_number
from nest_eval.reference import measures as _measures
from nest_eval.reference import vocabulary
from nest_eval.reference.contract import DATE_ORDER_RULES, Column, Dataset
from nest_eval.reference.overrides import DEFAULT_REFERENCE, Reference

__all__ = ["RULES", "ParsedRows", "parse_rows"]

RULES: dict[str, str] = {
    "missing_required": "a value is required",
    "unknown_rpb": "not an RPB, health board or local authority of the alias table",
    "unknown_element": "not a NEST core element or foundation (key, English or Welsh label)",
    "unknown_measure": "not a measure of the catalogue (key, English or Welsh label)",
    "not_allowed": "not one of the allowed values",
    "not_a_number": "not a number",
    "not_whole_number": "must be a whole number",
    "not_half_point": "journey ratings are whole or half points",
    "out_of_range": "outside the allowed range",
    "bad_date": "not a date (YYYY-MM-DD or DD/MM/YYYY)",
    "bad_yes_no": "not yes/no (yes/no, y/n, true/false, 1/0, ie/na)",
    "nhs_number": "looks like a real NHS number: pseudonymous identifiers only",
    "date_order": "date is before the date it must follow",
    "no_item_answered": "no survey item answered",
    "missing_project": "project-level rows must name the project",
    "conflicting_duplicate": "same identity as another row with different values",
    "ragged_row": "the row has more fields than the header",
    "short_row": "the row has fewer fields than the header",
    "unclosed_quote": "a quote is not closed where the cell should end (it would swallow rows)",
    "text_after_quote": "text follows the closing quote of a cell",
    "uncalculated_formula": "a spreadsheet formula with no calculated value saved",
    "error_cell": "the cell holds a spreadsheet error (#DIV/0!, #REF!, ...)",
}
"""Every rule a row can break, with its plain-language meaning."""

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class ParsedRows:
    """The outcome of parsing one dataset's rows.

    Attributes
    ----------
    values : pandas.DataFrame
        Parsed, typed values, one row per input row (same index), contract columns first, then
        extra columns as text.
    problems : pandas.DataFrame
        One row per problem: ``rid`` (the row's index), ``column``, ``value`` (as given),
        ``rule`` and ``message``.
    notes : list of str
        Resolutions worth reporting (e.g. vacancy rates given as percentages).
    """

    values: pd.DataFrame
    problems: pd.DataFrame
    notes: list[str]


class _Problems:
    """Collects problems as small frames and joins them once."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, column: str, given: pd.Series, rule: str, message: str) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        self._parts.append(
            pd.DataFrame(
                {
                    "rid": given.index[mask.to_numpy()],
                    "column": column,
                    "value": given[mask].astype(str).to_numpy(),
                    "rule": rule,
                    "message": message,
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame(
                {
                    "rid": pd.Series(dtype="int64"),
                    "column": pd.Series(dtype=object),
                    "value": pd.Series(dtype=object),
                    "rule": pd.Series(dtype=object),
                    "message": pd.Series(dtype=object),
                }
            )
        return pd.concat(self._parts, ignore_index=True)


def _resolver(resolve: Callable[[str], str], given: pd.Series, blank: pd.Series) -> pd.Series:
    """Resolve the distinct non-blank values once; unknown names map to NA."""
    mapping: dict[str, object] = {}
    for value in pd.unique(given[~blank]):
        try:
            mapping[value] = resolve(value)
        except (vocabulary.UnknownNameError, ValueError):
            mapping[value] = pd.NA
    return given.map(mapping).astype("string")


def _to_number(given: pd.Series, blank: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from text (``,`` thousands separators and a leading ``£`` allowed)."""
    cleaned = given.str.replace(r"^£", "", regex=True).str.replace(",", "", regex=False)
    number = pd.to_numeric(cleaned.where(~blank), errors="coerce")
    finite = np.isfinite(number.to_numpy(dtype=float, na_value=np.nan))
    bad = ~blank & ~pd.Series(finite, index=given.index)
    return number.where(~bad), bad


def _range_text(col: Column) -> str:
    low = "" if col.minimum is None else f"{col.minimum:g}"
    high = "" if col.maximum is None else f"{col.maximum:g}"
    if low and high:
        return f"must be between {low} and {high}"
    return f"must be at least {low}" if low else f"must be at most {high}"


def _out_of_range(number: pd.Series, low: object, high: object) -> pd.Series:
    bad = pd.Series(False, index=number.index)
    if low is not None:
        bad |= number < low
    if high is not None:
        bad |= number > high
    return bad.fillna(False)


def _check_range(number: pd.Series, col: Column, given: pd.Series, problems: _Problems) -> None:
    """Record an ``out_of_range`` problem for every value outside the column's range."""
    problems.add(
        _out_of_range(number, col.minimum, col.maximum),
        col.name,
        given,
        "out_of_range",
        _range_text(col),
    )


def _parse_dates(given: pd.Series, blank: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse ISO and UK day-first dates; returns (dates, malformed mask, impossible mask)."""
    iso = given.str.extract(_ISO)
    uk = given.str.extract(_UK)
    year = iso[0].fillna(uk[2])
    month = iso[1].fillna(uk[1])
    day = iso[2].fillna(uk[0])
    shaped = year.notna() & ~blank
    malformed = ~blank & ~shaped
    parts = pd.DataFrame(
        {
            "year": pd.to_numeric(year.where(shaped)).astype("float64"),
            "month": pd.to_numeric(month.where(shaped)).astype("float64"),
            "day": pd.to_numeric(day.where(shaped)).astype("float64"),
        }
    )
    dates = pd.to_datetime(parts, errors="coerce")
    impossible = shaped & dates.isna()
    return dates, malformed, impossible


def parse_rows(
    dataset: Dataset,
    raw: pd.DataFrame,
    reference: Reference = DEFAULT_REFERENCE,
) -> ParsedRows:
    """Parse and check every value of a dataset's rows.

    Parameters
    ----------
    dataset : Dataset
        The contract dataset.
    raw : pandas.DataFrame
        Text cells with contract column names (already normalised); extra columns allowed.
        Required columns must be present (ingest checks this per file).
    reference : Reference
        The vocabularies resolving categorical values, and the measures catalogue giving score
        ranges (default: the package's).

    Returns
    -------
    ParsedRows
        Typed values, problems (one per broken rule) and notes.
    """
    problems = _Problems()
    notes: list[str] = []
    out: dict[str, pd.Series] = {}
    text = raw.astype("string").fillna("")
    stripped = text.apply(lambda s: s.str.strip())

    for col in dataset.columns:
        if col.name in stripped:
            given = stripped[col.name]
        elif col.default is not None:  # an absent column takes the contract's default
            given = pd.Series(col.default, index=stripped.index, dtype="string")
        else:
            continue
        blank = given == ""
        if col.default is not None:
            given = given.mask(blank, col.default)
            blank = given == ""
        if col.required:
            problems.add(blank, col.name, given, "missing_required", "a value is required")
        given, blank = _refuse_nhs_numbers(col, given, blank, problems)
        parsed = _parse_column(col, given, blank, problems, notes, reference)
        if isinstance(parsed, dict):
            out.update(parsed)
        else:
            out[col.name] = parsed

    if dataset.name == "outcomes" and {"measure", "score"} <= set(out):
        _check_scores(stripped, out, problems, notes, reference.catalogue)
    _check_cross_column(dataset, stripped, out, problems)

    values = pd.DataFrame(out, index=raw.index)
    for name in raw.columns:
        if name not in values:
            values[name] = text[name]
    return ParsedRows(values, problems.frame(), notes)


def _refuse_nhs_numbers(
    col: Column, given: pd.Series, blank: pd.Series, problems: _Problems
) -> tuple[pd.Series, pd.Series]:
    """Refuse the values of a column, of any kind, that look like real NHS numbers.

    Each is a ``nhs_number`` problem with the value withheld, then read as blank so that no
    other rule reports it. Returns the values and the blank mask.
    """
    nhs = looks_like_nhs_number(given) & ~blank
    if not nhs.any():
        return given, blank
    problems.add(nhs, col.name, given.mask(nhs, WITHHELD), "nhs_number", RULES["nhs_number"])
    return given.mask(nhs, ""), blank | nhs


def _parse_category(
    col: Column, given: pd.Series, blank: pd.Series, problems: _Problems, reference: Reference
) -> pd.Series:
    """Canonical values of a ``category`` or ``yes_no`` column (``yes_no`` read as booleans)."""
    vocab = reference.vocabularies[col.vocabulary or ""]
    resolved = vocab.resolve_series(given.mask(blank, pd.NA))
    unknown = resolved.isna() & ~blank
    if col.kind == "yes_no":
        problems.add(unknown, col.name, given, "bad_yes_no", RULES["bad_yes_no"])
        return resolved.map({"yes": True, "no": False}, na_action="ignore").astype("boolean")
    problems.add(
        unknown, col.name, given, "not_allowed", f"must be one of {', '.join(vocab.values)}"
    )
    return resolved


def _parse_column(
    col: Column,
    given: pd.Series,
    blank: pd.Series,
    problems: _Problems,
    notes: list[str],
    reference: Reference,
) -> pd.Series | dict[str, pd.Series]:
    kind = col.kind
    if kind in ("text", "comment", "id"):
        return given.mask(blank, pd.NA).astype("string")
    if kind in ("rpb", "element", "measure"):
        resolve = {
            "rpb": vocabulary.resolve_rpb,
            "element": vocabulary.resolve_element,
            "measure": _measures.resolve_measure,
        }[kind]
        resolved = _resolver(resolve, given, blank)
        problems.add(
            resolved.isna() & ~blank, col.name, given, f"unknown_{kind}", RULES[f"unknown_{kind}"]
        )
        return resolved
    if kind in ("category", "yes_no"):
        return _parse_category(col, given, blank, problems, reference)
    if kind == "date":
        dates, malformed, impossible = _parse_dates(given, blank)
        problems.add(malformed, col.name, given, "bad_date", RULES["bad_date"])
        problems.add(impossible, col.name, given, "bad_date", "no such calendar date")
        return dates
    # numeric kinds
    number, not_number = _to_number(given, blank)
    problems.add(not_number, col.name, given, "not_a_number", RULES["not_a_number"])
    if kind == "score":  # range depends on the measure: checked in _check_scores
        return number.astype("float64")
    if kind in ("int", "year"):
        fractional = number.notna() & (number != np.floor(number))
        problems.add(fractional, col.name, given, "not_whole_number", RULES["not_whole_number"])
        _check_range(number, col, given, problems)
        return number.where(~fractional).round().astype("Int64")
    if kind == "half_point":
        problems.add(
            number.notna() & (number * 2 != np.floor(number * 2)),
            col.name,
            given,
            "not_half_point",
            "journey ratings are 1–4 in whole or half points",
        )
        _check_range(number, col, given, problems)
        return number.astype("float64")
    if kind == "rate":
        as_percent = (number > 1) & (number <= 100)
        problems.add(
            (number < 0) | (number > 100),
            col.name,
            given,
            "out_of_range",
            "must be a proportion 0–1 or a percentage 0–100",
        )
        if as_percent.any():
            notes.append(
                f"{int(as_percent.sum())} value(s) of {col.name} given as percentages "
                f"(1–100) were read as such and divided by 100; recorded in "
                f"{col.name}_given_as_percent"
            )
        rate = number.where(~as_percent, number / 100).astype("float64")
        flag = as_percent.astype("boolean").mask(number.isna(), pd.NA)
        return {col.name: rate, f"{col.name}_given_as_percent": flag}
    # kind == "number"
    _check_range(number, col, given, problems)
    return number.astype("float64")


def _check_scores(
    given: pd.DataFrame,
    out: dict[str, pd.Series],
    problems: _Problems,
    notes: list[str],
    catalogue: _measures.Catalogue,
) -> None:
    """Check each score against its measure's range; convert raw SWEMWBS totals."""
    measure, score = out["measure"], out["score"]
    score_given = given["score"]
    raw_scores = pd.Series(np.nan, index=score.index, dtype="float64")
    for code in pd.unique(measure.dropna()):
        rows = (measure == code).fillna(False)
        if code in _measures.RAW_INPUT_CODES:
            spec = _measures.RAW_INPUT_CODES[code]
            values = score[rows]
            whole = values.notna() & (values == np.floor(values))
            in_range = whole & (values >= spec.raw_min) & (values <= spec.raw_max)
            problems.add(
                rows & score.notna() & ~in_range.reindex(score.index, fill_value=False),
                "score",
                score_given,
                "out_of_range",
                f"{code} raw totals are whole numbers {spec.raw_min}–{spec.raw_max}",
            )
            convertible = in_range[in_range].index
            raw_scores[convertible] = values[convertible]
            score[convertible] = spec.convert(values[convertible].astype(int)).to_numpy()
            measure[rows] = spec.measure
            if len(convertible):
                notes.append(
                    f"{len(convertible)} {code} raw total(s) converted to {spec.measure} metric "
                    "scores with the published table; raw values kept in score_raw"
                )
            continue
        entry = catalogue[code]
        values = score[rows]
        bad = (values < entry.score_min) | (values > entry.score_max)
        problems.add(
            bad.reindex(score.index, fill_value=False),
            "score",
            score_given,
            "out_of_range",
            f"{code} scores must be between {entry.score_min:g} and {entry.score_max:g}",
        )
        if entry.integer_scores:
            fractional = values.notna() & (values != np.floor(values))
            problems.add(
                fractional.reindex(score.index, fill_value=False),
                "score",
                score_given,
                "not_whole_number",
                f"{code} scores are whole numbers",
            )
    out["score_raw"] = raw_scores


def _check_cross_column(
    dataset: Dataset, given: pd.DataFrame, out: dict[str, pd.Series], problems: _Problems
) -> None:
    for name, later, earlier in DATE_ORDER_RULES:
        if name == dataset.name and later in out and earlier in out:
            before = (out[later] < out[earlier]).fillna(False)
            problems.add(before, later, given[later], "date_order", f"{later} is before {earlier}")
    if dataset.at_least_one_of:
        present = [c for c in dataset.at_least_one_of if c in given]
        none_answered = (given[present] == "").all(axis=1) if present else None
        if none_answered is not None:
            problems.add(
                none_answered,
                ",".join(present) if present else "",
                pd.Series("", index=given.index),
                "no_item_answered",
                RULES["no_item_answered"],
            )
    if dataset.name == "self_assessment" and "level" in out:
        project = out.get("project", pd.Series(pd.NA, index=given.index, dtype="string"))
        missing = (out["level"] == "project").fillna(False) & project.isna()
        problems.add(
            missing,
            "project",
            pd.Series("", index=given.index),
            "missing_project",
            RULES["missing_project"],
        )
