"""Which folder of the figure cache the code in use reads and writes, and pruning the others.

The figure cache (:mod:`nest_eval.reporting.figures.cache`) keeps one folder per version of the
code and of matplotlib, named by their hash, under the folder the pipeline gives it. Figures
drawn by another version are never read (their keys differ), so the pipeline removes those
folders before it runs notebooks (:func:`prune`): the cache holds what the code in use can
read, not every version it has ever run. This module imports no matplotlib, so the pipeline
can call it without loading it.
"""

from __future__ import annotations

import hashlib
import shutil
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from nest_eval.files import code_fingerprint

__all__ = ["cache_version", "current_folder", "prune"]


@lru_cache(maxsize=1)
def cache_version() -> bytes:
    """What every cached figure depends on beside its specification: the code and matplotlib."""
    return f"{code_fingerprint()}\0{version('matplotlib')}".encode()


def current_folder(root: str | Path) -> Path:
    """The folder, under the cache's ``root``, of the figures the code in use draws."""
    return Path(root) / hashlib.sha256(cache_version()).hexdigest()[:16]


def prune(root: str | Path) -> int:
    """Remove from ``root`` every folder and file but the code in use's folder.

    Parameters
    ----------
    root : str or pathlib.Path
        The figure cache's folder (missing: nothing to do).

    Returns
    -------
    int
        How many folders and files were removed.
    """
    keep = current_folder(root)
    removed = 0
    for entry in sorted(Path(root).glob("*")):
        if entry == keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
        removed += 1
    return removed
