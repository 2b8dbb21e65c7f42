"""Templates an RPB fills in: one Excel workbook per dataset of the data contract.

``nest-eval template DIR`` writes ``<dataset>.xlsx`` for each dataset, with three sheets:

- ``<dataset>``, the data sheet (first and active): the contract's columns as the header row, in
  contract order, required ones in bold, each with a note (English and Welsh) giving its meaning
  and type; drop-down lists of the canonical values for the columns that have a vocabulary,
  number and date validation from the contract's ranges, date columns formatted
  ``yyyy-mm-dd`` and identifier and text columns formatted as text (so ``007`` stays ``007``);
- ``notes``: in English and Welsh, what the dataset is, how to fill in and send the file, and
  each column's meaning, type and accepted values (with the other spellings ingest accepts);
- ``lists``: the values of the drop-down lists, one column per list (visible, not hidden).

Everything is taken from the reference data (the contract, its vocabularies, the RPBs, the NEST
elements and the measures catalogue) and every word from the message catalogue: keys
``contract.*`` for the contract's descriptions, ``template.*`` for the template's own text.

Ingest reads a filled template like any workbook; the sheets named in :data:`TEMPLATE_SHEETS`
are not data and :mod:`nest_eval.ingest.readers` skips them, so the data sheet is the only table
read. The bytes are reproducible: the workbook's properties are fixed (created and modified
:data:`FIXED_TIME`, creator ``nest-eval``, no user name) and the archive is rewritten with fixed
entry times, so the same code writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from nest_eval.files import atomic_write_bytes, reproducible_zip
from nest_eval.reference.codings import VOCABULARIES, Vocabularies
from nest_eval.reference.contract import (
    CONTRACT_VERSION,
    DATASET_NAMES,
    DATASETS,
    EXPERIENCE_ITEMS,
    Column,
    Dataset,
)
from nest_eval.reference.measures import CATALOGUE, MEASURE_KEYS, RAW_INPUT_CODES
from nest_eval.reference.messages import LANGUAGES, label
from nest_eval.reference.vocabulary import RPB_NAMES, element_keys

__all__ = [
    "DATE_WINDOW",
    "FIXED_TIME",
    "LAST_ROW",
    "LISTS_SHEET",
    "NOTES_SHEET",
    "TEMPLATE_SHEETS",
    "column_note",
    "drop_down_values",
    "notes_rows",
    "template_bytes",
    "template_workbook",
    "write_templates",
]

NOTES_SHEET = "notes"
"""The sheet with the notes (English and Welsh)."""

LISTS_SHEET = "lists"
"""The sheet with the values of the drop-down lists."""

TEMPLATE_SHEETS: tuple[str, ...] = (NOTES_SHEET, LISTS_SHEET)
"""Sheets of a template that are not data: ingest skips them (lower case; names match ignoring
case). The data sheet is named after its dataset."""

DATE_WINDOW: tuple[dt.date, dt.date] = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))
"""Dates a date cell may take: a plausible window, not a rule of the contract."""

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"

FIXED_TIME = dt.datetime(2000, 1, 1)
"""Creation and modification time recorded in every template (reproducible bytes)."""

LAST_ROW = 1_048_576
"""Excel's last row: validation and formats cover every row under the header."""

_CREATOR = "nest-eval"
_RATE_AS_GIVEN = (0, 100)  # ingest reads a proportion 0-1 or a percentage 0-100
_TEXT_KINDS = ("id", "text", "comment", "rpb", "element", "measure", "category", "yes_no")
_HEADER_FILL = PatternFill("solid", start_color="DDDDDD", end_color="DDDDDD")
_TOP_WRAP = Alignment(wrap_text=True, vertical="top")


# --- what the reference data says about a column ---------------------------------------------


