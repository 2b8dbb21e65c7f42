"""Tests for the exact REML random-intercept fit (nest_eval.stats.mixed_model).

Reference values come from lme4 (tests/results/lmer_reference.R, run once; its output
tests/results/lmer_reference_values.json is committed), so these tests never need R.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.optimize

from nest_eval.stats import mixed_model
from nest_eval.stats.mixed_model import RandomInterceptFit, fit_formula, fit_random_intercept

RESULTS = Path(__file__).resolve().parent / "results"
REFERENCE = json.loads((RESULTS / "lmer_reference_values.json").read_text())
DATASETS = sorted(REFERENCE["datasets"])


def r_name(patsy_name: str) -> str:
    """Translate a patsy column name to the name R's model.matrix gives it."""
    if patsy_name == "Intercept":
        return "(Intercept)"
    return re.sub(r"(\w+)\[(?:T\.)?([^\]]+)\]", r"\1\2", patsy_name)


def rel_diff(ours, theirs) -> float:
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    return float(np.max(np.abs(ours - theirs) / np.abs(theirs)))


def load(name: str) -> tuple[pd.DataFrame, str, str, dict]:
    spec = REFERENCE["datasets"][name]
    data = pd.read_csv(RESULTS / spec["file"])
    fixed, random = spec["formula"].split(" + (1 | ")
    assert random == f"{spec['group']})"
    return data, fixed, spec["group"], spec["lmer"]


@pytest.fixture(scope="module")
def fits() -> dict[str, RandomInterceptFit]:
    out = {}
    for name in DATASETS:
        data, fixed, group, _ = load(name)
        out[name] = fit_formula(data, fixed, group)
    return out


def dense_reml_criterion(y, xmat, groups, gamma) -> float:
    """-2 REML log-likelihood at gamma, from explicit N x N matrices (for small data only)."""
    n, p = xmat.shape
    zmat = (groups[:, None] == np.unique(groups)[None, :]).astype(float)
    h = np.eye(n) + gamma * zmat @ zmat.T
    h_inv = np.linalg.inv(h)
    a = xmat.T @ h_inv @ xmat
    beta = np.linalg.solve(a, xmat.T @ h_inv @ y)
    r = y - xmat @ beta
    sigma2 = r @ h_inv @ r / (n - p)
    return float(
        (n - p) * (1 + math.log(2 * math.pi * sigma2))
        + np.linalg.slogdet(h)[1]
        + np.linalg.slogdet(a)[1]
    )


def small_data(seed: int = 3, n_groups: int = 40, sigma_u: float = 1.0):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 6, size=n_groups)
    g = np.repeat(np.arange(n_groups), sizes)
    x = rng.normal(size=g.size)
    z = rng.normal(size=n_groups)[g]  # group-level covariate
    xmat = np.column_stack([np.ones(g.size), x, z])
    y = xmat @ [1.0, 0.5, -0.3] + rng.normal(0, sigma_u, n_groups)[g] + rng.normal(size=g.size)
    return y, xmat, g


# --- agreement with lme4 --------------------------------------------------------------------------


def test_reference_file_records_its_provenance():
    assert REFERENCE["r_version"].startswith("R version")
    assert re.fullmatch(r"\d+\.\d+[.-]\d+", REFERENCE["lme4_version"])
    assert set(DATASETS) == {"realistic", "boundary", "unbalanced"}


@pytest.mark.parametrize("name", DATASETS)
def test_fixed_effects_match_lme4(fits, name):
    fit, ref = fits[name], load(name)[3]
    assert [r_name(n) for n in fit.params.index] == list(ref["fixef"])  # same terms, same order
    assert rel_diff(fit.params, list(ref["fixef"].values())) < 1e-4
    assert rel_diff(fit.bse, list(ref["se"].values())) < 1e-3


@pytest.mark.parametrize("name", DATASETS)
def test_variance_components_and_criterion_match_lme4(fits, name):
    fit, ref = fits[name], load(name)[3]
    assert fit.converged
    assert (fit.n_obs, fit.n_groups) == (ref["n_obs"], ref["n_groups"])
    assert rel_diff(fit.sigma2, ref["sigma2"]) < 1e-4
    if ref["sigma2_group"] == 0.0:
        assert fit.sigma2_group == 0.0
    else:
        assert rel_diff(fit.sigma2_group, ref["sigma2_group"]) < 1e-4
    assert rel_diff(fit.reml_criterion, ref["reml_crit"]) < 1e-4
    assert rel_diff(fit.llf, ref["loglik"]) < 1e-4
    assert fit.boundary == ref["singular"]


