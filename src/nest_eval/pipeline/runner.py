"""The yearly pipeline: ingest, compute once, run every notebook with Papermill, publish.

The steps and their parameter grid are declared in ``pipelines/yearly.toml``. A run for year
*Y* does, in order:

1. **ingest** the raw-data folder into the processed-data folder (skipped when the raw files
   and the code are unchanged);
2. **compute** the year's results once (:func:`nest_eval.domains.year.compute_year`), kept under
   ``<out>/<Y>/.build/`` (hidden, never published);
3. **publish the tables** of the data contract, disclosure-controlled, under ``tables/``;
4. run every **notebook** task with Papermill, each in its own kernel process (the kernel named
   explicitly), ``jobs`` at a time; clean the executed notebook of what varies between runs and
   publish it with its HTML (no code). A task whose notebook, parameters and inputs hash to the
   key its last successful run recorded is skipped;
5. write ``index.html`` and ``manifest.json`` (inputs with SHA-256 and row accounting,
   parameters, code version, package versions, every output file with its SHA-256).

A failing notebook does not stop the others; its partial executed notebook is kept under
``failed/`` and the run ends with a summary naming it. Every file is written atomically.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from nest_eval import __version__
from nest_eval.files import sha256_bytes

__all__ = [
    "Pipeline",
    "RunSummary",
    "Task",
    "TaskOutcome",
    "ensure_kernel",
    "expand_tasks",
    "load_pipeline",
    "run_year",
]

PACKAGES = (
    "nest-eval",
    "numpy",
    "pandas",
    "pyarrow",
    "openpyxl",
    "scipy",
    "statsmodels",
    "matplotlib",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "jupyter_client",
)
"""Packages whose versions the manifest records (what the reports depend on)."""


@dataclass(frozen=True)
class StepSpec:
    """A step of the pipeline file."""

    name: str
    title: str
    notebook: Path
    output: str
    grid: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Pipeline:
    """A pipeline file: its kernel and steps, with the project root they are relative to."""

    name: str
    kernel: str
    steps: tuple[StepSpec, ...]
    root: Path


@dataclass(frozen=True)
class Task:
    """One notebook run: a step with one set of grid values."""

    step: str
    title: str
    notebook: Path
    output: str
    parameters: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        """Short name for progress lines."""
        extra = " ".join(value for _, value in self.parameters)
        return f"{self.step} {extra}".strip()


@dataclass
class TaskOutcome:
    """What happened to a task in a run."""

    task: Task
    status: str  # "ran", "skipped" or "failed"
    seconds: float = 0.0
    error: str = ""
    executed: str = ""


@dataclass
class RunSummary:
    """The outcome of a run."""

    year: int
    out_dir: Path
    outcomes: list[TaskOutcome] = field(default_factory=list)
    ingest_ran: bool = False
    compute_ran: bool = False

    @property
    def failed(self) -> list[TaskOutcome]:
        """The tasks that failed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when no task failed."""
        return not self.failed


def load_pipeline(path: str | Path) -> Pipeline:
    """Read a pipeline file (see ``pipelines/yearly.toml``).

    Parameters
    ----------
    path : str or pathlib.Path
        The TOML file; paths in it are relative to its folder's parent (the project root).

    Returns
    -------
    Pipeline

    Raises
    ------
    ValueError
        When a step lacks a field or names a notebook that does not exist.
    """
    file = Path(path).resolve()
    config = tomllib.loads(file.read_text(encoding="utf-8"))
    root = file.parent.parent
    steps = []
    for number, raw in enumerate(config.get("steps", []), start=1):
        missing = [k for k in ("name", "notebook", "output") if k not in raw]
        if missing:
            raise ValueError(f"{file}: step {number} lacks {', '.join(missing)}")
        notebook = root / raw["notebook"]
        if not notebook.exists():
            raise ValueError(f"{file}: step {raw['name']!r}: no notebook {raw['notebook']}")
        grid = tuple(sorted(raw.get("grid", {}).items()))
        steps.append(
            StepSpec(raw["name"], raw.get("title", raw["name"]), notebook, raw["output"], grid)
        )
    settings = config.get("pipeline", {})
    return Pipeline(
        settings.get("name", file.stem), settings.get("kernel", "nest-eval"), tuple(steps), root
    )


def expand_tasks(pipeline: Pipeline, rpbs: Sequence[str] | None = None) -> list[Task]:
    """The tasks of a pipeline: one per step and combination of grid values.

    Parameters
    ----------
    pipeline : Pipeline
        The pipeline.
    rpbs : sequence of str, optional
        Only these RPBs (any alias) for steps with an ``rpb`` grid; None means all seven.

    Returns
    -------
    list of Task
    """
    from nest_eval.reference.vocabulary import RPB_NAMES, resolve_rpb, rpb_slug

    chosen = [resolve_rpb(r) for r in rpbs] if rpbs else list(RPB_NAMES)
    tasks = []
    for step in pipeline.steps:
        grid = dict(step.grid)
        if "rpb" in grid:
            values = chosen if grid["rpb"] == "all" else [resolve_rpb(grid["rpb"])]
            values = [v for v in RPB_NAMES if v in values]
            for rpb in values:
                tasks.append(
                    Task(
                        step.name,
                        f"{step.title}: {rpb}",
                        step.notebook,
                        step.output.format(slug=rpb_slug(rpb)),
                        (("rpb", rpb),),
                    )
                )
        else:
            tasks.append(Task(step.name, step.title, step.notebook, step.output))
    return tasks


def _key(payload: object) -> str:
    return sha256_bytes(json.dumps(payload, sort_keys=True, default=str).encode())


def _raw_inputs(data_dir: Path) -> list[dict[str, str]]:
    from nest_eval.files import sha256_file

    return [
        {"file": p.name, "sha256": sha256_file(p)}
        for p in sorted(data_dir.iterdir(), key=lambda p: p.name)
        if p.is_file() and not p.name.startswith((".", "~$"))
    ]


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def ensure_kernel(name: str) -> None:
    """Register this environment's Python as the named Jupyter kernel if it is missing."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(name)
        if Path(spec.argv[0]).exists():
            return
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    install(kernel_name=name, display_name=f"Python ({name})", prefix=sys.prefix)


