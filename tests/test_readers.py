"""Reading raw files: no row can hide, every entry of the folder is read or named with a reason."""

import datetime as dt
import json
import os
import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest

from nest_eval.ingest.datasets import format_summary, ingest, write_processed
from nest_eval.ingest.readers import read_table

DATA = Path(__file__).parent / "data"

TRAINING_HEADER = "learner_id,organisation_type,enrolled_date,completed_date,rating"
EXPERIENCES_HEADER = "rpb,date,respondent_type,safe,comment"


def learner(n):
    return f"L{n},nhs,2024-02-10,2024-03-01,5"


def write_lines(path, lines, end="\n"):
    path.write_bytes(end.join(lines).encode() + end.encode())
    return path


def data_lines(path):
    """Physical lines after the header that hold anything (the file's data rows)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines[1:] if line.strip(", "))


def only(result, name):
    outcome = result.datasets[name]
    assert outcome.reconciles()
    return outcome


# --- CSV: physical lines, quotes, field counts --------------------------------------------


def test_unclosed_quote_cannot_swallow_the_rest_of_the_file(tmp_path):
    lines = [TRAINING_HEADER] + [learner(n) for n in range(2, 409)]
    lines[198] = 'L199,nhs,"2024-02-10,,5'  # line 199: the quote is never closed
    path = write_lines(tmp_path / "training.csv", lines)
    outcome = only(ingest(tmp_path), "training")
    assert outcome.rows_read == data_lines(path) == 407
    assert (outcome.rows_accepted, outcome.rows_quarantined) == (406, 1)
    q = outcome.quarantine.iloc[0]
    assert (q["file"], q["row"], q["column"], q["rule"]) == (
        "training.csv",
        199,
        "enrolled_date",
        "unclosed_quote",
    )
    assert "line 199" in q["message"] and "end of the file" in q["message"]
    assert outcome.accepted["source_row"].tolist() == [n for n in range(2, 409) if n != 199]


def test_quote_closed_many_lines_later_does_not_swallow_the_rows_between(tmp_path):
    lines = [TRAINING_HEADER] + [learner(n) for n in range(2, 21)]
    lines[4] = 'L5,nhs,"2024-02-10,,5'  # opens a quote ...
    lines[11] = 'L12,nhs,2024-02-10",,5'  # ... that a stray quote on line 12 would close
    path = write_lines(tmp_path / "training.csv", lines)
    outcome = only(ingest(tmp_path), "training")
    assert outcome.rows_read == data_lines(path) == 19
    q = outcome.quarantine
    assert q[["row", "rule"]].values.tolist() == [[5, "unclosed_quote"], [12, "bad_date"]]
    assert "takes in lines that read as rows" in q["message"].iloc[0]
    assert outcome.rows_accepted == 17


def test_a_cell_with_line_breaks_is_one_row_and_every_line_is_accounted(tmp_path):
    path = tmp_path / "experiences.csv"
    path.write_bytes(
        (
            EXPERIENCES_HEADER + "\r\n"
            "Gwent,2024-06-01,child,4,fine\r\n"
            'Powys,2024-06-02,child,5,"They listened.\r\nI felt safe, ""really"" safe."\r\n'
            "\r\n"
            "Gwent,2024-06-03,child,3,\r\n"
        ).encode()
    )
    outcome = only(ingest(tmp_path), "experiences")
    assert (outcome.rows_read, outcome.rows_accepted) == (3, 3)
    assert outcome.accepted["source_row"].tolist() == [2, 3, 6]  # rows start on these lines
    comment = outcome.accepted["comment"].iloc[1]
    assert comment == 'They listened.\r\nI felt safe, "really" safe.'
    (table,) = read_table(path)
    assert table.lines == {"total": 6, "header": 1, "blank": 1, "rows": 3, "within_rows": 1}
    assert any("1 line(s) are further lines of cells" in n for n in outcome.notes)


def test_an_oversized_field_is_read_whole(tmp_path):
    comment = "x" * 200_000
    write_lines(
        tmp_path / "experiences.csv",
        [EXPERIENCES_HEADER, f'Gwent,2024-06-01,child,4,"{comment}"', "Powys,2024-06-02,child,5,"],
    )
    outcome = only(ingest(tmp_path), "experiences")
    assert outcome.status == "loaded" and outcome.rows_accepted == 2
    assert outcome.accepted["comment"].iloc[0] == comment


def test_short_row_is_quarantined_not_padded(tmp_path):
    path = write_lines(
        tmp_path / "training.csv", [TRAINING_HEADER, learner(2), "L3,nhs,2024-02-10", learner(4)]
    )
    outcome = only(ingest(tmp_path), "training")
    q = outcome.quarantine
    assert q[["file", "row", "rule"]].values.tolist() == [["training.csv", 3, "short_row"]]
    assert q["message"].iloc[0] == "the row has 3 field(s); the header has 5"
    assert q["value"].iloc[0] == "L3,nhs,2024-02-10"
    assert outcome.rows_read == data_lines(path) == 3 and outcome.rows_accepted == 2


def test_ragged_and_text_after_quote_are_quarantined(tmp_path):
    path = write_lines(
        tmp_path / "training.csv",
        [TRAINING_HEADER, learner(2), learner(3) + ",extra", 'L4,"nhs"x,2024-02-10,,5', learner(5)],
    )
    outcome = only(ingest(tmp_path), "training")
    q = outcome.quarantine
    assert q[["row", "column", "rule"]].values.tolist() == [
        [3, "", "ragged_row"],
        [4, "organisation_type", "text_after_quote"],
    ]
    assert q["message"].iloc[1].startswith("line 4: text 'x' follows the closing quote")
    assert outcome.rows_read == data_lines(path) == 4


def test_an_unheaded_column_is_named_once_and_never_read(tmp_path):
    path = write_lines(
        tmp_path / "training.csv",
        [TRAINING_HEADER, learner(2) + ",call back Tuesday", learner(3) + ",", learner(4) + ",x"],
    )
    result = ingest(tmp_path)
    outcome = only(result, "training")
    assert (outcome.rows_read, outcome.rows_accepted) == (data_lines(path), 3)
    assert outcome.notes == [
        "training.csv: column F has no header; its 2 value(s) are not read "
        "(give the column a name to keep them)"
    ]
    assert list(outcome.accepted.columns[2:]) == [
        "learner_id",
        "organisation_type",
        "enrolled_date",
        "completed_date",
        "rating",
    ]
    for written in write_processed(result, tmp_path / "processed"):
        assert b"call back Tuesday" not in written.read_bytes()
    assert "column F has no header" in format_summary(result)


def test_rows_with_an_extra_field_only_here_and_there_are_ragged(tmp_path):
    write_lines(tmp_path / "training.csv", [TRAINING_HEADER, learner(2) + ",note", learner(3)])
    outcome = only(ingest(tmp_path), "training")
    assert outcome.quarantine["rule"].tolist() == ["ragged_row"] and not outcome.notes


def test_unclosed_quote_in_the_header_refuses_the_file(tmp_path):
    write_lines(tmp_path / "training.csv", ['learner_id,"organisation_type', learner(2)])
    outcome = only(ingest(tmp_path), "training")
    assert outcome.status == "failed"
    assert outcome.errors[0] == (
        "training.csv: the header row cannot be read: a quote opened on line 1 is not closed "
        "where the cell should end (it runs to the end of the file)"
    )


# --- workbooks ------------------------------------------------------------------------------


def patch_xlsx(path, replacements):
    """Rewrite parts of a saved .xlsx (e.g. to give it the cached values Excel would save)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name, old, new in replacements:
        assert old in parts[name]
        parts[name] = parts[name].replace(old, new)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def training_book(path, extra_rows=()):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Learners"
    sheet.append(["Learner ID", "Organisation type", "Enrolled date", "Completed date", "Rating"])
    sheet.append(["L1", "nhs", dt.date(2024, 2, 10), None, 4])
    sheet.append(["L2", "nhs", dt.date(2024, 2, 11), None, "=A1"])
    for row in extra_rows:
        sheet.append(row)
    book.save(path)
    return book


