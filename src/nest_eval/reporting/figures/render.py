"""The renderer of the report figures: style, frame, and deterministic saving.

The ``draw_*`` modules draw a figure specification inside :func:`style` on a :class:`Frame`
(a main panel for the title and axes above a footer for the legend and notes) and return a
:class:`ReportFigure`. This module, with them, is the only place the figures import matplotlib.

Design rules
------------
- Colours are the Okabe–Ito palette (:data:`PALETTE`), and colour is never the only cue:
  marker shapes (open = baseline or Wales, filled = current or the RPB), hatching and text
  labels carry the same information.
- Figures are 6.3 inches (160 mm) wide (:data:`WIDTH`), the text width of an A4 page with
  25 mm margins, with text of 8 to 11 points in DejaVu Sans (bundled with matplotlib, so every
  machine draws the same glyphs).
- Figures are built with :class:`matplotlib.figure.Figure`, never pyplot, inside a
  :func:`matplotlib.rc_context`, so no global state is read from or left behind.

Saving
------
:func:`save_figure` writes each figure once, as ``<name>.svg`` (``<name>.cy.svg`` for a Welsh
figure), atomically: the smallest format that stays sharp at any zoom. The text is kept as SVG
text in DejaVu Sans (falling back to the reader's sans-serif), so the file is a fifth of the
size of the same figure with its glyphs as paths, and its words can be searched and copied.
The files are byte-identical across runs and processes: no date or software version is
embedded, SVG identifiers are hashed with a fixed salt (``svg.hashsalt``) and the layout is
frozen once solved (:func:`freeze_layout`). The SVG carries the caption as ``<title>`` and the
alt text as ``<desc>``, with ``role="img"``. :func:`figure_html` gives the HTML ``<figure>``: an
``<img>`` linking the saved file (``figures/<file>``, relative to the year folder), or, when
nothing is saved (in JupyterLab), the PNG inline as a data URI; then the caption and the
figure's numbers as a table (:class:`nest_eval.reporting.figures.spec.FigureData`).
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import os
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib import cycler
from matplotlib.artist import Artist
from matplotlib.figure import Figure, FigureBase
from matplotlib.transforms import Bbox

from nest_eval.files import atomic_write_bytes
from nest_eval.reporting.figures import text_measures
from nest_eval.reporting.figures.spec import FigureData, phrase
from nest_eval.reporting.outputs import localised

__all__ = [
    "DPI",
    "NOTE_COLOUR",
    "NO_CHANGE_GREY",
    "PALETTE",
    "REFERENCE_GREY",
    "WIDTH",
    "Frame",
    "ReportFigure",
    "compact_svg",
    "data_table",
    "figure_file",
    "figure_html",
    "freeze_layout",
    "render",
    "save_figure",
    "style",
    "wrap",
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

NO_CHANGE_GREY = "#CCCCCC"
"""Fill of the "no reliable change" bars."""

REFERENCE_GREY = "0.45"
"""Colour of reference lines (the baseline of a change)."""

NOTE_COLOUR = "0.2"
"""Colour of notes and of the texts written in place of absent values."""

WIDTH = 6.3
"""Figure width in inches: 160 mm, the text width of an A4 page with 25 mm margins."""

DPI = 150
"""Resolution of the PNG drawn inline in JupyterLab."""

FORMAT = "svg"
"""The format each figure is published in."""

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
    "svg.fonttype": "none",
    "svg.hashsalt": _SVG_SALT,
    "svg.image_inline": True,
    "svg.id": None,
}

_NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,150}")


text_measures.install()  # each text measured once per process, and kept for the next


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
    data : FigureData
        The numbers drawn, as a table shown with the figure.
    lang : str
        The language of the figure's texts (``"en"`` or ``"cy"``).
    svg : bytes or None
        The figure already rendered as SVG (:func:`render`), when it was; ``figure`` may then
        be None (a figure reused from :mod:`nest_eval.reporting.figures.cache`).
    size : tuple of float or None
        Its printed size in inches, for a figure without ``figure``.
    """

    name: str
    figure: Figure | None = field(repr=False, compare=False)
    alt: str
    caption: str
    data: FigureData = field(default_factory=FigureData)
    lang: str = "en"
    svg: bytes | None = field(default=None, repr=False, compare=False)
    size: tuple[float, float] | None = None

    def size_inches(self) -> tuple[float, float]:
        """The printed size of the figure, in inches (width, height)."""
        if self.size is not None:
            return self.size
        if self.figure is None:
            raise ValueError(f"figure {self.name!r} has neither a drawing nor a size")
        width, height = self.figure.get_size_inches()
        return float(width), float(height)

    def __post_init__(self) -> None:
        if not _NAME_PATTERN.fullmatch(self.name):
            raise ValueError(
                f"figure name {self.name!r} must be lower case letters, digits, '_', '-' or '.'"
            )
        if not self.alt.strip():
            raise ValueError("every report figure needs an alt text")


