"""Tests for the outcome measures catalogue (figures of spec/measures.md and their sources)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from nest_eval.reference import measures as measures_module
from nest_eval.reference.measures import (
    CATALOGUE,
    MEASURE_KEYS,
    RAW_INPUT_CODES,
    SWEMWBS_RAW_TO_METRIC,
    Catalogue,
    Figure,
    load_catalogue,
    resolve_measure,
    swemwbs_raw_to_metric,
)
from nest_eval.reference.vocabulary import UnknownNameError

# Typed from spec/measures.md, "SWEMWBS raw → metric conversion".
PUBLISHED_SWEMWBS = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}  # fmt: skip


# --- SWEMWBS conversion ---------------------------------------------------------------------


def test_swemwbs_table_is_the_published_table():
    assert dict(SWEMWBS_RAW_TO_METRIC) == PUBLISHED_SWEMWBS
    assert list(SWEMWBS_RAW_TO_METRIC) == list(range(7, 36))


@pytest.mark.parametrize(("raw", "metric"), sorted(PUBLISHED_SWEMWBS.items()))
def test_swemwbs_scalar_conversion(raw, metric):
    result = swemwbs_raw_to_metric(raw)
    assert isinstance(result, float)
    assert result == metric


def test_swemwbs_conversion_accepts_numpy_scalars_and_whole_floats():
    assert swemwbs_raw_to_metric(np.int64(21)) == 19.25
    assert swemwbs_raw_to_metric(14.0) == 15.32


def test_swemwbs_conversion_is_vectorised_over_series():
    raw = pd.Series([7, 20, 35, 8], index=["a", "b", "c", "d"], name="score")
    metric = swemwbs_raw_to_metric(raw)
    assert isinstance(metric, pd.Series)
    assert metric.name == "score"
    assert list(metric.index) == ["a", "b", "c", "d"]
    assert metric.dtype == float
    assert metric.tolist() == [7.00, 18.59, 35.00, 9.51]


def test_swemwbs_conversion_is_vectorised_over_arrays():
    raw = np.arange(7, 36)
    metric = swemwbs_raw_to_metric(raw)
    assert isinstance(metric, np.ndarray)
    assert metric.tolist() == [PUBLISHED_SWEMWBS[r] for r in range(7, 36)]
    assert swemwbs_raw_to_metric(pd.Series([], dtype="int64")).empty


@pytest.mark.parametrize(("bad", "shown"), [(6, "got 6"), (36, "got 36"), (7.5, "got 7.5")])
def test_swemwbs_conversion_rejects_values_outside_whole_7_to_35(bad, shown):
    with pytest.raises(ValueError, match="whole number 7–35") as info:
        swemwbs_raw_to_metric(bad)
    assert shown in str(info.value)


@pytest.mark.parametrize("bad", [float("nan"), True, "21", None])
def test_swemwbs_conversion_rejects_non_numbers(bad):
    with pytest.raises(ValueError, match="whole number 7–35"):
        swemwbs_raw_to_metric(bad)


def test_swemwbs_vectorised_rejection_names_value_and_position():
    raw = pd.Series([7, 36, 20, 7.5], index=[10, 11, 12, 13])
    with pytest.raises(ValueError) as info:
        swemwbs_raw_to_metric(raw)
    message = str(info.value)
    assert "got 36.0 at 11" in message
    assert "1 more: 7.5" in message
    with pytest.raises(ValueError, match="got 6 at 1"):
        swemwbs_raw_to_metric(np.array([7, 6]))


def test_swemwbs_raw_is_an_input_only_code():
    assert resolve_measure("SWEMWBS_RAW") == "SWEMWBS_RAW"
    assert resolve_measure("swemwbs raw") == "SWEMWBS_RAW"
    assert "SWEMWBS_RAW" not in CATALOGUE
    code = RAW_INPUT_CODES["SWEMWBS_RAW"]
    assert code.measure == "SWEMWBS"
    assert (code.raw_min, code.raw_max, code.integer_scores) == (7, 35, True)
    assert code.convert(22) == 19.98
    assert code.measure in CATALOGUE


# --- catalogue contents ---------------------------------------------------------------------

# (measure, figure) pairs that spec/measures.md marks unverified, and the figures added to the
# catalogue that were read second-hand (or, for ReQoL-10, only as a published bound).
UNVERIFIED = {
    ("SDQ_TOTAL", "cut-off: borderline, parent"),
    ("SDQ_TOTAL", "cut-off: abnormal, parent"),
    ("SDQ_TOTAL", "cut-off: borderline, teacher"),
    ("SDQ_TOTAL", "cut-off: abnormal, teacher"),
    ("SDQ_TOTAL", "cut-off: very high, teacher"),
    ("SDQ_TOTAL", "cut-off: borderline, self"),
    ("SDQ_TOTAL", "cut-off: abnormal, self"),
    ("GBO", "reliable_change"),
    ("YP_CORE", "reliable change: self, male, age 11–13"),
    ("YP_CORE", "reliable change: self, male, age 14–16"),
    ("YP_CORE", "reliable change: self, female, age 11–13"),
    ("YP_CORE", "reliable change: self, female, age 14–16"),
    ("RCADS_T", "reliability"),
    ("REQOL10", "reliability"),
}


def test_catalogue_keys_and_order():
    assert CATALOGUE.keys() == (
        "SWEMWBS",
        "WEMWBS",
        "SDQ_TOTAL",
        "YP_CORE",
        "RCADS_T",
        "GBO",
        "REQOL10",
        "CORS",
    )
    assert CATALOGUE.keys() == MEASURE_KEYS
    assert [m.key for m in CATALOGUE] == list(CATALOGUE.keys())
    assert len(CATALOGUE) == 8


def test_unverified_flags_follow_the_spec():
    table = CATALOGUE.figures_table()
    flagged = {(r.measure, r.figure) for r in table.itertuples() if not r.verified}
    assert flagged == UNVERIFIED
    assert set(map(tuple, CATALOGUE.unverified()[["measure", "figure"]].to_numpy())) == UNVERIFIED
    assert table["verified"].sum() == len(table) - len(UNVERIFIED)


def test_sdq_has_no_reference_sd_and_says_so():
    sdq = CATALOGUE["SDQ_TOTAL"]
    assert sdq.reference_sd is None
    assert any("No reference SD" in note and "by informant" in note for note in sdq.notes)


@pytest.mark.parametrize(
    ("key", "figure", "value", "cited"),
    [
        ("SWEMWBS", "reference_mean", 19.28, "Shah et al. 2018"),
        ("SWEMWBS", "reference_sd", 3.92, "16:239"),
        ("SWEMWBS", "sem", 1.03, "Shah et al. 2018"),
        ("SWEMWBS", "reliable_change", 2.87, "Shah et al. 2018"),
        ("WEMWBS", "reliability", 0.91, "Tennant et al. 2007"),
        ("SDQ_TOTAL", "reliability", 0.73, "Goodman 2001"),
        ("YP_CORE", "reliability", 0.80, "Twigg et al. 2016"),
        ("YP_CORE", "reliability", 0.80, "21(2):115–123"),
        ("RCADS_T", "reference_mean", 50.0, "RCADS user guide"),
        ("RCADS_T", "reference_sd", 10.0, "RCADS user guide"),
        ("RCADS_T", "reliability", 0.78, "Chorpita, Moffitt & Gray 2005"),
        ("RCADS_T", "reliability", 0.78, "doi:10.1016/j.brat.2004.02.004"),
        ("GBO", "reliable_change", 2.45, "Edbrooke-Childs et al. 2015"),
        ("REQOL10", "reliability", 0.85, "Keetharuth et al. 2018"),
        ("REQOL10", "reliability", 0.85, "212(1):42–49"),
    ],
)
def test_published_figures(key, figure, value, cited):
    found = getattr(CATALOGUE[key], figure)
    assert isinstance(found, Figure)
    assert found.value == value
    assert cited in found.source
    assert found.overridden is False


def test_figure_notes_carry_secondary_figures():
    assert "0.62" in CATALOGUE["SDQ_TOTAL"].reliability.note
    assert "0.89" in CATALOGUE["WEMWBS"].reliability.note
    assert "2.77" in CATALOGUE["SWEMWBS"].reliable_change.note
    assert any("2.4–3.1" in n and "Maheswaran" in n for n in CATALOGUE["WEMWBS"].notes)
    assert CATALOGUE["SWEMWBS"].meaningful_change == "1–3 points (Shah et al. 2018)"


def test_swemwbs_reliability_is_derived_from_sem_and_sd():
    reliability = CATALOGUE["SWEMWBS"].reliability
    assert reliability.value == pytest.approx(1 - (1.03 / 3.92) ** 2, abs=1e-12)
    assert reliability.value == pytest.approx(0.93096, abs=5e-6)
    assert reliability.note.startswith("derived: r = 1 − (SEM/SD)²")
    assert reliability.verified is True


def test_figures_absent_where_none_was_found():
    assert CATALOGUE["WEMWBS"].sem is None
    assert CATALOGUE["CORS"].figures() == {}
    assert CATALOGUE["SWEMWBS"].clinical_cutoffs == ()
    # One reference SD would serve every informant, sex and age: none catalogued where the
    # published norms differ by them.
    for key in ("SDQ_TOTAL", "YP_CORE", "REQOL10"):
        assert CATALOGUE[key].reference_sd is None
    assert CATALOGUE["REQOL10"].reliable_change is None
    assert any("not assessable" in note for note in CATALOGUE["CORS"].notes)


@pytest.mark.parametrize("key", MEASURE_KEYS)
def test_every_figure_says_what_it_is_and_where_it_comes_from(key):
    for name, figure in CATALOGUE[key].figures().items():
        assert figure.source.strip(), (key, name)
        assert figure.note.strip(), (key, name)
        if not figure.verified:
            assert "read" in figure.note or "measures.md" in figure.note, (key, name)


@pytest.mark.parametrize("key", MEASURE_KEYS)
def test_every_measure_has_a_reliable_change_figure_or_says_it_has_none(key):
    measure = CATALOGUE[key]
    if measure.reliability is None and measure.reliable_change is None:
        assert any("not assessable" in note for note in measure.notes)


def test_sources_read_second_hand_are_named():
    rcads = CATALOGUE["RCADS_T"].reliability
    assert "second-hand" in rcads.note and "psychtools.info" in rcads.note
    assert "0.78–0.88" in rcads.note and "513" in rcads.note
    reqol = CATALOGUE["REQOL10"].reliability
    assert "> 0.85" in reqol.note and "lower bound" in reqol.note
    yp_core = " ".join(CATALOGUE["YP_CORE"].notes)
    for band in ("male 11–13 0.83", "male 14–16 0.80", "female 11–13 0.80", "female 14–16 0.74"):
        assert band in yp_core
    assert "cpsyctc/shiny-server" in yp_core and "not applied" in yp_core
    for band in CATALOGUE["YP_CORE"].reliable_change_bands:
        assert (
            "second-hand" in band.threshold.note and "cpsyctc/shiny-server" in band.threshold.note
        )
    assert "male 11 0.69" in yp_core and "female 11 0.74" in yp_core
    assert any("6.6, SD 6.0" in note for note in CATALOGUE["SDQ_TOTAL"].notes)


@pytest.mark.parametrize(
    ("key", "low", "high", "integer", "higher_better"),
    [
        ("SWEMWBS", 7.0, 35.0, False, True),
        ("WEMWBS", 14.0, 70.0, True, True),
        ("SDQ_TOTAL", 0.0, 40.0, True, False),
        ("YP_CORE", 0.0, 4.0, False, False),
        ("RCADS_T", 20.0, 120.0, False, False),
        ("GBO", 0.0, 10.0, False, True),
        ("REQOL10", 0.0, 40.0, True, True),
        ("CORS", 0.0, 40.0, False, True),
    ],
)
def test_ranges_and_direction(key, low, high, integer, higher_better):
    measure = CATALOGUE[key]
    assert (measure.score_min, measure.score_max) == (low, high)
    assert measure.integer_scores is integer
    assert measure.higher_is_better is higher_better
    assert measure.source
    assert measure.label("en") and measure.label("cy")


def test_rcads_range_is_stated_as_plausibility_only():
    assert "plausibility range" in CATALOGUE["RCADS_T"].items
    assert "not a published bound" in CATALOGUE["RCADS_T"].items


def test_in_range():
    sdq = CATALOGUE["SDQ_TOTAL"]
    assert sdq.in_range(0) is True
    assert sdq.in_range(40) is True
    assert sdq.in_range(41) is False
    assert sdq.in_range(12.5) is False
    swemwbs = CATALOGUE["SWEMWBS"]
    result = swemwbs.in_range(pd.Series([9.51, 6.99, 35.0, np.nan]))
    assert result.tolist() == [True, False, True, False]


def test_figures_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CATALOGUE["SDQ_TOTAL"].reliability.value = 0.5
    with pytest.raises(TypeError):
        CATALOGUE.measures["SDQ_TOTAL"] = CATALOGUE["GBO"]


# --- clinical thresholds --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("respondent", "threshold", "band"),
    [("parent", 17, "abnormal"), ("teacher", 16, "abnormal"), ("self", 20, "abnormal")],
)
def test_sdq_clinical_threshold_by_respondent(respondent, threshold, band):
    cutoff = CATALOGUE["SDQ_TOTAL"].clinical_threshold(respondent)
    assert cutoff.threshold.value == threshold
    assert cutoff.band == band
    assert cutoff.clinical_side == "above"
    assert cutoff.threshold.verified is False
    assert cutoff.in_band(threshold) is True
    assert cutoff.in_band(threshold - 1) is False


def test_sdq_bands_per_respondent():
    bands = {
        (c.respondent, c.band): c.threshold.value for c in CATALOGUE["SDQ_TOTAL"].clinical_cutoffs
    }
    assert bands == {
        ("parent", "borderline"): 14,
        ("parent", "abnormal"): 17,
        ("teacher", "borderline"): 12,
        ("teacher", "abnormal"): 16,
        ("teacher", "very high"): 19,
        ("self", "borderline"): 16,
        ("self", "abnormal"): 20,
    }


def test_sdq_default_respondent_is_self_and_unknown_respondent_raises():
    sdq = CATALOGUE["SDQ_TOTAL"]
    assert sdq.clinical_threshold().threshold.value == 20
    assert sdq.clinical_threshold(None).threshold.value == 20
    assert sdq.clinical_threshold("Self-report").threshold.value == 20
    assert sdq.clinical_threshold("practitioner") is None
    with pytest.raises(UnknownNameError):
        sdq.clinical_threshold("grandparent")


@pytest.mark.parametrize(
    ("sex", "age", "expected"),
    [
        ("male", 11, 1.03),
        ("M", 13, 1.03),
        ("male", 13.9, 1.03),
        ("male", 14, 1.41),
        ("boy", 16, 1.41),
        ("female", 11, 1.44),
        ("F", 12.5, 1.44),
        ("female", 14, 1.59),
        ("Female", 16, 1.59),
        ("female", 10, None),
        ("male", 17, None),
        (None, 12, None),
        ("not stated", 12, None),
        ("female", None, None),
        ("female", float("nan"), None),
    ],
)
def test_yp_core_threshold_by_sex_and_age(sex, age, expected):
    cutoff = CATALOGUE["YP_CORE"].clinical_threshold(sex=sex, age=age)
    if expected is None:
        assert cutoff is None
    else:
        assert cutoff.threshold.value == expected
        assert cutoff.band == "clinical"
        assert cutoff.clinical_side == "above"
        assert cutoff.threshold.verified is True


# Twigg et al. 2016 reliable change indices (item-mean points), as read second-hand in the CORE
# System Trust's YP-CORE app: male 11–13 0.83, male 14–16 0.80, female 11–13 0.80,
# female 14–16 0.74. Bands are in completed years, as the cut-offs are.
@pytest.mark.parametrize(
    ("respondent", "sex", "age", "expected"),
    [
        ("self", "male", 11, 0.83),
        ("self", "M", 13.9, 0.83),
        ("self", "boy", 14, 0.80),
        ("self", "male", 16.5, 0.80),
        ("self", "female", 11, 0.80),
        ("Self-report", "F", 13, 0.80),
        ("self", "female", 14, 0.74),
        (None, "Female", 16, 0.74),
        ("self", "female", 10.9, None),
        ("self", "male", 17, None),
        ("self", None, 12, None),
        ("self", "not stated", 15, None),
        ("self", "female", None, None),
        ("self", "male", float("nan"), None),
        ("parent", "male", 12, None),
    ],
)
def test_yp_core_reliable_change_by_sex_and_age(respondent, sex, age, expected):
    band = CATALOGUE["YP_CORE"].reliable_change_band(respondent, sex=sex, age=age)
    if expected is None:
        assert band is None
    else:
        assert band.threshold.value == expected
        assert band.threshold.verified is False
        assert "Twigg et al. 2016" in band.threshold.source


def test_only_yp_core_has_reliable_change_bands():
    assert [m.key for m in CATALOGUE if m.reliable_change_bands] == ["YP_CORE"]
    assert CATALOGUE["YP_CORE"].reliable_change is None  # outside the bands: the α 0.80 index


def test_reliable_change_band_refuses_an_unknown_respondent():
    with pytest.raises(UnknownNameError):
        CATALOGUE["YP_CORE"].reliable_change_band("guardian", sex="male", age=12)


def _band(value=0.8, **restriction):
    threshold = {"value": value, "source": "s", "verified": True, "note": "n"}
    return {"threshold": threshold, **restriction}


@pytest.mark.parametrize(
    "bands",
    [
        # the same band twice
        [_band(sex="male", age_min=11, age_max=13), _band(sex="male", age_min=11, age_max=13)],
        # age bands sharing a year
        [_band(sex="male", age_min=11, age_max=13), _band(sex="male", age_min=13, age_max=16)],
        # an open band and a closed one
        [_band(age_min=14), _band(sex="female", age_min=11, age_max=16)],
        # any respondent and a named one
        [_band(sex="female"), _band(respondent="self", sex="female", age_min=11, age_max=13)],
    ],
)
def test_catalogue_refuses_overlapping_reliable_change_bands(bands):
    with pytest.raises(ValueError, match="reliable-change bands overlap"):
        measures_module._measure("TEST", _raw_measure(reliable_change_bands=bands))


def test_catalogue_accepts_bands_that_do_not_overlap():
    bands = [
        _band(0.7, respondent="self", sex="male", age_min=11, age_max=13),
        _band(0.8, sex="male", age_min=14, age_max=16),
        _band(0.9, respondent="self", sex="female", age_min=11, age_max=13),
        _band(1.0, respondent="parent", sex="male", age_min=11, age_max=13),
        _band(1.1, sex="male", age_max=10),
    ]
    measure = measures_module._measure("TEST", _raw_measure(reliable_change_bands=bands))
    found = [
        measure.reliable_change_band(respondent, sex, age).threshold.value
        for respondent, sex, age in [
            ("self", "male", 13),
            ("self", "male", 14),
            ("self", "female", 12),
            ("parent", "male", 12),
            ("parent", "male", 9),
        ]
    ]
    assert found == [0.7, 0.8, 0.9, 1.0, 1.1]
    assert measure.reliable_change_band("parent", "female", 12) is None


@pytest.mark.parametrize(
    ("band", "message"),
    [
        (_band(), "needs a respondent, sex or age"),
        (_band(0, sex="male"), "positive"),
        (_band(sex="other"), "sex must be"),
        (_band(age_min=14, age_max=13), "above age_max"),
    ],
)
def test_catalogue_refuses_invalid_reliable_change_bands(band, message):
    with pytest.raises(ValueError, match=message):
        measures_module._measure("TEST", _raw_measure(reliable_change_bands=[band]))


def test_yp_core_has_no_threshold_for_other_respondents():
    assert CATALOGUE["YP_CORE"].clinical_threshold("parent", sex="male", age=12) is None


def test_reqol_clinical_range_is_below_24():
    cutoff = CATALOGUE["REQOL10"].clinical_threshold()
    assert cutoff.threshold.value == 24
    assert cutoff.clinical_side == "below"
    assert cutoff.in_band(23) is True
    assert cutoff.in_band(24) is False
    assert cutoff.in_band(np.array([0, 23.5, 24, 40])).tolist() == [True, True, False, False]


def test_rcads_thresholds_apply_to_any_respondent():
    rcads = CATALOGUE["RCADS_T"]
    assert rcads.clinical_threshold().threshold.value == 70
    assert rcads.clinical_threshold("parent").threshold.value == 70
    borderline = [c for c in rcads.clinical_cutoffs if c.band == "borderline"]
    assert [c.threshold.value for c in borderline] == [65]


def test_measures_without_cutoffs_return_none():
    for key in ("SWEMWBS", "WEMWBS", "GBO", "CORS"):
        assert CATALOGUE[key].clinical_threshold() is None


# --- name resolution ------------------------------------------------------------------------


@pytest.mark.parametrize("key", MEASURE_KEYS)
def test_resolve_key_and_labels(key):
    measure = CATALOGUE[key]
    assert resolve_measure(key) == key
    assert resolve_measure(key.lower()) == key
    assert resolve_measure(key.replace("_", " ")) == key
    assert resolve_measure(measure.label_en) == key
    assert resolve_measure(measure.label("cy")) == key
    assert resolve_measure(f"  {measure.label_en.upper()} ") == key
    for alias in measure.aliases:
        assert resolve_measure(alias) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("SDQ total difficulties", "SDQ_TOTAL"),
        ("YP-CORE", "YP_CORE"),
        ("yp core", "YP_CORE"),
        ("ReQoL-10", "REQOL10"),
        ("ORS", "CORS"),
        ("Short Warwick-Edinburgh", "SWEMWBS"),
        ("Warwick-Edinburgh Mental Wellbeing Scale", "WEMWBS"),
        ("RCADS T-score", "RCADS_T"),
        ("Goal-based outcomes", "GBO"),
        ("Canlyniadau ar Sail Nodau", "GBO"),
    ],
)
def test_resolve_aliases(name, key):
    assert resolve_measure(name) == key


@pytest.mark.parametrize("name", ["PHQ-9", "SDQ emotional", "", "RCADS"])
def test_resolve_unknown(name):
    with pytest.raises(UnknownNameError, match="not a catalogued measure"):
        resolve_measure(name)


def test_catalogue_lookup_by_alias():
    assert CATALOGUE["ReQoL-10"] is CATALOGUE["REQOL10"]
    with pytest.raises(UnknownNameError):
        CATALOGUE["PHQ-9"]


# --- figures table --------------------------------------------------------------------------


def _expected_figure_count(catalogue: Catalogue) -> int:
    count = 0
    for measure in catalogue:
        for name in ("reliability", "reference_mean", "reference_sd", "sem", "reliable_change"):
            count += getattr(measure, name) is not None
        count += isinstance(measure.meaningful_change, Figure)
        count += len(measure.clinical_cutoffs) + len(measure.reliable_change_bands)
    return count


def test_figures_table_covers_every_figure():
    table = CATALOGUE.figures_table()
    assert list(table.columns) == [
        "measure",
        "figure",
        "value",
        "source",
        "verified",
        "overridden",
        "note",
    ]
    assert len(table) == _expected_figure_count(CATALOGUE) == 31
    assert not table.duplicated(["measure", "figure"]).any()
    assert not table["overridden"].any()
    assert (table["source"].str.len() > 0).all()
    # measures in catalogue order, stable from call to call
    order = list(dict.fromkeys(table["measure"]))
    assert order == [m.key for m in CATALOGUE if m.figures()]
    assert order == ["SWEMWBS", "WEMWBS", "SDQ_TOTAL", "YP_CORE", "RCADS_T", "GBO", "REQOL10"]
    pd.testing.assert_frame_equal(table, CATALOGUE.figures_table())
    first = table.iloc[0]
    assert (first.measure, first.figure) == ("SWEMWBS", "reliability")
    yp = table[table["measure"] == "YP_CORE"]
    assert yp["figure"].tolist() == [
        "reliability",
        "reliable change: self, male, age 11–13",
        "reliable change: self, male, age 14–16",
        "reliable change: self, female, age 11–13",
        "reliable change: self, female, age 14–16",
        "cut-off: clinical, self, male, age 11–13",
        "cut-off: clinical, self, male, age 14–16",
        "cut-off: clinical, self, female, age 11–13",
        "cut-off: clinical, self, female, age 14–16",
    ]
    assert yp["value"].tolist() == [0.80, 0.83, 0.80, 0.80, 0.74, 1.03, 1.41, 1.44, 1.59]


# --- configuration overrides ----------------------------------------------------------------

CONFIG = """
[measures.SDQ_TOTAL]
reference_sd = { value = 5.8, source = "Local norms 2023", verified = true }
reliability = 0.62

