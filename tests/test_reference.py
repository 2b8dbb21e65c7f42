"""The reference layer: data files, one loader, the message catalogue, vocabularies, indicators."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from nest_eval.ingest.datasets import ingest
from nest_eval.reference import breakdowns, codings, indicators, loader, messages, vocabulary
from nest_eval.reference.contract import DATASETS, EXPERIENCE_ITEMS
from nest_eval.reference.measures import CATALOGUE, load_catalogue
from nest_eval.reference.overrides import load_reference
from nest_eval.reporting.readings import READINGS
from nest_eval.reporting.sections import evidence

# --- the message catalogue ------------------------------------------------------------------


def keys_the_code_displays() -> set[str]:
    """Every key whose label the workbench shows, built from the reference data."""
    keys = {f"rpb.{name}" for name in (*vocabulary.RPB_NAMES, vocabulary.WALES)}
    keys |= {f"element.{e.key}" for e in vocabulary.ELEMENTS}
    keys |= {f"journey_level.{lv.level}" for lv in vocabulary.JOURNEY_LEVELS}
    keys |= {f"journey_level_definition.{lv.level}" for lv in vocabulary.JOURNEY_LEVELS}
    recs = (*vocabulary.RECOMMENDATIONS, *vocabulary.COMMISSIONER_ASKS)
    keys |= {f"recommendation.{r.key}" for r in recs}
    keys |= {f"document.{r.source}" for r in recs}
    keys |= {f"recommendation_gap.{r.key}" for r in recs if r.gap}
    keys |= {f"evidence_status.{s}" for s in evidence.STATUSES}
    keys |= {f"evidence_state.{s}" for s in (*evidence.PRESENCE, "none") if s != "published"}
    keys |= {f"measure.{m.key}" for m in CATALOGUE}
    for name, vocab in codings.VOCABULARIES.items():
        keys |= {f"{name}.{value}" for value in vocab.values}
    keys |= {f"experience_item.{i}" for i in EXPERIENCE_ITEMS}
    keys |= {f"experience_statement.{i}" for i in EXPERIENCE_ITEMS}
    keys |= {f"unit.{k}" for k in indicators.UNITS}
    keys |= {f"indicator.{k}" for k in indicators.INDICATORS}
    keys |= {f"column.{k}" for k in indicators.COLUMNS}
    keys |= {f"domain.{i.domain}" for i in indicators.INDICATORS.values()}
    keys |= {f"reading.{k}" for k in READINGS}
    keys |= {f"dimension.{k}" for k in breakdowns.DIMENSIONS}
    keys |= {
        key
        for dimension in breakdowns.DIMENSIONS.values()
        for group in dimension.groups
        if (key := dimension.label_key(group)) is not None
    }
    return keys


def test_every_displayed_key_has_an_english_and_a_welsh_label():
    catalogue = messages.messages()
    missing = sorted(keys_the_code_displays() - set(catalogue))
    assert missing == []
    untranslated = sorted(k for k in catalogue if not catalogue[k].welsh)
    assert untranslated == [], "every message needs a Welsh translation"


def test_welsh_written_by_the_team_is_marked_as_awaiting_review():
    catalogue = messages.messages()
    awaiting = catalogue.awaiting_review("cy")
    assert set(awaiting) == set(catalogue)  # no entry has been reviewed by a translator yet
    assert catalogue.awaiting_review("en") == ()


def test_labels_come_from_the_catalogue_in_both_languages():
    assert messages.label("rpb.North Wales", "cy") == "Gogledd Cymru"
    assert vocabulary.RPBS[3].label("cy") == "Gogledd Cymru"
    assert messages.label("indicator.median_wait_days") == "Median wait to first support (days)"
    assert CATALOGUE["SDQ_TOTAL"].label("en") == "SDQ total difficulties"
    with pytest.raises(ValueError, match="unknown language"):
        messages.messages()["domain.access"].text("fr")
    with pytest.raises(messages.MissingMessageError, match=r"no message 'indicator\.nope'"):
        messages.label("indicator.nope")


def test_a_translator_corrects_a_po_file_not_code(tmp_path):
    base = Path(messages.messages().source)
    folder = tmp_path / "locale"
    (folder / "cy" / "LC_MESSAGES").mkdir(parents=True)
    (folder / "nest_eval.pot").write_bytes((base / "nest_eval.pot").read_bytes())
    welsh = (base / "cy" / "LC_MESSAGES" / "nest_eval.po").read_text(encoding="utf-8")
    corrected = welsh.replace(
        '#, fuzzy\nmsgctxt "rpb.North Wales"\nmsgid "North Wales"\nmsgstr "Gogledd Cymru"',
        'msgctxt "rpb.North Wales"\nmsgid "North Wales"\nmsgstr "Gogledd Cymru (adolygwyd)"',
    )
    assert corrected != welsh
    (folder / "cy" / "LC_MESSAGES" / "nest_eval.po").write_text(corrected, encoding="utf-8")
    catalogue = messages.load_messages(folder)
    assert catalogue.label("rpb.North Wales", "cy") == "Gogledd Cymru (adolygwyd)"
    assert "rpb.North Wales" not in catalogue.awaiting_review("cy")
    with messages.using(catalogue):
        assert vocabulary.RPBS[3].label("cy") == "Gogledd Cymru (adolygwyd)"
    assert vocabulary.RPBS[3].label("cy") == "Gogledd Cymru"


def test_welsh_for_an_older_english_text_is_not_used(tmp_path):
    base = Path(messages.messages().source)
    folder = tmp_path / "locale"
    (folder / "cy" / "LC_MESSAGES").mkdir(parents=True)
    pot = (base / "nest_eval.pot").read_text(encoding="utf-8")
    changed = pot.replace(
        'msgid "Requests still waiting at the census date"', 'msgid "Requests open"'
    )
    (folder / "nest_eval.pot").write_text(changed, encoding="utf-8")
    (folder / "cy" / "LC_MESSAGES" / "nest_eval.po").write_bytes(
        (base / "cy" / "LC_MESSAGES" / "nest_eval.po").read_bytes()
    )
    catalogue = messages.load_messages(folder)
    assert catalogue.label("indicator.still_waiting_at_year_end", "cy") == "Requests open"


@pytest.fixture
def good_dir(tmp_path):
    """A copy of the demo data's outcomes file, alone in a raw-data folder."""
    raw = tmp_path / "raw"
    raw.mkdir()
    source = Path(__file__).resolve().parents[1] / "data" / "raw" / "outcomes.csv"
    (raw / "outcomes.csv").write_bytes(source.read_bytes())
    return raw


