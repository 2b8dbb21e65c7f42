r"""Calibration against the truth: do the intervals cover the effects the demo data hold.

The demo generator (:mod:`nest_eval.demo.outcomes`) draws each child's scores from a
random-intercept model with a known change per year ``theta`` for every RPB, measure and cohort
(``truth.json``)::

    y_ij = m(x_i) + u_i + theta[rpb_i] t_ij + e_ij,  u_i ~ N(0, sd_u),  e_ij ~ N(0, sd_e),

with :math:`m(x) = \mu + b_{age}(age_0 - 12) + b_{male}[male] + b_{wimd}(wimd - 3)`. Over many
simulated datasets, the 95% intervals of the case-mix models should cover the truth about 95% of
the time:

- the **adjusted change** (ANCOVA, :func:`nest_eval.domains.case_mix.adjusted_change`). Given a
  child's first score :math:`y_0`, covariates and interval :math:`T`, the generator's last score
  has mean :math:`m(x) + \theta T + \beta (y_0 - m(x))` with
  :math:`\beta = sd_u^2 / (sd_u^2 + sd_e^2 + q)` (``q`` = the variance of rounding to the
  measure's resolution, :math:`\delta^2 / 12`). So RPB ``r``'s true adjusted change at the Wales
  case mix of the model (its children, with their first scores, covariates and intervals) is
  :math:`\theta_r \bar T + (1 - \beta)(\bar m - \bar y_0)`, and Wales's is
  :math:`\overline{\theta_{r(i)} T_i} + (1 - \beta)(\bar m - \bar y_0)`: conditional on the
  children's first scores, as the ANCOVA's intervals are.
- the **change per year** (mixed model, :func:`nest_eval.domains.case_mix.change_per_year`):
  ``theta`` itself (the generator has no covariate-by-time interaction).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nest_eval.demo.generator import write_demo_data
from nest_eval.domains import case_mix as _case_mix
from nest_eval.domains import outcomes as _outcomes
from nest_eval.ingest.datasets import ingest
from nest_eval.reference.vocabulary import WALES

__all__ = ["COLUMNS", "adjusted_change_truth", "coverage_for_seed", "coverage_summary"]

COLUMNS = (
    "seed",
    "model",
    "rpb",
    "measure",
    "cohort",
    "truth",
    "estimate",
    "ci_low",
    "ci_high",
    "covered",
)
"""Columns of :func:`coverage_for_seed`; ``model`` is ``adjusted_change`` (ANCOVA) or
``change_per_year`` (mixed model)."""


def adjusted_change_truth(
    fit: _case_mix.AdjustedChange, theta: Mapping[str, float], measure: Mapping[str, Any]
) -> pd.Series:
    """The true adjusted change of each RPB of a model, and of Wales, given its children.

    Parameters
    ----------
    fit : AdjustedChange
        The model (its children: first scores, covariates, intervals).
    theta : mapping of str to float
        True change per year of each RPB for the model's measure and cohort.
    measure : mapping
        The measure's true model from ``truth.json`` (``mu``, ``b_age``, ``b_male``,
        ``b_wimd``, ``sd_u``, ``sd_e``, ``decimals``).

    Returns
    -------
    pandas.Series
        By RPB (the model's, then Wales).
    """
    data = fit.data
    expected = (
        measure["mu"]
        + measure["b_age"] * (data["age0"] - 12.0)
        + measure["b_male"] * (data["sex"] == "male")
        + measure["b_wimd"] * (data["wimd_quintile"].astype(int) - 3)
    )
    rounding = (10.0 ** -measure["decimals"]) ** 2 / 12.0
    beta = measure["sd_u"] ** 2 / (measure["sd_u"] ** 2 + measure["sd_e"] ** 2 + rounding)
    regression = (1.0 - beta) * (expected.mean() - data["baseline"].mean())
    interval = data["interval"].mean()
    truth = {r: theta[r] * interval + regression for r in fit.model.sizes.index}
    own = data["group"].map(theta) * data["interval"]
    truth[WALES] = float(own.mean()) + regression
    return pd.Series(truth)


def _interval_rows(
    seed: int, model: str, measure: str, cohort: int, table: pd.DataFrame, truth: pd.Series
) -> list[tuple]:
    """One row per area of a model's table that has a truth."""
    estimate = table.columns[1]  # adjusted_change or change_per_year
    rows = []
    for row in table.to_dict(orient="records"):
        if row["rpb"] not in truth.index:
            continue
        true = float(truth[row["rpb"]])
        covered = bool(row["ci_low"] <= true <= row["ci_high"])
        rows.append((seed, model, row["rpb"], measure, cohort, true, row[estimate],
                     row["ci_low"], row["ci_high"], covered))  # fmt: skip
    return rows


def coverage_for_seed(seed: int, scale: str = "default") -> pd.DataFrame:
    """Intervals of both case-mix models per RPB against the truth, for one dataset.

    Parameters
    ----------
    seed : int
        Demo-data seed.
    scale : str
        Demo-data scale.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: one row per model, area, measure and cohort estimated. The
        adjusted change has a row for Wales too; the change per year, whose Wales is an average
        of slopes with no single true value, has RPB rows only.
    """
    with tempfile.TemporaryDirectory() as folder:
        write_demo_data(folder, seed=seed, scale=scale)
        result = ingest(Path(folder))
        truth = pd.read_json(Path(folder) / "truth.json", typ="series")
    outcomes = result.datasets["outcomes"].accepted
    theta = pd.DataFrame(truth["outcomes"]["theta"]).set_index(["measure", "cohort", "rpb"])
    theta = theta["change_per_year"].sort_index()
    measures = truth["outcomes"]["measures"]
    episode_table = _outcomes.episodes(outcomes)
    rows: list[tuple] = []
    for cohort in sorted(theta.index.get_level_values("cohort").unique()):
        cohort = int(cohort)
        for fit in _case_mix.adjusted_change(episode_table, cohort):
            true_theta = theta.loc[(fit.measure, cohort)].to_dict()
            expected = adjusted_change_truth(fit, true_theta, measures[fit.measure])
            rows += _interval_rows(
                seed, "adjusted_change", fit.measure, cohort, fit.table, expected
            )
        for model in _case_mix.change_per_year(outcomes, episode_table, cohort):
            per_year = theta.loc[(model.measure, cohort)]
            rows += _interval_rows(
                seed, "change_per_year", model.measure, cohort, model.table, per_year
            )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _summary(table: pd.DataFrame) -> dict[str, Any]:
    """Coverage, its spread over cells and measures, and the bias, of one model's intervals."""
    rpbs = table[table["rpb"] != WALES]
    cells = rpbs.groupby(["rpb", "measure", "cohort"])["covered"].mean()
    wales = table[table["rpb"] == WALES]
    return {
        "intervals": len(rpbs),
        "coverage": float(rpbs["covered"].mean()),
        "coverage_by_measure": rpbs.groupby("measure")["covered"].mean().round(4).to_dict(),
        "min_cell_coverage": float(cells.min()),
        "share_of_cells_covered_90": float((cells >= 0.90).mean()),
        "mean_bias": float((rpbs["estimate"] - rpbs["truth"]).mean()),
        "wales_intervals": len(wales),
        "wales_coverage": float(wales["covered"].mean()) if len(wales) else np.nan,
    }


def coverage_summary(seeds: Iterable[int], scale: str = "default") -> tuple[pd.DataFrame, dict]:
    """Coverage over several simulated datasets.

    Parameters
    ----------
    seeds : iterable of int
        Demo-data seeds, one dataset each.
    scale : str
        Demo-data scale.

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        Every interval (as :func:`coverage_for_seed`), and a summary: ``datasets``, then per
        model (``adjusted_change``, ``change_per_year``) the RPB ``intervals``, ``coverage``
        (share covering the truth), ``coverage_by_measure``, ``min_cell_coverage`` (lowest
        coverage of any RPB, measure and cohort across the datasets),
        ``share_of_cells_covered_90``, ``mean_bias`` (mean estimate − truth), and Wales's
        ``wales_intervals`` and ``wales_coverage``.
    """
    frames = [coverage_for_seed(seed, scale) for seed in seeds]
    table = pd.concat(frames, ignore_index=True)
    summary: dict[str, Any] = {"datasets": int(table["seed"].nunique())}
    for model, rows in table.groupby("model", sort=True):
        summary[str(model)] = _summary(rows)
    return table, summary
