"""Time the yearly pipeline (``nest-eval run``) against running the reports one by one.

Everything runs in one process, each run into fresh temporary folders, so the ratios compare
runs on the same machine under the same load. In order:

1. **naive way** (the baseline): the national report and the seven RPB reports, in English,
   each run serially with the ``papermill`` command (the notebook computing its own results
   from the demo data) and rendered with ``jupyter nbconvert --to html --no-input``;
2. **demo, 8 English reports, cold**: ``nest-eval run --language en`` with a pipeline file
   restricted to the national and RPB reports; target at least 8x faster than the naive way;
3. **demo, bilingual suite, cold**: ``nest-eval run`` with ``pipelines/yearly.toml``: every
   report and analysis in English and Welsh, the easy-read pages, the spreadsheets; target at
   least 4x faster than the naive way's 8 English reports;
4. **demo, unchanged rerun** of the bilingual suite: target under 0.5 s;
5. **demo, one RPB's file changed**: the demo data with each RPB's outcome measures in its own
   file (``outcomes_<slug>.csv``), run cold (untimed), then one score in Gwent's file changed
   and the suite run again: the time, and which steps ran again and which were reused;
6. **Wales scale** (``demo-data --scale wales``; its generation untimed): the 8 English reports
   cold, with ingest in rows per second (target 200,000), the year's computation (target
   under 3 s) and the whole run (target under 15 s); then the bilingual suite cold, with its
   peak memory;
7. **ten times Wales** (``--scale 10``): the bilingual suite cold (target under 90 s, peak
   memory under 4 GB), and how time and memory grow from 1x to 10x.

Peak memory is the largest total proportional set size (``Pss`` in ``/proc/<pid>/smaps_rollup``,
pages shared between processes counted once) of the run and all its processes (workers, fork
servers, kernels), sampled every 0.25 s (:data:`SAMPLE_INTERVAL`), in the bilingual runs at
Wales scale and ten times Wales, whose memory is a target or its growth is printed. The runs
timed against a target of time alone are not sampled: the sampling takes processor time from
them. Targets are printed with PASS or MISS; nothing is asserted.

Run: .venv/bin/python benchmarks/bench_pipeline.py [--skip-naive] [--skip-wales] [--skip-10x]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from nest_eval.pipeline.steps import load_pipeline
from nest_eval.reference.vocabulary import RPB_NAMES, rpb_slug

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NEST_EVAL = str(BIN / "nest-eval")
PAPERMILL = str(BIN / "papermill")
JUPYTER = str(BIN / "jupyter")
YEAR = 2025
KERNEL = "nest-eval"
REPORT_STEPS = ("national", "rpb")
CHANGED_RPB = "Gwent"

TARGET_ENGLISH = 8.0  # naive / 8 English reports cold
TARGET_BILINGUAL = 4.0  # naive / bilingual suite cold
TARGET_RERUN = 0.5  # seconds
TARGET_INGEST = 200_000  # rows per second, Wales scale
TARGET_COMPUTE = 3.0  # seconds, Wales scale
TARGET_WALES_ENGLISH = 15.0  # seconds, 8 English reports cold at Wales scale
TARGET_10X = 90.0  # seconds, bilingual suite cold at ten times Wales
TARGET_MEMORY = 4 * 1024**3  # bytes
SAMPLE_INTERVAL = 0.25
"""Seconds between two readings of the run's memory. Reading ``smaps_rollup`` walks each
process's page tables: every 0.05 s it took about 5.7 s of processor time in a 20 s run of
the 8 English reports (two runs), slowing the run by 3 to 4 s on two processors, while the
naive way, on one processor, was not slowed. Every 0.5 s it took 0.7 s and found the same
peak (within 1%). Every 0.25 s it still slowed the 8 English reports at Wales scale by 0.4 to
0.5 s (two runs each way), so runs timed against a target of time alone are not sampled."""


class CommandError(RuntimeError):
    """A benchmarked command exited with an error (its output has been printed)."""


@dataclass
class Timed:
    """A command's wall time, standard output and peak memory (bytes, Pss of its tree)."""

    seconds: float
    stdout: str
    peak: int = 0


