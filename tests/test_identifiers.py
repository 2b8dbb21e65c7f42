"""Identifiers: real NHS numbers refused however written, in every column, and written nowhere.

The NHS numbers of these tests are built here, with the modulus-11 check digit computed
independently of the code under test (NHS Digital, NHS Data Model and Dictionary, "NHS Number").
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import openpyxl
import pytest

from nest_eval.cli import main
from nest_eval.ingest.datasets import IngestResult, format_summary, ingest, write_processed
from nest_eval.ingest.identifiers import WITHHELD, is_nhs_number, nhs_digits


def check_digit(nine: str) -> int | None:
    """Modulus 11: weights 10 to 2, check = 11 - (sum mod 11); 11 -> 0; 10 -> no valid number."""
    remainder = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
    check = 11 - remainder
    return {11: 0, 10: None}.get(check, check)


def valid_numbers(count: int, seed: int = 9) -> list[str]:
    """Ten-digit numbers with a valid check digit, from seeded nine-digit stems."""
    rng = random.Random(seed)
    numbers: list[str] = []
    while len(numbers) < count:
        stem = f"{rng.randrange(400_000_000, 999_999_999):09d}"
        check = check_digit(stem)
        if check is not None:
            numbers.append(f"{stem}{check}")
    return numbers


def invalid(number: str) -> str:
    """The same first nine digits with a wrong check digit."""
    return number[:9] + str((int(number[9]) + 1) % 10)


NHS = valid_numbers(6)
DOC_EXAMPLE = "9434765919"  # NHS Digital's documentation example


def written_forms(d: str) -> dict[str, str]:
    """The ways an NHS number has been written in data received."""
    return {
        "plain": d,
        "spaces": f"{d[:3]} {d[3:6]} {d[6:]}",
        "dashes": f"{d[:3]}-{d[3:6]}-{d[6:]}",
        "dots": f"{d[:3]}.{d[3:6]}.{d[6:]}",
        "no_break_space": f"{d[:3]}\u00a0{d[3:6]}\u00a0{d[6:]}",
        "thin_no_break_space": f"{d[:3]}\u202f{d[3:6]}\u202f{d[6:]}",
        "en_dash": f"{d[:3]}\u2013{d[3:6]}\u2013{d[6:]}",
        "prefix": f"NHS {d}",
        "prefix_no": f"nhs no: {d[:3]} {d[3:6]} {d[6:]}",
        "prefix_number": f"NHS Number {d[:3]}-{d[3:6]}-{d[6:]}",
        "prefix_joined": f"NHSno.{d}",
        "scientific": f"{d[0]}.{d[1:].rstrip('0') or '0'}E9",
        "scientific_plus": f"{d[0]}.{d[1:]}E+09",
        "float_text": f"{d}.0",
        "spreadsheet_apostrophe": f"'{d}",
        "padded": f"  {d}\u00a0",
    }


FORMS = sorted(written_forms(DOC_EXAMPLE))


# --- the check itself -----------------------------------------------------------------------


def test_check_digit_of_the_documentation_example():
    assert check_digit("943476591") == 9
    assert is_nhs_number(DOC_EXAMPLE)


@pytest.mark.parametrize("number", NHS)
def test_valid_check_digits_are_nhs_numbers_and_every_other_digit_is_not(number):
    assert is_nhs_number(number)
    for digit in "0123456789":
        if digit != number[9]:
            assert not is_nhs_number(number[:9] + digit)


def test_stems_whose_check_would_be_10_make_no_nhs_number():
    stems = (f"{n:09d}" for n in range(400_000_000, 400_001_000))
    stem = next(s for s in stems if check_digit(s) is None)
    for digit in "0123456789":
        assert not is_nhs_number(stem + digit)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("number", [DOC_EXAMPLE, *NHS[:3]])
def test_every_written_form_is_normalised_to_its_digits(number, form):
    text = written_forms(number)[form]
    assert nhs_digits(text) == number, text
    assert is_nhs_number(text), text
    assert not is_nhs_number(written_forms(invalid(number))[form])


@pytest.mark.parametrize(
    "value",
    [
        "P" + DOC_EXAMPLE,  # a prefix that is not NHS: a pseudonymous id
        DOC_EXAMPLE + "1",  # eleven digits
        DOC_EXAMPLE[:9],  # nine digits
        "9.434765919E8",  # 943476591.9: not an integer
        "9.434765919E10",  # eleven digits
        "9434765919x",
        "2019-2020",
        "12",
        "2024-03-01",
        "",
        "nan",
    ],
)
def test_values_that_do_not_denote_a_ten_digit_number_are_not_nhs_numbers(value):
    assert not is_nhs_number(value)


# --- ingest: a small raw-data folder --------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


OUTCOMES = ["person_id", "rpb", "measure", "date", "score"]
ACCESS = ["request_id", "rpb", "received_date", "outcome", "route", "service"]
EXPERIENCES = ["rpb", "date", "respondent_type", "safe", "response_id", "comment"]


def outcome_row(person: str, day: int = 1) -> list[str]:
    return [person, "Gwent", "GBO", f"2024-01-{day:02d}", "5"]


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    write_csv(folder / "outcomes.csv", OUTCOMES, [outcome_row("P1"), outcome_row("P2")])
    write_csv(
        folder / "access.csv",
        ACCESS,
        [["A1", "Powys", "2024-02-01", "supported", "self", "CAMHS"]],
    )
    write_csv(
        folder / "experiences.csv",
        EXPERIENCES,
        [["Gwent", "2024-06-01", "child", "4", "R1", "Staff listened to us."]],
    )
    return folder


def written_bytes(result: IngestResult, out: Path) -> dict[str, bytes]:
    """Every file ingest writes, and the printed summary, as bytes."""
    files = {p.name: p.read_bytes() for p in write_processed(result, out)}
    files["summary"] = format_summary(result).encode("utf-8")
    files["accounting (in memory)"] = json.dumps(result.accounting(), ensure_ascii=False).encode()
    return files


def assert_written_nowhere(result: IngestResult, out: Path, secrets: list[str]) -> None:
    for name, content in written_bytes(result, out).items():
        for secret in secrets:
            assert secret.encode("utf-8") not in content, (name, secret)


def assert_reconciles(result: IngestResult) -> None:
    for name, outcome in result.datasets.items():
        assert outcome.reconciles(), name


# --- contract identifier columns: the row is quarantined -------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_nhs_number_in_an_id_column_quarantines_the_row_in_every_form(raw, tmp_path, form):
    number = NHS[0]
    text = written_forms(number)[form]
    write_csv(raw / "outcomes_more.csv", OUTCOMES, [outcome_row(text), outcome_row("P3")])
    result = ingest(raw)
    outcome = result.datasets["outcomes"]
    q = outcome.quarantine
    assert q[["file", "row", "column", "value", "rule"]].values.tolist() == [
        ["outcomes_more.csv", 2, "person_id", WITHHELD, "nhs_number"]
    ]
    assert json.loads(q["record"].iloc[0])["person_id"] == WITHHELD
    assert (outcome.rows_read, outcome.rows_accepted, outcome.rows_quarantined) == (4, 3, 1)
    assert [r.__dict__ for r in outcome.identifiers_refused()] == [
        {
            "file": "outcomes_more.csv",
            "column": "person_id",
            "values": 1,
            "outcome": "rows quarantined",
        }
    ]
    assert_reconciles(result)
    assert_written_nowhere(result, tmp_path / "processed", [number, text.strip()])


def test_nhs_number_in_any_contract_column_is_refused_with_that_rule_only(raw, tmp_path):
    # a number in a typed column (age, funding) would pass or fail its own rule with the value
    # shown; a whole free-text cell that is an NHS number is a misplaced identifier
    number, other = NHS[1], NHS[2]
    write_csv(
        raw / "access_more.csv",
        [*ACCESS, "age"],
        [
            [
                "A2",
                "Powys",
                "2024-02-01",
                "supported",
                "self",
                "CAMHS",
                f"{number[0]}.{number[1:]}E9",
            ],
            ["A3", "Powys", "2024-02-01", "supported", "self", other, "12"],
            ["A4", "Powys", "2024-02-01", "supported", "self", "CAMHS", "12"],
        ],
    )
    write_csv(
        raw / "partnership.csv",
        ["rpb", "year", "core_funding_gbp"],
        [["Gwent", "2024", number], ["Powys", "2024", invalid(number)]],
    )
    result = ingest(raw)
    access = result.datasets["access"].quarantine
    assert access[["row", "column", "value", "rule"]].values.tolist() == [
        [2, "age", WITHHELD, "nhs_number"],
        [3, "service", WITHHELD, "nhs_number"],
    ]
    partnership = result.datasets["partnership"]
    assert partnership.quarantine[["column", "rule"]].values.tolist() == [
        ["core_funding_gbp", "nhs_number"]
    ]
    # ten digits with a wrong check digit are an ordinary (if large) amount
    assert partnership.accepted["core_funding_gbp"].tolist() == [float(invalid(number))]
    assert_reconciles(result)
    assert_written_nowhere(result, tmp_path / "processed", [number, other])


def test_nhs_number_in_an_excel_number_cell_is_refused(raw, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(OUTCOMES)
    sheet.append([int(NHS[3]), "Gwent", "GBO", "2024-01-05", 5])
    sheet.append([float(NHS[4]), "Gwent", "GBO", "2024-01-06", 5])
    sheet.append([int(invalid(NHS[3])), "Gwent", "GBO", "2024-01-07", 5])
    book.save(raw / "outcomes_2024.xlsx")
    result = ingest(raw)
    outcome = result.datasets["outcomes"]
    assert outcome.quarantine["rule"].tolist() == ["nhs_number", "nhs_number"]
    assert outcome.accepted["person_id"].tolist()[-1] == invalid(NHS[3])
    assert_written_nowhere(result, tmp_path / "processed", [NHS[3], NHS[4]])


def test_ten_digit_ids_with_invalid_check_digits_are_ordinary_pseudonymous_ids(raw, tmp_path):
    ids = [invalid(n) for n in NHS]
    write_csv(
        raw / "outcomes_more.csv",
        [*OUTCOMES, "local_id"],
        [[*outcome_row(i, day), i] for day, i in enumerate(ids, start=2)],
    )
    result = ingest(raw)
    outcome = result.datasets["outcomes"]
    assert outcome.rows_quarantined == 0
    assert outcome.identifiers_refused() == []
    assert outcome.redactions == {}
    accepted = outcome.accepted
    assert accepted["person_id"].tolist()[2:] == ids
    assert accepted["local_id"].tolist()[2:] == ids  # extra column kept, not redacted


# --- extra columns: dropped entirely --------------------------------------------------------


def test_extra_column_of_nhs_numbers_is_dropped_and_reported_once(raw, tmp_path):
    forms = written_forms(NHS[5])
    write_csv(
        raw / "outcomes_more.csv",
        [*OUTCOMES, "NHS Number", "team"],
        [
            [*outcome_row("P3", 3), NHS[0], "North"],
            [*outcome_row("P4", 4), forms["no_break_space"], "South"],
            [*outcome_row("P5", 5), "", "East"],
            [*outcome_row("P6", 6), invalid(NHS[1]), "West"],
        ],
    )
    write_csv(
        raw / "outcomes_2025.csv",
        [*OUTCOMES, "nhs_number"],
        [[*outcome_row("P7", 7), forms["scientific"]]],
    )
    result = ingest(raw)
    outcome = result.datasets["outcomes"]
    assert "nhs_number" not in outcome.accepted.columns
    assert outcome.accepted["team"].tolist()[-4:] == ["North", "South", "East", "West"]
    # rows are kept: the column goes, not the rows
    assert (outcome.rows_read, outcome.rows_accepted, outcome.rows_quarantined) == (7, 7, 0)
    refused = result.accounting()["datasets"]["outcomes"]["identifiers_refused"]
    assert refused == [
        {
            "file": "outcomes_2025.csv",
            "column": "nhs_number",
            "values": 1,
            "outcome": "column dropped",
        },
        {
            "file": "outcomes_more.csv",
            "column": "nhs_number",
            "values": 2,
            "outcome": "column dropped",
        },
    ]
    summary = format_summary(result)
    assert (
        "refused: outcomes_more.csv, column nhs_number: 2 value(s) look like real NHS numbers; "
        "column dropped, the values are written nowhere"
    ) in summary
    assert_reconciles(result)
    secrets = [NHS[0], NHS[5], forms["no_break_space"], forms["scientific"], invalid(NHS[1])]
    assert_written_nowhere(result, tmp_path / "processed", secrets)


def test_dropped_column_stays_out_of_quarantine_records(raw, tmp_path):
    write_csv(
        raw / "outcomes_more.csv",
        [*OUTCOMES, "nhs_no"],
        [[*outcome_row("P3", 3)[:3], "31/02/2024", "5", NHS[0]]],
    )
    result = ingest(raw)
    q = result.datasets["outcomes"].quarantine
    assert q["rule"].tolist() == ["bad_date"]
    assert "nhs_no" not in json.loads(q["record"].iloc[0])
    assert_written_nowhere(result, tmp_path / "processed", [NHS[0]])


def test_other_extra_columns_pass_through_as_the_contract_says(raw):
    write_csv(
        raw / "access_more.csv",
        [*ACCESS, "Referrer team"],
        [["A9", "Powys", "2024-02-01", "supported", "gp", "CAMHS", "Team 4"]],
    )
    accepted = ingest(raw).datasets["access"].accepted
    assert accepted["referrer_team"].tolist() == ["", "Team 4"]


# --- free text: redacted, counted, row kept -------------------------------------------------

PERSONAL = {
    "email": ["jo.bloggs@example.co.uk", "Mam.Dad+ysgol@ebost.cymru"],
    "phone": [
        "07700 900123",
        "+44 7700 900123",
        "029 2000 0000",
        "01234 567890",
        "(029) 2000 0000",
        "+44 (0)29 2000 0000",
        "07700900123",
        "0044 7700 900 123",
    ],
    "postcode": ["CF10 1AA", "SA1 1AA", "LL57 2DG", "cf10 1aa", "NP20 4PG", "SA11AA"],
    "nhs_number": [
        written_forms(DOC_EXAMPLE)["spaces"],
        written_forms(NHS[0])["dots"],
        written_forms(NHS[1])["no_break_space"],
        written_forms(NHS[2])["scientific"],
        written_forms(NHS[3])["plain"],
    ],
}

NEAR_MISSES = [
    "Waited from 2019-2020 to be seen.",
    "SDQ score 12 at the start, 18 later.",
    "Seen on 12/03/2024 and 2024-03-01.",
    "Year 10, 2nd term; Y10 2nd term.",
    "KS3 2nd year, KS2 1st year.",
    "Met in room B12 3rd floor, then M1 1st floor.",
    "Our office in CF10 was closed.",
    "Budget £1,250,000 (12.5%) at 10:30.",
    "Score 0.5 then 1 in 4; ages 8-12.",
    "Reference 1234567890 and " + invalid(DOC_EXAMPLE) + ".",
    "Mum said @ school it was ok; ask @nhswales or user@home.",
    "Scale 0 1 2 3 4 5 6 7 8 9 10.",
    "Version 2.0.1, page 029 of 200.",
]


def comment_rows(texts: list[str]) -> list[list[str]]:
    return [["Gwent", "2024-06-02", "child", "4", f"R{i + 10}", t] for i, t in enumerate(texts)]


def test_free_text_is_screened_redacted_counted_and_the_row_kept(raw, tmp_path):
    texts = [f"Contact me on {value} please." for values in PERSONAL.values() for value in values]
    write_csv(raw / "experiences_more.csv", EXPERIENCES, comment_rows(texts))
    result = ingest(raw)
    outcome = result.datasets["experiences"]
    assert outcome.rows_quarantined == 0 and outcome.rows_accepted == 1 + len(texts)
    comments = outcome.accepted["comment"].tolist()[1:]
    markers = {
        "email": "[redacted: email]",
        "phone": "[redacted: phone number]",
        "postcode": "[redacted: postcode]",
        "nhs_number": "[redacted: NHS number]",
    }
    expected = [f"Contact me on {markers[k]} please." for k, vs in PERSONAL.items() for _ in vs]
    assert comments == expected
    assert result.accounting()["datasets"]["experiences"]["redactions"] == {
        "comment": {"email": 2, "nhs_number": 5, "phone": 8, "postcode": 6}
    }
    assert_reconciles(result)
    secrets = [v for vs in PERSONAL.values() for v in vs] + NHS[:4]
    assert_written_nowhere(result, tmp_path / "processed", secrets)


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_ordinary_text_and_numbers_are_not_redacted(raw, text):
    write_csv(raw / "experiences_more.csv", EXPERIENCES, comment_rows([text]))
    outcome = ingest(raw).datasets["experiences"]
    assert outcome.accepted["comment"].tolist()[-1] == text
    assert outcome.redactions == {}


def test_every_free_text_column_of_the_contract_and_extra_columns_are_screened(raw):
    write_csv(
        raw / "access_more.csv",
        [*ACCESS, "referrer contact"],
        [
            ["A5", "Powys", "2024-02-01", "supported", "GP on 01686 617000", "CAMHS SY16 2DW", ""],
            ["A6", "Powys", "2024-02-01", "supported", "self", "CAMHS", "gp@example.org"],
        ],
    )
    write_csv(
        raw / "self_assessment.csv",
        ["rpb", "year", "element", "rating", "evidence", "level", "project"],
        [
            [
                "Gwent",
                "2024",
                "trusted_adults",
                "2",
                "Ask jo@example.org",
                "project",
                "LL57 2DG hub",
            ],
        ],
    )
    write_csv(
        raw / "outcomes_more.csv",
        [*OUTCOMES, "service"],
        [[*outcome_row("P8", 8), "Clinic, NHS no 943 476 5919 seen"]],
    )
    result = ingest(raw)
    access = result.datasets["access"]
    assert access.accepted["route"].tolist()[-2:] == ["GP on [redacted: phone number]", "self"]
    assert access.accepted["service"].tolist()[-2] == "CAMHS [redacted: postcode]"
    assert access.accepted["referrer_contact"].tolist()[-1] == "[redacted: email]"
    assert access.redactions == {
        "route": {"phone": 1},
        "service": {"postcode": 1},
        "referrer_contact": {"email": 1},
    }
    sa = result.datasets["self_assessment"]
    assert sa.redactions == {"evidence": {"email": 1}, "project": {"postcode": 1}}
    outcomes = result.datasets["outcomes"]
    assert outcomes.accepted["service"].tolist()[-1] == "Clinic, NHS no [redacted: NHS number] seen"
    assert outcomes.redactions == {"service": {"nhs_number": 1}}
    assert_reconciles(result)


# --- quarantine, messages and the command line show no value found --------------------------


def test_quarantine_values_and_records_are_masked(raw, tmp_path):
    write_csv(
        raw / "experiences_more.csv",
        EXPERIENCES,
        [
            ["jo@example.org", "2024-06-03", "child", "4", "R20", "Call 07700 900123"],
            ["Gwent", "31/02/2024", "child", "4", written_forms(NHS[0])["spaces"], "SA1 1AA"],
        ],
    )
    with (raw / "access_more.csv").open("w", encoding="utf-8") as handle:
        handle.write(",".join(ACCESS) + "\n")
        handle.write("A6,Powys,2024-02-01,supported,self,CAMHS\n")
        handle.write(f"A7,Powys,2024-02-01,supported,self,CAMHS,{NHS[1]},jo@example.org\n")
    result = ingest(raw)
    q = result.datasets["experiences"].quarantine
    assert q[["row", "column", "value", "rule"]].values.tolist() == [
        [2, "rpb", "[redacted: email]", "unknown_rpb"],
        [3, "date", "31/02/2024", "bad_date"],
        [3, "response_id", WITHHELD, "nhs_number"],
    ]
    first, second = (json.loads(r) for r in q["record"].iloc[[0, 1]])
    assert first["comment"] == "Call [redacted: phone number]"
    assert (second["response_id"], second["comment"]) == (WITHHELD, "[redacted: postcode]")
    ragged = result.datasets["access"].quarantine
    assert ragged["rule"].tolist() == ["ragged_row"]
    assert ragged["value"].iloc[0].endswith("[redacted: NHS number],[redacted: email]")
    assert_reconciles(result)
    secrets = ["jo@example.org", "07700 900123", "SA1 1AA", NHS[0], NHS[1]]
    assert_written_nowhere(result, tmp_path / "processed", secrets)


def test_command_line_names_file_column_and_count_never_the_values(raw, tmp_path, capsys):
    write_csv(
        raw / "outcomes_more.csv",
        [*OUTCOMES, "nhs_number"],
        [
            [NHS[0], "Gwent", "GBO", "2024-01-09", "5", NHS[1]],
            [*outcome_row("P9", 9), NHS[2]],
        ],
    )
    write_csv(raw / "experiences_more.csv", EXPERIENCES, comment_rows(["Mail jo@example.org"]))
    assert main(["ingest", str(raw), "--out", str(tmp_path / "processed")]) == 0
    out = capsys.readouterr().out
    assert (
        "outcomes_more.csv row 2, column person_id: '[withheld: looks like an NHS number]'" in out
    )
    assert "refused: outcomes_more.csv, column nhs_number: 2 value(s)" in out
    assert "refused: outcomes_more.csv, column person_id: 1 value(s)" in out
    assert "rows quarantined" in out and "column dropped" in out
    assert "redacted: column comment: 1 email" in out
    for secret in [*NHS[:3], "jo@example.org"]:
        assert secret not in out
    for path in (tmp_path / "processed").iterdir():
        for secret in [*NHS[:3], "jo@example.org"]:
            assert secret.encode() not in path.read_bytes(), path.name


def test_looks_like_nhs_number_checks_every_value_it_must():
    """The quick tests before normalising let through every value is_nhs_number accepts."""
    import pandas as pd

    from nest_eval.ingest import identifiers

    rng = random.Random(5)
    alphabet = [*"0123456789eE.+-_ ,:nhsNHSoumberPKk()'\"", "⑩", "\u00a0", "９", "Ｅ", "\u2212"]
    alphabet += ["İ", "\u212a"]
    values = ["".join(rng.choices(alphabet, k=rng.randint(0, 16))) for _ in range(30000)]
    values += ["9434765919", "NHS no: 943.476.5919", "9.434765919E9", "nhs 9.434765919e9"]
    values += ["９４３４７６５９１９", "943\u00a0476\u00a05919", "P9434765919x"]
    accepted = {v for v in values if identifiers.is_nhs_number(v)}
    assert len(accepted) >= 6
    for dtype in ("string", "str", object):
        column = pd.Series([*values, None], dtype=dtype)
        through = set(identifiers._candidates(column))
        assert through == {v for v in set(values) if identifiers._may_be(v)}
        assert accepted <= through
        found = identifiers.looks_like_nhs_number(column)
        assert set(column[found.to_numpy()]) == accepted
