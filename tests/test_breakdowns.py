"""Breakdowns that serve equity: each domain's indicators by age band, sex, deprivation, ...

Values are checked against hand computations on small frames: counts and shares by counting,
means by adding; the 95% intervals against published worked examples (Wilson intervals of
Newcombe 1998, Table I, method 3) and Student's t quantile (R: ``qt(0.975, 2)``). Disclosure
control is checked on small publications: a small group is suppressed even for Wales, and with
it enough of its neighbours that the total gives nothing away; a breakdown that cannot be
protected without the total is withheld, and the tables are decided exactly as without it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from nest_eval.config import Disclosure, RunConfig
from nest_eval.domains import access as _access
from nest_eval.domains.breakdowns import BREAKDOWN_COLUMNS, breakdown, group_keys, year_breakdowns
from nest_eval.domains.experiences import with_period
from nest_eval.domains.intermediates import year_intermediates
from nest_eval.domains.outcomes import indicator_records
from nest_eval.reference.breakdowns import AGE_BANDS, DIMENSIONS, DOMAIN_DIMENSIONS, age_band
from nest_eval.reference.contract import EXPERIENCE_ITEMS
from nest_eval.reference.vocabulary import WALES
from nest_eval.reporting.disclosure.protect import decide
from nest_eval.reporting.disclosure.sources import map_tables, stated_floors
from nest_eval.reporting.disclosure.stages import decide_in_stages

T_975_2 = 4.3026527297494619  # R 4.x: print(qt(0.975, 2), digits = 17)

# Newcombe RG (1998). Two-sided confidence intervals for the single proportion: comparison of
# seven methods. Stat Med 17:857-872, Table I, method 3 (Wilson score, no continuity correction)
NEWCOMBE_1_OF_29 = (0.0061, 0.1718)
NEWCOMBE_0_OF_20 = (0.0, 0.1611)


# --- the age bands and the groups ------------------------------------------------------------


def test_the_age_bands_cover_0_to_25_once_with_16_17_and_18_25_apart():
    assert [(b.lowest, b.highest) for b in AGE_BANDS][-2:] == [(16, 17), (18, 25)]
    covered = [age for b in AGE_BANDS for age in range(b.lowest, b.highest + 1)]
    assert covered == list(range(26))
    assert (age_band(15.99), age_band(16), age_band(17.9), age_band(18)) == (
        "age_11_15",
        "age_16_17",
        "age_16_17",
        "age_18_25",
    )


def test_every_domain_is_broken_down_by_what_its_data_holds():
    assert [d.key for d in DOMAIN_DIMENSIONS["outcomes"]] == ["age_band", "sex", "wimd_quintile"]
    assert [d.key for d in DOMAIN_DIMENSIONS["experiences"]] == ["language"]
    assert [d.key for d in DOMAIN_DIMENSIONS["access"]] == ["age_band", "route", "service"]


def test_free_text_groups_ignore_case_and_spacing_and_pool_rare_values():
    routes = pd.Series(["GP", "gp ", "Gp", "school", "School", "Dr  Jones", None, "other", ""])
    groups, order = group_keys(routes, DIMENSIONS["route"], threshold=2)
    # GP 3 (named by its most frequent spelling, the first in sort order among equals),
    # school 2, "Dr Jones" 1 and "other" 1 pooled as other; blanks not recorded
    assert groups.tolist() == ["GP", "GP", "GP", "School", "School", "other", "not_recorded",
                               "other", "not_recorded"]  # fmt: skip
    assert order == ("GP", "School", "other", "not_recorded")


def test_free_text_groups_count_only_the_rows_counted():
    routes = pd.Series(["gp", "gp", "school", "school"])
    counted = pd.Series([True, True, True, False])
    groups, order = group_keys(routes, DIMENSIONS["route"], threshold=2, counted=counted)
    assert groups.tolist() == ["gp", "gp", "other", "other"]
    assert order == ("gp", "other", "not_recorded")


def test_a_value_outside_a_dimension_is_an_error_not_a_group():
    with pytest.raises(ValueError, match="wimd_quintile"):
        group_keys(pd.Series([1, 6]), DIMENSIONS["wimd_quintile"], threshold=10)


# --- values against hand computations ----------------------------------------------------------


def _episode(person, age, sex, wimd, change, category, rpb="Powys"):
    paired = change is not None
    return {
        "person_id": person, "measure": "YP_CORE", "respondent": "self", "rpb": rpb,
        "paired": paired, "change": change if paired else np.nan,
        "category": category if paired else "unpaired", "age": age, "sex": sex,
        "wimd_quintile": wimd,
    }  # fmt: skip


EPISODES = pd.DataFrame(
    [
        _episode("a", 16.2, "female", 1, 2.0, "reliable_improvement"),
        _episode("b", 17.9, "male", 1, 4.0, "no_reliable_change"),
        _episode("c", 16.0, "female", 2, 6.0, "reliable_deterioration"),
        _episode("d", 19.0, "female", 2, -1.0, "reliable_improvement", rpb="Gwent"),
        _episode("e", 24.5, None, None, 3.0, "not_assessable", rpb="Gwent"),
        _episode("f", 16.5, "male", 1, None, None),  # unpaired: counted nowhere
        _episode("g", None, "other", 5, 0.0, "no_reliable_change"),
    ]
)


def _outcomes(group: pd.DataFrame, scope: pd.DataFrame) -> list[dict]:
    return indicator_records(group, [("YP_CORE", "self")])


def test_outcomes_by_age_band_are_the_groups_own_means_and_shares():
    table = breakdown(EPISODES, DIMENSIONS["age_band"], _outcomes, threshold=10)
    assert list(table.columns) == list(BREAKDOWN_COLUMNS)
    rows = table.set_index(["group", "indicator"])
    mean = rows.loc[("age_16_17", "mean_change")]
    # the pairs aged 16-17: changes 2, 4, 6 (the unpaired child is not a pair)
    assert (mean["n"], mean["value"]) == (3, 4.0)
    half = T_975_2 * 2.0 / math.sqrt(3)  # SD of 2, 4, 6 is 2
    assert (mean["ci_low"], mean["ci_high"]) == pytest.approx((4.0 - half, 4.0 + half), abs=1e-12)
    share = rows.loc[("age_16_17", "share_reliable_improvement")]
    assert (share["n"], share["count"], share["value"]) == (3, 1, pytest.approx(1 / 3))
    older = rows.loc[("age_18_25", "share_reliable_improvement")]  # one not assessable
    assert (older["n"], older["count"]) == (1, 1)
    assert rows.loc[("age_18_25", "mean_change")]["n"] == 2
    assert rows.loc[("not_recorded", "mean_change")]["n"] == 1
    assert rows.loc[("age_0_4", "mean_change")]["n"] == 0  # every band is listed
    assert math.isnan(rows.loc[("age_0_4", "mean_change")]["value"])
    assert table.loc[table["indicator"] == "mean_change", "n"].sum() == 6  # all the pairs


def test_outcomes_by_sex_and_deprivation_add_up_and_keep_their_groups_in_order():
    for key, expected in (
        ("sex", ["female", "male", "other", "unknown", "not_recorded"]),
        ("wimd_quintile", ["1", "2", "3", "4", "5", "not_recorded"]),
    ):
        table = breakdown(EPISODES, DIMENSIONS[key], _outcomes, threshold=10)
        pairs = table[table["indicator"] == "mean_change"].set_index("group")["n"]
        assert list(pairs.index) == expected
        assert pairs.sum() == 6
    sex = breakdown(EPISODES, DIMENSIONS["sex"], _outcomes, threshold=10)
    female = sex[(sex["group"] == "female") & (sex["indicator"] == "mean_change")].iloc[0]
    assert (female["n"], female["value"]) == (3, pytest.approx((2.0 + 6.0 - 1.0) / 3))


def test_a_breakdown_of_an_rpb_uses_its_rows_only():
    table = breakdown(EPISODES, DIMENSIONS["age_band"], _outcomes, threshold=10,
                      areas=("Gwent", WALES))  # fmt: skip
    gwent = table[(table["rpb"] == "Gwent") & (table["indicator"] == "mean_change")]
    assert gwent.set_index("group")["n"].to_dict() == {
        "age_0_4": 0, "age_5_10": 0, "age_11_15": 0, "age_16_17": 0, "age_18_25": 2,
        "not_recorded": 0,
    }  # fmt: skip


def _responses(languages_and_answers: list[tuple[str | None, float | None]]) -> pd.DataFrame:
    rows = [
        {"rpb": "Powys", "date": pd.Timestamp("2025-03-01"), "respondent_type": "child",
         "language": language, **dict.fromkeys(EXPERIENCE_ITEMS, np.nan), "safe": answer,
         "nurturing": 4.0}
        for language, answer in languages_and_answers
    ]  # fmt: skip
    return with_period(pd.DataFrame(rows))


def _experiences(group: pd.DataFrame, scope: pd.DataFrame) -> list[dict]:
    from nest_eval.domains.experiences import indicator_records as records

    return records(group)


def test_experiences_by_language_match_newcombes_worked_wilson_intervals():
    welsh = [("cy", 5.0)] + [("cy", 2.0)] * 28  # 1 of 29 agreeing
    english = [("en", 3.0)] * 20  # 0 of 20
    frame = _responses([*welsh, *english, (None, 4.0), ("en", None)])
    table = breakdown(frame, DIMENSIONS["language"], _experiences, threshold=10)
    safe = table[table["item"] == "safe"].set_index("group")
    assert safe.loc["cy", ["n", "count"]].tolist() == [29, 1]
    assert (safe.loc["cy", "ci_low"], safe.loc["cy", "ci_high"]) == pytest.approx(
        NEWCOMBE_1_OF_29, abs=5e-5
    )
    assert safe.loc["en", ["n", "count", "value"]].tolist() == [20, 0, 0.0]
    assert (safe.loc["en", "ci_low"], safe.loc["en", "ci_high"]) == pytest.approx(
        NEWCOMBE_0_OF_20, abs=5e-5
    )
    assert safe.loc["not_recorded", ["n", "count"]].tolist() == [1, 1]
    index = table[table["indicator"] == "experience_index"].set_index("group")["n"]
    assert index.to_dict() == {"en": 21, "cy": 29, "not_recorded": 1}  # every response: nurturing


def test_access_by_route_counts_the_years_requests_at_the_census_date():
    received = pd.to_datetime(["2025-01-10", "2025-02-01", "2025-03-01", "2025-04-01",
                               "2024-06-01", "2025-05-01"])  # fmt: skip
    supported = pd.to_datetime(["2025-01-20", "2025-04-01", None, "2025-04-15", None,
                                "2025-05-02"])  # fmt: skip
    requests = pd.DataFrame(
        {
            "request_id": list("abcdef"),
            "rpb": "Powys",
            "received_date": received,
            "first_support_date": supported,
            "redirections": [0, 2, 1, 0, 0, 0],
            "outcome": ["supported", "supported", "waiting", "supported", "waiting", "supported"],
            "route": ["gp", "GP", "gp", "school", "gp", "school"],
            "service": "CAMHS",
            "age": [4, 5, 16, 17, 16, 20],
        }
    )
    census = pd.Timestamp("2025-12-31")
    in_year = requests.loc[requests["received_date"].dt.year == 2025]  # e (2024) is not counted

    def summarise(group, scope):
        return _access.indicator_records(group, census)

    table = breakdown(in_year, DIMENSIONS["route"], summarise, threshold=2)
    gp = table[table["group"] == "gp"].set_index("indicator")
    # the year's gp requests: a (10 days), b (59 days), c (still waiting: 305 days censored)
    assert gp.loc["share_within_28_days", ["n", "count"]].tolist() == [3, 1]
    # Kaplan-Meier: S(10) = 2/3, S(59) = 1/3, so the median wait is 59 days
    assert gp.loc["median_wait_days", ["n", "count", "value"]].tolist() == [3, 1, 59]
    assert gp.loc["share_redirected", ["n", "count"]].tolist() == [3, 2]
    assert gp.loc["mean_redirections", "value"] == pytest.approx(1.0)
    # still waiting at the census date: c only, of gp's 3 requests of the year
    assert gp.loc["still_waiting_at_year_end", ["n", "count", "value"]].tolist() == [3, 1, 1]
    school = table[table["group"] == "school"].set_index("indicator")
    assert school.loc["share_within_28_days", ["n", "count"]].tolist() == [2, 2]
    # at an earlier census date b is still waiting, and only a's 28-day window has closed
    early = pd.Timestamp("2025-02-15")
    by_then = in_year.loc[in_year["received_date"] <= early]
    found = {r["indicator"]: r for r in _access.indicator_records(by_then, early)}
    assert [found["share_within_28_days"][k] for k in ("n", "count")] == [1, 1]
    assert [found["still_waiting_at_year_end"][k] for k in ("n", "count")] == [2, 1]


def test_the_demo_years_breakdowns_add_up_to_the_domains_tables(demo_data):
    config = RunConfig(year=2025)
    shared = year_intermediates(demo_data, 2025, fit_models=False, cohorts=[2025])
    table = year_breakdowns(demo_data, shared, config.disclosure.threshold)
    assert set(table["rpb"]) == {WALES}
    summary = shared.outcomes.summaries[2025].set_index(["rpb", "measure", "respondent"])
    means = table[table["indicator"] == "mean_change"]
    for (measure, respondent, _dimension), rows in means.groupby(
        ["measure", "respondent", "dimension"]
    ):
        assert rows["n"].sum() == summary.loc[(WALES, measure, respondent), "n_pairs"]
    agreement = _access_and_agreement_totals(demo_data, shared)
    for (indicator, item, _dimension), rows in table[table["domain"] != "outcomes"].groupby(
        ["indicator", "item", "dimension"], dropna=False
    ):
        assert rows["n"].sum() == agreement[(indicator, item if isinstance(item, str) else "")]


def _access_and_agreement_totals(data, shared) -> dict:
    from nest_eval.domains.experiences import agreement

    rows = agreement(data["experiences"], 2025, by_respondent=False)
    found = {
        (r.indicator, r.item if isinstance(r.item, str) else ""): r.n
        for r in rows[rows["rpb"] == WALES].itertuples()
    }
    access = _access.access_indicators(data["access"], 2025)
    found |= {(r.indicator, ""): r.n for r in access[access["rpb"] == WALES].itertuples()}
    return found


# --- disclosure control ------------------------------------------------------------------------


def _agreement(answers: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """An experiences table of one item: answers and agreeing per RPB, and Wales (their sum,
    unless given)."""
    rows = [("safe", rpb, n, agree) for rpb, (n, agree) in answers.items() if rpb != WALES]
    rpbs = [v for rpb, v in answers.items() if rpb != WALES]
    wales = answers.get(WALES, (sum(n for n, _ in rpbs), sum(a for _, a in rpbs)))
    rows.append(("safe", WALES, *wales))
    return pd.DataFrame(
        [
            {"rpb": rpb, "respondent_type": "all", "indicator": "share_agreeing", "item": item,
             "n": n, "n_agree": agree, "estimate": agree / n, "ci_low": 0.1, "ci_high": 0.9}
            for item, rpb, n, agree in rows
        ]
    )  # fmt: skip


def _by_language(groups: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Wales's answers and agreeing to the item by language."""
    return pd.DataFrame(
        [
            {"rpb": WALES, "domain": "experiences", "indicator": "share_agreeing",
             "measure": pd.NA, "respondent": pd.NA, "item": "safe", "dimension": "language",
             "group": group, "n": n, "count": agree, "value": agree / n if n else np.nan,
             "ci_low": np.nan, "ci_high": np.nan}
            for group, (n, agree) in groups.items()
        ]
    )  # fmt: skip


