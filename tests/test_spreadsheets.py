"""Published tables: CSV at their precision, and GSS-style ODS and XLSX in two languages."""

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pandas as pd
import pytest

from nest_eval.config import RunConfig
from nest_eval.domains.year import compute_year
from nest_eval.files import write_csv
from nest_eval.reference.messages import label
from nest_eval.reporting.outputs import table_downloads
from nest_eval.reporting.spreadsheets import (
    Source,
    book_of,
    ods_bytes,
    write_spreadsheets,
    xlsx_bytes,
)
from nest_eval.reporting.tables import controlled_for, published_tables
from published_spreadsheets import mismatches, read_table

SOURCE = Source(2025)
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


@pytest.fixture(scope="module")
def results(demo_data):
    return compute_year(demo_data, RunConfig(year=2025))


@pytest.fixture(scope="module")
def tables(results):
    return published_tables(results, RunConfig(year=2025))


@pytest.fixture(scope="module")
def published(tables, tmp_path_factory):
    """The demo year's tables written as CSV and as spreadsheets in both languages."""
    year_dir = tmp_path_factory.mktemp("year")
    for name, frame in tables.items():
        write_csv(frame, year_dir / "tables" / f"{name}.csv")
    write_spreadsheets(tables, year_dir, SOURCE, ("en", "cy"))
    return year_dir


# -- the CSVs at the published precision ----------------------------------------------------


def _csv(published, name):
    return pd.read_csv(published / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("outcomes_change", "n_pairs"),
        ("outcomes_change", "reliable_improvement"),
        ("access", "count"),
        ("access", "n"),
        ("experiences", "n_agree"),
        ("rpb_comparisons", "x"),
        ("rpb_comparisons", "n"),
        ("distance_travelled", "n"),
        ("enablers", "core_funding_gbp"),
    ],
)
def test_counts_are_written_as_whole_numbers(published, name, column):
    values = [v for v in _csv(published, name)[column] if v not in ("", "c")]
    assert values
    assert all(re.fullmatch(r"\d+", v) for v in values), values[:5]


def test_shares_are_proportions_to_a_tenth_of_a_percentage_point(published):
    access = _csv(published, "access")
    shares = access[access["indicator"] == "share_within_28_days"]
    values = [v for column in ("estimate", "ci_low", "ci_high") for v in shares[column]]
    numbers = [v for v in values if v != "c"]
    assert numbers
    assert all(re.fullmatch(r"0(\.\d{1,3})?|1(\.0)?", v) for v in numbers), numbers


def test_means_are_rounded_to_their_decimals_but_the_national_mean_rating_is_not(published):
    outcomes = _csv(published, "outcomes_change")
    means = [v for v in outcomes["mean_change"] if v != "c"]
    assert all(len(v.partition(".")[2]) <= 2 for v in means), means
    # the data contract publishes mean_rating unrounded: a mean of 7 ratings keeps its digits
    ratings = _csv(published, "self_assessment_national")["mean_rating"]
    assert max(len(v.partition(".")[2]) for v in ratings) > 2


def test_rounding_changes_no_count_nor_suppression(tables, results):
    """The decision is taken on the counts; the published counts are those counts."""
    controlled = controlled_for(results, RunConfig(year=2025)).outcomes_change
    published = tables["outcomes_change"]
    for column in ("n_pairs", "reliable_improvement", "no_reliable_change"):
        before = controlled[column].tolist()
        after = published[column].tolist()
        assert [a if a == "c" else float(a) for a in after] == [
            b if b == "c" else float(b) for b in before
        ]


# -- the spreadsheets ------------------------------------------------------------------------


def test_every_table_is_published_as_ods_and_xlsx_in_each_language(published, tables):
    for name in tables:
        for lang in ("en", "cy"):
            for kind in ("ods", "xlsx"):
                assert (published / table_downloads(name, lang)[kind]).is_file()


def test_two_writes_give_the_same_bytes(tables):
    for lang in ("en", "cy"):
        first = book_of("access", tables["access"], SOURCE, lang)
        again = book_of("access", tables["access"].copy(), SOURCE, lang)
        assert xlsx_bytes(first) == xlsx_bytes(again)
        assert ods_bytes(first) == ods_bytes(again)


def test_the_documents_carry_no_time_of_writing(tables):
    data = ods_bytes(book_of("access", tables["access"], SOURCE, "en"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "2000-01-01T00:00:00" in archive.read("meta.xml").decode()
    book = openpyxl.load_workbook(
        io.BytesIO(xlsx_bytes(book_of("access", tables["access"], SOURCE, "en")))
    )
    assert book.properties.created.year == book.properties.modified.year == 2000


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("en", ["Cover", "Contents", "Notes", "Table"]),
        ("cy", ["Clawr", "Cynnwys", "Nodiadau", "Tabl"]),
    ],
)
def test_sheets_are_cover_contents_notes_then_the_table(published, tables, lang, names):
    for name in tables:
        xlsx = published / table_downloads(name, lang)["xlsx"]
        assert openpyxl.load_workbook(xlsx).sheetnames == names
        ods = published / table_downloads(name, lang)["ods"]
        assert list(pd.read_excel(ods, sheet_name=None, engine="calamine")) == names


