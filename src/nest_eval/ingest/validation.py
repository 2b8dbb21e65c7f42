"""Validation of raw rows against the data contract: parse every value, name every problem.

Each contract column is parsed by its kind (see :mod:`nest_eval.reference.contract`). A value
that breaks a rule is never coerced: the row is marked with a *problem* naming the column, the
value as given and the rule, and ingest quarantines it. Values are only ever *resolved* (an
alias to its canonical RPB, a Welsh label to its element key, a coding to its canonical value,
a percentage vacancy rate to a proportion, a raw SWEMWBS total to its metric score), and every
such resolution is kept or recorded.

Values are read in their file's locale (:mod:`nest_eval.reference.reading`): the cells it reads
as missing (``NA``), its decimal mark and thousands separator (:mod:`nest_eval.ingest.numbers`)
and the order of day and month of its dates (:mod:`nest_eval.ingest.dates`). What was read how
is counted in :attr:`ParsedRows.readings`: the codings applied, the cells read as missing, the
numbers read with separators, the order of each file's dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nest_eval.ingest import dates as _dates
from nest_eval.ingest.identifiers import WITHHELD, looks_like_nhs_number
from nest_eval.ingest.numbers import NUMBER_RULES, read_number
from nest_eval.reference import measures as _measures
from nest_eval.reference import vocabulary
from nest_eval.reference.codings import fold_series
from nest_eval.reference.contract import DATE_ORDER_RULES, Column, Dataset
from nest_eval.reference.distinct import per_distinct
from nest_eval.reference.overrides import DEFAULT_REFERENCE, Reference
from nest_eval.reference.reading import Locale

__all__ = ["READINGS", "RULES", "ParsedRows", "parse_rows"]

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
    "decimal_comma": "a comma as the decimal mark (1,5): read only in a file declared "
    'decimal = ","',
    "ambiguous_separator": "1,234 or 1.234: a thousands separator or a decimal mark? read only "
    "when the file's separator or decimal mark is declared",
    "ambiguous_rate": "a rate of exactly 1: 100% as a proportion or 1% as a percentage? write "
    "100% or 1%",
    "bad_date": "not a date (YYYY-MM-DD, or DD/MM/YYYY; MM/DD/YYYY in a month-first file)",
    "mixed_date_order": "day and month the other way round from the order the file is read in",
    "ambiguous_date": "day and month could be either way round in a file with dates written "
    "both ways: declare the file's order",
    "implausible_date": "outside the window of plausible dates",
    "bad_yes_no": "not yes/no (yes/no, y/n, true/false, 1/0, ie/na and the Welsh answers of the "
    "yes_no vocabulary)",
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

READINGS: dict[str, str] = {
    "codings": "values read as a canonical value of their vocabulary: column, from, to, count, "
    "source (contract or evaluator)",
    "missing": "cells read as missing (NA as R and SPSS write it): column, value, count",
    "numbers": "numbers not written plainly: column, reading (thousands_separator, "
    "decimal_comma, decimal_point), count, example",
    "dates": "the order each file's dates written with slashes are read in: file, order, how "
    "(declared, detected, default, mixed), counts",
}
"""What :attr:`ParsedRows.readings` counts, by key."""


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
        Resolutions worth reporting (e.g. vacancy rates given as percentages), in words.
    readings : dict of str to list of dict
        What was read how, counted (:data:`READINGS`), for the accounting.
    """

    values: pd.DataFrame
    problems: pd.DataFrame
    notes: list[str]
    readings: dict[str, list[dict[str, object]]] = field(default_factory=dict)


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


