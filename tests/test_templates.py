"""Templates RPBs fill in: contract columns, drop-down lists, checks, notes in two languages."""

import datetime as dt
import os
import re
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from nest_eval.cli import main
from nest_eval.demo.generator import generate_demo_data
from nest_eval.ingest.datasets import ingest
from nest_eval.ingest.readers import read_table
from nest_eval.ingest.templates import (
    DATE_WINDOW,
    FIXED_TIME,
    LISTS_SHEET,
    NOTES_SHEET,
    TEMPLATE_SHEETS,
    template_bytes,
    write_templates,
)
from nest_eval.reference.codings import VOCABULARIES
from nest_eval.reference.contract import DATASETS, Column
from nest_eval.reference.measures import CATALOGUE, RAW_INPUT_CODES
from nest_eval.reference.messages import messages
from nest_eval.reference.vocabulary import ELEMENTS, RPB_NAMES

NUMERIC = ("int", "year", "number", "half_point", "score", "rate")
ROWS_PER_DATASET = 80


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """The six templates, written once."""
    folder = tmp_path_factory.mktemp("templates")
    write_templates(folder)
    return folder


@pytest.fixture(scope="module")
def demo_rows():
    """Valid rows of each dataset: a spread of the demo data drawn without planted problems."""
    frames = generate_demo_data(seed=11, scale="random").frames
    return {
        name: frame.iloc[:: max(1, len(frame) // ROWS_PER_DATASET)].reset_index(drop=True)
        for name, frame in frames.items()
    }


def typed(col: Column, text: str) -> object:
    """A value as a spreadsheet user leaves it: dates as dates, numbers as numbers."""
    if text == "":
        return None
    if col.kind == "date":
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                pass
    if col.kind in NUMERIC:
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number
    return text


def fill(template, rows: pd.DataFrame, dataset, path) -> None:
    """Fill a template's data sheet with rows, as typed values, and save it under ``path``."""
    book = openpyxl.load_workbook(template)
    sheet = book[dataset.name]
    header = [c.value for c in sheet[1]]
    for values in rows.itertuples(index=False):
        record = dict(zip(rows.columns, values, strict=True))
        sheet.append([typed(dataset.column(name), record[name]) for name in header])
    book.save(path)


def validations(sheet, letter):
    """The data validations covering a column's first data cell."""
    return [dv for dv in sheet.data_validations.dataValidation if f"{letter}2" in dv.sqref]


def list_values(book, formula):
    """The values a list validation's range on the lists sheet holds."""
    match = re.fullmatch(r"'?(\w+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert match, formula
    name, column, first, _, last = match.groups()
    cells = book[name][f"{column}{first}:{column}{last}"]
    return tuple(row[0].value for row in cells)


def canonical(col: Column) -> tuple[str, ...] | None:
    """The vocabulary a column's drop-down list must offer, from the reference data."""
    if col.kind == "rpb":
        return RPB_NAMES
    if col.kind == "element":
        return tuple(e.key for e in ELEMENTS)
    if col.kind == "measure":
        return (*CATALOGUE.keys(), *RAW_INPUT_CODES)
    if col.kind in ("category", "yes_no"):
        return VOCABULARIES[col.vocabulary].values
    return None


# --- round trip through ingest ----------------------------------------------------------------


def test_filled_templates_pass_validate_and_ingest_gives_what_csv_gives(
    templates, demo_rows, tmp_path, capsys
):
    raw, csv = tmp_path / "raw", tmp_path / "csv"
    raw.mkdir()
    csv.mkdir()
    for dataset in DATASETS:
        rows = demo_rows[dataset.name]
        fill(templates / f"{dataset.name}.xlsx", rows, dataset, raw / f"{dataset.name}_2025.xlsx")
        rows.to_csv(csv / f"{dataset.name}.csv", index=False)
    assert main(["validate", "--strict", str(raw)]) == 0
    out = capsys.readouterr().out
    from_xlsx, from_csv = ingest(raw), ingest(csv)
    for dataset in DATASETS:
        written = len(demo_rows[dataset.name])
        outcome = from_xlsx.datasets[dataset.name]
        assert outcome.status == "loaded"
        assert (outcome.rows_read, outcome.rows_accepted) == (written, written)
        assert outcome.rows_quarantined == outcome.duplicates_collapsed == 0
        assert outcome.reconciles()
        assert f"{dataset.name}: {written} read = {written} accepted + 0 quarantined" in out
        accepted = outcome.accepted
        # only the data sheet is read: the file is named alone, without a sheet
        assert set(accepted["source_file"]) == {f"{dataset.name}_2025.xlsx"}
        assert accepted["source_row"].tolist() == list(range(2, written + 2))
        same = from_csv.datasets[dataset.name].accepted.drop(columns="source_file")
        pd.testing.assert_frame_equal(accepted.drop(columns="source_file"), same)


def test_a_blank_template_reads_as_no_rows(templates, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "training.xlsx").write_bytes((templates / "training.xlsx").read_bytes())
    outcome = ingest(raw).datasets["training"]
    assert outcome.status == "loaded"
    assert outcome.rows_read == outcome.rows_accepted == 0


def test_reader_skips_the_template_sheets_by_name_ignoring_case(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "access"
    book.active.append(["request_id", "rpb", "received_date"])
    book.active.append(["A1", "Gwent", "2025-01-02"])
    for title in ("Notes", " LISTS ", "more"):
        book.create_sheet(title).append(["anything", "else"])
    book.save(tmp_path / "access.xlsx")
    sources = [t.source for t in read_table(tmp_path / "access.xlsx")]
    assert sources == ["access.xlsx[access]", "access.xlsx[more]"]
    assert TEMPLATE_SHEETS == (NOTES_SHEET, LISTS_SHEET)


# --- the data sheet ---------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_header_is_the_contract_with_required_columns_bold_and_noted(templates, dataset):
    book = openpyxl.load_workbook(templates / f"{dataset.name}.xlsx")
    assert book.sheetnames == [dataset.name, NOTES_SHEET, LISTS_SHEET]
    assert all(sheet.sheet_state == "visible" for sheet in book.worksheets)
    assert book.active.title == dataset.name
    sheet = book[dataset.name]
    assert [c.value for c in sheet[1]] == [c.name for c in dataset.columns]
    catalogue = messages()
    for cell, col in zip(sheet[1], dataset.columns, strict=True):
        assert bool(cell.font.bold) == col.required, col.name
        description = catalogue[f"contract.column.{dataset.name}.{col.name}"]
        assert description.english in cell.comment.text
        assert description.welsh in cell.comment.text
        assert ("Required." in cell.comment.text) == col.required
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_drop_down_lists_offer_the_canonical_vocabulary(templates, dataset):
    book = openpyxl.load_workbook(templates / f"{dataset.name}.xlsx")
    sheet = book[dataset.name]
    for cell, col in zip(sheet[1], dataset.columns, strict=True):
        expected = canonical(col)
        found = [dv for dv in validations(sheet, cell.column_letter) if dv.type == "list"]
        if expected is None:
            assert found == [], col.name
            continue
        assert len(found) == 1, col.name
        assert found[0].formula1.startswith(f"'{LISTS_SHEET}'!")
        assert list_values(book, found[0].formula1) == expected, col.name
        assert f"{cell.column_letter}1048576" in str(found[0].sqref)


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_numbers_and_dates_are_checked_with_the_contract_ranges(templates, dataset):
    book = openpyxl.load_workbook(templates / f"{dataset.name}.xlsx")
    sheet = book[dataset.name]
    low_date, high_date = DATE_WINDOW
    for cell, col in zip(sheet[1], dataset.columns, strict=True):
        letter = cell.column_letter
        found = [dv for dv in validations(sheet, letter) if dv.type != "list"]
        fmt = sheet.column_dimensions[letter].number_format
        if col.kind in ("int", "year", "number", "half_point"):
            (dv,) = found
            assert dv.type == ("whole" if col.kind in ("int", "year") else "decimal")
            assert float(dv.formula1) == col.minimum
            if col.maximum is None:
                assert dv.operator == "greaterThanOrEqual" and dv.formula2 is None
            else:
                assert dv.operator == "between" and float(dv.formula2) == col.maximum
        elif col.kind == "date":
            (dv,) = found
            assert (dv.type, dv.operator) == ("date", "between")
            assert dv.formula1 == f"DATE({low_date.year},{low_date.month},{low_date.day})"
            assert dv.formula2 == f"DATE({high_date.year},{high_date.month},{high_date.day})"
            assert fmt == "yyyy-mm-dd"
        elif col.kind == "rate":  # a proportion 0-1 or a percentage 0-100, as ingest reads it
            (dv,) = found
            assert (float(dv.formula1), float(dv.formula2)) == (0, 100)
        elif col.kind == "score":  # every measure's range fits
            (dv,) = found
            assert float(dv.formula1) <= min(m.score_min for m in CATALOGUE)
            assert float(dv.formula2) >= max(m.score_max for m in CATALOGUE)
        else:
            assert found == [], col.name
        if col.kind in ("id", "text", "comment"):
            assert fmt == "@", col.name  # identifiers keep leading zeros
        for dv in validations(sheet, letter):
            assert dv.showErrorMessage and dv.showInputMessage and dv.allow_blank
            assert len(dv.prompt) <= 255 and len(dv.error) <= 255  # Excel's limits
            assert len(dv.promptTitle) <= 32 and len(dv.errorTitle) <= 32


# --- the notes --------------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_notes_are_in_english_and_welsh(templates, dataset):
    book = openpyxl.load_workbook(templates / f"{dataset.name}.xlsx")
    rows = [tuple(c or "" for c in row) for row in book[NOTES_SHEET].iter_rows(values_only=True)]
    catalogue = messages()
    assert rows[0][1:] == (
        catalogue.label("template.title", "en", dataset=dataset.name),
        catalogue.label("template.title", "cy", dataset=dataset.name),
    )
    assert rows[1][1:] == tuple(
        catalogue.label(f"contract.dataset.{dataset.name}", lang) for lang in ("en", "cy")
    )
    assert ("Column / Colofn", "English", "Cymraeg") in rows
    by_column = {row[0]: row[1:] for row in rows if row[0]}
    for col in dataset.columns:
        english, welsh = by_column[col.name]
        message = catalogue[f"contract.column.{dataset.name}.{col.name}"]
        assert message.english in english and message.welsh in welsh
        assert english.startswith("Required." if col.required else "Optional.")
        assert welsh.startswith("Gofynnol." if col.required else "Dewisol.")
        values = canonical(col) or ()
        assert all(value in english and value in welsh for value in values)
    text = "\n".join(r[2] for r in rows)
    assert "Sut i anfon y ffeil" in text and f"'{dataset.name}'" in text


def test_contract_descriptions_and_template_words_are_in_the_catalogue_awaiting_review():
    catalogue = messages()
    for dataset in DATASETS:
        message = catalogue[f"contract.dataset.{dataset.name}"]
        assert message.english == dataset.description
        for col in dataset.columns:
            message = catalogue[f"contract.column.{dataset.name}.{col.name}"]
            assert message.english == col.description, (dataset.name, col.name)
    ours = [k for k in catalogue if k.startswith(("contract.", "template."))]
    assert all(catalogue[k].welsh and catalogue[k].welsh != "" for k in ours)
    assert set(ours) <= set(catalogue.awaiting_review("cy"))  # working Welsh: fuzzy


# --- reproducible bytes and the command line --------------------------------------------------


def test_the_same_code_writes_the_same_bytes(templates, tmp_path):
    for dataset in DATASETS:
        first = template_bytes(dataset)
        assert template_bytes(dataset) == first
        assert (templates / f"{dataset.name}.xlsx").read_bytes() == first
    props = openpyxl.load_workbook(templates / "outcomes.xlsx").properties
    assert props.created == props.modified == FIXED_TIME
    assert props.creator == "nest-eval" and props.lastModifiedBy is None
    # another process, with another string-hash seed
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    command = [sys.executable, "-m", "nest_eval.cli", "template", str(tmp_path / "again")]
    subprocess.run(command, check=True, env=env, capture_output=True)
    for dataset in DATASETS:
        name = f"{dataset.name}.xlsx"
        assert (tmp_path / "again" / name).read_bytes() == (templates / name).read_bytes()


def test_cli_writes_templates_and_never_replaces_a_file_unasked(tmp_path, capsys):
    folder = tmp_path / "templates"
    assert main(["template", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{d.name}.xlsx" for d in DATASETS)
    (folder / "outcomes.xlsx").write_bytes(b"filled in by an RPB")
    assert main(["template", str(folder), "--dataset", "outcomes"]) == 1
    assert "not replaced" in capsys.readouterr().err
    assert (folder / "outcomes.xlsx").read_bytes() == b"filled in by an RPB"
    assert main(["template", str(folder), "--dataset", "outcomes", "--force"]) == 0
    assert (folder / "outcomes.xlsx").read_bytes() == template_bytes(DATASETS[1])
    with pytest.raises(SystemExit):
        main(["template", str(folder), "--dataset", "nope"])
