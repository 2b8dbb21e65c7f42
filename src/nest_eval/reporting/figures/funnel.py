"""Specification of a funnel plot of one proportion across RPBs.

The RPBs are points (share against number of people) with exact binomial control limits (95%
and 99.8% by default) around the target (:mod:`nest_eval.stats.funnel`); only RPBs flagged by
their exact probability are named, and none is ranked. An RPB whose point lies just past an
interpolated limit line without being flagged (possible with few people) is named in a note and
in the alt text, so the picture is not misread. Rows whose count or share is suppressed
(``"c"``) are left out and named in a note. :func:`funnel_spec` builds the specification; it
draws nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd

from nest_eval.config import Disclosure
from nest_eval.reporting.figures.spec import (
    SUPPRESSED,
    FigureData,
    FigureTexts,
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
from nest_eval.stats.funnel import FLAG_WITHIN, level_label, limit_columns

__all__ = ["FunnelSpec", "funnel_spec"]


@dataclass(frozen=True)
class FunnelSpec:
    """A funnel plot of one proportion.

    Attributes
    ----------
    texts : FigureTexts
        Title, axis labels, notes, alt text, caption and file name (no legend entries: the
        plot carries its own legend).
    units : pandas.DataFrame
        The RPBs shown: ``unit``, ``x``, ``n``, ``proportion`` (as floats) and ``flag``.
    target : float
        The proportion the limits are drawn around.
    tau2 : float
        Between-unit variance widening the limits for overdispersion (0 for none).
    levels : tuple of float
        Coverage of the control limits, e.g. ``(0.95, 0.998)``.
    highlight : str or None
        The RPB whose report the plot is in, drawn apart (colour, marker and label).
    names : dict of str to str
        The name drawn beside each unit, in the figure's language.
    """

    texts: FigureTexts
    units: pd.DataFrame = field(compare=False)
    target: float
    tau2: float
    levels: tuple[float, ...]
    highlight: str | None = None
    names: dict[str, str] = field(default_factory=dict, compare=False)


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
        values = {v for v in map(number, table[key]) if math.isfinite(v)}
        if len(values) == 1:
            return values.pop()
        if len(values) > 1:
            raise ValueError(f"the table holds several values of {key!r}: one indicator only")
    return None


def _shown(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The units with a count and a share (as floats), and the names of those left out."""
    hidden = [
        str(u)
        for u, x, n, p in zip(
            table["unit"], table.get("x", table["n"]), table["n"], table["proportion"], strict=True
        )
        if not (finite(number(n), number(p)) and not is_suppressed(x))
    ]
    shown = table.loc[~table["unit"].astype(str).isin(hidden)].copy()
    for column in ("x", "n", "proportion"):
        if column in shown:
            shown[column] = [number(v) for v in shown[column]]
    shown.attrs = table.attrs
    return shown, hidden


def _past_a_line(shown: pd.DataFrame, levels: tuple[float, ...]) -> list[tuple[str, str]]:
    """RPBs not flagged whose point lies past a drawn limit, with the widest such limit.

    The limits are interpolated between whole counts, so with few people a count can sit just
    past a line while its exact probability is not below the level
    (:mod:`nest_eval.stats.funnel`).
    """
    found = []
    for row in shown.loc[shown["flag"] == FLAG_WITHIN].to_dict(orient="records"):
        past = None
        for level in sorted(levels):
            lower_name, upper_name = limit_columns(level)
            low, high = number(row.get(lower_name)), number(row.get(upper_name))
            if row["proportion"] > high or row["proportion"] < low:
                past = level_label(level)
        if past is not None:
            found.append((str(row["unit"]), past))
    return found


def _name(unit: object, lang: str) -> str:
    """An RPB's (or Wales's) name in ``lang``; any other unit as it is."""
    try:
        return place_name(canonical_rpb(str(unit)), lang)
    except (KeyError, ValueError):
        return str(unit)


def _past_text(past: list[tuple[str, str]], lang: str) -> str:
    """A sentence naming the RPBs past a line but not flagged, or nothing."""
    if not past:
        return ""
    described = [phrase("funnel.past_one", lang, rpb=_name(u, lang), level=lv) for u, lv in past]
    return phrase("funnel.past", lang, rpbs="; ".join(described))


def flag_text(flag: str, lang: str = "en") -> str:
    """A funnel flag (``within``, ``above 95%``, ``below 99.8%``) in words, in ``lang``.

    Examples
    --------
    >>> flag_text("above 99.8%"), flag_text("within", "cy")
    ('above the 99.8% limit', 'o fewn y terfynau')
    """
    if flag == FLAG_WITHIN:
        return phrase("funnel.within", lang)
    side, _, level = str(flag).partition(" ")
    if side not in {"above", "below"}:
        return str(flag)
    return phrase(f"funnel.{side}", lang, level=level.rstrip("%"))


def _alt(title: str, shown: pd.DataFrame, target: float, highlight: str | None, lang: str) -> str:
    """The alt text: what is plotted and which RPBs lie outside the limits (names only)."""
    flagged = shown.loc[shown["flag"] != FLAG_WITHIN, "unit"]
    if flagged.empty:
        outside = phrase("funnel.alt_none_outside", lang)
    else:
        names = ", ".join(_name(u, lang) for u in flagged)
        outside = phrase("funnel.alt_outside", lang, rpbs=names)
    what = phrase("funnel.alt", lang, count=len(shown), target=fmt_pct(target, 1))
    marked = phrase("funnel.alt_highlight", lang, rpb=_name(highlight, lang)) if highlight else ""
    return concise(
        [what, outside, marked, phrase("alt_table", lang)],
        optional=[phrase("funnel.alt_title", lang, title=title)],
    )


