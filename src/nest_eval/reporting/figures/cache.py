"""Figures drawn once: a figure whose specification was drawn before is reused, not redrawn.

A report figure is a pure function of its specification (the rows to draw and every text, in
:mod:`nest_eval.reporting.figures`) and of the code and matplotlib drawing it, and it renders to
the same SVG bytes every time (:func:`~nest_eval.reporting.figures.render.render`). So when the
pipeline runs the year's notebooks again after a change, only figures whose specification
changed need drawing: the others are read back, as SVG, from the cache folder the pipeline names
in the environment variable :data:`CACHE_ENV` (under the build folder, never published), in the
subfolder of the code in use (:mod:`~nest_eval.reporting.figures.cache_versions`). A figure is
found by the SHA-256 of its drawing function, its pickled specification, the package's code
fingerprint and matplotlib's version, so any change to any of them draws it again.

Figures of one kind that differ only in what is drawn last (the funnel plots of the national
and the RPB reports, each with its own RPB picked out) share their common part: laid out once,
kept pickled beside the figures, and copied for each of them (:func:`reused`). The texts a
process measures to draw are kept there too (:data:`TEXT_MEASURES`), for the processes after it.

Without :data:`CACHE_ENV` (a notebook run in JupyterLab) every figure is drawn.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from matplotlib.figure import Figure

from nest_eval.files import atomic_write_bytes
from nest_eval.reporting.figures import text_measures
from nest_eval.reporting.figures.cache_versions import cache_version, current_folder
from nest_eval.reporting.figures.render import ReportFigure, render

__all__ = ["CACHE_ENV", "drawn", "kept_ahead", "reused"]

CACHE_ENV = "NEST_EVAL_FIGURE_CACHE"
"""Environment variable naming the folder of drawn figures (set by the pipeline)."""

TEXT_MEASURES = "text_measures"
"""The subfolder of the code in use's folder where kernels keep the texts they measured
(:mod:`~nest_eval.reporting.figures.text_measures`), for the kernels after them."""

Spec = TypeVar("Spec")


def _key(spec: object, draw: Callable[..., ReportFigure]) -> str | None:
    """The figure's cache key; None for a specification that cannot be pickled."""
    try:
        payload = pickle.dumps((draw.__module__, draw.__qualname__, spec), protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return hashlib.sha256(cache_version() + b"\0" + payload).hexdigest()


def _read(folder: Path, key: str) -> ReportFigure | None:
    try:
        svg = (folder / f"{key}.svg").read_bytes()
        with (folder / f"{key}.pkl").open("rb") as handle:
            described: ReportFigure = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError):
        return None
    return replace(described, svg=svg)


def _write(folder: Path, key: str, figure: ReportFigure) -> None:
    described = replace(figure, figure=None, svg=None, size=figure.size_inches())
    atomic_write_bytes(folder / f"{key}.pkl", pickle.dumps(described, protocol=5))
    atomic_write_bytes(folder / f"{key}.svg", figure.svg or b"")


def drawn(spec: Spec, draw: Callable[[Spec], ReportFigure]) -> ReportFigure:
    """The figure of a specification: from the cache when drawn before, else drawn now.

    Parameters
    ----------
    spec : object
        The figure's specification (a dataclass of the figure modules).
    draw : callable
        The function drawing it (``draw_funnel`` and the like).

    Returns
    -------
    ReportFigure
        The figure. With a cache folder (:data:`CACHE_ENV`) it carries its SVG (``svg``) and,
        when read back from the cache, no matplotlib figure; without one, as ``draw`` made it.
    """
    folder = os.environ.get(CACHE_ENV)
    key = _key(spec, draw) if folder else None
    if folder is None or key is None:
        return draw(spec)
    found = _read(current_folder(folder), key)
    if found is not None:
        return found
    text_measures.load(current_folder(folder) / TEXT_MEASURES)
    figure = draw(spec)
    figure = replace(figure, svg=render(figure, "svg"))
    _write(current_folder(folder), key, figure)
    return figure


def _kept_path(part: object, build: Callable[..., Figure]) -> Path | None:
    """Where a common part is kept; None without a cache folder or a picklable part."""
    folder = os.environ.get(CACHE_ENV)
    key = _key(part, build) if folder else None
    if folder is None or key is None:
        return None
    return current_folder(folder) / f"{key}.figure.pkl"


def _build_and_keep(path: Path, part: Spec, build: Callable[[Spec], Figure]) -> bytes:
    """Build a common part, keep it pickled at ``path``, and return the pickle."""
    text_measures.load(path.parent / TEXT_MEASURES)
    kept = pickle.dumps(build(part), protocol=5)
    atomic_write_bytes(path, kept)
    return kept


def kept_ahead(part: Spec, build: Callable[[Spec], Figure]) -> None:
    """Build and keep a figure's common part now, unless kept already, for :func:`reused`.

    Two processes drawing the same figures at once, in opposite orders, each build the
    common parts the other has not: every part is built about once between them. Without a
    cache folder (:data:`CACHE_ENV`) nothing is kept, so nothing is done.

    Parameters
    ----------
    part, build
        As for :func:`reused`.
    """
    path = _kept_path(part, build)
    if path is not None and not path.exists():
        _build_and_keep(path, part, build)


def reused(part: Spec, build: Callable[[Spec], Figure]) -> Figure:
    """A copy of a figure's common part, built once while a cache folder is set.

    Parameters
    ----------
    part : object
        What the common part is drawn from (a dataclass), and nothing else.
    build : callable
        The function building it: a laid-out figure that callers draw more on.

    Returns
    -------
    matplotlib.figure.Figure
        A figure of its own, unpickled from the one kept in the cache folder (:data:`CACHE_ENV`)
        when built before, else built now (and kept when there is a cache folder). A kept
        figure that cannot be read back (a damaged file) is built again.
    """
    path = _kept_path(part, build)
    if path is None:
        return build(part)
    try:
        copy: Figure = pickle.loads(path.read_bytes())
        return copy
    except Exception:  # missing or damaged (unpickling garbage raises many kinds): build it
        kept = _build_and_keep(path, part, build)
    copy = pickle.loads(kept)
    return copy
