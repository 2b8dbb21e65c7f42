"""Outcomes: pairing, reliable change worked by hand from catalogue figures, CORC categories."""

import math

import numpy as np
import pandas as pd
import pytest

from nest_eval.domains import outcomes as oc
from nest_eval.reference.measures import CATALOGUE, load_catalogue


def assessments(rows):
    """Outcomes rows from (person, rpb, measure, respondent, date, score, age, sex)."""
    frame = pd.DataFrame(
        rows, columns=["person_id", "rpb", "measure", "respondent", "date", "score", "age", "sex"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    frame["wimd_quintile"] = pd.array([3] * len(frame), dtype="Int64")
    return frame


# Worked example. SWEMWBS (higher = better): catalogue SD 3.92 and reliability
# r = 1 − (1.03/3.92)², so S_diff = √2 · 3.92 · √(1 − r) = √2 · 1.03 = 1.4566400 and a change is
# reliable where |change| > 1.96 · 1.4566400 = 2.8550 (measures.md: Jacobson & Truax 1991).
#   A: 17.43 → 21.54, change +4.11, RCI = 4.11 / 1.45664 = +2.8216 → reliable improvement
#   B: 19.98 → 21.54, change +1.56, RCI = +1.0710                 → no reliable change
#   C: 22.35 → 18.59, change −3.76, RCI = −2.5813                 → reliable deterioration
# SDQ total, parent report (higher = worse), reliability 0.73 (catalogue) and a reference SD of
# 5.0 set in configuration: S_diff = √2 · 5 · √0.27 = 3.674235, threshold 7.2015; the parent
# clinical cut-off is 17 (abnormal band 17–40).
#   D: 20 → 12, change −8, RCI = −2.1773 → reliable improvement; 20 ≥ 17 → 12 < 17: recovery
#   E: 10 → 18, change +8, RCI = +2.1773 → reliable deterioration
#   F: 25 → 19, change −6, RCI = −1.6330 → no reliable change (stays clinical)
#   A also has SDQ: 18 → 16 (−2, no reliable change)
#   G: a single SDQ assessment → unpaired
EXAMPLE = [
    ("A", "Gwent", "SWEMWBS", "self", "2024-01-10", 17.43, 14.0, "female"),
    ("A", "Gwent", "SWEMWBS", "self", "2024-04-10", 19.00, 14.3, "female"),
    ("A", "Gwent", "SWEMWBS", "self", "2024-07-10", 21.54, 14.5, "female"),
    ("B", "Gwent", "SWEMWBS", "self", "2024-02-01", 19.98, 15.0, "male"),
    ("B", "Gwent", "SWEMWBS", "self", "2024-05-01", 21.54, 15.2, "male"),
    ("C", "Powys", "SWEMWBS", "self", "2024-03-01", 22.35, 16.0, "female"),
    ("C", "Powys", "SWEMWBS", "self", "2024-09-01", 18.59, 16.5, "female"),
    ("D", "Powys", "SDQ_TOTAL", "parent", "2024-01-05", 20, 8.0, "male"),
    ("D", "Powys", "SDQ_TOTAL", "parent", "2024-06-05", 12, 8.4, "male"),
    ("E", "Gwent", "SDQ_TOTAL", "parent", "2024-02-05", 10, 6.0, "female"),
    ("E", "Gwent", "SDQ_TOTAL", "parent", "2024-08-05", 18, 6.5, "female"),
    ("F", "Gwent", "SDQ_TOTAL", "parent", "2024-03-05", 25, 9.0, "male"),
    ("F", "Gwent", "SDQ_TOTAL", "parent", "2024-09-05", 19, 9.5, "male"),
    ("A", "Gwent", "SDQ_TOTAL", "parent", "2024-01-11", 18, 14.0, "female"),
    ("A", "Gwent", "SDQ_TOTAL", "parent", "2024-07-11", 16, 14.5, "female"),
    ("G", "Gwent", "SDQ_TOTAL", "parent", "2024-05-05", 22, 7.0, "male"),
]


@pytest.fixture
def catalogue(tmp_path):
    config = tmp_path / "measures.toml"
    config.write_text('[measures.SDQ_TOTAL]\nreference_sd = { value = 5.0, source = "test" }\n')
    return load_catalogue(config)


@pytest.fixture
def assessed(catalogue):
    episodes = oc.episodes(assessments(EXAMPLE))
    return oc.reliable_change(episodes, catalogue).set_index(["person_id", "measure"])


def test_episodes_pair_first_and_last_and_count_unpaired():
    episodes = oc.episodes(assessments(EXAMPLE)).set_index(["person_id", "measure"])
    a = episodes.loc[("A", "SWEMWBS")]
    assert (a["n_assessments"], a["first_score"], a["last_score"]) == (3, 17.43, 21.54)
    assert a["change"] == pytest.approx(4.11)
    assert a["followup_years"] == pytest.approx(182 / 365.25)
    assert a["age0"] == 14.0 and a["cohort"] == 2024
    g = episodes.loc[("G", "SDQ_TOTAL")]
    assert not g["paired"] and math.isnan(g["change"])
    assert len(episodes) == 8  # A has two episodes (two measures); nothing dropped


def test_episodes_are_per_respondent():
    rows = [
        ("H", "Gwent", "SDQ_TOTAL", "parent", "2024-01-01", 20, 8, "male"),
        ("H", "Gwent", "SDQ_TOTAL", "teacher", "2024-02-01", 15, 8, "male"),
        ("H", "Gwent", "SDQ_TOTAL", "parent", "2024-06-01", 14, 8, "male"),
    ]
    episodes = oc.episodes(assessments(rows)).set_index("respondent")
    assert episodes.loc["parent", "change"] == -6
    assert not episodes.loc["teacher", "paired"]


@pytest.mark.parametrize(
    ("person", "measure", "rci", "category"),
    [
        ("A", "SWEMWBS", 2.821562010365738, "reliable_improvement"),
        ("B", "SWEMWBS", 1.0709578433504992, "no_reliable_change"),
        ("C", "SWEMWBS", -2.5812830070499206, "reliable_deterioration"),
        ("D", "SDQ_TOTAL", -2.177324215807269, "reliable_improvement"),
        ("E", "SDQ_TOTAL", 2.177324215807269, "reliable_deterioration"),
        ("F", "SDQ_TOTAL", -1.6329931618554518, "no_reliable_change"),
    ],
)
def test_reliable_change_worked_example(assessed, person, measure, rci, category):
    row = assessed.loc[(person, measure)]
    assert row["rci"] == pytest.approx(rci, rel=1e-12)
    assert row["category"] == category


def test_reliable_change_thresholds_and_sources(assessed):
    assert assessed.loc[("A", "SWEMWBS"), "rc_threshold"] == pytest.approx(2.8550143397188044)
    assert assessed.loc[("D", "SDQ_TOTAL"), "rc_threshold"] == pytest.approx(7.201499843782544)
    assert assessed.loc[("D", "SDQ_TOTAL"), "sd_source"] == "catalogue: test"
    assert assessed.loc[("G", "SDQ_TOTAL"), "category"] == "unpaired"


def test_clinical_change_and_recovery(assessed):
    d = assessed.loc[("D", "SDQ_TOTAL")]
    assert (d["clinical_before"], d["clinical_after"]) == (1.0, 0.0)
    assert d["clinically_significant"] and d["reliable_recovery"]
    f = assessed.loc[("F", "SDQ_TOTAL")]
    assert (f["clinical_before"], f["clinical_after"]) == (1.0, 1.0)
    assert not f["reliable_recovery"]
    # SWEMWBS has no clinical cut-off in the catalogue: no clinical range, no recovery
    assert math.isnan(assessed.loc[("A", "SWEMWBS"), "clinical_before"])


def test_sample_sd_is_used_when_asked_and_when_the_catalogue_has_none(catalogue):
    episodes = oc.episodes(assessments(EXAMPLE))
    sample = oc.reliable_change(episodes, catalogue, sd="sample").set_index(
        ["person_id", "measure"]
    )
    baseline = np.array([17.43, 19.98, 22.35])  # first SWEMWBS scores of the pairs
    sd = baseline.std(ddof=1)
    r = 1 - (1.03 / 3.92) ** 2
    expected = 4.11 / (math.sqrt(2) * sd * math.sqrt(1 - r))
    assert sample.loc[("A", "SWEMWBS"), "rci"] == pytest.approx(expected, rel=1e-12)
    # The default catalogue has no SDQ reference SD: the sample's baseline SD is used.
    default = oc.reliable_change(episodes, CATALOGUE).set_index(["person_id", "measure"])
    sdq_baseline = np.array([20, 10, 25, 18])  # D, E, F, A
    s_diff = math.sqrt(2) * sdq_baseline.std(ddof=1) * math.sqrt(1 - 0.73)
    assert default.loc[("D", "SDQ_TOTAL"), "rci"] == pytest.approx(-8 / s_diff, rel=1e-12)
    assert default.loc[("D", "SDQ_TOTAL"), "sd_source"].startswith("sample baseline SD (n = 4)")


def test_measure_without_figures_is_not_assessable_and_published_threshold_is_used():
    rows = [
        ("P", "Gwent", "CORS", "self", "2024-01-01", 20, 12, "female"),
        ("P", "Gwent", "CORS", "self", "2024-06-01", 32, 12.4, "female"),
        ("Q", "Gwent", "GBO", "self", "2024-01-01", 3.0, 12, "female"),
        ("Q", "Gwent", "GBO", "self", "2024-06-01", 5.5, 12.4, "female"),
    ]
    out = oc.reliable_change(oc.episodes(assessments(rows))).set_index("measure")
    assert out.loc["CORS", "category"] == "not_assessable"  # no figure in the catalogue
    # GBO: published reliable-change threshold 2.45 (unverified); +2.5 exceeds it
    assert out.loc["GBO", "rc_threshold"] == 2.45
    assert out.loc["GBO", "category"] == "reliable_improvement"


# Worked example. RCADS subscale T-scores (higher = worse): catalogue reliability 0.78 (lowest
# subscale α, Chorpita, Moffitt & Gray 2005) and the T-score norm SD 10, so
# S_diff = √2 · 10 · √(1 − 0.78) = 6.6332496 and a change is reliable where
# |change| > 1.96 · 6.6332496 = 13.0012 T points. Clinical range T >= 70.
#   R: 72 → 58, change −14, RCI = −14 / 6.6332496 = −2.1106 → reliable improvement; 72 ≥ 70 →
#      58 < 70: reliable recovery
#   S: 60 → 71, change +11, RCI = +1.6583 → no reliable change (moved into the clinical range)
#   T: 55 → 69, change +14, RCI = +2.1106 → reliable deterioration
#   U: parent report 75 → 63, change −12, RCI = −1.8091 → no reliable change (the same figures:
#      the catalogue has one reliability for every respondent); 75 ≥ 70 → 63: clinically
#      significant without reliable change, so no recovery
RCADS_EXAMPLE = [
    ("R", "Gwent", "RCADS_T", "self", "2024-01-10", 72, 13.0, "female"),
    ("R", "Gwent", "RCADS_T", "self", "2024-07-10", 58, 13.5, "female"),
    ("S", "Powys", "RCADS_T", "self", "2024-02-10", 60, 15.0, "male"),
    ("S", "Powys", "RCADS_T", "self", "2024-08-10", 71, 15.5, "male"),
    ("T", "Gwent", "RCADS_T", "self", "2024-03-10", 55, 11.0, "female"),
    ("T", "Gwent", "RCADS_T", "self", "2024-09-10", 69, 11.5, "female"),
    ("U", "Gwent", "RCADS_T", "parent", "2024-03-10", 75, 9.0, "male"),
    ("U", "Gwent", "RCADS_T", "parent", "2024-09-10", 63, 9.5, "male"),
]


@pytest.mark.parametrize(
    ("person", "rci", "category", "recovered"),
    [
        ("R", -14 / 6.6332495807108, "reliable_improvement", True),
        ("S", 11 / 6.6332495807108, "no_reliable_change", False),
        ("T", 14 / 6.6332495807108, "reliable_deterioration", False),
        ("U", -12 / 6.6332495807108, "no_reliable_change", False),
    ],
)
def test_rcads_reliable_change_worked_example(person, rci, category, recovered):
    out = oc.reliable_change(oc.episodes(assessments(RCADS_EXAMPLE))).set_index("person_id")
    row = out.loc[person]
    assert row["rc_threshold"] == pytest.approx(13.001169178193168, rel=1e-12)
    assert row["reliability_used"] == 0.78
    assert row["sd_used"] == 10.0
    assert row["sd_source"].startswith("catalogue: RCADS user guide")
    assert row["rci"] == pytest.approx(rci, rel=1e-12)
    assert row["category"] == category
    assert bool(row["reliable_recovery"]) is recovered


# Worked example. ReQoL-10 (higher = better): catalogue reliability 0.85 (Keetharuth et al. 2018,
# test–retest '> 0.85') and no reference SD, so the SD is that of the pairs' first scores,
# 18, 22 and 26: mean 22, SD = √((16 + 0 + 16) / 2) = 4. S_diff = √2 · 4 · √(1 − 0.85) =
# 2.1908902 and a change is reliable where |change| > 1.96 · 2.1908902 = 4.2941 points.
# Clinical range < 24.
#   V: 18 → 25, change +7, RCI = +3.1950 → reliable improvement; 18 < 24 → 25: recovery
#   W: 22 → 25, change +3, RCI = +1.3693 → no reliable change (clinically significant only)
#   X: 26 → 21, change −5, RCI = −2.2822 → reliable deterioration
REQOL_EXAMPLE = [
    ("V", "Gwent", "REQOL10", "self", "2024-01-10", 18, 17.0, "female"),
    ("V", "Gwent", "REQOL10", "self", "2024-07-10", 25, 17.5, "female"),
    ("W", "Powys", "REQOL10", "self", "2024-02-10", 22, 19.0, "male"),
    ("W", "Powys", "REQOL10", "self", "2024-08-10", 25, 19.5, "male"),
    ("X", "Gwent", "REQOL10", "self", "2024-03-10", 26, 21.0, "female"),
    ("X", "Gwent", "REQOL10", "self", "2024-09-10", 21, 21.5, "female"),
]


@pytest.mark.parametrize(
    ("person", "rci", "category", "clinically_significant", "recovered"),
    [
        ("V", 7 / 2.1908902300206647, "reliable_improvement", True, True),
        ("W", 3 / 2.1908902300206647, "no_reliable_change", True, False),
        ("X", -5 / 2.1908902300206647, "reliable_deterioration", False, False),
    ],
)
def test_reqol_reliable_change_worked_example(
    person, rci, category, clinically_significant, recovered
):
    out = oc.reliable_change(oc.episodes(assessments(REQOL_EXAMPLE))).set_index("person_id")
    row = out.loc[person]
    assert row["sd_used"] == pytest.approx(4.0, rel=1e-12)
    assert row["sd_source"] == "sample baseline SD (n = 3)"
    assert row["reliability_used"] == 0.85
    assert row["rc_threshold"] == pytest.approx(4.294144850840503, rel=1e-12)
    assert row["rci"] == pytest.approx(rci, rel=1e-12)
    assert row["category"] == category
    assert bool(row["clinically_significant"]) is clinically_significant
    assert bool(row["reliable_recovery"]) is recovered


def test_reqol_reference_sd_from_configuration(tmp_path):
    """With a configured reference SD of 6, S_diff = √2 · 6 · √0.15 = 3.2863353 and the
    threshold 1.96 · 3.2863353 = 6.4412 points: V's +7 is still reliable, X's −5 no longer."""
    config = tmp_path / "reqol.toml"
    config.write_text('[measures.REQOL10]\nreference_sd = { value = 6.0, source = "test" }\n')
    out = oc.reliable_change(
        oc.episodes(assessments(REQOL_EXAMPLE)), load_catalogue(config)
    ).set_index("person_id")
    assert out.loc["V", "rc_threshold"] == pytest.approx(6.441217276260755, rel=1e-12)
    assert out.loc["V", "category"] == "reliable_improvement"
    assert out.loc["X", "category"] == "no_reliable_change"


# Worked example. YP-CORE self-report (higher = worse): Twigg et al. 2016 reliable change indices
# by sex and age band at the first assessment (item-mean points; catalogued unverified): male
# 11–13 0.83, male 14–16 0.80, female 11–13 0.80, female 14–16 0.74. A child in no band gets the
# α-based index: r = 0.80 and no reference SD, so the SD of the nine pairs' first scores (four
# of 2.5, four of 1.5, one of 2.0: mean 2.0, SD = √((4 · 0.25 + 4 · 0.25 + 0) / 8) = 0.5), so
# S_diff = √2 · 0.5 · √0.2 = √0.1 = 0.3162278 and the threshold 1.96 · √0.1 = 0.6198064.
# A change is reliable where its size exceeds the threshold.
#   Ma: male 12,          2.5 → 1.6,  −0.9:  > 0.83  → reliable improvement
#   Mb: male 13,          2.5 → 1.67, −0.83: = 0.83  → no reliable change (reliable at 0.62;
#       the floats' difference is 0.8300000000000001)
#   Mc: male 15,          1.5 → 2.35, +0.85: > 0.80  → reliable deterioration
#   Fa: female 12,        2.5 → 1.7,  −0.8:  = 0.80  → no reliable change
#   Fb: female 15,        2.5 → 1.75, −0.75: > 0.74  → reliable improvement (not at 0.80)
#   Xa: female 17,        1.5 → 0.8,  −0.7:  > 0.62  → reliable improvement (not at 0.74)
#   Xb: sex not stated 12, 1.5 → 2.2, +0.7:  > 0.62  → reliable deterioration (not at 0.80)
#   Xc: male, age unknown, 2.0 → 2.65, +0.65: > 0.62 → reliable deterioration (not at 0.83)
#   Xd: male 10,          1.5 → 1.5,   0:            → no reliable change
YP_CORE_EXAMPLE = [
    ("Ma", 12.0, "male", 2.5, 1.6),
    ("Mb", 13.5, "M", 2.5, 1.67),
    ("Mc", 15.0, "male", 1.5, 2.35),
    ("Fa", 12.2, "female", 2.5, 1.7),
    ("Fb", 15.9, "F", 2.5, 1.75),
    ("Xa", 17.0, "female", 1.5, 0.8),
    ("Xb", 12.0, "not stated", 1.5, 2.2),
    ("Xc", None, "male", 2.0, 2.65),
    ("Xd", 10.9, "male", 1.5, 1.5),
]
FALLBACK = 0.6198064213930023  # 1.96 · √0.1


@pytest.mark.parametrize(
    ("person", "threshold", "category"),
    [
        ("Ma", 0.83, "reliable_improvement"),
        ("Mb", 0.83, "no_reliable_change"),
        ("Mc", 0.80, "reliable_deterioration"),
        ("Fa", 0.80, "no_reliable_change"),
        ("Fb", 0.74, "reliable_improvement"),
        ("Xa", FALLBACK, "reliable_improvement"),
        ("Xb", FALLBACK, "reliable_deterioration"),
        ("Xc", FALLBACK, "reliable_deterioration"),
        ("Xd", FALLBACK, "no_reliable_change"),
    ],
)
def test_yp_core_reliable_change_by_sex_and_age_band(person, threshold, category):
    rows = [
        row
        for who, age, sex, first, last in YP_CORE_EXAMPLE
        for row in (
            (who, "Gwent", "YP_CORE", "self", "2024-01-10", first, age, sex),
            (who, "Gwent", "YP_CORE", "self", "2024-06-10", last, age, sex),
        )
    ]
    out = oc.reliable_change(oc.episodes(assessments(rows))).set_index("person_id")
    row = out.loc[person]
    assert row["rc_threshold"] == pytest.approx(threshold, rel=1e-12)
    assert row["category"] == category
    assert row["rci"] == pytest.approx(row["change"] * 1.96 / threshold, rel=1e-12)
    if threshold == FALLBACK:
        assert row["reliability_used"] == 0.80
        assert row["sd_used"] == pytest.approx(0.5, rel=1e-12)
        assert row["sd_source"] == "sample baseline SD (n = 9)"
        assert row["threshold_source"].startswith("Jacobson–Truax")
    else:
        assert math.isnan(row["reliability_used"]) and math.isnan(row["sd_used"])
        assert row["threshold_source"].startswith("published threshold (reliable change: self, ")
        assert "Twigg et al. 2016" in row["threshold_source"]


def test_corc_person_categories(assessed):
    people = oc.corc_categories(assessed.reset_index()).set_index("person_id")
    assert people.loc["A", "category"] == "reliable_improvement"  # improved + no change
    assert people.loc["A", "n_measures"] == 2
    assert people.loc["C", "category"] == "reliable_deterioration"
    assert people.loc["D", "category"] == "reliable_improvement"
    assert people.loc["D", "reliable_recovery"]
    assert not people.loc["A", "reliable_recovery"]
    assert people.loc["F", "category"] == "no_reliable_change"
    assert people.loc["G", "category"] == "not_assessable"


def test_person_with_improvement_and_deterioration_is_deterioration():
    rows = [
        ("Z", "Gwent", "SWEMWBS", "self", "2024-01-01", 17.43, 14, "female"),
        ("Z", "Gwent", "SWEMWBS", "self", "2024-06-01", 21.54, 14, "female"),
        ("Z", "Gwent", "GBO", "self", "2024-01-01", 6.0, 14, "female"),
        ("Z", "Gwent", "GBO", "self", "2024-06-01", 3.0, 14, "female"),
    ]
    people = oc.corc_categories(oc.reliable_change(oc.episodes(assessments(rows))))
    assert people["category"].tolist() == ["reliable_deterioration"]


def test_change_summary_counts_and_percentages(assessed):
    summary = oc.change_summary(assessed.reset_index()).set_index(["rpb", "measure", "respondent"])
    wales = summary.loc[("Wales", "SDQ_TOTAL", "parent")]
    assert (wales["n_pairs"], wales["n_unpaired"]) == (4, 1)
    assert wales["mean_change"] == pytest.approx((-8 + 8 - 6 - 2) / 4)
    changes = np.array([-8, 8, -6, -2])
    half_width = 3.182446305284263 * changes.std(ddof=1) / 2  # t(0.975, 3) · s / √4
    assert wales["mean_change_ci_low"] == pytest.approx(-2 - half_width)
    counts = wales[
        [
            "reliable_improvement",
            "no_reliable_change",
            "reliable_deterioration",
            "reliable_recovery",
        ]
    ].tolist()
    assert counts == [1, 2, 1, 1]
    assert wales["pct_reliable_improvement"] == 25.0
    gwent = summary.loc[("Gwent", "SWEMWBS", "self")]
    assert (gwent["n_pairs"], gwent["reliable_improvement"]) == (2, 1)
    assert ("Powys", "SWEMWBS", "self") in summary.index
    assert list(summary.index.get_level_values(0).unique()) == ["Gwent", "Powys", "Wales"]