def _data(
    table: pd.DataFrame, hidden: list[str], lang: str, shorthand: str = SUPPRESSED
) -> FigureData:
    """Each RPB's percentage, numbers and place against the limits, as a table."""
    rows = []
    for record in table.to_dict(orient="records"):
        unit = str(record["unit"])
        if unit in hidden:
            rows.append((_name(unit, lang), shorthand, shorthand, fmt_count(record["n"]), "–"))
            continue
        share = number(record["proportion"])
        rows.append(
            (
                _name(unit, lang),
                fmt_pct(share, 1),
                fmt_count(record.get("x", share * number(record["n"]))),
                fmt_count(record["n"]),
                flag_text(str(record["flag"]), lang),
            )
        )
    headings = tuple(
        phrase(f"funnel.data.{key}", lang) for key in ("rpb", "percentage", "x", "n", "flag")
    )
    return FigureData(headings, tuple(rows))


def _level_text(levels: tuple[float, ...], lang: str) -> str:
    joiner = f" {phrase('and', lang)} "
    return joiner.join(f"{level_label(v)}%" for v in sorted(levels))


def funnel_spec(
    funnel_table_for_one_indicator: pd.DataFrame,
    title: str,
    *,
    xlabel: str | None = None,
    ylabel: str | None = None,
    name: str | None = None,
    disclosure: Disclosure | None = None,
    highlight: str | None = None,
    lang: str = "en",
) -> FunnelSpec:
    """A funnel plot of one proportion across RPBs.

    Parameters
    ----------
    funnel_table_for_one_indicator : pandas.DataFrame
        :func:`nest_eval.stats.funnel.funnel_table` output, or the rows of one indicator of
        :func:`nest_eval.domains.comparisons.rpb_funnels` (``rpb`` instead of ``unit``;
        target and ``tau2`` read from their columns when ``attrs`` are lost).
    title : str
        Title of the plot: what the proportion is, in plain words in ``lang``.
    xlabel, ylabel : str, optional
        Axis labels; by default the catalogue's, in ``lang``.
    name : str, optional
        File stem; ``funnel_<title slug>`` by default; with ``highlight``, followed by
        ``_<rpb slug>``.
    disclosure : Disclosure, optional
        The run's disclosure settings (for the note on suppressed values).
    highlight : str, optional
        The RPB (any alias) whose report the plot is in: drawn apart and named in the alt text.
    lang : str
        Language of the texts (``"en"`` or ``"cy"``).

    Returns
    -------
    FunnelSpec
        The units and texts, with a short alt text naming the RPBs outside the limits (or
        saying there are none) and every RPB's numbers in a table (:class:`FigureData`).

    Raises
    ------
    ValueError
        When the rows hold several indicators or fewer than two units are left.
    """
    table = funnel_table_for_one_indicator.copy()
    table.attrs = dict(funnel_table_for_one_indicator.attrs)
    if "indicator" in table and table["indicator"].nunique() > 1:
        raise ValueError("the funnel table holds several indicators: pass one")
    if "unit" not in table and "rpb" in table:
        table = table.rename(columns={"rpb": "unit"})
    target = _attr(table, "target")
    tau2 = _attr(table, "tau2") or 0.0
    levels = tuple(table.attrs.get("levels", ())) or _levels_of(table)
    shown, hidden = _shown(table)
    if len(shown) < 2:
        raise ValueError("a funnel plot needs at least two units with counts")
    if target is None:
        raise ValueError("target unknown: pass a table from funnel_table or rpb_funnels")
    highlight = canonical_rpb(highlight) if highlight else None
    if highlight is not None and highlight not in set(shown["unit"].map(str)):
        highlight = None
    notes = [phrase("funnel.note", lang)]
    past = _past_text(_past_a_line(shown, levels), lang)
    if past:
        notes.append(past)
    disclosure = disclosure or Disclosure()
    note = suppressed_note(disclosure, lang)
    if hidden:
        names = ", ".join(_name(u, lang) for u in hidden)
        notes.append(phrase("funnel.not_shown", lang, rpbs=names, note=note))
    widened = phrase("funnel.widened", lang) if tau2 > 0 else ""
    caption = phrase(
        "funnel.caption",
        lang,
        title=title,
        levels=_level_text(levels, lang),
        target=fmt_pct(target, 1),
        widened=widened,
    )
    stem = name or file_stem("funnel", title)
    texts = FigureTexts(
        name=file_stem(stem, highlight) if highlight else stem,
        title=title,
        alt=_alt(title, shown, target, highlight, lang),
        caption=caption,
        xlabel=xlabel if xlabel is not None else phrase("funnel.xlabel", lang),
        ylabel=ylabel if ylabel is not None else phrase("funnel.ylabel", lang),
        notes=tuple(notes),
        data=_data(table, hidden, lang, disclosure.shorthand),
        lang=lang,
    )
    names = {str(u): _name(u, lang) for u in shown["unit"]}
    return FunnelSpec(texts, shown, target, tau2, levels, highlight, names)