def test_the_cover_says_what_the_guidance_asks(published):
    book = openpyxl.load_workbook(published / "tables" / "access.xlsx")
    cover = [row[0] for row in book["Cover"].iter_rows(values_only=True)]
    assert cover[0] == "Access to support (no wrong door), 2025"
    for heading in ("Period covered", "Source", "Statistics status", "Contact", "Licence"):
        assert heading in cover
    assert cover[cover.index("Period covered") + 1] == "January to December 2025"
    assert "Open Government Licence" in cover[cover.index("Licence") + 1]
    assert any(str(line).startswith("[c]: suppressed") for line in cover)
    contents = list(book["Contents"].iter_rows(values_only=True))
    assert [row[0] for row in contents[2:]] == ["Notes", "Table"]


def test_a_financial_year_is_named_as_one(tables):
    book = book_of("access", tables["access"], Source(2025, financial=True), "cy")
    assert "Ebrill 2025 i Fawrth 2026" in [row[0] for row in book.sheets[0].rows]


def test_no_merged_cells_and_no_blank_rows_in_the_table(published, tables):
    for name in tables:
        for lang in ("en", "cy"):
            files = table_downloads(name, lang)
            book = openpyxl.load_workbook(published / files["xlsx"])
            assert all(not sheet.merged_cells.ranges for sheet in book.worksheets)
            table = book.worksheets[3]
            assert table["A1"].value  # the title in A1
            rows = list(table.iter_rows(min_row=3, values_only=True))
            assert all(any(v not in (None, "") for v in row) for row in rows)
            content = zipfile.ZipFile(published / files["ods"]).read("content.xml")
            root = ET.fromstring(content)
            spanned = [
                cell
                for cell in root.iter(f"{{{TABLE_NS}}}table-cell")
                if cell.get(f"{{{TABLE_NS}}}number-columns-spanned")
                or cell.get(f"{{{TABLE_NS}}}number-rows-spanned")
            ]
            assert spanned == []


def test_each_spreadsheet_shows_its_csv(published, tables):
    found = []
    for name in tables:
        for lang in ("en", "cy"):
            for kind in ("ods", "xlsx"):
                found += mismatches(published / table_downloads(name, lang)[kind])
    assert found == []


def test_the_check_finds_a_number_that_differs(published, tmp_path):
    """The comparison can fail: a spreadsheet of a changed table does not show the CSV."""
    (tmp_path / "tables").mkdir()
    csv = published / "tables" / "access.csv"
    (tmp_path / "tables" / "access.csv").write_text(csv.read_text().replace(",107,53", ",107,54"))
    original = (published / "tables" / "access.xlsx").read_bytes()
    (tmp_path / "tables" / "access.xlsx").write_bytes(original)
    assert any("column count" in m for m in mismatches(tmp_path / "tables" / "access.xlsx"))


def test_welsh_spreadsheets_have_welsh_headings_and_labels(published):
    english = read_table(published / "tables" / "access.xlsx")
    welsh = read_table(published / "tables" / "access.cy.ods")
    assert list(english.columns)[:3] == ["Area", "Indicator", "Unit"]
    assert welsh.columns[0] == label("column.rpb", "cy") != "Area"
    assert list(welsh.columns)[2] == "Uned"
    assert "Caerdydd a'r Fro" in set(welsh.iloc[:, 0])
    assert "Cardiff and Vale" in set(english.iloc[:, 0])
    assert set(welsh.iloc[:, 1]).isdisjoint(set(english.iloc[:, 1]))


def test_units_are_in_the_headings(published):
    outcomes = read_table(published / "tables" / "outcomes_change.xlsx")
    assert "Pairs (people)" in outcomes.columns
    welsh = read_table(published / "tables" / "outcomes_change.cy.xlsx")
    assert "Parau (pobl)" in welsh.columns


def test_numbers_are_stored_as_numbers_and_suppressed_cells_as_c(published):
    table = read_table(published / "tables" / "outcomes_change.ods")
    pairs = table["Pairs (people)"]
    assert {type(v) for v in pairs} <= {int, float, str}
    assert {v for v in pairs if isinstance(v, str)} <= {"[c]"}
    assert any(v == "[c]" for v in pairs)
    assert any(isinstance(v, int | float) for v in pairs)


def test_the_publication_date_is_on_the_cover_and_in_the_documents(tables):
    import datetime as dt

    source = Source(2025, published=dt.date(2026, 3, 31))
    book = book_of("access", tables["access"], source, "cy")
    cover = [row[0] for row in book.sheets[0].rows]
    assert cover[cover.index("Dyddiad cyhoeddi") + 1] == "31 Mawrth 2026"
    properties = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(book))).properties
    assert properties.created == properties.modified == dt.datetime(2026, 3, 31)
    with zipfile.ZipFile(io.BytesIO(ods_bytes(book))) as archive:
        assert "<meta:creation-date>2026-03-31T00:00:00<" in archive.read("meta.xml").decode()
