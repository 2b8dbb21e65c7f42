"""The yearly pipeline: ingest, compute once, publish the tables, run every notebook, publish.

A run for year *Y* with a :class:`~nest_eval.config.RunConfig` does, in order:

1. **ingest** the raw-data folder into the processed-data folder (skipped when the raw files,
   the code and the environment are unchanged; otherwise only the datasets whose files
   changed are read again, :mod:`nest_eval.pipeline.ingest_reuse`);
2. **check** the processed data (:mod:`nest_eval.pipeline.gate`): a run whose data would leave
   the year's reports empty or incomplete publishes nothing, unless the run accepts it;
3. **compute** the year's results once (:func:`nest_eval.domains.year.compute_year`), stored
   under the build folder (``<build>/<Y>/``, never published), and publish the contract's
   tables, disclosure-controlled, under ``<reports>/<Y>/tables/``. When the data is ingested,
   this is done in a child forked as ingest begins, which imports the computation's libraries
   (:data:`COMPUTE_IMPORTS`) on the other processor meanwhile
   (:func:`nest_eval.domains.forked.prepared`), then forks the notebooks' fork server
   (:mod:`nest_eval.pipeline.handover`);
4. run every **notebook** task of the pipeline file with Papermill, once per language of the
   run (English and Welsh by default), each in its own kernel process, ``jobs`` at a time, and
   publish its executed notebook and HTML page (no code) under that language's names
   (``rpb/gwent.html``, ``rpb/gwent.cy.html``). A task whose notebook, parameters (its
   language among them) and inputs hash to the key its last successful run in that language
   recorded is skipped. Each kernel is forked from a process that has already imported the
   report's libraries (:mod:`nest_eval.pipeline.kernels`), and a figure drawn by an earlier
   run with the same specification is reused (:mod:`nest_eval.reporting.figures.cache`);
5. meanwhile, in a worker once the notebooks are handed out (the workers have imported what
   this needs; the main process has not), write each table's **spreadsheets** (ODS and XLSX)
   and the **easy-read** pages for children and young people, for Wales and each RPB, in each
   language (:mod:`nest_eval.pipeline.easy_read`), unless their inputs are unchanged;
6. write ``index.html`` (and its Welsh twin) and ``manifest.json``, in a worker too when there
   are any.

``<reports>/<Y>/`` holds only what is published: results, state, logs, executing and failed
notebooks live under the build folder, and nothing published names it. A failing notebook does
not stop the others; its partial executed notebook is kept under ``<build>/<Y>/failed/`` and
the run ends with a summary naming it. Every file is written atomically.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from nest_eval.config import RunConfig
from nest_eval.domains.forked import Prepared, prepared
from nest_eval.domains.forked import started as in_child
from nest_eval.files import atomic_write_text, sha256_bytes, sha256_file, write_csv
from nest_eval.pipeline.easy_read import easy_read_name, easy_read_scopes
from nest_eval.pipeline.keys import key
from nest_eval.pipeline.progress import reporter, steps
from nest_eval.pipeline.steps import Pipeline, Task, expand_tasks, load_pipeline
from nest_eval.reporting.outputs import SOURCE_LANGUAGE, localised, table_downloads

__all__ = ["RunSummary", "TaskOutcome", "main_run", "run_year"]

Progress = Callable[[str], None]
Results = Callable[[], Any]
"""The year's stored results, read from the build folder when first asked for."""


@dataclass
class TaskOutcome:
    """What happened to a task in a run."""

    task: Task
    status: str  # "ran", "skipped" or "failed"
    seconds: float = 0.0
    error: str = ""
    executed: str = ""
    lang: str = SOURCE_LANGUAGE

    @property
    def label(self) -> str:
        """The task and its language, for progress lines."""
        return f"{self.task.label} [{self.lang}]"


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


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, payload: object) -> None:
    atomic_write_text(path, json.dumps(payload, indent=2, sort_keys=True) + "\n")


def _raw_inputs(data_dir: Path) -> list[dict[str, str]]:
    return [
        {"file": p.name, "sha256": sha256_file(p)}
        for p in sorted(data_dir.iterdir(), key=lambda p: p.name)
        if p.is_file() and not p.name.startswith((".", "~$"))
    ]


