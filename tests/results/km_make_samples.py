"""Write tests/results/km_samples.csv: censored waits for the Kaplan–Meier reference values.

Run from the repository root:  .venv/bin/python tests/results/km_make_samples.py
then:                           Rscript tests/results/km_reference.R

Each sample is a set of (time, status) pairs (status 1: the event, 0: censored): cases written
out by hand for the conventions (a curve flat at exactly 1 - p, a curve ending at 1 - p, times
of 0, a quantile not reached), seeded random samples shaped like waits in days to first
support (log-normal, rounded to whole days, so with many ties), each censored at a census date
that falls at a random point of its requests' arrival, as requests still waiting are, and the
waits of the demo data (data/raw) as the access indicators take them: Wales in 2024 and 2025
and Powys in 2025 at the end of the year, and Wales in 2024 as of 31 October 2024.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
RAW = HERE.parents[1] / "data" / "raw"

DEMO = {  # sample: (RPB or Wales, reporting year, census date)
    "demo_wales_2025": ("Wales", 2025, "2025-12-31"),
    "demo_wales_2024": ("Wales", 2024, "2024-12-31"),
    "demo_powys_2025": ("Powys", 2025, "2025-12-31"),
    "demo_wales_2024_as_of_october": ("Wales", 2024, "2024-10-31"),
}

HAND = {
    "even_no_censoring": ([2, 4, 6, 8], [1, 1, 1, 1]),
    "flat_at_median": ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1] * 10),
    "ends_at_half": ([1, 2, 3, 4], [1, 1, 0, 0]),
    "zero_times": ([0, 0, 0, 1, 1, 2, 3, 5, 8, 13], [1, 0, 1, 1, 0, 1, 1, 1, 0, 1]),
    "p90_not_reached": ([2, 4, 6, 8, 9], [1, 1, 0, 1, 0]),
    "tied_censoring": (
        [5, 5, 5, 5, 7, 7, 9, 9, 9, 12, 12, 15],
        [1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1],
    ),
    "one_event": ([3, 4, 5], [0, 1, 0]),
}


def _random_sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Waits of ``n`` requests received over a year, censored at a census date."""
    median = rng.uniform(10, 60)
    sigma = rng.uniform(0.5, 1.2)
    waits = np.floor(median * np.exp(sigma * rng.standard_normal(n)))
    received = rng.integers(0, 365, n)
    census = rng.integers(200, 500)
    observed = np.minimum(waits, census - received)
    keep = observed >= 0  # received by the census date
    status = (waits <= census - received).astype(int)
    return observed[keep].astype(int), status[keep]


def _demo_waits() -> list[tuple[str, int, int]]:
    """The demo data's waits to first support, censored at each sample's census date."""
    from nest_eval.domains.access import waits
    from nest_eval.ingest.datasets import ingest

    access = ingest(RAW).datasets["access"].accepted
    rows = []
    for name, (area, year, census) in DEMO.items():
        at = pd.Timestamp(census)
        scope = access[(access["received_date"].dt.year == year) & (access["received_date"] <= at)]
        if area != "Wales":
            scope = scope[scope["rpb"] == area]
        observed = waits(scope, at)
        rows += [
            (name, int(d), int(s))
            for d, s in zip(observed["days"], observed["supported"], strict=True)
        ]
    return rows


def main() -> None:
    rng = np.random.default_rng(20251231)
    rows = []
    for name, (times, status) in HAND.items():
        rows += [(name, t, s) for t, s in zip(times, status, strict=True)]
    for i, n in enumerate([8, 12, 20, 30, 45, 60, 90, 120, 150, 200, 300, 500, 800, 1200] * 3):
        times, status = _random_sample(rng, n)
        rows += [
            (f"random_{i:02d}_n{n}", int(t), int(s)) for t, s in zip(times, status, strict=True)
        ]
    rows += _demo_waits()
    with (HERE / "km_samples.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["sample", "time", "status"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