def wrap(text: str, width: int) -> str:
    """A text broken into lines of at most ``width`` characters (never at hyphens).

    Parameters
    ----------
    text : str
        The text.
    width : int
        Line length in characters.

    Returns
    -------
    str
        The lines joined by newlines; the text itself when it has no words.
    """
    return "\n".join(textwrap.wrap(text, width=width, break_on_hyphens=False)) or text


@dataclass(frozen=True)
class Frame:
    """A report figure: a main panel (title and axes) above a footer (legend and notes).

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The whole figure.
    main : matplotlib.figure.FigureBase
        Where the title and the axes go.
    footer : matplotlib.figure.FigureBase or None
        Where the legend and the notes go; None when there are neither.
    notes : str
        The notes, filled to the width of the figure.
    """

    figure: Figure
    main: FigureBase
    footer: FigureBase | None
    notes: str

    @classmethod
    def create(cls, height: float, legend_rows: int = 1, notes: Sequence[str] = ()) -> Frame:
        """A figure of the report width: ``height`` inches for the title and axes, then a footer.

        The footer is a subfigure sized for the legend rows and the notes, so the legend and
        the notes never overlap the axes or each other.

        Parameters
        ----------
        height : float
            Height of the main panel in inches.
        legend_rows : int
            Rows of legend entries the footer holds.
        notes : sequence of str
            Notes under the legend, one paragraph each.

        Returns
        -------
        Frame
            The frame, to be drawn in (inside :func:`style`).
        """
        text = "\n".join(textwrap.fill(note, 105) for note in notes)
        lines = text.count("\n") + 1 if text else 0
        footer_height = legend_rows * 0.3 + lines * 0.165 + (0.08 if legend_rows or lines else 0.0)
        figure = Figure(figsize=(WIDTH, height + footer_height), layout="constrained")
        if footer_height == 0:
            return cls(figure, figure, None, text)
        main, footer = figure.subfigures(2, 1, height_ratios=[height, footer_height])
        return cls(figure, main, footer, text)

    def title(self, text: str) -> None:
        """Draw the title of the figure, left-aligned above the axes.

        Parameters
        ----------
        text : str
            The title.
        """
        self.main.suptitle(text, x=0.01, ha="left")

    def finish(self, handles: Sequence[Artist] = (), ncols: int = 1) -> Figure:
        """Draw the legend and notes in the footer, lay out, and freeze the layout.

        Parameters
        ----------
        handles : sequence of matplotlib.artist.Artist
            Legend handles, each with its label.
        ncols : int
            Columns of the legend.

        Returns
        -------
        matplotlib.figure.Figure
            The finished figure.
        """
        if self.footer is not None:
            if handles:
                self.footer.legend(
                    handles=list(handles), loc="upper center", ncols=ncols, borderaxespad=0.2
                )
            if self.notes:
                self.footer.text(
                    0.01, 0.04, self.notes, ha="left", va="bottom", fontsize=8, color=NOTE_COLOUR
                )
        freeze_layout(self.figure)
        return self.figure


