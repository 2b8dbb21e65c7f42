import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nest_eval.domains import implementation as im

from .conftest import RAW

# Published national averages, October 2024 (NYTH/NEST implementation update; domain.md).
PUBLISHED_2024 = {
    "trusted_adults": 2.3,
    "wellbeing_across_education": 2.1,
    "coproduced_innovation": 2.1,
    "easy_access_to_expertise": 2.1,
    "safe_supportive_communities": 1.8,
    "no_wrong_door": 2.3,
}


def test_demo_2024_national_means_reproduce_the_published_figures(demo_data):
    table = im.national_means(demo_data["self_assessment"], 2024).set_index("element")
    assert list(table.index) == list(PUBLISHED_2024)
    for element, published in PUBLISHED_2024.items():
        assert round(table.loc[element, "mean_rating"], 1) == published, element
    # 1.8 cannot be a mean of seven whole ratings: one RPB did not rate it (11/6)
    assert table.loc["safe_supportive_communities", "n_rpbs"] == 6
    assert table.loc["safe_supportive_communities", "n_not_rated"] == 1
    assert table.loc["safe_supportive_communities", "mean_rating"] == pytest.approx(11 / 6)
    assert table.loc["trusted_adults", "mean_rating"] == pytest.approx(16 / 7)


def test_demo_accounting_matches_its_truth_file(demo_ingest):
    truth = json.loads((RAW / "truth.json").read_text())["accounting"]
    for name, expected in truth.items():
        outcome = demo_ingest.datasets[name]
        assert outcome.rows_read == expected["rows_read"], name
        assert outcome.rows_accepted == expected["expected_accepted"], name
        assert outcome.rows_quarantined == expected["expected_quarantined"], name
        assert outcome.duplicates_collapsed == expected["expected_duplicates_collapsed"], name


def _sa(rows):
    frame = pd.DataFrame(
        rows, columns=["rpb", "year", "element", "rating", "cyp_voice", "family_voice"]
    )
    frame["level"] = "region"
    frame["project"] = pd.NA
    frame["rating"] = frame["rating"].astype("float64")
    return frame


def test_changes_directions_and_summary():
    sa = _sa(
        [
            ("Gwent", 2024, "trusted_adults", 2, True, False),
            ("Gwent", 2025, "trusted_adults", 3, True, True),
            ("Gwent", 2024, "no_wrong_door", 3, False, False),
            ("Gwent", 2025, "no_wrong_door", 2.5, True, None),
            ("Gwent", 2024, "wellbeing_across_education", 2, True, True),
            ("Gwent", 2025, "wellbeing_across_education", 2, True, True),
            ("Gwent", 2024, "coproduced_innovation", None, None, None),  # not rated
            ("Gwent", 2025, "coproduced_innovation", 2, True, True),
            ("Powys", 2024, "trusted_adults", 1, False, False),
            ("Powys", 2025, "trusted_adults", 2, True, False),
        ]
    )
    changes = im.element_changes(sa, 2025, 2024).set_index(["rpb", "element"])
    assert changes.loc[("Gwent", "trusted_adults"), "direction"] == "up"
    assert changes.loc[("Gwent", "no_wrong_door"), "change"] == -0.5
    assert changes.loc[("Gwent", "wellbeing_across_education"), "direction"] == "same"
    assert changes.loc[("Gwent", "coproduced_innovation"), "direction"] == "not comparable"
    assert changes.loc[("Powys", "no_wrong_door"), "direction"] == "not comparable"
    summary = im.rpb_change_summary(sa, 2025, 2024).set_index("rpb")
    gwent = summary.loc["Gwent"]
    assert (gwent["n_elements"], gwent["n_up"], gwent["n_down"], gwent["n_same"]) == (3, 1, 1, 1)
    assert gwent["baseline"] == pytest.approx((2 + 3 + 2) / 3)
    assert gwent["change"] == pytest.approx((1 - 0.5 + 0) / 3)
    wales = summary.loc["Wales"]
    assert wales["n_elements"] == 4 and wales["change"] == pytest.approx((1 - 0.5 + 0 + 1) / 4)
    assert summary.loc["Cardiff and Vale", "n_elements"] == 0
    voices = im.voice_shares(sa, 2025).set_index("rpb")
    assert voices.loc["Gwent", "share_cyp_voice"] == 1.0
    assert voices.loc["Gwent", "share_family_voice"] == pytest.approx(3 / 3)  # one unknown
    assert voices.loc["Gwent", "n_voice_unknown"] == 1
    assert voices.loc["Wales", "share_family_voice"] == pytest.approx(3 / 4)


