"""Ingest: every rule of the contract broken at least once, nothing lost, accounting reconciles."""

import csv
import datetime as dt
import json

import openpyxl
import pandas as pd
import pytest

from nest_eval.cli import main
from nest_eval.ingest.datasets import format_summary, ingest, write_processed
from nest_eval.ingest.identifiers import WITHHELD, is_nhs_number

GOOD = {
    "self_assessment": (
        ["rpb", "year", "element", "rating", "cyp_voice", "family_voice", "level", "project"],
        [
            ["Gwent", "2024", "trusted_adults", "2", "yes", "no", "", ""],
            ["Powys", "2024", "No wrong door", "2.5", "y", "n", "region", ""],
            ["Powys", "2024", "trusted_adults", "", "", "", "", ""],
            ["Powys", "2024", "trusted_adults", "3", "", "", "project", "RIF project 1"],
        ],
    ),
    "outcomes": (
        [
            "person_id",
            "rpb",
            "measure",
            "date",
            "score",
            "respondent",
            "age",
            "sex",
            "wimd_quintile",
        ],
        [
            ["P0001", "Betsi", "SDQ_TOTAL", "2024-03-01", "18", "parent", "8", "male", "2"],
            [
                "P0001",
                "Betsi",
                "SDQ total difficulties",
                "01/09/2024",
                "12",
                "parent",
                "8.5",
                "male",
                "2",
            ],
            ["P0002", "Swansea", "SWEMWBS", "2024-05-01", "19.98", "", "15", "female", "1"],
            ["P0002", "Swansea", "SWEMWBS_RAW", "2024-11-01", "25", "self", "15.5", "female", "1"],
        ],
    ),
    "experiences": (
        ["rpb", "date", "respondent_type", "nurturing", "safe", "comment"],
        [
            ["Hywel Dda", "2024-06-01", "young_person", "4", "5", "They listened to me"],
            ["C&V", "2024-06-02", "Parent carer", "", "3", ""],
        ],
    ),
    "access": (
        ["request_id", "rpb", "received_date", "first_support_date", "redirections", "outcome"],
        [
            ["A1", "Newport", "2024-01-10", "2024-02-01", "1", "supported"],
            ["A2", "Powys", "2024-12-01", "", "0", "waiting"],
        ],
    ),
    "partnership": (
        [
            "rpb",
            "year",
            "core_funding_gbp",
            "workforce_vacancy_rate",
            "multiagency_panel",
            "coproduction_maturity",
        ],
        [
            ["Gwent", "2024", "£1,250,000", "0.12", "ie", "3"],
            ["Powys", "2024", "800000", "12.5", "na", "2"],
        ],
    ),
    "training": (
        ["learner_id", "organisation_type", "enrolled_date", "completed_date", "rating"],
        [
            ["L1", "NHS", "2024-02-10", "2024-03-01", "5"],
            ["L2", "Local authority", "2024-02-11", "", ""],
        ],
    ),
}


