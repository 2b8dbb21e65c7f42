"""Time the whole distance-travelled computation for one reporting year at Wales scale.

Generates Wales-scale demo data (about 100,000 children with outcome measures, 30,000 survey
responses, 50,000 access requests), ingests it, then times, in one process:

- the intermediates the year's tables share (journey ratings, baselines, and the episodes,
  reliable change and ANCOVA models of the reporting and baseline cohorts, and the reporting
  cohort's mixed models), built once,
- ``distance_travelled`` (every domain), ``outcomes_change`` and the RPB funnel comparisons on them,
- the ANCOVA models alone, the mixed models alone, and statsmodels' generic ``MixedLM`` on the
  largest of the same mixed models (``--statsmodels``), printing the ratio and checking the two
  agree.

Run: .venv/bin/python benchmarks/bench_distance.py [--seed 1] [--statsmodels]
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from nest_eval.demo.generator import write_demo_data
from nest_eval.domains import case_mix, comparisons, distance, intermediates
from nest_eval.domains import outcomes as oc
from nest_eval.domains.periods import DAYS_PER_YEAR
from nest_eval.ingest.datasets import ingest


def timed(label, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {elapsed:8.2f} s")
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument(
        "--statsmodels",
        action="store_true",
        help="also fit the largest model with statsmodels MixedLM (slow)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        timed("generate Wales-scale demo data", write_demo_data, folder, args.seed, "wales")
        result, _ = timed("ingest (read, validate, quarantine)", ingest, Path(folder))
    data = {name: d.accepted for name, d in result.datasets.items()}
    print(
        f"outcome rows {len(data['outcomes']):,}; children "
        f"{data['outcomes']['person_id'].nunique():,}; survey responses "
        f"{len(data['experiences']):,}; access requests {len(data['access']):,}"
    )

    shared, t_shared = timed(
        "shared intermediates (ratings, cohorts, models)",
        intermediates.year_intermediates,
        data,
        args.year,
    )
    _, t_distance = timed(
        "distance_travelled (all domains)",
        distance.distance_travelled,
        data,
        args.year,
        intermediates=shared,
    )
    _, t_outcomes = timed(
        "outcomes_change",
        distance.outcomes_change,
        data["outcomes"],
        args.year,
        intermediates=shared,
    )
    _, t_funnels = timed(
        "funnel comparisons",
        lambda: comparisons.rpb_funnels(
            comparisons.proportions_by_rpb(data, args.year, intermediates=shared)
        ),
    )
    total = t_shared + t_distance + t_outcomes + t_funnels
    print(f"{'whole computation for one reporting year':<48} {total:8.2f} s  (target < 30 s)")

    episodes = oc.episodes(data["outcomes"])
    ancovas, _ = timed(
        f"ANCOVA models alone, cohort {args.year}", case_mix.adjusted_change, episodes, args.year
    )
    print(f"  {len(ancovas)} models, {sum(len(f.data) for f in ancovas):,} children")
    fits, _ = timed(
        f"mixed models alone, cohort {args.year}",
        case_mix.change_per_year,
        data["outcomes"],
        episodes,
        args.year,
    )
    print(f"  {len(fits)} models, {sum(f.n_obs for f in fits):,} observations")

    if args.statsmodels:
        import statsmodels.formula.api as smf

        from nest_eval.stats.mixed_model import fit_formula

        biggest = max(fits, key=lambda f: f.n_obs)
        keys = ["person_id", "measure", "respondent"]
        chosen = episodes[
            (episodes["cohort"] == args.year)
            & (episodes["measure"] == biggest.measure)
            & (episodes["respondent"] == biggest.respondent)
        ]
        rows = data["outcomes"].merge(
            chosen[[*keys, "rpb", "first_date", "age0", "sex", "wimd_quintile"]],
            on=keys,
            suffixes=("_row", ""),
        )
        rows = rows.dropna(subset=["age0", "sex", "wimd_quintile"])
        rows["t"] = (rows["date"] - rows["first_date"]).dt.days / DAYS_PER_YEAR
        rows["wimd"] = rows["wimd_quintile"].astype(int).astype(str)
        rows["sex"] = rows["sex"].astype(str)
        rows = rows[["score", "rpb", "t", "age0", "sex", "wimd", "person_id"]].reset_index(
            drop=True
        )
        formula = "score ~ 0 + rpb + rpb:t + age0 + sex + wimd"
        ours, t_ours = timed(
            f"ours on {biggest.measure} ({len(rows):,} rows)",
            fit_formula,
            rows,
            formula,
            "person_id",
        )
        model = smf.mixedlm(formula, rows, groups=rows["person_id"])
        theirs, t_sm = timed("statsmodels MixedLM (REML) on the same data", model.fit, reml=True)
        names = list(ours.params.index)
        fe = np.max(
            np.abs(theirs.fe_params[names].to_numpy() - ours.params.to_numpy())
            / np.maximum(np.abs(ours.params.to_numpy()), 1e-8)
        )
        var = max(
            abs(theirs.scale - ours.sigma2) / ours.sigma2,
            abs(float(theirs.cov_re.iloc[0, 0]) - ours.sigma2_group) / ours.sigma2_group,
        )
        print(
            f"ratio statsmodels / ours: {t_sm / t_ours:.1f}; max relative difference: "
            f"fixed effects {fe:.1e}, variance components {var:.1e}"
        )
        if max(fe, var) > 1e-4:
            raise SystemExit("statsmodels and nest_eval disagree beyond 1e-4")


if __name__ == "__main__":
    main()
