"""Benchmark the exact REML random-intercept fit against statsmodels (and lme4, if R is here).

Usage::

    .venv/bin/python benchmarks/bench_mixed_model.py [--children 100000] [--seed 1]
        [--repeat 3] [--no-statsmodels] [--no-r]

Simulates data like ``tests/results/lmer_data_realistic.csv`` (children with 2-4 assessments,
7 RPBs, per-RPB intercepts and time slopes) and fits
``score ~ rpb + rpb:time + age0 + sex + wimd`` with a random intercept per child:

- with :func:`nest_eval.stats.mixed_model.fit_formula` (wall time includes building the design
  matrix; best of ``--repeat`` runs, and the first run);
- with ``statsmodels`` ``MixedLM.from_formula(..., groups=...).fit(reml=True)`` on the same data
  in the same process;
- with ``lme4::lmer(..., REML = TRUE)`` through ``Rscript`` when it is installed (fit time only,
  measured inside R with ``system.time``; reading the CSV is not timed).

Prints the wall times, the ratio statsmodels / ours, and the largest relative differences of
the fixed effects and variance components; exits with status 1 if they differ by more than
1e-4.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from nest_eval.stats.mixed_model import RandomInterceptFit, fit_formula

REPO = Path(__file__).resolve().parents[1]
FORMULA = "score ~ rpb + rpb:time + age0 + sex + wimd"
TOLERANCE = 1e-4
TARGET_LME4 = 10.0  # lme4 / ours, at about 300,000 rows (100,000 children)

R_SCRIPT = r"""
suppressPackageStartupMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
for (col in c("rpb", "sex")) {
  d[[col]] <- factor(d[[col]], levels = sort(unique(d[[col]]), method = "radix"))
}
d$child <- factor(d$child)
elapsed <- system.time(
  fit <- lmer(score ~ rpb + rpb:time + age0 + sex + wimd + (1 | child), data = d, REML = TRUE)
)[["elapsed"]]
vc <- as.data.frame(VarCorr(fit))
out <- data.frame(
  name = c(names(fixef(fit)), "sigma2", "sigma2_group", "reml_crit", "elapsed"),
  value = sprintf("%.17g", c(unname(fixef(fit)), sigma(fit)^2, vc$vcov[vc$grp == "child"],
                             REMLcrit(fit), elapsed))
)
write.csv(out, args[2], row.names = FALSE)
cat(R.version.string, "lme4", as.character(packageVersion("lme4")), "\n")
"""


def simulate(n_children: int, seed: int) -> pd.DataFrame:
    """Simulate with the generator of the committed realistic reference dataset."""
    path = REPO / "tests" / "results" / "lmer_make_datasets.py"
    spec = importlib.util.spec_from_file_location("lmer_make_datasets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.simulate_realistic(n_children, seed=seed)


def r_name(patsy_name: str) -> str:
    """R's model.matrix name of a patsy column name."""
    if patsy_name == "Intercept":
        return "(Intercept)"
    return re.sub(r"(\w+)\[(?:T\.)?([^\]]+)\]", r"\1\2", patsy_name)


def max_rel(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.abs(b)))


def time_ours(data: pd.DataFrame, repeat: int) -> tuple[RandomInterceptFit, float, float]:
    times = []
    fit = None
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        fit = fit_formula(data, FORMULA, group="child")
        times.append(time.perf_counter() - start)
    assert fit is not None
    return fit, times[0], min(times)


def time_statsmodels(data: pd.DataFrame) -> tuple[dict[str, float], pd.Series, float]:
    import statsmodels.formula.api as smf

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = smf.mixedlm(FORMULA, data, groups=data["child"]).fit(reml=True)
    elapsed = time.perf_counter() - start
    comps = {"sigma2": float(result.scale), "sigma2_group": float(result.cov_re.iloc[0, 0])}
    print(f"  statsmodels converged: {result.converged}")
    return comps, result.fe_params, elapsed


def time_lme4(data: pd.DataFrame) -> tuple[pd.Series, float] | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("  Rscript not found: lme4 not timed")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        csv, out, script = Path(tmp, "data.csv"), Path(tmp, "out.csv"), Path(tmp, "fit.R")
        data.to_csv(csv, index=False)
        script.write_text(R_SCRIPT)
        proc = subprocess.run(
            [rscript, str(script), str(csv), str(out)], capture_output=True, text=True
        )
        if proc.returncode != 0:
            print(f"  lme4 failed:\n{proc.stderr}")
            return None
        print(f"  {proc.stdout.strip()}")
        values = pd.read_csv(out).set_index("name")["value"].astype(float)
    return values.drop("elapsed"), float(values["elapsed"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of our fit (best is shown)")
    parser.add_argument("--no-statsmodels", action="store_true")
    parser.add_argument("--no-r", action="store_true")
    args = parser.parse_args(argv)

    data = simulate(args.children, args.seed)
    print(f"data: {args.children} children, {len(data)} rows; model: {FORMULA} + (1 | child)")

    fit, first, best = time_ours(data, args.repeat)
    print(
        f"nest_eval.stats.mixed_model.fit_formula: {best:.3f} s (best of {args.repeat}; first run "
        f"{first:.3f} s); converged={fit.converged}, theta={fit.theta:.6f}, "
        f"evaluations={fit.iterations}"
    )
    ours_vc = {"sigma2": fit.sigma2, "sigma2_group": fit.sigma2_group}
    ok = fit.converged

    if not args.no_statsmodels:
        print("statsmodels MixedLM (reml=True) ...")
        sm_vc, sm_fe, sm_time = time_statsmodels(data)
        fe_diff = max_rel(fit.params, sm_fe.reindex(fit.params.index))
        vc_diff = max(max_rel(ours_vc[k], sm_vc[k]) for k in ours_vc)
        print(f"  statsmodels: {sm_time:.3f} s; ratio statsmodels / ours = {sm_time / best:.1f}")
        print(
            f"  max rel. difference: fixed effects {fe_diff:.2e}, variance components {vc_diff:.2e}"
        )
        agree = max(fe_diff, vc_diff) <= TOLERANCE
        print(f"  agree to {TOLERANCE:g}: {agree}")
        ok = ok and agree

    if not args.no_r:
        print("lme4 (Rscript) ...")
        lme4 = time_lme4(data)
        if lme4 is not None:
            values, r_time = lme4
            fe = values.reindex([r_name(n) for n in fit.params.index])
            fe_diff = max_rel(fit.params, fe)
            vc_diff = max(max_rel(ours_vc[k], values[k]) for k in ours_vc)
            crit_diff = max_rel(fit.reml_criterion, values["reml_crit"])
            ratio = r_time / best
            verdict = "PASS" if ratio >= TARGET_LME4 else "MISS"
            print(
                f"  lme4 lmer fit: {r_time:.3f} s; ratio lme4 / ours = {ratio:.1f} "
                f"(target >= {TARGET_LME4:.0f}: {verdict})"
            )
            print(
                f"  max rel. difference: fixed effects {fe_diff:.2e}, variance components "
                f"{vc_diff:.2e}, REML criterion {crit_diff:.2e}"
            )
            agree = max(fe_diff, vc_diff, crit_diff) <= TOLERANCE and not math.isnan(fe_diff)
            print(f"  agree to {TOLERANCE:g}: {agree}")
            ok = ok and agree
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