@dataclass
class Row:
    label: str
    seconds: float | None
    target: str = ""
    status: str = ""
    notes: list[str] = field(default_factory=list)


def _children(pid: int) -> list[int]:
    """The processes a process started (none once it has ended)."""
    found = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:  # ended since it was listed
        return found
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _pss(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) * 1024 if match else 0


def _tree_pss(root: int) -> int:
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += _pss(pid)
        pending += _children(pid)
    return total


def run(command: list[str], cwd: Path, sample: bool = False) -> Timed:
    """Run a command; its wall time, output and (``sample``) peak memory; print its output on
    failure."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = [0]
    done = threading.Event()

    def sampled() -> None:
        while not done.wait(SAMPLE_INTERVAL):
            peak[0] = max(peak[0], _tree_pss(process.pid))

    sampler = threading.Thread(target=sampled, daemon=True)
    if sample:
        sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    if sample:
        sampler.join()
    if process.returncode:
        print(f"\nFAILED (exit {process.returncode}): {' '.join(command)}", file=sys.stderr)
        print(f"--- stdout ---\n{stdout or '(empty)'}", file=sys.stderr)
        print(f"--- stderr ---\n{stderr or '(empty)'}", file=sys.stderr)
        raise CommandError(command[0])
    return Timed(seconds, stdout, peak[0])


def progress_seconds(stdout: str, prefix: str) -> float | None:
    """The time on the progress line starting with ``prefix``, e.g. ``ingest: ... (1.2 s)``."""
    for line in stdout.splitlines():
        if line.startswith(prefix):
            match = re.search(r"\(([\d.]+) s\)\s*$", line)
            if match:
                return float(match.group(1))
    return None


def rows_read(stdout: str) -> int:
    """Rows read by the ingest, from its summary (``<dataset>: N read = ...``)."""
    return sum(int(m.group(1)) for m in re.finditer(r"^\w+: (\d+) read = ", stdout, re.M))


def summary_line(stdout: str) -> str:
    """The pipeline's closing line (``2025: N notebook(s) run, ...``)."""
    lines = [line for line in stdout.splitlines() if line.startswith(f"{YEAR}:")]
    return lines[-1] if lines else "(no summary line)"


def steps_run(stdout: str) -> list[str]:
    """What a run did: each step's progress line (ran with its time, or reused)."""
    notes = []
    for line in stdout.splitlines():
        if line.startswith(
            (
                "ingest:",
                "data check",
                f"compute {YEAR}: results",
                f"compute {YEAR}: unchanged",
                f"spreadsheets {YEAR}",
                f"easy read {YEAR}",
                "figures:",
            )
        ):
            notes.append(line)
    ran = [m.group(1) for m in re.finditer(r"\]\s+(.*): done \(", stdout)]
    if ran:
        notes.append(f"notebooks run ({len(ran)}): {', '.join(ran)}")
    notebook_times = [float(m.group(1)) for m in re.finditer(r": done \(([\d.]+) s\)", stdout)]
    if notebook_times:
        notes.append(
            f"notebook time: sum {sum(notebook_times):.1f} s, slowest {max(notebook_times):.1f} s"
        )
    notes.append(summary_line(stdout))
    return notes


def restricted_pipeline(folder: Path) -> Path:
    """Write ``folder/pipelines/yearly.toml`` with only the national and RPB report steps."""
    text = (ROOT / "pipelines" / "yearly.toml").read_text(encoding="utf-8")
    head, *steps = text.split("[[steps]]")
    kept = [s for s in steps if re.search(r'^name\s*=\s*"(\w+)"', s, re.M).group(1) in REPORT_STEPS]
    (folder / "pipelines").mkdir(parents=True)
    file = folder / "pipelines" / "yearly.toml"
    file.write_text(head + "".join("[[steps]]" + s for s in kept).rstrip() + "\n", encoding="utf-8")
    (folder / "notebooks").symlink_to(ROOT / "notebooks", target_is_directory=True)
    names = tuple(step.name for step in load_pipeline(file).steps)
    if names != REPORT_STEPS:
        raise RuntimeError(f"restricted pipeline has steps {names}, expected {REPORT_STEPS}")
    return file