def write_csv(path, header, rows, bom=False):
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def good_dir(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, (header, rows) in GOOD.items():
        write_csv(raw / f"{name}.csv", header, rows)
    return raw


def add_rows(directory, dataset, rows, file_name=None):
    """Write extra rows (same header as GOOD) into a second file of the dataset."""
    header, _ = GOOD[dataset]
    write_csv(directory / (file_name or f"{dataset}_extra.csv"), header, rows)


def quarantined(result, dataset):
    return result.datasets[dataset].quarantine


def test_good_data_loads_everything_with_resolutions(good_dir):
    result = ingest(good_dir)
    assert result.loaded
    assert result.rows_quarantined == 0
    sa = result.datasets["self_assessment"].accepted
    assert sa["element"].tolist() == [
        "trusted_adults",
        "no_wrong_door",
        "trusted_adults",
        "trusted_adults",
    ]
    assert sa["level"].tolist() == ["region", "region", "region", "project"]
    assert sa["rating"].isna().tolist() == [False, False, True, False]  # blank = not rated
    out = result.datasets["outcomes"].accepted
    assert out["rpb"].tolist() == ["North Wales"] * 2 + ["West Glamorgan"] * 2
    assert out["measure"].tolist() == ["SDQ_TOTAL", "SDQ_TOTAL", "SWEMWBS", "SWEMWBS"]
    assert out["date"].tolist() == [
        pd.Timestamp(2024, 3, 1),
        pd.Timestamp(2024, 9, 1),
        pd.Timestamp(2024, 5, 1),
        pd.Timestamp(2024, 11, 1),
    ]
    assert out["respondent"].tolist() == ["parent", "parent", "self", "self"]
    # raw SWEMWBS 25 -> metric 22.35 (Warwick Medical School conversion table)
    assert out["score"].iloc[3] == pytest.approx(22.35)
    assert out["score_raw"].iloc[3] == 25
    assert pd.isna(out["score_raw"].iloc[2])
    part = result.datasets["partnership"].accepted
    assert part["core_funding_gbp"].tolist() == [1_250_000.0, 800_000.0]
    assert part["workforce_vacancy_rate"].tolist() == pytest.approx([0.12, 0.125])
    assert part["workforce_vacancy_rate_given_as_percent"].tolist() == [False, True]
    assert part["multiagency_panel"].tolist() == [True, False]
    assert any("percentages" in n for n in result.datasets["partnership"].notes)
    exp = result.datasets["experiences"].accepted
    assert exp["respondent_type"].tolist() == ["young_person", "parent_carer"]
    assert exp["rpb"].tolist() == ["West Wales", "Cardiff and Vale"]
    training = result.datasets["training"].accepted
    assert training["organisation_type"].tolist() == ["nhs", "local_authority"]
    for name, outcome in result.datasets.items():
        assert outcome.rows_read == len(GOOD[name][1])
        assert outcome.reconciles()


# (dataset, bad row, column, rule) — every rule of the contract broken at least once.
BAD_ROWS = [
    (
        "self_assessment",
        ["", "2024", "trusted_adults", "2", "", "", "", ""],
        "rpb",
        "missing_required",
    ),
    (
        "self_assessment",
        ["Atlantis", "2024", "trusted_adults", "2", "", "", "", ""],
        "rpb",
        "unknown_rpb",
    ),
    (
        "self_assessment",
        ["Gwent", "2024", "Happiness", "2", "", "", "", ""],
        "element",
        "unknown_element",
    ),
    (
        "self_assessment",
        ["Gwent", "2024", "no_wrong_door", "5", "", "", "", ""],
        "rating",
        "out_of_range",
    ),
    (
        "self_assessment",
        ["Gwent", "2024", "no_wrong_door", "0", "", "", "", ""],
        "rating",
        "out_of_range",
    ),
    (
        "self_assessment",
        ["Gwent", "2024", "safe_supportive_communities", "2.3", "", "", "", ""],
        "rating",
        "not_half_point",
    ),
    (
        "self_assessment",
        ["Gwent", "2024", "values_led", "two", "", "", "", ""],
        "rating",
        "not_a_number",
    ),
    (
        "self_assessment",
        ["Gwent", "2024", "child_development", "2", "maybe", "", "", ""],
        "cyp_voice",
        "bad_yes_no",
    ),
    (
        "self_assessment",
        ["Gwent", "2024", "rights_based", "2", "", "", "national", ""],
        "level",
        "not_allowed",
    ),
    (
        "self_assessment",
        ["Gwent", "2024", "rights_based", "2", "", "", "project", ""],
        "project",
        "missing_project",
    ),
    (
        "self_assessment",
        ["Gwent", "2024.5", "rights_based", "2", "", "", "", ""],
        "year",
        "not_whole_number",
    ),
    (
        "self_assessment",
        ["Gwent", "1899", "rights_based", "2", "", "", "", ""],
        "year",
        "out_of_range",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "Happiness scale", "2024-01-01", "3", "", "", "", ""],
        "measure",
        "unknown_measure",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "SDQ_TOTAL", "2024-01-01", "41", "parent", "", "", ""],
        "score",
        "out_of_range",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "SDQ_TOTAL", "2024-01-02", "12.5", "parent", "", "", ""],
        "score",
        "not_whole_number",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "SWEMWBS_RAW", "2024-01-03", "6", "", "", "", ""],
        "score",
        "out_of_range",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "SWEMWBS", "2024-01-04", "", "", "", "", ""],
        "score",
        "missing_required",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "YP_CORE", "31/02/2025", "1.5", "", "", "", ""],
        "date",
        "bad_date",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "YP_CORE", "March 2025", "1.5", "", "", "", ""],
        "date",
        "bad_date",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "YP_CORE", "2025-03-05", "1.5", "guardian", "", "", ""],
        "respondent",
        "not_allowed",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "YP_CORE", "2025-03-06", "1.5", "", "30", "", ""],
        "age",
        "out_of_range",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "YP_CORE", "2025-03-07", "1.5", "", "", "dragon", ""],
        "sex",
        "not_allowed",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "YP_CORE", "2025-03-08", "1.5", "", "", "", "6"],
        "wimd_quintile",
        "out_of_range",
    ),
    (
        "outcomes",
        ["943 476 5919", "Gwent", "YP_CORE", "2025-03-09", "1.5", "", "", "", ""],
        "person_id",
        "nhs_number",
    ),
    (
        "outcomes",
        ["P9", "Gwent", "YP_CORE", "2025-03-10", "lots", "", "", "", ""],
        "score",
        "not_a_number",
    ),
    (
        "experiences",
        ["Gwent", "2024-06-01", "child", "", "", ""],
        "nurturing,safe",
        "no_item_answered",
    ),
    ("experiences", ["Gwent", "2024-06-01", "child", "6", "", ""], "nurturing", "out_of_range"),
    (
        "experiences",
        ["Gwent", "2024-06-01", "teacher", "4", "", ""],
        "respondent_type",
        "not_allowed",
    ),
    (
        "access",
        ["A9", "Gwent", "2024-03-01", "2024-02-01", "0", "supported"],
        "first_support_date",
        "date_order",
    ),
    ("access", ["A10", "Gwent", "2024-03-01", "", "-1", "waiting"], "redirections", "out_of_range"),
    ("access", ["A11", "Gwent", "2024-03-01", "", "0", "lost"], "outcome", "not_allowed"),
    (
        "partnership",
        ["Cardiff", "2024", "100", "150", "", ""],
        "workforce_vacancy_rate",
        "out_of_range",
    ),
    ("partnership", ["Cardiff", "2025", "-5", "0.1", "", ""], "core_funding_gbp", "out_of_range"),
    (
        "partnership",
        ["Cardiff", "2023", "5", "0.1", "", "6"],
        "coproduction_maturity",
        "out_of_range",
    ),
    ("training", ["L9", "school", "2024-02-10", "", ""], "organisation_type", "not_allowed"),
    ("training", ["L10", "nhs", "2024-02-10", "", "7"], "rating", "out_of_range"),
    ("training", ["L11", "nhs", "2024-02-10", "2024-01-10", ""], "completed_date", "date_order"),
    ("training", ["", "nhs", "2024-02-10", "", ""], "learner_id", "missing_required"),
]


