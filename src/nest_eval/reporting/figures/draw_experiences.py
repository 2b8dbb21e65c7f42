"""Drawing the experience items (:mod:`nest_eval.reporting.figures.experiences`).

One row per item: the RPB's share agreeing as a filled circle with its 95% Wilson interval,
and the Wales share as an open diamond with its interval just below; an absent share is
written in its place.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from nest_eval.reporting.figures.experiences import ExperienceSpec
from nest_eval.reporting.figures.render import (
    NOTE_COLOUR,
    PALETTE,
    Frame,
    ReportFigure,
    style,
    wrap,
)
from nest_eval.reporting.figures.spec import Point, finite

__all__ = ["draw_experiences"]

_MARKS: dict[str, dict[str, Any]] = {
    "rpb": {
        "marker": "o",
        "markersize": 7.5,
        "color": PALETTE["blue"],
        "markerfacecolor": PALETTE["blue"],
    },
    "wales": {
        "marker": "D",
        "markersize": 6.5,
        "color": PALETTE["black"],
        "markerfacecolor": "white",
    },
}
"""Marker of each series key: filled circle for the RPB, open diamond for Wales."""


def _draw_point(ax: Axes, y: float, point: Point, marks: dict[str, Any]) -> None:
    """A share with its interval and label, or the text written in its place."""
    if not point.drawn:
        ax.text(0.01, y, point.text, va="center", fontsize=8, fontstyle="italic", color=NOTE_COLOUR)
        return
    share, low, high = point.value, point.low, point.high
    if finite(low, high):
        ax.errorbar(
            [share],
            [y],
            xerr=[[share - low], [high - share]],
            fmt="none",
            ecolor=marks["color"],
            elinewidth=1.4,
            capsize=3,
            capthick=1.4,
            zorder=2,
        )
        right = high
    else:
        right = share
    ax.plot(
        share,
        y,
        linestyle="none",
        markeredgecolor=marks["color"],
        markeredgewidth=1.4,
        zorder=3,
        marker=marks["marker"],
        markersize=marks["markersize"],
        markerfacecolor=marks["markerfacecolor"],
    )
    ax.annotate(
        point.text,
        (right, y),
        xytext=(5, 0),
        textcoords="offset points",
        va="center",
        fontsize=8,
        color=marks["color"],
    )


def _style_axes(ax: Axes, spec: ExperienceSpec) -> None:
    """Items in questionnaire order, a 0–100% axis with a light vertical grid."""
    rows = spec.rows
    ax.set_yticks(range(len(rows)), [f"{wrap(row.statement, 36)}\n{row.detail}" for row in rows])
    ax.tick_params(axis="y", length=0, labelsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1.0)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.grid(axis="x", color="0.88", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(spec.texts.xlabel)


def draw_experiences(spec: ExperienceSpec) -> ReportFigure:
    """Draw the share agreeing with each experience item, one or two series.

    Parameters
    ----------
    spec : ExperienceSpec
        The items, from :func:`nest_eval.reporting.figures.experiences.experience_spec`.

    Returns
    -------
    ReportFigure
        The figure with the specification's name, alt text and caption.
    """
    texts = spec.texts
    series = [_MARKS[entry.key] for entry in texts.legend]
    offsets = (-0.17, 0.17) if len(series) == 2 else (0.0,)
    with style():
        frame = Frame.create(0.58 * len(spec.rows) + 1.1, notes=texts.notes)
        ax = frame.main.add_subplot()
        for i, row in enumerate(spec.rows):
            for point, marks, offset in zip(row.points, series, offsets, strict=True):
                _draw_point(ax, i + offset, point, marks)
        _style_axes(ax, spec)
        handles = [
            Line2D(
                [],
                [],
                linestyle="-",
                linewidth=1.4,
                markeredgewidth=1.4,
                label=entry.label,
                marker=marks["marker"],
                color=marks["color"],
                markerfacecolor=marks["markerfacecolor"],
                markersize=marks["markersize"],
            )
            for entry, marks in zip(texts.legend, series, strict=True)
        ]
        frame.title(texts.title)
        figure = frame.finish(handles, ncols=len(handles))
    return ReportFigure(texts.name, figure, texts.alt, texts.caption, texts.data, texts.lang)