def test_xlsx_formula_without_a_saved_value_is_quarantined(tmp_path):
    training_book(tmp_path / "training.xlsx")  # openpyxl saves formulas without values
    outcome = only(ingest(tmp_path), "training")
    q = outcome.quarantine
    assert q[["file", "row", "column", "value", "rule"]].values.tolist() == [
        ["training.xlsx", 3, "Rating", "=A1", "uncalculated_formula"]
    ]
    assert q["message"].iloc[0].startswith("sheet 'Learners', cell E3: a formula with no")
    assert (outcome.rows_read, outcome.rows_accepted) == (2, 1)


def test_xlsx_formula_with_its_calculated_value_is_read(tmp_path):
    path = tmp_path / "training.xlsx"
    training_book(path)
    patch_xlsx(
        path,
        [
            ("xl/worksheets/sheet1.xml", b"<f>A1</f><v />", b"<f>A1</f><v>3</v>"),
            ("xl/workbook.xml", b' fullCalcOnLoad="1"', b""),
        ],
    )
    outcome = only(ingest(tmp_path), "training")
    assert outcome.rows_quarantined == 0
    assert outcome.accepted["rating"].tolist() == [4, 3]


def test_xlsx_error_cell_is_quarantined_not_blank(tmp_path):
    path = tmp_path / "training.xlsx"
    training_book(path, [["L3", "nhs", dt.date(2024, 2, 12), None, "#DIV/0!"]])
    patch_xlsx(path, [("xl/worksheets/sheet1.xml", b"<f>A1</f><v />", b"<f>A1</f><v>3</v>")])
    patch_xlsx(path, [("xl/workbook.xml", b' fullCalcOnLoad="1"', b"")])
    q = only(ingest(tmp_path), "training").quarantine
    assert q[["row", "column", "value", "rule"]].values.tolist() == [
        [4, "Rating", "#DIV/0!", "error_cell"]
    ]