def _ingest(
    config: RunConfig, inputs: list, summary: RunSummary, progress: Progress,
    before: Callable[[], None] = lambda: None,
) -> str:  # fmt: skip
    """Step 1: ingest the raw data unless unchanged; returns the ingest key.

    ``before`` is called first when the data is to be ingested (not when unchanged). The data
    is read in a forked child (:func:`_ingested`), so that this process, which lives on through
    the notebooks, never holds it: what ingest leaves in a process's memory is returned when
    the child ends.
    """
    processed = config.folders.processed
    reference = config.computation()["reference_config_sha256"]
    ingest_key = key({"inputs": inputs, "reference": reference})
    state_file = processed / "ingest_state.json"
    unchanged = _read_json(state_file).get("key") == ingest_key
    if unchanged and not config.force and (processed / "accounting.json").exists():
        progress("ingest: unchanged, skipped")
        return ingest_key
    before()
    import nest_eval.ingest.datasets
    import nest_eval.pipeline.ingest_reuse  # noqa: F401 - imported once, here, for the child

    clock = time.perf_counter()
    report, line = in_child(partial(_ingested, config, inputs, reference))()
    _write_json(state_file, {"key": ingest_key})
    summary.ingest_ran = True
    progress(report)
    progress(f"{line} ({time.perf_counter() - clock:.1f} s)")
    return ingest_key


def _ingested(config: RunConfig, inputs: list, reference: str) -> tuple[str, str]:
    """Ingest the raw data into the processed folder; returns the report and the ingest line."""
    from nest_eval.ingest.datasets import format_summary, ingest, write_processed
    from nest_eval.pipeline.ingest_reuse import dataset_keys, keep_outcomes, kept_outcomes

    processed = config.folders.processed
    keys = dataset_keys(inputs, reference)
    kept = {} if config.force else kept_outcomes(processed, keys)
    result = ingest(config.folders.data, config.reference(), kept)
    write_processed(result, processed)
    keep_outcomes(processed, result, keys)
    failed = [n for n, d in result.datasets.items() if d.status == "failed"]
    read = [name for name in result.datasets if name not in kept]
    line = (
        f"ingest: {result.rows_quarantined} row(s) quarantined"
        + (f"; NOT LOADED: {', '.join(failed)}" if failed else "")
        + f"; read {', '.join(read) or 'nothing'}"
        + (f"; unchanged, not read again: {', '.join(kept)}" if kept else "")
    )
    return format_summary(result).rstrip(), line


def _publish_tables(results: Any, config: RunConfig) -> None:
    """The contract's tables (disclosure-controlled) and the report's others: CSV, ODS, XLSX."""
    from nest_eval.reporting.tables import published_tables

    tables_dir = config.year_dir() / "tables"
    tables = published_tables(results, config)
    for name, frame in tables.items():
        write_csv(frame, tables_dir / f"{name}.csv")


def _publish_spreadsheets(
    config: RunConfig, results: Results, results_key: str, progress: Progress
) -> bool:
    """Each table as ODS and XLSX in each language published (GSS spreadsheet layout).

    Skipped when the results, the publication's settings (its date on the cover) and the
    languages are those they were last written with; otherwise only the tables whose content,
    or those settings, changed are written again. Returns whether any file was written.
    """
    state_file = config.build_dir() / "spreadsheets_state.json"
    state = _read_json(state_file)
    settings = {
        "publication": config.publication(),
        "languages": config.languages,
        "source": [config.year, config.financial, config.disclosure.shorthand],
    }
    wanted = key({"results": results_key, **settings})
    present = (config.year_dir() / "tables" / "distance_travelled.xlsx").exists()
    if state.get("key") == wanted and present and not config.force:
        return False
    from nest_eval.reporting.spreadsheets import Source, write_spreadsheets
    from nest_eval.reporting.tables import published_tables

    started = time.perf_counter()
    tables = published_tables(results(), config)
    written = state.get("tables", {}) if not config.force else {}
    keys = {
        name: key({"table": sha256_bytes(frame.to_csv(index=False).encode()), **settings})
        for name, frame in tables.items()
    }
    stale = {
        name: frame
        for name, frame in tables.items()
        if written.get(name) != keys[name] or not _spreadsheets_present(config, name)
    }
    source = Source(
        config.year, config.financial, config.disclosure.shorthand, config.publication_date()
    )
    write_spreadsheets(stale, config.year_dir(), source, config.languages)
    _write_json(state_file, {"key": wanted, "tables": keys})
    progress(
        f"spreadsheets {config.year}: {len(stale)} of {len(tables)} table(s) as ODS and XLSX "
        f"({time.perf_counter() - started:.1f} s)"
    )
    return bool(stale)


