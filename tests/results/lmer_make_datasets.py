"""Write the small synthetic datasets that ``lmer_reference.R`` fits with lme4.

Run from the repository root::

    .venv/bin/python tests/results/lmer_make_datasets.py

The generator is deterministic (fixed seeds); values are rounded so the CSV files stay small.
Both R and the test suite read the same CSV files, so the rounding does not affect agreement.

Datasets
--------
``lmer_data_realistic.csv``
    About 1,500 children with 2-4 assessments each: ``child``, ``rpb`` (7 regional
    partnership boards), ``time`` (years since first assessment), ``age0``, ``sex``, ``wimd``
    (deprivation quintile, numeric) and ``score``. Model:
    ``score ~ rpb + rpb:time + age0 + sex + wimd + (1 | child)``.
``lmer_data_boundary.csv``
    200 groups with a tiny group effect (SD 0.05 against a residual SD of 1); the seed is one
    for which the REML estimate of the random-intercept variance is exactly zero (boundary
    fit). Model: ``y ~ x + (1 | g)``.
``lmer_data_unbalanced.csv``
    250 groups of very unequal size, about 40 % singletons. Model: ``y ~ x + arm + (1 | g)``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent

RPBS = (
    "Cardiff and Vale",
    "Cwm Taf Morgannwg",
    "Gwent",
    "North Wales",
    "Powys",
    "West Glamorgan",
    "West Wales",
)


def simulate_realistic(n_children: int, seed: int) -> pd.DataFrame:
    """Children with 2-4 assessments, per-RPB baselines and slopes, and a child effect."""
    rng = np.random.default_rng(seed)
    shares = np.array([0.16, 0.15, 0.2, 0.22, 0.05, 0.1, 0.12])
    rpb_idx = rng.choice(len(RPBS), size=n_children, p=shares / shares.sum())
    n_assess = rng.integers(2, 5, size=n_children)
    age0 = np.round(rng.uniform(8.0, 17.0, size=n_children), 2)
    sex = rng.choice(np.array(["F", "M"]), size=n_children)
    wimd = rng.integers(1, 6, size=n_children)
    u = rng.normal(0.0, 3.0, size=n_children)
    base = np.array([20.0, 19.5, 21.0, 20.5, 22.0, 19.0, 20.2])
    slope = np.array([1.2, 0.8, 1.5, 1.0, 0.6, 1.1, 0.9])

    child = np.repeat(np.arange(n_children), n_assess)
    gaps = rng.uniform(0.25, 1.0, size=child.size)
    first = np.r_[0, np.cumsum(n_assess)[:-1]]
    gaps[first] = 0.0
    time = np.cumsum(gaps)
    time -= np.repeat(time[first], n_assess)
    time = np.round(time, 2)

    r = rpb_idx[child]
    score = (
        base[r]
        + slope[r] * time
        + 0.3 * age0[child]
        - 0.5 * (sex[child] == "M")
        - 0.4 * wimd[child]
        + u[child]
        + rng.normal(0.0, 2.5, size=child.size)
    )
    width = len(str(n_children))
    return pd.DataFrame(
        {
            "child": [f"c{i:0{width}d}" for i in child],
            "rpb": np.array(RPBS)[r],
            "time": time,
            "age0": age0[child],
            "sex": sex[child],
            "wimd": wimd[child],
            "score": np.round(score, 2),
        }
    )


def simulate_boundary(seed: int) -> pd.DataFrame:
    """A tiny group effect; for seed 4 the REML random-intercept variance lands on zero."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 6, size=200)
    g = np.repeat(np.arange(200), sizes)
    u = rng.normal(0.0, 0.05, size=200)
    x = np.round(rng.normal(0.0, 1.0, size=g.size), 3)
    y = np.round(1.0 + 0.5 * x + u[g] + rng.normal(0.0, 1.0, size=g.size), 3)
    return pd.DataFrame({"g": [f"g{i:03d}" for i in g], "x": x, "y": y})


def simulate_unbalanced(seed: int) -> pd.DataFrame:
    """Very unequal group sizes, about 40 % singletons, and a group-level factor."""
    rng = np.random.default_rng(seed)
    n_groups = 250
    sizes = np.where(rng.uniform(size=n_groups) < 0.4, 1, rng.integers(2, 13, size=n_groups))
    g = np.repeat(np.arange(n_groups), sizes)
    arm = rng.choice(np.array(["A", "B", "C"]), size=n_groups)
    u = rng.normal(0.0, 1.5, size=n_groups)
    x = np.round(rng.normal(0.0, 1.0, size=g.size), 3)
    effect = {"A": 0.0, "B": 0.7, "C": -0.4}
    y = (
        2.0
        + 0.8 * x
        + np.array([effect[a] for a in arm])[g]
        + u[g]
        + rng.normal(0.0, 1.0, size=g.size)
    )
    return pd.DataFrame({"g": [f"g{i:03d}" for i in g], "x": x, "arm": arm[g], "y": np.round(y, 3)})


def main() -> None:
    """Write the three CSV files next to this script."""
    simulate_realistic(1500, seed=20240611).to_csv(HERE / "lmer_data_realistic.csv", index=False)
    simulate_boundary(seed=4).to_csv(HERE / "lmer_data_boundary.csv", index=False)
    simulate_unbalanced(seed=11).to_csv(HERE / "lmer_data_unbalanced.csv", index=False)


if __name__ == "__main__":
    main()
