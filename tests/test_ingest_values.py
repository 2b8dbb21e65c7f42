"""Values as RPBs send them: codings, missing values, numbers and dates, never guessed.

Each case ends with the value read correctly, or the row quarantined naming file, row, column,
value and rule, and with the row accounting reconciling.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from nest_eval.cli import main
from nest_eval.config import Folders, RunConfig
from nest_eval.domains.access import access_indicators
from nest_eval.domains.census import before_census
from nest_eval.domains.year import LoadedData, compute_year
from nest_eval.ingest.datasets import DatasetOutcome, ingest
from nest_eval.ingest.dictionary import data_dictionary_markdown
from nest_eval.pipeline.runner import run_year
from nest_eval.reference.overrides import Reference, load_reference
from nest_eval.reporting.tables import quality_table
from small_pipelines import RAW, small_pipeline

OUTCOMES = ["person_id", "rpb", "measure", "date", "score", "respondent", "age", "sex"]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Write a CSV file as an RPB would send it."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def outcome_row(n: int, **values: str) -> list[str]:
    """An outcomes row that breaks no rule, with some values replaced."""
    row = {
        "person_id": f"P{n}",
        "rpb": "Gwent",
        "measure": "GBO",
        "date": f"2024-03-{1 + n % 28:02d}",
        "score": "5",
        "respondent": "self",
        "age": "12",
        "sex": "female",
        **values,
    }
    return [row[c] for c in OUTCOMES]


def reconciled(outcome: DatasetOutcome) -> DatasetOutcome:
    """The outcome, after checking that its rows reconcile."""
    assert outcome.status == "loaded", outcome.errors
    assert outcome.reconciles()
    assert outcome.rows_read == (
        outcome.rows_accepted
        + outcome.rows_quarantined
        + outcome.duplicates_collapsed
        + outcome.rows_not_loaded
    )
    return outcome


def the_problem(outcome: DatasetOutcome, rule: str) -> pd.Series:
    """The one quarantine record of ``rule``."""
    q = outcome.quarantine
    hit = q[q["rule"] == rule]
    assert len(hit) == 1, q.to_string()
    return hit.iloc[0]


# --- 1. the common codings ------------------------------------------------------------------

SEX = {
    "F": "female",
    "M": "male",
    "Female": "female",
    "Male": "male",
    "Girl": "female",
    "Boy": "male",
    "Benyw": "female",
    "Gwryw": "male",
    "other": "other",
    "Prefer not to say": "unknown",
    "unknown": "unknown",
}
RESPONDENT = {
    "self": "self",
    "Young person": "self",
    "child": "self",
    "parent": "parent",
    "Carer": "parent",
    "Parent/Carer": "parent",
    "teacher": "teacher",
    "Practitioner": "practitioner",
    "clinician": "practitioner",
}


def test_the_common_codings_of_sex_and_respondent_are_read(tmp_path):
    rows = [outcome_row(i, sex=given) for i, given in enumerate(SEX)]
    rows += [outcome_row(100 + i, respondent=given) for i, given in enumerate(RESPONDENT)]
    write_csv(tmp_path / "outcomes.csv", OUTCOMES, rows)
    outcome = reconciled(ingest(tmp_path).datasets["outcomes"])
    assert outcome.rows_quarantined == 0
    accepted = outcome.accepted
    assert accepted["sex"].iloc[: len(SEX)].tolist() == list(SEX.values())
    assert accepted["respondent"].iloc[len(SEX) :].tolist() == list(RESPONDENT.values())


def test_the_demo_outcomes_coded_f_m_are_read_as_coded_in_words(tmp_path):
    text = (RAW / "outcomes.csv").read_text(encoding="utf-8")
    recoded = re.sub(r",female(?=,|\n)", ",F", re.sub(r",male(?=,|\n)", ",M", text))
    coded = {
        "F": len(re.findall(r",F(?=,|\n)", recoded)),
        "M": len(re.findall(r",M(?=,|\n)", recoded)),
    }
    assert sum(coded.values()) > 3900  # nearly every row: all were quarantined before
    shutil.copy(RAW / "outcomes.csv", tmp_path / "outcomes.csv")
    in_words = reconciled(ingest(tmp_path).datasets["outcomes"])
    (tmp_path / "outcomes.csv").write_text(recoded, encoding="utf-8")
    outcome = reconciled(ingest(tmp_path).datasets["outcomes"])
    assert (outcome.rows_read, outcome.rows_quarantined) == (
        in_words.rows_read,
        in_words.rows_quarantined,
    )
    assert "sex" not in set(outcome.quarantine["column"])
    assert outcome.accepted["sex"].tolist() == in_words.accepted["sex"].tolist()
    counted = {r["from"]: r["count"] for r in outcome.readings["codings"] if r["column"] == "sex"}
    assert counted == coded


RESPONDENT_TYPE = {
    "Child": "child",
    "Young person": "young_person",
    "Parent/carer": "parent_carer",
    "professional": "professional",
    "Plentyn": "child",
    "Pobl ifanc": "young_person",
    "Rhiant neu ofalwr": "parent_carer",
    "Practitioner": "professional",
}
ACCESS_OUTCOME = {
    "Supported": "supported",
    "Sign-posted": "signposted",
    "declined": "declined",
    "Waiting list": "waiting",
    "withdrawn": "withdrawn",
    "Wedi’i gyfeirio": "signposted",
    "Yn aros": "waiting",
}
ORGANISATION_TYPE = {
    "NHS": "nhs",
    "Health board": "nhs",
    "Local authority": "local_authority",
    "Council": "local_authority",
    "Third sector": "third_sector",
    "Voluntary": "third_sector",
    "Private/other": "private_other",
    "GIG": "nhs",
    "Awdurdod lleol": "local_authority",
    "Trydydd sector": "third_sector",
}
YES_NO = {"Yes": True, "n": False, "Ie": True, "Na": False, "Do": True, "Naddo": False}
RPBS = ("Gwent", "Powys", "Cardiff and Vale", "North Wales", "West Wales", "West Glamorgan")


def _rows(dataset: str, given: list[str]) -> tuple[list[str], list[list[str]]]:
    """A header and one row per value given, of a dataset with one categorical column."""
    if dataset == "experiences":
        dates = [f"2024-06-{i + 1:02d}" for i in range(len(given))]
        return ["rpb", "date", "respondent_type", "safe"], [
            ["Gwent", d, g, "4"] for d, g in zip(dates, given, strict=True)
        ]
    if dataset == "access":
        header = ["request_id", "rpb", "received_date", "outcome"]
        return header, [[f"A{i}", "Gwent", "2024-06-01", g] for i, g in enumerate(given)]
    if dataset == "training":
        header = ["learner_id", "organisation_type", "enrolled_date"]
        return header, [[f"L{i}", g, "2024-06-01"] for i, g in enumerate(given)]
    header = ["rpb", "year", "multiagency_panel"]
    return header, [[r, "2024", g] for r, g in zip(RPBS, given, strict=True)]


@pytest.mark.parametrize(
    ("dataset", "column", "codings"),
    [
        ("experiences", "respondent_type", RESPONDENT_TYPE),
        ("access", "outcome", ACCESS_OUTCOME),
        ("training", "organisation_type", ORGANISATION_TYPE),
        ("partnership", "multiagency_panel", YES_NO),
    ],
)
def test_the_common_codings_of_each_categorical_column_are_read(tmp_path, dataset, column, codings):
    header, rows = _rows(dataset, list(codings))
    write_csv(tmp_path / f"{dataset}.csv", header, rows)
    outcome = reconciled(ingest(tmp_path).datasets[dataset])
    assert outcome.rows_quarantined == 0, outcome.quarantine.to_string()
    assert outcome.accepted[column].tolist() == list(codings.values())


def test_the_data_dictionary_documents_the_codings():
    text = data_dictionary_markdown()
    documented = ["benyw", "gwryw", "girl", "prefer not to say", "clinician", "parent/carer"]
    documented += ["ie", "naddo", "young person", "health board", "wedi'i gyfeirio"]
    for coding in documented:
        assert f"`{coding}`" in text, coding


# --- 2. the evaluator's codings -------------------------------------------------------------


def overrides(tmp_path: Path, text: str) -> Reference:
    """The reference data with an overrides file of ``text``."""
    path = tmp_path / "overrides.toml"
    path.write_text(text, encoding="utf-8")
    return load_reference(path)


def test_a_coding_the_contract_lacks_is_quarantined_naming_everything(tmp_path):
    rows = [outcome_row(1, sex="1"), outcome_row(2, sex="2"), outcome_row(3, sex="F")]
    write_csv(tmp_path / "outcomes_gwent.csv", OUTCOMES, rows)
    outcome = reconciled(ingest(tmp_path).datasets["outcomes"])
    q = outcome.quarantine
    assert q[["file", "row", "column", "value", "rule"]].values.tolist() == [
        ["outcomes_gwent.csv", 2, "sex", "1", "not_allowed"],
        ["outcomes_gwent.csv", 3, "sex", "2", "not_allowed"],
    ]
    assert q["message"].iloc[0] == "must be one of female, male, other, unknown"
    assert outcome.rows_accepted == 1


def test_the_evaluator_maps_other_codings_and_every_mapping_is_counted(tmp_path):
    rows = [outcome_row(i, sex=s) for i, s in enumerate(["1", "1", "2", "F", "female", "Benyw"])]
    write_csv(tmp_path / "outcomes.csv", OUTCOMES, rows)
    reference = overrides(tmp_path, '[codings.sex]\n"1" = "male"\n"2" = "female"\n')
    outcome = reconciled(ingest(tmp_path, reference).datasets["outcomes"])
    assert outcome.rows_quarantined == 0
    assert outcome.accepted["sex"].tolist() == ["male", "male"] + ["female"] * 4
    assert outcome.accounting()["readings"]["codings"] == [
        {"column": "sex", "from": "1", "to": "male", "count": 2, "source": "evaluator"},
        {"column": "sex", "from": "2", "to": "female", "count": 1, "source": "evaluator"},
        {"column": "sex", "from": "Benyw", "to": "female", "count": 1, "source": "contract"},
        {"column": "sex", "from": "F", "to": "female", "count": 1, "source": "contract"},
    ]
    note = next(n for n in outcome.notes if n.startswith("sex codings"))
    assert "'1' as male (2, evaluator)" in note and "'F' as female (1)" in note


def test_the_codings_applied_reach_the_processed_accounting(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(raw / "outcomes.csv", OUTCOMES, [outcome_row(1, sex="1")])
    config = tmp_path / "codings.toml"
    config.write_text('[codings.sex]\n"1" = "male"\n', encoding="utf-8")
    out = tmp_path / "processed"
    assert main(["ingest", str(raw), "--out", str(out), "--reference-config", str(config)]) == 0
    assert "sex codings read: '1' as male (1, evaluator)" in capsys.readouterr().out
    accounting = json.loads((out / "accounting.json").read_text())
    assert accounting["datasets"]["outcomes"]["readings"]["codings"] == [
        {"column": "sex", "from": "1", "to": "male", "count": 1, "source": "evaluator"}
    ]


# --- 3. NA (missing) and Welsh "na" (no) ------------------------------------------------------

PARTNERSHIP = ["rpb", "year", "multiagency_panel", "cyp_on_board", "coproduction_maturity"]


def test_na_is_missing_and_welsh_na_is_no_and_both_are_reported(tmp_path, capsys):
    rows = [
        ["Gwent", "2024", "NA", "na", "2"],
        ["Powys", "2024", "Na", "N/A", "NA"],
        ["Cardiff and Vale", "2024", "ie", "", "3"],
    ]
    write_csv(tmp_path / "partnership.csv", PARTNERSHIP, rows)
    outcome = reconciled(ingest(tmp_path).datasets["partnership"])
    assert outcome.rows_quarantined == 0
    accepted = outcome.accepted
    assert accepted["multiagency_panel"].tolist() == [pd.NA, False, True]
    assert accepted["cyp_on_board"].tolist() == [False, pd.NA, pd.NA]
    assert accepted["coproduction_maturity"].tolist() == [2, pd.NA, 3]
    readings = outcome.accounting()["readings"]
    assert readings["missing"] == [
        {"column": "multiagency_panel", "value": "NA", "count": 1},
        {"column": "coproduction_maturity", "value": "NA", "count": 1},
        {"column": "cyp_on_board", "value": "N/A", "count": 1},
    ]  # in the contract's column order
    assert {
        "column": "cyp_on_board",
        "from": "na",
        "to": "no",
        "count": 1,
        "source": "contract",
    } in (readings["codings"])
    assert main(["validate", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "read as missing" in out and "multiagency_panel 'NA' (1)" in out
    assert "'na' as no (1)" in out and "'Na' as no (1)" in out


def test_na_in_a_required_column_is_quarantined_as_given(tmp_path):
    write_csv(tmp_path / "outcomes.csv", OUTCOMES, [outcome_row(1, rpb="NA")])
    outcome = reconciled(ingest(tmp_path).datasets["outcomes"])
    record = the_problem(outcome, "missing_required")
    assert (record["file"], record["row"], record["column"], record["value"]) == (
        "outcomes.csv",
        2,
        "rpb",
        "NA",
    )


def test_the_evaluator_declares_na_a_welsh_no(tmp_path):
    write_csv(tmp_path / "partnership.csv", PARTNERSHIP, [["Gwent", "2024", "NA", "", ""]])
    reference = overrides(tmp_path, '[locale.files."partnership.csv"]\nmissing = ["N/A"]\n')
    outcome = reconciled(ingest(tmp_path, reference).datasets["partnership"])
    assert outcome.accepted["multiagency_panel"].tolist() == [False]
    assert "missing" not in outcome.readings
    assert outcome.readings["codings"][0]["from"] == "NA"


# --- 4. decimal commas and thousands separators ----------------------------------------------

ACCESS = ["request_id", "rpb", "received_date", "first_support_date", "redirections"]
FUNDING = ["rpb", "year", "core_funding_gbp"]


def test_a_decimal_comma_is_never_read_as_a_whole_number(tmp_path):
    write_csv(tmp_path / "outcomes.csv", OUTCOMES, [outcome_row(1, age="1,5"), outcome_row(2)])
    write_csv(tmp_path / "access.csv", ACCESS, [["A1", "Gwent", "2024-01-02", "", "1,0"]])
    result = ingest(tmp_path)
    age = the_problem(reconciled(result.datasets["outcomes"]), "decimal_comma")
    assert (age["file"], age["row"], age["column"], age["value"]) == (
        "outcomes.csv",
        2,
        "age",
        "1,5",
    )
    assert 'decimal = ","' in age["message"]
    redirections = the_problem(reconciled(result.datasets["access"]), "decimal_comma")
    assert (redirections["column"], redirections["value"]) == ("redirections", "1,0")
    assert result.datasets["outcomes"].accepted["age"].tolist() == [12.0]


def test_a_thousands_separator_that_could_be_a_decimal_mark_is_quarantined(tmp_path):
    rows = [["Gwent", "2024", "1,234"], ["Powys", "2024", "£1,250,000"], ["Cardiff", "2024", "5"]]
    write_csv(tmp_path / "partnership.csv", FUNDING, rows)
    outcome = reconciled(ingest(tmp_path).datasets["partnership"])
    problem = the_problem(outcome, "ambiguous_separator")
    assert (problem["row"], problem["column"], problem["value"]) == (2, "core_funding_gbp", "1,234")
    assert outcome.accepted["core_funding_gbp"].tolist() == [1_250_000.0, 5.0]
    assert outcome.readings["numbers"] == [
        {
            "column": "core_funding_gbp",
            "reading": "thousands_separator",
            "count": 1,
            "example": "£1,250,000",
        }
    ]


def test_a_declared_locale_reads_decimal_commas_and_separators(tmp_path):
    write_csv(tmp_path / "outcomes_wales.csv", OUTCOMES, [outcome_row(1, age="1,5")])
    write_csv(tmp_path / "outcomes_gwent.csv", OUTCOMES, [outcome_row(2, age="1,5")])
    write_csv(tmp_path / "access.csv", ACCESS, [["A1", "Gwent", "2024-01-02", "", "1,0"]])
    rows = [["Gwent", "2024", "1,234"], ["Powys", "2024", "1.234,5"]]
    write_csv(tmp_path / "partnership.csv", FUNDING, rows)
    reference = overrides(
        tmp_path,
        '[locale.files."outcomes_wales.csv"]\ndecimal = ","\n\n'
        '[locale.datasets.access]\ndecimal = ","\n\n'
        '[locale.datasets.partnership]\ndecimal = ","\nthousands = "."\n',
    )
    result = ingest(tmp_path, reference)
    outcomes = reconciled(result.datasets["outcomes"])
    assert outcomes.accepted["age"].tolist() == [1.5]  # only the declared file's
    assert the_problem(outcomes, "decimal_comma")["file"] == "outcomes_gwent.csv"
    assert outcomes.readings["numbers"] == [
        {"column": "age", "reading": "decimal_comma", "count": 1, "example": "1,5"}
    ]
    access = reconciled(result.datasets["access"])
    assert access.rows_quarantined == 0
    assert access.accepted["redirections"].tolist() == [1]
    assert access.readings["numbers"] == [
        {"column": "redirections", "reading": "decimal_comma", "count": 1, "example": "1,0"}
    ]
    partnership = reconciled(result.datasets["partnership"])
    assert partnership.accepted["core_funding_gbp"].tolist() == [1.234, 1234.5]
    readings = {r["reading"]: r["count"] for r in partnership.readings["numbers"]}
    assert readings == {"decimal_comma": 1, "thousands_separator": 1}


def test_a_declared_thousands_separator_reads_grouped_numbers(tmp_path):
    write_csv(tmp_path / "partnership.csv", FUNDING, [["Gwent", "2024", "1,234"]])
    reference = overrides(tmp_path, '[locale]\nthousands = ","\n')
    outcome = reconciled(ingest(tmp_path, reference).datasets["partnership"])
    assert outcome.accepted["core_funding_gbp"].tolist() == [1234.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[locale]\ndecimal = ";"\n', "is not one of"),
        ('[locale]\ndecimal = ","\nthousands = ","\n', "cannot be the decimal mark"),
        ('[locale]\nseparator = ","\n', "unknown setting"),
        ('[locale.datasets.outcome]\ndecimal = ","\n', "not a dataset"),
        ('[locale]\ndates = "year-first"\n', "is not one of"),
        ('[locale]\nmissing = "NA"\n', "expected a list of text"),
        ("[dates]\nearliest = 1990-01-01\n", "narrowed"),
        ('[dates]\nlatest = "soon"\n', "is not a date"),
    ],
)
def test_bad_locale_declarations_are_named_with_file_and_key(tmp_path, text, message):
    with pytest.raises(ValueError, match=message) as info:
        overrides(tmp_path, text)
    assert str(tmp_path / "overrides.toml") in str(info.value)


# --- 5. a vacancy rate of exactly 1 ---------------------------------------------------------

RATES = ["rpb", "year", "workforce_vacancy_rate"]


def test_a_vacancy_rate_of_1_is_quarantined_as_ambiguous(tmp_path):
    given = ["1", "1.0", "100%", "1%", "100", "0.5", "12"]
    rpbs = ("Gwent", "Powys", "Cardiff", "Betsi", "Hywel Dda", "Swansea", "Bridgend")
    write_csv(
        tmp_path / "partnership.csv",
        RATES,
        [[r, "2024", g] for r, g in zip(rpbs, given, strict=True)],
    )
    outcome = reconciled(ingest(tmp_path).datasets["partnership"])
    q = outcome.quarantine
    assert q[["row", "column", "value", "rule"]].values.tolist() == [
        [2, "workforce_vacancy_rate", "1", "ambiguous_rate"],
        [3, "workforce_vacancy_rate", "1.0", "ambiguous_rate"],
    ]
    assert "100% or 1%" in q["message"].iloc[0]
    accepted = outcome.accepted
    assert accepted["workforce_vacancy_rate"].tolist() == pytest.approx([1.0, 0.01, 1.0, 0.5, 0.12])
    assert accepted["workforce_vacancy_rate_given_as_percent"].tolist() == [
        True,
        True,
        True,
        False,
        True,
    ]


# --- 6. the order of day and month ----------------------------------------------------------


def access_rows(*dates: tuple[str, str], prefix: str = "A") -> list[list[str]]:
    """Access rows with the received and first-support dates given."""
    return [[f"{prefix}{i}", "Gwent", r, s, "0"] for i, (r, s) in enumerate(dates)]


def dates_read(outcome: DatasetOutcome, column: str = "received_date") -> list[str]:
    """The accepted dates of a column, in ISO."""
    return [d.date().isoformat() for d in outcome.accepted[column]]


def test_a_month_first_file_is_detected_and_read_month_first_as_a_whole(tmp_path):
    rows = access_rows(("03/25/2024", ""), ("04/02/2024", "04/09/2024"), ("2024-05-01", ""))
    write_csv(tmp_path / "access_us.csv", ACCESS, rows)
    write_csv(
        tmp_path / "access_uk.csv", ACCESS, access_rows(("04/02/2024", "25/02/2024"), prefix="B")
    )
    outcome = reconciled(ingest(tmp_path).datasets["access"])
    assert outcome.rows_quarantined == 0
    accepted = outcome.accepted.set_index("source_file")
    assert [d.date().isoformat() for d in accepted.loc["access_us.csv", "received_date"]] == [
        "2024-03-25",
        "2024-04-02",
        "2024-05-01",
    ]
    assert accepted.loc["access_us.csv", "first_support_date"].iloc[1].date().isoformat() == (
        "2024-04-09"
    )
    assert accepted.loc["access_uk.csv", "received_date"].date().isoformat() == "2024-02-04"
    orders = {r["file"]: (r["order"], r["how"]) for r in outcome.readings["dates"]}
    assert orders == {
        "access_us.csv": ("month-first", "detected"),
        "access_uk.csv": ("day-first", "detected"),
    }
    assert any(n.startswith("access_us.csv: dates read month-first") for n in outcome.notes)


def test_a_file_of_ambiguous_dates_only_is_read_day_first_and_reported(tmp_path):
    write_csv(tmp_path / "access.csv", ACCESS, access_rows(("04/02/2024", ""), ("05/06/2024", "")))
    outcome = reconciled(ingest(tmp_path).datasets["access"])
    assert dates_read(outcome) == ["2024-02-04", "2024-06-05"]
    assert outcome.readings["dates"] == [
        {
            "file": "access.csv",
            "order": "day-first",
            "how": "default",
            "slash_dates": 2,
            "day_first_only": 0,
            "month_first_only": 0,
            "either": 2,
        }
    ]
    assert any("2 date(s) could be day-first or month-first" in n for n in outcome.notes)


@pytest.mark.parametrize(
    ("order", "read"),
    [("month-first", ["2024-04-02", "2024-05-06"]), ("day-first", ["2024-02-04", "2024-06-05"])],
)
def test_a_file_of_ambiguous_dates_only_is_read_as_declared_as_a_whole(tmp_path, order, read):
    write_csv(tmp_path / "access.csv", ACCESS, access_rows(("04/02/2024", ""), ("05/06/2024", "")))
    reference = overrides(tmp_path, f'[locale.datasets.access]\ndates = "{order}"\n')
    outcome = reconciled(ingest(tmp_path, reference).datasets["access"])
    assert outcome.rows_quarantined == 0
    assert dates_read(outcome) == read
    assert [(r["order"], r["how"]) for r in outcome.readings["dates"]] == [(order, "declared")]


def test_a_file_with_dates_of_both_orders_quarantines_those_it_cannot_read(tmp_path):
    rows = access_rows(
        ("25/03/2024", ""), ("03/25/2024", ""), ("04/02/2024", ""), ("2024-05-01", "")
    )
    write_csv(tmp_path / "access.csv", ACCESS, rows)
    outcome = reconciled(ingest(tmp_path).datasets["access"])
    q = outcome.quarantine
    assert q[["row", "column", "value", "rule"]].values.tolist() == [
        [3, "received_date", "03/25/2024", "mixed_date_order"],
        [4, "received_date", "04/02/2024", "ambiguous_date"],
    ]
    assert "the file is read day-first" in q["message"].iloc[0]
    assert dates_read(outcome) == ["2024-03-25", "2024-05-01"]
    assert outcome.readings["dates"][0]["how"] == "mixed"


def test_a_declared_order_reads_the_file_and_quarantines_the_other_order(tmp_path):
    rows = access_rows(("25/03/2024", ""), ("04/02/2024", ""))
    write_csv(tmp_path / "access.csv", ACCESS, rows)
    reference = overrides(tmp_path, '[locale.files."access.csv"]\ndates = "month-first"\n')
    outcome = reconciled(ingest(tmp_path, reference).datasets["access"])
    problem = the_problem(outcome, "mixed_date_order")
    assert (problem["row"], problem["value"]) == (2, "25/03/2024")
    assert problem["message"].startswith("can only be day-first")
    assert dates_read(outcome) == ["2024-04-02"]


# --- 7. implausible dates -------------------------------------------------------------------


def test_dates_outside_the_plausible_window_are_quarantined(tmp_path):
    given = ["2205-01-05", "1900-01-01", "0001-01-01", "31/12/1999", "2000-01-01", "2099-12-31"]
    write_csv(
        tmp_path / "outcomes.csv", OUTCOMES, [outcome_row(i, date=d) for i, d in enumerate(given)]
    )
    outcome = reconciled(ingest(tmp_path).datasets["outcomes"])
    q = outcome.quarantine
    assert q[["row", "column", "value", "rule"]].values.tolist() == [
        [2, "date", "2205-01-05", "implausible_date"],
        [3, "date", "1900-01-01", "implausible_date"],
        [4, "date", "0001-01-01", "implausible_date"],
        [5, "date", "31/12/1999", "implausible_date"],
    ]
    assert q["message"].iloc[0] == "outside the plausible dates, 2000-01-01 to 2099-12-31"
    assert dates_read(outcome, "date") == ["2000-01-01", "2099-12-31"]


def test_the_evaluator_narrows_the_window(tmp_path):
    given = ["2019-12-31", "2020-01-01"]
    write_csv(
        tmp_path / "outcomes.csv", OUTCOMES, [outcome_row(i, date=d) for i, d in enumerate(given)]
    )
    reference = overrides(tmp_path, "[dates]\nearliest = 2020-01-01\n")
    outcome = reconciled(ingest(tmp_path, reference).datasets["outcomes"])
    problem = the_problem(outcome, "implausible_date")
    assert (problem["value"], problem["message"]) == (
        "2019-12-31",
        "outside the plausible dates, 2020-01-01 to 2099-12-31",
    )


# --- 8. rows dated after the run's census date ----------------------------------------------


def test_rows_dated_after_the_census_date_are_left_out_and_counted(demo_ingest):
    tables = {name: d.accepted for name, d in demo_ingest.datasets.items()}
    loaded = LoadedData(tables, demo_ingest.accounting(), "demo")
    as_of = dt.date(2025, 6, 30)
    results = compute_year(loaded, RunConfig(year=2025, as_of=as_of))
    expected = {
        name: int((tables[name][column] > pd.Timestamp(as_of)).sum())
        for name, column in (
            ("outcomes", "date"),
            ("experiences", "date"),
            ("access", "received_date"),
            ("training", "enrolled_date"),
        )
    }
    assert all(expected.values())
    assert results.accounting["census"] == {"as_of": "2025-06-30", "rows_after_census": expected}
    quality = quality_table(results.accounting).set_index("dataset")["rows_after_census"]
    assert quality.to_dict() == {"self_assessment": 0, "partnership": 0, **expected}
    kept = tables["access"][tables["access"]["received_date"] <= pd.Timestamp(as_of)]
    by_hand = access_indicators(kept, 2025, pd.Timestamp(as_of))
    pd.testing.assert_frame_equal(results.access, by_hand)


def test_without_a_census_date_no_row_is_left_out(demo_ingest):
    tables = {name: d.accepted for name, d in demo_ingest.datasets.items()}
    kept, left_out = before_census(tables, None)
    assert left_out == {} and all(kept[n] is tables[n] for n in tables)
    assert set(quality_table(demo_ingest.accounting())["rows_after_census"]) == {0}


def test_a_run_reports_the_rows_it_leaves_out_and_the_codings_it_applied(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    header = ["rpb", "year", "multiagency_panel"]
    write_csv(raw / "partnership_2023.csv", header, [["Gwent", "2023", "2"]])
    write_csv(raw / "outcomes_coded.csv", OUTCOMES, [outcome_row(1, person_id="Q1", sex="1")])
    codings = tmp_path / "codings.toml"
    codings.write_text(
        '[codings.sex]\n"1" = "male"\n\n[codings.yes_no]\n"2" = "no"\n', encoding="utf-8"
    )
    folders = Folders(raw, tmp_path / "processed", tmp_path / "reports", tmp_path / "build")
    pipeline = small_pipeline(tmp_path / "project", "")  # ingest and tables, no notebook
    config = RunConfig(2025, as_of=dt.date(2025, 6, 30), reference_config=codings,
                       folders=folders, pipeline=pipeline)  # fmt: skip
    said: list[str] = []
    assert run_year(config, progress=said.append).ok
    line = next(s for s in said if "after the census date" in s)
    assert line.startswith("compute 2025: rows dated after the census date 2025-06-30, left out:")
    assert "access " in line and "outcomes " in line
    quality = pd.read_csv(config.year_dir() / "tables" / "data_quality.csv").set_index("dataset")
    assert quality.loc["access", "rows_after_census"] > 0
    assert quality.loc["partnership", "rows_after_census"] == 0
    manifest = json.loads((config.year_dir() / "manifest.json").read_text())
    accounting = manifest["inputs"]["accounting"]
    applied = accounting["partnership"]["readings"]["codings"]
    evaluator = {"column": "multiagency_panel", "from": "2", "to": "no", "count": 1}
    assert {**evaluator, "source": "evaluator"} in applied
    sex = [r for r in accounting["outcomes"]["readings"]["codings"] if r["column"] == "sex"]
    assert sex == [{"column": "sex", "from": "1", "to": "male", "count": 1, "source": "evaluator"}]
