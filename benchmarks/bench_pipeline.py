"""Time the yearly pipeline (``nest-eval run``) against running the reports one by one.

Measures, in one process, with every run in a fresh temporary output and processed folder:

1. **demo, cold**: ``nest-eval run --year 2025`` on the demo data (``data/raw``) with a pipeline
   file restricted to the national report and the seven RPB reports (8 notebooks); then the
   full 13-notebook pipeline (``pipelines/yearly.toml``), cold, into another fresh folder;
2. **demo, unchanged rerun**: the 8-report command again with nothing changed (the package
   source, notebooks and data are hashed first: if someone edited them since the cold run,
   the edited files are named and one untimed run refreshes the cache before timing);
3. **naive way**: each of the 8 reports run serially with the ``papermill`` command (the
   notebook computes its own results from the demo data) and rendered with
   ``jupyter nbconvert --to html --no-input``; the ratio naive / cold;
4. **Wales scale, cold**: Wales-scale demo data (about 100,000 children; its generation timed
   separately), then the 8-report pipeline on it, cold, with its ingest and compute times as
   printed in the run's progress lines;
5. the size of the published demo reports (``<out>/2025/``), of
   ``national.html`` and of one RPB's HTML.

Targets are printed with PASS or MISS beside them; nothing is asserted.

Run: .venv/bin/python benchmarks/bench_pipeline.py [--skip-naive] [--skip-wales] [--jobs 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from nest_eval.pipeline.steps import load_pipeline
from nest_eval.reference.vocabulary import RPB_NAMES

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NEST_EVAL = str(BIN / "nest-eval")
PAPERMILL = str(BIN / "papermill")
JUPYTER = str(BIN / "jupyter")
YEAR = 2025
KERNEL = "nest-eval"
REPORT_STEPS = ("national", "rpb")

TARGET_RERUN = 2.0  # seconds
TARGET_RATIO = 3.0  # naive / cold
TARGET_WALES = 90.0  # seconds


class CommandError(RuntimeError):
    """A benchmarked command exited with an error (its output has been printed)."""


@dataclass
class Row:
    label: str
    seconds: float | None
    target: str = ""
    status: str = ""
    ratio: bool = True  # show the ratio to the baseline run
    notes: list[str] = field(default_factory=list)


def run(command: list[str], cwd: Path) -> tuple[float, str]:
    """Run a command, return its wall time and standard output; print its output on failure."""
    start = time.perf_counter()
    try:
        completed = subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        print(f"\nFAILED (exit {exc.returncode}): {' '.join(command)}", file=sys.stderr)
        print("--- stdout ---", file=sys.stderr)
        print(exc.stdout or "(empty)", file=sys.stderr)
        print("--- stderr ---", file=sys.stderr)
        print(exc.stderr or "(empty)", file=sys.stderr)
        raise CommandError(command[0]) from exc
    return time.perf_counter() - start, completed.stdout


def progress_seconds(stdout: str, prefix: str) -> float | None:
    """The time on the progress line starting with ``prefix``, e.g. ``ingest: ... (1.2 s)``."""
    for line in stdout.splitlines():
        if line.startswith(prefix):
            match = re.search(r"\(([\d.]+) s\)\s*$", line)
            if match:
                return float(match.group(1))
    return None


def summary_line(stdout: str) -> str:
    """The pipeline's closing line (``2025: N notebook(s) run, ...``)."""
    lines = [line for line in stdout.splitlines() if line.startswith(f"{YEAR}:")]
    return lines[-1] if lines else "(no summary line)"


def pipeline_notes(stdout: str) -> list[str]:
    notes = []
    for prefix in ("ingest:", f"compute {YEAR}:"):
        seconds = progress_seconds(stdout, prefix)
        if seconds is not None:
            notes.append(f"{prefix.rstrip(':')} {seconds:.1f} s")
        elif any(line.startswith(prefix) for line in stdout.splitlines()):
            notes.append(f"{prefix.rstrip(':')} skipped")
    notebook_times = [
        float(m.group(1)) for m in re.finditer(r"\]\s+.*: done \(([\d.]+) s\)", stdout)
    ]
    if notebook_times:
        notes.append(
            f"{len(notebook_times)} notebook(s): sum {sum(notebook_times):.1f} s, "
            f"slowest {max(notebook_times):.1f} s"
        )
    notes.append(summary_line(stdout))
    return notes