@dataclass
class _Context:
    """What parsing one dataset's rows needs and collects.

    Attributes
    ----------
    reference : Reference
        The reference data in use.
    files : pandas.Series
        The file (or worksheet) each row comes from.
    locales : dict of str to Locale
        The locale of each file.
    problems : _Problems
        The problems found.
    notes : list of str
        Resolutions worth reporting, in words.
    readings : dict of str to list of dict
        What was read how, counted (:data:`READINGS`).
    """

    reference: Reference
    files: pd.Series
    locales: dict[str, Locale]
    problems: _Problems = field(default_factory=_Problems)
    notes: list[str] = field(default_factory=list)
    readings: dict[str, list[dict[str, object]]] = field(
        default_factory=lambda: {key: [] for key in READINGS}
    )
    orders: dict[str, _dates.FileOrder] = field(default_factory=dict)
    date_parts: dict[str, tuple[pd.Series, pd.DataFrame]] = field(default_factory=dict)
    """Each date column's values and their :func:`~nest_eval.ingest.dates.date_parts`."""
    _groups: list[tuple[Locale, pd.Series]] | None = None

    def groups(self) -> Iterator[tuple[Locale, pd.Series]]:
        """Each locale in use, with the rows of the files written in it."""
        if self._groups is None:
            by_locale: dict[Locale, list[str]] = {}
            for source, locale in self.locales.items():
                by_locale.setdefault(locale, []).append(source)
            self._groups = [
                (locale, self.files.isin(sources)) for locale, sources in by_locale.items()
            ]
        yield from self._groups

    def parts(self, column: str, given: pd.Series) -> pd.DataFrame:
        """The :func:`~nest_eval.ingest.dates.date_parts` of a column's values, read once."""
        known = self.date_parts.get(column)
        if known is None or not known[0].equals(given):
            known = given, _dates.date_parts(given)
            self.date_parts[column] = known
        return known[1]


def _resolver(resolve: Callable[[str], str], given: pd.Series, blank: pd.Series) -> pd.Series:
    """Resolve the distinct non-blank values once; unknown names (and blanks) map to NA."""

    def each(values: pd.Series) -> pd.Series:
        resolved: list[object] = []
        for value in values:
            try:
                resolved.append(pd.NA if pd.isna(value) else resolve(value))
            except (vocabulary.UnknownNameError, ValueError):
                resolved.append(pd.NA)
        return pd.Series(resolved, dtype="string")

    return per_distinct(given.mask(blank, pd.NA).astype("string"), each)


_NUMBER_MESSAGES = {
    "not_a_number": RULES["not_a_number"],
    "decimal_comma": "a comma as the decimal mark: never read as a whole number; declare the "
    'file\'s locale ([locale] decimal = ",") to read it as a decimal',
    "ambiguous_separator": "a thousands separator or a decimal mark? declare the file's locale "
    '([locale] thousands = "," or decimal = ",") to read it',
}

_NUMBER_READINGS = {
    "thousands_separator": "read with thousands separators",
    "decimal_comma": "read with a decimal comma, as the file's locale declares",
    "decimal_point": "read with a decimal point in a file declared to use a decimal comma",
}


def _to_number(
    col: Column, text: pd.Series, blank: pd.Series, ctx: _Context, shown: pd.Series | None = None
) -> tuple[pd.Series, pd.Series]:
    """Numbers from text in each file's locale; returns (numbers, mask of values not read).

    Every value not read is a problem of its rule (:data:`~nest_eval.ingest.numbers.
    NUMBER_RULES`), shown as ``shown`` (default ``text``); every value read other than
    plainly is counted.
    """
    shown = text if shown is None else shown
    values = np.full(len(text), np.nan)
    rules = np.zeros(len(text), dtype="int8")  # 0: read; i: NUMBER_RULES[i - 1]
    hows = np.zeros(len(text), dtype="int8")  # 0: plainly; i: _READINGS_ORDER[i - 1]
    for locale, rows in ctx.groups():
        chosen = (rows & ~blank).to_numpy(dtype=bool)
        codes, distinct = pd.factorize(text[chosen], use_na_sentinel=False)
        read = [read_number(value, locale.decimal, locale.thousands) for value in distinct]
        values[chosen] = np.array([r.value for r in read], dtype="float64")[codes]
        rules[chosen] = np.array([_code(NUMBER_RULES, r.rule) for r in read], dtype="int8")[codes]
        hows[chosen] = np.array([_code(_READINGS_ORDER, r.reading) for r in read], "int8")[codes]
    for code, key in enumerate(NUMBER_RULES, start=1):
        rule = pd.Series(rules == code, index=text.index)
        ctx.problems.add(rule, col.name, shown, key, _NUMBER_MESSAGES[key])
    _count_numbers(col, hows, shown, ctx)
    bad = pd.Series(rules > 0, index=text.index)
    number = pd.Series(values, index=text.index, dtype="float64")
    return number.where(~bad), bad


_READINGS_ORDER = tuple(sorted(_NUMBER_READINGS))
"""How numbers are read other than plainly, in the order they are counted."""


def _code(keys: tuple[str, ...], key: str | None) -> int:
    """0 for None, else the 1-based place of ``key`` in ``keys``."""
    return 0 if key is None else keys.index(key) + 1