# --- vocabularies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vocabulary_name", "given", "canonical"),
    [
        ("sex", "F", "female"),
        ("sex", "m", "male"),
        ("sex", "Girl", "female"),
        ("sex", "Gwryw", "male"),
        ("sex", "Prefer not to say", "unknown"),
        ("respondent", "Parent/Carer", "parent"),
        ("respondent", "self-report", "self"),
        ("respondent_type", "Young Person", "young_person"),
        ("respondent_type", "parent-carer", "parent_carer"),
        ("organisation_type", "Local Authority", "local_authority"),
        ("yes_no", "IE", "yes"),
        ("language", "cy", "cy"),
    ],
)
def test_codings_resolve_to_canonical_values(vocabulary_name, given, canonical):
    assert codings.VOCABULARIES[vocabulary_name].resolve(given) == canonical


def test_an_unknown_coding_is_refused_by_name():
    with pytest.raises(codings.UnknownCodingError, match="'X' is not a sex value"):
        codings.VOCABULARIES["sex"].resolve("X")
    resolved = codings.VOCABULARIES["sex"].resolve_series(pd.Series(["F", "X", None]))
    assert resolved.tolist()[:1] == ["female"] and resolved.isna().tolist() == [False, True, True]


def test_every_categorical_column_names_a_vocabulary():
    for dataset in DATASETS:
        for col in dataset.columns:
            if col.kind in ("category", "yes_no"):
                assert col.vocabulary in codings.VOCABULARIES, (dataset.name, col.name)


