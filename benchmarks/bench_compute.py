"""Time the year's computation (``nest-eval run``'s compute step) at Wales scale, and its growth.

The compute step of a run (``compute 2025: results and tables (N s)``) loads the processed
data, computes every statistic of the year (:func:`nest_eval.domains.year.compute_year`),
publishes the contract's tables under disclosure control and stores the results the notebooks
read. This benchmark:

1. makes Wales-scale demo data (``nest-eval demo-data --scale wales``, about 100,000 children),
   or reuses a raw-data folder given with ``--data``, and the committed demo data
   (``data/raw``), and ingests each once (untimed);
2. times, in this process, load + compute + published tables + stored results on the demo data
   and on the Wales-scale data (after one untimed run on the demo data, so imports are not
   timed), ``--repeat`` times each (the machine may be shared: the fastest is kept), and prints
   the ratio Wales / demo, the size of the stored results, and PASS or MISS against the
   target of 3 s at Wales scale;
3. with ``--multiplier M`` (e.g. 10), generates and ingests M times the Wales data too, then
   runs the same computation on each in a process of its own, and prints the seconds and peak
   resident memory (``ru_maxrss`` of the child) at 1x and Mx, and their growth ratios (linear
   growth: a time ratio near M; the memory target is well under 4 GB).

Nothing is asserted.

Run: .venv/bin/python benchmarks/bench_compute.py [--data DIR] [--seed 1] [--repeat 2]
     [--multiplier 10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEST_EVAL = str(Path(sys.executable).parent / "nest-eval")
YEAR = 2025
TARGET_SECONDS = 3.0
TARGET_PEAK_GB = 4.0


def compute_once(processed: Path, out: Path) -> dict[str, float]:
    """Load, compute, publish the tables and store the results once; seconds and sizes."""
    from nest_eval.config import Folders, RunConfig
    from nest_eval.domains.year import compute_year, load_data, save_results
    from nest_eval.files import write_csv
    from nest_eval.reporting.tables import published_tables

    folders = Folders(data=processed, processed=processed, reports=out / "reports",
                      build=out / "build")  # fmt: skip
    config = RunConfig(year=YEAR, folders=folders)
    results_file = config.build_dir() / "results.pkl"
    start = time.perf_counter()
    results = compute_year(load_data(processed), config)
    results.run_id = "benchmark"
    for name, frame in published_tables(results, config).items():
        write_csv(frame, config.year_dir() / "tables" / f"{name}.csv")
    save_results(results, results_file)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "results_bytes": results_file.stat().st_size}


def child(command: list[str]) -> tuple[float, float, str]:
    """Run a command; its wall seconds, peak resident memory (GB) and standard output."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    stdout = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"failed (exit {process.returncode}): {' '.join(command)}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024**2, stdout  # ru_maxrss in KiB


def ingest_into(raw: Path, processed: Path) -> None:
    child([NEST_EVAL, "ingest", str(raw), "--out", str(processed)])


def generate(folder: Path, seed: int, scale: str) -> tuple[float, float]:
    seconds, peak, _ = child(
        [NEST_EVAL, "demo-data", str(folder), "--seed", str(seed), "--scale", scale]
    )
    return seconds, peak


def rows(raw: Path) -> int:
    """Data rows of the raw CSV files."""
    return sum(sum(1 for _ in p.open(encoding="utf-8")) - 1 for p in raw.glob("*.csv"))


def measured_in_child(processed: Path, out: Path) -> tuple[float, float, int]:
    """Compute in a process of its own: seconds (as timed inside), peak GB, results bytes."""
    _, peak, stdout = child([sys.executable, __file__, "--child", str(processed), str(out)])
    found = json.loads(stdout.strip().splitlines()[-1])
    return found["seconds"], peak, found["results_bytes"]


def status(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, help="Wales-scale raw-data folder to reuse")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs of each (default 2)")
    parser.add_argument("--multiplier", type=float, help="also measure this many times Wales")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(compute_once(*args.child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wales = args.data
        if wales is None:
            wales = work / "wales_raw"
            seconds, peak = generate(wales, args.seed, "wales")
            print(f"{'generate Wales-scale data':<44} {seconds:8.2f} s  peak {peak:5.2f} GB")
        print(f"Wales data: {rows(wales):,} rows; demo data: {rows(ROOT / 'data/raw'):,} rows")
        ingest_into(ROOT / "data/raw", work / "demo_processed")
        ingest_into(wales, work / "wales_processed")

        compute_once(work / "demo_processed", work / "warm")  # imports, untimed
        timed = {}
        for name in ("demo", "wales"):
            runs = [
                compute_once(work / f"{name}_processed", work / f"{name}_out_{i}")
                for i in range(args.repeat)
            ]
            timed[name] = min(r["seconds"] for r in runs)
            shown = ", ".join(f"{r['seconds']:.2f}" for r in runs)
            size = runs[0]["results_bytes"] / 1024**2
            print(f"{f'compute {YEAR}, {name} data (runs: {shown})':<44} {timed[name]:8.2f} s"
                  f"  results {size:.2f} MB")  # fmt: skip
        ratio = timed["wales"] / timed["demo"]
        print(f"ratio Wales / demo: {ratio:.1f}")
        print(f"Wales-scale compute {timed['wales']:.2f} s: target < {TARGET_SECONDS:.0f} s "
              f"{status(timed['wales'] < TARGET_SECONDS)}")  # fmt: skip

        if args.multiplier is None:
            return
        m = args.multiplier
        big = work / "big_raw"
        seconds, peak = generate(big, args.seed, f"{m:g}")
        print(f"{f'generate {m:g}x Wales data':<44} {seconds:8.2f} s  peak {peak:5.2f} GB")
        print(f"{m:g}x Wales data: {rows(big):,} rows")
        ingest_into(big, work / "big_processed")
        one = measured_in_child(work / "wales_processed", work / "one_child")
        many = measured_in_child(work / "big_processed", work / "big_child")
        for label, (seconds, peak, size) in (("1x", one), (f"{m:g}x", many)):
            print(f"{f'compute {YEAR}, {label} Wales (own process)':<44} {seconds:8.2f} s  "
                  f"peak {peak:5.2f} GB  results {size / 1024**2:.2f} MB")  # fmt: skip
        print(f"growth {m:g}x / 1x: time {many[0] / one[0]:.1f}, peak memory "
              f"{many[1] / one[1]:.1f}, results {many[2] / one[2]:.1f}")  # fmt: skip
        print(f"peak memory at {m:g}x {many[1]:.2f} GB: target < {TARGET_PEAK_GB:.0f} GB "
              f"{status(many[1] < TARGET_PEAK_GB)}")  # fmt: skip


if __name__ == "__main__":
    main()
