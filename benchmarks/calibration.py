"""Coverage of the 95% intervals of the per-RPB adjusted change over simulated datasets.

Run: .venv/bin/python benchmarks/calibration.py [--datasets 100]
"""

import argparse
import json
import time

from nest_eval.domains.calibration import coverage_summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=int, default=100)
    parser.add_argument("--scale", default="default")
    args = parser.parse_args()
    start = time.perf_counter()
    table, summary = coverage_summary(range(args.datasets), args.scale)
    elapsed = time.perf_counter() - start
    print(json.dumps(summary, indent=2))
    cells = table.groupby(["rpb", "measure", "cohort"])["covered"].mean()
    print(
        f"cells (RPB x measure x cohort): {len(cells)}; share of cells covered in >= 90% of "
        f"datasets: {(cells >= 0.90).mean():.3f}"
    )
    print(f"{args.datasets} datasets in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
