"""Running one notebook with Papermill, in its own kernel, and publishing what it produced.

A task runs once per language: the notebook receives the language as its ``lang`` parameter,
and for a language other than English its markdown cells are first replaced by their
translation (:func:`nest_eval.pipeline.narrative.translated`, in the build folder). Its page and
executed notebook are published under the language's names
(:func:`nest_eval.reporting.outputs.localised`: ``rpb/gwent.cy.html``).

Each task runs in a worker process. The kernel is named explicitly and registered when missing
(:func:`ensure_kernel`). The notebook's only parameters are the run's publishable settings and
its grid values; the year's precomputed results reach the kernel through the environment
variable named by :data:`nest_eval.domains.year.RESULTS_ENV`, so no published notebook names
build state. The kernel's own messages go to a log under the build folder.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nest_eval.domains.year import RESULTS_ENV
from nest_eval.files import atomic_write_text
from nest_eval.pipeline.kernels import LOG_ENV, WarmKernelManager, start_fork_server
from nest_eval.reporting.figures.cache import CACHE_ENV
from nest_eval.reporting.outputs import SOURCE_LANGUAGE, localised

__all__ = ["ensure_kernel", "execute"]


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


@contextmanager
def _stderr_to(log: Path):
    """Send this process's stderr (which the kernel inherits) to a log file."""
    log.parent.mkdir(parents=True, exist_ok=True)
    saved = os.dup(2)
    with log.open("w", encoding="utf-8") as handle:
        os.dup2(handle.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _failure(exc: Exception, scratch: Path, failed: Path, seconds: float) -> dict[str, Any]:
    failed.parent.mkdir(parents=True, exist_ok=True)
    if scratch.exists():
        shutil.move(str(scratch), failed)
    message = getattr(exc, "evalue", None) or str(exc)
    ename = getattr(exc, "ename", type(exc).__name__)
    return {
        "status": "failed",
        "seconds": seconds,
        "error": f"{ename}: {message}".strip()[:500],
        "executed": str(failed) if failed.exists() else "",
    }


def _source(job: dict[str, Any], build: Path, name: str) -> str:
    """The notebook to execute: the committed one, or its copy in ``lang`` in the build folder."""
    if job["lang"] == SOURCE_LANGUAGE:
        return job["notebook"]
    import nbformat

    from nest_eval.pipeline.narrative import translated

    notebook = Path(job["notebook"])
    nb = translated(nbformat.read(notebook, as_version=4), notebook.stem, job["lang"])
    source = build / "sources" / f"{name}.ipynb"
    atomic_write_text(source, nbformat.writes(nb) + "\n")
    return str(source)


def _publish(scratch: Path, job: dict[str, Any]) -> Path:
    import nbformat

    from nest_eval.pipeline.publish import clean_notebook, notebook_html

    year_dir, output, lang = Path(job["year_dir"]), job["output"], job["lang"]
    nb = clean_notebook(nbformat.read(scratch, as_version=4))
    executed = year_dir / localised(f"notebooks/{output}.ipynb", lang)
    atomic_write_text(executed, nbformat.writes(nb) + "\n")
    page = notebook_html(nb, job["title"], lang, f"{output}.html", job["languages"])
    atomic_write_text(year_dir / localised(f"{output}.html", lang), page)
    scratch.unlink(missing_ok=True)
    return executed


def execute(job: dict[str, Any]) -> dict[str, Any]:
    """Run one notebook task and publish its executed notebook and HTML (in a worker process).

    Parameters
    ----------
    job : dict
        ``notebook``, ``output`` (its stem under the year folder, in the source language),
        ``lang`` (the language published; its notebook parameter too), ``languages`` (every
        language of the run, for the links to the twin pages), ``title`` (in ``lang``),
        ``parameters``, ``kernel``, ``year_dir`` (published folder), ``build_dir`` (build
        state) and ``results`` (the stored results the kernel reads).

    Returns
    -------
    dict
        ``status`` (``ran`` or ``failed``), ``seconds``, ``error`` and ``executed`` (the
        executed notebook's path; under the build folder's ``failed/`` for a failure).
    """
    import papermill

    year_dir, build = Path(job["year_dir"]), Path(job["build_dir"])
    stem = localised(job["output"] + ".ipynb", job["lang"]).removesuffix(".ipynb")
    scratch = build / "executing" / f"{stem}.ipynb"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    os.environ[RESULTS_ENV] = str(Path(job["results"]).resolve())
    log = build / "logs" / f"{stem}.log"
    os.environ[LOG_ENV] = str(log.resolve())
    os.environ[CACHE_ENV] = str((build / "figure_cache").resolve())
    start = time.perf_counter()
    try:
        source = _source(job, build, stem)
        start_fork_server()
        with _stderr_to(log):
            papermill.execute_notebook(
                source,
                str(scratch),
                parameters=job["parameters"],
                kernel_name=job["kernel"],
                kernel_manager_class=WarmKernelManager,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                cwd=str(year_dir),
            )
    except Exception as exc:  # the notebook failed: keep what it produced
        failed = build / "failed" / f"{stem}.ipynb"
        return _failure(exc, scratch, failed, time.perf_counter() - start)
    executed = _publish(scratch, job)
    (build / "failed" / f"{stem}.ipynb").unlink(missing_ok=True)
    return {
        "status": "ran",
        "seconds": time.perf_counter() - start,
        "error": "",
        "executed": str(executed),
    }