def test_realistic_dataset_is_what_the_brief_describes():
    data, _, group, _ = load("realistic")
    assert data[group].nunique() >= 1000
    assert set(data.groupby(group).size()) == {2, 3, 4}
    assert data["rpb"].nunique() == 7
    first = data.groupby(group)["time"].min()
    assert (first == 0).all()


# --- agreement with statsmodels -------------------------------------------------------------------


def test_matches_statsmodels_mixedlm_reml():
    import statsmodels.formula.api as smf

    data, fixed, group, _ = load("unbalanced")
    ours = fit_formula(data, fixed, group)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm = smf.mixedlm(fixed, data, groups=data[group]).fit(reml=True)
    assert sm.converged
    fe = sm.fe_params.reindex(ours.params.index)
    assert rel_diff(ours.params, fe) < 1e-4
    assert rel_diff(ours.bse, sm.bse_fe.reindex(ours.params.index)) < 1e-3
    assert rel_diff(ours.sigma2, sm.scale) < 1e-4
    assert rel_diff(ours.sigma2_group, float(sm.cov_re.iloc[0, 0])) < 1e-4
    assert rel_diff(ours.llf, sm.llf) < 1e-8
    # statsmodels' optimiser stops short of the optimum: ours is at least as good.
    assert ours.llf >= sm.llf - 1e-9


# --- exactness of the criterion and of the optimum ------------------------------------------------


def test_criterion_matches_dense_computation_at_and_around_the_optimum():
    y, xmat, g = small_data()
    fit = fit_random_intercept(y, xmat, g)
    gamma = fit.theta**2
    assert fit.reml_criterion == pytest.approx(dense_reml_criterion(y, xmat, g, gamma), rel=1e-12)
    for factor in (0.5, 0.9, 1.1, 2.0):
        assert dense_reml_criterion(y, xmat, g, gamma * factor) > fit.reml_criterion
    # an independent optimisation of the dense criterion lands on the same theta
    res = scipy.optimize.minimize_scalar(
        lambda t: dense_reml_criterion(y, xmat, g, t * t),
        bounds=(0.0, 10.0),
        method="bounded",
        options={"xatol": 1e-9},
    )
    assert res.x == pytest.approx(fit.theta, rel=1e-5)


def test_analytic_gradient_matches_finite_differences():
    y, xmat, g = small_data(seed=5)
    codes = pd.factorize(g)[0]
    cp = mixed_model._crossproducts(y, xmat, codes, codes.max() + 1)
    for gamma in (0.0, 0.05, 0.7, 3.0):
        h = 1e-6 * max(gamma, 1.0)
        lo, hi = max(gamma - h, 0.0), gamma + h
        numeric = (
            mixed_model._evaluate(cp, hi).criterion - mixed_model._evaluate(cp, lo).criterion
        ) / (hi - lo)
        analytic = mixed_model._gradient(cp, mixed_model._evaluate(cp, gamma))
        assert analytic == pytest.approx(numeric, rel=1e-5, abs=1e-6)


def test_interior_optimum_has_zero_gradient(fits):
    fit = fits["realistic"]
    assert not fit.boundary
    assert abs(fit.gradient) < 1e-6
    assert fit.theta == pytest.approx(math.sqrt(fit.sigma2_group / fit.sigma2), rel=1e-12)
    assert fit.icc == pytest.approx(fit.sigma2_group / (fit.sigma2_group + fit.sigma2))


# --- boundary and unbalanced designs --------------------------------------------------------------


def test_boundary_fit_is_ordinary_least_squares(fits):
    fit = fits["boundary"]
    assert fit.boundary and fit.converged
    assert fit.theta == 0.0 and fit.sigma2_group == 0.0
    assert fit.gradient > 0.0  # the criterion increases into the interior
    data, *_ = load("boundary")
    xmat = np.column_stack([np.ones(len(data)), data["x"]])
    y = data["y"].to_numpy()
    beta, rss, *_ = np.linalg.lstsq(xmat, y, rcond=None)
    sigma2 = rss[0] / (len(y) - 2)
    np.testing.assert_allclose(fit.params, beta, rtol=1e-12)
    assert fit.sigma2 == pytest.approx(sigma2, rel=1e-12)
    np.testing.assert_allclose(fit.cov_params, sigma2 * np.linalg.inv(xmat.T @ xmat), rtol=1e-10)