def drop_down_values(
    col: Column, vocabularies: Vocabularies = VOCABULARIES
) -> tuple[str, tuple[str, ...]] | None:
    """The drop-down list of a column: its name and canonical values, or None.

    Parameters
    ----------
    col : Column
        A contract column.
    vocabularies : Vocabularies
        The contract's vocabularies (default: the package's).

    Returns
    -------
    (str, tuple of str) or None
        ``("rpb", RPB names)``, ``("element", element keys)``, ``("measure", catalogue keys
        and input codes)``, ``(vocabulary, its values)`` for category and yes/no columns; None
        for the other kinds.

    Examples
    --------
    >>> from nest_eval.reference.contract import DATASETS
    >>> drop_down_values(DATASETS[1].column("sex"))
    ('sex', ('female', 'male', 'other', 'unknown'))
    """
    if col.kind == "rpb":
        return "rpb", RPB_NAMES
    if col.kind == "element":
        return "element", element_keys()
    if col.kind == "measure":
        return "measure", (*MEASURE_KEYS, *RAW_INPUT_CODES)
    if col.vocabulary is not None:
        return col.vocabulary, vocabularies[col.vocabulary].values
    return None


def _score_range() -> tuple[float, float]:
    """The lowest and highest score of any measure or input code."""
    lows = [m.score_min for m in CATALOGUE] + [c.raw_min for c in RAW_INPUT_CODES.values()]
    highs = [m.score_max for m in CATALOGUE] + [c.raw_max for c in RAW_INPUT_CODES.values()]
    return min(lows), max(highs)


def _bounds(col: Column) -> tuple[str, object, object] | None:
    """Validation type and inclusive range of a numeric or date column; None for the others."""
    if col.kind in ("int", "year"):
        return "whole", col.minimum, col.maximum
    if col.kind in ("number", "half_point"):
        return "decimal", col.minimum, col.maximum
    if col.kind == "rate":
        return "decimal", *_RATE_AS_GIVEN
    if col.kind == "score":
        return "decimal", *_score_range()
    if col.kind == "date":
        return "date", *DATE_WINDOW
    return None


def _number(value: object) -> str:
    """A bound as text: ``2100``, ``0.5``, ``2000-01-01``."""
    if isinstance(value, dt.date):
        return value.isoformat()
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else repr(number)


# --- text, in one language --------------------------------------------------------------------


def _type_text(col: Column, lang: str) -> str:
    """The column's type and range, e.g. "whole number, from 1 to 5"."""
    kind = label(f"template.kind.{col.kind}", lang)
    bounds = _bounds(col)
    if bounds is None or col.kind in ("rate", "score"):
        return kind
    _, low, high = bounds
    if low is not None and high is not None:
        return f"{kind}, {label('template.range', lang, low=_number(low), high=_number(high))}"
    if low is not None:
        return f"{kind}, {label('template.range_min', lang, low=_number(low))}"
    return kind


def _meaning(dataset: Dataset, col: Column, lang: str) -> str:
    """The column's description, after the statement for a survey item."""
    meaning = label(f"contract.column.{dataset.name}.{col.name}", lang)
    if col.name in EXPERIENCE_ITEMS:
        meaning = f'"{label(f"experience_statement.{col.name}", lang)}" {meaning}'
    return meaning


def _value_text(value: str, shown: str, codings: Sequence[str], lang: str) -> str:
    """A canonical value with its label and the other codings accepted for it."""
    notes = [shown] if shown != value else []
    if codings:
        notes.append(label("template.also", lang, codings=", ".join(codings)))
    return f"{value} ({'; '.join(notes)})" if notes else value


def _accepted_values(col: Column, lang: str, vocabularies: Vocabularies) -> str:
    """The values a categorical column accepts, labelled; empty for other kinds."""
    if col.kind == "rpb":
        values = [_value_text(n, label(f"rpb.{n}", lang), (), lang) for n in RPB_NAMES]
        return ", ".join(values) + ", " + label("template.or_alias", lang)
    if col.kind == "element":
        keys = element_keys()
        values = [_value_text(k, label(f"element.{k}", lang), (), lang) for k in keys]
        return ", ".join(values) + ", " + label("template.or_names", lang)
    if col.kind == "measure":
        values = [_value_text(m.key, m.label(lang), (), lang) for m in CATALOGUE]
        values += [
            _value_text(code, label("template.raw_input", lang, measure=spec.measure), (), lang)
            for code, spec in RAW_INPUT_CODES.items()
        ]
        return ", ".join(values) + ", " + label("template.or_names", lang)
    if col.vocabulary is None:
        return ""
    vocab = vocabularies[col.vocabulary]
    return ", ".join(
        _value_text(v, label(f"{vocab.name}.{v}", lang), vocab.codings_of(v), lang)
        for v in vocab.values
    )