@pytest.mark.parametrize(("dataset", "row", "column", "rule"), BAD_ROWS)
def test_each_rule_quarantines_its_bad_row(good_dir, dataset, row, column, rule):
    add_rows(good_dir, dataset, [row])
    result = ingest(good_dir)
    outcome = result.datasets[dataset]
    assert outcome.status == "loaded"
    q = outcome.quarantine
    hit = q[(q["rule"] == rule) & (q["column"] == column)]
    assert len(hit) == 1, q.to_string()
    assert hit["file"].iloc[0] == f"{dataset}_extra.csv"
    assert hit["row"].iloc[0] == 2  # the header is row 1
    assert hit["message"].iloc[0]
    # nothing lost: the good rows are all accepted, the bad one is counted as quarantined
    assert outcome.rows_read == len(GOOD[dataset][1]) + 1
    assert outcome.rows_quarantined == 1
    assert outcome.rows_accepted == len(GOOD[dataset][1])
    assert outcome.reconciles()


def test_quarantine_keeps_value_as_given_and_the_whole_record(good_dir):
    add_rows(
        good_dir,
        "outcomes",
        [["P9", "Gwent", "SDQ_TOTAL", "2024-01-01", " 41 ", "parent", "", "", ""]],
    )
    q = quarantined(ingest(good_dir), "outcomes")
    assert q["value"].tolist() == ["41"]
    record = json.loads(q["record"].iloc[0])
    assert record["score"] == " 41 "  # raw text, unmodified
    assert record["person_id"] == "P9"


