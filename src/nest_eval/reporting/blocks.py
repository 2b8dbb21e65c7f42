"""The pieces a report section is made of: tables, paragraphs, headings and figures.

A :class:`Block` carries HTML for the page, plain text for reviewers (nbval compares it) and the
disclosure-controlled DataFrames it shows, so an academic partner can continue from a section's
table in the next cell (``section.frame``). Tables are laid out from keys: each column's heading
is its label and each cell is formatted by its unit (:mod:`nest_eval.reporting.format`).
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from nest_eval.reference.indicators import COLUMNS, UNITS, Unit, unit_of
from nest_eval.reference.messages import label
from nest_eval.reporting import plotting
from nest_eval.reporting.format import MISSING, format_value
from nest_eval.reporting.labels import column_label, value_label
from nest_eval.reporting.outputs import table_downloads

__all__ = [
    "Block",
    "Col",
    "download_links",
    "figure",
    "heading",
    "html_table",
    "inline_download",
    "join",
    "paragraph",
]


@dataclass(frozen=True)
class Block:
    """A piece of report: HTML for the page, plain text for reviewers, and the tables shown.

    Attributes
    ----------
    html : str
        The HTML.
    text : str
        Plain text of the same content.
    frames : tuple of pandas.DataFrame
        The disclosure-controlled tables shown, in order (keys, not labels).
    """

    html: str
    text: str
    frames: tuple[pd.DataFrame, ...] = ()

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text

    def __add__(self, other: Block) -> Block:
        return Block(
            f"{self.html}\n{other.html}", f"{self.text}\n{other.text}", self.frames + other.frames
        )

    @property
    def frame(self) -> pd.DataFrame | None:
        """The (first) table this block shows, disclosure-controlled; None when it shows none."""
        return self.frames[0] if self.frames else None


@dataclass(frozen=True)
class Col:
    """A column of a report table.

    Attributes
    ----------
    key : str
        The column of the data.
    heading : str or None
        Its heading; default the column's label.
    unit : str or None
        Key of its unit; default the column's registered unit (or that of the row's
        indicator). ``"text"`` shows the value as it is (or its label, for keys).
    """

    key: str
    heading: str | None = None
    unit: str | None = None


_NUMERIC = ' class="num"'


def _unit(col: Col, record: Mapping[str, object]) -> Unit:
    if col.unit is not None:
        return UNITS[col.unit]
    spec = COLUMNS.get(col.key)
    if spec is None:
        return UNITS["text"]
    indicator = record.get("indicator")
    if spec.unit.key == "indicator" and isinstance(indicator, str):
        return unit_of(col.key, indicator)
    return spec.unit


def _cell(col: Col, record: Mapping[str, object], lang: str) -> str:
    value = record.get(col.key)
    unit = _unit(col, record)
    if unit.kind == "text" or unit.key == "indicator":
        shown = value_label(col.key, value, lang)
        return shown if shown else MISSING
    return format_value(value, unit, lang=lang)


def download_links(table: str, lang: str) -> str:
    """Links to a published table's files (CSV, ODS, XLSX), relative to the year folder."""
    files = table_downloads(table, lang)
    links = " ".join(
        f'<a href="{html.escape(path)}">{html.escape(label(f"page.download.{kind}", lang))}</a>'
        for kind, path in files.items()
    )
    return f'<p class="download">{html.escape(label("page.download", lang))} {links}</p>'


def inline_download(caption: str, rows: Sequence[Sequence[str]], lang: str) -> str:
    """A link downloading a table as it is shown (headings first) as CSV, held in the page.

    For a table no published table holds (a view the report derives): the file is the page's
    own text, so the page still loads nothing.
    """
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    name = re.sub(r"[^a-z0-9]+", "-", caption.lower()).strip("-")[:60] or "table"
    href = "data:text/csv;charset=utf-8," + quote(buffer.getvalue(), safe="")
    shown = html.escape(label("page.download.csv", lang))
    return (
        f'<p class="download">{html.escape(label("page.download", lang))} '
        f'<a href="{href}" download="{name}.csv">{shown}</a></p>'
    )


def html_table(
    frame: pd.DataFrame,
    columns: Sequence[Col],
    caption: str = "",
    lang: str = "en",
    download: str | None = None,
) -> Block:
    """A deterministic HTML table (and its text twin) of a disclosure-controlled frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show (already disclosure-controlled).
    columns : sequence of Col
        Which columns, in order.
    caption : str
        Table caption.
    lang : str
        Language of headings and labels.
    download : str, optional
        The published table this one shows (its name under ``tables/``): links to its files
        follow the table. Without one, the table as shown is downloadable as CSV
        (:func:`inline_download`).

    Returns
    -------
    Block
        With ``frame`` as its table. The table scrolls inside its own box on a narrow screen
        (a focusable region named by its caption), never the whole page.
    """
    headings = [c.heading or column_label(c.key, lang) for c in columns]
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headings)
    rows_html, rows_text, rows_cells = [], [], []
    for record in frame.to_dict(orient="records"):
        texts = [_cell(c, record, lang) for c in columns]
        rows_cells.append(texts)
        cells = [
            f"<td{_NUMERIC if _unit(c, record).kind != 'text' else ''}>{html.escape(text)}</td>"
            for c, text in zip(columns, texts, strict=True)
        ]
        rows_html.append("<tr>" + "".join(cells) + "</tr>")
        rows_text.append(" | ".join(texts))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    name = html.escape(caption or label("page.table", lang), quote=True)
    table = (
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{name}">'
        f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>"
        + "".join(rows_html)
        + "</tbody></table></div>"
        + (
            download_links(download, lang)
            if download
            else inline_download(caption, [headings, *rows_cells], lang)
        )
    )
    text = "\n".join([caption, " | ".join(headings), *rows_text]).strip()
    return Block(table, text, (frame.reset_index(drop=True),))


def paragraph(text: str, css: str = "") -> Block:
    """A paragraph of narrative."""
    attr = f' class="{css}"' if css else ""
    return Block(f"<p{attr}>{html.escape(text)}</p>", text)


def heading(text: str, level: int = 3) -> Block:
    """A heading inside a section."""
    return Block(f"<h{level}>{html.escape(text)}</h{level}>", text)


def join(blocks: Iterable[Block]) -> Block:
    """One block of several, in order."""
    out = Block("", "")
    for block in blocks:
        out = block if not out.html and not out.text else out + block
    return out


def figure(report_figure: plotting.ReportFigure, figures_dir: str | Path | None) -> Block:
    """A figure for the page, with its numbers in a table beside it.

    Parameters
    ----------
    report_figure : ReportFigure
        The figure, in the report's language.
    figures_dir : str, pathlib.Path or None
        Where the year's figures are saved. When given, the figure is saved there once
        (``figures/<name>.svg``, ``<name>.cy.svg`` in Welsh) and the page links it relative to
        the year folder; when None (in JupyterLab) it is drawn inline.

    Returns
    -------
    Block
        The ``<figure>``; its text is the alt text and the table of numbers.
    """
    src = None
    if figures_dir:
        plotting.save_figure(report_figure, figures_dir)
        src = plotting.figure_file(report_figure)
    data = report_figure.data
    rows = [" | ".join(data.headings), *(" | ".join(row) for row in data.rows)] if data.rows else []
    text = "\n".join([f"[figure: {report_figure.alt}]", *rows])
    return Block(plotting.figure_html(report_figure, src), text)