def _score_ranges() -> str:
    """Each measure's score range, e.g. "SWEMWBS 7–35; SDQ_TOTAL 0–40"."""
    ranges = [f"{m.key} {_number(m.score_min)}–{_number(m.score_max)}" for m in CATALOGUE]
    ranges += [f"{c.code} {c.raw_min}–{c.raw_max}" for c in RAW_INPUT_CODES.values()]
    return "; ".join(ranges)


def column_note(
    dataset: Dataset, col: Column, lang: str, vocabularies: Vocabularies = VOCABULARIES
) -> str:
    """Everything the notes sheet says of a column, in one language.

    Required or optional, meaning, type and range, accepted values, default.
    """
    parts = [
        label("template.required" if col.required else "template.optional", lang),
        _meaning(dataset, col, lang),
        label("template.type", lang, type=_type_text(col, lang)),
    ]
    accepted = _accepted_values(col, lang, vocabularies)
    if accepted:
        parts.append(label("template.accepted", lang, values=accepted))
    if col.kind == "score":
        parts.append(label("template.scores", lang, ranges=_score_ranges()))
    if col.default is not None:
        parts.append(label("template.default", lang, value=col.default))
    return " ".join(parts)


def _header_note(dataset: Dataset, col: Column, lang: str) -> str:
    """The short note on a header cell: required or optional, meaning, type."""
    required = label("template.required" if col.required else "template.optional", lang)
    kind = label("template.type", lang, type=_type_text(col, lang))
    return f"{required} {_meaning(dataset, col, lang)} {kind}"


def _both(text: Iterable[str]) -> str:
    """English then Welsh, one per line."""
    return "\n".join(text)


# --- the notes sheet --------------------------------------------------------------------------

_NoteRow = tuple[str, tuple[str, ...], bool]  # first cell, text per language, bold


def _dataset_rules(dataset: Dataset, lang: str) -> list[str]:
    """The dataset's rules across rows: its key and the items of which one must be given."""
    rules = []
    if dataset.key:
        columns = ", ".join(dataset.key)
        if dataset.key_when:
            column, value = dataset.key_when
            rules.append(
                label("template.key_when", lang, column=column, value=value, columns=columns)
            )
        else:
            rules.append(label("template.key", lang, columns=columns))
    if dataset.at_least_one_of:
        columns = ", ".join(dataset.at_least_one_of)
        rules.append(label("template.at_least_one_of", lang, columns=columns))
    return rules


def _per_language(key: str, **values: object) -> tuple[str, ...]:
    """A message in each language, English first."""
    return tuple(label(key, lang, **values) for lang in LANGUAGES)


_BLANK: _NoteRow = ("", tuple("" for _ in LANGUAGES), False)


def _guidance_rows(dataset: Dataset) -> list[_NoteRow]:
    """Title, what the dataset is, how to fill in the template and how to send it."""
    names = {"sheet": dataset.name, "notes": NOTES_SHEET, "lists": LISTS_SHEET}
    rows: list[_NoteRow] = [
        ("", _per_language("template.title", dataset=dataset.name), True),
        ("", _per_language(f"contract.dataset.{dataset.name}"), False),
        ("", _per_language("template.contract", version=CONTRACT_VERSION), False),
        _BLANK,
        ("", _per_language("template.heading.fill"), True),
    ]
    fill = ("sheet", "header", "required", "lists", "dates", "ids", "rules")
    rows += [("", _per_language(f"template.fill.{key}", **names), False) for key in fill]
    rows += [_BLANK, ("", _per_language("template.heading.send"), True)]
    example = f"{dataset.name}_2025_gwent.xlsx"
    rows.append(
        ("", _per_language("template.send.save", dataset=dataset.name, example=example), False)
    )
    rows.append(("", _per_language("template.send.sheets", **names), False))
    rows += [("", _per_language(f"template.send.{key}"), False) for key in ("several", "route")]
    return rows