def test_nhs_number_is_refused_and_never_stored(good_dir, tmp_path):
    add_rows(
        good_dir, "outcomes", [["4010232137", "Gwent", "GBO", "2024-01-01", "5", "", "", "", ""]]
    )
    assert is_nhs_number("4010232137")
    result = ingest(good_dir)
    q = quarantined(result, "outcomes")
    assert q["rule"].tolist() == ["nhs_number"]
    assert q["value"].tolist() == [WITHHELD]
    assert "4010232137" not in q["record"].iloc[0]
    written = write_processed(result, tmp_path / "processed")
    for path in written:
        assert b"4010232137" not in path.read_bytes(), path


def test_ten_digit_id_with_invalid_check_digit_is_accepted(good_dir):
    assert not is_nhs_number("4010232138")
    add_rows(
        good_dir, "outcomes", [["4010232138", "Gwent", "GBO", "2024-01-01", "5", "", "", "", ""]]
    )
    result = ingest(good_dir)
    assert result.datasets["outcomes"].rows_quarantined == 0


@pytest.mark.parametrize(
    ("number", "valid"),
    # 943 476 5919 is NHS Digital's documentation example; the others are computed by hand:
    # 401 023 213: 4*10+0*9+1*8+0*7+2*6+3*5+2*4+1*3+3*2 = 92; 92 mod 11 = 4; 11-4 = 7 -> 7
    [
        ("9434765919", True),
        ("943-476-5919", True),
        ("4010232137", True),
        ("4010232130", False),
        ("123456789", False),
        ("12345678901", False),
        ("P123456789", False),
    ],
)
def test_nhs_number_modulus_11(number, valid):
    assert is_nhs_number(number) is valid


def test_conflicting_region_ratings_quarantine_both_rows(good_dir):
    add_rows(
        good_dir,
        "self_assessment",
        [
            ["Gwent", "2024", "Trusted adults", "3", "yes", "no", "", ""],
        ],
    )
    result = ingest(good_dir)
    q = quarantined(result, "self_assessment")
    assert sorted(zip(q["file"], q["row"], strict=True)) == [
        ("self_assessment.csv", 2),
        ("self_assessment_extra.csv", 2),
    ]
    assert set(q["rule"]) == {"conflicting_duplicate"}
    assert "rating" in q["message"].iloc[0]
    outcome = result.datasets["self_assessment"]
    assert outcome.rows_quarantined == 2 and outcome.reconciles()


def test_project_rows_do_not_conflict_with_region_rows(good_dir):
    # GOOD already holds a region row and a project row for Powys 2024 trusted_adults.
    result = ingest(good_dir)
    assert result.datasets["self_assessment"].rows_quarantined == 0


def test_exact_duplicates_are_collapsed_and_counted(good_dir):
    # Same row spelled differently: alias and UK date resolve to the same values.
    add_rows(
        good_dir,
        "outcomes",
        [
            ["P0001", "North Wales", "SDQ_TOTAL", "01/03/2024", "18", "parent", "8", "Male", "2"],
        ],
    )
    result = ingest(good_dir)
    outcome = result.datasets["outcomes"]
    assert outcome.duplicates_collapsed == 1
    assert outcome.rows_quarantined == 0
    assert outcome.rows_accepted == 4
    assert outcome.duplicates[["file", "row", "kept_file", "kept_row"]].values.tolist() == [
        ["outcomes_extra.csv", 2, "outcomes.csv", 2]
    ]
    assert outcome.reconciles()


def test_ragged_row_is_quarantined_not_dropped(good_dir):
    with (good_dir / "access_more.csv").open("w") as handle:
        handle.write("request_id,rpb,received_date\nA50,Gwent,2024-01-01\nA51,Gwent,2024-01-01,x\n")
    outcome = ingest(good_dir).datasets["access"]
    q = outcome.quarantine
    assert q.loc[q["rule"] == "ragged_row", ["file", "row"]].values.tolist() == [
        ["access_more.csv", 3]
    ]
    assert outcome.rows_read == 4 and outcome.rows_accepted == 3 and outcome.reconciles()


def test_missing_required_column_stops_only_that_dataset(good_dir):
    write_csv(
        good_dir / "outcomes_gwent.csv",
        ["person id", "RPB", "Measure", "Date"],
        [["P5", "Gwent", "GBO", "2024-01-01"]],
    )
    result = ingest(good_dir)
    outcome = result.datasets["outcomes"]
    assert outcome.status == "failed"
    assert any("outcomes_gwent.csv" in e and "score" in e for e in outcome.errors)
    assert outcome.rows_not_loaded == outcome.rows_read == 5
    assert outcome.reconciles()
    assert result.datasets["access"].status == "loaded"
    assert not result.loaded


