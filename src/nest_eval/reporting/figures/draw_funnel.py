"""Drawing funnel plots: from a funnel table, and the report's (:mod:`.funnel`).

The statistics of the limits live in :mod:`nest_eval.stats.funnel`, which does not import
matplotlib; :func:`plot_funnel` draws them from a funnel table on any axes.
:func:`draw_funnel` draws a report figure's specification
(:func:`nest_eval.reporting.figures.funnel.funnel_spec`) with it, in the report style and the
Okabe–Ito colours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from matplotlib.transforms import Bbox

from nest_eval.reporting.figures.cache import kept_ahead, reused
from nest_eval.reporting.figures.funnel import FunnelSpec
from nest_eval.reporting.figures.render import PALETTE, Frame, ReportFigure, style, wrap
from nest_eval.reporting.figures.spec import fmt_pct, phrase
from nest_eval.stats.funnel import FLAG_WITHIN, LEVELS, funnel_limits, level_label, limit_columns

__all__ = ["draw_funnel", "plot_funnel", "prepare_funnel"]


def plot_funnel(
    table: pd.DataFrame,
    ax: Axes | None = None,
    title: str = "Funnel plot",
    xlabel: str = "Number of people (n)",
    ylabel: str = "Proportion",
    target: float | None = None,
    tau2: float | None = None,
    levels: Sequence[float] | None = None,
    label_flagged: bool = True,
) -> Figure:
    """Draw a funnel plot: smooth limit curves over n, the units, and labels for flagged units.

    Only units flagged as outside a limit are labelled; units are not ranked. The figure is
    built without pyplot (no global state) and carries no date or other varying content; the
    caller chooses the file format and its metadata when saving.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`nest_eval.stats.funnel.funnel_table` (columns ``unit``, ``n``,
        ``proportion``, ``flag``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure (7 x 5 inches) is made when omitted.
    title, xlabel, ylabel : str
        Texts of the plot.
    target, tau2, levels : optional
        Override ``table.attrs`` (needed when the table has lost its ``attrs``).
    label_flagged : bool, default True
        Name the units outside a limit beside their points (False: a caller names the units
        itself, once the figure is laid out).

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the axes.

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
       *Statistics in Medicine* 24, 1185-1202.
    """
    attrs = table.attrs
    target = attrs.get("target") if target is None else target
    tau2 = attrs.get("tau2", 0.0) if tau2 is None else tau2
    levels = tuple(attrs.get("levels", LEVELS)) if levels is None else tuple(levels)
    if target is None:
        raise ValueError("target unknown: pass target= or a table from funnel_table")
    if ax is None:
        fig = Figure(figsize=(7.0, 5.0), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure(root=True)
    ns = table["n"].to_numpy(dtype=float)
    grid = _grid(ns)
    limits = funnel_limits(grid, float(target), float(tau2), levels)
    styles = ["--", "-", ":", "-."]
    for i, level in enumerate(sorted(levels)):
        lower_name, upper_name = limit_columns(level)
        style = styles[i % len(styles)]
        label = f"{level_label(level)}% limits"
        ax.plot(grid, limits[upper_name], color="0.35", linestyle=style, linewidth=1, label=label)
        ax.plot(grid, limits[lower_name], color="0.35", linestyle=style, linewidth=1)
    ax.axhline(float(target), color="tab:red", linewidth=1, label=f"Target {float(target):.1%}")
    flagged = (table["flag"] != FLAG_WITHIN).to_numpy()
    ax.scatter(ns[~flagged], table["proportion"].to_numpy()[~flagged], color="tab:blue",
               zorder=3, label="Within limits")  # fmt: skip
    if flagged.any():
        ax.scatter(ns[flagged], table["proportion"].to_numpy()[flagged], color="tab:orange",
                   marker="D", zorder=3, label="Outside a limit")  # fmt: skip
    if label_flagged:
        for row in table.loc[flagged].itertuples(index=False):
            ax.annotate(str(row.unit), (row.n, row.proportion), xytext=(5, 5),
                        textcoords="offset points", fontsize=9)  # fmt: skip
    ax.set_xlim(0, grid.max())
    bottom, top = ax.get_ylim()
    ax.set_ylim(max(bottom, 0.0), min(top, 1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best", fontsize=8, frameon=False)
    return fig


def _grid(ns: np.ndarray) -> np.ndarray:
    """Whole numbers of people from half the smallest n to 10% past the largest.

    The exact limits exist only at whole n: every one up to 50, and about 400 in all.
    """
    low, high = max(1.0, math.floor(ns.min() / 2.0)), math.ceil(ns.max() * 1.1)
    spaced = np.round(np.geomspace(low, high, 400))
    return np.unique(np.concatenate([np.arange(low, min(high, 50.0) + 1.0), spaced]))


def _recolour_funnel(ax: Axes) -> None:
    """Okabe–Ito colours for the artists of :func:`plot_funnel`."""
    swaps = {
        mpl.colors.to_hex("tab:red"): PALETTE["black"],
        mpl.colors.to_hex("tab:blue"): PALETTE["blue"],
        mpl.colors.to_hex("tab:orange"): PALETTE["vermillion"],
    }
    for line in ax.get_lines():
        colour = mpl.colors.to_hex(line.get_color())
        if colour in swaps:
            line.set_color(swaps[colour])
    for collection in ax.collections:
        faces = collection.get_facecolors()
        if len(faces):
            colour = mpl.colors.to_hex(faces[0])
            if colour in swaps:
                collection.set_facecolor(swaps[colour])
                collection.set_edgecolor("white")
                collection.set_linewidth(0.6)


_SHIFTS = (0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5)
"""Where a name is tried, in lines of text below (negative) or above its point, in turn."""


def _marker_boxes(ax: Axes, display: np.ndarray, spec: FunnelSpec) -> list[Bbox]:
    """A box around each drawn point, in display units: names are not written over them."""
    boxes = []
    for (x, y), unit in zip(display, spec.units["unit"].map(str), strict=True):
        half = (7.0 if unit == spec.highlight else 4.0) * ax.figure.dpi / 72.0
        boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    return boxes


def _name_box(
    ax: Axes,
    name: str,
    xy: tuple[float, float],
    offset: tuple[float, float],
    style: dict,
    renderer: RendererBase,
) -> Bbox:
    """The box, in display units, a name takes at ``offset`` points from its point."""
    label = ax.annotate(name, xy, xytext=offset, **style)
    box = label.get_window_extent(renderer)
    label.remove()
    return box


def _fits(ax: Axes, box: Bbox, others: list[Bbox]) -> bool:
    """Whether a name's box lies inside the axes, overlapping nothing."""
    inside = ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1
    inside = inside and ax.bbox.y0 <= box.y0 and box.y1 <= ax.bbox.y1
    return inside and not any(box.overlaps(other) for other in others)


def _fix_legend(ax: Axes, renderer: RendererBase) -> None:
    """Keep the legend where the laid-out figure put it, instead of searching again at each draw.

    ``loc="best"`` places the legend where it covers the fewest points, a search run at every
    draw; once the layout is frozen the place found is final, so it is fixed (lower-left corner
    in axes coordinates, rounded as :func:`~nest_eval.reporting.figures.render.freeze_layout`
    rounds positions).
    """
    legend = ax.get_legend()
    if legend is None:
        return
    box = legend.get_window_extent(renderer)
    corner = ax.transAxes.inverted().transform((box.x0, box.y0))
    legend.set_loc(tuple(float(v) for v in np.round(corner, 6)))


def _label_every_unit(ax: Axes, spec: FunnelSpec, renderer: RendererBase) -> None:
    """Name every RPB beside its point, where the name overlaps no other name, point or legend.

    Names are placed right of their point, or left of it in the right third of the axes. From
    the top down, each name is tried level with its point, then a line below, a line above,
    two lines below, and so on (:data:`_SHIFTS`), and kept at the first place inside the axes
    that overlaps nothing already placed (level with its point when none is free); a name
    moved off its point has a leader line to it. Run on the finished (frozen) layout, so the
    places checked are those drawn. A name is measured once, level with its point: a line up
    or down moves its box by the line's height and changes nothing else.
    """
    units = spec.units
    display = ax.transData.transform(
        np.column_stack([units["n"].to_numpy(float), units["proportion"].to_numpy(float)])
    )
    right_edge = ax.transAxes.transform((0.68, 0))[0]
    obstacles = _marker_boxes(ax, display, spec)
    if ax.get_legend() is not None:
        obstacles.append(ax.get_legend().get_window_extent(renderer))
    line = 10.0  # points: one line of 8-point text
    step = line * ax.figure.dpi / 72.0  # the same, in display units
    for i in np.argsort(-display[:, 1], kind="stable"):
        unit = str(units["unit"].iloc[i])
        mine = unit == spec.highlight
        left = bool(display[i, 0] > right_edge)
        away = (9.0 if mine else 6.0) * (-1 if left else 1)
        style = {
            "textcoords": "offset points",
            "ha": "right" if left else "left",
            "va": "center",
            "fontsize": 8.5 if mine else 8,
            "fontweight": "bold" if mine else "normal",
            "color": PALETTE["black"],
        }
        xy = (units["n"].iloc[i], units["proportion"].iloc[i])
        others = [box for k, box in enumerate(obstacles) if k != i]
        name = spec.names.get(unit, unit)
        level = _name_box(ax, name, xy, (away, 0.0), style, renderer)
        shift = next((k for k in _SHIFTS if _fits(ax, level.translated(0, k * step), others)), 0)
        if shift == 0:
            label = ax.annotate(name, xy, xytext=(away, 0.0), **style)
        else:
            leader = {"arrowstyle": "-", "color": "0.6", "linewidth": 0.5, "shrinkB": 3}
            label = ax.annotate(name, xy, xytext=(away, shift * line), arrowprops=leader, **style)
        obstacles.append(label.get_window_extent(renderer))


def _highlight(ax: Axes, spec: FunnelSpec) -> Artist | None:
    """Draw the report's RPB apart: a large orange square with a black edge."""
    if spec.highlight is None:
        return None
    mine = spec.units.loc[spec.units["unit"].map(str) == spec.highlight]
    return ax.scatter(
        mine["n"].to_numpy(float),
        mine["proportion"].to_numpy(float),
        s=90,
        marker="s",
        facecolor=PALETTE["orange"],
        edgecolor=PALETTE["black"],
        linewidth=1.2,
        zorder=4,
        label=spec.names.get(spec.highlight, spec.highlight),
    )


def _legend_labels(ax: Axes, spec: FunnelSpec) -> None:
    """The legend in the figure's language: limits, target, within, outside, the report's RPB."""
    lang = spec.texts.lang
    words = {
        "Within limits": phrase("funnel.legend.within", lang),
        "Outside a limit": phrase("funnel.legend.outside", lang),
    }
    for level in spec.levels:
        words[f"{level_label(level)}% limits"] = phrase(
            "funnel.legend.limits", lang, level=level_label(level)
        )
    words[f"Target {float(spec.target):.1%}"] = phrase(
        "funnel.legend.target", lang, target=fmt_pct(spec.target, 1)
    )
    handles, labels = ax.get_legend_handles_labels()
    legend = ax.get_legend()
    if legend is not None:
        legend.remove()
    ax.legend(
        handles, [words.get(text, text) for text in labels], loc="best", frameon=False, fontsize=8
    )


@dataclass(frozen=True)
class _Common:
    """What every report's funnel plot of one proportion shares: all but its RPB picked out.

    Attributes
    ----------
    units : pandas.DataFrame
        The RPBs' points (:attr:`FunnelSpec.units`).
    target, tau2, levels
        The limits (:class:`FunnelSpec`).
    title, xlabel, ylabel : str
        The texts of the axes.
    notes : tuple of str
        The notes under the plot.
    """

    units: pd.DataFrame = field(compare=False)
    target: float
    tau2: float
    levels: tuple[float, ...]
    title: str
    xlabel: str
    ylabel: str
    notes: tuple[str, ...]


def _common_of(spec: FunnelSpec) -> _Common:
    """What the funnel plot of a specification shares with the other reports' plots."""
    texts = spec.texts
    return _Common(
        spec.units, spec.target, spec.tau2, spec.levels, texts.title, texts.xlabel,
        texts.ylabel, tuple(texts.notes),
    )  # fmt: skip


def prepare_funnel(spec: FunnelSpec) -> None:
    """Build and keep the common part of a funnel plot now, unless kept already.

    For :func:`draw_funnel` to read back later (:func:`~.cache.kept_ahead`).

    Parameters
    ----------
    spec : FunnelSpec
        The plot, from :func:`nest_eval.reporting.figures.funnel.funnel_spec`.
    """
    kept_ahead(_common_of(spec), _common_part)


def _common_part(common: _Common) -> Figure:
    """The limits, the target, the points and the axes, laid out (no legend, no names)."""
    with style():
        frame = Frame.create(4.4, legend_rows=0, notes=common.notes)
        ax = frame.main.add_subplot()
        plot_funnel(
            common.units,
            ax=ax,
            title=wrap(common.title, 70),
            xlabel=common.xlabel,
            ylabel=common.ylabel,
            target=common.target,
            tau2=common.tau2,
            levels=common.levels,
            label_flagged=False,
        )
        ax.get_legend().remove()
        _recolour_funnel(ax)
        ax.set_xlim(0, ax.get_xlim()[1] * 1.08)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_title(wrap(common.title, 70), loc="left", fontsize=10, fontweight="bold")
        return frame.finish()


def draw_funnel(spec: FunnelSpec) -> ReportFigure:
    """Draw a report funnel plot: the units, each named, the limits and the target.

    Every RPB is named beside its point; an RPB outside a limit is a vermillion diamond, and
    the RPB whose report the plot is in (``spec.highlight``) a larger orange square with its
    name in bold and in the legend, so colour is never the only cue. The rest of the plot, laid
    out, is the same in every report: it is drawn once a run (:func:`~.cache.reused`), and
    each report's RPB, legend and names are drawn on a copy. The legend lies inside the axes,
    so the layout does not depend on it.

    Parameters
    ----------
    spec : FunnelSpec
        The plot, from :func:`nest_eval.reporting.figures.funnel.funnel_spec`.

    Returns
    -------
    ReportFigure
        The figure with the specification's name, alt text, caption and table of numbers.
    """
    texts = spec.texts
    figure = reused(_common_of(spec), _common_part)
    with style():
        (ax,) = figure.get_axes()
        renderer = figure._get_renderer()  # one for every measure, as each would make anew
        _highlight(ax, spec)
        _legend_labels(ax, spec)
        _fix_legend(ax, renderer)
        _label_every_unit(ax, spec, renderer)
    return ReportFigure(texts.name, figure, texts.alt, texts.caption, texts.data, texts.lang)