def test_criterion_at_boundary_equals_dense_computation():
    y, xmat, g = small_data(seed=4, sigma_u=0.0)
    fit = fit_random_intercept(y, xmat, g)
    gamma = fit.theta**2
    assert fit.reml_criterion == pytest.approx(dense_reml_criterion(y, xmat, g, gamma), rel=1e-12)
    assert dense_reml_criterion(y, xmat, g, gamma + 1e-3) > fit.reml_criterion


def test_singleton_groups_are_used(fits):
    data, fixed, group, _ = load("unbalanced")
    sizes = data.groupby(group).size()
    assert (sizes == 1).mean() > 0.3 and sizes.max() >= 10
    fit = fits["unbalanced"]
    assert fit.n_groups == data[group].nunique() and fit.n_obs == len(data)
    # dropping the singletons changes the fit: they contribute to both variance components
    multi = data[data[group].map(sizes) > 1]
    without = fit_formula(multi, fixed, group)
    assert without.n_obs == len(data) - int((sizes == 1).sum())
    assert abs(without.sigma2_group - fit.sigma2_group) > 1e-3 * fit.sigma2_group


def test_row_order_and_label_type_do_not_matter():
    y, xmat, g = small_data(seed=8)
    base = fit_random_intercept(y, xmat, g)
    perm = np.random.default_rng(0).permutation(len(y))
    labels = np.array([f"child-{k}" for k in g], dtype=object)
    shuffled = fit_random_intercept(y[perm], xmat[perm], labels[perm])
    np.testing.assert_allclose(shuffled.params, base.params, rtol=1e-10)
    np.testing.assert_allclose(shuffled.cov_params, base.cov_params, rtol=1e-8)
    assert shuffled.sigma2_group == pytest.approx(base.sigma2_group, rel=1e-10)
    assert shuffled.reml_criterion == pytest.approx(base.reml_criterion, rel=1e-13)


# --- formula interface ----------------------------------------------------------------------------


def test_formula_equals_numpy_core_and_drops_missing_rows():
    data, fixed, group, _ = load("unbalanced")
    data = data.copy()
    data.loc[[3, 10], "x"] = np.nan
    data.loc[20, "arm"] = None
    data.loc[30, group] = None
    fit = fit_formula(data, fixed, group)
    kept = data.dropna()
    xmat = np.column_stack(
        [np.ones(len(kept)), kept["arm"] == "B", kept["arm"] == "C", kept["x"]]
    ).astype(float)
    core = fit_random_intercept(kept["y"], xmat, kept[group].to_numpy(), names=list("ibcx"))
    assert fit.n_obs == len(data) - 4
    np.testing.assert_allclose(fit.params, core.params[["i", "x", "b", "c"]], rtol=1e-12)
    assert fit.reml_criterion == pytest.approx(core.reml_criterion, rel=1e-13)


def test_categorical_order_sets_the_reference_level():
    data, fixed, group, _ = load("unbalanced")
    default = fit_formula(data, fixed, group)
    assert "arm[T.A]" not in default.params.index
    recoded = data.assign(arm=pd.Categorical(data["arm"], categories=["C", "A", "B"]))
    other = fit_formula(recoded, fixed, group)
    assert list(other.params.index) == ["Intercept", "x", "arm[T.A]", "arm[T.B]"]
    # a reparameterisation: same fit, contrasts of the levels agree
    assert other.reml_criterion == pytest.approx(default.reml_criterion, rel=1e-12)
    assert other.params["arm[T.A]"] == pytest.approx(-default.params["arm[T.C]"], rel=1e-9)


def test_formula_rejects_random_effects_term_and_unknown_group():
    data, fixed, group, _ = load("boundary")
    with pytest.raises(ValueError, match="fixed-effects part"):
        fit_formula(data, fixed + " + (1 | g)", group)
    with pytest.raises(ValueError, match="not in the data"):
        fit_formula(data, fixed, "school")


# --- input checks ---------------------------------------------------------------------------------


def test_rank_deficient_design_names_the_collinear_columns():
    y, xmat, g = small_data()
    xmat = np.column_stack([xmat, xmat[:, 1] + 2 * xmat[:, 2]])
    with pytest.raises(
        ValueError, match=r"rank 3 of 4 columns\): 'both' is a linear combination of \['x', 'z'\]"
    ):
        fit_random_intercept(y, xmat, g, names=["const", "x", "z", "both"])