def snapshot(data: Path) -> dict[str, str]:
    """SHA-256 of everything a run's cache keys depend on that others may edit meanwhile."""
    files = sorted((ROOT / "src" / "nest_eval").rglob("*.py"))
    files += sorted((ROOT / "notebooks").glob("*.ipynb"))
    files += [ROOT / "pipelines" / "yearly.toml"]
    files += sorted(p for p in data.iterdir() if p.is_file())
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def report_pipeline(folder: Path) -> Path:
    """Write ``folder/pipelines/yearly.toml`` with only the national and RPB report steps."""
    text = (ROOT / "pipelines" / "yearly.toml").read_text(encoding="utf-8")
    head, *steps = text.split("[[steps]]")
    kept = [s for s in steps if re.search(r'^name\s*=\s*"(\w+)"', s, re.M).group(1) in REPORT_STEPS]
    (folder / "pipelines").mkdir(parents=True)
    file = folder / "pipelines" / "yearly.toml"
    file.write_text(head + "".join("[[steps]]" + s for s in kept).rstrip() + "\n", encoding="utf-8")
    (folder / "notebooks").symlink_to(ROOT / "notebooks", target_is_directory=True)
    loaded = load_pipeline(file)
    names = tuple(step.name for step in loaded.steps)
    if names != REPORT_STEPS:
        raise RuntimeError(f"restricted pipeline has steps {names}, expected {REPORT_STEPS}")
    return file


def pipeline_command(
    data: Path, out: Path, processed: Path, pipeline: Path, jobs: int
) -> list[str]:
    return [
        NEST_EVAL,
        "run",
        "--year",
        str(YEAR),
        "--data",
        str(data),
        "--out",
        str(out),
        "--processed",
        str(processed),
        "--build",
        str(processed.parent / "build"),
        "--pipeline",
        str(pipeline),
        "--jobs",
        str(jobs),
    ]