def test_project_rows_are_summarised_beside_the_region():
    sa = _sa([("Gwent", 2024, "trusted_adults", 2, True, True)])
    projects = pd.DataFrame(
        {
            "rpb": ["Gwent"] * 3,
            "year": [2024] * 3,
            "element": ["trusted_adults"] * 3,
            "rating": [1.0, 3.0, None],
            "cyp_voice": [True] * 3,
            "family_voice": [True] * 3,
            "level": ["project"] * 3,
            "project": ["P1", "P2", "P3"],
        }
    )
    table = im.project_summary(pd.concat([sa, projects]), 2024)
    row = table.iloc[0]
    assert (row["n_projects"], row["n_projects_rated"]) == (3, 2)
    assert (row["project_mean"], row["project_min"], row["project_max"]) == (2.0, 1.0, 3.0)
    assert row["region_rating"] == 2.0
    # national figures use region-level rows only
    national = im.national_means(pd.concat([sa, projects]), 2024).set_index("element")
    assert national.loc["trusted_adults", "n_rpbs"] == 1


# --- the Wales change per element is like for like ------------------------------------------

RESULTS = Path(__file__).parent / "results"


def _sample_ratings() -> pd.DataFrame:
    """The ratings of ``results/journey_ratings_sample.csv`` as ingest accepts them."""
    rows = pd.read_csv(RESULTS / "journey_ratings_sample.csv")
    return rows.assign(level="region", project=pd.NA, cyp_voice=True, family_voice=True)


def _r_reference() -> pd.DataFrame:
    """Computed in R by ``results/journey_like_for_like.R`` from the same ratings."""
    return pd.read_csv(RESULTS / "journey_like_for_like.csv", na_values="NA").set_index("element")


def test_wales_change_per_element_is_like_for_like_as_in_r():
    ours = im.wales_element_changes(_sample_ratings(), 2025, 2024).set_index("element")
    ref = _r_reference()
    assert list(ours.index) == list(ref.index)
    for column in ("baseline", "current", "change"):
        np.testing.assert_allclose(ours[column], ref[column], rtol=0, atol=1e-12, err_msg=column)
    assert ours["n_rpbs"].tolist() == ref["n_rpbs"].tolist()
    # the sample is built so that comparing the two cycles' own means would differ
    naive = ref["cycle_mean_current"] - ref["cycle_mean_baseline"]
    differs = (naive - ref["change"]).abs() > 0.05
    assert differs[["trusted_adults", "wellbeing_across_education", "no_wrong_door"]].all()


def test_the_hand_worked_example_gives_a_third_not_0_238():
    """2024: six RPBs rate the element 2, 2, 2, 2, 2 and 1 (11/6 = 1.8333), the seventh does not
    rate it; 2025: the same six rate 2, 2, 2, 2, 2.5 and 2.5 (13/6) and the seventh 1.5, so the
    2025 mean over seven is 14.5/7 = 2.0714. Cycle means give 2.0714 - 1.8333 = +0.238; the six
    RPBs rated in both cycles moved by (0 + 0 + 0 + 0 + 0.5 + 1.5) / 6 = +1/3."""
    sample = _sample_ratings()
    row = im.wales_element_changes(sample, 2025, 2024).set_index("element").loc["no_wrong_door"]
    assert row["change"] == pytest.approx(1 / 3) and row["n_rpbs"] == 6
    assert (row["baseline"], row["current"]) == (pytest.approx(11 / 6), pytest.approx(13 / 6))
    cycles = {
        y: im.national_means(sample, y).set_index("element").loc["no_wrong_door"]
        for y in (2024, 2025)
    }
    assert cycles[2025]["mean_rating"] == pytest.approx(14.5 / 7)
    moved = cycles[2025]["mean_rating"] - cycles[2024]["mean_rating"]
    assert moved == pytest.approx(0.2381, abs=1e-4)


