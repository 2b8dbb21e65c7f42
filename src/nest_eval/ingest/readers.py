"""Reading raw files (CSV and workbooks) into text tables, exactly as received.

Nothing is interpreted here: every cell becomes text (spreadsheet dates become ISO dates,
spreadsheet numbers their shortest exact text), every data row keeps its row number, and a row
that cannot be read as the header says is kept aside for quarantine, never padded or dropped.

What the reader decides, so that no row can hide:

- **Only regular files are opened.** An entry's type is checked with ``lstat`` before anything
  is opened, and again on the open file: a folder, named pipe, socket or device is refused with
  its kind named, so nothing can hang. A symbolic link is followed when it leads to a regular
  file inside the raw-data folder; a link that loops, leads nowhere, or leads outside the
  folder is refused (the folder is the record of what was received: copy the file in).
- **CSV rows are counted from the physical lines.** A row's number is the line of the file on
  which it starts (the header is usually line 1), so it is the spreadsheet row number unless an
  earlier cell spans several lines. Every line of a file is the header, a blank line, the first
  line of a row, or a further line of a quoted cell that legitimately holds line breaks (a
  comment of two paragraphs is one row); :attr:`RawTable.lines` keeps that account. A quote
  that is never closed, or whose quoted text takes in lines that read as rows of the file, is
  not allowed to swallow them: the row where the quote opens is quarantined
  (``unclosed_quote``) and reading resumes on the next line, so each following line is a row of
  its own. Fields have no size limit.
- **A plain CSV file is read by Arrow.** A file with no quote, no byte-order mark after its
  start, a header of named cells, every line with the header's number of fields and no blank
  line is read by the careful reader as one row per line, each line split at its commas, with
  nothing to quarantine: Arrow's CSV reader reads it so, with the same cells and row numbers.
  Every other file is read by the careful reader, which finds what follows.
- **A row must have the header's fields.** Fewer fields is ``short_row``; more (other than
  blank trailing fields) is ``ragged_row``; text after a closing quote is ``text_after_quote``.
- **A column without a header is not read.** A column whose header cell is blank, or one more
  column than the header that every row has (a notes column added without a name), is reported
  once per file as an unnamed column with the number of values it holds; its values are not
  used, so they can never be published.
- **Workbooks** (``.xlsx``, ``.xls``, ``.ods``, read with python-calamine): every visible sheet
  with data is read as a table of the dataset; hidden sheets are not read and are named in a
  note. A formula cell with no calculated value saved (a workbook written by a program that
  does not calculate) and an error cell (``#DIV/0!``, ``#REF!`` ...) would otherwise read as
  blank: their rows are quarantined (``uncalculated_formula``, ``error_cell``) with the sheet
  and cell named. ``.xls`` files store a result with every formula, so only ``.xlsx`` and
  ``.ods`` are checked for formulas.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import math
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv

from nest_eval.files import sha256_file
from nest_eval.ingest.templates import TEMPLATE_SHEETS

__all__ = [
    "DATA_KINDS",
    "DATA_SUFFIXES",
    "RawTable",
    "ReadError",
    "RowProblem",
    "file_sha256",
    "read_table",
    "sha256_file",
    "skip_reason",
]

DATA_SUFFIXES = (".csv", ".xlsx", ".xls", ".ods")
DATA_KINDS = ", ".join(DATA_SUFFIXES[:-1]) + " or " + DATA_SUFFIXES[-1]
"""The kinds of data file read, as messages name them (``.csv, .xlsx, .xls or .ods``)."""
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")

_QUOTED = re.compile(r'[^"]*(?:""[^"]*)*')
_UNQUOTED = re.compile(r"[^,\r\n]*")
_NEWLINE = re.compile(r"\r\n|\n|\r")
_ROW_TEXT_LIMIT = 200
_BLANK = (
    ",\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""A comma and every character ``str.strip`` removes: a line of nothing else is blank."""
_BLANK_CELL = "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in _BLANK) + "]*$"
"""A cell of nothing but those characters, for Arrow's regular expressions (RE2)."""


class ReadError(Exception):
    """A file, or a part of it, could not be read. The message names the file and the part."""