def _count_numbers(col: Column, hows: np.ndarray, shown: pd.Series, ctx: _Context) -> None:
    """Count the numbers read other than plainly, by how, with an example of each.

    ``hows`` codes how each value was read (:data:`_READINGS_ORDER`).
    """
    for code, reading in enumerate(_READINGS_ORDER, start=1):
        rows = np.flatnonzero(hows == code)
        if not len(rows):
            continue
        count, example = len(rows), str(shown.iloc[rows[0]])
        ctx.readings["numbers"].append(
            {"column": col.name, "reading": reading, "count": count, "example": example}
        )
        ctx.notes.append(
            f"{count} value(s) of {col.name} {_NUMBER_READINGS[reading]} (e.g. {example!r})"
        )


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


def parse_rows(
    dataset: Dataset,
    raw: pd.DataFrame,
    reference: Reference = DEFAULT_REFERENCE,
    files: pd.Series | None = None,
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
        The vocabularies resolving categorical values, the measures catalogue giving score
        ranges and the files' locales and plausible dates (default: the package's).
    files : pandas.Series, optional
        The file (or worksheet, ``book.xlsx[sheet]``) each row comes from, indexed as ``raw``:
        its locale applies, and its dates are read in one order. Default: one unnamed file.

    Returns
    -------
    ParsedRows
        Typed values, problems (one per broken rule), notes and readings.
    """
    files = pd.Series("", index=raw.index) if files is None else files.astype(str)
    locales = {
        source: reference.reading.locale(dataset.name, source) for source in pd.unique(files)
    }
    ctx = _Context(reference, files, locales)
    out: dict[str, pd.Series] = {}
    text = raw.astype("string").fillna("")
    stripped = text.apply(lambda s: s.str.strip())
    read = _blank_missing(dataset, stripped, ctx)
    ctx.orders = _date_orders(dataset, read, ctx)

    for col in dataset.columns:
        if col.name in read:
            given, shown = read[col.name], stripped[col.name]
        elif col.default is not None:  # an absent column takes the contract's default
            given = shown = pd.Series(col.default, index=read.index, dtype="string")
        else:
            continue
        blank = given == ""
        if col.default is not None:
            given = given.mask(blank, col.default)
            blank = given == ""
        if col.required:
            ctx.problems.add(blank, col.name, shown, "missing_required", "a value is required")
        given, blank = _refuse_nhs_numbers(col, given, blank, ctx.problems)
        parsed = _parse_column(col, given, blank, ctx)
        if isinstance(parsed, dict):
            out.update(parsed)
        else:
            out[col.name] = parsed

    if dataset.name == "outcomes" and {"measure", "score"} <= set(out):
        _check_scores(read, out, ctx.problems, ctx.notes, reference.catalogue)
    _check_cross_column(dataset, read, out, ctx.problems)

    values = pd.DataFrame(out, index=raw.index)
    for name in raw.columns:
        if name not in values:
            values[name] = text[name]
    readings = {key: records for key, records in ctx.readings.items() if records}
    return ParsedRows(values, ctx.problems.frame(), ctx.notes, readings)


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


def _blank_missing(dataset: Dataset, stripped: pd.DataFrame, ctx: _Context) -> pd.DataFrame:
    """The contract columns' cells with each file's missing-value markers blanked, counted."""
    columns = [c.name for c in dataset.columns if c.name in stripped]
    groups = [(list(locale.missing), rows.to_numpy(dtype=bool)) for locale, rows in ctx.groups()]
    read = stripped.copy(deep=False)
    counted = []
    for column in columns:
        missing = np.zeros(len(stripped), dtype=bool)
        for markers, rows in groups:
            missing |= stripped[column].isin(markers).to_numpy(dtype=bool) & rows
        if not missing.any():
            continue
        for value, count in stripped.loc[missing, column].value_counts().items():
            record = {"column": column, "value": str(value), "count": int(count)}
            ctx.readings["missing"].append(record)
            counted.append(f"{column} {value!r} ({count})")
        read[column] = stripped[column].mask(missing, "")
    if counted:
        ctx.notes.append(
            "read as missing (as R and SPSS write a missing value; Welsh 'na' is no): "
            + ", ".join(counted)
        )
    return read


def _date_orders(
    dataset: Dataset, read: pd.DataFrame, ctx: _Context
) -> dict[str, _dates.FileOrder]:
    """The order each file's slash dates are read in, from its locale and all its dates."""
    columns = [c.name for c in dataset.columns if c.kind == "date" and c.name in read]
    if not columns:
        return {}
    files, sources = pd.factorize(ctx.files, sort=True)
    kinds = ("day_first", "month_first", "ambiguous", "slash_dates")
    per_file = np.zeros((len(kinds), len(sources)), dtype="int64")
    for column in columns:
        parts = ctx.parts(column, read[column])
        found = _dates.evidence(parts).assign(slash_dates=parts["slash"])
        for i, kind in enumerate(kinds):
            per_file[i] += np.bincount(files[found[kind].to_numpy()], minlength=len(sources))
    orders = {}
    for j, source in enumerate(sources):
        row = pd.Series(per_file[:, j], index=kinds)
        if row["slash_dates"]:
            orders[str(source)] = _dates.decide_order(
                str(source), ctx.locales[str(source)].dates, row
            )
    for order in orders.values():
        _record_order(order, ctx)
    return orders


