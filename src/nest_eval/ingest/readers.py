"""Reading raw files (CSV and Excel ``.xlsx``) into text tables, exactly as received.

Nothing is interpreted here: every cell becomes text (Excel dates become ISO dates, Excel
numbers their shortest exact text), every data row keeps its row number, and a row with the
wrong number of fields is kept aside for quarantine rather than padded or dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nest_eval.files import sha256_file
from nest_eval.ingest.templates import TEMPLATE_SHEETS

__all__ = ["RawTable", "ReadError", "read_table", "sha256_file"]

DATA_SUFFIXES = (".csv", ".xlsx")


class ReadError(Exception):
    """A file, or a part of it, could not be read. The message names the file and the part."""


@dataclass
class RawTable:
    """The text content of one file (or one worksheet).

    Attributes
    ----------
    source : str
        File name, with ``[sheet]`` for a worksheet of a workbook with several sheets.
    headers : list of str
        Column headers as written.
    frame : pandas.DataFrame
        One column per header, every cell text (blank = ``""``), index = row number in the
        file with the header as row 1.
    ragged : list of (int, int)
        Rows whose number of fields differs from the header: (row number, fields found).
    ragged_text : dict of int to str
        The raw content of each ragged row, for the quarantine record.
    """

    source: str
    headers: list[str]
    frame: pd.DataFrame
    ragged: list[tuple[int, int]] = field(default_factory=list)
    ragged_text: dict[int, str] = field(default_factory=dict)


def read_table(path: Path) -> list[RawTable]:
    """Read a CSV or ``.xlsx`` file into text tables (one per worksheet with data).

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    list of RawTable
        One table for a CSV file; one per non-empty worksheet for a workbook, leaving out a
        template's notes and lists sheets (:data:`~nest_eval.ingest.templates.TEMPLATE_SHEETS`).

    Raises
    ------
    ReadError
        When the file cannot be opened or decoded, or has no header row.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise ReadError(f"{path.name}: not a CSV or .xlsx file")


def _read_csv(path: Path) -> RawTable:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"{path.name}: not UTF-8 text (byte {exc.start} cannot be decoded); "
            "save it as CSV UTF-8"
        ) from None
    except OSError as exc:
        raise ReadError(f"{path.name}: cannot be opened ({exc.strerror})") from None
    if "\x00" in text:
        raise ReadError(f"{path.name}: contains NUL bytes; it is not a CSV text file")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ReadError(f"{path.name}: malformed CSV ({exc})") from None
    return _table_from_records(path.name, records)


def _table_from_records(source: str, records: list[list[str]]) -> RawTable:
    # Row numbers count the header as row 1, as a spreadsheet shows them.
    numbered = [(i + 1, rec) for i, rec in enumerate(records)]
    numbered = [(n, rec) for n, rec in numbered if any(cell.strip() for cell in rec)]
    if not numbered:
        raise ReadError(f"{source}: the file is empty (no header row)")
    _, headers = numbered[0]
    headers = [h.strip() for h in headers]
    while headers and headers[-1] == "":
        headers.pop()
    width = len(headers)
    rows: list[list[str]] = []
    index: list[int] = []
    ragged: list[tuple[int, int]] = []
    ragged_text: dict[int, str] = {}
    for number, rec in numbered[1:]:
        cells = list(rec)
        while len(cells) > width and cells[-1].strip() == "":
            cells.pop()
        if len(cells) > width:
            ragged.append((number, len(cells)))
            ragged_text[number] = ",".join(rec)
            continue
        cells += [""] * (width - len(cells))
        rows.append(cells)
        index.append(number)
    frame = pd.DataFrame(
        rows, columns=range(width), index=pd.Index(index, name="row"), dtype=object
    )
    frame.columns = headers
    return RawTable(source, headers, frame, ragged, ragged_text)


def _excel_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _read_xlsx(path: Path) -> list[RawTable]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a pinned dependency
        raise ReadError(f"{path.name}: reading .xlsx needs openpyxl ({exc})") from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ReadError(
            f"{path.name}: cannot be opened as an Excel .xlsx workbook ({type(exc).__name__})"
        ) from None
    tables = []
    try:
        # A template's notes and lists sheets are not data (nest_eval.ingest.templates).
        sheets = [s for s in workbook.worksheets if s.title.strip().lower() not in TEMPLATE_SHEETS]
        for sheet in sheets:
            records = [[_excel_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            if not any(any(c.strip() for c in rec) for rec in records):
                continue
            source = path.name if len(sheets) == 1 else f"{path.name}[{sheet.title}]"
            tables.append(_table_from_records(source, records))
    finally:
        workbook.close()
    if not tables:
        raise ReadError(f"{path.name}: the workbook has no data")
    return tables