@dataclass(frozen=True)
class RowProblem:
    """A data row that could not be read as the header says, for the quarantine.

    Attributes
    ----------
    row : int
        Row number (CSV: the line where the row starts; workbook: the sheet row).
    rule : str
        The rule broken (a key of :data:`nest_eval.ingest.validation.RULES`).
    column : str
        The column concerned, or ``""`` for the row as a whole.
    value : str
        The cell, or the row's text, as given (at most 200 characters).
    message : str
        What is wrong, naming the line, sheet or cell where it helps.
    record : str
        The row as read.
    """

    row: int
    rule: str
    column: str
    value: str
    message: str
    record: str


@dataclass
class RawTable:
    """The text content of one file (or one worksheet).

    Attributes
    ----------
    source : str
        File name, with ``[sheet]`` for a worksheet of a workbook with several sheets.
    headers : list of str
        Column headers as written (the named columns only: an unnamed column is not read).
    frame : pandas.DataFrame
        One column per header, every cell text (blank = ``""``), index = row number.
    rejected : list of RowProblem
        Problems of the rows kept aside for quarantine (a row may have several).
    notes : list of str
        What was not read and why (unnamed columns, hidden sheets, lines of multi-line cells).
    lines : dict of str to int
        CSV only: the file's physical lines, ``header`` + ``blank`` + ``rows`` + ``within_rows``
        (further lines of cells holding line breaks) = ``total``.
    """

    source: str
    headers: list[str]
    frame: pd.DataFrame
    rejected: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def rejected_rows(self) -> int:
        """How many data rows were kept aside for quarantine."""
        return len({p.row for p in self.rejected})


@dataclass
class _Record:
    """One record as read: its row number, cells, raw text and problems found while reading."""

    row: int
    cells: list[str]
    text: str
    lines: int = 1
    faults: list[tuple[int, str, str, str]] = field(default_factory=list)
    """(0-based field, rule, value, message) for each problem found while reading."""


# --- entries of the raw-data folder ---------------------------------------------------------


