"""Tests for the ANCOVA adjusted change (nest_eval.stats.ancova).

Reference values come from R's lm and emmeans (tests/results/ancova_reference.R, run once on
the CSV files written by tests/results/ancova_make_datasets.py; its output
tests/results/ancova_reference_values.json is committed), so these tests never need R.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nest_eval.stats.ancova import adjusted_changes, fit_least_squares

RESULTS = Path(__file__).resolve().parent / "results"
REFERENCE = json.loads((RESULTS / "ancova_reference_values.json").read_text())
COVARIATES = ["age0", "sex", "wimd", "interval"]
TOLERANCE = 1e-12  # absolute, on scores of about 20 points (measured: 2.5e-14)


def read(file: str) -> pd.DataFrame:
    data = pd.read_csv(RESULTS / file).rename(columns={"rpb": "group"})
    return data.assign(wimd=data["wimd"].astype(str))


def r_name(name: str) -> str:
    """The name R's model.matrix gives a column (``group[Gwent]`` -> ``rpbGwent``)."""
    name = re.sub(r"^group\[(.*)\]$", r"rpb\1", name)
    return re.sub(r"^(\w+)\[(.*)\]$", r"\1\2", name)


def ours(name: str):
    spec = REFERENCE["datasets"][name]
    mix = None if spec["case_mix"] == spec["file"] else read(spec["case_mix"])
    return adjusted_changes(read(spec["file"]), COVARIATES, case_mix=mix, overall="Wales")


def largest_difference(name: str, route: str) -> float:
    table = ours(name).table.set_index("group")
    reference = REFERENCE["datasets"][name][route]
    differences = []
    for column in ("estimate", "se", "ci_low", "ci_high"):
        theirs = pd.Series(reference[column], dtype=float)
        mine = table.loc[theirs.index, column]
        assert (mine.isna() == theirs.isna()).all(), (name, route, column)
        differences.append(float((mine - theirs).abs().max()) if theirs.notna().any() else 0.0)
    return max(differences)


CASES = [
    (name, route)
    for name, spec in REFERENCE["datasets"].items()
    for route in ("emmeans", "by_hand")
    if route in spec
]


@pytest.mark.parametrize(("name", "route"), CASES)
def test_adjusted_changes_agree_with_emmeans_and_by_hand_in_r(name, route):
    assert largest_difference(name, route) < TOLERANCE


@pytest.mark.parametrize("name", sorted(REFERENCE["datasets"]))
def test_the_regression_agrees_with_lm(name):
    spec = REFERENCE["datasets"][name]
    fit = ours(name).fit
    coef = pd.Series(spec["lm"]["coef"], dtype=float)
    se = pd.Series(spec["lm"]["se"], dtype=float)
    mine = fit.params.rename(index=r_name)
    assert sorted(r_name(n) for n in fit.aliased) == sorted(spec["lm"]["aliased"])
    assert np.allclose(mine[coef.dropna().index], coef.dropna(), rtol=0, atol=1e-9)
    assert np.allclose(np.sqrt(np.diag(fit.cov_params)), se.dropna(), rtol=1e-9)
    assert fit.sigma2 == pytest.approx(spec["lm"]["sigma2"], rel=1e-12)
    assert fit.df_resid == spec["lm"]["df_resid"] and fit.n_obs == spec["lm"]["n_obs"]


def test_non_estimable_changes_are_missing_not_made_up():
    table = ours("confounded").table.set_index("group")
    assert table.drop(index="Wales")["estimate"].isna().all()
    assert np.isfinite(table.loc["Wales", ["estimate", "se", "ci_low", "ci_high"]]).all()


def test_wales_at_its_own_case_mix_is_the_raw_mean_change_of_the_children_fitted():
    data = read("ancova_data_realistic.csv")
    wales = ours("realistic").table.set_index("group").loc["Wales"]
    assert wales["estimate"] == pytest.approx((data["followup"] - data["baseline"]).mean(), 1e-12)
    assert wales["n"] == len(data)


def test_a_group_shifted_at_follow_up_moves_its_adjusted_change_by_the_shift_only():
    data = read("ancova_data_realistic.csv")
    before = adjusted_changes(data, COVARIATES).table.set_index("group")["estimate"]
    moved = data.assign(followup=data["followup"] + 3.0 * (data["group"] == "Gwent"))
    after = adjusted_changes(moved, COVARIATES).table.set_index("group")["estimate"]
    shift = (after - before).drop(index="overall")
    assert shift["Gwent"] == pytest.approx(3.0, abs=1e-9)
    assert np.allclose(shift.drop(index="Gwent"), 0.0, atol=1e-9)


def test_a_case_mix_with_an_unseen_level_gives_no_estimate():
    data = read("ancova_data_realistic.csv")
    mix = data.assign(sex="unknown")
    table = adjusted_changes(data, COVARIATES, case_mix=mix).table
    assert table["estimate"].isna().all()


def test_no_residual_degree_of_freedom_is_refused():
    with pytest.raises(ValueError, match="no residual degree of freedom"):
        fit_least_squares(np.array([1.0, 2.0]), np.eye(2), ["a", "b"])


def test_a_group_without_rows_is_named():
    data = read("ancova_data_realistic.csv")
    with pytest.raises(ValueError, match="Nowhere"):
        adjusted_changes(data, COVARIATES, groups=["Gwent", "Nowhere"])
