"""Figures for the yearly reports: accessible, deterministic, and never a league table.

Every figure function returns a :class:`ReportFigure`: a file stem, a matplotlib figure, an alt
text that states what the figure shows with its key numbers, and a caption. The figures are
drawn for the national report and for each Regional Partnership Board (RPB), for evaluators
and RPB boards:

- :func:`nest_profile`: the journey ratings of the six core elements, an RPB against the
  Wales mean, with how many RPBs rated each element; "not rated" is written, never drawn as 0.
- :func:`distance_chart`: baseline and current value of every indicator of one domain, with
  the interval of the change where one exists; one small panel per indicator.
- :func:`outcome_categories`: reliable improvement, no reliable change and reliable
  deterioration per outcome measure, with reliable recovery marked inside improvement.
- :func:`funnel`: a funnel plot (:func:`nest_eval.reporting.funnel_plot.plot_funnel`) of one
  proportion.
- :func:`experience_items`: the share agreeing with each experience item, with Wilson
  intervals, an RPB against Wales.

Design rules
------------
- Items and RPBs keep their published order; nothing is sorted by value, so no figure ranks
  RPBs or reads as a league table.
- Intervals are drawn wherever the table gives one; an indicator without an interval (a census
  of self-ratings, a median or a count) is drawn without error bars.
- Values withheld by disclosure control (the string ``"c"``) are drawn as absent, labelled
  ``c``, and the figure carries the note :data:`SUPPRESSED_NOTE`.
- Colours are the Okabe–Ito palette (:data:`PALETTE`), and colour is never the only cue:
  marker shapes (open = baseline or Wales, filled = current or the RPB), hatching and text
  labels carry the same information.
- Figures are 6.3 inches (160 mm) wide, the text width of an A4 page with 25 mm margins, with
  text of 8 to 11 points in DejaVu Sans (bundled with matplotlib, so every machine draws the
  same glyphs).
- Figures are built with :class:`matplotlib.figure.Figure`, never pyplot, inside a
  :func:`matplotlib.rc_context`, so no global state is read from or left behind.

Saving
------
:func:`save_figure` writes ``<name>.png`` (150 dpi), ``<name>.svg`` and ``<name>.txt`` (the
alt text), each atomically. The files are byte-identical across runs and processes: no date or
software version is embedded, SVG identifiers are hashed with a fixed salt
(``svg.hashsalt``), and SVG text is drawn as paths (no dependence on installed fonts). The SVG
carries the caption as ``<title>`` and the alt text as ``<desc>``, with ``role="img"``; the
PNG carries them as ``Title`` and ``Description`` text chunks. :func:`figure_html` gives a
self-contained HTML ``<figure>`` with the PNG as a data URI.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import math
import os
import re
import struct
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import cycler
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, PercentFormatter
from matplotlib.transforms import Bbox

from nest_eval.files import atomic_write_bytes
from nest_eval.reference.contract import DATASETS, EXPERIENCE_ITEMS
from nest_eval.reference.measures import CATALOGUE, Catalogue
from nest_eval.reference.vocabulary import (
    CORE_ELEMENTS,
    JOURNEY_LEVELS,
    RPB_NAMES,
    WALES,
    normalise_label,
    resolve_element,
    resolve_rpb,
    rpb_slug,
)

__all__ = [
    "DPI",
    "PALETTE",
    "SUPPRESSED",
    "SUPPRESSED_NOTE",
    "WIDTH",
    "ReportFigure",
    "distance_chart",
    "experience_items",
    "figure_html",
    "funnel",
    "nest_profile",
    "outcome_categories",
    "render",
    "save_figure",
    "style",
]

PALETTE: Mapping[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""The Okabe–Ito colour-blind-safe palette (Okabe and Ito 2008, *Color Universal Design*)."""

SUPPRESSED = "c"
"""The value that disclosure control writes in place of a withheld figure."""

SUPPRESSED_NOTE = "c = suppressed (fewer than 10)"
"""The note a figure carries when any of its values is suppressed."""

WIDTH = 6.3
"""Figure width in inches: 160 mm, the text width of an A4 page with 25 mm margins."""

DPI = 150
"""Resolution of the PNG files."""

_SVG_SALT = "nest-eval"
_FONT = "DejaVu Sans"
_RC: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [_FONT],
    "font.size": 9.0,
    "axes.titlesize": 9.5,
    "axes.titlelocation": "left",
    "axes.labelsize": 9.0,
    "axes.edgecolor": "0.3",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=[PALETTE[k] for k in ("blue", "vermillion", "bluish_green")]),
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "xtick.color": "0.2",
    "ytick.color": "0.2",
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "figure.titlesize": 11.0,
    "figure.titleweight": "bold",
    "figure.facecolor": "white",
    "figure.dpi": 100.0,
    "savefig.facecolor": "white",
    "savefig.dpi": DPI,
    "hatch.color": "white",
    "hatch.linewidth": 1.2,
    "mathtext.fontset": "dejavusans",
    "text.usetex": False,
    "text.parse_math": False,
    "axes.unicode_minus": True,
    "svg.fonttype": "path",
    "svg.hashsalt": _SVG_SALT,
    "svg.image_inline": True,
    "svg.id": None,
}

_BLUE = PALETTE["blue"]
_VERMILLION = PALETTE["vermillion"]
_BLACK = PALETTE["black"]
_NO_CHANGE_GREY = "#CCCCCC"
_REFERENCE_GREY = "0.45"
_NOTE_COLOUR = "0.2"
_NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,150}")
_MINUS = "\N{MINUS SIGN}"

