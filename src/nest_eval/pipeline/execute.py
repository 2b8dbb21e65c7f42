"""Running one notebook with Papermill, in its own kernel, and publishing what it produced.

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


def _publish(scratch: Path, year_dir: Path, stem: str, title: str) -> Path:
    import nbformat

    from nest_eval.pipeline.publish import clean_notebook, notebook_html

    nb = clean_notebook(nbformat.read(scratch, as_version=4))
    executed = year_dir / "notebooks" / f"{stem}.ipynb"
    atomic_write_text(executed, nbformat.writes(nb) + "\n")
    atomic_write_text(year_dir / f"{stem}.html", notebook_html(nb, title))
    scratch.unlink(missing_ok=True)
    return executed


def execute(job: dict[str, Any]) -> dict[str, Any]:
    """Run one notebook task and publish its executed notebook and HTML (in a worker process).

    Parameters
    ----------
    job : dict
        ``notebook``, ``output`` (its stem under the year folder), ``title``, ``parameters``,
        ``kernel``, ``year_dir`` (published folder), ``build_dir`` (build state) and
        ``results`` (the stored results the kernel reads).

    Returns
    -------
    dict
        ``status`` (``ran`` or ``failed``), ``seconds``, ``error`` and ``executed`` (the
        executed notebook's path; under the build folder's ``failed/`` for a failure).
    """
    import papermill

    year_dir, build = Path(job["year_dir"]), Path(job["build_dir"])
    stem = job["output"]
    scratch = build / "executing" / f"{stem}.ipynb"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    os.environ[RESULTS_ENV] = str(Path(job["results"]).resolve())
    start = time.perf_counter()
    try:
        with _stderr_to(build / "logs" / f"{stem}.log"):
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
        failed = build / "failed" / f"{stem}.ipynb"
        return _failure(exc, scratch, failed, time.perf_counter() - start)
    executed = _publish(scratch, year_dir, stem, job["title"])
    (build / "failed" / f"{stem}.ipynb").unlink(missing_ok=True)
    return {
        "status": "ran",
        "seconds": time.perf_counter() - start,
        "error": "",
        "executed": str(executed),
    }
