import numpy as np
import pandas as pd
import pytest

from nest_eval.domains import experiences as ex
from nest_eval.reference.contract import EXPERIENCE_ITEMS
from nest_eval.stats.intervals import proportion_difference_interval, wilson_interval


def responses(rows):
    frame = pd.DataFrame(
        rows,
        columns=["rpb", "date", "respondent_type", "nurturing", "empowering", "safe", "trusted"],
    )
    frame["date"] = pd.to_datetime(frame["date"])
    for item in EXPERIENCE_ITEMS[4:]:
        frame[item] = pd.array([pd.NA] * len(frame), dtype="Int64")
    for item in EXPERIENCE_ITEMS[:4]:
        frame[item] = pd.array(frame[item], dtype="Int64")
    return frame


DATA = responses(
    [
        ("Gwent", "2024-02-01", "child", 5, 4, None, 2),
        ("Gwent", "2024-03-01", "parent_carer", 3, 3, 3, 3),
        ("Gwent", "2024-04-01", "child", 4, None, 5, 5),
        ("Powys", "2024-05-01", "child", 2, 2, 2, 2),
        ("Gwent", "2025-02-01", "child", 5, 5, 5, 5),
        ("Gwent", "2025-03-01", "child", 4, 4, 4, None),
        ("Powys", "2025-04-01", "parent_carer", 1, 4, 4, 4),
    ]
)


def test_index_is_the_mean_of_the_nest_items_answered():
    index = ex.experience_index(DATA)
    assert index.tolist() == pytest.approx([11 / 3, 3.0, 14 / 3, 2.0, 5.0, 4.0, 13 / 4])


def test_agreement_counts_shares_and_wilson_intervals():
    agreement = ex.agreement(DATA, 2024)
    assert list(agreement.columns) == list(ex.AGREEMENT_COLUMNS)
    table = agreement.set_index(["rpb", "respondent_type", "indicator", "item"])
    nurturing = table.loc[("Gwent", "all", "share_agreeing", "nurturing")]
    assert (nurturing["n"], nurturing["n_agree"]) == (3, 2)
    assert nurturing["estimate"] == pytest.approx(2 / 3)
    low, high = wilson_interval(2, 3)
    assert (nurturing["ci_low"], nurturing["ci_high"]) == pytest.approx((low, high))
    safe = table.loc[("Gwent", "child", "share_agreeing", "safe")]
    assert (safe["n"], safe["n_agree"]) == (1, 1)  # the other child skipped it
    wales = table.loc[("Wales", "all", "share_agreeing", "trusted")]
    assert (wales["n"], wales["n_agree"]) == (4, 1)
    unanswered = table.loc[("Wales", "all", "share_agreeing", "told_story_once")]
    assert unanswered["n"] == 0 and np.isnan(unanswered["estimate"])
    index = agreement[
        (agreement["rpb"] == "Gwent")
        & (agreement["respondent_type"] == "all")
        & (agreement["indicator"] == "experience_index")
    ]
    assert index["item"].isna().all()
    assert index["estimate"].item() == pytest.approx((11 / 3 + 3 + 14 / 3) / 3)


def test_change_from_baseline_uses_newcombe_and_welch():
    change = ex.experience_change(DATA, 2025, 2024)
    table = change[change["indicator"] == "share_agreeing"].set_index(["rpb", "item"])
    row = table.loc[("Wales", "empowering")]
    # 2025: 4/3 agree (5, 4, 4); 2024: 1 of 4 answers agree (4; 3; 2; missing once)
    assert (row["n_current"], row["n_baseline"]) == (3, 3)
    expected = proportion_difference_interval(3, 3, 1, 3)
    assert row["change"] == pytest.approx(1 - 1 / 3)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((expected.low, expected.high))
    index = change.set_index(["rpb", "indicator"]).loc[("Gwent", "experience_index")]
    now, then = np.array([5.0, 4.0]), np.array([11 / 3, 3.0, 14 / 3])
    assert index["change"] == pytest.approx(now.mean() - then.mean())
    assert index["ci_low"] < index["change"] < index["ci_high"]
