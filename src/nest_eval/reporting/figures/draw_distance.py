"""Drawing the distance-travelled chart (:mod:`nest_eval.reporting.figures.distance`).

Small multiples, one panel per indicator on its own scale (shares as percentages): an open
circle at the baseline, an arrow to a filled circle at the current value, and, below them, the
95% interval of the change drawn from the baseline. A dotted line marks the baseline, so an
interval that crosses it is a change the data cannot tell from no change. The change and its
interval are also written in each panel.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from nest_eval.reporting.figures.distance import ChangePanel, DistanceSpec
from nest_eval.reporting.figures.render import (
    NOTE_COLOUR,
    PALETTE,
    REFERENCE_GREY,
    Frame,
    ReportFigure,
    style,
    wrap,
)
from nest_eval.reporting.figures.spec import finite, signed

__all__ = ["draw_distance"]

_BLUE = PALETTE["blue"]
_BLACK = PALETTE["black"]

_LEGEND: dict[str, dict[str, Any]] = {
    "baseline": {
        "marker": "o",
        "markersize": 7,
        "markerfacecolor": "white",
        "markeredgecolor": _BLACK,
        "markeredgewidth": 1.4,
        "linestyle": ":",
        "color": REFERENCE_GREY,
    },
    "current": {"marker": "o", "markersize": 7, "color": _BLUE, "linestyle": "none"},
    "interval": {
        "marker": "|",
        "markersize": 8,
        "color": _BLACK,
        "linewidth": 1.4,
        "markeredgewidth": 1.4,
    },
}
"""Legend handle of each legend key of the chart."""


def _share_tick(value: float, _position: int | None = None) -> str:
    """Tick label of a share axis: a whole percentage, blank outside 0–100%.

    The interval of a change, drawn from the baseline, can reach past 0% or 100% (it allows
    for the uncertainty of the baseline too); the axis is not labelled there.
    """
    if value < -1e-9 or value > 1 + 1e-9:
        return ""
    return signed(f"{100 * value:.0f}%")


def _draw_marks(ax: Axes, panel: ChangePanel) -> None:
    """Baseline line, interval bar, arrow and the two circles."""
    y_point, y_interval = 0.0, -0.55
    b, c = panel.baseline, panel.current
    if math.isfinite(b):
        ax.vlines(b, -0.9, 0.45, colors=REFERENCE_GREY, linestyles=":", linewidth=1.0, zorder=1)
    if panel.interval is not None:
        low, high = panel.interval
        ax.errorbar(
            [(low + high) / 2],
            [y_interval],
            xerr=[[(high - low) / 2]],
            fmt="none",
            ecolor=_BLACK,
            elinewidth=1.4,
            capsize=4,
            capthick=1.4,
            zorder=2,
        )
    if finite(b, c) and b != c:
        arrow = {
            "arrowstyle": "-|>",
            "color": _BLUE,
            "linewidth": 1.6,
            "shrinkA": 5,
            "shrinkB": 5,
            "mutation_scale": 12,
        }
        ax.annotate("", xy=(c, y_point), xytext=(b, y_point), zorder=2, arrowprops=arrow)
    if math.isfinite(b):
        ax.plot(
            b,
            y_point,
            marker="o",
            markersize=7.5,
            markerfacecolor="white",
            markeredgecolor=_BLACK,
            markeredgewidth=1.4,
            linestyle="none",
            zorder=3,
        )
    if math.isfinite(c):
        ax.plot(c, y_point, marker="o", markersize=7.5, color=_BLUE, linestyle="none", zorder=4)


def _set_scale(ax: Axes, panel: ChangePanel) -> None:
    """The x scale of a panel: the values, the interval ends, and a sensible span."""
    points = [v for v in (panel.baseline, panel.current) if math.isfinite(v)]
    if panel.interval is not None:
        points += list(panel.interval)
    if panel.ratings:
        ax.set_xlim(0.7, 4.3)
        ax.xaxis.set_major_locator(FixedLocator([1, 2, 3, 4]))
    elif points:
        low, high = min(points), max(points)
        if panel.interval is None and not panel.share and low >= 0:
            # Without an interval to give the scale, a zoomed axis would magnify the change:
            # counts, days and medians start at zero.
            low = 0.0
        span = high - low
        floor = 0.04 if panel.share else max(abs(high), 1.0) * 0.1
        pad = max(span * 0.1, floor)
        left, right = low - pad, high + pad
        if low >= 0:
            left = max(left, -0.02 if panel.share else -pad * 0.3)
        if panel.share and high <= 1:
            right = min(right, 1.02)
        ax.set_xlim(left, right)
        steps = [1, 2, 5, 10] if panel.share else [1, 2, 2.5, 5, 10]
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=steps))
    else:
        ax.set_xticks([])
    if panel.share:
        ax.xaxis.set_major_formatter(FuncFormatter(_share_tick))


def _draw_panel(ax: Axes, panel: ChangePanel) -> None:
    """Draw one indicator's panel: marks, scale, the change written, absent values named."""
    _draw_marks(ax, panel)
    _set_scale(ax, panel)
    ax.set_ylim(-1.0, 1.15)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    ax.text(
        0.0,
        1.0,
        panel.change,
        transform=ax.transAxes,
        va="top",
        ha="left",
        fontsize=7.5,
        color=NOTE_COLOUR,
    )
    if panel.absent:
        ax.text(
            1.0,
            0.08,
            panel.absent,
            transform=ax.transAxes,
            va="bottom",
            ha="right",
            fontsize=8,
            fontstyle="italic",
            color=NOTE_COLOUR,
        )


def draw_distance(spec: DistanceSpec) -> ReportFigure:
    """Draw a distance-travelled chart: one panel per indicator, in one or two columns.

    Parameters
    ----------
    spec : DistanceSpec
        The chart, from :func:`nest_eval.reporting.figures.distance.distance_spec`.

    Returns
    -------
    ReportFigure
        The figure with the specification's name, alt text and caption.
    """
    texts, panels = spec.texts, spec.panels
    ncols = 1 if len(panels) <= 3 else 2
    nrows = math.ceil(len(panels) / ncols)
    wrap_width = 70 if ncols == 1 else 40
    title_lines = [len(textwrap.wrap(panel.label, wrap_width)) for panel in panels]
    row_heights = [
        max(title_lines[r * ncols : (r + 1) * ncols]) * 0.145 + 0.85 for r in range(nrows)
    ]
    with style():
        frame = Frame.create(sum(row_heights) + 0.35, notes=texts.notes)
        axes = frame.main.subplots(nrows, ncols, squeeze=False, height_ratios=row_heights)
        for index, panel in enumerate(panels):
            ax = axes[index // ncols][index % ncols]
            ax.set_title(wrap(panel.label + panel.better, wrap_width), fontsize=8.5, loc="left")
            _draw_panel(ax, panel)
        for index in range(len(panels), nrows * ncols):
            frame.main.delaxes(axes[index // ncols][index % ncols])
        handles = [
            Line2D([], [], **_LEGEND[entry.key], label=entry.label) for entry in texts.legend
        ]
        frame.title(texts.title)
        figure = frame.finish(handles, ncols=3)
    return ReportFigure(texts.name, figure, texts.alt, texts.caption, texts.data, texts.lang)