def pipeline_command(
    data: Path, folder: Path, pipeline: Path, jobs: int, english_only: bool = False
) -> list[str]:
    command = [NEST_EVAL, "run", "--year", str(YEAR), "--data", str(data)]
    command += ["--out", str(folder / "out"), "--processed", str(folder / "processed")]
    command += ["--build", str(folder / "build"), "--pipeline", str(pipeline)]
    command += ["--jobs", str(jobs)]
    return command + (["--language", "en"] if english_only else [])


def ensure_kernel(cwd: Path) -> None:
    listing = run([JUPYTER, "kernelspec", "list", "--json"], cwd).stdout
    if KERNEL not in json.loads(listing).get("kernelspecs", {}):
        print(f"registering the Jupyter kernel {KERNEL!r}")
        run(
            [str(BIN / "python"), "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL],
            cwd,
        )


def naive_loop(folder: Path, data: Path) -> float:
    """Run and render the 8 reports one after another, each computing its own results."""
    reports = [("national", ROOT / "notebooks" / "national_report.ipynb", None)]
    reports += [(f"rpb {n}", ROOT / "notebooks" / "rpb_report.ipynb", n) for n in RPB_NAMES]
    start = time.perf_counter()
    for number, (label, notebook, rpb) in enumerate(reports):
        executed = folder / f"{number:02d}_{notebook.stem}.ipynb"
        command = [PAPERMILL, str(notebook), str(executed), "-k", KERNEL]
        command += ["-y", f"settings: {{year: {YEAR}, languages: [en]}}"]
        command += ["-p", "data_dir", str(data), "--cwd", str(folder)]
        if rpb is not None:
            command += ["-p", "rpb", rpb]
        t_run = run(command, folder).seconds
        t_html = run(
            [JUPYTER, "nbconvert", "--to", "html", "--no-input", str(executed)], folder
        ).seconds
        print(f"  naive {label:<28} papermill {t_run:6.1f} s   nbconvert {t_html:5.1f} s")
    return time.perf_counter() - start


def split_by_rpb(source: Path, target: Path, dataset: str) -> Path:
    """Copy a data folder with ``dataset`` split into one file per RPB, text kept as written.

    Rows whose RPB is not one of the seven (the demo's deliberate problems) stay in
    ``<dataset>_other.csv``. Returns the file of :data:`CHANGED_RPB`.
    """
    shutil.copytree(source, target)
    (target / f"{dataset}.csv").unlink()
    with (source / f"{dataset}.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    column = header.index("rpb")
    groups: dict[str, list[list[str]]] = {}
    for row in body:
        slug = rpb_slug(row[column]) if row[column] in RPB_NAMES else "other"
        groups.setdefault(slug, []).append(row)
    for slug, group in groups.items():
        with (target / f"{dataset}_{slug}.csv").open("w", newline="", encoding="utf-8") as out:
            csv.writer(out, lineterminator="\n").writerows([header, *group])
    return target / f"{dataset}_{rpb_slug(CHANGED_RPB)}.csv"


def change_one_score(file: Path) -> str:
    """Raise the first whole-number score in the file by one; say which row changed."""
    with file.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("score")
    for number, row in enumerate(rows[1:], start=2):
        if re.fullmatch(r"\d+(\.0)?", row[column]):
            old = row[column]
            row[column] = str(int(float(old)) + 1)
            with file.open("w", newline="", encoding="utf-8") as out:
                csv.writer(out, lineterminator="\n").writerows(rows)
            return f"{file.name} row {number}: score {old} -> {row[column]}"
    raise RuntimeError(f"{file}: no whole-number score to change")


def mb(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_table(rows: list[Row]) -> None:
    width = max(len(r.label) for r in rows) + 2
    header = f"{'measurement':<{width}} {'wall time':>10}  {'target':<22} result"
    print(header)
    print("-" * len(header))
    for r in rows:
        seconds = f"{r.seconds:8.2f} s" if r.seconds is not None else ""
        print(f"{r.label:<{width}} {seconds:>10}  {r.target:<22} {r.status}")
        for note in r.notes:
            print(f"{'':<4}{note}")


class Bench:
    """The measurements of one benchmark run, and the rows of its table."""

    def __init__(self, tmp: Path, jobs: int) -> None:
        self.tmp, self.jobs, self.rows, self.failures = tmp, jobs, [], 0
        self.reports = restricted_pipeline(tmp / "project")
        self.full = ROOT / "pipelines" / "yearly.toml"

    def pipeline(
        self, label: str, data: Path, name: str, full: bool, english: bool, sample: bool = False
    ) -> Timed | None:
        pipeline = self.full if full else self.reports
        print(f"{label} ...", flush=True)
        command = pipeline_command(data, self.tmp / name, pipeline, self.jobs, english)
        try:
            return run(command, self.tmp, sample)
        except CommandError:
            self.failures += 1
            self.rows.append(Row(label, None, "", "FAILED"))
            return None

    def ratio_row(
        self, label: str, timed: Timed | None, naive: float | None, target: float
    ) -> None:
        if timed is None:
            return
        ratio = naive / timed.seconds if naive else None
        status = f"{verdict(ratio >= target)} (naive / this = {ratio:.1f}x)" if ratio else ""
        notes = steps_run(timed.stdout)
        self.rows.append(Row(label, timed.seconds, f"naive / this >= {target:.0f}x", status, notes))


def demo_rows(bench: Bench, naive: float | None) -> None:
    demo = ROOT / "data" / "raw"
    english = bench.pipeline("demo cold: 8 English reports", demo, "demo_en", False, True)
    bench.ratio_row("demo cold: 8 English reports", english, naive, TARGET_ENGLISH)
    suite = bench.pipeline("demo cold: bilingual suite", demo, "demo", True, False)
    bench.ratio_row("demo cold: bilingual suite", suite, naive, TARGET_BILINGUAL)
    if suite is not None:
        rerun = bench.pipeline("demo unchanged rerun: bilingual suite", demo, "demo", True, False)
        if rerun is not None:
            bench.rows.append(
                Row(
                    "demo unchanged rerun: bilingual suite",
                    rerun.seconds,
                    f"< {TARGET_RERUN} s",
                    verdict(rerun.seconds < TARGET_RERUN),
                    steps_run(rerun.stdout),
                )
            )
    split = bench.tmp / "split" / "raw"
    changed_file = split_by_rpb(demo, split, "outcomes")
    label = f"demo, {CHANGED_RPB}'s outcomes file changed: bilingual suite rerun"
    if bench.pipeline("demo, outcomes split by RPB, cold (untimed)", split, "split", True, False):
        what = change_one_score(changed_file)
        timed = bench.pipeline(label, split, "split", True, False)
        if timed is not None:
            bench.rows.append(
                Row(
                    label,
                    timed.seconds,
                    "only what changed",
                    "(see below)",
                    [what, *steps_run(timed.stdout)],
                )
            )


def wales_rows(bench: Bench, scale: str, seed: int, english_too: bool) -> Timed | None:
    data = bench.tmp / f"wales_{scale}" / "raw"
    print(f"generating demo data at scale {scale} (untimed) ...", flush=True)
    generated = run(
        [NEST_EVAL, "demo-data", str(data), "--seed", str(seed), "--scale", scale], bench.tmp
    )
    size = sum(p.stat().st_size for p in data.glob("*.csv"))
    print(f"  {generated.seconds:.1f} s, {mb(size)} of CSV", flush=True)
    what = "Wales" if scale == "wales" else f"{scale}x Wales"
    if english_too:
        label = f"{what} cold: 8 English reports"
        timed = bench.pipeline(label, data, f"wales_{scale}_en", False, True)
        if timed is not None:
            ingest = progress_seconds(timed.stdout, "ingest:")
            compute = progress_seconds(timed.stdout, f"compute {YEAR}: results")
            rows = rows_read(timed.stdout)
            rate = rows / ingest if ingest else 0.0
            bench.rows.append(
                Row(
                    f"{what} ingest ({rows:,} rows)",
                    ingest,
                    f">= {TARGET_INGEST:,} rows/s",
                    f"{verdict(rate >= TARGET_INGEST)} ({rate:,.0f} rows/s)",
                )
            )
            bench.rows.append(
                Row(
                    f"{what} year's computation",
                    compute,
                    f"< {TARGET_COMPUTE} s",
                    verdict(compute is not None and compute < TARGET_COMPUTE),
                )
            )
            bench.rows.append(
                Row(
                    label,
                    timed.seconds,
                    f"< {TARGET_WALES_ENGLISH} s",
                    verdict(timed.seconds < TARGET_WALES_ENGLISH),
                    steps_run(timed.stdout),
                )
            )
    label = f"{what} cold: bilingual suite"
    timed = bench.pipeline(label, data, f"wales_{scale}", True, False, sample=True)
    if timed is not None:
        target, status = "", ""
        if scale != "wales":
            ok = timed.seconds < TARGET_10X and timed.peak < TARGET_MEMORY
            target = f"< {TARGET_10X:.0f} s, < {mb(TARGET_MEMORY)}"
            status = verdict(ok)
        bench.rows.append(
            Row(
                label,
                timed.seconds,
                target,
                status,
                [f"peak memory {mb(timed.peak)}", *steps_run(timed.stdout)],
            )
        )
    return timed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    parser.add_argument("--skip-naive", action="store_true", help="skip the serial papermill loop")
    parser.add_argument("--skip-wales", action="store_true", help="skip Wales scale and 10x")
    parser.add_argument("--skip-10x", action="store_true", help="skip ten times Wales")
    parser.add_argument("--multiplier", default="10", help="the larger scale (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the Wales-scale data")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench_pipeline_"))
    try:
        bench = Bench(tmp, args.jobs)
        naive = None
        if not args.skip_naive:
            print("naive: papermill + nbconvert, 8 English reports one after another ...")
            (tmp / "naive").mkdir()
            try:
                ensure_kernel(tmp)
                naive = naive_loop(tmp / "naive", ROOT / "data" / "raw")
                bench.rows.append(Row("naive: 8 English reports, serially", naive, "baseline"))
            except CommandError:
                bench.failures += 1
                bench.rows.append(Row("naive: 8 English reports, serially", None, "baseline"))
        demo_rows(bench, naive)
        if not args.skip_wales:
            one = wales_rows(bench, "wales", args.seed, english_too=True)
            if not args.skip_10x:
                big = wales_rows(bench, args.multiplier, args.seed, english_too=False)
                if one is not None and big is not None:
                    bench.rows.append(
                        Row(
                            f"growth 1x -> {args.multiplier}x Wales (bilingual suite)",
                            None,
                            "close to linear",
                            "",
                            [
                                f"time x{big.seconds / one.seconds:.2f} "
                                f"({one.seconds:.1f} s -> {big.seconds:.1f} s)",
                                f"peak memory x{big.peak / max(one.peak, 1):.2f} "
                                f"({mb(one.peak)} -> {mb(big.peak)})",
                            ],
                        )
                    )
        print()
        print(f"nest-eval run --year {YEAR}, --jobs {args.jobs}; all in this process")
        print()
        print_table(bench.rows)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
