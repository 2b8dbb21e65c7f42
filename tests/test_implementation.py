import json

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
