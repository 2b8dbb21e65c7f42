"""Calibration of the per-RPB intervals against the demo generator's known effects."""

from dataclasses import replace

import pytest

from nest_eval.domains import case_mix, outcomes
from nest_eval.domains.calibration import (
    adjusted_change_truth,
    coverage_for_seed,
    coverage_summary,
)
from nest_eval.reference.vocabulary import WALES


def test_intervals_cover_the_truth_on_a_few_datasets():
    _, summary = coverage_summary(range(101, 104))
    ancova, mixed = summary["adjusted_change"], summary["change_per_year"]
    # 3 datasets x 7 RPBs x 6 measures x 2 cohorts, less RPBs with too few paired children
    assert ancova["intervals"] >= 200 and mixed["intervals"] >= 200
    assert ancova["wales_intervals"] == 3 * 6 * 2
    assert ancova["coverage"] >= 0.85 and mixed["coverage"] >= 0.85
    assert abs(ancova["mean_bias"]) < 0.1 and abs(mixed["mean_bias"]) < 0.2


def test_a_wrong_truth_is_not_covered():
    table = coverage_for_seed(7)
    shifted = table["truth"] + 10 * (table["ci_high"] - table["ci_low"])
    assert not ((table["ci_low"] <= shifted) & (shifted <= table["ci_high"])).any()


def test_the_adjusted_changes_truth_is_theta_times_the_interval_without_regression_to_the_mean(
    demo_data,
):
    """With baselines exactly at the children's expected scores, the truth is theta times the
    mean interval; moving every baseline up by d moves it by -(1 - beta) d."""
    (fit, *_) = case_mix.adjusted_change(outcomes.episodes(demo_data["outcomes"]), 2025)
    measure = {"mu": 10.0, "b_age": 0.0, "b_male": 0.0, "b_wimd": 0.0, "sd_u": 3.0,
               "sd_e": 4.0, "decimals": 6}  # fmt: skip
    theta = dict.fromkeys(fit.model.sizes.index, 2.0)
    at_mean = fit.data.assign(baseline=10.0)
    level = adjusted_change_truth(replace(fit, data=at_mean), theta, measure)
    interval = at_mean["interval"].mean()
    assert level.to_numpy() == pytest.approx(2.0 * interval)
    raised = adjusted_change_truth(replace(fit, data=at_mean.assign(baseline=11.0)), theta, measure)
    beta = 9.0 / (9.0 + 16.0 + 1e-12 / 12)
    assert (raised - level).to_numpy() == pytest.approx(-(1 - beta) * 1.0)
    assert list(level.index)[-1] == WALES


@pytest.mark.slow
def test_coverage_over_100_simulated_datasets():
    _, summary = coverage_summary(range(100))
    print(summary)
    assert summary["datasets"] == 100
    assert 0.93 <= summary["adjusted_change"]["coverage"] <= 0.97
    assert summary["change_per_year"]["coverage"] >= 0.90