def _cells_of(agreement: pd.DataFrame, settings: Disclosure):
    def cells_of(rows: pd.DataFrame | None):
        tables = {"agreement": agreement} if rows is None else {"agreement": agreement,
                                                                 "breakdowns": rows}  # fmt: skip
        cells, maps = map_tables(tables, 2025)
        stated_floors(maps, cells, settings.threshold)
        cells.check_relations()
        return cells, maps

    return cells_of


AGREEMENT = _agreement({"Powys": (60, 30), "Gwent": (70, 40), "Cardiff and Vale": (50, 20)})


def test_a_small_group_of_wales_is_suppressed_with_enough_beside_it_to_protect_it():
    settings = Disclosure()
    groups = _by_language({"en": (150, 84), "cy": (27, 6), "not_recorded": (3, 0)})
    staged = decide_in_stages(_cells_of(AGREEMENT, settings), groups, settings)
    key = lambda q, g: (q, 2025, WALES, "all", "safe", "language", g)  # noqa: E731
    decision = staged.decision
    assert key("answers", "not_recorded") in decision.primary  # 3 answers, even for Wales
    assert key("agree", "cy") in decision.primary  # 6 agreeing
    # the total of 180 answers would give the 3 away: another group is suppressed with it
    hidden = {g for g in ("en", "cy", "not_recorded") if key("answers", g) in decision.suppressed}
    assert len(hidden) >= 2
    assert all(interval.whole_numbers >= 5 for interval in decision.intervals.values())
    assert staged.withheld == 0
    # the tables are decided as without the breakdown: the Wales total stays published
    alone = decide(_cells_of(AGREEMENT, settings)(None)[0], settings)
    assert decision.suppressed - staged.cells.parts == alone.suppressed
    assert ("answers", 2025, WALES, "all", "safe") not in decision.suppressed


def test_a_breakdown_the_total_would_give_away_is_withheld_not_the_total():
    settings = Disclosure()
    agreement = _agreement({WALES: (180, 3)})  # a table of Wales only
    groups = _by_language({"en": (150, 1), "cy": (27, 2), "not_recorded": (3, 0)})
    staged = decide_in_stages(_cells_of(agreement, settings), groups, settings)
    # 3 agreeing in Wales, 1 and 2 by language: suppressed, each could only be 1 or 2, so the
    # breakdown of agreeing (its rows) is withheld; the Wales 3 stays as the tables have it
    assert staged.withheld == 3 and staged.breakdowns.empty
    assert staged.decision.suppressed == frozenset()
    larger = _by_language({"en": (150, 1), "cy": (27, 2), "not_recorded": (3, 0)})
    larger = decide_in_stages(
        _cells_of(_agreement({WALES: (180, 9)}), settings), larger.assign(count=[7, 2, 0]), settings
    )  # 9 split 7 and 2: both suppressed, each can be 1 to 8
    assert larger.withheld == 0
    assert all(i.whole_numbers >= 5 for i in larger.decision.intervals.values())
