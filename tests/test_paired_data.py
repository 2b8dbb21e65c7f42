"""The paired data rate (CORC's first data-quality figure) per RPB, and its funnel flag.

Worked examples: children counted by hand, and the exact binomial tail probability of an RPB's
count against the Wales rate from R (``pbinom(40, 100, 4/7)`` = 0.000414940499828453, R 4.x),
which a flag of "below 99.8%" needs below 0.001.
"""

from __future__ import annotations

import pandas as pd
import pytest

from nest_eval.domains.comparisons import proportions_by_rpb, rpb_funnels
from nest_eval.domains.outcomes import episodes, paired_data
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.reporting.disclosure.sources import map_tables

PBINOM_40_100_4_7 = 0.000414940499828453  # R: print(pbinom(40, 100, 4/7), digits = 15)


def _assessments(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Outcome rows (person, RPB, measure, date) with a score and the self respondent."""
    frame = pd.DataFrame(rows, columns=["person_id", "rpb", "measure", "date"])
    return frame.assign(date=pd.to_datetime(frame["date"]), score=3.0, respondent="self")


def test_the_rate_counts_children_not_episodes_in_the_rpb_of_their_first_assessment():
    outcomes = _assessments(
        [
            # a: two measures, followed up on one: one child, followed up
            ("a", "Powys", "GBO", "2025-02-01"),
            ("a", "Powys", "GBO", "2025-05-01"),
            ("a", "Powys", "SWEMWBS", "2025-02-01"),
            # b: one assessment only
            ("b", "Powys", "GBO", "2025-03-01"),
            # c: first seen in Gwent, followed up in Powys on another measure: Gwent's child
            ("c", "Gwent", "GBO", "2025-01-10"),
            ("c", "Powys", "SWEMWBS", "2025-04-01"),
            ("c", "Powys", "SWEMWBS", "2025-07-01"),
            # d: first assessed in 2024: not of the 2025 cohort
            ("d", "Powys", "GBO", "2024-11-01"),
            ("d", "Powys", "GBO", "2025-02-01"),
        ]
    )
    table = episodes(outcomes)
    rate = paired_data(table[table["cohort"] == 2025]).set_index("rpb")
    assert rate.loc["Powys", ["n", "count"]].tolist() == [2, 1]  # a (followed), b
    assert rate.loc["Gwent", ["n", "count"]].tolist() == [1, 1]  # c
    assert rate.loc[WALES, ["n", "count"]].tolist() == [3, 2]
    assert rate.loc[WALES, "estimate"] == pytest.approx(2 / 3)
    assert list(rate.index) == ["Gwent", "Powys", WALES]  # RPBs with children only, in order
    assert set(rate["indicator"]) == {"paired_data_rate"}


def _cohort(followed: dict[str, int], children: int = 100) -> pd.DataFrame:
    """Each RPB's children assessed once on GBO in 2025, some of them again."""
    rows = []
    for rpb, n_followed in followed.items():
        for i in range(children):
            person = f"{rpb}-{i}"
            rows.append((person, rpb, "GBO", "2025-03-01"))
            if i < n_followed:
                rows.append((person, rpb, "GBO", "2025-06-01"))
    return _assessments(rows)


def test_an_rpb_following_up_far_fewer_children_is_flagged_by_its_exact_probability():
    followed = dict.fromkeys(RPB_NAMES, 60) | {"West Wales": 40}  # Wales: 400 of 700
    proportions = proportions_by_rpb({"outcomes": _cohort(followed)}, 2025)
    rows = proportions[proportions["indicator"] == "paired_data_rate"]
    assert rows.set_index("rpb")[["x", "n"]].loc["West Wales"].tolist() == [40, 100]
    funnel = rpb_funnels(rows).set_index("rpb")
    assert funnel["target"].iloc[0] == pytest.approx(4 / 7)
    west = funnel.loc["West Wales"]
    assert west["p_exact"] == pytest.approx(PBINOM_40_100_4_7, rel=1e-9)
    assert west["flag"] == "below 99.8%"  # 0.00041 < 0.001
    assert (funnel.drop(index="West Wales")["flag"] == "within").all()  # P(X >= 60) = 0.32


def test_the_rates_counts_are_controlled_with_what_readers_know_of_the_pairs():
    paired = pd.DataFrame(
        [
            ("Powys", "paired_data_rate", 0.7, 0.6, 0.8, 40, 28),
            ("Gwent", "paired_data_rate", 0.5, 0.4, 0.6, 30, 15),
            (WALES, "paired_data_rate", 43 / 70, 0.5, 0.7, 70, 43),
        ],
        columns=["rpb", "indicator", "estimate", "ci_low", "ci_high", "n", "count"],
    )
    change = pd.DataFrame(
        [
            # Powys: GBO 25 pairs of 30 episodes, SDQ 10 of 20; Gwent: GBO 15 of 30
            ("Powys", "GBO", 25, 5, 5, 15, 5, 1),
            ("Powys", "SDQ_TOTAL", 10, 10, 2, 6, 2, 0),
            ("Gwent", "GBO", 15, 15, 3, 9, 3, 1),
        ],
        columns=["rpb", "measure", "n_pairs", "n_unpaired", "reliable_improvement",
                 "no_reliable_change", "reliable_deterioration", "reliable_recovery"],
    ).assign(respondent="self", n_not_assessable=0)  # fmt: skip
    cells, maps = map_tables({"outcomes_change": change, "paired_data": paired}, 2025)
    assert maps["paired_data"].counts[(0, "count")] == ("followed_up", 2025, "Powys")
    assert cells.values[("children", 2025, WALES)] == 70
    known = {(r.what, r.cells) for r in cells.relations}
    followed, children = ("followed_up", 2025, "Powys"), ("children", 2025, "Powys")
    gbo = ("pairs", 2025, "Powys", "GBO", "self")
    sdq = ("pairs", 2025, "Powys", "SDQ_TOTAL", "self")
    assert ("followed up within children", (followed, children)) in known
    assert ("pairs within followed up", (gbo, followed)) in known  # 25 <= 28
    assert ("followed up within pairs", (followed, gbo, sdq)) in known  # 28 <= 35
    assert any(w == "children within episodes" and c[0] == children for w, c in known)  # 40 <= 50
    # Gwent: 30 children, 30 episodes; 15 followed up, 15 pairs: all hold, with equality
    assert all(r.holds(cells.values) for r in cells.relations)