def _execute(job: dict) -> dict:
    """Run one notebook with Papermill and publish it (runs in a worker process)."""
    import nbformat
    import papermill

    from nest_eval.files import atomic_write_text
    from nest_eval.pipeline.publish import clean_notebook, notebook_html

    year_dir = Path(job["year_dir"])
    stem = job["output"]
    scratch = year_dir / ".build" / "executing" / f"{stem}.ipynb"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    # The kernel inherits this process's stderr: send it to the task's log, not the console.
    log = year_dir / ".build" / "logs" / f"{stem}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    saved_stderr = os.dup(2)
    with log.open("w", encoding="utf-8") as handle:
        os.dup2(handle.fileno(), 2)
    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            job["notebook"],
            str(scratch),
            parameters=job["parameters"],
            kernel_name=job["kernel"],
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            cwd=str(year_dir),
        )
    except Exception as exc:  # the notebook failed: keep what it produced
        failed = year_dir / "failed" / f"{stem}.ipynb"
        failed.parent.mkdir(parents=True, exist_ok=True)
        if scratch.exists():
            shutil.move(str(scratch), failed)
        message = getattr(exc, "evalue", None) or str(exc)
        ename = getattr(exc, "ename", type(exc).__name__)
        return {
            "status": "failed",
            "seconds": time.perf_counter() - start,
            "error": f"{ename}: {message}".strip()[:500],
            "executed": str(failed) if failed.exists() else "",
        }
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
    nb = clean_notebook(nbformat.read(scratch, as_version=4))
    atomic_write_text(year_dir / "notebooks" / f"{stem}.ipynb", nbformat.writes(nb) + "\n")
    atomic_write_text(year_dir / f"{stem}.html", notebook_html(nb, job["title"]))
    scratch.unlink(missing_ok=True)
    (year_dir / "failed" / f"{stem}.ipynb").unlink(missing_ok=True)
    return {
        "status": "ran",
        "seconds": time.perf_counter() - start,
        "error": "",
        "executed": str(year_dir / "notebooks" / f"{stem}.ipynb"),
    }


