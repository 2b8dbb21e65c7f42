"""Time ingest (read, validate, quarantine, account, write) at Wales scale and beyond.

Generates Wales-scale demo data (about 367,000 rows in six CSV files; or reuses ``--data DIR``)
and times, in one process, ``ingest()`` + ``write_processed()`` (what the ``ingest:`` progress
line of ``nest-eval run`` times):

- for each dataset alone (its files in a folder of their own), and for the whole folder, with
  rows per second and PASS or MISS beside the target of 200,000 rows per second (whole folder);
- the same whole folder with the careful CSV reader forced for every file (no file read as
  plain CSV by Arrow), as the baseline, and the ratio of the two.

With ``--multiplier N`` (N > 1) it also builds a folder N times larger (each file's rows
repeated N times, identifiers renumbered in each copy so that no copy duplicates another) and
runs ingest on the 1x and the Nx folder in a fresh process each, printing the time, the peak
memory (the process's peak resident set size, ``VmHWM`` on Linux) and the growth ratios
(linear growth is a time ratio of N).

Timings are wall-clock, best of ``--repeat`` runs; the machine's other work makes them noisy.
Nothing is asserted.

Run: .venv/bin/python benchmarks/bench_ingest.py [--data DIR] [--seed 1] [--repeat 2]
     [--multiplier 10]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from nest_eval.demo.generator import write_demo_data
from nest_eval.ingest import readers
from nest_eval.ingest.datasets import ingest, write_processed
from nest_eval.reference.contract import DATASETS, dataset_for_file

TARGET = 200_000
"""Rows per second ingest must reach at Wales scale (whole folder)."""


def run_once(folder: Path) -> tuple[float, int]:
    """Seconds for ingest + write_processed of a folder, and the rows read."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        result = ingest(folder)
        write_processed(result, out)
        elapsed = time.perf_counter() - start
    return elapsed, sum(d.rows_read for d in result.datasets.values())


def best(folder: Path, repeat: int) -> tuple[float, int]:
    """The best time of ``repeat`` runs, and the rows read."""
    runs = [run_once(folder) for _ in range(repeat)]
    return min(t for t, _ in runs), runs[0][1]


def line(label: str, seconds: float, rows: int, target: bool = False) -> None:
    rate = rows / seconds if seconds else float("inf")
    verdict = ""
    if target:
        verdict = f"  {'PASS' if rate >= TARGET else 'MISS'} (target {TARGET:,} rows/s)"
    print(f"{label:<36} {rows:>10,} rows {seconds:8.2f} s {rate:>12,.0f} rows/s{verdict}")


def per_dataset(folder: Path, repeat: int) -> None:
    """Each dataset's files alone in a folder of their own, timed."""
    for dataset in DATASETS:
        files = [p for p in sorted(folder.iterdir()) if dataset_for_file(p.name) is dataset]
        if not files:
            continue
        with tempfile.TemporaryDirectory() as alone:
            for path in files:
                shutil.copy(path, Path(alone) / path.name)
            seconds, rows = best(Path(alone), repeat)
        line(f"  {dataset.name}", seconds, rows)


def multiplied(folder: Path, target: Path, times: int) -> None:
    """A copy of the CSV files of ``folder`` with each file's rows repeated ``times`` times.

    In copy ``k`` (from 1) every identifier (a column of kind ``id``) gets ``-k`` appended, so
    that copies do not duplicate each other; other files are copied as they are.
    """
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(folder.iterdir()):
        dataset = dataset_for_file(path.name)
        if dataset is None or path.suffix.lower() != ".csv":
            if path.is_file():
                shutil.copy(path, target / path.name)
            continue
        header, *rows = path.read_text(encoding="utf-8").splitlines()
        ids = [
            i
            for i, name in enumerate(header.split(","))
            if any(c.name == name.strip() and c.kind == "id" for c in dataset.columns)
        ]
        lines = [header, *rows]
        for k in range(1, times):
            for row in rows:
                cells = row.split(",")
                for i in ids:
                    cells[i] = f"{cells[i]}-{k}" if cells[i] else ""
                lines.append(",".join(cells))
        (target / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure_in_subprocess(folder: Path) -> dict[str, float]:
    """Time and peak memory of one ingest + write in a fresh process."""
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_kib() -> int:
    """This process's peak resident memory in KiB.

    Linux's ``VmHWM`` where there is one: ``ru_maxrss`` carries the parent's peak over into a
    process it starts, so a child would report the benchmark's own peak.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for entry in status.read_text().splitlines():
            if entry.startswith("VmHWM:"):
                return int(entry.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(folder: Path) -> None:
    """Print, as JSON, one run's seconds, rows and peak memory (for ``--multiplier``)."""
    seconds, rows = run_once(folder)
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_mib": peak_kib() / 1024}))


def growth(folder: Path, times: int) -> None:
    """Ingest of the folder and of it ``times`` times over, each in a fresh process."""
    with tempfile.TemporaryDirectory() as big:
        start = time.perf_counter()
        multiplied(folder, Path(big), times)
        print(f"\n{times}x folder built in {time.perf_counter() - start:.1f} s")
        one = measure_in_subprocess(folder)
        many = measure_in_subprocess(Path(big))
    for label, run in (("1x", one), (f"{times}x", many)):
        rate = run["rows"] / run["seconds"]
        print(
            f"  {label:<4} {run['rows']:>12,.0f} rows {run['seconds']:8.2f} s "
            f"{rate:>12,.0f} rows/s   peak memory {run['peak_mib']:8.0f} MiB"
        )
    print(
        f"  growth {times}x/1x: time {many['seconds'] / one['seconds']:.1f}x "
        f"(linear: {times}x), peak memory {many['peak_mib'] / one['peak_mib']:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, help="a raw-data folder to use (default: generate)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="runs per timing (best is kept)")
    parser.add_argument("--multiplier", type=int, default=1, help="also time N times the data")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as generated:
        folder = args.data
        if folder is None:
            folder = Path(generated)
            start = time.perf_counter()
            write_demo_data(folder, args.seed, "wales")
            print(f"Wales-scale demo data generated in {time.perf_counter() - start:.1f} s")
        print(f"ingest() + write_processed() of {folder}, best of {args.repeat}:")
        per_dataset(folder, args.repeat)
        seconds, rows = best(folder, args.repeat)
        line("whole folder", seconds, rows, target=True)
        with mock.patch.object(readers, "_plain_table", return_value=None):
            careful, _ = best(folder, 1)
        line("whole folder, careful reader only", careful, rows)
        print(f"{'speed-up over the careful reader':<36} {careful / seconds:8.1f}x")
        if args.multiplier > 1:
            growth(folder, args.multiplier)


if __name__ == "__main__":
    main()