def _record_order(order: _dates.FileOrder, ctx: _Context) -> None:
    """Count how a file's dates are read; say so in words unless day-first by evidence."""
    ctx.readings["dates"].append(
        {
            "file": order.file,
            "order": order.order,
            "how": order.how,
            "slash_dates": order.slash_dates,
            "day_first_only": order.day_first,
            "month_first_only": order.month_first,
            "either": order.ambiguous,
        }
    )
    written = "MM/DD/YYYY" if order.order == "month-first" else "DD/MM/YYYY"
    if order.how == "detected" and order.order == "month-first":
        ctx.notes.append(
            f"{order.file}: dates read month-first ({written}) as a whole: "
            f"{order.month_first} date(s) have a second number above 12 and none a first"
        )
    elif order.how == "default" and order.ambiguous:
        ctx.notes.append(
            f"{order.file}: {order.ambiguous} date(s) could be day-first or month-first and no "
            f"date of the file tells: read day-first ({written}, the default); declare the "
            "file's order ([locale] dates) if it is month-first"
        )
    elif order.how == "mixed":
        ctx.notes.append(
            f"{order.file}: dates written both day-first ({order.day_first}) and month-first "
            f"({order.month_first}): read day-first; {order.month_first} month-first date(s) "
            f"and {order.ambiguous} that could be either quarantined until the file's order is "
            "declared ([locale] dates)"
        )
    elif order.how == "declared":
        ctx.notes.append(
            f"{order.file}: dates read {order.order} ({written}) as declared"
            + (f"; {order.other_order} written the other way round quarantined"
               if order.other_order else "")
        )  # fmt: skip


def _parse_category(col: Column, given: pd.Series, blank: pd.Series, ctx: _Context) -> pd.Series:
    """Canonical values of a ``category`` or ``yes_no`` column (``yes_no`` read as booleans).

    Each distinct value is resolved, and counted when coded, once.
    """
    vocab = ctx.reference.vocabularies[col.vocabulary or ""]
    codes, distinct = pd.factorize(given.mask(blank, pd.NA).astype("string"), use_na_sentinel=False)
    values = pd.Series(distinct, dtype="string")
    canonical = vocab.resolve_series(values)
    resolved = canonical.take(codes).set_axis(given.index)
    unknown = resolved.isna() & ~blank
    _count_codings(col, values, canonical, np.bincount(codes, minlength=len(values)), ctx)
    if col.kind == "yes_no":
        ctx.problems.add(unknown, col.name, given, "bad_yes_no", RULES["bad_yes_no"])
        answers = canonical.map({"yes": True, "no": False}, na_action="ignore").astype("boolean")
        return answers.take(codes).set_axis(given.index)
    ctx.problems.add(
        unknown, col.name, given, "not_allowed", f"must be one of {', '.join(vocab.values)}"
    )
    return resolved


def _count_codings(
    col: Column, values: pd.Series, canonical: pd.Series, counts: np.ndarray, ctx: _Context
) -> None:
    """Count every value read as a canonical value it does not spell, by value and source.

    ``values`` are a column's distinct values, ``canonical`` their canonical values and
    ``counts`` the rows of each.
    """
    vocab = ctx.reference.vocabularies[col.vocabulary or ""]
    coded = (canonical.notna() & (fold_series(values) != fold_series(canonical))).to_numpy(
        dtype=bool, na_value=False
    )
    if not coded.any():
        return
    pairs = zip(values[coded], canonical[coded], counts[coded], strict=True)
    said = []
    for frm, to, count in sorted(pairs):
        source = vocab.source_of(frm)
        ctx.readings["codings"].append(
            {"column": col.name, "from": frm, "to": to, "count": int(count), "source": source}
        )
        said.append(f"{frm!r} as {to} ({count}{', evaluator' if source == 'evaluator' else ''})")
    ctx.notes.append(f"{col.name} codings read: " + ", ".join(said))


