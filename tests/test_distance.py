import numpy as np
import pandas as pd
import pytest

from nest_eval.domains import distance
from nest_eval.reference.vocabulary import RPB_NAMES, WALES


@pytest.fixture(scope="module")
def table(demo_data):
    return distance.distance_travelled(demo_data, 2025)


def test_contract_columns_every_rpb_and_wales_every_domain(table):
    assert tuple(table.columns) == distance.DISTANCE_COLUMNS + distance.BASE_COLUMNS
    assert list(table["rpb"].unique()) == [*RPB_NAMES, WALES]
    for rpb, group in table.groupby("rpb"):
        assert set(group["domain"]) == {"implementation", "outcomes", "experiences", "access"}, rpb
    assert set(table["baseline_year"].dropna()) == {2024}


def test_the_counts_behind_a_share_are_kept_for_disclosure_control(table):
    shares = table[table["indicator"] == "share_reliable_improvement"]
    assert len(shares) > 10
    assert np.allclose(shares["x_current"] / shares["n"], shares["current"])
    assert np.allclose(shares["x_baseline"] / shares["n_baseline"], shares["baseline"])


def test_change_is_current_minus_baseline_and_inside_its_interval(table):
    assert np.allclose(table["change"], table["current"] - table["baseline"], equal_nan=True)
    has_ci = table["ci_low"].notna()
    assert has_ci.sum() > 100
    inside = (table.loc[has_ci, "ci_low"] <= table.loc[has_ci, "change"]) & (
        table.loc[has_ci, "change"] <= table.loc[has_ci, "ci_high"]
    )
    assert inside.all()
    # journey ratings are a census of self-ratings: no sampling interval
    assert table.loc[table["domain"] == "implementation", "ci_low"].isna().all()


def test_wales_journey_ratings_compare_the_rpbs_rated_in_both_cycles(table, demo_data):
    from nest_eval.domains.implementation import element_changes, national_means

    sa = demo_data["self_assessment"]
    wales = table[(table["rpb"] == WALES) & (table["indicator"] == "journey_rating")]
    wales = wales.set_index("element")
    pairs = element_changes(sa, 2025, 2024)
    pairs = pairs[pairs["direction"] != "not comparable"].groupby("element")
    assert wales["n"].to_dict() == pairs.size().to_dict()
    assert np.allclose(wales["change"], pairs["change"].mean().reindex(wales.index))
    # the demo's 2024 and 2025 cycles are rated by different RPBs for two elements (6 of 7)
    now, then = (national_means(sa, y).set_index("element") for y in (2025, 2024))
    same = (now["n_rpbs"] == 7) & (then["n_rpbs"] == 7)
    assert (~same).sum() == 2
    assert np.allclose(wales.loc[same, "current"], now.loc[same, "mean_rating"])
    moved = now["mean_rating"] - then["mean_rating"]
    assert not np.allclose(wales.loc[~same, "change"], moved[~same])


def test_explicit_baseline_and_missing_domains(demo_data):
    subset = {"experiences": demo_data["experiences"]}
    table = distance.distance_travelled(subset, 2025, baseline_year=2024)
    assert set(table["domain"]) == {"experiences"}
    none = distance.distance_travelled(subset, 2024)  # no year before 2024: no baseline
    assert none.empty


def test_baseline_is_the_earliest_earlier_year_per_rpb_and_domain(demo_data):
    access = demo_data["access"]
    later = access[~((access["rpb"] == "Powys") & (access["received_date"].dt.year == 2024))]
    years = distance.baseline_years({"access": later}, 2025).set_index(["rpb", "domain"])
    assert pd.isna(years.loc[("Powys", "access"), "baseline_year"])
    assert years.loc[("Gwent", "access"), "baseline_year"] == 2024


def test_outcomes_change_table(demo_data):
    table = distance.outcomes_change(demo_data["outcomes"], 2025)
    assert tuple(table.columns) == distance.OUTCOMES_CHANGE_COLUMNS
    wales = table[table["rpb"] == WALES].set_index("measure")
    assert set(wales.index) == {"GBO", "RCADS_T", "REQOL10", "SDQ_TOTAL", "SWEMWBS", "YP_CORE"}
    sdq = wales.loc["SDQ_TOTAL"]
    assessable = sdq[["reliable_improvement", "no_reliable_change", "reliable_deterioration"]].sum()
    assert assessable + sdq["n_not_assessable"] == sdq["n_pairs"]
    assert sdq["pct_reliable_improvement"] == pytest.approx(
        100 * sdq["reliable_improvement"] / assessable
    )
    assert sdq["reliable_recovery"] <= sdq["reliable_improvement"]
    per_rpb = table[table["rpb"] != WALES].groupby("measure")[["n_pairs", "n_unpaired"]].sum()
    assert (per_rpb["n_pairs"] == wales["n_pairs"]).all()
    assert (per_rpb["n_unpaired"] == wales["n_unpaired"]).all()


def test_outcome_baselines_follow_each_childs_first_assessment_in_any_row_order():
    rows = pd.DataFrame(
        {
            "person_id": ["p1", "p1"],
            "rpb": ["Gwent", "Gwent"],
            "measure": ["SDQ_TOTAL", "SDQ_TOTAL"],
            "respondent": ["parent", "parent"],
            "date": pd.to_datetime(["2025-03-10", "2024-06-01"]),  # the later assessment first
            "score": [12.0, 18.0],
        }
    )
    years = distance.baseline_years({"outcomes": rows}, 2025).set_index("rpb")
    assert years.loc["Gwent", "baseline_year"] == 2024  # the cohort of the first assessment
    assert years.loc[WALES, "baseline_year"] == 2024
    assert pd.isna(years.loc["Powys", "baseline_year"])
