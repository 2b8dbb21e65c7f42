"""Specification of the experience items: the share agreeing with each, an RPB against Wales.

One row per experience item in questionnaire order (never sorted by value): the RPB's share
agreeing (answers 4 or 5 of 5) with its 95% Wilson interval, and the Wales share with its
interval. Each row gives the number of answers. Suppressed values (``"c"``) are labelled ``c``
and absent. The eight items only: the NEST experience index (a mean on 1–5) belongs to the
distance-travelled chart. :func:`experience_spec` builds the specification; it draws nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from nest_eval.config import Disclosure
from nest_eval.reference.contract import EXPERIENCE_ITEMS
from nest_eval.reference.messages import label
from nest_eval.reference.vocabulary import WALES
from nest_eval.reporting.figures.spec import (
    FigureData,
    FigureTexts,
    LegendEntry,
    Point,
    canonical_rpb,
    concise,
    file_stem,
    finite,
    fmt_count,
    fmt_pct,
    is_suppressed,
    number,
    phrase,
    place_name,
    suppressed_note,
)
from nest_eval.reporting.labels import value_label

__all__ = ["ExperienceRow", "ExperienceSpec", "experience_spec"]


@dataclass(frozen=True)
class ExperienceRow:
    """One experience item.

    Attributes
    ----------
    statement : str
        The item in plain English.
    detail : str
        The number of answers of each series, e.g. ``"Gwent n = 120; Wales n = 1,204"``.
    points : tuple of Point
        The share agreeing of each series (in the order of the legend), with its interval;
        absent when suppressed or without answers.
    """

    statement: str
    detail: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class ExperienceSpec:
    """The experience items of an RPB against Wales, or of one of them alone.

    Attributes
    ----------
    texts : FigureTexts
        Title, axis label, legend (one entry per series: key ``"rpb"`` or ``"wales"``, label
        the RPB's name), notes, alt text, caption and file name.
    rows : tuple of ExperienceRow
        One per item, in questionnaire order.
    """

    texts: FigureTexts
    rows: tuple[ExperienceRow, ...]


def _scoped_rows(
    agreement_rows: pd.DataFrame,
    wales_rows: pd.DataFrame | None,
    rpb: str | None,
    respondent_type: str,
) -> tuple[pd.DataFrame, str]:
    """The rows of the respondent type and the eight items, with ``_rpb``; the RPB drawn."""
    rows = agreement_rows if wales_rows is None else pd.concat([agreement_rows, wales_rows])
    if "respondent_type" in rows:
        rows = rows.loc[rows["respondent_type"] == respondent_type]
    rows = rows.assign(_rpb=rows["rpb"].map(lambda r: canonical_rpb(str(r))))
    if "indicator" in rows:
        rows = rows.loc[rows["indicator"] == "share_agreeing"]
    rows = rows.loc[rows["item"].isin(EXPERIENCE_ITEMS)]
    if rpb is None:
        found = sorted(set(rows["_rpb"]) - {WALES})
        if len(found) > 1:
            raise ValueError("the rows hold several RPBs: pass rpb= (one RPB per figure)")
        rpb = found[0] if found else WALES
    rpb = canonical_rpb(rpb)
    if not (rows["_rpb"] == rpb).any():
        raise ValueError(f"no agreement rows for {rpb!r} ({respondent_type})")
    return rows, rpb


def _agreement_row(rows: pd.DataFrame, rpb: str, item: str) -> dict[str, object] | None:
    match = rows.loc[(rows["_rpb"] == rpb) & (rows["item"] == item)]
    return match.iloc[0].to_dict() if len(match) else None


def _point(row: dict[str, object] | None, name: str, lang: str) -> tuple[Point, str]:
    """One series' share agreeing with an item, and its cell of the figure's table."""
    share = number(row["estimate"]) if row else math.nan
    low = number(row.get("ci_low")) if row else math.nan
    high = number(row.get("ci_high")) if row else math.nan
    if row and is_suppressed(row.get("estimate")):
        shorthand = str(row.get("estimate")).strip()
        return Point(math.nan, f"{name}: {shorthand}"), shorthand
    if not math.isfinite(share):
        words = phrase("experiences.no_answers", lang)
        return Point(math.nan, f"{name}: {words}"), words
    if finite(low, high):
        cell = f"{fmt_pct(share)} ({fmt_pct(low)} – {fmt_pct(high)})"
    else:
        cell = fmt_pct(share)
    return Point(share, fmt_pct(share), low, high), cell


def _item_row(
    rows: pd.DataFrame, scopes: list[str], item: str, lang: str
) -> tuple[ExperienceRow, tuple[str, ...]]:
    """The row of one item, and its row of the figure's table."""
    points, cells, ns = [], [], []
    for scope in scopes:
        row = _agreement_row(rows, scope, item)
        n = fmt_count(row.get("n") if row else None)
        name = place_name(scope, lang)
        ns.append(f"{name} n = {n}" if len(scopes) == 2 else f"n = {n}")
        point, cell = _point(row, name, lang)
        points.append(point)
        cells.extend([cell, n])
    statement = label(f"experience_statement.{item}", lang).rstrip(".")
    return ExperienceRow(statement, "; ".join(ns), tuple(points)), (statement, *cells)


def _texts(
    rpb: str,
    scopes: list[str],
    year: int | None,
    respondent_type: str,
    note: str,
    name: str | None,
    lang: str,
) -> FigureTexts:
    place = place_name(rpb, lang)
    everyone = respondent_type == "all"
    words = "" if everyone else value_label("respondent_type", respondent_type, lang).lower()
    values = {
        "rpb": place,
        "versus": phrase("experiences.versus", lang, rpb=place) if len(scopes) == 2 else place,
        "respondents": phrase("experiences.everyone", lang) if everyone else words,
        "who": "" if everyone else f" ({words})",
        "year": f", {year}" if year is not None else "",
        "in_year": phrase("in_year", lang, year=year) if year is not None else "",
    }
    suppressed = bool(note)
    note = f" {note}." if note else ""
    return FigureTexts(
        name=name or file_stem("experience_items", rpb, "" if everyone else respondent_type),
        title=phrase("experiences.title", lang, **values),
        alt=concise([phrase("experiences.alt", lang, **values), phrase("alt_table", lang)]),
        caption=phrase("experiences.caption", lang, **values) + note,
        xlabel=phrase("experiences.xlabel", lang),
        legend=tuple(
            LegendEntry("wales" if s == WALES else "rpb", place_name(s, lang)) for s in scopes
        ),
        notes=(note.strip(),) if suppressed else (),
        lang=lang,
    )


def _headings(scopes: list[str], lang: str) -> tuple[str, ...]:
    headings = [phrase("experiences.data.statement", lang)]
    for scope in scopes:
        name = place_name(scope, lang)
        headings.append(phrase("experiences.data.share", lang, rpb=name))
        headings.append(phrase("experiences.data.n", lang, rpb=name))
    return tuple(headings)


def experience_spec(
    agreement_rows: pd.DataFrame,
    wales_rows: pd.DataFrame | None = None,
    *,
    rpb: str | None = None,
    year: int | None = None,
    respondent_type: str = "all",
    name: str | None = None,
    disclosure: Disclosure | None = None,
    lang: str = "en",
) -> ExperienceSpec:
    """The share agreeing with each experience item, with Wilson intervals, an RPB against Wales.

    Parameters
    ----------
    agreement_rows : pandas.DataFrame
        Rows of :func:`nest_eval.domains.experiences.agreement` (``rpb``, ``indicator``,
        ``item``, ``n``, ``estimate``, ``ci_low``, ``ci_high``; the ``share_agreeing`` rows are
        drawn; ``respondent_type`` when present is filtered to
        ``respondent_type``), possibly with ``"c"``: one RPB's rows, one RPB's and Wales's,
        or the whole table with ``rpb`` given.
    wales_rows : pandas.DataFrame, optional
        The Wales rows, when ``agreement_rows`` holds only the RPB's.
    rpb : str, optional
        The RPB (any alias) or ``"Wales"`` to draw; by default the one RPB in the rows, or
        Wales when they hold Wales alone. Wales is shown beside an RPB whenever its rows are
        given.
    year : int, optional
        The reporting year, for the title and the alt text.
    respondent_type : str
        Which respondents' answers (``"all"`` by default).
    name : str, optional
        File stem; ``experience_items_<rpb slug>`` (with the respondent type unless
        ``"all"``) by default.
    disclosure : Disclosure, optional
        The run's disclosure settings (for the note on suppressed values).
    lang : str
        Language of the texts (``"en"`` or ``"cy"``).

    Returns
    -------
    ExperienceSpec
        The rows and texts, with a short alt text and every item's shares, intervals and
        numbers in the figure's table.

    Raises
    ------
    ValueError
        When there is no row for the RPB, or the rows hold several RPBs and ``rpb`` is not
        given.
    """
    rows, rpb = _scoped_rows(agreement_rows, wales_rows, rpb, respondent_type)
    has_wales = bool((rows["_rpb"] == WALES).any())
    scopes = [rpb] if rpb == WALES or not has_wales else [rpb, WALES]
    cells = rows.loc[rows["_rpb"].isin(scopes), ["estimate", "ci_low", "ci_high"]].to_numpy()
    suppressed = any(is_suppressed(v) for v in cells.ravel())
    note = suppressed_note(disclosure or Disclosure(), lang) if suppressed else ""
    items = [_item_row(rows, scopes, item, lang) for item in EXPERIENCE_ITEMS]
    texts = _texts(rpb, scopes, year, respondent_type, note, name, lang)
    data = FigureData(_headings(scopes, lang), tuple(cells for _, cells in items))
    return ExperienceSpec(replace(texts, data=data), tuple(row for row, _ in items))
