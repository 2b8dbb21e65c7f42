"""Reproducibility keys: what a step's outputs depend on, hashed.

A step is up to date when the key of its inputs matches the key its last successful run
recorded. Every key includes the environment: the package's own source, the Python version and
the versions of the packages the reports depend on, so an upgrade reruns every step and the
manifest never records new versions against outputs made by old ones.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from importlib import metadata

from nest_eval import __version__
from nest_eval.files import code_fingerprint, sha256_bytes

__all__ = ["PACKAGES", "environment", "key", "package_versions"]

PACKAGES = (
    "nest-eval",
    "numpy",
    "pandas",
    "pyarrow",
    "openpyxl",
    "scipy",
    "statsmodels",
    "patsy",
    "matplotlib",
    "babel",
    "papermill",
    "nbconvert",
    "nbformat",
    "nbclient",
    "ipykernel",
    "jupyter_client",
)
"""Packages whose versions the reports depend on (recorded in the manifest and every key)."""


def package_versions() -> dict[str, str]:
    """The installed version of each of :data:`PACKAGES`."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@cache
def environment() -> dict[str, object]:
    """The code and software a run's outputs depend on (computed once per process)."""
    return {
        "nest_eval_version": __version__,
        "source_sha256": code_fingerprint(),
        "python": sys.version.split()[0],
        "packages": package_versions(),
    }


def key(payload: object) -> str:
    """SHA-256 of a JSON-able payload together with the :func:`environment`."""
    text = json.dumps(
        {"payload": payload, "environment": environment()}, sort_keys=True, default=str
    )
    return sha256_bytes(text.encode())