def test_hidden_sheets_are_named_not_read_and_every_visible_sheet_is_read(tmp_path):
    book = training_book(tmp_path / "training.xlsx")
    book["Learners"]["E3"] = 3
    second = book.create_sheet("Autumn")
    second.append(["learner_id", "organisation_type", "enrolled_date"])
    second.append(["L9", "third sector", "2024-10-01"])
    lists = book.create_sheet("Lists")
    lists.append(["organisation_type"])
    lists.append(["nhs"])
    lists.sheet_state = "hidden"
    book.save(tmp_path / "training.xlsx")
    outcome = only(ingest(tmp_path), "training")
    assert outcome.accepted[["source_file", "source_row"]].values.tolist() == [
        ["training.xlsx[Learners]", 2],
        ["training.xlsx[Learners]", 3],
        ["training.xlsx[Autumn]", 2],
    ]
    assert outcome.notes == [
        "training.xlsx: hidden sheet(s) not read: 'Lists' (unhide a sheet to have it read)"
    ]


def test_a_workbook_with_data_only_in_hidden_sheets_is_refused(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["nothing visible"])
    book.active.delete_rows(1)
    hidden = book.create_sheet("Data")
    hidden.append(["learner_id", "organisation_type", "enrolled_date"])
    hidden.sheet_state = "hidden"
    book.save(tmp_path / "training.xlsx")
    outcome = only(ingest(tmp_path), "training")
    assert outcome.errors == [
        "training.xlsx: the workbook has no data in a visible sheet (hidden sheets are not read: "
        "Data)"
    ]


def ods_cell(value):
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, tuple):  # (formula, saved value or None)
        formula, saved = value
        if saved is None:
            return f'<table:table-cell table:formula="{escape(formula)}"/>'
        return (
            f'<table:table-cell table:formula="{escape(formula)}" office:value-type="float" '
            f'office:value="{saved}"><text:p>{saved}</text:p></table:table-cell>'
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
        "</table:table-cell>"
    )


def write_ods(path, sheets):
    """A minimal OpenDocument spreadsheet: ``sheets`` is a list of (name, rows, hidden)."""
    namespaces = " ".join(
        f'xmlns:{prefix}="urn:oasis:names:tc:opendocument:xmlns:{name}:1.0"'
        for prefix, name in [
            ("office", "office"),
            ("table", "table"),
            ("text", "text"),
            ("style", "style"),
        ]
    )
    tables = "".join(
        f'<table:table table:name="{escape(name)}"'
        + (' table:style-name="hidden"' if hidden else "")
        + ">"
        + "".join(
            "<table:table-row>" + "".join(ods_cell(v) for v in row) + "</table:table-row>"
            for row in rows
        )
        + "</table:table>"
        for name, rows, hidden in sheets
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces} '
        'office:version="1.2"><office:automatic-styles><style:style style:name="hidden" '
        'style:family="table"><style:table-properties table:display="false"/></style:style>'
        "</office:automatic-styles><office:body><office:spreadsheet>"
        f"{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)