def freeze_layout(figure: Figure) -> None:
    """Lay out once, then fix every position, rounded, and switch the layout engine off.

    Constrained layout solves for positions with kiwisolver, whose results vary in the last
    bits with the order of objects in memory, and it runs again at every draw. Unrounded, that
    noise changes the SVG clip-path identifiers (hashed from the clip boxes) between saves and
    between processes. Rounded to 1e-6 of the figure (a thousandth of a pixel) and frozen, the
    positions, and so the files, are the same every time.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        A figure with a layout engine.
    """
    engine = figure.get_layout_engine()
    if engine is not None:
        engine.execute(figure)  # the layout alone: no artist is drawn
    # No engine at all, not matplotlib's placeholder for "none": saving a figure that has one
    # draws it once more first, to run a layout that is now fixed.
    figure._layout_engine = None
    pending = list(figure.subfigs)
    while pending:
        sub = pending.pop(0)
        sub.bbox_relative.set_points(np.round(sub.bbox_relative.get_points(), 6))
        pending.extend(sub.subfigs)
    for ax in figure.get_axes():
        points = np.round(ax.get_position(original=False).get_points(), 6)
        ax.set_position(Bbox(points), which="both")


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


_DOCTYPE = re.compile(rb"<!DOCTYPE[^>]*>\s*")
_METADATA = re.compile(rb"\s*<metadata>.*?</metadata>", re.S)
_NO_ROTATION = re.compile(rb' transform="rotate\(-?0 [-\d. ]+\)"')
_ELEMENT_TAG = re.compile(rb"(<[A-Za-z][^>]*>)")
_LONG_DECIMAL = re.compile(rb"(\d+\.\d\d)\d+")
_SPACES = re.compile(rb"\s+")
_INDENT = re.compile(rb"\n[ \t]+<")
_APART = b"\0"
"""Joins the element tags of an SVG to compact them at once: no tag holds it (XML has no NUL),
and no pattern of :func:`compact_svg` matches across it."""


def _two_decimals(match: re.Match[bytes]) -> bytes:
    return match.group(1)


def compact_svg(svg: bytes) -> bytes:
    r"""An SVG a quarter smaller, drawn the same: what a browser does not need is left out.

    Leaves out the document type and the metadata block, rotations by zero, and indentation;
    inside element tags, runs of white space become one space and coordinates keep two
    decimals (a hundredth of a point, far below a pixel). Texts between tags (``<title>``,
    ``<desc>``, ``<text>``) are left as they are.

    Parameters
    ----------
    svg : bytes
        An SVG written by matplotlib.

    Returns
    -------
    bytes
        The same drawing in fewer bytes.

    Examples
    --------
    >>> compact_svg(b'<svg>\n  <path d="M 1.234567 2 \n L 3 4 "/>\n</svg>')
    b'<svg>\n<path d="M 1.23 2 L 3 4"/>\n</svg>'
    """
    svg = _METADATA.sub(b"", _DOCTYPE.sub(b"", svg))
    pieces = _ELEMENT_TAG.split(_NO_ROTATION.sub(b"", svg))  # texts, and tags at odd places
    tags = _LONG_DECIMAL.sub(_two_decimals, _APART.join(pieces[1::2]))
    pieces[1::2] = _SPACES.sub(b" ", tags).replace(b' "', b'"').split(_APART)
    return _INDENT.sub(b"\n<", b"".join(pieces))


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
        software or date chunk; or SVG with text kept as text, fixed identifiers, no date or
        creator, compacted (:func:`compact_svg`), and the caption and alt text as ``<title>``
        and ``<desc>``.
    """
    if fmt == "svg" and report_figure.svg is not None:
        return report_figure.svg
    if report_figure.figure is None:
        raise ValueError(f"figure {report_figure.name!r} was reused as SVG: no {fmt} drawing")
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
            return _svg_accessible(compact_svg(buffer.getvalue()), report_figure)
    raise ValueError(f"format must be 'png' or 'svg', got {fmt!r}")


def figure_file(report_figure: ReportFigure) -> str:
    """The published name of a figure, relative to the year folder, in its language.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure_file(ReportFigure("funnel_x", Figure(), "alt", "caption", lang="cy"))
    'figures/funnel_x.cy.svg'
    """
    return localised(f"figures/{report_figure.name}.{FORMAT}", report_figure.lang)


def save_figure(report_figure: ReportFigure, directory: str | os.PathLike[str]) -> Path:
    """Write the figure once, as SVG (:func:`figure_file`), atomically.

    The file is written to a temporary file in ``directory`` and moved into place, so a reader
    never sees a partial file. The same figure gives byte-identical files on every run and
    machine (see :func:`render`).

    Parameters
    ----------
    report_figure : ReportFigure
        The figure.
    directory : path-like
        Folder to write into (created if missing).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(figure_file(report_figure)).name
    atomic_write_bytes(path, render(report_figure, FORMAT))
    return path