def test_files_with_only_the_required_columns_load(tmp_path):
    from nest_eval.reference.contract import DATASETS

    sample = {
        "rpb": "Gwent",
        "year": "2024",
        "element": "no_wrong_door",
        "person_id": "P1",
        "measure": "GBO",
        "date": "2024-01-01",
        "score": "4",
        "respondent_type": "child",
        "request_id": "A1",
        "received_date": "2024-01-01",
        "learner_id": "L1",
        "organisation_type": "nhs",
        "enrolled_date": "2024-01-01",
    }
    for dataset in DATASETS:
        columns = list(dataset.required_columns)
        rows = [[sample[c] for c in columns]]
        if dataset.name == "experiences":
            columns.append("safe")
            rows[0].append("4")
        write_csv(tmp_path / f"{dataset.name}.csv", columns, rows)
    result = ingest(tmp_path)
    for name, outcome in result.datasets.items():
        assert (outcome.status, outcome.rows_accepted) == ("loaded", 1), name
    assert result.datasets["self_assessment"].accepted["level"].tolist() == ["region"]
    assert result.datasets["outcomes"].accepted["respondent"].tolist() == ["self"]


def test_column_names_match_case_space_hyphen_underscore(good_dir):
    write_csv(
        good_dir / "training_2025.csv",
        [" Learner ID ", "ORGANISATION-TYPE", "enrolled date", "Extra Column"],
        [["L77", "third sector", "2025-01-05", "kept"]],
    )
    outcome = ingest(good_dir).datasets["training"]
    assert outcome.rows_quarantined == 0
    accepted = outcome.accepted
    row = accepted[accepted["learner_id"] == "L77"].iloc[0]
    assert row["organisation_type"] == "third_sector"
    assert row["extra_column"] == "kept"  # extra columns are passed through