def _package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def run_year(
    year: int,
    data_dir: str | Path = "data/raw",
    out_dir: str | Path = "reports",
    processed_dir: str | Path = "data/processed",
    pipeline_file: str | Path = "pipelines/yearly.toml",
    rpbs: Sequence[str] | None = None,
    jobs: int = 2,
    force: bool = False,
    baseline_year: int | None = None,
    measures_config: str | Path | None = None,
    threshold: int = 10,
    progress: Callable[[str], None] = print,
) -> RunSummary:
    """Run the yearly pipeline and publish to ``<out_dir>/<year>/``.

    Parameters
    ----------
    year : int
        The reporting year.
    data_dir : str or pathlib.Path
        Raw-data folder.
    out_dir : str or pathlib.Path
        Output folder; the run publishes under ``<out_dir>/<year>/``.
    processed_dir : str or pathlib.Path
        Processed-data folder written by ingest.
    pipeline_file : str or pathlib.Path
        The steps and parameter grid.
    rpbs : sequence of str, optional
        Only these RPBs' reports (default all seven).
    jobs : int
        Notebooks run at once.
    force : bool
        Run every step even when unchanged.
    baseline_year : int, optional
        Baseline for every RPB and domain (default: each one's earliest earlier year).
    measures_config : str or pathlib.Path, optional
        TOML overrides of the measures catalogue.
    threshold : int
        Disclosure-control threshold (counts below it are suppressed below Wales level).
    progress : callable
        Receives one line per event.

    Returns
    -------
    RunSummary
    """
    from nest_eval.files import code_fingerprint

    data_dir, out_dir, processed_dir = Path(data_dir), Path(out_dir), Path(processed_dir)
    if not data_dir.is_dir():
        raise NotADirectoryError(f"{data_dir}: no such folder")
    pipeline = load_pipeline(pipeline_file)
    tasks = expand_tasks(pipeline, rpbs)
    year_dir = out_dir / str(year)
    build = year_dir / ".build"
    summary = RunSummary(year, year_dir)
    code = code_fingerprint()
    config_sha = sha256_bytes(Path(measures_config).read_bytes()) if measures_config else None

    # 1. ingest
    inputs = _raw_inputs(data_dir)
    ingest_key = _key({"inputs": inputs, "code": code})
    state_file = processed_dir / "ingest_state.json"
    if (
        force
        or _read_json(state_file).get("key") != ingest_key
        or not (processed_dir / "accounting.json").exists()
    ):
        from nest_eval.ingest.datasets import format_summary, ingest, write_processed
        from nest_eval.reference.overrides import load_reference

        started = time.perf_counter()
        result = ingest(data_dir, load_reference(measures_config))
        write_processed(result, processed_dir)
        _write_json(state_file, {"key": ingest_key})
        summary.ingest_ran = True
        failed = [n for n, d in result.datasets.items() if d.status == "failed"]
        progress(format_summary(result).rstrip())
        progress(
            f"ingest: {result.rows_quarantined} row(s) quarantined"
            + (f"; NOT LOADED: {', '.join(failed)}" if failed else "")
            + f" ({time.perf_counter() - started:.1f} s)"
        )
    else:
        progress("ingest: unchanged, skipped")

    # 2. compute the year's results once
    parameters = {
        "year": year,
        "baseline_year": baseline_year,
        "threshold": threshold,
        "measures_config_sha256": config_sha,
    }
    results_key = _key({"ingest": ingest_key, **parameters})
    run_id = results_key[:16]
    results_file = build / "results.pkl"
    results_state = build / "results_state.json"
    tables_present = (year_dir / "tables" / "distance_travelled.csv").exists()
    if (
        force
        or _read_json(results_state).get("key") != results_key
        or not results_file.exists()
        or not tables_present
    ):
        from nest_eval.domains.year import compute_year, load_data, save_results
        from nest_eval.reference.measures import load_catalogue

        started = time.perf_counter()
        results = compute_year(
            load_data(processed_dir), year, baseline_year, load_catalogue(measures_config)
        )
        save_results(results, results_file)
        _publish_tables(results, year_dir / "tables", threshold)
        _write_json(results_state, {"key": results_key})
        summary.compute_ran = True
        progress(f"compute {year}: results and tables ({time.perf_counter() - started:.1f} s)")
    else:
        progress(f"compute {year}: unchanged, skipped")
    data_link = build / "data"
    if data_link.is_symlink() or data_link.exists():
        data_link.unlink()
    data_link.symlink_to(processed_dir.resolve(), target_is_directory=True)

    # 3. notebooks
    jobs_to_run = []
    for task in tasks:
        params = {
            "year": year,
            "baseline_year": baseline_year,
            "data_dir": ".build/data",
            "results": ".build/results.pkl",
            "figures_dir": "figures",
            "threshold": threshold,
            "run_id": run_id,
            **dict(task.parameters),
        }
        key = _key(
            {
                "notebook": sha256_bytes(task.notebook.read_bytes()),
                "params": params,
                "results": results_key,
                "code": code,
                "kernel": pipeline.kernel,
            }
        )
        state = build / "state" / f"{task.output.replace('/', '__')}.json"
        published = (year_dir / f"{task.output}.html").exists() and (
            year_dir / "notebooks" / f"{task.output}.ipynb"
        ).exists()
        if not force and published and _read_json(state).get("key") == key:
            summary.outcomes.append(TaskOutcome(task, "skipped"))
            progress(f"  {task.label}: unchanged, skipped")
            continue
        state.unlink(missing_ok=True)
        jobs_to_run.append(
            (
                task,
                state,
                key,
                {
                    "notebook": str(task.notebook),
                    "output": task.output,
                    "title": task.title,
                    "parameters": params,
                    "kernel": pipeline.kernel,
                    "year_dir": str(year_dir),
                },
            )
        )
    if jobs_to_run:
        ensure_kernel(pipeline.kernel)
        progress(f"running {len(jobs_to_run)} notebook(s), {max(1, jobs)} at a time")
        total = len(jobs_to_run)
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, total))) as pool:
            futures = {
                pool.submit(_execute, job): (task, state, key)
                for task, state, key, job in jobs_to_run
            }
            for done, future in enumerate(as_completed(futures), start=1):
                task, state, key = futures[future]
                result = future.result()
                outcome = TaskOutcome(
                    task, result["status"], result["seconds"], result["error"], result["executed"]
                )
                summary.outcomes.append(outcome)
                if outcome.status == "ran":
                    _write_json(state, {"key": key})
                    progress(f"  [{done}/{total}] {task.label}: done ({outcome.seconds:.1f} s)")
                else:
                    for stale in (
                        year_dir / f"{task.output}.html",
                        year_dir / "notebooks" / f"{task.output}.ipynb",
                    ):
                        stale.unlink(missing_ok=True)
                    progress(f"  [{done}/{total}] {task.label}: FAILED ({outcome.error})")

    # 4. index and manifest
    order = {t: i for i, t in enumerate(tasks)}
    summary.outcomes.sort(key=lambda o: order[o.task])
    _write_index(year_dir, year, tasks, summary)
    _write_manifest(
        year_dir, pipeline, tasks, inputs, processed_dir, parameters, run_id, code, data_dir
    )
    return summary


