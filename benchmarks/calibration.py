"""Coverage of the 95% intervals of the per-RPB case-mix models over simulated datasets.

The adjusted change from first to last assessment (ANCOVA, published) against its truth at the
Wales case mix, and the mixed model's change per year (for analysts) against theta; see
nest_eval.domains.calibration.

Run: .venv/bin/python benchmarks/calibration.py [--datasets 100]
"""

import argparse
import json
import time

from nest_eval.domains.calibration import coverage_summary

MODELS = {
    "adjusted_change": "adjusted change, first to last assessment (ANCOVA)",
    "change_per_year": "change per year (mixed model)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=int, default=100)
    parser.add_argument("--scale", default="default")
    args = parser.parse_args()
    start = time.perf_counter()
    _, summary = coverage_summary(range(args.datasets), args.scale)
    elapsed = time.perf_counter() - start
    print(json.dumps(summary, indent=2))
    for model, what in MODELS.items():
        found = summary[model]
        wales = (
            f"; Wales {found['wales_coverage']:.3f} of {found['wales_intervals']}"
            if found["wales_intervals"]
            else ""
        )
        print(
            f"{what}: coverage {found['coverage']:.3f} of {found['intervals']} RPB intervals"
            f"{wales}; cells (RPB x measure x cohort) covered in >= 90% of datasets: "
            f"{found['share_of_cells_covered_90']:.3f}"
        )
    print(f"{args.datasets} datasets in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
