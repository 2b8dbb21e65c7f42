import pandas as pd
import pytest

from nest_eval.domains import partnership as pa


def test_demo_training_reproduces_the_published_2024_figures(demo_data):
    # NYTH/NEST implementation update (2024): to October 2024, 147 enrolled and 70 completed;
    # 92% rated the course good or excellent; learners NHS 60%, local authority 20%,
    # third sector 3%, private or other 17%.
    # the reporting year 2024 as of 31 October 2024
    summary = pa.training_summary(
        demo_data["training"],
        pd.Timestamp(2024, 1, 1),
        pd.Timestamp(2024, 12, 31),
        census=pd.Timestamp(2024, 10, 31),
    )
    table = summary[summary["organisation_type"].isna()].set_index("indicator")["value"]
    assert table["enrolled"] == 147
    assert table["completed"] == 70
    assert round(100 * table["share_rated_good_or_excellent"]) == 92
    mix = summary[summary["indicator"] == "share_of_learners"].set_index("organisation_type")
    assert list(mix.index) == list(pa.ORGANISATION_TYPES)
    assert [round(100 * v) for v in mix["value"]] == [60, 20, 3, 17]


def test_training_is_counted_at_the_census_date():
    frame = pd.DataFrame(
        {
            "learner_id": ["L1", "L2", "L3", "L4", "L5"],
            "organisation_type": ["nhs", "nhs", "third_sector", "local_authority", "nhs"],
            "enrolled_date": pd.to_datetime(
                ["2023-12-20", "2024-02-01", "2024-03-01", "2024-09-01", "2024-11-15"]
            ),
            "completed_date": pd.to_datetime([None, "2024-04-01", "2024-11-20", None, None]),
            "rating": pd.array([pd.NA, 5, 4, 2, pd.NA], dtype="Int64"),
        }
    )
    summary = pa.training_summary(
        frame, pd.Timestamp(2024, 1, 1), pd.Timestamp(2024, 12, 31), pd.Timestamp(2024, 10, 31)
    )
    values = summary[summary["organisation_type"].isna()].set_index("indicator")["value"]
    # L1 enrolled before the year and L5 after the census date; L3 completed (and rated)
    # after it; L4 rated without completing
    assert (values["enrolled"], values["completed"], values["n_ratings"]) == (3, 1, 2)
    assert values["share_rated_good_or_excellent"] == 0.5
    at_year_end = pa.training_summary(frame, pd.Timestamp(2024, 1, 1), pd.Timestamp(2024, 12, 31))
    values = at_year_end[at_year_end["organisation_type"].isna()].set_index("indicator")["value"]
    assert (values["enrolled"], values["completed"], values["n_ratings"]) == (4, 2, 3)


def test_enablers_pooled_share_and_wales_totals():
    frame = pd.DataFrame(
        {
            "rpb": ["Gwent", "Powys"],
            "year": [2024, 2024],
            "core_funding_gbp": [100.0, 50.0],
            "rif_funding_gbp": [300.0, 150.0],
            "pooled_funding_gbp": [40.0, 10.0],
            "workforce_vacancy_rate": [0.1, 0.2],
            "multiagency_panel": pd.array([True, False], dtype="boolean"),
            "coproduction_maturity": pd.array([3, 2], dtype="Int64"),
            "cyp_on_board": pd.array([True, None], dtype="boolean"),
        }
    )
    table = pa.enablers(frame, 2024).set_index("rpb")
    assert table.loc["Gwent", "pooled_share"] == pytest.approx(0.1)
    assert table.loc["Powys", "total_funding_gbp"] == 200.0
    assert not table.loc["Cardiff and Vale", "returned"]
    wales = table.loc["Wales"]
    assert wales["total_funding_gbp"] == 600.0
    assert wales["pooled_share"] == pytest.approx(50 / 600)
    assert wales["workforce_vacancy_rate"] == pytest.approx(0.15)
    assert (wales["multiagency_panel"], wales["cyp_on_board"], wales["returned"]) == (1, 1, 2)