def _column_rows(dataset: Dataset, vocabularies: Vocabularies) -> list[_NoteRow]:
    """A heading, then one row per column, then the dataset's rules across rows."""
    heading = " / ".join(_per_language("template.heading.column"))
    rows: list[_NoteRow] = [
        ("", _per_language("template.heading.columns"), True),
        (heading, tuple(label("template.language_name", lang) for lang in LANGUAGES), True),
    ]
    for col in dataset.columns:
        text = tuple(column_note(dataset, col, lang, vocabularies) for lang in LANGUAGES)
        rows.append((col.name, text, col.required))
    rules = [_dataset_rules(dataset, lang) for lang in LANGUAGES]
    rows += [("", tuple(r[i] for r in rules), False) for i in range(len(rules[0]))]
    return rows


def notes_rows(dataset: Dataset, vocabularies: Vocabularies = VOCABULARIES) -> list[_NoteRow]:
    """The rows of a template's notes sheet.

    Parameters
    ----------
    dataset : Dataset
        The contract dataset.
    vocabularies : Vocabularies
        The contract's vocabularies (default: the package's).

    Returns
    -------
    list of (str, tuple of str, bool)
        Per row: the first cell (a column name, or blank), the text in each of
        :data:`~nest_eval.reference.messages.LANGUAGES` (English, Welsh), and whether the row
        is bold (a heading, or a required column). A blank row separates the sections.
    """
    return [*_guidance_rows(dataset), _BLANK, *_column_rows(dataset, vocabularies)]


def _write_notes(sheet: Worksheet, rows: list[_NoteRow]) -> None:
    sheet.column_dimensions["A"].width = 28
    for i in range(len(LANGUAGES)):
        sheet.column_dimensions[get_column_letter(i + 2)].width = 80
    for number, (first, text, bold) in enumerate(rows, start=1):
        for position, value in enumerate((first, *text), start=1):
            cell = sheet.cell(number, position, value or None)
            cell.alignment = _TOP_WRAP
            if bold:
                cell.font = Font(bold=True)


# --- the lists sheet --------------------------------------------------------------------------


