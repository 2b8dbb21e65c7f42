"""Tests for nest_eval.stats.intervals against committed R reference values (R is not needed here).

tests/results/intervals_reference.R reads tests/results/intervals_samples.csv and writes
tests/results/intervals_reference.csv (every number as sprintf("%.17g")); the R version and the
metafor version it used are recorded in the file's "meta" rows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from nest_eval.stats.intervals import (
    Estimate,
    Interval,
    mean_difference_interval,
    mean_interval,
    proportion_difference_interval,
    quantile_interval,
    quantile_order_statistics,
    standardised_mean_change,
    standardised_mean_change_summary,
    wilson_interval,
)

RESULTS = Path(__file__).parent / "results"

# Closed-form statistics are compared with R to 1e-8 (absolute); they agree far more closely.
TOL = 1e-8


def _load_reference() -> dict[str, dict[str, dict[str, str]]]:
    table = pd.read_csv(RESULTS / "intervals_reference.csv", dtype=str, keep_default_na=False)
    sections: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for section, case, field, value in table.itertuples(index=False):
        sections[section][case][field] = value
    return sections


REFERENCE = _load_reference()
SAMPLES = {
    name: group.sort_values("index")["value"].to_numpy(dtype=float)
    for name, group in pd.read_csv(RESULTS / "intervals_samples.csv").groupby("sample")
}


def cases(section: str) -> list[dict[str, str]]:
    return list(REFERENCE[section].values())


def num(case: dict[str, str], field: str) -> float:
    return float(case[field])  # R writes Inf, -Inf and NaN, which float() reads


def test_reference_records_its_r_and_metafor_versions():
    assert REFERENCE["meta"]["R"]["version"].startswith("R version ")
    assert REFERENCE["meta"]["metafor"]["version"][0].isdigit()
    assert len(cases("wilson")) > 100


# --- Wilson ------------------------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [0.95, 0.90, 0.99])
def test_wilson_matches_r_prop_test(confidence):
    rows = [c for c in cases("wilson") if num(c, "conf") == confidence]
    x = np.array([num(c, "x") for c in rows])
    n = np.array([num(c, "n") for c in rows])
    low, high = wilson_interval(x, n, confidence)
    np.testing.assert_allclose(low, [num(c, "low") for c in rows], rtol=0, atol=TOL)
    np.testing.assert_allclose(high, [num(c, "high") for c in rows], rtol=0, atol=TOL)


def test_wilson_boundaries_and_empty_denominator():
    assert wilson_interval(0, 7) == Interval(0.0, pytest.approx(0.3543, abs=1e-4))
    assert wilson_interval(7, 7).high == 1.0
    low, high = wilson_interval(0, 0)
    assert math.isnan(low) and math.isnan(high)
    low, high = wilson_interval(np.array([0, 1]), np.array([0, 2]))
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert not np.isnan(low[1])


def test_wilson_shapes_scalars_arrays_and_series():
    low, high = wilson_interval(3, 10)
    assert isinstance(low, float) and isinstance(high, float)
    grid_low, _ = wilson_interval(np.array([[1, 2], [3, 4]]), 10)
    assert grid_low.shape == (2, 2)
    assert grid_low[1, 0] == pytest.approx(low, abs=1e-15)
    series = pd.Series([3, 5, np.nan], index=["Cwm Taf", "Gwent", "Powys"])
    s_low, s_high = wilson_interval(series, pd.Series([10, 10, 10], index=series.index))
    assert isinstance(s_low, pd.Series) and list(s_low.index) == list(series.index)
    assert s_low["Cwm Taf"] == pytest.approx(low, abs=1e-15)
    assert np.isnan(s_high["Powys"])


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        wilson_interval(-1, 10)
    with pytest.raises(ValueError):
        wilson_interval(1, 10, confidence=95)
    with pytest.raises(ValueError):
        wilson_interval(pd.Series([1], index=["a"]), pd.Series([2], index=["b"]))


# --- Newcombe method 10 ------------------------------------------------------------------------

# Newcombe (1998b), Table II, method 10 (score interval without continuity correction), to the
# 4 decimals printed there: contrasts (a) to (h) as (x1, n1, x0, n0): (low, high).
NEWCOMBE_TABLE_II_METHOD_10 = {
    (56, 70, 48, 80): (0.0524, 0.3339),
    (9, 10, 3, 10): (0.1705, 0.8090),
    (6, 7, 2, 7): (0.0582, 0.8062),
    (5, 56, 0, 29): (-0.0381, 0.1926),
    (0, 10, 0, 20): (-0.1611, 0.2775),
    (0, 10, 0, 10): (-0.2775, 0.2775),
    (10, 10, 0, 20): (0.6791, 1.0000),
    (10, 10, 0, 10): (0.6075, 1.0000),
}


@pytest.mark.parametrize(("counts", "published"), NEWCOMBE_TABLE_II_METHOD_10.items())
def test_newcombe_table_ii_published_examples(counts, published):
    diff, low, high = proportion_difference_interval(*counts)
    assert diff == pytest.approx(counts[0] / counts[1] - counts[2] / counts[3], abs=1e-15)
    assert round(low, 4) == pytest.approx(published[0], abs=1e-12)
    assert round(high, 4) == pytest.approx(published[1], abs=1e-12)


@pytest.mark.parametrize("confidence", [0.95, 0.90])
def test_newcombe_matches_r(confidence):
    rows = [c for c in cases("newcombe") if num(c, "conf") == confidence]
    args = [np.array([num(c, f) for c in rows]) for f in ("x1", "n1", "x0", "n0")]
    result = proportion_difference_interval(*args, confidence=confidence)
    for field, got in zip(("diff", "low", "high"), result, strict=True):
        np.testing.assert_allclose(got, [num(c, field) for c in rows], rtol=0, atol=TOL)


def test_newcombe_is_antisymmetric_and_handles_empty_groups():
    d, low, high = proportion_difference_interval(12, 40, 30, 41)
    d2, low2, high2 = proportion_difference_interval(30, 41, 12, 40)
    assert (d2, low2, high2) == pytest.approx((-d, -high, -low), abs=1e-15)
    result = proportion_difference_interval(0, 0, 3, 10)
    assert all(math.isnan(v) for v in result)


# --- t interval for one mean -------------------------------------------------------------------


def test_mean_interval_matches_r_t_test():
    for case in cases("t_mean"):
        sample = SAMPLES[case["sample"]]
        conf = num(case, "conf")
        est, low, high = mean_interval(sample, confidence=conf)
        assert est == pytest.approx(num(case, "mean"), abs=TOL)
        assert low == pytest.approx(num(case, "low"), abs=TOL)
        assert high == pytest.approx(num(case, "high"), abs=TOL)
        summary = mean_interval(sample.mean(), sample.std(ddof=1), sample.size, confidence=conf)
        assert summary == pytest.approx((est, low, high), abs=1e-12)


def test_mean_interval_vectorised_missing_values_and_small_n():
    means = pd.Series([20.0, 18.0], index=["x", "y"])
    result = mean_interval(means, 4.0, np.array([10, 1]))
    assert isinstance(result, Estimate) and isinstance(result.low, pd.Series)
    assert np.isnan(result.low["y"]) and not np.isnan(result.low["x"])
    with_nan = mean_interval([12.5, np.nan, 14.0, 19.25])
    assert with_nan == pytest.approx(mean_interval([12.5, 14.0, 19.25]), abs=1e-15)
    est, low, _ = mean_interval([3.0])
    assert est == 3.0 and math.isnan(low)
    with pytest.raises(TypeError):
        mean_interval(20.0, sd=4.0)


# --- Welch interval ----------------------------------------------------------------------------


def test_welch_matches_r_t_test():
    for case in cases("welch"):
        x1, x0 = SAMPLES[case["sample1"]], SAMPLES[case["sample0"]]
        result = mean_difference_interval(
            x1.mean(), x1.std(ddof=1), x1.size, x0.mean(), x0.std(ddof=1), x0.size,
            confidence=num(case, "conf"),
        )  # fmt: skip
        expected = (num(case, "diff"), num(case, "low"), num(case, "high"))
        assert result == pytest.approx(expected, abs=TOL)


def test_welch_agrees_with_scipy_and_is_vectorised():
    a, b = SAMPLES["a"], SAMPLES["b"]
    scipy_ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    _, low, high = mean_difference_interval(
        a.mean(), a.std(ddof=1), a.size, b.mean(), b.std(ddof=1), b.size
    )
    assert (low, high) == pytest.approx((scipy_ci.low, scipy_ci.high), abs=1e-10)
    diff, low, _ = mean_difference_interval(np.array([1.0, 2.0]), 1.0, np.array([10, 1]), 0, 1, 10)
    assert diff.shape == (2,) and np.isnan(low[1]) and not np.isnan(low[0])
    _, low, _ = mean_difference_interval(1.0, 0.0, 5, 0.0, 0.0, 5)
    assert math.isnan(low)


# --- quantile interval -------------------------------------------------------------------------


def test_quantile_interval_matches_r_qbinom_rule():
    for case in cases("quantile"):
        sample, q, conf = SAMPLES[case["sample"]], num(case, "q"), num(case, "conf")
        est, low, high = quantile_interval(sample, q, conf)
        # The estimate interpolates; the limits are sample values (or +-inf), so exact.
        assert est == pytest.approx(num(case, "estimate"), abs=1e-12)
        assert low == num(case, "low")
        assert high == num(case, "high")
        lower_rank, upper_rank, coverage = quantile_order_statistics(sample.size, q, conf)
        assert (lower_rank, upper_rank) == (num(case, "lower_rank"), num(case, "upper_rank"))
        assert coverage == pytest.approx(num(case, "coverage"), abs=1e-12)


def test_quantile_order_statistics_coverage_is_at_least_nominal():
    n = np.arange(1, 81)[:, None]
    q = np.array([0.05, 0.1, 0.25, 0.5, 0.75, 0.9])[None, :]
    for conf in (0.9, 0.95):
        lower, upper, coverage = quantile_order_statistics(n, q, conf)
        assert coverage.shape == (80, 6)
        assert np.all(coverage >= conf - 1e-12)
        # each tail: P(Y <= l - 1) < alpha/2 and P(Y >= u) <= alpha/2
        below = np.where(lower >= 1, stats.binom.cdf(lower - 1, n, q), 0.0)
        above = np.where(upper <= n, stats.binom.sf(upper - 1, n, q), 0.0)
        assert np.all(below < (1 - conf) / 2) and np.all(above <= (1 - conf) / 2 + 1e-12)
        # the ranks cannot be moved inwards without losing a tail's guarantee
        inner_below = stats.binom.cdf(lower, n, q)
        inner_above = stats.binom.sf(upper - 2, n, q)
        assert np.all((inner_below >= (1 - conf) / 2) | (lower >= upper - 1))
        assert np.all((inner_above > (1 - conf) / 2) | (upper <= lower + 1))


def test_quantile_interval_vectorised_over_q_and_missing_values():
    sample = SAMPLES["quant"]
    q = pd.Series([0.25, 0.5, 0.75], index=["Q1", "median", "Q3"])
    est, low, high = quantile_interval(np.append(sample, np.nan), q)
    assert isinstance(est, pd.Series) and list(est.index) == ["Q1", "median", "Q3"]
    np.testing.assert_allclose(est, np.quantile(sample, q, method="linear"), rtol=0, atol=0)
    assert np.all(low <= est) and np.all(est <= high)
    median = quantile_interval(sample, 0.5)
    assert median == (est["median"], low["median"], high["median"])
    assert all(math.isnan(v) for v in quantile_interval([], 0.5))
    with pytest.raises(ValueError):
        quantile_interval(sample, 1.5)


# --- standardised mean change ------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [0.95, 0.90])
def test_smc_from_paired_sample_matches_metafor_escalc(confidence):
    case = REFERENCE["smcr_paired"][f"pre-post,conf={confidence:g}"]
    pre, post = SAMPLES["pre"], SAMPLES["post"]
    assert pre.mean() == pytest.approx(num(case, "mean_pre"), abs=1e-12)
    assert np.corrcoef(pre, post)[0, 1] == pytest.approx(num(case, "r"), abs=1e-12)
    smc, low, high, variance = standardised_mean_change(pre, post, confidence)
    assert smc == pytest.approx(num(case, "yi"), abs=TOL)
    assert variance == pytest.approx(num(case, "vi"), abs=TOL)
    assert low == pytest.approx(num(case, "ci_lb"), abs=TOL)
    assert high == pytest.approx(num(case, "ci_ub"), abs=TOL)
    assert smc > 0 and post.mean() > pre.mean()  # positive = scores rose


def test_smc_summary_matches_metafor_and_hedges_approximation():
    rows = cases("smcr")
    args = [np.array([num(c, f) for c in rows]) for f in ("mean_change", "sd_pre", "n", "r")]
    for conf in (0.95, 0.90):
        keep = np.array([num(c, "conf") == conf for c in rows])
        picked = [a[keep] for a in args]
        chosen = [c for c, k in zip(rows, keep, strict=True) if k]
        exact = standardised_mean_change_summary(*picked, confidence=conf)
        approx = standardised_mean_change_summary(
            *picked, confidence=conf, correction="approximate"
        )
        for got, field in zip(exact, ("yi", "ci_lb", "ci_ub", "vi"), strict=True):
            np.testing.assert_allclose(got, [num(c, field) for c in chosen], rtol=0, atol=TOL)
        for got, field in zip(approx, ("yi", "ci_lb", "ci_ub", "vi"), strict=True):
            expected = [num(c, field + "_approx") for c in chosen]
            np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)


def test_smc_paired_version_uses_the_summary_formula():
    pre, post = SAMPLES["pre"], SAMPLES["post"]
    from_pairs = standardised_mean_change(pre, post)
    from_summary = standardised_mean_change_summary(
        post.mean() - pre.mean(), pre.std(ddof=1), pre.size, np.corrcoef(pre, post)[0, 1]
    )
    assert from_pairs == pytest.approx(from_summary, abs=1e-14)


def test_smc_hand_computed_and_edge_cases():
    # J(m) exact = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), m = n - 1
    n, change, sd, r = 20, 1.5, 3.0, 0.5
    m = n - 1
    j = math.exp(math.lgamma(m / 2) - math.lgamma((m - 1) / 2)) / math.sqrt(m / 2)
    y = j * change / sd
    v = 2 * (1 - r) / n + y**2 / (2 * n)
    z = stats.norm.ppf(0.975)
    result = standardised_mean_change_summary(change, sd, n, r)
    assert result == pytest.approx((y, y - z * math.sqrt(v), y + z * math.sqrt(v), v), abs=1e-14)
    approx = standardised_mean_change_summary(change, sd, n, r, correction="approximate")
    assert approx.smc == pytest.approx((1 - 3 / (4 * m - 1)) * change / sd, abs=1e-15)
    assert all(math.isnan(x) for x in standardised_mean_change_summary(1.0, 2.0, 2, 0.5))
    assert all(math.isnan(x) for x in standardised_mean_change([1, 2], [2, 3]))
    assert standardised_mean_change_summary(-1.0, 2.0, 30, 0.5).smc < 0
    series = standardised_mean_change_summary(pd.Series([1.0, -1.0], index=["a", "b"]), 2, 30, 0.5)
    assert isinstance(series.smc, pd.Series) and series.smc["a"] == -series.smc["b"]
    with pytest.raises(ValueError):
        standardised_mean_change_summary(1.0, 2.0, 30, 1.5)
    with pytest.raises(ValueError):
        standardised_mean_change_summary(1.0, 2.0, 30, 0.5, correction="hedges")
    with pytest.raises(ValueError):
        standardised_mean_change([1, 2, 3], [1, 2])


def test_smc_drops_incomplete_pairs():
    pre = pd.Series([10.0, 12.0, np.nan, 14.0, 16.0, 18.0])
    post = pd.Series([12.0, 13.0, 15.0, 17.0, 17.0, np.nan])
    complete = standardised_mean_change([10.0, 12.0, 14.0, 16.0], [12.0, 13.0, 17.0, 17.0])
    assert standardised_mean_change(pre, post) == pytest.approx(complete, abs=1e-15)
    with pytest.raises(ValueError):
        standardised_mean_change(pre, post.set_axis(list("abcdef")))
