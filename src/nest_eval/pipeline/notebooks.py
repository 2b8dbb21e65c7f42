"""The committed notebooks: re-executing them in place so their outputs match the demo data.

The notebooks in ``notebooks/`` are committed with the outputs of the embedded demo data, and
the test suite re-executes them under ``pytest --nbval`` and compares. After a change to the
code or the demo data, ``make notebooks`` (``nest-eval notebooks``) re-executes them in place
with their default parameters and cleans them of what varies between runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = ["refresh"]


def refresh(paths: Iterable[str | Path], kernel: str = "nest-eval", timeout: int = 600) -> None:
    """Execute notebooks in place (working folder: the notebook's own) and clean them.

    Parameters
    ----------
    paths : iterable of str or pathlib.Path
        The notebooks.
    kernel : str
        Jupyter kernel to run them on.
    timeout : int
        Seconds allowed per cell.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        When a cell fails (the notebook is then left unchanged).
    """
    import nbformat
    from nbclient import NotebookClient

    from nest_eval.files import atomic_write_text
    from nest_eval.pipeline.execute import ensure_kernel
    from nest_eval.pipeline.publish import clean_notebook

    ensure_kernel(kernel)
    for path in paths:
        file = Path(path)
        nb = nbformat.read(file, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name=kernel,
            timeout=timeout,
            resources={"metadata": {"path": str(file.parent)}},
        )
        client.execute()
        atomic_write_text(file, nbformat.writes(clean_notebook(nb)) + "\n")