def _spreadsheets_present(config: RunConfig, table: str) -> bool:
    """Whether a table's ODS and XLSX files are there in every language of the run."""
    files = [
        table_downloads(table, lang)[kind] for lang in config.languages for kind in ("ods", "xlsx")
    ]
    return all((config.year_dir() / f).exists() for f in files)


def _publish_easy_read(
    config: RunConfig, results: Results, results_key: str, progress: Progress
) -> bool:
    """The easy-read pages of Wales and each RPB in each language, unless already written.

    Written again when the results, the publication's settings or the languages or RPBs of the
    run changed since they were last written; skipped otherwise. Returns whether they were
    written.
    """
    state = config.build_dir() / "easy_read_state.json"
    scopes = list(easy_read_scopes(config))
    wanted = key(
        {
            "results": results_key,
            "publication": config.publication(),
            "languages": config.languages,
            "scopes": scopes,
        }
    )
    pages = [
        config.year_dir() / easy_read_name(r, lang) for lang in config.languages for r in scopes
    ]
    present = all(page.exists() for page in pages)
    if _read_json(state).get("key") == wanted and present and not config.force:
        return False
    from nest_eval.pipeline.easy_read import write_easy_read

    started = time.perf_counter()
    for lang in config.languages:
        for rpb in scopes:
            write_easy_read(results(), config, rpb, lang)
    _write_json(state, {"key": wanted})
    progress(
        f"easy read {config.year}: {len(pages)} page(s) ({time.perf_counter() - started:.1f} s)"
    )
    return True


PUBLICATIONS = (_publish_spreadsheets, _publish_easy_read)
"""Step 5's parts, each done on its own (in a worker when there are notebooks to run)."""

Publication = Callable[[], tuple[list[str], bool]]
"""One part of step 5, ready to be done: it returns the lines it reports, and whether it
wrote anything (:func:`_publication`)."""


def _check(config: RunConfig, ingest_key: str, progress: Progress) -> None:
    """Step 2: check the processed data (:mod:`nest_eval.pipeline.gate`) unless already passed.

    The check is skipped when the same processed data passed it with the same settings. It
    reads the data in a forked child (:func:`_checked`), so that this process never holds it.
    """
    state = config.build_dir() / "data_gate_state.json"
    wanted = key({"ingest": ingest_key, "settings": config.results_parameters(),
                  "rpbs": list(config.rpbs or ())})  # fmt: skip
    if _read_json(state).get("key") == wanted and not config.force:
        progress("data check: unchanged, passed")
        return
    import nest_eval.pipeline.gate  # noqa: F401 - imported once, here, for the child

    for line in in_child(partial(_checked, config))():
        progress(line)
    _write_json(state, {"key": wanted})


def _checked(config: RunConfig) -> list[str]:
    """Check the processed data; returns the lines the check reports (it raises a refusal)."""
    from nest_eval.pipeline.gate import check_data

    lines: list[str] = []
    check_data(config, lines.append)
    return lines


COMPUTE_IMPORTS = (
    "nest_eval.domains.year",
    "nest_eval.domains.breakdowns",
    "nest_eval.domains.census",
    "nest_eval.domains.comparisons",
    "nest_eval.domains.distance",
    "nest_eval.domains.intermediates",
    "nest_eval.domains.partnership",
    "nest_eval.domains.periods",
    "nest_eval.ingest.datasets",
    "nest_eval.reporting.tables",
    "pandas.core.methods.to_dict",
    "pandas.core.reshape.reshape",
    "pandas.io.formats.csvs",
    "pyarrow.dataset",
    "pyarrow.pandas_compat",
    "pyarrow.parquet",
)
"""What the year's computation imports (:func:`_computed`), imported by the child it runs in
while the data is ingested; a module missing from the list is imported when first used."""

