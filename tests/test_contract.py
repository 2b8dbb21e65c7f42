from pathlib import Path

import pytest

from nest_eval.ingest.dictionary import data_dictionary_markdown
from nest_eval.reference.contract import DATASETS, dataset_for_file, normalise_column_name

ROOT = Path(__file__).resolve().parents[1]


def test_committed_data_dictionary_is_current():
    committed = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary_markdown(), (
        "docs/data-dictionary.md is stale: run `nest-eval data-dictionary --out "
        "docs/data-dictionary.md`"
    )


def test_contract_names_are_those_of_the_data_contract():
    # Dataset and required column names typed from data-contract.md (bold columns).
    expected = {
        "self_assessment": ("rpb", "year", "element"),
        "outcomes": ("person_id", "rpb", "measure", "date", "score"),
        "experiences": ("rpb", "date", "respondent_type"),
        "access": ("request_id", "rpb", "received_date"),
        "partnership": ("rpb", "year"),
        "training": ("learner_id", "organisation_type", "enrolled_date"),
    }
    assert {d.name: d.required_columns for d in DATASETS} == expected


@pytest.mark.parametrize(
    ("file_name", "dataset"),
    [
        ("outcomes.csv", "outcomes"),
        ("outcomes_2025_gwent.xlsx", "outcomes"),
        ("Self Assessment 2024.csv", "self_assessment"),
        ("self-assessment_powys.xlsx", "self_assessment"),
        ("training.csv", "training"),
        ("notes.csv", None),
        ("my_outcomes.csv", None),
    ],
)
def test_files_belong_to_the_dataset_their_name_starts_with(file_name, dataset):
    found = dataset_for_file(file_name)
    assert (found.name if found else None) == dataset


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Person ID", "person_id"),
        (" person-id ", "person_id"),
        ("PERSON__ID", "person_id"),
        ("\ufeffrpb", "rpb"),
        ("Received Date", "received_date"),
    ],
)
def test_column_names_fold(header, name):
    assert normalise_column_name(header) == name
