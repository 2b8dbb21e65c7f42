"""Text measures: each text measured once per process, and kept for the processes after it.

Laying out and drawing a figure asks for the width, height and descent of every text (each tick
label, name, legend entry and title). Matplotlib keeps those measures per renderer object, and
every drawing of a figure makes a new renderer, so each text was measured again for every
figure. A measure depends only on the renderer's class and resolution, the text, its font
properties, its math mode and the resolution asked for, so :func:`measured_text` keeps one
table per process that serves every drawing with the same results (installed in Matplotlib by
:mod:`nest_eval.reporting.figures.render`).

Each notebook of a run draws its figures in a fresh kernel process, which would start with an
empty table, although most of its texts (tick labels, RPB names, legends) were measured by the
kernels before it. So when figures are cached (:mod:`nest_eval.reporting.figures.cache`), the
table is also kept in the cache's folder of the code and Matplotlib in use: :func:`load` merges
the files kept there into the table, and the process writes the table to a file of its own when
it ends (:func:`save`), removing the files it merged. A measure read back is the measure
Matplotlib gives, so no figure changes by a byte; a damaged file is left out.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any

import matplotlib.text as mtext

from nest_eval.files import atomic_write_bytes

__all__ = [
    "MATPLOTLIB_TEXT_LAYOUT",
    "MATPLOTLIB_TEXT_METRICS",
    "install",
    "laid_out",
    "load",
    "measured_text",
    "save",
]

MATPLOTLIB_TEXT_METRICS = getattr(mtext, "_get_text_metrics_with_cache", None)
"""Matplotlib's own text measure, cached per renderer object (kept for comparison)."""

MATPLOTLIB_TEXT_LAYOUT = getattr(mtext.Text, "_get_layout", None)
"""Matplotlib's own layout of a text's lines, computed at every call (kept for comparison)."""

_MEASURED: dict[tuple[Any, ...], Any] = {}
_MEASURED_LIMIT = 200_000

_LAID_OUT: dict[tuple[Any, ...], Any] = {}


@dataclass
class _Kept:
    """Where this process's table is kept: the folder, the files merged, new measures since."""

    folder: Path | None = None
    merged: list[Path] = field(default_factory=list)
    new: int = 0


_KEPT = _Kept()


def measured_text(renderer: Any, text: str, fontprop: Any, ismath: Any, dpi: float) -> Any:
    """Width, height and descent of a text: measured once, then read from the table.

    Parameters and result as Matplotlib's ``matplotlib.text._get_text_metrics_with_cache``.
    """
    found_key = (type(renderer), getattr(renderer, "dpi", None), text, fontprop.copy(), ismath, dpi)
    found = _MEASURED.get(found_key)
    if found is None:
        if len(_MEASURED) >= _MEASURED_LIMIT:
            _MEASURED.clear()
        found = _MEASURED[found_key] = MATPLOTLIB_TEXT_METRICS(
            renderer, text, fontprop, ismath, dpi
        )
        _KEPT.new += 1
    return found


def _layout_key(text: mtext.Text, renderer: Any) -> tuple[Any, ...]:
    """Everything Matplotlib's layout of a text reads (``Text._get_layout``, Matplotlib 3.11)."""
    inner = getattr(renderer, "_renderer", None)  # a mixed-mode renderer draws with another
    return (
        type(renderer),
        type(inner),
        getattr(renderer, "dpi", None),
        text.get_figure(root=True).dpi,
        text._get_wrapped_text(),
        text._fontproperties.copy(),
        text.get_usetex(),
        text.get_parse_math(),
        text._linespacing,
        text._get_multialignment(),
        text.get_rotation(),
        text._horizontalalignment,
        text._verticalalignment,
        text.get_rotation_mode(),
    )


def laid_out(text: mtext.Text, renderer: Any) -> Any:
    """The layout of a text's lines: computed once per process for what it depends on.

    Matplotlib lays a text out (its box, each line's size and place) at every measure and
    every drawing, from its string, font, spacing, alignment and rotation, and the
    resolution: the same results whenever those are the same. Called as Matplotlib's
    ``Text._get_layout``, whose results it returns (the box and the lines as copies).
    """
    found_key = _layout_key(text, renderer)
    found = _LAID_OUT.get(found_key)
    if found is None:
        if len(_LAID_OUT) >= _MEASURED_LIMIT:
            _LAID_OUT.clear()
        found = _LAID_OUT[found_key] = MATPLOTLIB_TEXT_LAYOUT(text, renderer)
    box, lines, descent = found
    return box.frozen(), list(lines), descent


def install() -> None:
    """Make Matplotlib's texts use :func:`measured_text` and :func:`laid_out` (if it has them)."""
    if MATPLOTLIB_TEXT_METRICS is not None:
        mtext._get_text_metrics_with_cache = measured_text
    if MATPLOTLIB_TEXT_LAYOUT is not None:
        mtext.Text._get_layout = laid_out


def load(folder: Path) -> None:
    """Merge into the table the measures kept in ``folder`` (once per process and folder).

    The process's table is written to ``folder`` when the process ends (:func:`save`).

    Parameters
    ----------
    folder : pathlib.Path
        The folder of kept measures (missing: none kept yet).
    """
    if _KEPT.folder == folder:
        return
    first = _KEPT.folder is None
    _KEPT.folder, _KEPT.merged = folder, []
    for file in sorted(folder.glob("*.pkl")) if folder.is_dir() else []:
        try:
            kept = pickle.loads(file.read_bytes())
        except Exception:  # missing by now, or damaged (unpickling garbage raises many kinds)
            continue
        for found_key, found in kept:
            _MEASURED.setdefault(found_key, found)
        _KEPT.merged.append(file)
    if first:
        Finalize(None, save, exitpriority=0)  # at the end of the process, forked or not


def save() -> None:
    """Write the table to this process's file in the folder loaded, if it measured anything new.

    The files merged at :func:`load` are then removed: their measures are in this file.
    """
    if _KEPT.folder is None or not _KEPT.new:
        return
    own = _KEPT.folder / f"{os.getpid()}.pkl"
    atomic_write_bytes(own, pickle.dumps(list(_MEASURED.items()), protocol=5))
    for file in _KEPT.merged:
        if file != own:
            file.unlink(missing_ok=True)
    _KEPT.merged, _KEPT.new = [own], 0
