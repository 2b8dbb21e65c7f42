"""Calibration against the truth: do the intervals cover the effects the demo data hold.

The demo generator (:mod:`nest_eval.demo.generator`) draws each child's scores from a
random-intercept
model with a known change per year for every RPB, measure and cohort (``theta`` in
``truth.json``). Over many simulated datasets, the 95% intervals of the case-mix-adjusted change
per RPB (:func:`nest_eval.domains.outcomes.adjusted_change`) should cover ``theta`` about 95% of
the time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from nest_eval.demo.generator import write_demo_data
from nest_eval.domains import outcomes as _outcomes
from nest_eval.ingest.datasets import ingest

__all__ = ["coverage_for_seed", "coverage_summary"]


def coverage_for_seed(seed: int, scale: str = "default") -> pd.DataFrame:
    """Intervals of the adjusted change per RPB against the true change, for one dataset.

    Parameters
    ----------
    seed : int
        Demo-data seed.
    scale : str
        Demo-data scale.

    Returns
    -------
    pandas.DataFrame
        One row per RPB, measure and cohort modelled: ``seed``, ``rpb``, ``measure``,
        ``cohort``, ``truth``, ``estimate``, ``ci_low``, ``ci_high``, ``covered``.
    """
    with tempfile.TemporaryDirectory() as folder:
        write_demo_data(folder, seed=seed, scale=scale)
        result = ingest(Path(folder))
        truth = pd.read_json(Path(folder) / "truth.json", typ="series")
    outcomes = result.datasets["outcomes"].accepted
    theta = pd.DataFrame(truth["outcomes"]["theta"]).set_index(["rpb", "measure", "cohort"])
    episode_table = _outcomes.episodes(outcomes)
    rows = []
    for cohort in sorted(theta.index.get_level_values("cohort").unique()):
        for fit in _outcomes.adjusted_change(outcomes, episode_table, int(cohort)):
            for row in fit.table.itertuples(index=False):
                key = (row.rpb, fit.measure, int(cohort))
                if key not in theta.index:
                    continue  # Wales has no single true value
                true = float(theta.loc[key, "change_per_year"])
                rows.append(
                    (
                        seed,
                        row.rpb,
                        fit.measure,
                        int(cohort),
                        true,
                        row.adjusted_change_per_year,
                        row.ci_low,
                        row.ci_high,
                        bool(row.ci_low <= true <= row.ci_high),
                    )
                )
    return pd.DataFrame(
        rows,
        columns=[
            "seed",
            "rpb",
            "measure",
            "cohort",
            "truth",
            "estimate",
            "ci_low",
            "ci_high",
            "covered",
        ],
    )


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
        Every interval (as :func:`coverage_for_seed`), and a summary: ``datasets``,
        ``intervals``, ``coverage`` (share of intervals covering the truth),
        ``coverage_by_measure``, ``min_cell_coverage`` (lowest coverage of any RPB, measure
        and cohort across the datasets) and ``mean_bias`` (mean estimate − truth).
    """
    frames = [coverage_for_seed(seed, scale) for seed in seeds]
    table = pd.concat(frames, ignore_index=True)
    cells = table.groupby(["rpb", "measure", "cohort"])["covered"].mean()
    summary = {
        "datasets": int(table["seed"].nunique()),
        "intervals": len(table),
        "coverage": float(table["covered"].mean()),
        "coverage_by_measure": table.groupby("measure")["covered"].mean().round(4).to_dict(),
        "min_cell_coverage": float(cells.min()),
        "mean_bias": float((table["estimate"] - table["truth"]).mean()),
    }
    return table, summary
