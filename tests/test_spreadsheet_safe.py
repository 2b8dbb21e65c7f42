"""CSV files for people to open: no cell a spreadsheet would run as a formula, numbers kept."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from nest_eval.files import spreadsheet_safe, write_csv
from nest_eval.ingest.datasets import ingest, write_processed

HEADER = ["person_id", "rpb", "measure", "date", "score", "respondent", "sex"]
HYPERLINK = '=HYPERLINK("http://x","y")'


def test_quarantine_csv_escapes_formulas_and_keeps_numbers(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = [
        ["P1", "Gwent", "SDQ_TOTAL", "2025-01-10", "12", "parent", "male"],
        ["P2", HYPERLINK, "@SUM(A1)", "2025-01-10", "12", "+1+1", "-2+3"],
        ["P3", "Gwent", "SDQ_TOTAL", "2025-01-10", "-5", "parent", "female"],
    ]
    with (raw / "outcomes.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([HEADER, *rows])
    out = tmp_path / "processed"
    write_processed(ingest(raw), out)
    with (out / "quarantine.csv").open(newline="", encoding="utf-8") as handle:
        given = {r["column"]: r["value"] for r in csv.DictReader(handle)}
    assert given == {
        "rpb": "'" + HYPERLINK,
        "measure": "'@SUM(A1)",
        "respondent": "'+1+1",
        "sex": "'-2+3",
        "score": "-5",  # a number, in the column of a number: unchanged
    }
    quarantine = pd.read_csv(out / "quarantine.csv")
    assert quarantine["row"].dtype == "int64"  # still machine-readable
    assert quarantine["record"].str.startswith("{").all()  # whole records are JSON text
    stored = pd.read_parquet(out / "quarantine.parquet")  # the values as given
    assert set(stored["value"]) == {HYPERLINK, "@SUM(A1)", "+1+1", "-2+3", "-5"}


def test_only_text_cells_a_spreadsheet_would_run_are_escaped(tmp_path):
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-1.5", "+3", "a-b", None],
            "number": [-1.5, -2.0, 0.0, 1e-9, -3e5, np.nan, 2.0, 3.0, 4.0, 5.0],
            "count": pd.array([-1, 2, 3, 4, 5, 6, 7, 8, 9, None], dtype="Int64"),
        }
    )
    safe = spreadsheet_safe(frame)
    assert safe["text"].tolist()[:9] == [
        "'=1+1", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "-1.5", "+3", "a-b"
    ]  # fmt: skip
    assert safe["text"].isna().tolist()[-1]
    pd.testing.assert_frame_equal(safe[["number", "count"]], frame[["number", "count"]])
    assert frame["text"].iloc[0] == "=1+1"  # the table given is left alone
    write_csv(frame, tmp_path / "table.csv")
    again = pd.read_csv(tmp_path / "table.csv")
    assert again["number"].iloc[0] == -1.5 and again["count"].iloc[0] == -1
    assert again["text"].iloc[0] == "'=1+1"
