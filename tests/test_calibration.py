"""Calibration of the per-RPB intervals against the demo generator's known effects."""

import pytest

from nest_eval.domains.calibration import coverage_for_seed, coverage_summary


def test_intervals_cover_the_truth_on_a_few_datasets():
    _, summary = coverage_summary(range(101, 104))
    # 3 datasets x 7 RPBs x 6 measures x 2 cohorts, less RPBs with too few paired children
    assert summary["intervals"] >= 200
    assert summary["coverage"] >= 0.85
    assert abs(summary["mean_bias"]) < 0.2


def test_a_wrong_truth_is_not_covered():
    table = coverage_for_seed(7)
    shifted = table["truth"] + 10 * (table["ci_high"] - table["ci_low"])
    assert not ((table["ci_low"] <= shifted) & (shifted <= table["ci_high"])).any()


@pytest.mark.slow
def test_coverage_over_100_simulated_datasets():
    _, summary = coverage_summary(range(100))
    print(summary)
    assert summary["datasets"] == 100
    assert summary["coverage"] >= 0.90