def _kind(mode: int) -> str:
    """Plain name of a file type that is not a regular file."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _link_problem(path: Path, folder: Path) -> str | None:
    """Why a symbolic link cannot be read, or None when it leads to a regular file inside."""
    target = os.readlink(path)
    try:
        mode = os.stat(path).st_mode
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
            return f"a symbolic link that loops ({target}); it is not read"
        if isinstance(exc, FileNotFoundError):
            return f"a symbolic link to nothing ({target} does not exist); it is not read"
        return f"a symbolic link that cannot be followed ({exc.strerror}); it is not read"
    if not real.is_relative_to(folder.resolve()):
        return (
            f"a link to {real}, outside the raw-data folder; it is not read "
            "(copy the file into the folder)"
        )
    if not stat.S_ISREG(mode):
        return f"a link to {_kind(mode)}; it is not read"
    return None


def entry_problem(path: Path, folder: Path | None = None) -> str | None:
    """Why an entry of the raw-data folder cannot be read as a file, or None when it can.

    The entry's type is taken with ``lstat``; nothing is opened.

    Parameters
    ----------
    path : pathlib.Path
        The entry.
    folder : pathlib.Path, optional
        The raw-data folder (default: the entry's folder): links must stay inside it.

    Returns
    -------
    str or None
        The reason, in words, or None for a regular file or a link to one inside the folder.
    """
    folder = path.parent if folder is None else folder
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return f"cannot be examined ({exc.strerror})"
    if stat.S_ISLNK(mode):
        return _link_problem(path, folder)
    if not stat.S_ISREG(mode):
        return f"{_kind(mode)}, not a file; it is not read"
    return None


def skip_reason(path: Path, folder: Path) -> str | None:
    """Why an entry of the raw-data folder is not a data file to read, or None when it is one.

    Hidden files, Office lock files, folders, files of other types and links to another file
    of the folder (read under its own name) are skipped. A data file that cannot be read
    (a link that leads nowhere, a named pipe called ``outcomes.csv``) is *not* skipped here:
    it belongs to its dataset, which reports it as unreadable.

    Parameters
    ----------
    path : pathlib.Path
        The entry.
    folder : pathlib.Path
        The raw-data folder.

    Returns
    -------
    str or None
        The reason, in words.
    """
    name = path.name
    if name.startswith("~$"):
        return "an Office lock file (the workbook is open in a spreadsheet program)"
    if name.startswith("."):
        return "a hidden file"
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return f"cannot be examined ({exc.strerror})"
    if stat.S_ISDIR(mode):
        return "a folder: only files directly in the raw-data folder are read"
    if stat.S_ISLNK(mode):
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            real = None
        if real is not None and real.parent == folder.resolve() and real.name != name:
            return f"a link to {real.name} in this folder, which is read under its own name"
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        kind = f"{suffix} file" if suffix else "file without an extension"
        return f"not a data file (a {kind}; data files are {DATA_KINDS})"
    return None


def _read_bytes(path: Path) -> bytes:
    """The bytes of a regular file; refuses anything else without blocking on it."""
    problem = entry_problem(path)
    if problem:
        raise ReadError(f"{path.name}: {problem}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ReadError(f"{path.name}: cannot be opened ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):  # changed since it was examined
            raise ReadError(f"{path.name}: {_kind(mode)}, not a file; it is not read")
        try:
            return handle.read()
        except OSError as exc:
            raise ReadError(f"{path.name}: cannot be read ({exc.strerror})") from None


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a readable regular file; ``""`` for an entry that is not read."""
    if entry_problem(path):
        return ""
    try:
        return sha256_file(path)
    except OSError:
        return ""


# --- tables -----------------------------------------------------------------------------


def read_table(path: Path) -> list[RawTable]:
    """Read a CSV file or a workbook into text tables (one per visible worksheet with data).

    Parameters
    ----------
    path : pathlib.Path
        The file (``.csv``, ``.xlsx``, ``.xls`` or ``.ods``).

    Returns
    -------
    list of RawTable
        One table for a CSV file; one per visible non-empty worksheet for a workbook, leaving
        out a template's notes and lists sheets
        (:data:`~nest_eval.ingest.templates.TEMPLATE_SHEETS`).

    Raises
    ------
    ReadError
        When the entry is not a regular file (or a link to one inside its folder), cannot be
        opened or decoded, or has no header row.
    """
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise ReadError(f"{path.name}: not a CSV, .xlsx, .xls or .ods file")
    data = _read_bytes(path)
    if suffix == ".csv":
        return [_read_csv(path.name, data)]
    return _read_workbook(path.name, data)


def _column_label(index: int) -> str:
    """Spreadsheet letters of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _blank(record: _Record) -> bool:
    return not record.faults and not any(cell.strip() for cell in record.cells)


def _table_from_records(source: str, records: list[_Record]) -> RawTable:
    """The table of a file's records: the first non-blank record is the header."""
    content = [r for r in records if not _blank(r)]
    if not content:
        raise ReadError(f"{source}: the file is empty (no header row)")
    header = content[0]
    if header.faults:
        why = header.faults[0][3].split("; ")[0]  # not what happens to a data row
        raise ReadError(f"{source}: the header row cannot be read: {why}")
    named = [i for i, h in enumerate(header.cells) if h.strip()]
    named_width = named[-1] + 1 if named else 0
    data = content[1:]
    width = _record_width(len(header.cells), data)
    table = RawTable(source, [header.cells[i].strip() for i in named], pd.DataFrame())
    kept: list[_Record] = []
    for record in data:
        record.faults = [f for f in record.faults if f[1] not in _CELL_RULES or f[0] in named]
        problems = _row_problems(record, header.cells, named_width, width)
        if problems:
            table.rejected += problems
        else:
            kept.append(record)
    table.notes += _unnamed_column_notes(source, header.cells, width, kept)
    rows = [(r.cells + [""] * (width - len(r.cells)))[:width] for r in kept]
    frame = pd.DataFrame(
        [[cells[i] for i in named] for cells in rows],
        columns=range(len(named)),
        index=pd.Index([r.row for r in kept], name="row", dtype="int64"),
        dtype=object,
    )
    frame.columns = table.headers
    table.frame = frame
    return table


def _record_width(header_fields: int, data: list[_Record]) -> int:
    """Fields a row may have: the header's, or more when every row has the same larger count."""
    counts = {len(r.cells) for r in data if not r.faults}
    if len(counts) == 1 and (only := counts.pop()) > header_fields:
        return only
    return header_fields


def _row_problems(
    record: _Record, header: list[str], named_width: int, width: int
) -> list[RowProblem]:
    """The problems that keep a record out of the table (none for a good row)."""
    text = record.text
    if record.faults:
        return [
            RowProblem(record.row, rule, _header_name(header, i), value, message, text)
            for i, rule, value, message in record.faults
        ]
    cells = list(record.cells)
    while len(cells) > width and cells[-1].strip() == "":
        cells.pop()
    if len(cells) < named_width:
        rule = "short_row"
        message = f"the row has {len(cells)} field(s); the header has {named_width}"
    elif len(cells) > width:
        rule = "ragged_row"
        message = f"the row has {len(cells)} fields; the header has {width}"
    else:
        return []
    if record.lines > 1:
        message += f" (the row is on lines {record.row}-{_last(record)})"
    return [RowProblem(record.row, rule, "", text[:_ROW_TEXT_LIMIT], message, text)]


def _last(record: _Record) -> int:
    return record.row + record.lines - 1


def _header_name(header: list[str], index: int) -> str:
    if index < len(header) and header[index].strip():
        return header[index].strip()
    return f"column {_column_label(index)}"


def _unnamed_column_notes(
    source: str, header: list[str], width: int, rows: list[_Record]
) -> list[str]:
    """One note per column without a header that holds values: they are not read."""
    notes = []
    for i in range(width):
        if i < len(header) and header[i].strip():
            continue
        values = sum(1 for r in rows if i < len(r.cells) and r.cells[i].strip())
        if values:
            notes.append(
                f"{source}: column {_column_label(i)} has no header; its {values} value(s) are "
                "not read (give the column a name to keep them)"
            )
    return notes


# --- CSV --------------------------------------------------------------------------------


def _read_csv(name: str, data: bytes) -> RawTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"{name}: not UTF-8 text (byte {exc.start} cannot be decoded); save it as CSV UTF-8"
        ) from None
    if "\x00" in text:
        raise ReadError(f"{name}: contains NUL bytes; it is not a CSV text file")
    plain = _plain_table(name, text, data)
    if plain is not None:
        return plain
    records = list(_CsvScanner(text).records())
    table = _table_from_records(name, records)
    table.lines = _line_account(text, records, table)
    within = table.lines["within_rows"]
    if within:
        table.notes.append(
            f"{name}: {within} line(s) are further lines of cells that hold line breaks "
            f"({table.lines['total']} lines = {table.lines['header']} header + "
            f"{table.lines['rows']} rows + {within} within rows + {table.lines['blank']} blank)"
        )
    return table


