"""Disclosure control on random synthetic datasets of mixed sizes: does every one pass the audit?

For each seed, generates the ``random`` demo scale (150 to 6,000 children, 100 to 5,000 survey
responses and requests a year, some RPBs tiny or absent), ingests it, computes the year and takes
the disclosure decision for the whole publication, then checks, independently of the decision:

- the audit of the suppressed cells over what is published (the breakdown rows withheld left
  out), solved again from scratch with ``scipy.optimize.linprog`` (not the warm-started HiGHS
  model the decision used): no suppressed cell holds fewer whole numbers than the protection
  level;
- no small count is left in any RPB row of the tables as they would be published.

Prints one line per dataset (cells, primary and secondary suppressions, the share suppressed,
the narrowest interval, the time disclosure control took (the decision and the controlled
tables) and its ratio to computing the year's results in the same process) and a summary.
Exits 1 if any dataset fails.

Run: .venv/bin/python benchmarks/bench_disclosure.py [--seeds 100] [--first 0] [--year 2025]
[--threshold 10] [--protection N] [--suppress-zeros] (the run's disclosure settings, as
``nest-eval run`` takes them; a refusal to publish counts as a failure)
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass

from nest_eval.config import Disclosure, RunConfig
from nest_eval.demo.generator import write_demo_data
from nest_eval.domains.year import compute_year, load_data
from nest_eval.reporting.disclosure.audit import Interval, audit_groups, groups_of
from nest_eval.reporting.disclosure.protect import DisclosureError
from nest_eval.reporting.tables import (
    ControlledTables,
    controlled_tables,
    publication_cells,
    published_tables,
    small_counts,
)


@dataclass(frozen=True)
class Outcome:
    """One dataset's disclosure decision and its checks."""

    seed: int
    cells: int
    primary: int
    secondary: int
    narrowest: float
    decision_seconds: float
    compute_seconds: float
    failure: str = ""

    @property
    def share(self) -> float:
        return (self.primary + self.secondary) / self.cells if self.cells else 0.0


def audit_problem(results, config: RunConfig, controlled: ControlledTables) -> tuple:
    """The whole publication's audit under its decision: groups, bounds, fixed cells, suppressed.

    Over what is published: the breakdown rows withheld are not.
    """
    published_rows = results.breakdowns.loc[controlled.breakdowns.index]
    cells, _ = publication_cells(results, config.disclosure, published_rows)
    decision = controlled.decision
    low, high = config.disclosure.small
    bounds, fixed = {}, {}
    for key, value in cells.values.items():
        if key in decision.primary:
            bounds[key] = (float(low), float(high))
        elif key in decision.suppressed or key not in cells.published:
            bounds[key] = (0.0, math.inf)
        else:
            fixed[key] = float(value)
    return groups_of(cells), bounds, fixed, set(decision.suppressed)


def reaudit(results, config: RunConfig, controlled: ControlledTables) -> dict:
    """The suppressed cells' intervals solved afresh with ``linprog`` (no warm start)."""
    return audit_groups(*audit_problem(results, config, controlled), warm=False)


def audit_seed(
    seed: int, year: int = 2025, scale: str = "random", disclosure: Disclosure | None = None
) -> Outcome:
    """Generate, compute and control one dataset; check the decision independently.

    ``disclosure``: the settings of the run (default: the defaults).
    """
    config = RunConfig(year=year, disclosure=disclosure or Disclosure())
    with tempfile.TemporaryDirectory() as folder:
        write_demo_data(folder, seed=seed, scale=scale)
        data = load_data(folder)
    started = time.perf_counter()
    results = compute_year(data, config)
    compute_seconds = time.perf_counter() - started
    started = time.perf_counter()
    try:
        controlled = controlled_tables(results, config)
    except DisclosureError as exc:
        return Outcome(seed, 0, 0, 0, 0.0, 0.0, compute_seconds, f"refused: {exc}")
    decision_seconds = time.perf_counter() - started
    decision = controlled.decision
    protection = config.disclosure.protection_level
    again: dict[object, Interval] = reaudit(results, config, controlled)
    narrow = [k for k, i in again.items() if i.whole_numbers < protection]
    small = small_counts(published_tables(results, config), config.disclosure)
    failure = f"{len(narrow)} exposed on re-audit; " if narrow else ""
    failure += f"{len(small)} small counts published" if small else ""
    return Outcome(
        seed,
        decision.published_cells,
        len(decision.primary),
        len(decision.secondary),
        min((i.whole_numbers for i in again.values()), default=math.inf),
        decision_seconds,
        compute_seconds,
        failure,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=100, help="how many datasets")
    parser.add_argument("--first", type=int, default=0, help="the first seed")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--threshold", type=int, default=Disclosure.threshold)
    parser.add_argument("--protection", type=int, default=None)
    parser.add_argument("--suppress-zeros", action="store_true")
    args = parser.parse_args()
    disclosure = Disclosure(
        threshold=args.threshold, protection=args.protection, zeros=args.suppress_zeros
    )
    print(f"settings: threshold {disclosure.threshold}, protection level "
          f"{disclosure.protection_level}, zeros suppressed: {disclosure.zeros}")  # fmt: skip
    print(f"{'seed':>5} {'cells':>6} {'primary':>8} {'second.':>8} {'share':>6} "
          f"{'narrowest':>9} {'decision':>9} {'ratio':>6}  check")  # fmt: skip
    outcomes = []
    for seed in range(args.first, args.first + args.seeds):
        outcome = audit_seed(seed, args.year, disclosure=disclosure)
        outcomes.append(outcome)
        ratio = outcome.decision_seconds / outcome.compute_seconds
        print(
            f"{seed:>5} {outcome.cells:>6} {outcome.primary:>8} {outcome.secondary:>8} "
            f"{outcome.share:>6.1%} {outcome.narrowest:>9} {outcome.decision_seconds:>8.2f}s "
            f"{ratio:>6.2f}  {outcome.failure or 'ok'}",
            flush=True,
        )
    failed = [o for o in outcomes if o.failure]
    passed = [o for o in outcomes if not o.failure]
    print(f"\n{len(passed)} of {len(outcomes)} datasets published with 0 exposed cells")
    if passed:
        ratios = [o.decision_seconds / o.compute_seconds for o in passed]
        print(
            f"share suppressed: median {statistics.median(o.share for o in passed):.1%}, "
            f"max {max(o.share for o in passed):.1%}; narrowest interval: "
            f"{min(o.narrowest for o in passed)} values; decision time: median "
            f"{statistics.median(o.decision_seconds for o in passed):.2f} s, max "
            f"{max(o.decision_seconds for o in passed):.2f} s (ratio to computing the year: "
            f"median {statistics.median(ratios):.2f})"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