_OTHER_ORDER = {
    False: "can only be month-first (MM/DD/YYYY); the file is read day-first",
    True: "can only be day-first (DD/MM/YYYY); the file is read month-first",
}


def _parse_dates(col: Column, given: pd.Series, ctx: _Context) -> pd.Series:
    """The dates of a column, each file's slash dates read in the file's order."""
    parts = ctx.parts(col.name, given)
    month_first = _per_row(ctx, lambda o: o.order == "month-first")
    found = _dates.evidence(parts)
    other = found["day_first"].where(month_first, found["month_first"])
    either = found["ambiguous"] & _per_row(ctx, lambda o: o.quarantines_ambiguous)
    window = ctx.reference.reading.window
    dates, broken = _dates.read_dates(given, parts, month_first, window)
    add, name = ctx.problems.add, col.name
    add(broken["malformed"], name, given, "bad_date", RULES["bad_date"])
    for read_month_first, message in _OTHER_ORDER.items():
        add(other & (month_first == read_month_first), name, given, "mixed_date_order", message)
    add(either, name, given, "ambiguous_date", RULES["ambiguous_date"])
    add(broken["impossible"] & ~other, name, given, "bad_date", "no such calendar date")
    implausible = broken["implausible"] & ~other & ~either
    add(implausible, name, given, "implausible_date", f"outside the plausible dates, {window}")
    return dates.where(~(other | either))


def _per_row(ctx: _Context, test: Callable[[_dates.FileOrder], bool]) -> pd.Series:
    """Whether each row's file order passes ``test`` (False for a file without slash dates)."""
    return ctx.files.isin([source for source, order in ctx.orders.items() if test(order)])


def _parse_rate(col: Column, given: pd.Series, blank: pd.Series, ctx: _Context) -> dict:
    """A rate: a proportion 0–1, or a percentage (above 1, or with ``%``) read as such.

    A rate of exactly 1 could be either (100% or 1%): it is quarantined (``ambiguous_rate``),
    never read as one of them.
    """
    sign = given.str.endswith("%") & ~blank
    number, _ = _to_number(col, given.str.removesuffix("%").str.strip(), blank, ctx, given)
    as_percent = sign | ((number > 1) & (number <= 100))
    ambiguous = (number == 1) & ~sign
    ctx.problems.add(
        (number < 0) | (number > 100),
        col.name,
        given,
        "out_of_range",
        "must be a proportion 0–1 or a percentage 0–100",
    )
    ctx.problems.add(ambiguous, col.name, given, "ambiguous_rate", RULES["ambiguous_rate"])
    if as_percent.any():
        ctx.notes.append(
            f"{int(as_percent.sum())} value(s) of {col.name} given as percentages "
            f"(1–100) were read as such and divided by 100; recorded in "
            f"{col.name}_given_as_percent"
        )
    rate = number.where(~as_percent, number / 100).where(~ambiguous).astype("float64")
    flag = as_percent.astype("boolean").mask(number.isna() | ambiguous, pd.NA)
    return {col.name: rate, f"{col.name}_given_as_percent": flag}


def _parse_column(
    col: Column, given: pd.Series, blank: pd.Series, ctx: _Context
) -> pd.Series | dict[str, pd.Series]:
    kind, problems = col.kind, ctx.problems
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
        return _parse_category(col, given, blank, ctx)
    if kind == "date":
        return _parse_dates(col, given, ctx)
    if kind == "rate":
        return _parse_rate(col, given, blank, ctx)
    number, _ = _to_number(col, given, blank, ctx)  # numeric kinds
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
    _check_range(number, col, given, problems)  # kind == "number"
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
        chosen = rows.to_numpy(dtype=bool)
        values = score.to_numpy(dtype="float64")  # NaN compares False: never out of range
        bad = chosen & ((values < entry.score_min) | (values > entry.score_max))
        problems.add(
            pd.Series(bad, index=score.index),
            "score",
            score_given,
            "out_of_range",
            f"{code} scores must be between {entry.score_min:g} and {entry.score_max:g}",
        )
        if entry.integer_scores:
            fractional = chosen & ~np.isnan(values) & (values != np.floor(values))
            problems.add(
                pd.Series(fractional, index=score.index),
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
