"""Reading a published spreadsheet back, independently of the code that writes it.

A table's spreadsheet (``tables/<name>.ods``, ``.xlsx``, ``.cy.ods``, ``.cy.xlsx``) must show
the numbers of its CSV (``tables/<name>.csv``) and nothing more: :func:`mismatches` reads both,
the spreadsheet with pandas and python-calamine, and lists every cell where they differ. Checks
of the published files (the disclosure attacks read the CSVs) thereby cover the spreadsheets.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd

TABLE_SHEET = 3
"""Position of the table's sheet (after the cover, contents and notes)."""

HEADER_ROW = 2
"""Row of the table's headings on its sheet (0-based: after the title and one line of text)."""

INDICATORS_TOML = (
    Path(__file__).resolve().parents[1] / "src/nest_eval/reference/data/indicators.toml"
)

_NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")


def csv_of(spreadsheet: Path) -> Path:
    """The CSV a spreadsheet is the download of (``access.cy.ods`` -> ``access.csv``)."""
    return spreadsheet.with_name(spreadsheet.name.split(".")[0] + ".csv")


def read_table(spreadsheet: Path) -> pd.DataFrame:
    """The table sheet's table, cells as stored (numbers as numbers, text as text)."""
    return pd.read_excel(
        spreadsheet,
        sheet_name=TABLE_SHEET,
        header=HEADER_ROW,
        engine="calamine",
        dtype=object,
        keep_default_na=False,
        na_values=[],
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(shown: float, written: float) -> bool:
    """Equal, or equal to the 15 significant digits an Excel number keeps (an unrounded
    ``mean_rating`` in an ``.xlsx``)."""
    return shown == written or f"{shown:.15g}" == f"{written:.15g}"


def text_columns() -> set[str]:
    """Columns of keys and text (unit ``text`` in ``indicators.toml``): shown as labels."""
    columns = tomllib.loads(INDICATORS_TOML.read_text(encoding="utf-8"))["columns"]
    return {name for name, spec in columns.items() if spec["unit"] == "text"}


def _cell_mismatch(text: str, shown: object, shorthand: str) -> str | None:
    """Why a spreadsheet cell does not show a CSV cell (None when it does)."""
    if text == shorthand:
        return None if shown == "[c]" else f"suppressed {shorthand!r} shown as {shown!r}"
    if _NUMBER.fullmatch(text):
        if not _is_number(shown):
            return f"number {text} stored as {shown!r}"
        if not _same(float(shown), float(text)):
            return f"number {text} shown as {shown!r}"
        return None
    if text == "":
        return None if shown in ("[x]", "", None) else f"blank shown as {shown!r}"
    if _is_number(shown):
        return f"text {text!r} shown as the number {shown!r}"
    return None  # keys and text are shown as their labels


def mismatches(spreadsheet: Path, shorthand: str = "c") -> list[str]:
    """Every cell of a spreadsheet's table that does not show its CSV's value.

    The sheet holds the CSV's columns in order, with one column added after the indicator (its
    unit) in tables of several indicators; a column is matched to the CSV's by position, the
    added one skipped where the sheet has one column more.
    """
    csv = pd.read_csv(csv_of(spreadsheet), dtype=str, keep_default_na=False)
    sheet = read_table(spreadsheet)
    found = []
    if len(sheet) != len(csv):
        return [f"{spreadsheet.name}: {len(sheet)} rows, its CSV {len(csv)}"]
    positions = list(range(len(csv.columns)))
    if len(sheet.columns) == len(csv.columns) + 1:
        after = "label" if "label" in csv.columns else "indicator"
        added = list(csv.columns).index(after) + 1
        positions = [p if p < added else p + 1 for p in positions]
    elif len(sheet.columns) != len(csv.columns):
        return [f"{spreadsheet.name}: {len(sheet.columns)} columns, its CSV {len(csv.columns)}"]
    keys = text_columns()
    for column, position in zip(csv.columns, positions, strict=True):
        if column in keys:
            continue
        for row, (text, shown) in enumerate(zip(csv[column], sheet.iloc[:, position], strict=True)):
            why = _cell_mismatch(text, shown, shorthand)
            if why:
                found.append(f"{spreadsheet.name} row {row} column {column}: {why}")
    return found