def test_distance_travelled_shows_the_like_for_like_wales_change_and_its_n():
    from nest_eval.domains.distance import distance_travelled

    table = distance_travelled({"self_assessment": _sample_ratings()}, 2025, baseline_year=2024)
    rows = table[table["indicator"] == "journey_rating"].set_index(["rpb", "element"])
    wales = rows.loc["Wales"]
    ref = _r_reference()
    for column in ("baseline", "current", "change"):
        np.testing.assert_allclose(
            wales[column].astype(float), ref[column], rtol=0, atol=1e-12, err_msg=column
        )
    assert wales["n"].tolist() == ref["n_rpbs"].tolist()
    # an RPB's n says whether its change rests on a rating in both cycles
    assert rows.loc[("Gwent", "trusted_adults"), "n"] == 0  # not rated in 2024
    assert rows.loc[("Cwm Taf Morgannwg", "trusted_adults"), "n"] == 0  # not rated in 2025
    assert rows.loc[("West Wales", "trusted_adults"), "n"] == 1


def test_foundations_are_rated_per_rpb_with_the_wales_mean_over_those_rating():
    rows = [
        ("Cardiff and Vale", "values_led", 3.0),
        ("Gwent", "values_led", 2.0),
        ("Powys", "values_led", None),  # submitted, not rated
        ("Cardiff and Vale", "rights_based", 2.5),
        ("Cardiff and Vale", "trusted_adults", 4.0),  # a core element: not a foundation
    ]
    sa = pd.DataFrame(rows, columns=["rpb", "element", "rating"]).assign(
        year=2025, level="region", cyp_voice=True, family_voice=True
    )
    project = sa.iloc[:1].assign(level="project", rating=1.0, project="RIF project 1")
    table = im.foundation_ratings(pd.concat([sa, project]), 2025).set_index(["element", "rpb"])
    wales = table.loc[("values_led", "Wales")]
    # (3 + 2) / 2: Powys submitted it without a rating; the project row is not the region's
    assert (wales["rating"], wales["n_rpbs"], wales["n_not_rated"]) == (2.5, 2, 1)
    assert table.loc[("values_led", "Powys"), "submitted"]
    assert np.isnan(table.loc[("values_led", "Powys"), "rating"])
    assert not table.loc[("values_led", "West Wales"), "submitted"]
    assert table.loc[("rights_based", "Wales"), "rating"] == 2.5
    elements = list(dict.fromkeys(table.index.get_level_values("element")))
    assert elements == [e.key for e in im.FOUNDATIONS]  # every foundation, in published order
    assert np.isnan(table.loc[("child_development", "Wales"), "rating"])
    assert im.foundation_ratings(sa, 2024).empty


def test_the_demo_rpbs_rate_the_foundations_in_2025(demo_data):
    truth = json.loads((RAW / "truth.json").read_text())["self_assessment"]["foundation_ratings"]
    table = im.foundation_ratings(demo_data["self_assessment"], 2025).set_index(["element", "rpb"])
    for rpb, given in truth["2025"].items():
        for element, rating in given.items():
            found = table.loc[(element, rpb), "rating"]
            assert np.isnan(found) if rating is None else found == rating, (rpb, element)
    assert table.loc[("psychologically_informed", "Wales"), "n_not_rated"] == 1
