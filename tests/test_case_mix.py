"""Case-mix models of outcomes per RPB: the published ANCOVA and the analysts' mixed model."""

import numpy as np
import pandas as pd
import pytest

from nest_eval.domains import case_mix as cm
from nest_eval.domains import outcomes as oc
from nest_eval.reference.vocabulary import RPB_NAMES, WALES

YEAR = 2025


@pytest.fixture(scope="module")
def episodes(demo_data):
    return oc.episodes(demo_data["outcomes"])


@pytest.fixture(scope="module")
def ancova(episodes):
    return {(f.measure, f.respondent): f for f in cm.adjusted_change(episodes, YEAR)}


def test_each_measure_is_modelled_with_the_rpbs_that_have_enough_paired_children(ancova, episodes):
    cohort = episodes[(episodes["cohort"] == YEAR) & episodes["paired"]]
    assert len(ancova) == 6
    for (measure, respondent), fit in ancova.items():
        pairs = cohort[(cohort["measure"] == measure) & (cohort["respondent"] == respondent)]
        counts = pairs.groupby("rpb").size()
        kept = [r for r in RPB_NAMES if counts.get(r, 0) >= cm.MIN_PAIRED_PER_RPB]
        table = fit.table.set_index("rpb")
        assert list(table.index) == [*kept, WALES]
        assert table["n_children_paired"].drop(index=WALES).tolist() == [counts[r] for r in kept]
        assert set(fit.excluded_rpbs) == set(counts.index) - set(kept)


def test_wales_is_the_mean_change_of_the_children_in_the_model(ancova, episodes):
    cohort = episodes[(episodes["cohort"] == YEAR) & episodes["paired"]]
    for (measure, respondent), fit in ancova.items():
        kept = fit.table["rpb"].drop(fit.table.index[-1])
        rows = cohort[
            (cohort["measure"] == measure)
            & (cohort["respondent"] == respondent)
            & cohort["rpb"].isin(kept)
        ]
        wales = fit.table.set_index("rpb").loc[WALES]
        assert wales["adjusted_change"] == pytest.approx(rows["change"].mean(), abs=1e-10)
        assert wales["ci_low"] < wales["adjusted_change"] < wales["ci_high"]


def test_an_rpb_whose_children_improve_more_at_follow_up_shows_it_by_that_much(episodes):
    gwent = ((episodes["rpb"] == "Gwent") & episodes["paired"]).to_numpy(dtype=float)
    better = episodes.assign(last_score=episodes["last_score"] + 2.0 * gwent)
    before = cm.adjusted_change(episodes, YEAR)
    after = cm.adjusted_change(better, YEAR)
    for b, a in zip(before, after, strict=True):
        shift = (
            a.table.set_index("rpb")["adjusted_change"]
            - b.table.set_index("rpb")["adjusted_change"]
        )
        if "Gwent" not in shift.index:
            continue
        assert shift["Gwent"] == pytest.approx(2.0, abs=1e-9)
        others = shift.drop(index=["Gwent", WALES])
        assert np.allclose(others, 0.0, atol=1e-9)


def _cohort_models(table):
    return [
        {(f.measure, f.respondent): f for f in cm.adjusted_change(table, year)}
        for year in (YEAR, YEAR - 1)
    ]


def test_two_cohorts_compare_in_one_model_at_the_reporting_cohorts_case_mix(episodes):
    now, then = _cohort_models(episodes)
    for key, fit in now.items():
        compared = cm.compare_cohorts(fit, then[key]).set_index("rpb")
        assert np.allclose(compared["change"], compared["current"] - compared["baseline"])
        both = [r for r in fit.model.sizes.index if r in then[key].model.sizes.index]
        assert [r for r in compared.index if r != WALES] == both
        assert compared.loc[both, "n"].tolist() == fit.model.sizes[both].tolist()
        if WALES in compared.index:  # at its own case mix, Wales is the mean change of its children
            own = fit.table.set_index("rpb").loc[WALES, "adjusted_change"]
            assert compared.loc[WALES, "current"] == pytest.approx(own, abs=1e-10)
            assert compared.loc[WALES, "n_baseline"] == then[key].model.sizes.sum()


