"""Drawing the NEST profile (:mod:`nest_eval.reporting.figures.profile`).

A dot chart on the journey scale: the Wales mean is an open diamond; the RPB's rating, when
shown, a filled circle, with its baseline rating as a grey open circle and an arrow to this
year's rating. A value that is absent is written in its row, never drawn as 0.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator

from nest_eval.reporting.figures.profile import ProfileSpec
from nest_eval.reporting.figures.render import (
    NOTE_COLOUR,
    PALETTE,
    Frame,
    ReportFigure,
    style,
    wrap,
)
from nest_eval.reporting.figures.spec import Point, finite

__all__ = ["draw_profile"]

_BLUE = PALETTE["blue"]
_BLACK = PALETTE["black"]
_OFFSET = 0.17
"""Vertical offset of the RPB (above) and Wales (below) markers of a row."""

_MARKS: dict[str, dict[str, Any]] = {
    "rpb": {"marker": "o", "markersize": 7.5, "color": _BLUE, "linestyle": "none"},
    "baseline": {
        "marker": "o",
        "markersize": 7.5,
        "markerfacecolor": "white",
        "markeredgecolor": NOTE_COLOUR,
        "linestyle": "none",
    },
    "wales": {
        "marker": "D",
        "markersize": 7,
        "markerfacecolor": "white",
        "markeredgecolor": _BLACK,
        "markeredgewidth": 1.5,
        "linestyle": "none",
    },
}
"""Marker of each legend key of the profile."""


def _absent(ax: Axes, y: float, point: Point) -> None:
    """Write the text of an absent value in its row."""
    ax.text(0.58, y, point.text, va="center", fontsize=8, fontstyle="italic", color=NOTE_COLOUR)


def _draw_wales(ax: Axes, y: float, wales: Point) -> None:
    if not wales.drawn:
        _absent(ax, y, wales)
        return
    ax.plot(wales.value, y, **_MARKS["wales"], zorder=3)
    ax.annotate(
        wales.text,
        (wales.value, y),
        xytext=(8, 0),
        textcoords="offset points",
        va="center",
        fontsize=8,
        color=_BLACK,
    )


def _draw_rpb(ax: Axes, y: float, own: Point, earlier: float) -> None:
    value = own.value
    if finite(earlier):
        ax.plot(earlier, y, **_MARKS["baseline"], zorder=3)
        if own.drawn and value != earlier:
            arrow = {"arrowstyle": "->", "color": _BLUE, "lw": 1.2, "shrinkA": 5, "shrinkB": 6}
            ax.annotate("", xy=(value, y), xytext=(earlier, y), arrowprops=arrow, zorder=3)
    if not own.drawn:
        _absent(ax, y, own)
        return
    ax.plot(value, y, **_MARKS["rpb"], zorder=4)
    ax.annotate(
        own.text,
        (value, y),
        xytext=(8, 0),
        textcoords="offset points",
        va="center",
        fontsize=8,
        color=_BLUE,
        fontweight="bold",
    )


def _style_axes(ax: Axes, spec: ProfileSpec) -> None:
    """Journey scale with its levels named, one row per element, a light vertical grid."""
    levels = [level for level, _ in spec.levels]
    labels = [f"{wrap(row.element, 28)}\n({row.rated})" for row in spec.rows]
    ax.set_xlim(0.5, max(levels) + 0.5)
    ax.set_ylim(len(spec.rows) - 0.5, -0.5)
    ax.xaxis.set_major_locator(FixedLocator(levels))
    ax.set_xticklabels([f"{level}\n{wrap(name, 12)}" for level, name in spec.levels])
    ax.set_yticks(range(len(spec.rows)), labels)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="0.85", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(spec.texts.xlabel)


def draw_profile(spec: ProfileSpec) -> ReportFigure:
    """Draw a NEST profile.

    Parameters
    ----------
    spec : ProfileSpec
        The profile, from :func:`nest_eval.reporting.figures.profile.profile_spec`.

    Returns
    -------
    ReportFigure
        The figure with the specification's name, alt text and caption.
    """
    texts = spec.texts
    with style():
        frame = Frame.create(4.6)
        ax = frame.main.add_subplot()
        for i, row in enumerate(spec.rows):
            _draw_wales(ax, i + (_OFFSET if spec.has_rpb else 0.0), row.wales)
            if row.rpb is not None:
                _draw_rpb(ax, i - _OFFSET, row.rpb, row.baseline)
        _style_axes(ax, spec)
        handles = [Line2D([], [], **_MARKS[entry.key], label=entry.label) for entry in texts.legend]
        frame.title(texts.title)
        figure = frame.finish(handles, ncols=len(handles))
    return ReportFigure(texts.name, figure, texts.alt, texts.caption, texts.data, texts.lang)