def test_ods_is_read_with_dates_numbers_hidden_sheets_and_formulas(tmp_path):
    rows = [
        ["Request ID", "RPB", "Received date", "First support date", "Redirections"],
        ["O1", "Powys", dt.date(2025, 3, 4), None, 1.0],
        ["O2", "Gwent", "04/03/2025", None, ("of:=[.E2]*2", 2)],
        ["O3", "Gwent", "05/03/2025", None, ("of:=[.E2]*2", None)],
    ]
    write_ods(tmp_path / "access_q1.ods", [("Requests", rows, False), ("Lists", [["x"]], True)])
    outcome = only(ingest(tmp_path), "access")
    accepted = outcome.accepted
    assert accepted["request_id"].tolist() == ["O1", "O2"]
    assert accepted["received_date"].tolist() == [dt.datetime(2025, 3, 4), dt.datetime(2025, 3, 4)]
    assert accepted["redirections"].tolist() == [1, 2]
    q = outcome.quarantine
    assert q[["file", "row", "column", "rule"]].values.tolist() == [
        ["access_q1.ods", 4, "Redirections", "uncalculated_formula"]
    ]
    assert "sheet 'Requests', cell E4" in q["message"].iloc[0]
    hidden, order = outcome.notes
    assert (
        hidden
        == "access_q1.ods: hidden sheet(s) not read: 'Lists' (unhide a sheet to have it read)"
    )
    assert order.startswith("access_q1.ods: 1 date(s) could be day-first or month-first")


def test_xls_is_read(tmp_path):
    # made by tests/data/make_xls_fixture.py; the same rows as the .xlsx test of test_ingest
    shutil.copy(DATA / "access_2025_legacy.xls", tmp_path)
    outcome = only(ingest(tmp_path), "access")
    accepted = outcome.accepted
    assert outcome.rows_quarantined == 0
    assert accepted["rpb"].tolist() == ["West Wales", "West Wales"]
    assert accepted["received_date"].tolist() == [
        dt.datetime(2025, 1, 31),
        dt.datetime(2025, 2, 14),
    ]
    assert accepted["first_support_date"].iloc[0] == dt.datetime(2025, 2, 3)
    assert accepted["redirections"].tolist() == [2, 0]
    assert accepted["source_row"].tolist() == [2, 3]
    assert outcome.notes == [
        "access_2025_legacy.xls: hidden sheet(s) not read: 'Lists' (unhide a sheet to have it read)"
    ]


def test_workbook_cells_become_text_as_before(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["a", "b", "c", "d", "e", "f"])
    book.active.append([dt.datetime(2025, 1, 31, 10, 30), 2.0, 2.5, True, "text", None])
    book.save(tmp_path / "x.xlsx")
    (table,) = read_table(tmp_path / "x.xlsx")
    assert table.frame.iloc[0].tolist() == ["2025-01-31 10:30:00", "2", "2.5", "true", "text", ""]


def test_a_blank_headed_workbook_column_with_data_is_named_once(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["learner_id", "organisation_type", "enrolled_date", None])
    book.active.append(["L1", "nhs", "2024-02-10", "ring back"])
    book.active.append(["L2", "nhs", "2024-02-10", None])
    book.save(tmp_path / "training.xlsx")
    outcome = only(ingest(tmp_path), "training")
    assert outcome.rows_accepted == 2
    assert outcome.notes == [
        "training.xlsx: column D has no header; its 1 value(s) are not read "
        "(give the column a name to keep them)"
    ]


# --- entries of the raw-data folder -----------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_lines(raw / "training.csv", [TRAINING_HEADER, learner(2)])
    write_lines(raw / "experiences.csv", [EXPERIENCES_HEADER, "Gwent,2024-06-01,child,4,"])
    return raw