def _write_json(path: Path, payload: object) -> None:
    from nest_eval.files import atomic_write_text

    atomic_write_text(path, json.dumps(payload, indent=2, sort_keys=True) + "\n")


def _publish_tables(results, tables_dir: Path, threshold: int) -> None:
    """The contract's tables (disclosure-controlled) and the report's other tables."""
    from nest_eval.files import write_csv
    from nest_eval.reporting.report import published_tables

    for name, frame in published_tables(results, threshold).items():
        write_csv(frame, tables_dir / f"{name}.csv")


def _write_index(year_dir: Path, year: int, tasks: list[Task], summary: RunSummary) -> None:
    from nest_eval.files import atomic_write_text
    from nest_eval.pipeline.publish import page

    def link(path: str, text: str) -> str:
        return f'<li><a href="{html.escape(path)}">{html.escape(text)}</a></li>'

    reports = [t for t in tasks if t.step in ("national", "rpb")]
    analyses = [t for t in tasks if t.step not in ("national", "rpb")]
    available = {o.task for o in summary.outcomes if o.status != "failed"}
    body = [
        f"<h1>NYTH/NEST evaluation: reports for {year}</h1>",
        '<p class="note">Distance travelled by each Regional Partnership Board and by '
        "Wales. Counts from 1 to 9 below Wales level, and figures resting on them, are "
        "suppressed and shown as <b>c</b>.</p>",
        "<h2>Reports</h2>",
        "<ul>",
    ]
    body += [link(f"{t.output}.html", t.title) for t in reports if t in available]
    body += ["</ul>", "<h2>Analyses</h2>", "<ul>"]
    body += [link(f"{t.output}.html", t.title) for t in analyses if t in available]
    body += ["</ul>", "<h2>Tables</h2>", "<ul>"]
    tables_dir = year_dir / "tables"
    if tables_dir.exists():
        body += [link(f"tables/{p.name}", p.name) for p in sorted(tables_dir.glob("*.csv"))]
    body += ["</ul>", "<h2>Executed notebooks</h2>", "<ul>"]
    body += [
        link(f"notebooks/{t.output}.ipynb", f"{t.output}.ipynb") for t in tasks if t in available
    ]
    body += [
        "</ul>",
        '<p><a href="manifest.json">manifest.json</a>: inputs, parameters, code '
        "and package versions, and every output with its SHA-256.</p>",
    ]
    if summary.failed:
        body += ["<h2>Not produced in this run</h2>", "<ul>"]
        body += [f"<li>{html.escape(o.task.title)}</li>" for o in summary.failed]
        body.append("</ul>")
    atomic_write_text(
        year_dir / "index.html", page(f"NYTH/NEST evaluation {year}", "\n".join(body))
    )