def test_bom_and_excel_files_are_read(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    header, rows = GOOD["access"]
    write_csv(raw / "access.csv", header, rows, bom=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Request ID", "RPB", "Received date", "First support date", "Redirections"])
    sheet.append(["X1", "Hywel Dda UHB", dt.datetime(2025, 1, 31), dt.date(2025, 2, 3), 2])
    sheet.append(["X2", "Ceredigion", "14/02/2025", None, 0])
    book.save(raw / "access_2025_west_wales.xlsx")
    result = ingest(raw)
    accepted = result.datasets["access"].accepted
    assert result.datasets["access"].rows_quarantined == 0
    xlsx = accepted[accepted["source_file"] == "access_2025_west_wales.xlsx"]
    assert xlsx["rpb"].tolist() == ["West Wales", "West Wales"]
    assert xlsx["received_date"].tolist() == [pd.Timestamp(2025, 1, 31), pd.Timestamp(2025, 2, 14)]
    assert xlsx["redirections"].tolist() == [2, 0]
    assert xlsx["source_row"].tolist() == [2, 3]


def test_unreadable_files_stop_their_dataset_with_the_file_named(good_dir):
    (good_dir / "training_broken.xlsx").write_bytes(b"this is not a zip archive")
    (good_dir / "access_latin1.csv").write_bytes(
        "request_id,rpb,received_date\nA7,Ynys M\xf4n,2024-01-01\n".encode("latin-1")
    )
    result = ingest(good_dir)
    assert result.datasets["training"].status == "failed"
    assert "training_broken.xlsx" in result.datasets["training"].errors[0]
    assert result.datasets["access"].status == "failed"
    assert "access_latin1.csv" in result.datasets["access"].errors[0]
    assert "UTF-8" in result.datasets["access"].errors[0]


def test_unmatched_and_other_files_are_reported_and_left_alone(good_dir):
    (good_dir / "notes.csv").write_text("a,b\n1,2\n")
    (good_dir / "README.txt").write_text("hello")
    result = ingest(good_dir)
    assert result.unmatched_files == ["notes.csv"]
    assert result.other_files == ["README.txt"]
    assert "notes.csv" in format_summary(result)


def test_raw_files_are_never_modified(good_dir, tmp_path):
    before = {p.name: p.read_bytes() for p in good_dir.iterdir()}
    add_rows(
        good_dir, "outcomes", [["P9", "Gwent", "SDQ_TOTAL", "2024-01-01", "41", "", "", "", ""]]
    )
    before["outcomes_extra.csv"] = (good_dir / "outcomes_extra.csv").read_bytes()
    write_processed(ingest(good_dir), tmp_path / "processed")
    assert {p.name: p.read_bytes() for p in good_dir.iterdir()} == before


def test_write_processed_typed_parquet_and_accounting(good_dir, tmp_path):
    add_rows(good_dir, "training", [["L10", "nhs", "2024-02-10", "", "7"]])
    out = tmp_path / "processed"
    write_processed(ingest(good_dir), out)
    outcomes = pd.read_parquet(out / "outcomes.parquet")
    assert str(outcomes["date"].dtype).startswith("datetime64")
    assert outcomes["wimd_quintile"].dtype == "Int64"
    assert outcomes["score"].dtype == "float64"
    accounting = json.loads((out / "accounting.json").read_text())
    training = accounting["datasets"]["training"]
    assert training["rows_read"] == 3
    assert training["rows_accepted"] == 2
    assert training["rows_quarantined"] == 1
    assert training["problems_by_rule"] == {"out_of_range": 1}
    assert training["files"][0]["sha256"] and training["reconciles"] is True
    quarantine = pd.read_csv(out / "quarantine.csv")
    assert quarantine[["dataset", "file", "row", "column", "value", "rule"]].values.tolist() == [
        ["training", "training_extra.csv", 2, "rating", 7, "out_of_range"]
    ]
    # the same inputs give byte-identical outputs
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    write_processed(ingest(good_dir), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first


def test_stale_processed_file_of_a_failed_dataset_is_removed(good_dir, tmp_path):
    out = tmp_path / "processed"
    write_processed(ingest(good_dir), out)
    assert (out / "training.parquet").exists()
    (good_dir / "training_broken.xlsx").write_bytes(b"garbage")
    write_processed(ingest(good_dir), out)
    assert not (out / "training.parquet").exists()


def test_cli_validate_names_every_problem_and_loses_nothing(good_dir, capsys):
    # a missing column, an unreadable file and out-of-range values in one folder
    write_csv(
        good_dir / "outcomes_gwent.csv",
        ["person_id", "rpb", "measure", "date"],
        [["P5", "Gwent", "GBO", "2024-01-01"]],
    )
    (good_dir / "training_broken.xlsx").write_bytes(b"not a workbook")
    add_rows(good_dir, "experiences", [["Gwent", "2024-06-01", "child", "9", "0", ""]])
    status = main(["validate", str(good_dir)])
    out = capsys.readouterr().out
    assert status == 1
    assert "outcomes: NOT LOADED" in out
    assert "outcomes_gwent.csv: missing required column(s) score" in out
    assert "training: NOT LOADED" in out and "training_broken.xlsx" in out
    assert "experiences: 3 read = 2 accepted + 1 quarantined + 0 exact duplicate(s)" in out
    assert "experiences_extra.csv row 2, column nurturing: '9'" in out
    assert "experiences_extra.csv row 2, column safe: '0'" in out
    assert "Traceback" not in out
    assert "NOT LOADED: outcomes, training" in out


def test_cli_exit_codes_and_strict(good_dir, tmp_path, capsys):
    assert main(["validate", str(good_dir)]) == 0
    add_rows(good_dir, "training", [["L10", "nhs", "2024-02-10", "", "7"]])
    assert main(["validate", str(good_dir)]) == 0  # quarantined rows are reported, not fatal
    assert main(["validate", "--strict", str(good_dir)]) == 1
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    assert main(["ingest", str(good_dir), "--out", str(tmp_path / "p")]) == 0
    assert (tmp_path / "p" / "accounting.json").exists()
    capsys.readouterr()


def test_cli_bad_measures_config_is_a_message_not_a_traceback(good_dir, tmp_path, capsys):
    config = tmp_path / "measures.toml"
    config.write_text("[measures.NOPE]\nreliability = 0.5\n")
    assert main(["validate", str(good_dir), "--reference-config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "NOPE" in err and "Traceback" not in err