[measures.YP_CORE]
reliable_change = { value = 0.5, note = "local agreement" }

[[measures.YP_CORE.clinical_cutoffs]]
sex = "male"
age_min = 11
age_max = 13
threshold = 1.10

[measures.REQOL10.clinical_cutoffs]
threshold = { value = 25, source = "Local audit 2024" }

[[measures.SWEMWBS.clinical_cutoffs]]
threshold = 18.0

[measures.GBO]
meaningful_change = "2 points (local agreement)"
"""


@pytest.fixture
def config_path(tmp_path):
    path = tmp_path / "nest.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def test_no_config_gives_the_default_catalogue():
    assert load_catalogue() is CATALOGUE
    assert CATALOGUE.config is None
    assert CATALOGUE.overrides == ()


def test_scalar_and_table_overrides(config_path):
    catalogue = load_catalogue(config_path)
    sdq = catalogue["SDQ_TOTAL"]
    assert sdq.reference_sd == Figure(5.8, "Local norms 2023", True, "", overridden=True)
    assert sdq.reliability.value == 0.62
    assert sdq.reliability.source == "configuration: nest.toml"
    assert sdq.reliability.verified is False
    assert sdq.reliability.overridden is True
    assert "replaces catalogue value 0.73" in sdq.reliability.note
    yp_change = catalogue["YP_CORE"].reliable_change
    assert (yp_change.value, yp_change.verified, yp_change.note) == (0.5, False, "local agreement")
    assert catalogue["GBO"].meaningful_change == "2 points (local agreement)"
    # untouched figures are the catalogue's own objects
    assert catalogue["SDQ_TOTAL"].clinical_cutoffs == CATALOGUE["SDQ_TOTAL"].clinical_cutoffs
    assert catalogue["WEMWBS"] is CATALOGUE["WEMWBS"]


def test_cutoff_overrides_replace_matching_and_add_new(config_path):
    catalogue = load_catalogue(config_path)
    yp = catalogue["YP_CORE"]
    assert len(yp.clinical_cutoffs) == 4
    replaced = yp.clinical_threshold(sex="male", age=12)
    assert replaced.threshold.value == 1.10
    assert replaced.threshold.overridden is True
    assert "replaces catalogue value 1.03" in replaced.threshold.note
    assert yp.clinical_threshold(sex="female", age=12).threshold.value == 1.44
    reqol = catalogue["REQOL10"].clinical_threshold()
    assert reqol.threshold.value == 25
    assert reqol.threshold.source == "Local audit 2024"
    assert reqol.clinical_side == "below"
    assert len(catalogue["REQOL10"].clinical_cutoffs) == 1
    swemwbs = catalogue["SWEMWBS"].clinical_threshold()
    assert swemwbs.threshold.value == 18.0
    assert swemwbs.clinical_side == "below"  # higher is better
    assert swemwbs.in_band(17.43) is True


def test_overrides_record_provenance(config_path):
    catalogue = load_catalogue(config_path)
    assert catalogue.config == config_path
    assert catalogue.overrides == (
        ("SDQ_TOTAL", "reference_sd"),
        ("SDQ_TOTAL", "reliability"),
        ("YP_CORE", "reliable_change"),
        ("YP_CORE", "clinical_cutoffs"),
        ("REQOL10", "clinical_cutoffs"),
        ("SWEMWBS", "clinical_cutoffs"),
        ("GBO", "meaningful_change"),
    )


def test_overrides_leave_the_default_untouched(config_path):
    before = CATALOGUE.figures_table()
    load_catalogue(config_path)
    pd.testing.assert_frame_equal(CATALOGUE.figures_table(), before)
    assert CATALOGUE["SDQ_TOTAL"].reference_sd is None
    assert CATALOGUE["SDQ_TOTAL"].reliability.value == 0.73
    assert CATALOGUE["YP_CORE"].clinical_threshold(sex="male", age=12).threshold.value == 1.03
    assert CATALOGUE["SWEMWBS"].clinical_cutoffs == ()
    assert CATALOGUE["GBO"].meaningful_change is None


def test_figures_table_flags_overrides(config_path):
    catalogue = load_catalogue(config_path)
    table = catalogue.figures_table()
    assert len(table) == _expected_figure_count(catalogue) == 34
    overridden = {(r.measure, r.figure) for r in table.itertuples() if r.overridden}
    assert overridden == {
        ("SDQ_TOTAL", "reference_sd"),
        ("SDQ_TOTAL", "reliability"),
        ("YP_CORE", "reliable_change"),
        ("YP_CORE", "cut-off: clinical, self, male, age 11–13"),
        ("REQOL10", "cut-off: clinical, self"),
        ("SWEMWBS", "cut-off: clinical"),
    }
    unverified = set(map(tuple, catalogue.unverified()[["measure", "figure"]].to_numpy()))
    assert ("SDQ_TOTAL", "reliability") in unverified
    assert ("SDQ_TOTAL", "reference_sd") not in unverified


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[measures.PHQ9]\nreliability = 0.8\n", "measures.PHQ9"),
        ("[measures.SDQ_TOTAL]\nreliabilty = 0.8\n", "measures.SDQ_TOTAL.reliabilty"),
        ("[measures.SWEMWBS_RAW]\nsem = 1.0\n", "measures.SWEMWBS_RAW"),
        ('[measures.SDQ_TOTAL]\nreliability = "high"\n', "measures.SDQ_TOTAL.reliability"),
        ("[measures.SDQ_TOTAL]\nreliability = 1.2\n", "measures.SDQ_TOTAL.reliability"),
        ("[measures.SDQ_TOTAL]\nreference_sd = -1\n", "measures.SDQ_TOTAL.reference_sd"),
        ("[measures.SDQ_TOTAL]\nreliability = true\n", "measures.SDQ_TOTAL.reliability"),
        (
            "[measures.SDQ_TOTAL]\nreliability = { value = 0.7, sauce = 'x' }\n",
            "measures.SDQ_TOTAL.reliability",
        ),
        (
            "[measures.SDQ_TOTAL]\nreliability = { source = 'x' }\n",
            "measures.SDQ_TOTAL.reliability",
        ),
        (
            "[measures.SDQ_TOTAL.clinical_cutoffs]\nthreshold = 50\n",
            "measures.SDQ_TOTAL.clinical_cutoffs.threshold",
        ),
        (
            "[measures.SDQ_TOTAL.clinical_cutoffs]\nthreshold = 15\nrespondent = 'aunt'\n",
            "measures.SDQ_TOTAL.clinical_cutoffs.respondent",
        ),
        (
            "[measures.YP_CORE.clinical_cutoffs]\nthreshold = 1\nage = 12\n",
            "measures.YP_CORE.clinical_cutoffs",
        ),
        ("[measures.SDQ_TOTAL]\n[measures.'SDQ total']\n", "measures.SDQ total"),
        (
            "[measures.SDQ_TOTAL.clinical_cutoffs]\nthreshold = 15\nband = 'abnormal'\n",
            "matches 3 cut-offs",
        ),
        (
            "[measures.YP_CORE.clinical_cutoffs]\nthreshold = 1\nsex = 'other'\n",
            "measures.YP_CORE.clinical_cutoffs.sex",
        ),
        ("measures = 3\n", "measures"),
    ],
)
def test_bad_configuration_names_file_and_key(tmp_path, text, named):
    path = tmp_path / "evaluator.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_catalogue(path)
    message = str(info.value)
    assert "evaluator.toml" in message
    assert named in message


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[measures.SDQ_TOTAL\nreliability = 0.7\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.toml: not valid TOML"):
        load_catalogue(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_catalogue(tmp_path / "absent.toml")


def test_config_accepts_labels_as_measure_names(tmp_path):
    path = tmp_path / "labels.toml"
    path.write_text('[measures."ReQoL-10"]\nreference_sd = 7.5\n', encoding="utf-8")
    catalogue = load_catalogue(str(path))
    assert catalogue["REQOL10"].reference_sd.value == 7.5
    assert catalogue.overrides == (("REQOL10", "reference_sd"),)
    assert math.isclose(catalogue["SWEMWBS"].reliability.value, 1 - (1.03 / 3.92) ** 2)


def test_array_of_cutoffs_selects_by_respondent(tmp_path):
    path = tmp_path / "sdq.toml"
    path.write_text(
        "[[measures.SDQ_TOTAL.clinical_cutoffs]]\n"
        "respondent = 'parent'\nband = 'abnormal'\nthreshold = 18\n"
        "[[measures.SDQ_TOTAL.clinical_cutoffs]]\n"
        "respondent = 'Teacher'\nband = 'abnormal'\n"
        "threshold = { value = 17, source = 'Local norms', verified = true }\n",
        encoding="utf-8",
    )
    sdq = load_catalogue(path)["SDQ_TOTAL"]
    assert len(sdq.clinical_cutoffs) == 7
    parent = sdq.clinical_threshold("parent")
    assert (parent.threshold.value, parent.threshold.verified) == (18, False)
    assert parent.threshold.source == "configuration: sdq.toml"
    teacher = sdq.clinical_threshold("teacher")
    assert (teacher.threshold.value, teacher.threshold.verified) == (17, True)
    assert teacher.clinical_side == "above"
    assert sdq.clinical_threshold("self").threshold.value == 20
    assert CATALOGUE["SDQ_TOTAL"].clinical_threshold("parent").threshold.value == 17


# --- the catalogue file is checked as it is read ---------------------------------------------


def _raw_measure(**figures):
    raw = {
        "items": "1 item",
        "score_min": 0,
        "score_max": 10,
        "integer_scores": True,
        "higher_is_better": True,
        "source": "test",
    }
    return raw | figures


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ({"reliability": {"value": 0.8, "source": "s", "verified": True}}, "source and a note"),
        ({"reliability": {"value": 0.8, "source": " ", "verified": True, "note": "n"}}, "source"),
        (
            {"reliability": {"value": 1.0, "source": "s", "verified": True, "note": "n"}},
            r"\[0, 1\)",
        ),
        ({"reference_sd": {"value": 0, "source": "s", "verified": True, "note": "n"}}, "positive"),
        (
            {
                "clinical_cutoffs": [
                    {
                        "band": "clinical",
                        "clinical_side": "below",
                        "threshold": {"value": 11, "source": "s", "verified": True, "note": "n"},
                    }
                ]
            },
            "outside the score range",
        ),
    ],
)
def test_catalogue_figures_need_provenance_and_a_valid_value(figures, message):
    with pytest.raises(ValueError, match=message):
        measures_module._measure("TEST", _raw_measure(**figures))
