"""Whether a run is on the demo data: the committed demo files' fingerprints.

The demo data (:mod:`nest_eval.demo.generator`, committed in ``data/raw/``) is synthetic apart
from the 2024 national means of the journey ratings, which are the published ones. Reports
made from it must say so. A run knows it from the content of the files it ingested, not from
their names or folder: the ingest accounting records each file's SHA-256, and the SHA-256 of
each committed demo file is listed in ``data/fingerprints.toml``. A copy of the demo data,
renamed or moved, is still recognised; real data, sharing no file's content with the demo, never
is.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources

__all__ = ["demo_files_in", "demo_fingerprints"]


@cache
def demo_fingerprints() -> dict[str, str]:
    """The SHA-256 of each committed demo file, by the file's name in ``data/raw/``."""
    text = (
        resources.files("nest_eval.demo").joinpath("data", "fingerprints.toml").read_text("utf-8")
    )
    return dict(tomllib.loads(text)["files"])


def demo_files_in(accounting: Mapping) -> tuple[str, ...]:
    """The ingested files whose content is a committed demo file, by their own names.

    Parameters
    ----------
    accounting : mapping
        An ingest accounting record (``accounting.json``): ``datasets.<name>.files``, each with
        its ``file`` and ``sha256``.

    Returns
    -------
    tuple of str
        The names of the files that are demo files (empty for real data, or without a record).
    """
    demo = set(demo_fingerprints().values())
    found = []
    for record in (accounting.get("datasets") or {}).values():
        for entry in record.get("files", ()):
            if entry.get("sha256") in demo:
                found.append(str(entry.get("file")))
    return tuple(sorted(found))