def _plain_header(text: str) -> list[str] | None:
    """The header of a CSV text with nothing for the careful reader to catch before it is read.

    That is a text with no quote and no byte-order mark inside, whose first line is a header of
    named cells followed by a line ending. None otherwise.
    """
    if '"' in text or "\ufeff" in text:
        return None
    end = _NEWLINE.search(text)
    if end is None:
        return None
    header = text[: end.start()].split(",")
    return header if all(cell.strip() for cell in header) else None


def _any_blank_row(read: pa.Table) -> bool:
    """Whether a row of Arrow's reading holds nothing but spaces in every cell.

    Each column is only looked at in the rows whose earlier cells are all blank.
    """
    rows = None
    for column in read.columns:
        cells = column if rows is None else column.take(rows)
        blank = pa_compute.indices_nonzero(pa_compute.match_substring_regex(cells, _BLANK_CELL))
        rows = blank if rows is None else rows.take(blank)
        if not len(rows):
            return False
    return True


def _plain_table(name: str, text: str, data: bytes) -> RawTable | None:
    """The table of a plain CSV text, or None when the careful reader must read it.

    A plain text (:func:`_plain_header`) whose every line has the header's number of fields and
    holds a value is what the careful reader (:class:`_CsvScanner`) reads as one row per line,
    each line split at its commas, with nothing to quarantine and nothing to note. Arrow's CSV
    reader reads its bytes so, with quoting off and every cell kept as text: the same cells, with
    the same row numbers (the line numbers). A line with another number of fields stops Arrow's
    reader; a blank line (nothing but commas and spaces) is found after.
    """
    header = _plain_header(text)
    if header is None:
        return None
    names = [str(i) for i in range(len(header))]
    try:
        read = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pa_csv.ParseOptions(
                quote_char=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:  # a line without the header's number of fields
        return None
    rows = read.num_rows
    if not rows or _any_blank_row(read):
        return None
    frame = read.to_pandas()
    frame.index = pd.Index(range(2, rows + 2), name="row", dtype="int64")
    table = RawTable(name, [cell.strip() for cell in header], frame)
    frame.columns = table.headers
    table.lines = {"total": rows + 1, "header": 1, "blank": 0, "rows": rows, "within_rows": 0}
    return table


def _line_account(text: str, records: list[_Record], table: RawTable) -> dict[str, int]:
    """Every physical line of the file: header, blank, first line of a row, or within a row."""
    total = len(_NEWLINE.findall(text)) + (0 if not text or text[-1] in "\r\n" else 1)
    content = [r for r in records if not _blank(r)]
    header = content[0]
    rows = content[1:]
    account = {
        "total": total,
        "header": _last(header),  # the header's lines and any blank lines before it
        "blank": sum(r.lines for r in records if _blank(r) and r.row > header.row),
        "rows": len(rows),
        "within_rows": sum(r.lines - 1 for r in rows),
    }
    parts = ("header", "blank", "rows", "within_rows")
    if sum(account[k] for k in parts) != total:  # pragma: no cover - an internal invariant
        raise AssertionError(f"{table.source}: the lines of the file do not add up")
    return account


class _CsvScanner:
    """Comma-separated records with the line each starts on (RFC 4180 quoting).

    Lines without a quote are split directly; a record with quotes is scanned field by field.
    A quoted cell that runs to the end of the file, or whose text holds a line that has at
    least as many commas as the header (a row it has swallowed), is not accepted: the lines up
    to where the quote opens become a record with an ``unclosed_quote`` fault and scanning
    resumes on the next line.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.width = 0  # header fields, once the header is read

    def records(self) -> Iterator[_Record]:
        """Every record of the text, blank ones included."""
        text = self.text
        while self.pos < len(text):
            match = _NEWLINE.search(text, self.pos)
            end = match.start() if match else len(text)
            segment = text[self.pos : end]
            if '"' in segment:
                record = self._quoted_record()
            else:
                record = _Record(self.line, segment.split(","), segment)
                self.pos = match.end() if match else len(text)
                self.line += 1
            if not self.width and not _blank(record):
                self.width = len(record.cells)
            yield record

    def _end_of_line(self, pos: int) -> int:
        match = _NEWLINE.search(self.text, pos)
        return match.start() if match else len(self.text)

    def _quoted_record(self) -> _Record:
        text, start, first_line = self.text, self.pos, self.line
        cells: list[str] = []
        faults: list[tuple[int, str, str, str]] = []
        pos = start
        while True:
            if pos < len(text) and text[pos] == '"':
                cell, pos, fault = self._quoted_cell(pos, len(cells))
                if fault and fault[1] == "unclosed_quote":
                    return self._runaway(start, first_line, pos, cells, fault)
                if fault:
                    faults.append(fault)
            else:
                stop = _UNQUOTED.match(text, pos).end()
                cell, pos = text[pos:stop], stop
            cells.append(cell)
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            break
        body = text[start:pos]
        lines = 1 + len(_NEWLINE.findall(body))
        faults = [(i, rule, value, f"line {first_line}: {why}") for i, rule, value, why in faults]
        match = _NEWLINE.match(text, pos)
        self.pos = match.end() if match else len(text)
        self.line = first_line + lines
        return _Record(first_line, cells, body, lines, faults)

    def _quoted_cell(
        self, pos: int, index: int
    ) -> tuple[str, int, tuple[int, str, str, str] | None]:
        """A quoted cell from its opening quote: (text, position after it, fault or None)."""
        text = self.text
        match = _QUOTED.match(text, pos + 1)
        inside = match.group()
        if match.end() >= len(text):
            return inside, pos, (index, "unclosed_quote", "", "runs to the end of the file")
        parts = _NEWLINE.split(inside)
        if self.width > 1 and any(p.count(",") + 1 >= self.width for p in parts[1:]):
            return inside, pos, (index, "unclosed_quote", "", "takes in lines that read as rows")
        cell = inside.replace('""', '"')
        after = match.end() + 1
        stop = _UNQUOTED.match(text, after).end()
        if stop == after:
            return cell, after, None
        extra = text[after:stop]
        message = f"text {extra[:40]!r} follows the closing quote of the cell"
        return cell + extra, stop, (index, "text_after_quote", f'"{cell}"{extra}'[:200], message)

    def _runaway(
        self,
        start: int,
        first_line: int,
        quote: int,
        cells: list[str],
        fault: tuple[int, str, str, str],
    ) -> _Record:
        """The record up to the end of the line where an unclosed quote opens."""
        end = self._end_of_line(quote)
        body = self.text[start:end]
        quote_line = first_line + len(_NEWLINE.findall(self.text, start, quote))
        index, rule, _, why = fault
        message = (
            f"a quote opened on line {quote_line} is not closed where the cell should end (it "
            f"{why}); the row is quarantined and reading resumes on line {quote_line + 1}"
        )
        value = self.text[quote:end][:_ROW_TEXT_LIMIT]
        match = _NEWLINE.match(self.text, end)
        self.pos = match.end() if match else len(self.text)
        self.line = quote_line + 1
        cells = [*cells, self.text[quote + 1 : end]]
        fault = (index, rule, value, message)
        return _Record(first_line, cells, body, quote_line - first_line + 1, [fault])


# --- workbooks --------------------------------------------------------------------------


def _excel_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _read_workbook(name: str, data: bytes) -> list[RawTable]:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several types for a damaged file
        kind = Path(name).suffix.lower()
        raise ReadError(
            f"{name}: cannot be opened as a {kind} workbook ({type(exc).__name__})"
        ) from None
    faults = _cell_faults(name, data)
    visible = [s.name for s in workbook.sheets_metadata if s.visible == SheetVisibleEnum.Visible]
    hidden = [s.name for s in workbook.sheets_metadata if s.name not in visible]
    # A template's notes and lists sheets are not data (nest_eval.ingest.templates).
    data_sheets = [s for s in visible if s.strip().lower() not in TEMPLATE_SHEETS]
    tables = []
    try:
        for sheet_name in data_sheets:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            records = _sheet_records(rows, faults.get(sheet_name, {}), sheet_name)
            if all(_blank(r) for r in records):
                continue
            source = name if len(data_sheets) == 1 else f"{name}[{sheet_name}]"
            tables.append(_table_from_records(source, records))
    finally:
        workbook.close()
    if not tables:
        also = f" (hidden sheets are not read: {', '.join(hidden)})" if hidden else ""
        raise ReadError(f"{name}: the workbook has no data in a visible sheet{also}")
    if hidden:
        tables[0].notes.append(
            f"{name}: hidden sheet(s) not read: {', '.join(repr(h) for h in hidden)} "
            "(unhide a sheet to have it read)"
        )
    return tables


def _sheet_records(
    rows: list[list[object]], faults: dict[tuple[int, int], tuple[str, str]], sheet: str
) -> list[_Record]:
    """Records of a sheet, row numbers as the sheet shows them, with their cell faults."""
    records = [
        _Record(i + 1, cells, ",".join(cells))
        for i, cells in enumerate([_excel_text(v) for v in row] for row in rows)
    ]
    for (r, c), (rule, value) in sorted(faults.items()):
        if r <= len(records):
            message = f"sheet {sheet!r}, cell {_column_label(c - 1)}{r}: {_FAULT_TEXT[rule]}"
            records[r - 1].faults.append((c - 1, rule, value, message))
    return records


_CELL_RULES = ("uncalculated_formula", "error_cell")
_FAULT_TEXT = {
    "uncalculated_formula": (
        "a formula with no calculated value saved (open the file in a spreadsheet program, "
        "let it calculate and save it)"
    ),
    "error_cell": "the cell holds a spreadsheet error",
}


def _cell_faults(name: str, data: bytes) -> dict[str, dict[tuple[int, int], tuple[str, str]]]:
    """Per sheet, the cells (1-based row, column) that would read as blank but are not."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".xlsx", ".ods") or not zipfile.is_zipfile(io.BytesIO(data)):
        return {}  # .xls stores a result with every formula
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if suffix == ".xlsx":
                return _xlsx_faults(archive)
            return _ods_faults(archive)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise ReadError(f"{name}: the workbook's cells cannot be checked ({exc})") from None


_XL = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XL_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _cell_position(ref: str | None, row: int, previous_column: int) -> tuple[int, int]:
    """1-based (row, column) of a cell reference such as ``D12`` (or the next cell)."""
    if not ref:
        return row, previous_column + 1
    letters = ref.rstrip("0123456789")
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return int(ref[len(letters) :] or row), column


def _xlsx_faults(archive: zipfile.ZipFile) -> dict[str, dict[tuple[int, int], tuple[str, str]]]:
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    calc = book.find(f"{_XL}calcPr")
    recalculate = calc is not None and calc.get("fullCalcOnLoad") in ("1", "true")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(_PKG_REL)}
    faults = {}
    for sheet in book.iter(f"{_XL}sheet"):
        target = targets.get(sheet.get(_XL_REL), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if part not in archive.namelist():
            continue
        with archive.open(part) as handle:
            faults[sheet.get("name", "")] = _xlsx_sheet_faults(handle, recalculate)
    return faults


def _xlsx_sheet_faults(handle: object, recalculate: bool) -> dict[tuple[int, int], tuple[str, str]]:
    """Error cells, and formula cells with no saved value (or all, when marked to recalculate)."""
    faults = {}
    row = column = 0
    for event, element in ElementTree.iterparse(handle, events=("start", "end")):
        if event == "start":
            if element.tag == f"{_XL}row":
                row = int(element.get("r") or row + 1)
                column = 0
            continue
        if element.tag != f"{_XL}c":
            if element.tag == f"{_XL}row":
                element.clear()
            continue
        row, column = _cell_position(element.get("r"), row, column)
        kind = element.get("t", "n")
        value = element.find(f"{_XL}v")
        saved = value is not None and (bool(value.text) or kind in ("str", "inlineStr"))
        formula = element.find(f"{_XL}f")
        if kind == "e":
            faults[(row, column)] = ("error_cell", (value.text or "") if value is not None else "")
        elif formula is not None and (recalculate or not saved):
            faults[(row, column)] = ("uncalculated_formula", f"={formula.text or ''}")
    return faults


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _ods_faults(archive: zipfile.ZipFile) -> dict[str, dict[tuple[int, int], tuple[str, str]]]:
    """Formula cells with no value type (never calculated) and error results, per sheet."""
    faults: dict[str, dict[tuple[int, int], tuple[str, str]]] = {}
    cells = (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell")
    sheet = ""
    row = column = 0
    with archive.open("content.xml") as handle:
        for event, element in ElementTree.iterparse(handle, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_ODS_TABLE}table":
                    sheet, row = element.get(f"{_ODS_TABLE}name", ""), 0
                    faults.setdefault(sheet, {})
                elif tag == f"{_ODS_TABLE}table-row":
                    column = 0
                continue
            if tag == f"{_ODS_TABLE}table-row":
                row += int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
                element.clear()
            elif tag in cells:
                fault = _ods_cell_fault(element)
                if fault:
                    faults[sheet][(row + 1, column + 1)] = fault
                column += int(element.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
    return faults


def _ods_cell_fault(cell: ElementTree.Element) -> tuple[str, str] | None:
    if cell.get(f"{_ODS_CALCEXT}value-type") == "error":
        return "error_cell", "".join(cell.itertext())
    formula = cell.get(f"{_ODS_TABLE}formula")
    if formula and not cell.get(f"{_ODS_OFFICE}value-type"):
        return "uncalculated_formula", formula
    return None