def _write_lists(sheet: Worksheet, lists: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """One column per list (its name, then its values); returns each list's range."""
    ranges = {}
    for position, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(position)
        sheet.cell(1, position, name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row, position, value).number_format = TEXT_FORMAT
        sheet.column_dimensions[letter].width = max(len(v) for v in (name, *values)) + 2
        last = len(values) + 1
        ranges[name] = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${last}"
    return ranges


# --- the data sheet ---------------------------------------------------------------------------


def _limited(text: str, limit: int) -> str:
    """Text for a field Excel limits (255 characters for messages, 32 for titles)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _validation(col: Column, ranges: dict[str, str]) -> DataValidation | None:
    """The validation of a column's cells: a drop-down list, a number or a date range."""
    type_text = _both(_type_text(col, lang) for lang in LANGUAGES)
    choices = drop_down_values(col)
    if choices is not None:
        error = _both(label("template.error_list", lang, notes=NOTES_SHEET) for lang in LANGUAGES)
        rule = DataValidation(type="list", formula1=ranges[choices[0]], errorStyle="warning")
    else:
        bounds = _bounds(col)
        if bounds is None:
            return None
        kind, low, high = bounds
        low_text, high_text = _formula(low), _formula(high)
        operator = "between" if high is not None else "greaterThanOrEqual"
        rule = DataValidation(
            type=kind, operator=operator, formula1=low_text, formula2=high_text, errorStyle="stop"
        )
        error = type_text
    rule.allow_blank = True  # a required value is checked by ingest, not on every blank cell
    rule.showInputMessage = rule.showErrorMessage = True
    rule.promptTitle = rule.errorTitle = _limited(col.name, 32)
    rule.prompt = _limited(type_text, 255)
    rule.error = _limited(error, 255)
    return rule


def _formula(value: object) -> str | None:
    """A validation bound as a formula: a number, or ``DATE(y,m,d)``."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return f"DATE({value.year},{value.month},{value.day})"
    return _number(value)


def _write_data_sheet(sheet: Worksheet, dataset: Dataset, ranges: dict[str, str]) -> None:
    for position, col in enumerate(dataset.columns, start=1):
        letter = get_column_letter(position)
        cell = sheet.cell(1, position, col.name)
        cell.font = Font(bold=col.required)
        cell.fill = _HEADER_FILL
        note = _both(_header_note(dataset, col, lang) for lang in LANGUAGES)
        cell.comment = Comment(note, _CREATOR, height=220, width=360)
        width = sheet.column_dimensions[letter]
        width.width = max(len(col.name) + 4, 14)
        if col.kind == "date":
            width.number_format = DATE_FORMAT
        elif col.kind in _TEXT_KINDS:
            width.number_format = TEXT_FORMAT
        rule = _validation(col, ranges)
        if rule is not None:
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{LAST_ROW}")
    sheet.freeze_panes = "A2"


# --- the workbook -----------------------------------------------------------------------------


def template_workbook(dataset: Dataset, vocabularies: Vocabularies = VOCABULARIES) -> Workbook:
    """The template of one dataset, as an openpyxl workbook.

    Parameters
    ----------
    dataset : Dataset
        The contract dataset.
    vocabularies : Vocabularies
        The contract's vocabularies (default: the package's); an evaluator's added codings
        appear among the accepted spellings of the notes.

    Returns
    -------
    openpyxl.Workbook
        Sheets ``<dataset>`` (data, active), :data:`NOTES_SHEET` and :data:`LISTS_SHEET`.
    """
    book = Workbook()
    data = book.active
    data.title = dataset.name
    notes = book.create_sheet(NOTES_SHEET)
    lists = book.create_sheet(LISTS_SHEET)
    wanted = (drop_down_values(col, vocabularies) for col in dataset.columns)
    ranges = _write_lists(lists, dict(choice for choice in wanted if choice is not None))
    _write_data_sheet(data, dataset, ranges)
    _write_notes(notes, notes_rows(dataset, vocabularies))
    properties = book.properties
    properties.creator = _CREATOR
    properties.lastModifiedBy = None
    properties.created = properties.modified = FIXED_TIME
    properties.title = label("template.title", "en", dataset=dataset.name)
    return book


def template_bytes(dataset: Dataset, vocabularies: Vocabularies = VOCABULARIES) -> bytes:
    """The ``.xlsx`` bytes of a dataset's template; the same code gives the same bytes."""
    buffer = io.BytesIO()
    # openpyxl's Workbook.save stamps the time of saving as the modification time; its writer
    # keeps the workbook's own (FIXED_TIME).
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(template_workbook(dataset, vocabularies), archive).save()
    return reproducible_zip(buffer.getvalue())


def write_templates(
    directory: str | Path,
    datasets: Sequence[str] | None = None,
    overwrite: bool = False,
    vocabularies: Vocabularies = VOCABULARIES,
) -> list[Path]:
    """Write ``<dataset>.xlsx`` templates into a folder.

    Parameters
    ----------
    directory : str or pathlib.Path
        Folder to write to; created if missing.
    datasets : sequence of str, optional
        Dataset names (default: all six, in contract order).
    overwrite : bool, default False
        Replace existing files of the same names; otherwise an existing file stops the writing
        before anything is written.
    vocabularies : Vocabularies
        The contract's vocabularies (default: the package's).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ValueError
        When a name is not a dataset of the contract.
    FileExistsError
        When a file exists and ``overwrite`` is False.
    """
    names = list(datasets) if datasets else list(DATASET_NAMES)
    unknown = [n for n in names if n not in DATASET_NAMES]
    if unknown:
        raise ValueError(
            f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(DATASET_NAMES)}"
        )
    out = Path(directory)
    paths = [out / f"{name}.xlsx" for name in names]
    existing = [str(p) for p in paths if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(f"already there, not replaced: {', '.join(existing)}")
    by_name = {d.name: d for d in DATASETS}
    for name, path in zip(names, paths, strict=True):
        atomic_write_bytes(path, template_bytes(by_name[name], vocabularies))
    return paths
