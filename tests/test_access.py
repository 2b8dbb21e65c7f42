from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nest_eval.domains import access as ac
from nest_eval.stats.intervals import wilson_interval


def requests(rows):
    frame = pd.DataFrame(
        rows,
        columns=[
            "request_id",
            "rpb",
            "received_date",
            "first_support_date",
            "redirections",
            "outcome",
        ],
    )
    for column in ("received_date", "first_support_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["redirections"] = pd.array(frame["redirections"], dtype="Int64")
    return frame


DATA = requests(
    [
        ("a1", "Gwent", "2024-01-01", "2024-01-20", 0, "supported"),  # 19 days
        ("a2", "Gwent", "2024-02-01", "2024-03-15", 2, "supported"),  # 43 days
        ("a3", "Gwent", "2024-03-01", "2024-03-29", 1, "signposted"),  # 28 days: within
        ("a4", "Gwent", "2024-04-01", None, 0, "withdrawn"),  # left out of the share
        ("a5", "Gwent", "2024-05-01", None, 3, "declined"),  # counts as not within
        ("a6", "Gwent", "2024-12-20", "2025-01-30", 1, "supported"),  # waiting at year end
        ("a7", "Powys", "2024-06-01", None, 0, "waiting"),  # still waiting
        ("b1", "Gwent", "2025-01-05", "2025-01-10", 0, "supported"),
        ("b2", "Gwent", "2025-12-20", None, 0, "waiting"),  # window still open
    ]
)


def test_indicators_by_hand():
    # census date: the end of 2024
    table = ac.access_indicators(DATA, 2024).set_index(["rpb", "indicator"])
    share = table.loc[("Gwent", "share_within_28_days")]
    # windows closed by the census date: a1, a2, a3, a5 (a4 withdrawn; a6's closes in 2025);
    # within 28 days: a1, a3
    assert (share["count"], share["n"]) == (2, 4)
    assert share["estimate"] == pytest.approx(2 / 4)
    assert (share["ci_low"], share["ci_high"]) == pytest.approx(tuple(wilson_interval(2, 4)))
    # waits: a1 19, a2 43, a3 28 days, a6 still waiting at 11 days (censored); a4 and a5
    # ended without support. Kaplan-Meier: S(19) = 2/3, S(28) = 1/3, S(43) = 0
    median = table.loc[("Gwent", "median_wait_days")]
    assert (median["estimate"], median["n"], median["count"]) == (28, 4, 1)
    assert table.loc[("Gwent", "p90_wait_days"), "estimate"] == 43
    redirected = table.loc[("Gwent", "share_redirected")]
    assert (redirected["count"], redirected["n"]) == (4, 6)
    assert table.loc[("Gwent", "mean_redirections"), "estimate"] == pytest.approx(7 / 6)
    waiting = table.loc[("Gwent", "still_waiting_at_year_end")]
    assert (waiting["estimate"], waiting["count"], waiting["n"]) == (1, 1, 4)  # a6 of 4
    assert table.loc[("Powys", "still_waiting_at_year_end"), "estimate"] == 1  # a7
    assert table.loc[("Wales", "still_waiting_at_year_end"), "estimate"] == 2
    assert table.loc[("Wales", "share_within_28_days"), "n"] == 5  # + a7


def test_still_waiting_counts_only_the_requests_received_in_the_period():
    # a7 (Powys, June 2024) is still waiting at the end of 2025, but was not received in 2025
    table = ac.access_indicators(DATA, 2025).set_index(["rpb", "indicator"])
    assert table.loc[("Powys", "still_waiting_at_year_end"), "n"] == 0
    assert table.loc[("Wales", "still_waiting_at_year_end"), "estimate"] == 1  # b2


def test_open_windows_are_left_out_until_they_close():
    table = ac.access_indicators(DATA, 2025).set_index(["rpb", "indicator"])
    share = table.loc[("Gwent", "share_within_28_days")]
    assert (share["count"], share["n"]) == (1, 1)  # b2's window closes after the census date


def test_a_past_years_figures_do_not_move_when_later_data_arrive():
    # the data as they stood at the end of 2024: no 2025 row, a6 not yet supported
    then = DATA[DATA["received_date"] <= "2024-12-31"].copy()
    later = then["first_support_date"] > "2024-12-31"
    then.loc[later, "first_support_date"] = pd.NaT
    then.loc[later, "outcome"] = "waiting"
    pd.testing.assert_frame_equal(
        ac.access_indicators(then, 2024), ac.access_indicators(DATA, 2024)
    )


def test_a_census_date_within_the_year_takes_every_figure_at_it():
    table = ac.access_indicators(DATA, 2024, pd.Timestamp("2024-06-30")).set_index(
        ["rpb", "indicator"]
    )
    # received by 30 June: a1 to a5 (Gwent), a7 (Powys); a5 declined, a4 withdrawn
    assert table.loc[("Gwent", "still_waiting_at_year_end"), "n"] == 3
    assert table.loc[("Gwent", "still_waiting_at_year_end"), "estimate"] == 0
    assert table.loc[("Powys", "median_wait_days"), "count"] == 1  # a7, censored at 29 days
    assert np.isnan(table.loc[("Powys", "median_wait_days"), "estimate"])  # not reached


def test_waits_are_censored_at_the_census_date():
    observed = ac.waits(DATA[DATA["rpb"] == "Gwent"], pd.Timestamp("2024-12-31"))
    # a4 withdrawn and a5 declined without support; b1 and b2 received after the census date
    assert list(observed.index) == [0, 1, 2, 5]
    assert observed.loc[5].tolist() == [11, False]  # a6: 11 days to the census date
    assert observed.loc[0].tolist() == [19, True]


def test_wales_waits_are_rs_kaplan_meier_quantiles(demo_data):
    # tests/results/km_reference.R: survival::survfit(conf.type = "log-log") on the demo data's
    # waits (tests/results/km_make_samples.py takes them with ac.waits)
    reference = pd.read_csv(Path(__file__).parent / "results" / "km_reference.csv", dtype=str)
    reference = reference[reference["conf_type"] == "log-log"]
    access = demo_data["access"]
    cases = {
        ("demo_wales_2025", "Wales"): ac.access_indicators(access, 2025),
        ("demo_powys_2025", "Powys"): ac.access_indicators(access, 2025),
        ("demo_wales_2024_as_of_october", "Wales"): ac.access_indicators(
            access, 2024, pd.Timestamp("2024-10-31")
        ),
    }
    for (sample, area), table in cases.items():
        rows = table[table["rpb"] == area].set_index("indicator")
        for indicator, p in ac.QUANTILES.items():
            ref = reference[(reference["sample"] == sample) & (reference["p"].astype(float) == p)]
            expected = ref[["quantile", "lower", "upper"]].astype(float).iloc[0].tolist()
            assert rows.loc[indicator, ["estimate", "ci_low", "ci_high"]].tolist() == expected


def test_change_from_baseline():
    table = ac.access_change(DATA, 2025, 2024).set_index(["rpb", "indicator"])
    row = table.loc[("Gwent", "share_within_28_days")]
    assert row["change"] == pytest.approx(1 - 2 / 4)
    assert row["ci_low"] < row["change"] < row["ci_high"]
    assert np.isnan(table.loc[("Gwent", "median_wait_days"), "ci_low"])


def test_the_baseline_is_taken_at_the_same_point_of_its_year():
    # as of 30 June 2025, the 2024 baseline is taken as of 30 June 2024
    table = ac.access_change(DATA, 2025, 2024, pd.Timestamp("2025-06-30")).set_index(
        ["rpb", "indicator"]
    )
    assert table.loc[("Powys", "still_waiting_at_year_end"), "baseline"] == 1  # a7
    assert table.loc[("Gwent", "still_waiting_at_year_end"), "n_baseline"] == 3  # a1 to a3
