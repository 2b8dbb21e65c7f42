"""Published tables as spreadsheets, ODS and XLSX, in English and in Welsh.

Each published table (:func:`nest_eval.reporting.tables.published_tables`) is also published as
``tables/<name>.ods`` and ``tables/<name>.xlsx``, with the Welsh twins ``tables/<name>.cy.ods``
and ``tables/<name>.cy.xlsx`` (:func:`nest_eval.reporting.outputs.table_downloads`), laid out as
the Government Statistical Service guidance asks:

- a **Cover** sheet: the title, what the table holds, the period covered, the source, the
  statistics status, a contact, the licence, and the shorthand of a suppressed cell;
- a **Contents** sheet: each other sheet with what it holds;
- a **Notes** sheet: numbered notes (suppression, rounding, units, keys);
- the **table** on its own sheet: a title in A1, one line of text, then the table with one row of
  plain headings (units in brackets), no merged cells and no blank rows; keys (RPBs, indicators,
  measures, items, ...) shown as their labels, numbers stored as numbers (the values of the CSV,
  at the published precision), a suppressed cell as the text ``[c]`` and a cell with no value
  as ``[x]``.

The words come from the message catalogue (keys ``sheet.*``, ``column.*``, ``unit.*`` and the
labels of keys: :mod:`nest_eval.reporting.labels`). The bytes are reproducible: the documents'
dates are the run's publication date or fixed (:data:`FIXED_TIME`), never the clock; the
archives' entries carry a fixed time, and the ODS is written as XML here, in a fixed order.

References
----------
Government Analysis Function (2023). *Releasing statistics in spreadsheets*.
https://analysisfunction.civilservice.gov.uk/policy-store/releasing-statistics-in-spreadsheets/

OASIS (2011). *Open Document Format for Office Applications (OpenDocument) Version 1.2*,
part 1 (schema) and part 3 (packages).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pandas as pd
from babel.dates import format_date
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from nest_eval.files import atomic_write_bytes, reproducible_zip, spreadsheet_safe
from nest_eval.reference.indicators import COLUMNS, INDICATORS
from nest_eval.reference.messages import HTML_LANG, LOCALES, label
from nest_eval.reporting.labels import column_label, group_label, row_label, value_label
from nest_eval.reporting.outputs import table_downloads

__all__ = [
    "FIXED_TIME",
    "NOT_APPLICABLE",
    "SUPPRESSED",
    "Book",
    "Sheet",
    "Source",
    "book_of",
    "ods_bytes",
    "table_frame",
    "write_spreadsheets",
    "xlsx_bytes",
]

SUPPRESSED = "[c]"
"""A suppressed cell, as the GSS guidance writes it (``c``: confidential)."""

NOT_APPLICABLE = "[x]"
"""A numeric cell with no value (not applicable, or not available), as the guidance writes it."""

FIXED_TIME = dt.datetime(2000, 1, 1)
"""Creation and modification time recorded in every spreadsheet (reproducible bytes)."""

_CREATOR = "nest-eval"
_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
_UNIT_COLUMN = "unit"
"""Key of the column added to a long table: the unit of each row's indicator."""
_TEXT_UNITS = ("text", "indicator")
_UNIT_IN_LABEL = ("text", "year", "money", "percent", "flag", "level")
"""Kinds of unit a column's label already says (a year, pounds, %, a level: "Core funding (£)")
or its cells show (yes or no): no unit in brackets after the label."""

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name, rows from A1 down, and which rows are bold.

    Attributes
    ----------
    name : str
        The tab's name (at most 31 characters).
    rows : tuple of tuple
        The cells, row by row from A1; None is an empty cell.
    bold : frozenset of int
        Indices of the rows shown bold (the title and the table's headings).
    """

    name: str
    rows: tuple[tuple[Cell, ...], ...]
    bold: frozenset[int] = frozenset()

    def widths(self) -> list[int]:
        """Width of each column in characters (the longest cell but the title, within 8–60)."""
        count = max((len(row) for row in self.rows), default=0)
        found = [8] * count
        for index, row in enumerate(self.rows):
            if index == 0 or len(row) == 1:  # titles and lines of text overflow to the right
                continue
            for position, value in enumerate(row):
                found[position] = max(found[position], min(60, len(_text(value)) + 2))
        return found


@dataclass(frozen=True)
class Book:
    """A spreadsheet: its title, language, sheets in order and the date its properties record."""

    title: str
    lang: str
    sheets: tuple[Sheet, ...]
    stamp: dt.datetime = FIXED_TIME


@dataclass(frozen=True)
class Source:
    """What a spreadsheet's cover says of the run: its year and settings.

    Attributes
    ----------
    year : int
        The reporting year.
    financial : bool
        April–March reporting years (default calendar years).
    shorthand : str
        How the CSV writes a suppressed cell (``c`` or ``[c]``).
    published : datetime.date or None
        The publication date, from the run's settings (never the clock): shown on the cover and
        recorded as the documents' date. None: not shown, the documents dated
        :data:`FIXED_TIME`.
    """

    year: int
    financial: bool = False
    shorthand: str = "c"
    published: dt.date | None = None

    @property
    def stamp(self) -> dt.datetime:
        """The date recorded in the documents' properties."""
        if self.published is None:
            return FIXED_TIME
        return dt.datetime.combine(self.published, dt.time())


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


# --- the table sheet ---------------------------------------------------------------------------


def _numeric(column: str) -> bool:
    """Whether a column holds numbers (its own unit's, or each row's indicator's)."""
    spec = COLUMNS.get(column)
    return spec is not None and (spec.unit.key == "indicator" or spec.unit.kind != "text")


def _indicator_unit(record: Mapping[str, object], lang: str) -> str:
    key = record.get("indicator")
    if not isinstance(key, str) or key not in INDICATORS:
        return ""
    return label(f"unit.{INDICATORS[key].unit.key}", lang)


def _heading(column: str, lang: str) -> str:
    """A column's heading: its label, with its unit in brackets when the column has one."""
    if column == _UNIT_COLUMN:
        return label("sheet.column.unit", lang)
    text = column_label(column, lang)
    spec = COLUMNS.get(column)
    if spec is None or spec.unit.key in _TEXT_UNITS or spec.unit.kind in _UNIT_IN_LABEL:
        return text
    return f"{text} ({label(f'unit.{spec.unit.key}', lang)})"


def _shown(column: str, record: Mapping[str, object], lang: str, shorthand: str) -> Cell:
    """The cell of a column in a row: a label for a key, a number, ``[c]`` or ``[x]``."""
    value = record.get(column)
    if column == _UNIT_COLUMN:
        return _indicator_unit(record, lang)
    if column == "label" and "indicator" in record:
        return row_label(record, lang)
    if column == "group" and isinstance(record.get("dimension"), str) and not _blank(value):
        return group_label(str(record["dimension"]), str(value), lang)
    if isinstance(value, str) and value == shorthand:
        return SUPPRESSED
    if isinstance(value, bool):
        return label(f"yes_no.{'yes' if value else 'no'}", lang)
    if _numeric(column):
        if _blank(value):
            return NOT_APPLICABLE
        return value if isinstance(value, str) else _number(value)
    return value_label(column, value, lang) or None


def _number(value: object) -> int | float:
    """A number as a Python int (whole numbers as the CSV writes them) or float."""
    if isinstance(value, Integral):
        return int(value)
    return float(value)  # type: ignore[arg-type]


def table_columns(frame: pd.DataFrame) -> list[str]:
    """The columns a table's sheet shows, in order: the CSV's, and the unit of each row.

    A table of several indicators (with an ``indicator`` column and columns whose unit is the
    indicator's) gets a column ``unit`` after the indicator's label.
    """
    columns = list(frame.columns)
    long = "indicator" in columns and any(
        COLUMNS[c].unit.key == "indicator" for c in columns if c in COLUMNS
    )
    if long:
        after = "label" if "label" in columns else "indicator"
        columns.insert(columns.index(after) + 1, _UNIT_COLUMN)
    return columns


def table_frame(frame: pd.DataFrame, lang: str, shorthand: str = "c") -> pd.DataFrame:
    """The table as its sheet shows it: headings and cells in ``lang``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The published table (as its CSV holds it).
    lang : str
        ``"en"`` or ``"cy"``.
    shorthand : str
        How the table writes a suppressed cell.

    Returns
    -------
    pandas.DataFrame
        One column per :func:`table_columns` entry, headed by its label and unit.
    """
    columns = table_columns(frame)
    records = frame.to_dict(orient="records")
    body = [[_shown(c, record, lang, shorthand) for c in columns] for record in records]
    shown = pd.DataFrame(body, columns=range(len(columns)), dtype=object)
    shown.columns = [_heading(c, lang) for c in columns]
    return shown


# --- the book ----------------------------------------------------------------------------------


def _period(source: Source, lang: str) -> str:
    if source.financial:
        return label("sheet.period.financial", lang, year=source.year, next=source.year + 1)
    return label("sheet.period.calendar", lang, year=source.year)


def _cover(title: str, name: str, source: Source, lang: str) -> Sheet:
    sections = [
        ("sheet.cover.about", label(f"sheet.table.{name}.description", lang)),
        ("sheet.cover.period", _period(source, lang)),
        ("sheet.cover.source", label("sheet.cover.source.text", lang)),
        ("sheet.cover.status", label("sheet.cover.status.text", lang)),
        ("sheet.cover.contact", label("sheet.cover.contact.text", lang)),
        ("sheet.cover.licence", label("sheet.cover.licence.text", lang)),
        ("sheet.cover.shorthand", label("sheet.note.suppressed", lang, c=SUPPRESSED)),
        ("sheet.cover.no_value", label("sheet.note.no_value", lang, x=NOT_APPLICABLE)),
    ]
    if source.published is not None:
        when = format_date(source.published, "d MMMM y", locale=LOCALES[lang])
        sections.insert(1, ("sheet.cover.published", when))
    rows: list[tuple[Cell, ...]] = [(title,)]
    bold = {0}
    for heading, text in sections:
        bold.add(len(rows))
        rows += [(label(heading, lang),), (text,)]
    return Sheet(label("sheet.name.cover", lang), tuple(rows), frozenset(bold))


def _contents(title: str, lang: str) -> Sheet:
    rows: list[tuple[Cell, ...]] = [
        (label("sheet.contents.title", lang),),
        (label("sheet.contents.sheet", lang), label("sheet.contents.description", lang)),
        (label("sheet.name.notes", lang), label("sheet.contents.notes", lang)),
        (label("sheet.name.table", lang), title),
    ]
    return Sheet(label("sheet.name.contents", lang), tuple(rows), frozenset({0, 1}))


def _notes(lang: str) -> Sheet:
    texts = [
        label("sheet.note.suppressed", lang, c=SUPPRESSED),
        label("sheet.note.no_value", lang, x=NOT_APPLICABLE),
        label("sheet.note.rounding", lang),
        label("sheet.note.units", lang),
        label("sheet.note.csv", lang),
    ]
    rows: list[tuple[Cell, ...]] = [
        (label("sheet.notes.title", lang),),
        (label("sheet.notes.number", lang), label("sheet.notes.text", lang)),
    ]
    rows += [(label("sheet.notes.item", lang, number=i), t) for i, t in enumerate(texts, 1)]
    return Sheet(label("sheet.name.notes", lang), tuple(rows), frozenset({0, 1}))


def _table(title: str, frame: pd.DataFrame, source: Source, lang: str) -> Sheet:
    shown = table_frame(frame, lang, source.shorthand)
    rows: list[tuple[Cell, ...]] = [
        (title,),
        (label("sheet.table.line", lang, c=SUPPRESSED, x=NOT_APPLICABLE),),
        tuple(shown.columns),
    ]
    rows += [tuple(row) for row in shown.itertuples(index=False, name=None)]
    return Sheet(label("sheet.name.table", lang), tuple(rows), frozenset({0, 2}))


def book_of(name: str, frame: pd.DataFrame, source: Source, lang: str) -> Book:
    """The spreadsheet of one published table in ``lang``: cover, contents, notes, table.

    Parameters
    ----------
    name : str
        The published table's name (``access``, ``distance_travelled``, ...).
    frame : pandas.DataFrame
        The table as published (:func:`nest_eval.reporting.tables.published_tables`).
    source : Source
        The run's year and settings.
    lang : str
        ``"en"`` or ``"cy"``.

    Returns
    -------
    Book
    """
    title = label("sheet.title", lang, table=label(f"sheet.table.{name}", lang), year=source.year)
    safe = spreadsheet_safe(frame)
    return Book(
        title,
        lang,
        (
            _cover(title, name, source, lang),
            _contents(title, lang),
            _notes(lang),
            _table(title, safe, source, lang),
        ),
        source.stamp,
    )


# --- writing -----------------------------------------------------------------------------------


def xlsx_bytes(book: Book) -> bytes:
    """The ``.xlsx`` bytes of a book (Office Open XML, written by openpyxl)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in book.sheets:
        worksheet = workbook.create_sheet(sheet.name)
        for row in sheet.rows:
            worksheet.append(list(row))
        for index in sorted(sheet.bold):
            for cell in worksheet[index + 1]:
                cell.font = Font(bold=True, size=14 if index == 0 else 11)
        for position, width in enumerate(sheet.widths(), 1):
            worksheet.column_dimensions[get_column_letter(position)].width = width
    properties = workbook.properties
    properties.creator = _CREATOR
    properties.lastModifiedBy = None
    properties.created = properties.modified = book.stamp
    properties.title = book.title
    properties.language = HTML_LANG[book.lang]
    buffer = io.BytesIO()
    # Workbook.save stamps the time of saving; the writer keeps the workbook's own (book.stamp)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return reproducible_zip(buffer.getvalue())


_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _ods_cell(value: Cell, style: str | None) -> str:
    styled = f' table:style-name="{style}"' if style else ""
    if value is None or value == "":
        return f"<table:table-cell{styled}/>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return f"<table:table-cell{styled}/>"
        number = _text(value)
        return (
            f'<table:table-cell{styled} office:value-type="float" office:value="{number}">'
            f"<text:p>{number}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell{styled} office:value-type="string">'
        f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
    )


def _ods_sheet(sheet: Sheet, index: int) -> Iterable[str]:
    yield f"<table:table table:name={quoteattr(sheet.name)}>"
    for position, _ in enumerate(sheet.widths()):
        yield f'<table:table-column table:style-name="co{index}-{position}"/>'
    for number, row in enumerate(sheet.rows):
        style = ("title" if number == 0 else "bold") if number in sheet.bold else None
        cells = "".join(_ods_cell(value, style) for value in row)
        yield f"<table:table-row>{cells}</table:table-row>"
    yield "</table:table>"


def _ods_content(book: Book) -> str:
    styles = [
        '<style:style style:name="title" style:family="table-cell">'
        '<style:text-properties fo:font-weight="bold" fo:font-size="14pt"/></style:style>',
        '<style:style style:name="bold" style:family="table-cell">'
        '<style:text-properties fo:font-weight="bold"/></style:style>',
    ]
    for index, sheet in enumerate(book.sheets):
        for position, width in enumerate(sheet.widths()):
            styles.append(
                f'<style:style style:name="co{index}-{position}" style:family="table-column">'
                f'<style:table-column-properties style:column-width="{width * 0.2:.2f}cm"/>'
                "</style:style>"
            )
    tables = [line for index, sheet in enumerate(book.sheets) for line in _ods_sheet(sheet, index)]
    return (
        f'{_XML}<office:document-content {_NS} office:version="1.2">'
        f"<office:automatic-styles>{''.join(styles)}</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )


def _ods_meta(book: Book) -> str:
    when = book.stamp.isoformat()
    return (
        f'{_XML}<office:document-meta {_NS} office:version="1.2"><office:meta>'
        f"<meta:generator>{_CREATOR}</meta:generator>"
        f"<dc:title>{escape(book.title)}</dc:title>"
        f"<dc:language>{HTML_LANG[book.lang]}</dc:language>"
        f"<meta:creation-date>{when}</meta:creation-date><dc:date>{when}</dc:date>"
        "</office:meta></office:document-meta>"
    )


def _ods_manifest() -> str:
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="{kind}"/>'
        for path, kind in (("content.xml", "text/xml"), ("meta.xml", "text/xml"))
    )
    return (
        f"{_XML}<manifest:manifest "
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        f'manifest:media-type="{_ODS_MIME}"/>{entries}</manifest:manifest>'
    )


def ods_bytes(book: Book) -> bytes:
    """The ``.ods`` bytes of a book (OpenDocument 1.2, the ``mimetype`` entry first, stored)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", _ODS_MIME)
        archive.writestr("META-INF/manifest.xml", _ods_manifest())
        archive.writestr("meta.xml", _ods_meta(book))
        archive.writestr("content.xml", _ods_content(book))
    return reproducible_zip(buffer.getvalue(), stored=("mimetype",))


def write_spreadsheets(
    tables: Mapping[str, pd.DataFrame],
    year_dir: str | Path,
    source: Source,
    languages: Sequence[str],
) -> list[Path]:
    """Write every published table's spreadsheets, ODS and XLSX, in each language.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        The published tables, by name, as their CSVs hold them.
    year_dir : str or pathlib.Path
        The year folder; files go under ``tables/`` with the names of
        :func:`nest_eval.reporting.outputs.table_downloads`.
    source : Source
        The run's year and settings.
    languages : sequence of str
        The languages published.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    written = []
    for name, frame in tables.items():
        for lang in languages:
            book = book_of(name, frame, source, lang)
            files = table_downloads(name, lang)
            written.append(atomic_write_bytes(Path(year_dir) / files["ods"], ods_bytes(book)))
            written.append(atomic_write_bytes(Path(year_dir) / files["xlsx"], xlsx_bytes(book)))
    return written
