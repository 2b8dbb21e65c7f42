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
    table = ac.access_indicators(DATA, 2024).set_index(["rpb", "indicator"])
    share = table.loc[("Gwent", "share_within_28_days")]
    # eligible: a1, a2, a3, a5, a6 (a4 withdrawn); within 28 days: a1, a3
    assert (share["count"], share["n"]) == (2, 5)
    assert share["estimate"] == pytest.approx(2 / 5)
    assert (share["ci_low"], share["ci_high"]) == pytest.approx(tuple(wilson_interval(2, 5)))
    median = table.loc[("Gwent", "median_wait_days")]
    assert median["n"] == 4  # a1, a2, a3, a6 were supported
    assert median["estimate"] == np.quantile([19, 43, 28, 41], 0.5)
    redirected = table.loc[("Gwent", "share_redirected")]
    assert (redirected["count"], redirected["n"]) == (4, 6)
    assert table.loc[("Gwent", "mean_redirections"), "estimate"] == pytest.approx(7 / 6)
    assert table.loc[("Gwent", "still_waiting_at_year_end"), "estimate"] == 1  # a6
    assert table.loc[("Powys", "still_waiting_at_year_end"), "estimate"] == 1  # a7
    assert table.loc[("Wales", "still_waiting_at_year_end"), "estimate"] == 2
    assert table.loc[("Wales", "share_within_28_days"), "n"] == 6  # + a7


def test_open_windows_are_left_out_until_they_close():
    table = ac.access_indicators(DATA, 2025).set_index(["rpb", "indicator"])
    share = table.loc[("Gwent", "share_within_28_days")]
    assert (share["count"], share["n"]) == (1, 1)  # b2's window closes after the census
    assert ac.census_date(DATA) == pd.Timestamp("2025-12-20")


def test_change_from_baseline():
    table = ac.access_change(DATA, 2025, 2024).set_index(["rpb", "indicator"])
    row = table.loc[("Gwent", "share_within_28_days")]
    assert row["change"] == pytest.approx(1 - 2 / 5)
    assert row["ci_low"] < row["change"] < row["ci_high"]
    assert np.isnan(table.loc[("Gwent", "median_wait_days"), "ci_low"])