WORKER_IMPORTS = ("papermill", "nest_eval.pipeline.execute")
"""What a worker imports as it starts, before its first notebook."""

WORKER_UNUSED = ("rfc3987_syntax",)
"""Optional modules a worker goes without (:func:`~nest_eval.pipeline.kernels.start_worker`).

``jsonschema`` (imported by nbformat, so by Papermill) checks the ``iri`` formats with
``rfc3987_syntax`` when it is installed (JupyterLab's ``jupyter-events`` installs it), which
builds a parser of RFC 3987 as it is imported: over a second in every worker. The notebook
schema has no such format and nbformat checks no format, so nothing a worker does uses it.
"""


class _Workers:
    """The processes notebooks run in: forked from the warm fork server, stopped at the end.

    :meth:`start`, called before the data is ingested, starts the fork server of warm kernels
    (:mod:`nest_eval.pipeline.kernels`), which imports in the background, at a lower priority,
    on the processor ingest and the computation leave free: forked from the computation's
    child once that has imported (:mod:`nest_eval.pipeline.handover`), or else a new Python
    (a run with nothing to ingest). :meth:`get` then
    forks the workers from that server (it holds no data, so neither do they), each importing
    only :data:`WORKER_IMPORTS`. :meth:`close` stops both, so the next run's kernels import
    the code as it is then. A run with nothing to ingest, compute or run starts nothing.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        self.started = False

    def start(self) -> None:
        """Start the fork server now, if not running (without waiting for its imports)."""
        from nest_eval.pipeline.kernels import start_fork_server

        start_fork_server()
        self.started = True

    def get(self) -> ProcessPoolExecutor:
        """The pool of worker processes (forked on first use)."""
        if self.pool is None:
            import multiprocessing

            from nest_eval.pipeline.kernels import fork_server_address, start_worker

            environment = dict(os.environ)
            self.started = True
            self.pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=start_worker,
                initargs=(fork_server_address(), environment, WORKER_IMPORTS, WORKER_UNUSED),
            )
        return self.pool

    def run(self, work: Callable[[], None]) -> None:
        """Do ``work`` (picklable) in a worker when they have been forked, else in this process.

        A worker has imported what the reports need; this process imports it only when it
        has to.
        """
        if self.pool is None:
            work()
        else:
            self.pool.submit(work).result()

    def close(self) -> None:
        """Stop the workers, then the fork server (each kernel has ended with its notebook)."""
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None
        if self.started:
            from nest_eval.pipeline.kernels import stop_fork_server

            stop_fork_server()
            self.started = False


def _compute(
    config: RunConfig, ingest_key: str, summary: RunSummary, progress: Progress,
    before: Callable[[], None] = lambda: None, computation: Prepared | None = None,
) -> str:  # fmt: skip
    """Step 2: compute the year's results once and publish the tables; returns the results key.

    ``before`` is called first when the results are to be computed (not when unchanged). The
    work is done in ``computation`` (a child prepared while the data was ingested), else here.
    """
    computation = computation or Prepared(None)
    build = config.build_dir()
    results_key = key(
        {
            "ingest": ingest_key,
            "computation": config.computation(),
            "disclosure": config.results_parameters(),
        }
    )
    results_file = build / "results.pkl"
    tables_present = (config.year_dir() / "tables" / "distance_travelled.csv").exists()
    up_to_date = _read_json(build / "results_state.json").get("key") == results_key
    if up_to_date and not config.force and results_file.exists() and tables_present:
        progress(f"compute {config.year}: unchanged, skipped")
        return results_key
    before()
    started = time.perf_counter()
    census, left_out = computation.run(partial(_computed, config, results_key[:16]))
    _write_json(build / "results_state.json", {"key": results_key})
    summary.compute_ran = True
    progress(f"compute {config.year}: results and tables ({time.perf_counter() - started:.1f} s)")
    listed = ", ".join(f"{name} {n}" for name, n in left_out.items() if n) or "none"
    progress(f"compute {config.year}: rows dated after the census date {census}, "
             f"left out: {listed}")  # fmt: skip
    return results_key


def _computed(config: RunConfig, run_id: str) -> tuple[str, dict[str, int]]:
    """Compute the year's results, publish their tables and store them (in the prepared child).

    Returns the census date and the rows left out as dated after it, by dataset.
    """
    from nest_eval.domains.census import rows_after_census
    from nest_eval.domains.year import compute_year, load_data, save_results
    from nest_eval.reporting.tables import controlled_for

    results = compute_year(load_data(config.folders.processed), config, fork=True)
    results.run_id = run_id
    controlled_for(results, config, fork=True)  # the disclosure decision, kept with the results
    _publish_tables(results, config)
    save_results(results, config.build_dir() / "results.pkl")
    return results.census_date, rows_after_census(results.accounting)


FIGURES_DIR = "figures"
"""Where the notebooks save figure files, relative to the year folder (a Welsh figure's file
has ``.cy`` before its extension, so the two languages never write one file)."""


def _task_job(config: RunConfig, pipeline: Pipeline, task: Task, lang: str) -> dict[str, Any]:
    return {
        "notebook": str(task.notebook),
        "output": task.output,
        "lang": lang,
        "languages": list(config.languages),
        "title": task.title_in(lang),
        "parameters": {
            "settings": config.parameters(),
            "figures_dir": FIGURES_DIR,
            **dict(task.parameters),
            "lang": lang,
        },
        "kernel": pipeline.kernel,
        "year_dir": str(config.year_dir()),
        "build_dir": str(config.build_dir()),
        "results": str(config.build_dir() / "results.pkl"),
    }


def _published(config: RunConfig, task: Task, lang: str) -> list[Path]:
    """What a task publishes in ``lang``: its page and its executed notebook."""
    year_dir = config.year_dir()
    return [
        year_dir / localised(f"{task.output}.html", lang),
        year_dir / localised(f"notebooks/{task.output}.ipynb", lang),
    ]


Run = tuple[Task, str, Path, str, dict[str, Any]]
"""A task to run in one language: the task, the language, its state file, key and job."""


def _pending(
    config: RunConfig, pipeline: Pipeline, tasks: Sequence[Task], results_key: str,
    summary: RunSummary, progress: Progress,
) -> list[Run]:  # fmt: skip
    """The tasks to run in each language; the others are skipped."""
    pending = []
    for task in tasks:
        for lang in config.languages:
            job = _task_job(config, pipeline, task, lang)
            task_key = key(
                {
                    "notebook": sha256_bytes(task.notebook.read_bytes()),
                    "parameters": job["parameters"],
                    "title": job["title"],
                    "languages": job["languages"],
                    "results": results_key,
                    "kernel": pipeline.kernel,
                }
            )
            name = localised(f"{task.output}.json", lang).replace("/", "__")
            state = config.build_dir() / "state" / name
            present = all(p.exists() for p in _published(config, task, lang))
            if not config.force and present and _read_json(state).get("key") == task_key:
                summary.outcomes.append(TaskOutcome(task, "skipped", lang=lang))
                progress(f"  {task.label} [{lang}]: unchanged, skipped")
                continue
            state.unlink(missing_ok=True)
            pending.append((task, lang, state, task_key, job))
    return pending


def _run_notebooks(
    config: RunConfig, pipeline: Pipeline, tasks: Sequence[Task], results_key: str,
    summary: RunSummary, progress: Progress, workers: _Workers,
    publications: Sequence[Publication] = (),
) -> bool:  # fmt: skip
    """Step 3: run every task whose inputs changed, ``jobs`` at a time.

    The ``publications`` (picklable, :func:`_publication`) are handed to the workers after the
    notebooks, so they fill the moments the last notebooks leave a processor free, in processes
    that have imported what they need (this one has not); with no notebook to run they are
    called here. Returns whether any wrote anything; the lines they report are passed on to
    ``progress``.
    """
    pending = _pending(config, pipeline, tasks, results_key, summary, progress)
    if not pending:
        return any([_passed_on(publish(), progress) for publish in publications])
    from nest_eval.pipeline.execute import ensure_kernel, execute
    from nest_eval.reporting.figures.cache_versions import current_folder, prune

    ensure_kernel(pipeline.kernel)
    cache = config.build_dir() / "figure_cache"
    prune(cache)
    cached_before = len(list(current_folder(cache).glob("*.svg")))
    total = len(pending)
    progress(f"running {total} notebook(s), {config.jobs} at a time")
    counter = steps(progress, total)
    pool = workers.get()
    futures = {pool.submit(execute, run[-1]): run for run in pending}
    written = [pool.submit(publish) for publish in publications]
    wrote, done = False, 0
    for future in as_completed([*futures, *written]):
        if future in written:
            wrote = _passed_on(future.result(), progress) or wrote
            continue
        done += 1
        task, lang, state, task_key, _ = futures[future]
        outcome = TaskOutcome(task, lang=lang, **future.result())
        summary.outcomes.append(outcome)
        if outcome.status == "ran":
            _write_json(state, {"key": task_key})
            line = f"  [{done}/{total}] {outcome.label}: done ({outcome.seconds:.1f} s)"
        else:
            for stale in _published(config, task, lang):
                stale.unlink(missing_ok=True)
            line = f"  [{done}/{total}] {outcome.label}: FAILED ({outcome.error})"
        counter.advance(line)
    counter.close()
    drawn = len(list(current_folder(cache).glob("*.svg"))) - cached_before
    progress(f"figures: {drawn} drawn; the others read back, unchanged, from {cache.name}/")
    return wrote


def _publication(
    publish: Callable[[RunConfig, Results, str, Progress], bool], config: RunConfig,
    results_key: str,
) -> tuple[list[str], bool]:  # fmt: skip
    """Step 5, one part (:data:`PUBLICATIONS`): the lines it reports, and whether it wrote."""
    lines: list[str] = []
    wrote = publish(config, _stored_results(config), results_key, lines.append)
    return lines, wrote


def _passed_on(reported: tuple[list[str], bool], progress: Progress) -> bool:
    """Pass the lines of :func:`_publication` on to ``progress``; returns whether it wrote."""
    lines, wrote = reported
    for line in lines:
        progress(line)
    return wrote


def _publish_index(
    config: RunConfig, pipeline: Pipeline, tasks: Sequence[Task], inputs: list,
    results_key: str, failed: list[Task], changed: bool,
) -> None:  # fmt: skip
    """Step 6: ``index.html`` (and its twins) and ``manifest.json``, unless unchanged.

    Written again when this run wrote anything published (``changed``: the manifest lists
    every file's SHA-256), or when the results, the publication's settings, the languages, the
    tasks or which of them failed or published changed since they were last written.
    """
    available = {
        t
        for t in tasks
        if all(p.exists() for lang in config.languages for p in _published(config, t, lang))
    }
    state = config.build_dir() / "index_state.json"
    wanted = key(
        {
            "results": results_key,
            "publication": config.publication(),
            "languages": config.languages,
            "inputs": inputs,
            "tasks": [(t.output, t in available, t in failed) for t in tasks],
        }
    )
    year_dir = config.year_dir()
    present = (year_dir / "index.html").exists() and (year_dir / "manifest.json").exists()
    if _read_json(state).get("key") == wanted and present and not changed and not config.force:
        return
    from nest_eval.pipeline.index import write_index
    from nest_eval.pipeline.manifest import write_manifest
    from nest_eval.reporting.sections.front import on_demo_data

    results = _stored_results(config)
    write_index(config, tasks, available, failed, on_demo_data(results().accounting))
    write_manifest(config, pipeline, tasks, inputs, results_key[:16])
    _write_json(state, {"key": wanted})


def _clear_old_build_state(year_dir: Path) -> None:
    """Remove build state an older layout kept inside the published folder."""
    for name in (".build", "failed"):
        if (year_dir / name).is_symlink():
            (year_dir / name).unlink()
        elif (year_dir / name).exists():
            shutil.rmtree(year_dir / name)


def run_year(config: RunConfig, progress: Progress = print) -> RunSummary:
    """Run the yearly pipeline and publish to ``<reports>/<year>/``.

    Parameters
    ----------
    config : RunConfig
        Every setting of the run (year, settings, folders, pipeline file).
    progress : callable
        Receives one line per event.

    Returns
    -------
    RunSummary

    Raises
    ------
    NotADirectoryError
        When the raw-data folder does not exist.
    DataGateError
        When the data would leave the year's reports empty or incomplete (nothing published).
    DisclosureError
        When disclosure control cannot protect the publication (nothing published).
    """
    if not config.folders.data.is_dir():
        raise NotADirectoryError(f"{config.folders.data}: no such folder")
    pipeline = load_pipeline(config.pipeline)
    tasks = expand_tasks(pipeline, config.rpbs)
    summary = RunSummary(config.year, config.year_dir())
    _clear_old_build_state(config.year_dir())
    inputs = _raw_inputs(config.folders.data)
    workers = _Workers(config.jobs)
    computation = Prepared(None)

    def before_ingest() -> None:
        nonlocal computation
        from nest_eval.pipeline.handover import handover

        server = handover()  # forked from the child once it has imported: it imports less
        computation = prepared(COMPUTE_IMPORTS, then=server.fork if server else None)
        if server is not None:
            server.adopt()
        workers.start()

    try:
        ingest_key = _ingest(config, inputs, summary, progress, before=before_ingest)
        _check(config, ingest_key, progress)
        results_key = _compute(config, ingest_key, summary, progress, workers.start, computation)
        publications = [partial(_publication, p, config, results_key) for p in PUBLICATIONS]
        wrote = _run_notebooks(
            config, pipeline, tasks, results_key, summary, progress, workers, publications
        )
        changed = wrote or summary.compute_ran
        changed = changed or any(o.status != "skipped" for o in summary.outcomes)
        order = {t: i for i, t in enumerate(tasks)}
        summary.outcomes.sort(key=lambda o: (order[o.task], config.languages.index(o.lang)))
        failed = list(dict.fromkeys(o.task for o in summary.failed))
        workers.run(
            partial(_publish_index, config, pipeline, tasks, inputs, results_key, failed, changed)
        )
    finally:
        computation.close()
        workers.close()
    return summary


def _stored_results(config: RunConfig) -> Results:
    """The year's stored results, read once when first asked for."""

    @cache
    def read() -> Any:
        from nest_eval.domains.year import read_results

        return read_results(config.build_dir() / "results.pkl")

    return read


def _report(summary: RunSummary, elapsed: float) -> int:
    ran = sum(o.status == "ran" for o in summary.outcomes)
    skipped = sum(o.status == "skipped" for o in summary.outcomes)
    print(
        f"{summary.year}: {ran} notebook(s) run, {skipped} unchanged, "
        f"{len(summary.failed)} failed, in {elapsed:.1f} s; published to {summary.out_dir}"
    )
    if not summary.failed:
        return 0
    print("FAILED:", file=sys.stderr)
    for outcome in summary.failed:
        where = outcome.executed or "(no executed notebook)"
        print(
            f"  {outcome.label}: {outcome.error}\n    executed notebook: {where}",
            file=sys.stderr,
        )
    return 1


def _refused(config: RunConfig, message: str, log_name: str) -> int:
    """Report a refused publication on stderr and in ``<build>/<year>/logs/<log_name>``."""
    log = config.build_dir() / "logs" / log_name
    atomic_write_text(log, message + "\n")
    print(message, file=sys.stderr)
    print(f"(also in {log})", file=sys.stderr)
    return 1


def main_run(config: RunConfig, progress: Progress | None = None) -> int:
    """Entry point for ``nest-eval run`` (see :mod:`nest_eval.cli`): run, then summarise.

    ``progress`` receives the run's events (default :func:`~nest_eval.pipeline.progress.reporter`:
    a progress bar on a terminal, plain lines otherwise).
    """
    started = time.perf_counter()
    try:
        summary = run_year(config, progress or reporter())
    except Exception as error:
        return _refusal(config, error)
    return _report(summary, time.perf_counter() - started)


def _refusal(config: RunConfig, error: Exception) -> int:
    """Report a refused publication (data check or disclosure control); re-raise any other."""
    from nest_eval.pipeline.gate import DataGateError
    from nest_eval.reporting.disclosure.protect import DisclosureError

    if isinstance(error, DataGateError):
        return _refused(config, str(error), "data_gate.log")
    if isinstance(error, DisclosureError):  # cells named by key, never values
        message = (
            f"{config.year}: NOT PUBLISHED. Disclosure control: {error}\n"
            f"The previous publication in {config.year_dir()} is left as it was."
        )
        return _refused(config, message, "disclosure.log")
    raise error