def ensure_kernel(cwd: Path) -> None:
    _, listing = run([JUPYTER, "kernelspec", "list", "--json"], cwd)
    if KERNEL not in json.loads(listing).get("kernelspecs", {}):
        print(f"registering the Jupyter kernel {KERNEL!r}")
        run(
            [str(BIN / "python"), "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL],
            cwd,
        )


def naive_loop(folder: Path, data: Path) -> float:
    """Run and render the 8 reports one after another, each computing its own results."""
    reports = [("national", ROOT / "notebooks" / "national_report.ipynb", None)]
    reports += [
        (f"rpb {name}", ROOT / "notebooks" / "rpb_report.ipynb", name) for name in RPB_NAMES
    ]
    start = time.perf_counter()
    for number, (label, notebook, rpb) in enumerate(reports):
        executed = folder / f"{number:02d}_{notebook.stem}.ipynb"
        command = [PAPERMILL, str(notebook), str(executed), "-k", KERNEL]
        command += ["-y", f"settings: {{year: {YEAR}}}", "-p", "data_dir", str(data)]
        if rpb is not None:
            command += ["-p", "rpb", rpb]
        command += ["--cwd", str(folder)]
        t_run, _ = run(command, folder)
        t_html, _ = run([JUPYTER, "nbconvert", "--to", "html", "--no-input", str(executed)], folder)
        print(f"  naive {label:<32} papermill {t_run:6.1f} s   nbconvert {t_html:5.1f} s")
    return time.perf_counter() - start


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def human(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"  # pragma: no cover


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_table(rows: list[Row], baseline: float | None) -> None:
    width = max(len(r.label) for r in rows) + 2
    header = f"{'measurement':<{width}} {'wall time':>10} {'x cold':>7}  {'target':<16} result"
    print(header)
    print("-" * len(header))
    for r in rows:
        seconds = "FAILED" if r.seconds is None else f"{r.seconds:8.1f} s"
        ratio = ""
        if r.ratio and r.seconds is not None and baseline:
            ratio = f"{r.seconds / baseline:6.2f}x"
        print(f"{r.label:<{width}} {seconds:>10} {ratio:>7}  {r.target:<16} {r.status}")
        for note in r.notes:
            print(f"{'':<4}{note}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    parser.add_argument("--skip-naive", action="store_true", help="skip the serial papermill loop")
    parser.add_argument("--skip-wales", action="store_true", help="skip the Wales-scale run")
    parser.add_argument("--skip-full", action="store_true", help="skip the 13-notebook cold run")
    parser.add_argument("--seed", type=int, default=1, help="seed of the Wales-scale data")
    args = parser.parse_args()

    demo = ROOT / "data" / "raw"
    rows: list[Row] = []
    baseline: float | None = None
    failures = 0
    tmp = Path(tempfile.mkdtemp(prefix="bench_pipeline_"))
    try:
        reports_toml = report_pipeline(tmp / "project")
        full_toml = ROOT / "pipelines" / "yearly.toml"
        out, processed = tmp / "demo" / "out", tmp / "demo" / "processed"
        command = pipeline_command(demo, out, processed, reports_toml, args.jobs)

        # 1. demo, cold (8 reports), the baseline
        print(f"demo, cold, 8 reports (--jobs {args.jobs}) ...", flush=True)
        inputs = snapshot(demo)
        try:
            baseline, stdout = run(command, tmp)
            rows.append(
                Row(
                    "demo cold: national + 7 RPB reports",
                    baseline,
                    "baseline",
                    notes=pipeline_notes(stdout),
                )
            )
        except CommandError:
            failures += 1
            rows.append(Row("demo cold: national + 7 RPB reports", None, "baseline"))

        # 2. demo, unchanged rerun
        if baseline is not None:
            print("demo, unchanged rerun ...", flush=True)
            notes = []
            try:
                edited = changed(inputs, snapshot(demo))
                if edited:
                    # Files were edited since the cold run (by someone else): the rerun would
                    # rightly rerun them. Bring the cache up to date, untimed, then measure.
                    notes.append(f"edited since the cold run: {', '.join(edited)}")
                    notes.append("(one untimed run brought the cache up to date first)")
                    run(command, tmp)
                before = snapshot(demo)
                seconds, stdout = run(command, tmp)
                edited = changed(before, snapshot(demo))
                if edited:
                    notes.append(f"edited DURING the timed rerun: {', '.join(edited)}")
                status = verdict(seconds < TARGET_RERUN) + (" (inputs edited)" if edited else "")
                rows.append(
                    Row(
                        "demo unchanged rerun (8 reports)",
                        seconds,
                        f"< {TARGET_RERUN:.0f} s",
                        status,
                        notes=notes + pipeline_notes(stdout),
                    )
                )
            except CommandError:
                failures += 1
                rows.append(Row("demo unchanged rerun (8 reports)", None, "< 2 s", "MISS"))

        # 1b. demo, cold, the full 13-notebook pipeline
        if not args.skip_full:
            print(f"demo, cold, full pipeline (--jobs {args.jobs}) ...", flush=True)
            full_out, full_processed = tmp / "full" / "out", tmp / "full" / "processed"
            try:
                seconds, stdout = run(
                    pipeline_command(demo, full_out, full_processed, full_toml, args.jobs), tmp
                )
                rows.append(
                    Row(
                        "demo cold: full pipeline (13 notebooks)",
                        seconds,
                        notes=pipeline_notes(stdout),
                    )
                )
            except CommandError:
                failures += 1
                rows.append(Row("demo cold: full pipeline (13 notebooks)", None))

        # 3. naive: serial papermill + nbconvert, every notebook computing its results
        if not args.skip_naive:
            print("naive: papermill + nbconvert, one report after another ...", flush=True)
            naive_dir = tmp / "naive"
            naive_dir.mkdir()
            try:
                ensure_kernel(tmp)
                seconds = naive_loop(naive_dir, demo)
                if baseline:
                    ratio = seconds / baseline
                    status = f"{verdict(ratio >= TARGET_RATIO)} (naive / cold = {ratio:.2f})"
                else:
                    status = "(no baseline)"
                rows.append(
                    Row(
                        "naive: serial papermill + nbconvert (8)",
                        seconds,
                        f"naive/cold >= {TARGET_RATIO:.0f}",
                        status,
                    )
                )
            except CommandError:
                failures += 1
                rows.append(Row("naive: serial papermill + nbconvert (8)", None))

        # 4. Wales scale, cold
        if not args.skip_wales:
            wales = tmp / "wales" / "raw"
            print("generating Wales-scale demo data ...", flush=True)
            try:
                seconds, _ = run(
                    [
                        NEST_EVAL,
                        "demo-data",
                        str(wales),
                        "--seed",
                        str(args.seed),
                        "--scale",
                        "wales",
                    ],
                    tmp,
                )
                rows.append(Row("wales: generate demo data (not in run)", seconds, ratio=False))
                print(f"wales, cold, 8 reports (--jobs {args.jobs}) ...", flush=True)
                seconds, stdout = run(
                    pipeline_command(
                        wales,
                        tmp / "wales" / "out",
                        tmp / "wales" / "processed",
                        reports_toml,
                        args.jobs,
                    ),
                    tmp,
                )
                rows.append(
                    Row(
                        "wales cold: national + 7 RPB reports",
                        seconds,
                        f"< {TARGET_WALES:.0f} s",
                        verdict(seconds < TARGET_WALES),
                        notes=pipeline_notes(stdout),
                    )
                )
            except CommandError:
                failures += 1
                rows.append(
                    Row(
                        "wales cold: national + 7 RPB reports",
                        None,
                        f"< {TARGET_WALES:.0f} s",
                        "MISS",
                    )
                )

        # table
        print()
        print(
            f"nest-eval run --year {YEAR}, --jobs {args.jobs}; x cold = time / demo cold "
            "(8 reports) in this process"
        )
        print()
        print_table(rows, baseline)

        # 5. sizes of the published demo reports
        year_dir = out / str(YEAR)
        if (year_dir / "national.html").exists():
            rpb_pages = sorted((year_dir / "rpb").glob("*.html"))
            print()
            print(f"published demo reports ({year_dir.name}/): {human(folder_size(year_dir))}")
            print(f"  national.html: {human((year_dir / 'national.html').stat().st_size)}")
            if rpb_pages:
                page = rpb_pages[0]
                print(f"  rpb/{page.name}: {human(page.stat().st_size)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