def test_data_coded_f_m_is_accepted_by_ingest(good_dir):
    path = good_dir / "outcomes.csv"
    text = path.read_text(encoding="utf-8")
    recoded = re.sub(r",female(?=,|\n)", ",F", re.sub(r",male(?=,|\n)", ",M", text))
    assert recoded != text
    before = ingest(good_dir).datasets["outcomes"].rows_quarantined
    path.write_text(recoded, encoding="utf-8")
    outcome = ingest(good_dir).datasets["outcomes"]
    assert outcome.rows_quarantined == before
    assert set(outcome.accepted["sex"].dropna()) == {"female", "male", "other"}


def test_an_evaluator_adds_codings_through_an_overrides_file(good_dir, tmp_path):
    config = tmp_path / "overrides.toml"
    config.write_text('[codings.sex]\n"1" = "male"\n"2" = "female"\n')
    path = good_dir / "outcomes.csv"
    text = path.read_text(encoding="utf-8")
    before = ingest(good_dir).datasets["outcomes"].rows_quarantined
    path.write_text(re.sub(r",female(?=,|\n)", ",2", text), encoding="utf-8")
    assert ingest(good_dir).datasets["outcomes"].rows_quarantined > before + 1000
    outcome = ingest(good_dir, load_reference(config)).datasets["outcomes"]
    assert outcome.rows_quarantined == before
    assert "female" in set(outcome.accepted["sex"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[codings.gender]\n"1" = "male"\n', "unknown vocabulary"),
        ('[codings.sex]\n"F" = "male"\n', "codes both female and male"),
        ('[codings.sex]\n"x" = "martian"\n', "not a value of sex"),
        ('[codings]\nsex = "male"\n', "expected a table of codings"),
        ('[codings.yes_no]\n"NA" = "no"\n', "read as missing"),
        ('[vocabularies.sex.codings]\nmale = ["1"]\n', r"codings are added as \[codings"),
        ('[vocabularies.sex]\nvalues = ["a"]\n', r"codings are added as \[codings"),
        ("[run]\nyear = 2025\n", "cannot be overridden"),
        ("[measures\n", "not valid TOML"),
    ],
)
def test_bad_overrides_are_named_with_file_and_key(tmp_path, text, message):
    config = tmp_path / "overrides.toml"
    config.write_text(text)
    with pytest.raises(ValueError, match=message) as info:
        load_reference(config)
    assert str(config) in str(info.value)


def test_one_overrides_file_serves_measures_and_vocabularies(tmp_path):
    config = tmp_path / "overrides.toml"
    config.write_text('[measures.SDQ_TOTAL]\nreference_sd = 5.8\n\n[codings.sex]\n"1" = "male"\n')
    reference = load_reference(config)
    assert reference.catalogue["SDQ_TOTAL"].reference_sd.value == 5.8
    assert reference.vocabularies["sex"].resolve("1") == "male"
    assert load_catalogue(config).overrides == (("SDQ_TOTAL", "reference_sd"),)
    assert codings.VOCABULARIES["sex"].codings.get("1") is None  # defaults untouched


def test_reference_files_are_read_by_one_loader():
    assert loader.read_data("rpbs.toml")["wales"] == vocabulary.WALES
    rows = loader.read_csv("swemwbs_conversion.csv")
    assert (rows[0], rows[-1]) == ({"raw": "7", "metric": "7.00"}, {"raw": "35", "metric": "35.00"})


# --- indicators -----------------------------------------------------------------------------


def test_indicators_have_units_directions_and_bases():
    for key, found in indicators.INDICATORS.items():
        assert found.key == key
        assert found.direction in indicators.DIRECTIONS
        assert found.basis.kind == "count", key
    assert indicators.indicator("still_waiting_at_year_end").unit.is_disclosive_count
    assert indicators.indicator("experience_index").unit.kind == "mean"
    assert not indicators.column("n_rpbs").unit.is_disclosive_count
    assert indicators.unit_of("baseline", "share_redirected").is_share
    assert indicators.unit_of("n", "mean_change").key == "count_people"
    with pytest.raises(KeyError, match="not an indicator"):
        indicators.indicator("share agreeing: nurturing")