def test_every_entry_not_read_is_named_with_its_reason(folder):
    (folder / "notes.txt").write_text("hello")
    (folder / "outcomes_old.csv.bak").write_text("person_id\n")
    (folder / "outcomes").mkdir()
    (folder / "outcomes" / "outcomes.csv").write_text("person_id\n")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / "~$training.xlsx").write_bytes(b"\0")
    (folder / "lookup.csv").write_text("a\n1\n")
    result = ingest(folder)
    assert result.not_read == {
        ".DS_Store": "a hidden file",
        "lookup.csv": "a data file whose name matches no dataset",
        "notes.txt": "not a data file (a .txt file; data files are .csv, .xlsx, .xls or .ods)",
        "outcomes": "a folder: only files directly in the raw-data folder are read "
        "(named like dataset outcomes)",
        "outcomes_old.csv.bak": "not a data file (a .bak file; data files are .csv, .xlsx, "
        ".xls or .ods) (named like dataset outcomes)",
        "~$training.xlsx": "an Office lock file (the workbook is open in a spreadsheet program)",
    }
    assert result.unmatched_files == ["lookup.csv"]
    assert result.datasets["outcomes"].status == "absent"
    assert result.accounting()["not_read"] == result.not_read
    summary = format_summary(result)
    assert "Not read (left alone):\n  .DS_Store: a hidden file\n" in summary
    assert "  notes.txt: not a data file" in summary


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_a_named_pipe_is_refused_without_being_opened(folder):
    os.mkfifo(folder / "training_live.csv")  # opening it to read would wait for a writer
    os.mkfifo(folder / "stream.csv")
    result = ingest(folder)
    training = only(result, "training")
    assert training.status == "failed"
    assert training.errors == ["training_live.csv: a named pipe (FIFO), not a file; it is not read"]
    assert training.rows_read == training.rows_not_loaded == 1
    assert [f.sha256 for f in training.files][1] == ""
    assert result.datasets["experiences"].status == "loaded"
    assert result.not_read == {"stream.csv": "a data file whose name matches no dataset"}


def test_links_that_loop_lead_nowhere_or_outside_are_refused(folder, tmp_path):
    os.symlink("training_loop.csv", folder / "training_loop.csv")
    os.symlink("missing.csv", folder / "experiences_gone.csv")
    outside = write_lines(tmp_path / "access.csv", ["request_id,rpb,received_date"])
    os.symlink(outside, folder / "access.csv")
    result = ingest(folder)
    assert result.datasets["training"].errors == [
        "training_loop.csv: a symbolic link that loops (training_loop.csv); it is not read"
    ]
    assert result.datasets["experiences"].errors == [
        "experiences_gone.csv: a symbolic link to nothing (missing.csv does not exist); "
        "it is not read"
    ]
    (error,) = result.datasets["access"].errors
    assert error.startswith("access.csv: a link to ") and "outside the raw-data folder" in error
    for outcome in result.datasets.values():
        assert outcome.reconciles()


def test_links_to_files_inside_the_folder(folder):
    (folder / "archive").mkdir()
    write_lines(folder / "archive" / "t.csv", [TRAINING_HEADER, learner(7)])
    os.symlink("archive/t.csv", folder / "training_archived.csv")
    os.symlink("training.csv", folder / "training_again.csv")
    result = ingest(folder)
    training = only(result, "training")
    assert training.accepted["learner_id"].tolist() == ["L2", "L7"]
    assert result.not_read["training_again.csv"] == (
        "a link to training.csv in this folder, which is read under its own name "
        "(named like dataset training)"
    )


def test_an_unreadable_file_stops_its_dataset_only(folder, monkeypatch):
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if Path(path).name == "training.csv":
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = ingest(folder)
    assert result.datasets["training"].errors == [
        "training.csv: cannot be opened (Permission denied)"
    ]
    assert result.datasets["experiences"].status == "loaded"


def test_quarantine_records_of_reading_problems_are_written(folder, tmp_path):
    write_lines(folder / "training_more.csv", [TRAINING_HEADER, 'L5,nhs,"2024'])
    result = ingest(folder)
    write_processed(result, tmp_path / "out")
    accounting = json.loads((tmp_path / "out" / "accounting.json").read_text())
    assert accounting["datasets"]["training"]["problems_by_rule"] == {"unclosed_quote": 1}
    assert "unclosed_quote" in accounting["rules"]


def test_well_formed_csv_reads_as_the_csv_module_writes_it(tmp_path):
    import csv
    import random

    rng = random.Random(9)
    pieces = ["a", "b c", ",", '"', "\n", "\r\n", "é", "", " ", "x,y"]
    header = [f"h{i}" for i in range(8)]
    rows = [
        ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 4))) for _ in header]
        for _ in range(300)
    ]
    rows = [r for r in rows if any(c.strip() for c in r)]
    path = tmp_path / "t.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    (table,) = read_table(path)
    assert not table.rejected
    assert table.frame.values.tolist() == rows
    assert table.lines["total"] == path.read_bytes().count(b"\n")