def test_rank_deficient_formula_names_the_columns():
    data, _, group, _ = load("unbalanced")
    data = data.assign(x2=3.0 * data["x"])
    with pytest.raises(
        ValueError, match=r"\(rank 4 of 5 columns\): 'x2' is a linear combination of \['x'\]"
    ):
        fit_formula(data, "y ~ x + arm + x2", group)


def test_zero_column_is_rejected():
    y, xmat, g = small_data()
    xmat = np.column_stack([xmat, np.zeros(len(y))])
    with pytest.raises(ValueError, match=r"identically zero: \['x3'\]"):
        fit_random_intercept(y, xmat, g)


def _nan_in_y(y, xmat, g):
    return np.where(np.arange(len(y)) == 2, np.nan, y), xmat, g


def _inf_in_x1(y, xmat, g):
    xmat = xmat.copy()
    xmat[5, 1] = np.inf
    return y, xmat, g


def _missing_label(y, xmat, g):
    return y, xmat, np.where(g == 0, None, g.astype(object))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_nan_in_y, "y contains"),
        (_inf_in_x1, r"columns \['x1'\]"),
        (lambda y, xmat, g: (y, xmat, np.zeros_like(g)), "at least 2 groups"),
        (lambda y, xmat, g: (y, xmat, np.arange(len(y))), "single row"),
        (lambda y, xmat, g: (y[:-1], xmat, g), "same length"),
        (_missing_label, "missing labels"),
    ],
)
def test_invalid_inputs_are_rejected(mutate, message):
    y, xmat, g = small_data()
    with pytest.raises(ValueError, match=message):
        fit_random_intercept(*mutate(y, xmat, g))


# --- results object -------------------------------------------------------------------------------


def test_conf_int_is_wald_z(fits):
    fit = fits["realistic"]
    ci = fit.conf_int()
    # the multipliers are given to 10 significant digits, hence the absolute tolerance
    np.testing.assert_allclose(ci["lower"], fit.params - 1.959963985 * fit.bse, atol=1e-9)
    np.testing.assert_allclose(ci["upper"], fit.params + 1.959963985 * fit.bse, atol=1e-9)
    ci90 = fit.conf_int(alpha=0.10)
    np.testing.assert_allclose(ci90["upper"], fit.params + 1.644853627 * fit.bse, atol=1e-9)
    with pytest.raises(ValueError, match="alpha"):
        fit.conf_int(alpha=1.5)


def test_contrast_matches_hand_computation(fits):
    fit = fits["realistic"]
    slopes = [n for n in fit.params.index if n.endswith(":time")]
    assert len(slopes) == 7
    counts = np.arange(1.0, 8.0)
    weights = pd.Series(counts / counts.sum(), index=slopes)
    est, se = fit.contrast(weights)
    w = weights.reindex(fit.params.index, fill_value=0.0).to_numpy()
    assert est == pytest.approx(float(w @ fit.params.to_numpy()), rel=1e-13)
    assert se == pytest.approx(math.sqrt(w @ fit.cov_params.to_numpy() @ w), rel=1e-13)
    # the average of slopes has a smaller SE than any single slope
    assert se < fit.bse[slopes].min()
    # the array form, and a single coefficient
    assert fit.contrast(w) == pytest.approx((est, se), rel=1e-13)
    unit = pd.Series({slopes[2]: 1.0})
    assert fit.contrast(unit) == pytest.approx((fit.params[slopes[2]], fit.bse[slopes[2]]))
    with pytest.raises(ValueError, match="unknown"):
        fit.contrast(pd.Series({"no such term": 1.0}))
    with pytest.raises(ValueError, match="entries"):
        fit.contrast(np.ones(3))


def test_summary_table(fits):
    fit = fits["unbalanced"]
    table = fit.summary_table()
    assert list(table.columns) == ["estimate", "std_error", "z", "p_value", "ci_lower", "ci_upper"]
    np.testing.assert_allclose(table["z"], fit.params / fit.bse)
    np.testing.assert_allclose(table["ci_lower"], fit.conf_int()["lower"])
    x_p = table.loc["x", "p_value"]
    assert 0.0 <= x_p < 1e-10  # x has a strong effect
    assert ((table["p_value"] >= 0) & (table["p_value"] <= 1)).all()


def test_result_is_frozen(fits):
    with pytest.raises(AttributeError):
        fits["boundary"].sigma2 = 1.0  # type: ignore[misc]