def data_table(report_figure: ReportFigure) -> str:
    """The figure's numbers as an HTML table, folded in a ``<details>`` under the figure.

    Parameters
    ----------
    report_figure : ReportFigure
        The figure.

    Returns
    -------
    str
        ``<details>`` holding a table that scrolls in its own box; empty when the figure has
        no data.
    """
    data = report_figure.data
    if not data.rows:
        return ""
    lang = report_figure.lang
    summary = html.escape(phrase("data", lang), quote=False)
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in data.headings)
    rows = "".join(
        "<tr>"
        + f'<th scope="row">{html.escape(row[0])}</th>'
        + "".join(f"<td>{html.escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in data.rows
    )
    subject = report_figure.caption.split(". ")[0].rstrip(".")
    region = html.escape(f"{phrase('data', lang)}: {subject}", quote=True)
    return (
        f'<details class="figure-data"><summary>{summary}</summary>\n'
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{region}">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>\n"
        "</details>"
    )


def figure_html(report_figure: ReportFigure, src: str | None = None) -> str:
    """An HTML ``<figure>``: the image, alt text, caption and the table of its numbers.

    Parameters
    ----------
    report_figure : ReportFigure
        The figure.
    src : str, optional
        The saved file, relative to the year folder (:func:`figure_file`); when omitted the
        figure is drawn as PNG and inlined as a data URI (for JupyterLab, nothing saved).

    Returns
    -------
    str
        ``<figure>`` with an ``<img>`` whose ``alt`` is the alt text (HTML-escaped) and whose
        size is the figure's printed size in CSS pixels (scaled down to fit narrower screens),
        a ``<figcaption>`` with the caption, and the figure's numbers (:func:`data_table`).
    """
    width_in, height_in = report_figure.size_inches()
    width, height = round(width_in * 96), round(height_in * 96)
    if src is None:
        data = base64.b64encode(render(report_figure, "png")).decode("ascii")
        src = f"data:image/png;base64,{data}"
    alt = html.escape(report_figure.alt, quote=True)
    caption = html.escape(report_figure.caption, quote=False)
    ident = html.escape(report_figure.name, quote=True)
    lang = "" if report_figure.lang == "en" else f"-{report_figure.lang}"
    return (
        f'<figure class="report-figure" id="figure-{ident}{lang}">\n'
        f'<img src="{html.escape(src, quote=True)}" alt="{alt}" width="{width}" '
        f'height="{height}" style="max-width:100%;height:auto">\n'
        f"<figcaption>{caption}</figcaption>\n" + data_table(report_figure) + "\n</figure>"
    )