def _tables_alike(a, b):
    assert (a.source, a.headers, a.rejected, a.notes, a.lines) == (
        b.source,
        b.headers,
        b.rejected,
        b.notes,
        b.lines,
    )
    assert a.frame.index.tolist() == b.frame.index.tolist()
    assert a.frame.index.name == b.frame.index.name and a.frame.index.dtype == b.frame.index.dtype
    assert list(a.frame.columns) == list(b.frame.columns)
    assert a.frame.values.tolist() == b.frame.values.tolist()
    assert all(isinstance(cell, str) for cell in a.frame.to_numpy().ravel())


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("a,b\n1,2\n3,\n", True),
        ("a, b \r\n 1 ,x y\r\n,é\r\n", True),
        ("a,b\n1,2\n3,4", True),  # no line ending after the last line
        ("a,b\n1,2\n\n3,4\n", False),  # a blank line
        ("a,b\n1,2\n , \n", False),  # a line of blank fields
        ("a,b\n1,2\n3\n", False),  # a short row
        ("a,b\n1,2,3\n", False),  # a field more
        ("a,,c\n1,2,3\n", False),  # an unnamed column
        ("a,b\r1,2\r\n3,4\n", True),  # line endings of every kind
        ("a\n1\n\n2\n", False),  # a blank line in a file of one column
        ("a,b\n1,2\n\x1c,\u3000\n", False),  # a line of blank fields, spaces of every kind
        ('a,b\n1,"2"\n', False),  # a quote
        ("a,b\n\ufeff1,2\n", False),  # a byte-order mark inside
        ("a,b\n", False),  # no data row
        ("\na,b\n1,2\n", False),  # a blank line before the header
    ],
)
def test_plain_csv_is_read_as_the_careful_reader_reads_it(tmp_path, monkeypatch, text, plain):
    from nest_eval.ingest import readers

    path = tmp_path / "t.csv"
    path.write_bytes(text.encode())
    used = []
    fast = readers._plain_table
    monkeypatch.setattr(readers, "_plain_table", lambda *a: used.append(fast(*a)) or used[-1])
    (quick,) = read_table(path)
    assert (used[0] is not None) == plain
    monkeypatch.setattr(readers, "_plain_table", lambda *a: None)
    (careful,) = read_table(path)
    _tables_alike(quick, careful)


def test_plain_csv_of_random_unquoted_cells_is_read_as_the_careful_reader_reads_it(
    tmp_path, monkeypatch
):
    import random

    from nest_eval.ingest import readers

    plain = []
    fast = readers._plain_table
    monkeypatch.setattr(readers, "_plain_table", lambda *a: plain.append(fast(*a)) or plain[-1])
    rng = random.Random(3)
    pieces = ["a", " b c ", "é", "NA", "\u2028", "\u200b", "7", "x\u00a0y", "", " "]
    odd = [["1,5"], ["\u00a0", "\t", "\x1c", "", ""], []]  # fields out of line, blank rows
    for attempt in range(60):
        cells = pieces + odd[attempt % 3]
        width = rng.randint(1, 5)
        lines = [",".join(f"h{i}" for i in range(width))] + [
            ",".join(rng.choice(cells) for _ in range(width)) for _ in range(rng.randint(1, 12))
        ]
        end = rng.choice(["\n", "\r\n", "\r"])
        path = tmp_path / f"t{attempt}.csv"
        path.write_bytes((end.join(lines) + rng.choice([end, ""])).encode())
        (quick,) = read_table(path)
        with monkeypatch.context() as patched:
            patched.setattr(readers, "_plain_table", lambda *a: None)
            (careful,) = read_table(path)
        _tables_alike(quick, careful)
    assert 15 <= sum(table is not None for table in plain) <= 45  # both readers were tried


def test_a_blank_line_is_what_str_strip_leaves_empty():
    from nest_eval.ingest import readers

    spaces = {c for c in map(chr, range(0x110000)) if c.isspace()}
    assert set(readers._BLANK) == spaces | {","}