_DOMAIN_LABELS = {
    "implementation": "implementation (NEST journey ratings)",
    "outcomes": "outcomes",
    "experiences": "experiences of help",
    "access": "access to help",
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context in which the report figures are built and saved.

    Sets the fonts, sizes, palette and SVG settings of the reports with
    :func:`matplotlib.rc_context`, so the caller's settings are restored afterwards. Use it to
    draw further figures in the same style.

    Yields
    ------
    None
    """
    with mpl.rc_context(_RC):
        yield


@dataclass(frozen=True)
class ReportFigure:
    """A figure of a report with its accessible description.

    Attributes
    ----------
    name : str
        File stem: lower case letters, digits, ``_``, ``-`` and ``.``, e.g.
        ``"nest_profile_gwent"``.
    figure : matplotlib.figure.Figure
        The figure (built without pyplot).
    alt : str
        Alt text: what the figure shows, with its key numbers, for readers who cannot see it.
    caption : str
        Caption for the report.
    """

    name: str
    figure: Figure = field(repr=False, compare=False)
    alt: str
    caption: str

    def __post_init__(self) -> None:
        if not _NAME_PATTERN.fullmatch(self.name):
            raise ValueError(
                f"figure name {self.name!r} must be lower case letters, digits, '_', '-' or '.'"
            )
        if not self.alt.strip():
            raise ValueError("every report figure needs an alt text")


# ---------------------------------------------------------------------------------------------
# Values and their text
# ---------------------------------------------------------------------------------------------


def _is_suppressed(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() == SUPPRESSED


def _number(value: object) -> float:
    """A cell as a float: NaN for missing, blank or suppressed values."""
    if value is None or _is_suppressed(value):
        return math.nan
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return math.nan
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return number


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def _signed(text: str) -> str:
    return text.replace("-", _MINUS)


def _fmt(value: float, decimals: int | None = None) -> str:
    """A number for a label: thousands separated, 0–2 decimals by size, true minus sign.

    Whole numbers (counts, journey ratings) are written without decimals.

    >>> _fmt(-2.3456), _fmt(44.0), _fmt(93.6), _fmt(1234.6)
    ('−2.35', '44', '93.6', '1,235')
    """
    if decimals is None:
        size = abs(value)
        whole = float(value).is_integer() or size >= 100
        decimals = 0 if whole else 1 if size >= 10 else 2
    return _signed(f"{value:,.{decimals}f}")


def _fmt_change(value: float, decimals: int | None = None) -> str:
    text = _fmt(value, decimals)
    return text if text.startswith(_MINUS) or value == 0 else "+" + text


def _pct(share: float, decimals: int = 0) -> str:
    return _signed(f"{100 * share:.{decimals}f}%")


def _count(value: object) -> str:
    if _is_suppressed(value):
        return SUPPRESSED
    number = _number(value)
    return f"{number:,.0f}" if math.isfinite(number) else "unknown"


def _slug(kind: str, *parts: str) -> str:
    """File stem: the figure kind, then each part folded to lower case with hyphens, by ``_``.

    >>> _slug("nest_profile", "Cardiff and Vale")
    'nest_profile_cardiff-and-vale'
    """
    folded = [rpb_slug(part) for part in parts if part]
    return "_".join([kind, *(p for p in folded if p)])[:150].rstrip("_-")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_on_hyphens=False)) or text


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _canonical_rpb(name: str) -> str:
    if normalise_label(str(name)) in {normalise_label(WALES), "cymru", "all wales"}:
        return WALES
    return resolve_rpb(name)


def _item_texts() -> dict[str, str]:
    """Plain-English statement of each experience item, from the data contract."""
    dataset = next(d for d in DATASETS if d.name == "experiences")
    texts: dict[str, str] = {}
    for item in EXPERIENCE_ITEMS:
        description = dataset.column(item).description
        text = re.sub(r"\s*\(1[–-]5 agreement\)\.?\s*$", "", description).rstrip(". ")
        texts[item] = text or item.replace("_", " ")
    return texts


_ITEM_TEXTS = _item_texts()


def _level_name(rating: float) -> str:
    """Journey-level name of a rating; a half point lies between two levels."""
    names = {level.level: level.label() for level in JOURNEY_LEVELS}
    if rating in names:
        return names[int(rating)]
    low, high = math.floor(rating), math.ceil(rating)
    if low in names and high in names:
        return f"between {names[low]} and {names[high]}"
    return "outside the journey scale"


@dataclass(frozen=True)
class _Frame:
    """A report figure: a main panel (title and axes) above a footer (legend and notes)."""

    figure: Figure
    main: FigureBase
    footer: FigureBase | None
    notes: str


def _frame(height: float, legend_rows: int = 1, notes: Sequence[str] = ()) -> _Frame:
    """A figure of the report width: ``height`` inches for the title and axes, then a footer.

    The footer is a subfigure sized for the legend rows and the notes, so the legend and the
    notes never overlap the axes or each other.
    """
    text = "\n".join(textwrap.fill(note, 105) for note in notes)
    lines = text.count("\n") + 1 if text else 0
    footer_height = legend_rows * 0.3 + lines * 0.165 + (0.08 if legend_rows or lines else 0.0)
    figure = Figure(figsize=(WIDTH, height + footer_height), layout="constrained")
    if footer_height == 0:
        return _Frame(figure, figure, None, text)
    main, footer = figure.subfigures(2, 1, height_ratios=[height, footer_height])
    return _Frame(figure, main, footer, text)


def _finish(frame: _Frame, handles: Sequence[Artist] = (), ncols: int = 1) -> Figure:
    """Draw the legend and notes in the footer, lay out, and create the ticks in report style."""
    if frame.footer is not None:
        if handles:
            frame.footer.legend(
                handles=list(handles), loc="upper center", ncols=ncols, borderaxespad=0.2
            )
        if frame.notes:
            frame.footer.text(
                0.01, 0.04, frame.notes, ha="left", va="bottom", fontsize=8, color=_NOTE_COLOUR
            )
    _freeze_layout(frame.figure)
    return frame.figure


def _freeze_layout(figure: Figure) -> None:
    """Lay out once, then fix every position, rounded, and switch the layout engine off.

    Constrained layout solves for positions with kiwisolver, whose results vary in the last
    bits with the order of objects in memory, and it runs again at every draw. Unrounded, that
    noise changes the SVG clip-path identifiers (hashed from the clip boxes) between saves and
    between processes. Rounded to 1e-6 of the figure (a thousandth of a pixel) and frozen, the
    positions, and so the files, are the same every time.
    """
    figure.draw_without_rendering()
    figure.set_layout_engine("none")
    pending = list(figure.subfigs)
    while pending:
        sub = pending.pop(0)
        sub.bbox_relative.set_points(np.round(sub.bbox_relative.get_points(), 6))
        pending.extend(sub.subfigs)
    for ax in figure.get_axes():
        points = np.round(ax.get_position(original=False).get_points(), 6)
        ax.set_position(Bbox(points), which="both")


def _title(frame: _Frame, text: str) -> None:
    frame.main.suptitle(text, x=0.01, ha="left")


# ---------------------------------------------------------------------------------------------
# 1. NEST profile
# ---------------------------------------------------------------------------------------------


def _ratings_by_element(
    ratings: pd.DataFrame | Mapping[str, object] | None, rpb: str | None, year: int | None
) -> dict[str, float]:
    if ratings is None:
        return {}
    if isinstance(ratings, pd.DataFrame):
        frame = ratings
        if "rpb" in frame and rpb is not None:
            frame = frame.loc[frame["rpb"].map(lambda r: _canonical_rpb(str(r))) == rpb]
        if "year" in frame and year is not None:
            frame = frame.loc[pd.to_numeric(frame["year"], errors="coerce") == year]
        elif "year" in frame and frame["year"].nunique() > 1:
            raise ValueError("rpb_ratings hold several years: pass year=")
        if "level" in frame:
            frame = frame.loc[frame["level"] == "region"]
        column = "rating" if "rating" in frame else "current"
        pairs = zip(frame["element"], frame[column], strict=True)
    else:
        pairs = iter(ratings.items())
    found: dict[str, float] = {}
    for element, value in pairs:
        found[resolve_element(str(element))] = _number(value)
    return found


def nest_profile(
    national_means_current: pd.DataFrame,
    rpb_ratings: pd.DataFrame | Mapping[str, object] | None = None,
    rpb: str | None = None,
    year: int | None = None,
    *,
    baseline_year: int | None = None,
    name: str | None = None,
) -> ReportFigure:
    """The NEST profile: journey ratings of the six core elements, an RPB against Wales.

    One row per core element, in published order, on the 1–4 journey scale with its levels
    named (:data:`nest_eval.reference.vocabulary.JOURNEY_LEVELS`). The Wales mean is an open
    diamond; the
    RPB's own rating, when given, a filled circle. Each row states how many of the seven RPBs
    rated the element. An element without a rating is labelled "not rated" and drawn without a
    marker, never as 0. Journey ratings are a census of the RPBs' self-ratings, not a sample, so
    no interval is drawn.

    Parameters
    ----------
    national_means_current : pandas.DataFrame
        :func:`nest_eval.domains.implementation.national_means` for the year: ``element``,
        ``mean_rating``, ``n_rpbs`` (and optionally ``n_not_rated``).
    rpb_ratings : pandas.DataFrame or mapping, optional
        The RPB's ratings: rows of :func:`nest_eval.domains.implementation.journey_ratings`
        (filtered
        here to ``rpb`` and ``year`` when those columns are present) or a mapping of element
        (key or label) to rating. An element missing or blank is not rated.
    rpb : str, optional
        The RPB (any alias); needed with ``rpb_ratings`` unless the rows hold a single RPB.
        Omit both for the Wales profile.
    year : int, optional
        The self-assessment cycle: selects the rows of ``rpb_ratings`` and is named in the
        title and the alt text.
    baseline_year : int, optional
        With ``rpb_ratings`` holding that cycle too, the RPB's baseline rating is drawn as a
        grey open circle with an arrow to this year's rating: the distance travelled.
    name : str, optional
        File stem; ``nest_profile_<rpb slug>`` (``nest_profile_wales``) by default.

    Returns
    -------
    ReportFigure
        The figure, with an alt text giving every element's ratings.
    """
    means = national_means_current.copy()
    means["_key"] = [resolve_element(str(e)) for e in means["element"]]
    means = means.set_index("_key")
    if rpb is None and isinstance(rpb_ratings, pd.DataFrame) and "rpb" in rpb_ratings:
        found = {_canonical_rpb(str(r)) for r in rpb_ratings["rpb"].dropna()}
        if len(found) != 1:
            raise ValueError("rpb_ratings hold several RPBs: pass rpb=")
        rpb = found.pop()
    if rpb_ratings is not None and rpb is None:
        raise ValueError("pass rpb= with rpb_ratings")
    rpb = None if rpb is None else _canonical_rpb(rpb)
    if rpb == WALES:
        rpb, rpb_ratings = None, None
    own = _ratings_by_element(rpb_ratings, rpb, year) if rpb is not None else {}
    before = (
        _ratings_by_element(rpb_ratings, rpb, baseline_year)
        if rpb is not None and baseline_year is not None
        else {}
    )
    total = len(RPB_NAMES)
    scope = rpb if rpb is not None else WALES
    cycle = f", {year}" if year is not None else ""
    in_year = f" in {year}" if year is not None else ""

    with style():
        frame = _frame(4.6)
        ax = frame.main.add_subplot()
        labels, alt_parts = [], []
        for i, element in enumerate(CORE_ELEMENTS):
            row = means.loc[element.key] if element.key in means.index else None
            mean = _number(row["mean_rating"]) if row is not None else math.nan
            n_rated = _number(row["n_rpbs"]) if row is not None else math.nan
            rated_text = (
                f"rated by {n_rated:.0f} of {total} RPBs"
                if math.isfinite(n_rated)
                else "RPBs rating it: unknown"
            )
            labels.append(f"{_wrap(element.label_en, 28)}\n({rated_text})")
            y_wales = i + (0.17 if rpb is not None else 0.0)
            y_rpb = i - 0.17
            if math.isfinite(mean):
                ax.plot(
                    mean,
                    y_wales,
                    marker="D",
                    markersize=7,
                    markerfacecolor="white",
                    markeredgecolor=_BLACK,
                    markeredgewidth=1.5,
                    linestyle="none",
                    zorder=3,
                )
                ax.annotate(
                    _fmt(mean, 1),
                    (mean, y_wales),
                    xytext=(8, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=8,
                    color=_BLACK,
                )
                wales_text = f"Wales mean {_fmt(mean, 1)} ({rated_text})"
            else:
                ax.text(
                    0.58,
                    y_wales,
                    "Wales: not rated by any RPB",
                    va="center",
                    fontsize=8,
                    fontstyle="italic",
                    color=_NOTE_COLOUR,
                )
                wales_text = "Wales: not rated by any RPB"
            if rpb is not None:
                value = own.get(element.key, math.nan)
                earlier = before.get(element.key, math.nan)
                if math.isfinite(earlier):
                    ax.plot(
                        earlier,
                        y_rpb,
                        marker="o",
                        markersize=7.5,
                        markerfacecolor="white",
                        markeredgecolor=_NOTE_COLOUR,
                        linestyle="none",
                        zorder=3,
                    )
                    if math.isfinite(value) and value != earlier:
                        ax.annotate(
                            "",
                            xy=(value, y_rpb),
                            xytext=(earlier, y_rpb),
                            arrowprops={
                                "arrowstyle": "->",
                                "color": _BLUE,
                                "lw": 1.2,
                                "shrinkA": 5,
                                "shrinkB": 6,
                            },
                            zorder=3,
                        )
                if math.isfinite(value):
                    ax.plot(
                        value,
                        y_rpb,
                        marker="o",
                        markersize=7.5,
                        color=_BLUE,
                        linestyle="none",
                        zorder=4,
                    )
                    ax.annotate(
                        f"{value:g}",
                        (value, y_rpb),
                        xytext=(8, 0),
                        textcoords="offset points",
                        va="center",
                        fontsize=8,
                        color=_BLUE,
                        fontweight="bold",
                    )
                    own_text = f"{rpb} {value:g} ({_level_name(value)})"
                    if math.isfinite(earlier):
                        own_text += f", {earlier:g} in {baseline_year}"
                else:
                    ax.text(
                        0.58,
                        y_rpb,
                        f"{rpb}: not rated",
                        va="center",
                        fontsize=8,
                        fontstyle="italic",
                        color=_NOTE_COLOUR,
                    )
                    own_text = f"{rpb} not rated"
                alt_parts.append(f"{element.label_en}: {own_text}; {wales_text}.")
            else:
                alt_parts.append(f"{element.label_en}: {wales_text}.")
        levels = [level.level for level in JOURNEY_LEVELS]
        ax.set_xlim(0.5, max(levels) + 0.5)
        ax.set_ylim(len(CORE_ELEMENTS) - 0.5, -0.5)
        ax.xaxis.set_major_locator(FixedLocator(levels))
        ax.set_xticklabels([f"{lv.level}\n{_wrap(lv.label(), 12)}" for lv in JOURNEY_LEVELS])
        ax.set_yticks(range(len(CORE_ELEMENTS)), labels)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="0.85", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel("NEST journey rating (1 = basic level, 4 = embedded)")
        handles = [
            Line2D(
                [],
                [],
                marker="D",
                markersize=7,
                markerfacecolor="white",
                markeredgecolor=_BLACK,
                markeredgewidth=1.5,
                linestyle="none",
                label="Wales mean (of the RPBs that rated the element)",
            ),
        ]
        if rpb is not None:
            handles.insert(
                0,
                Line2D(
                    [],
                    [],
                    marker="o",
                    markersize=7.5,
                    color=_BLUE,
                    linestyle="none",
                    label=f"{rpb} in {year}" if before and year is not None else f"{rpb}'s rating",
                ),
            )
            if before:
                handles.insert(
                    1,
                    Line2D(
                        [],
                        [],
                        marker="o",
                        markersize=7.5,
                        markerfacecolor="white",
                        markeredgecolor=_NOTE_COLOUR,
                        linestyle="none",
                        label=f"{rpb} in {baseline_year}",
                    ),
                )
            _title(frame, f"NEST profile{cycle}: {rpb} and the Wales mean")
        else:
            _title(frame, f"NEST profile{cycle}: Wales")
        figure = _finish(frame, handles, ncols=len(handles))

    scale = "1 (basic level), 2 (early progress), 3 (substantial progress) to 4 (embedded)"
    subject = f"{rpb}'s own rating against the Wales mean" if rpb is not None else "the Wales mean"
    alt = (
        f"Dot chart of NEST journey ratings{in_year} for the six core elements, on the scale "
        f"{scale}, showing {subject}. " + " ".join(alt_parts)
    )
    caption = (
        f"NEST profile{cycle}: journey ratings of the six core elements for {scope}"
        + (" against the Wales mean" if rpb is not None else "")
        + ". Ratings are the RPBs' self-assessments (a census, so no interval applies); the "
        "Wales mean is over the RPBs that rated each element, and an element without a rating "
        "is shown as not rated."
    )
    return ReportFigure(name or _slug("nest_profile", scope), figure, alt, caption)


# ---------------------------------------------------------------------------------------------
# 2. Distance travelled
# ---------------------------------------------------------------------------------------------


def _is_share(indicator: str) -> bool:
    """Indicators measured as a share (0–1): their label starts a clause with "share"."""
    return re.search(r"(^|:\s*)share\b", indicator.strip(), flags=re.IGNORECASE) is not None


def _indicator_label(indicator: str) -> str:
    match = re.fullmatch(r"share agreeing: (\w+)", indicator.strip())
    if match and match.group(1) in _ITEM_TEXTS:
        return f"Share agreeing: {_ITEM_TEXTS[match.group(1)].lower()}"
    return _sentence(indicator.strip())


@dataclass(frozen=True)
class _Change:
    label: str
    baseline: float
    current: float
    change: float
    low: float
    high: float
    n: object
    better: str
    share: bool
    suppressed: frozenset[str]

    def value_text(self, value: float, column: str, missing: str) -> str:
        if column in self.suppressed:
            return "suppressed (c)"
        if not math.isfinite(value):
            return missing
        return _pct(value, 1) if self.share else _fmt(value)

    def change_text(self, long: bool) -> str:
        unit = (" percentage points" if long else " pts") if self.share else ""
        scale = 100.0 if self.share else 1.0
        decimals = 1 if self.share else None
        if "change" in self.suppressed:
            return "change suppressed (c)"
        if not math.isfinite(self.change):
            return "change not available"
        text = f"change {_fmt_change(scale * self.change, decimals)}{unit}"
        if {"ci_low", "ci_high"} & self.suppressed:
            return text + " (interval suppressed, c)"
        if _finite(self.low, self.high):
            low = _fmt_change(scale * self.low, decimals)
            high = _fmt_change(scale * self.high, decimals)
            return text + f" (95% CI {low} to {high})"
        return text + (" (no interval)" if long else "")


def _changes(rows: pd.DataFrame) -> list[_Change]:
    changes = []
    for row in rows.to_dict("records"):
        columns = ("baseline", "current", "change", "ci_low", "ci_high", "n")
        suppressed = frozenset(c for c in columns if _is_suppressed(row.get(c)))
        baseline, current = _number(row.get("baseline")), _number(row.get("current"))
        change = _number(row.get("change"))
        if not math.isfinite(change) and "change" not in suppressed and _finite(baseline, current):
            change = current - baseline
        indicator = str(row["indicator"])
        changes.append(
            _Change(
                label=_indicator_label(indicator),
                baseline=baseline,
                current=current,
                change=change,
                low=_number(row.get("ci_low")),
                high=_number(row.get("ci_high")),
                n=row.get("n"),
                better=str(row.get("better") or ""),
                share=_is_share(indicator),
                suppressed=suppressed,
            )
        )
    return changes


def _single_year(values: pd.Series) -> int | None:
    years = {int(v) for v in pd.to_numeric(values, errors="coerce").dropna()}
    return years.pop() if len(years) == 1 else None


def _share_tick(value: float, _position: int | None = None) -> str:
    """Tick label of a share axis: a whole percentage, blank outside 0–100%.

    The interval of a change, drawn from the baseline, can reach past 0% or 100% (it allows
    for the uncertainty of the baseline too); the axis is not labelled there.
    """
    if value < -1e-9 or value > 1 + 1e-9:
        return ""
    return _signed(f"{100 * value:.0f}%")


def _draw_change(ax: Axes, item: _Change, ratings: bool, missing_word: str) -> None:
    y_point, y_interval = 0.0, -0.55
    b, c = item.baseline, item.current
    interval = _finite(b, item.low, item.high) and not {"ci_low", "ci_high"} & item.suppressed
    if math.isfinite(b):
        ax.vlines(b, -0.9, 0.45, colors=_REFERENCE_GREY, linestyles=":", linewidth=1.0, zorder=1)
    if interval:
        low, high = b + item.low, b + item.high
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
    if _finite(b, c) and b != c:
        ax.annotate(
            "",
            xy=(c, y_point),
            xytext=(b, y_point),
            zorder=2,
            arrowprops={
                "arrowstyle": "-|>",
                "color": _BLUE,
                "linewidth": 1.6,
                "shrinkA": 5,
                "shrinkB": 5,
                "mutation_scale": 12,
            },
        )
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
    absent = []
    for column, value, when in (("baseline", b, "baseline"), ("current", c, "current")):
        if not math.isfinite(value):
            word = SUPPRESSED if column in item.suppressed else missing_word
            absent.append(f"{when}: {word}")
    # Limits: the values, the interval ends, and a sensible span when they coincide.
    points = [v for v in (b, c) if math.isfinite(v)]
    if interval:
        points += [b + item.low, b + item.high]
    if ratings:
        ax.set_xlim(0.7, 4.3)
        ax.xaxis.set_major_locator(FixedLocator([1, 2, 3, 4]))
    elif points:
        low, high = min(points), max(points)
        if not interval and not item.share and low >= 0:
            # Without an interval to give the scale, a zoomed axis would magnify the change:
            # counts, days and medians start at zero.
            low = 0.0
        span = high - low
        floor = 0.04 if item.share else max(abs(high), 1.0) * 0.1
        pad = max(span * 0.1, floor)
        left, right = low - pad, high + pad
        if low >= 0:
            left = max(left, -0.02 if item.share else -pad * 0.3)
        if item.share and high <= 1:
            right = min(right, 1.02)
        ax.set_xlim(left, right)
        steps = [1, 2, 5, 10] if item.share else [1, 2, 2.5, 5, 10]
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=steps))
    else:
        ax.set_xticks([])
    if item.share:
        ax.xaxis.set_major_formatter(FuncFormatter(_share_tick))
    ax.set_ylim(-1.0, 1.15)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    ax.text(
        0.0,
        1.0,
        item.change_text(long=False),
        transform=ax.transAxes,
        va="top",
        ha="left",
        fontsize=7.5,
        color=_NOTE_COLOUR,
    )
    if absent:
        ax.text(
            1.0,
            0.08,
            "; ".join(absent),
            transform=ax.transAxes,
            va="bottom",
            ha="right",
            fontsize=8,
            fontstyle="italic",
            color=_NOTE_COLOUR,
        )


def distance_chart(
    table: pd.DataFrame,
    rpb: str,
    domain: str,
    *,
    year: int | None = None,
    indicators: Sequence[str] | None = None,
    name: str | None = None,
) -> ReportFigure:
    """Distance travelled in one domain: each indicator's baseline, current value and change.

    The indicators of a domain come in different units (shares, days, counts, scores on
    different scales), so no single axis can hold them honestly, and standardising the changes
    would hide what they mean. Each indicator gets its own small panel on its own scale (shares
    as percentages): an open circle at the baseline, an arrow to a filled circle at the current
    value, and, below them, the 95% interval of the change drawn from the baseline (from
    baseline + lower limit to baseline + upper limit). A dotted line marks the baseline, so an
    interval that crosses it is a change the data cannot tell from no change. Indicators without
    an interval (journey ratings, medians, counts) have no bar. Suppressed values (``"c"``) are
    drawn as absent and labelled. The change and its interval are also written in each panel.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`nest_eval.domains.distance.distance_travelled` (or the published CSV, possibly with
        ``"c"`` in any value column).
    rpb : str
        The RPB (any alias) or ``"Wales"``.
    domain : str
        ``"implementation"``, ``"outcomes"``, ``"experiences"`` or ``"access"``.
    year : int, optional
        The reporting year, for the legend and the alt text.
    indicators : sequence of str, optional
        Only these indicators (as named in the table), in this order; all by default.
    name : str, optional
        File stem; ``distance_<rpb slug>_<domain>`` by default.

    Returns
    -------
    ReportFigure
        The figure, with an alt text giving every indicator's values, change and interval.

    Raises
    ------
    ValueError
        When the table has no row for the RPB and domain.
    """
    rpb = _canonical_rpb(rpb)
    rows = table.loc[(table["rpb"] == rpb) & (table["domain"] == domain)]
    if indicators is not None:
        order = {str(ind): i for i, ind in enumerate(indicators)}
        rows = rows.loc[rows["indicator"].isin(list(order))]
        rows = rows.iloc[np.argsort([order[str(i)] for i in rows["indicator"]], kind="stable")]
    if rows.empty:
        raise ValueError(f"no distance-travelled rows for {rpb!r} in domain {domain!r}")
    items = _changes(rows)
    base_year = _single_year(rows["baseline_year"]) if "baseline_year" in rows else None
    ratings = domain == "implementation"
    missing_word = "not rated" if ratings else "no data"
    ncols = 1 if len(items) <= 3 else 2
    nrows = math.ceil(len(items) / ncols)
    wrap_width = 70 if ncols == 1 else 40
    title_lines = [len(textwrap.wrap(it.label, wrap_width)) for it in items]
    row_heights = [
        max(title_lines[r * ncols : (r + 1) * ncols]) * 0.145 + 0.85 for r in range(nrows)
    ]
    any_suppressed = any(it.suppressed for it in items)

    notes = ["Each panel has its own scale. Indicators without a bar have no interval."]
    if any_suppressed:
        notes.append(SUPPRESSED_NOTE + ".")
    domain_text = _DOMAIN_LABELS.get(domain, domain)

    with style():
        frame = _frame(sum(row_heights) + 0.35, notes=notes)
        axes = frame.main.subplots(nrows, ncols, squeeze=False, height_ratios=row_heights)
        for index, item in enumerate(items):
            ax = axes[index // ncols][index % ncols]
            better = f" ({item.better} is better)" if item.better in {"higher", "lower"} else ""
            ax.set_title(_wrap(item.label + better, wrap_width), fontsize=8.5, loc="left")
            _draw_change(ax, item, ratings, missing_word)
        for index in range(len(items), nrows * ncols):
            frame.main.delaxes(axes[index // ncols][index % ncols])
        base_label = f"Baseline ({base_year})" if base_year is not None else "Baseline"
        now_label = f"Current ({year})" if year is not None else "Current"
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                markersize=7,
                markerfacecolor="white",
                markeredgecolor=_BLACK,
                markeredgewidth=1.4,
                linestyle=":",
                color=_REFERENCE_GREY,
                label=base_label,
            ),
            Line2D(
                [], [], marker="o", markersize=7, color=_BLUE, linestyle="none", label=now_label
            ),
            Line2D(
                [],
                [],
                marker="|",
                markersize=8,
                color=_BLACK,
                linewidth=1.4,
                markeredgewidth=1.4,
                label="95% interval of the change, from the baseline",
            ),
        ]
        _title(frame, f"Distance travelled, {rpb}: {domain_text}")
        figure = _finish(frame, handles, ncols=3)

    period = (
        f"from {base_year} to {year}"
        if base_year is not None and year is not None
        else "from the baseline to the current year"
    )
    parts = []
    for item in items:
        better = f", {item.better} is better" if item.better in {"higher", "lower"} else ""
        parts.append(
            f"{item.label}{better}: baseline "
            f"{item.value_text(item.baseline, 'baseline', missing_word)}, current "
            f"{item.value_text(item.current, 'current', missing_word)}, "
            f"{item.change_text(long=True)}" + ("" if ratings else f", n = {_count(item.n)}") + "."
        )
    alt = (
        f"Small-multiple chart of distance travelled in {domain_text} for {rpb}, {period}: "
        f"{len(items)} indicators, each in its own panel on its own scale, with an arrow from "
        "the baseline to the current value and the 95% interval of the change where there is "
        "one. " + " ".join(parts) + (f" {SUPPRESSED_NOTE}." if any_suppressed else "")
    )
    caption = (
        f"Distance travelled in {domain_text}, {rpb}, {period}. Open circle: baseline; filled "
        "circle: current value; bar: 95% interval of the change, drawn from the baseline (a bar "
        "crossing the dotted baseline line means the change cannot be told from no change). "
        "Each panel has its own scale." + (f" {SUPPRESSED_NOTE}." if any_suppressed else "")
    )
    return ReportFigure(name or _slug("distance", rpb, domain), figure, alt, caption)


# ---------------------------------------------------------------------------------------------
# 3. Outcome categories
# ---------------------------------------------------------------------------------------------


def _measure_label(measure: str, respondent: object, catalogue: Catalogue) -> str:
    try:
        label = catalogue[measure].label_en
    except (KeyError, ValueError):
        label = measure
    if isinstance(respondent, str) and respondent:
        return f"{label} ({respondent})"
    return label


@dataclass(frozen=True)
class _Categories:
    label: str
    n_pairs: object
    counts: tuple[float, float, float, float]
    pcts: tuple[float, float, float, float]
    suppressed: bool
    recovery_suppressed: bool
    assessable: float
    not_assessable: object


_CATEGORY_COLUMNS = (
    "reliable_improvement",
    "no_reliable_change",
    "reliable_deterioration",
    "reliable_recovery",
)


def _categories(rows: pd.DataFrame, catalogue: Catalogue) -> list[_Categories]:
    found = []
    for row in rows.to_dict("records"):
        counts = tuple(_number(row.get(c)) for c in _CATEGORY_COLUMNS)
        pcts = tuple(_number(row.get(f"pct_{c}")) for c in _CATEGORY_COLUMNS)
        main = [*_CATEGORY_COLUMNS[:3], *(f"pct_{c}" for c in _CATEGORY_COLUMNS[:3])]
        suppressed = any(_is_suppressed(row.get(c)) for c in main)
        recovery_suppressed = any(
            _is_suppressed(row.get(c)) for c in ("reliable_recovery", "pct_reliable_recovery")
        )
        assessable = sum(counts[:3]) if _finite(*counts[:3]) else math.nan
        if not _finite(*pcts[:3]) and math.isfinite(assessable) and assessable > 0:
            pcts = tuple(100.0 * c / assessable for c in counts)
        found.append(
            _Categories(
                label=_measure_label(str(row["measure"]), row.get("respondent"), catalogue),
                n_pairs=row.get("n_pairs"),
                counts=counts,  # type: ignore[arg-type]
                pcts=pcts,  # type: ignore[arg-type]
                suppressed=suppressed,
                recovery_suppressed=recovery_suppressed,
                assessable=assessable,
                not_assessable=row.get("n_not_assessable"),
            )
        )
    return found


def outcome_categories(
    outcomes_change_rows: pd.DataFrame,
    rpb: str | None = None,
    *,
    year: int | None = None,
    catalogue: Catalogue = CATALOGUE,
    name: str | None = None,
) -> ReportFigure:
    """Reliable change per outcome measure: improvement, no reliable change, deterioration.

    One stacked horizontal bar per measure and respondent (in the table's order) of the percent
    of assessable pairs (first and last assessment) in each reliable-change category: reliable
    improvement (blue), no reliable change (grey), reliable deterioration (vermillion).
    Reliable recovery, a subset of reliable improvement, is hatched inside the improvement
    segment. Each bar is labelled with its number of assessable pairs. A measure without a
    reliable-change criterion (no published reliability) is labelled "not assessable"; a row
    withheld by disclosure control is labelled ``c``.

    Parameters
    ----------
    outcomes_change_rows : pandas.DataFrame
        Rows of :func:`nest_eval.domains.distance.outcomes_change` (or the published CSV, possibly
        with
        ``"c"``) for one RPB or Wales, or for several with ``rpb`` given.
    rpb : str, optional
        The RPB (any alias) or ``"Wales"`` to draw; needed when the rows hold several.
    year : int, optional
        The cohort year, for the title and the alt text.
    catalogue : Catalogue
        Measures catalogue, for the measures' names.
    name : str, optional
        File stem; ``outcome_categories_<rpb slug>`` by default.

    Returns
    -------
    ReportFigure
        The figure, with an alt text giving every measure's counts and percentages.

    Raises
    ------
    ValueError
        When the rows hold several RPBs and ``rpb`` is not given, or no row is left.
    """
    rows = outcomes_change_rows
    if "rpb" in rows:
        canonical = rows["rpb"].map(lambda r: _canonical_rpb(str(r)))
        if rpb is not None:
            rpb = _canonical_rpb(rpb)
            rows = rows.loc[canonical == rpb]
        else:
            found = sorted(set(canonical))
            if len(found) > 1:
                raise ValueError("the rows hold several RPBs: pass rpb= (one RPB per figure)")
            rpb = found[0] if found else None
    if rows.empty:
        raise ValueError("no outcome rows to draw")
    scope = rpb or WALES
    items = _categories(rows, catalogue)
    any_suppressed = any(it.suppressed or it.recovery_suppressed for it in items)
    any_not_assessable = any(
        not it.suppressed and not (math.isfinite(it.assessable) and it.assessable > 0)
        for it in items
    )
    colours = (_BLUE, _NO_CHANGE_GREY, _VERMILLION)
    text_colours = ("white", _BLACK, _BLACK)

    notes = []
    if any_not_assessable:
        notes.append(
            "Not assessable: no published reliability or reliable-change threshold for the measure."
        )
    if any_suppressed:
        notes.append(SUPPRESSED_NOTE + ".")

    with style():
        frame = _frame(0.7 * len(items) + 1.0, legend_rows=2, notes=notes)
        ax = frame.main.add_subplot()
        labels, parts = [], []
        for i, item in enumerate(items):
            ok = not item.suppressed and math.isfinite(item.assessable) and item.assessable > 0
            if ok:
                imp, _, det, rec = item.counts
                recovered = (
                    "c" if item.recovery_suppressed else "?" if math.isnan(rec) else f"{rec:,.0f}"
                )
                n_text = (
                    f"n = {item.assessable:,.0f} assessable pairs\n"
                    f"improved {imp:,.0f} (recovered {recovered}), deteriorated {det:,.0f}"
                )
            else:
                n_text = f"n = {_count(item.n_pairs)} pairs"
            labels.append(f"{_wrap(item.label, 34)}\n{n_text}")
            if item.suppressed:
                ax.text(
                    1,
                    i,
                    f"{SUPPRESSED}: suppressed (fewer than 10)",
                    va="center",
                    fontsize=8,
                    fontstyle="italic",
                    color=_NOTE_COLOUR,
                )
                parts.append(f"{item.label}: suppressed (c).")
                continue
            if not ok:
                ax.text(
                    1,
                    i,
                    "not assessable for reliable change",
                    va="center",
                    fontsize=8,
                    fontstyle="italic",
                    color=_NOTE_COLOUR,
                )
                parts.append(
                    f"{item.label}: {_count(item.n_pairs)} pairs, not assessable for reliable "
                    "change."
                )
                continue
            left = 0.0
            for pct, colour, text_colour in zip(item.pcts[:3], colours, text_colours, strict=True):
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
                if pct >= 7:
                    ax.text(
                        left + pct / 2,
                        i,
                        f"{pct:.0f}%",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color=text_colour,
                        zorder=4,
                    )
                left += pct
            recovery = item.pcts[3]
            if math.isfinite(recovery) and recovery > 0 and not item.recovery_suppressed:
                ax.barh(
                    i,
                    recovery,
                    left=0.0,
                    height=0.62,
                    facecolor="none",
                    edgecolor="white",
                    hatch="///",
                    linewidth=0,
                    zorder=3,
                )
            imp, none_, det, rec = item.counts
            a = item.assessable
            if item.recovery_suppressed:
                rec_text = "of which reliable recovery suppressed (c)"
            elif math.isfinite(rec):
                rec_text = f"of which reliable recovery {rec:,.0f} ({item.pcts[3]:.0f}%)"
            else:
                rec_text = "reliable recovery not available"
            parts.append(
                f"{item.label}, {a:,.0f} assessable pairs: reliable improvement {imp:,.0f} "
                f"({item.pcts[0]:.0f}%), {rec_text}; no reliable change {none_:,.0f} "
                f"({item.pcts[1]:.0f}%); reliable deterioration {det:,.0f} "
                f"({item.pcts[2]:.0f}%)."
            )
        ax.set_yticks(range(len(items)), labels)
        ax.set_ylim(len(items) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
        ax.set_xlabel("Percentage of assessable pairs (first and last assessment)")
        ax.spines["left"].set_visible(False)
        handles = [
            Patch(facecolor=_BLUE, edgecolor="0.25", label="Reliable improvement"),
            Patch(
                facecolor=_BLUE, edgecolor="white", hatch="///", label="of which reliable recovery"
            ),
            Patch(facecolor=_NO_CHANGE_GREY, edgecolor="0.25", label="No reliable change"),
            Patch(facecolor=_VERMILLION, edgecolor="0.25", label="Reliable deterioration"),
        ]
        when = f", {year} cohort" if year is not None else ""
        _title(frame, f"Reliable change in outcomes, {scope}{when}")
        figure = _finish(frame, handles, ncols=2)

    cohort = f" for the {year} cohort" if year is not None else ""
    alt = (
        f"Stacked bar chart of reliable change in outcome measures for {scope}{cohort}: for "
        "each measure, the percentage of assessable pairs with reliable improvement (of which "
        "reliable recovery), no reliable change and reliable deterioration. "
        + " ".join(parts)
        + (f" {SUPPRESSED_NOTE}." if any_suppressed else "")
    )
    caption = (
        f"Reliable change between first and last assessment, {scope}{cohort}: percentage of "
        "assessable pairs (Jacobson–Truax reliable change index). Reliable recovery (hatched) "
        "is part of reliable improvement." + (f" {SUPPRESSED_NOTE}." if any_suppressed else "")
    )
    return ReportFigure(name or _slug("outcome_categories", scope), figure, alt, caption)


# ---------------------------------------------------------------------------------------------
# 4. Funnel plot
# ---------------------------------------------------------------------------------------------


def _levels_of(table: pd.DataFrame) -> tuple[float, ...]:
    levels = []
    for column in table.columns:
        match = re.fullmatch(r"lower_(\d+(?:\.\d+)?)", str(column))
        if match and f"upper_{match.group(1)}" in table:
            levels.append(float(match.group(1)) / 100.0)
    return tuple(sorted(levels)) or (0.95, 0.998)


def _attr(table: pd.DataFrame, key: str) -> float | None:
    if key in table.attrs and table.attrs[key] is not None:
        return float(table.attrs[key])
    if key in table:
        values = {v for v in map(_number, table[key]) if math.isfinite(v)}
        if len(values) == 1:
            return values.pop()
        if len(values) > 1:
            raise ValueError(f"the table holds several values of {key!r}: one indicator only")
    return None


def _recolour_funnel(ax: Axes) -> None:
    """Okabe–Ito colours for the artists of :func:`nest_eval.reporting.funnel_plot.plot_funnel`."""
    swaps = {
        mpl.colors.to_hex("tab:red"): _BLACK,
        mpl.colors.to_hex("tab:blue"): _BLUE,
        mpl.colors.to_hex("tab:orange"): _VERMILLION,
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
    legend = ax.get_legend()
    if legend is not None:
        legend.remove()
    ax.legend(loc="best", frameon=False, fontsize=8)


def funnel(
    funnel_table_for_one_indicator: pd.DataFrame,
    title: str,
    *,
    xlabel: str = "Number of people (n)",
    ylabel: str = "Percentage",
    name: str | None = None,
) -> ReportFigure:
    """A funnel plot of one proportion across RPBs (see :mod:`nest_eval.reporting.funnel_plot`).

    The RPBs are points (share against number of people) with 95% and 99.8% control limits
    around the target; only RPBs outside a limit are labelled, and none is ranked. Rows whose
    count or share is suppressed (``"c"``) are left out and named in a note.

    Parameters
    ----------
    funnel_table_for_one_indicator : pandas.DataFrame
        :func:`nest_eval.stats.funnel.funnel_table` output, or the rows of one indicator of
        :func:`nest_eval.domains.comparisons.rpb_funnels` (``rpb`` instead of ``unit``; target and
        ``tau2`` read from their columns when ``attrs`` are lost).
    title : str
        Title of the plot: what the proportion is, in plain English.
    xlabel, ylabel : str
        Axis labels.
    name : str, optional
        File stem; ``funnel_<title slug>`` by default.

    Returns
    -------
    ReportFigure
        The figure, with an alt text naming only the RPBs outside the limits (or saying there
        are none).

    Raises
    ------
    ValueError
        When the rows hold several indicators or fewer than two units are left.
    """
    # Imported here: nest_eval.stats.funnel loads scipy.stats, which the other figures do not need.
    from nest_eval.reporting import funnel_plot as _funnel

    table = funnel_table_for_one_indicator.copy()
    table.attrs = dict(funnel_table_for_one_indicator.attrs)
    if "indicator" in table and table["indicator"].nunique() > 1:
        raise ValueError("the funnel table holds several indicators: pass one")
    if "unit" not in table and "rpb" in table:
        table = table.rename(columns={"rpb": "unit"})
    target = _attr(table, "target")
    tau2 = _attr(table, "tau2") or 0.0
    levels = tuple(table.attrs.get("levels", ())) or _levels_of(table)
    hidden = [
        str(u)
        for u, x, n, p in zip(
            table["unit"], table.get("x", table["n"]), table["n"], table["proportion"], strict=True
        )
        if not (_finite(_number(n), _number(p)) and not _is_suppressed(x))
    ]
    shown = table.loc[~table["unit"].astype(str).isin(hidden)].copy()
    for column in ("x", "n", "proportion"):
        if column in shown:
            shown[column] = [_number(v) for v in shown[column]]
    shown.attrs = table.attrs
    if len(shown) < 2:
        raise ValueError("a funnel plot needs at least two units with counts")
    if target is None:
        raise ValueError("target unknown: pass a table from funnel_table or rpb_funnels")

    notes = ["Only RPBs outside a limit are labelled; RPBs are not ranked."]
    if hidden:
        notes.append(f"Not shown: {', '.join(hidden)} ({SUPPRESSED_NOTE}).")

    with style():
        frame = _frame(4.4, legend_rows=0, notes=notes)
        ax = frame.main.add_subplot()
        _funnel.plot_funnel(
            shown,
            ax=ax,
            title=_wrap(title, 70),
            xlabel=xlabel,
            ylabel=ylabel,
            target=target,
            tau2=tau2,
            levels=levels,
        )
        _recolour_funnel(ax)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_title(_wrap(title, 70), loc="left", fontsize=10, fontweight="bold")
        figure = _finish(frame)

    labels = [_funnel.level_label(v) for v in sorted(levels)]
    level_text = " and ".join(f"{label}%" for label in labels)
    flagged = shown.loc[shown["flag"] != _funnel.FLAG_WITHIN]
    if flagged.empty:
        outside = "No RPB lies outside the limits."
    else:
        described = [
            f"{row.unit}, {_pct(row.proportion, 1)} of {row.n:,.0f}, {row.flag.split()[0]} the "
            f"{row.flag.split()[1]} limit"
            for row in flagged.itertuples(index=False)
        ]
        outside = "Outside the limits: " + "; ".join(described) + "."
    widened = ", widened for overdispersion" if tau2 > 0 else ""
    alt = (
        f"Funnel plot: {title}. Each of {len(shown)} RPBs is a point, its percentage against "
        f"its number of people, with {level_text} control limits around the target of "
        f"{_pct(target, 1)}{widened}. {outside}"
        + (f" Not shown: {', '.join(hidden)} (suppressed, c)." if hidden else "")
    )
    caption = (
        f"{title}: funnel plot with {level_text} control limits around {_pct(target, 1)}"
        f"{widened}. Only RPBs outside a limit are labelled; RPBs are not ranked."
    )
    return ReportFigure(name or _slug("funnel", title), figure, alt, caption)


# ---------------------------------------------------------------------------------------------
# 5. Experience items
# ---------------------------------------------------------------------------------------------


def _agreement_row(rows: pd.DataFrame, rpb: str, item: str) -> dict[str, object] | None:
    match = rows.loc[(rows["_rpb"] == rpb) & (rows["item"] == item)]
    return match.iloc[0].to_dict() if len(match) else None


def experience_items(
    agreement_rows: pd.DataFrame,
    wales_rows: pd.DataFrame | None = None,
    *,
    rpb: str | None = None,
    year: int | None = None,
    respondent_type: str = "all",
    name: str | None = None,
) -> ReportFigure:
    """The share agreeing with each experience item, with Wilson intervals, an RPB against Wales.

    One row per item in questionnaire order (never sorted by value): the RPB's share agreeing
    (answers 4 or 5 of 5) as a filled circle with its 95% Wilson interval, and the Wales share
    as an open diamond with its interval just below. Each row gives the number of answers.
    Suppressed values (``"c"``) are labelled ``c`` and drawn as absent. The eight items only:
    the NEST experience index (a mean on 1–5) belongs to the distance-travelled chart.

    Parameters
    ----------
    agreement_rows : pandas.DataFrame
        Rows of :func:`nest_eval.domains.experiences.agreement` (``rpb``, ``item``, ``n``,
        ``share``,
        ``ci_low``, ``ci_high``; ``respondent_type`` when present is filtered to
        ``respondent_type``), possibly with ``"c"``: one RPB's rows, one RPB's and Wales's, or
        the whole table with ``rpb`` given.
    wales_rows : pandas.DataFrame, optional
        The Wales rows, when ``agreement_rows`` holds only the RPB's.
    rpb : str, optional
        The RPB (any alias) or ``"Wales"`` to draw; by default the one RPB in the rows, or
        Wales when they hold Wales alone. Wales is drawn beside an RPB whenever its rows are
        given.
    year : int, optional
        The reporting year, for the title and the alt text.
    respondent_type : str
        Which respondents' answers (``"all"`` by default).
    name : str, optional
        File stem; ``experience_items_<rpb slug>`` (with the respondent type unless
        ``"all"``) by default.

    Returns
    -------
    ReportFigure
        The figure, with an alt text giving every item's shares, intervals and numbers.

    Raises
    ------
    ValueError
        When there is no row for the RPB, or the rows hold several RPBs and ``rpb`` is not
        given.
    """
    rows = agreement_rows if wales_rows is None else pd.concat([agreement_rows, wales_rows])
    if "respondent_type" in rows:
        rows = rows.loc[rows["respondent_type"] == respondent_type]
    rows = rows.assign(_rpb=rows["rpb"].map(lambda r: _canonical_rpb(str(r))))
    rows = rows.loc[rows["item"].isin(EXPERIENCE_ITEMS)]
    if rpb is None:
        found = sorted(set(rows["_rpb"]) - {WALES})
        if len(found) > 1:
            raise ValueError("the rows hold several RPBs: pass rpb= (one RPB per figure)")
        rpb = found[0] if found else WALES
    rpb = _canonical_rpb(rpb)
    if not (rows["_rpb"] == rpb).any():
        raise ValueError(f"no agreement rows for {rpb!r} ({respondent_type})")
    has_wales = bool((rows["_rpb"] == WALES).any())
    scopes = [rpb] if rpb == WALES or not has_wales else [rpb, WALES]
    styles = {
        rpb: {"marker": "o", "markersize": 7.5, "color": _BLUE, "markerfacecolor": _BLUE},
        WALES: {"marker": "D", "markersize": 6.5, "color": _BLACK, "markerfacecolor": "white"},
    }
    offsets = {rpb: -0.17, WALES: 0.17} if len(scopes) == 2 else {rpb: 0.0}
    cells = rows.loc[rows["_rpb"].isin(scopes), ["share", "ci_low", "ci_high"]].to_numpy()
    any_suppressed = any(_is_suppressed(v) for v in cells.ravel())
    notes = [SUPPRESSED_NOTE + "."] if any_suppressed else []

    with style():
        frame = _frame(0.58 * len(EXPERIENCE_ITEMS) + 1.1, notes=notes)
        ax = frame.main.add_subplot()
        labels, parts = [], []
        for i, item in enumerate(EXPERIENCE_ITEMS):
            texts, ns = [], []
            for scope in scopes:
                row = _agreement_row(rows, scope, item)
                y = i + offsets[scope]
                share = _number(row["share"]) if row else math.nan
                low = _number(row.get("ci_low")) if row else math.nan
                high = _number(row.get("ci_high")) if row else math.nan
                n = row.get("n") if row else None
                ns.append(f"{scope} n = {_count(n)}" if len(scopes) == 2 else f"n = {_count(n)}")
                if row and _is_suppressed(row.get("share")):
                    ax.text(
                        0.01,
                        y,
                        f"{scope}: {SUPPRESSED}",
                        va="center",
                        fontsize=8,
                        fontstyle="italic",
                        color=_NOTE_COLOUR,
                    )
                    texts.append(f"{scope} suppressed (c)")
                    continue
                if not math.isfinite(share):
                    ax.text(
                        0.01,
                        y,
                        f"{scope}: no answers",
                        va="center",
                        fontsize=8,
                        fontstyle="italic",
                        color=_NOTE_COLOUR,
                    )
                    texts.append(f"{scope} no answers")
                    continue
                kw = styles[scope]
                if _finite(low, high):
                    ax.errorbar(
                        [share],
                        [y],
                        xerr=[[share - low], [high - share]],
                        fmt="none",
                        ecolor=kw["color"],
                        elinewidth=1.4,
                        capsize=3,
                        capthick=1.4,
                        zorder=2,
                    )
                    interval = f" (95% CI {_pct(low)} to {_pct(high)}, n = {_count(n)})"
                    right = high
                else:
                    interval = f" (no interval, n = {_count(n)})"
                    right = share
                ax.plot(
                    share,
                    y,
                    linestyle="none",
                    markeredgecolor=kw["color"],
                    markeredgewidth=1.4,
                    zorder=3,
                    marker=kw["marker"],
                    markersize=kw["markersize"],
                    markerfacecolor=kw["markerfacecolor"],
                )
                ax.annotate(
                    _pct(share),
                    (right, y),
                    xytext=(5, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=8,
                    color=kw["color"],
                )
                texts.append(f"{scope} {_pct(share)}{interval}")
            labels.append(f"{_wrap(_ITEM_TEXTS[item], 36)}\n{'; '.join(ns)}")
            parts.append(f"{_ITEM_TEXTS[item]}: {', '.join(texts)}.")
        ax.set_yticks(range(len(EXPERIENCE_ITEMS)), labels)
        ax.tick_params(axis="y", length=0, labelsize=8)
        ax.set_ylim(len(EXPERIENCE_ITEMS) - 0.5, -0.5)
        ax.set_xlim(0, 1.0)
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.grid(axis="x", color="0.88", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel("Share agreeing (4 or 5 on a 1–5 scale), with 95% interval")
        handles = [
            Line2D(
                [],
                [],
                linestyle="-",
                linewidth=1.4,
                markeredgewidth=1.4,
                label=scope,
                marker=styles[scope]["marker"],
                color=styles[scope]["color"],
                markerfacecolor=styles[scope]["markerfacecolor"],
                markersize=styles[scope]["markersize"],
            )
            for scope in scopes
        ]
        who = "" if respondent_type == "all" else f" ({respondent_type.replace('_', ' ')})"
        when = f", {year}" if year is not None else ""
        _title(frame, f"Experiences of help{who}, {rpb}{when}")
        figure = _finish(frame, handles, ncols=len(handles))

    versus = f"{rpb} against Wales" if len(scopes) == 2 else rpb
    respondents = (
        "all respondents" if respondent_type == "all" else respondent_type.replace("_", " ")
    )
    in_year = f" in {year}" if year is not None else ""
    alt = (
        f"Point-and-interval chart of the share of {respondents} agreeing (4 or 5 on a 1–5 "
        f"scale) with each of eight statements about the help they had{in_year}, {versus}, "
        "with 95% Wilson intervals. "
        + " ".join(parts)
        + (f" {SUPPRESSED_NOTE}." if any_suppressed else "")
    )
    caption = (
        f"Share agreeing with each experience statement{in_year}, {versus} ({respondents}), "
        "with 95% Wilson score intervals; statements in questionnaire order."
        + (f" {SUPPRESSED_NOTE}." if any_suppressed else "")
    )
    extra = "" if respondent_type == "all" else respondent_type
    return ReportFigure(name or _slug("experience_items", rpb, extra), figure, alt, caption)


# ---------------------------------------------------------------------------------------------
# Saving and HTML
# ---------------------------------------------------------------------------------------------


_SVG_ROOT = re.compile(rb"<svg\b[^>]*>")


def _svg_accessible(svg: bytes, report_figure: ReportFigure) -> bytes:
    """Give the SVG ``role="img"``, a ``<title>`` (the caption) and a ``<desc>`` (alt text)."""
    match = _SVG_ROOT.search(svg)
    if match is None:
        raise RuntimeError("no <svg> element in the SVG output")
    ident = report_figure.name.replace(".", "-")
    root = match.group(0)[:-1].rstrip(b"/")
    root += f' role="img" aria-labelledby="{ident}-title {ident}-desc">'.encode()
    title = html.escape(report_figure.caption, quote=False)
    desc = html.escape(report_figure.alt, quote=False)
    inserted = (
        f'\n <title id="{ident}-title">{title}</title>\n <desc id="{ident}-desc">{desc}</desc>'
    ).encode()
    return svg[: match.start()] + root + inserted + svg[match.end() :]


def render(report_figure: ReportFigure, fmt: str) -> bytes:
    """The bytes of a figure as PNG or SVG, the same on every run and machine.

    Parameters
    ----------
    report_figure : ReportFigure
        The figure.
    fmt : {"png", "svg"}
        Format.

    Returns
    -------
    bytes
        PNG at :data:`DPI` with ``Title`` (caption) and ``Description`` (alt text) and no
        software or date chunk; or SVG with text as paths, fixed identifiers, no date or
        creator, and the caption and alt text as ``<title>`` and ``<desc>``.
    """
    buffer = io.BytesIO()
    with style():
        if fmt == "png":
            metadata = {
                "Software": None,
                "Title": report_figure.caption,
                "Description": report_figure.alt,
            }
            report_figure.figure.savefig(buffer, format="png", dpi=DPI, metadata=metadata)
            return buffer.getvalue()
        if fmt == "svg":
            report_figure.figure.savefig(
                buffer, format="svg", metadata={"Date": None, "Creator": None, "Type": None}
            )
            return _svg_accessible(buffer.getvalue(), report_figure)
    raise ValueError(f"format must be 'png' or 'svg', got {fmt!r}")


def save_figure(
    report_figure: ReportFigure, directory: str | os.PathLike[str], png: bytes | None = None
) -> list[Path]:
    """Write ``<name>.png``, ``<name>.svg`` and ``<name>.txt`` (alt text), atomically.

    Each file is written to a temporary file in ``directory`` and moved into place, so a
    reader never sees a partial file. The same figure gives byte-identical files on every run
    and machine (see :func:`render`).

    Parameters
    ----------
    report_figure : ReportFigure
        The figure.
    directory : path-like
        Folder to write into (created if missing).
    png : bytes, optional
        The figure already rendered by :func:`render` as PNG (saves drawing it again).

    Returns
    -------
    list of pathlib.Path
        The PNG, SVG and text files written.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    outputs = {
        ".png": png if png is not None else render(report_figure, "png"),
        ".svg": render(report_figure, "svg"),
        ".txt": (report_figure.alt + "\n").encode("utf-8"),
    }
    paths = []
    for suffix, data in outputs.items():
        path = folder / f"{report_figure.name}{suffix}"
        atomic_write_bytes(path, data)
        paths.append(path)
    return paths


def figure_html(report_figure: ReportFigure, png: bytes | None = None) -> str:
    """A self-contained HTML ``<figure>``: the PNG as a data URI, alt text and caption.

    Parameters
    ----------
    report_figure : ReportFigure
        The figure.
    png : bytes, optional
        The figure already rendered by :func:`render` as PNG.

    Returns
    -------
    str
        ``<figure>`` with an ``<img>`` whose ``src`` is a ``data:image/png;base64,`` URI (no
        external reference), whose ``alt`` is the alt text (HTML-escaped) and whose size is the
        figure's printed size in CSS pixels (scaled down to fit narrower screens), and a
        ``<figcaption>`` with the caption.
    """
    png = png if png is not None else render(report_figure, "png")
    width_px, height_px = struct.unpack(">II", png[16:24])
    width = round(width_px * 96 / DPI)
    height = round(height_px * 96 / DPI)
    data = base64.b64encode(png).decode("ascii")
    alt = html.escape(report_figure.alt, quote=True)
    caption = html.escape(report_figure.caption, quote=False)
    ident = html.escape(report_figure.name, quote=True)
    return (
        f'<figure class="report-figure" id="figure-{ident}">\n'
        f'<img src="data:image/png;base64,{data}" alt="{alt}" width="{width}" '
        f'height="{height}" style="max-width:100%;height:auto">\n'
        f"<figcaption>{caption}</figcaption>\n"
        "</figure>"
    )