def _write_manifest(
    year_dir: Path,
    pipeline: Pipeline,
    tasks: list[Task],
    inputs: list,
    processed_dir: Path,
    parameters: dict,
    run_id: str,
    code: str,
    data_dir: Path,
) -> None:
    from nest_eval.files import atomic_write_text
    from nest_eval.pipeline.publish import file_manifest

    accounting = _read_json(processed_dir / "accounting.json")
    manifest = {
        "run_id": run_id,
        "pipeline": pipeline.name,
        "year": parameters["year"],
        "parameters": {**parameters, "kernel": pipeline.kernel},
        "code": {"nest_eval_version": __version__, "source_sha256": code},
        "packages": _package_versions(),
        "python": sys.version.split()[0],
        "inputs": {
            "folder": data_dir.name,
            "files": inputs,
            "accounting": accounting.get("datasets", {}),
            "unmatched_files": accounting.get("unmatched_files", []),
        },
        "steps": [
            {
                "step": t.step,
                "output": t.output,
                "notebook": t.notebook.relative_to(pipeline.root).as_posix(),
                "parameters": dict(t.parameters),
            }
            for t in tasks
        ],
        "outputs": file_manifest(year_dir, exclude=("manifest.json", "failed/")),
    }
    atomic_write_text(
        year_dir / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    )


def main_run(args) -> int:
    """Entry point for ``nest-eval run`` (see :mod:`nest_eval.cli`)."""
    started = time.perf_counter()
    summary = run_year(
        args.year,
        args.data,
        args.out,
        args.processed,
        args.pipeline,
        args.rpb,
        args.jobs,
        args.force,
        args.baseline_year,
        args.measures_config,
        args.threshold,
    )
    elapsed = time.perf_counter() - started
    ran = sum(o.status == "ran" for o in summary.outcomes)
    skipped = sum(o.status == "skipped" for o in summary.outcomes)
    print(
        f"{summary.year}: {ran} notebook(s) run, {skipped} unchanged, "
        f"{len(summary.failed)} failed, in {elapsed:.1f} s; published to {summary.out_dir}"
    )
    if summary.failed:
        print("FAILED:", file=sys.stderr)
        for outcome in summary.failed:
            where = outcome.executed or "(no executed notebook)"
            print(
                f"  {outcome.task.label}: {outcome.error}\n    executed notebook: {where}",
                file=sys.stderr,
            )
        return 1
    return 0