def test_a_cohort_that_improves_more_in_one_rpb_moves_that_rpbs_change_only(episodes):
    """Adding 2 to the last score of Gwent's reporting cohort moves only Gwent's intercept of
    that cohort in the joint model: its change moves by 2, every other RPB's not at all."""
    gwent = (episodes["rpb"] == "Gwent") & (episodes["cohort"] == YEAR) & episodes["paired"]
    moved = episodes.assign(last_score=episodes["last_score"] + 2.0 * gwent.to_numpy(dtype=float))
    (now, then), (now2, then2) = _cohort_models(episodes), _cohort_models(moved)
    for key in now:
        before = cm.compare_cohorts(now[key], then[key]).set_index("rpb")["change"]
        after = cm.compare_cohorts(now2[key], then2[key]).set_index("rpb")["change"]
        shift = (after - before).drop(index=WALES, errors="ignore")
        if "Gwent" in shift.index:
            assert shift["Gwent"] == pytest.approx(2.0, abs=1e-9)
        assert np.allclose(shift.drop(index="Gwent", errors="ignore"), 0.0, atol=1e-9)


def test_a_covariate_aliased_in_a_model_is_dropped_as_lm_and_lme4_do(demo_data, episodes):
    """Where the "other" sex and WIMD quintile 5 are the same children, the quintile-5 column is
    a copy of the sex column: each model is the one without it, as if those children's quintile
    were the reference level (the same design, that column never made)."""
    outcomes = demo_data["outcomes"]
    fifth = episodes["wimd_quintile"] == 5
    aliased = episodes.assign(sex=np.where(fifth, "other", episodes["sex"]))
    aliased.loc[(aliased["sex"] == "other") & (aliased["wimd_quintile"] != 5), "sex"] = "female"
    without = aliased.assign(wimd_quintile=aliased["wimd_quintile"].replace(5, 1))
    for fitter in (
        lambda table: cm.adjusted_change(table, YEAR),
        lambda table: cm.change_per_year(outcomes, table, YEAR),
    ):
        dropped, reference = fitter(aliased), fitter(without)
        assert [f.measure for f in dropped] == [f.measure for f in reference] != []
        for fit, expected in zip(dropped, reference, strict=True):
            pd.testing.assert_frame_equal(fit.table, expected.table)


def _anticorrelated(n_children=40):
    """Two assessments per child whose first and last scores move in opposite directions: the
    REML estimate of the between-child variance is 0 (a singular fit)."""
    rng = np.random.default_rng(5)
    rows = []
    for i in range(n_children):
        e = rng.normal(0, 2)
        for date, sign in (("2025-01-15", 1), ("2025-05-15", -1)):
            rows.append(
                (f"P{i:03d}", RPB_NAMES[i % 2], "SDQ_TOTAL", "parent", pd.Timestamp(date),
                 15.0 + sign * e, 10.0 + i % 5, ["female", "male"][i % 3 == 0], 1 + i % 5)
            )  # fmt: skip
    columns = ["person_id", "rpb", "measure", "respondent", "date", "score", "age", "sex",
               "wimd_quintile"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def test_a_singular_mixed_model_is_flagged_not_reported_as_a_plain_convergence():
    outcomes = _anticorrelated()
    (fit,) = cm.change_per_year(outcomes, oc.episodes(outcomes), YEAR)
    assert fit.sigma2_child == 0.0 and fit.singular and fit.converged


def test_a_mixed_model_with_a_child_effect_is_not_singular(demo_data, episodes):
    fits = cm.change_per_year(demo_data["outcomes"], episodes, YEAR)
    assert fits and not any(f.singular for f in fits)
    assert all(f.sigma2_child > 0 for f in fits)


def test_the_mixed_models_slopes_are_at_the_wales_average_case_mix(demo_data, episodes):
    """The covariates' interactions with time are centred at the children's means, so each
    RPB's slope is the change per year of the average child: ages all 5 years older leave the
    slopes as they were (uncentred, the slopes would be those of a child aged 0 and move)."""
    outcomes = demo_data["outcomes"]
    fits = cm.change_per_year(outcomes, episodes, YEAR)
    older = cm.change_per_year(outcomes, episodes.assign(age0=episodes["age0"] + 5.0), YEAR)
    for fit, moved in zip(fits, older, strict=True):
        pd.testing.assert_frame_equal(fit.table, moved.table, rtol=1e-7)
