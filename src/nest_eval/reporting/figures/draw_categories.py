"""Drawing the outcome categories (:mod:`nest_eval.reporting.figures.categories`).

One stacked horizontal bar per measure: reliable improvement (blue), no reliable change (grey),
reliable deterioration (vermillion), with reliable recovery hatched inside improvement. A
segment wide enough carries its percentage; each bar is labelled with its numbers.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from nest_eval.reporting.figures.categories import CategoriesSpec, CategoryRow
from nest_eval.reporting.figures.render import (
    NO_CHANGE_GREY,
    NOTE_COLOUR,
    PALETTE,
    Frame,
    ReportFigure,
    style,
    wrap,
)

__all__ = ["draw_categories"]

_BLUE = PALETTE["blue"]
_BLACK = PALETTE["black"]

_FILLS: dict[str, tuple[str, str]] = {
    "reliable_improvement": (_BLUE, "white"),
    "no_reliable_change": (NO_CHANGE_GREY, _BLACK),
    "reliable_deterioration": (PALETTE["vermillion"], _BLACK),
}
"""Fill of each category's segment and colour of the percentage written on it."""

_LEGEND: dict[str, dict[str, Any]] = {
    **{key: {"facecolor": fill, "edgecolor": "0.25"} for key, (fill, _) in _FILLS.items()},
    "reliable_recovery": {"facecolor": _BLUE, "edgecolor": "white", "hatch": "///"},
}
"""Legend patch of each legend key."""

_MIN_LABELLED = 7
"""Narrowest segment, in percent, that carries its percentage."""


def _draw_bar(ax: Axes, i: int, row: CategoryRow) -> None:
    """The stacked bar of one measure, with recovery hatched inside improvement."""
    left = 0.0
    for segment in row.segments:
        colour, text_colour = _FILLS[segment.key]
        pct = segment.percent
        ax.barh(
            i,
            pct,
            left=left,
            height=0.62,
            color=colour,
            edgecolor="0.25",
            linewidth=0.6,
            zorder=2,
        )
        if pct >= _MIN_LABELLED:
            ax.text(
                left + pct / 2,
                i,
                segment.text,
                ha="center",
                va="center",
                fontsize=8,
                color=text_colour,
                zorder=4,
            )
        left += pct
    if math.isfinite(row.recovery):
        ax.barh(
            i,
            row.recovery,
            left=0.0,
            height=0.62,
            facecolor="none",
            edgecolor="white",
            hatch="///",
            linewidth=0,
            zorder=3,
        )


def draw_categories(spec: CategoriesSpec) -> ReportFigure:
    """Draw the reliable-change categories of the outcome measures.

    Parameters
    ----------
    spec : CategoriesSpec
        The rows, from :func:`nest_eval.reporting.figures.categories.categories_spec`.

    Returns
    -------
    ReportFigure
        The figure with the specification's name, alt text and caption.
    """
    texts, rows = spec.texts, spec.rows
    with style():
        frame = Frame.create(0.7 * len(rows) + 1.0, legend_rows=2, notes=texts.notes)
        ax = frame.main.add_subplot()
        for i, row in enumerate(rows):
            if row.message:
                ax.text(
                    1,
                    i,
                    row.message,
                    va="center",
                    fontsize=8,
                    fontstyle="italic",
                    color=NOTE_COLOUR,
                )
            else:
                _draw_bar(ax, i, row)
        ax.set_yticks(range(len(rows)), [f"{wrap(row.label, 34)}\n{row.detail}" for row in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
        ax.set_xlabel(texts.xlabel)
        ax.spines["left"].set_visible(False)
        handles = [Patch(**_LEGEND[entry.key], label=entry.label) for entry in texts.legend]
        frame.title(texts.title)
        figure = frame.finish(handles, ncols=2)
    return ReportFigure(texts.name, figure, texts.alt, texts.caption, texts.data, texts.lang)
