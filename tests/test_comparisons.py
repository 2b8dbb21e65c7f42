import pandas as pd

from nest_eval.domains import comparisons
from nest_eval.reference.vocabulary import RPB_NAMES


def test_every_proportion_has_a_funnel_with_all_rpbs(demo_data):
    proportions = comparisons.proportions_by_rpb(demo_data, 2025)
    assert set(proportions["domain"]) == {"experiences", "access", "outcomes", "implementation"}
    table = comparisons.rpb_funnels(proportions)
    keys = ["indicator", "measure", "respondent", "item"]
    per_indicator = table.groupby(keys, dropna=False)["rpb"].apply(list)
    assert len(per_indicator) >= 12
    assert set(table["indicator"]) == {
        "share_agreeing",
        "share_within_28_days",
        "share_redirected",
        "share_reliable_improvement",
        "paired_data_rate",
        "share_cyp_voice",
        "share_family_voice",
    }
    for rpbs in per_indicator:
        assert set(rpbs) <= set(RPB_NAMES) and len(rpbs) >= 3
    assert set(table["flag"]) <= {"within", "above 95%", "above 99.8%", "below 95%", "below 99.8%"}


def test_only_an_rpb_outside_the_limits_is_flagged():
    na = pd.NA
    rows = [("access", "share_redirected", na, na, na, rpb, 50, 100) for rpb in RPB_NAMES[:6]]
    rows.append(("access", "share_redirected", na, na, na, RPB_NAMES[6], 95, 100))
    table = comparisons.rpb_funnels(pd.DataFrame(rows, columns=list(comparisons.FUNNEL_COLUMNS)))
    flagged = table.loc[table["flag"] != "within", ["rpb", "flag"]].values.tolist()
    assert flagged == [[RPB_NAMES[6], "above 99.8%"]]
    # no league table: rows stay in RPB order, whatever the proportions
    assert table["rpb"].tolist() == list(RPB_NAMES)
