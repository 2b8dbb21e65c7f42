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
    FigureTexts,
    file_stem,
    finite,
    fmt_pct,
    is_suppressed,
    number,
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
    """

    texts: FigureTexts
    units: pd.DataFrame = field(compare=False)
    target: float
    tau2: float
    levels: tuple[float, ...]


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


def _past_text(past: list[tuple[str, str]], shown: pd.DataFrame) -> str:
    """A sentence naming the RPBs past a line but not flagged, or nothing."""
    if not past:
        return ""
    rows = shown.set_index(shown["unit"].astype(str))
    described = [
        f"{unit}, {fmt_pct(rows.at[unit, 'proportion'], 1)} of {rows.at[unit, 'n']:,.0f}, "
        f"past the {level}% line"
        for unit, level in past
    ]
    return (
        "Just past a line but not outside the limits (the lines are interpolated between whole "
        f"counts, and its exact probability is not below the line's level): "
        f"{'; '.join(described)}."
    )


def _alt(
    title: str,
    shown: pd.DataFrame,
    hidden: list[str],
    limits: tuple[float, float, tuple[float, ...]],
    note: str,
) -> str:
    """The alt text: the limits, the RPBs outside them, and any just past a line."""
    target, tau2, levels = limits
    flagged = shown.loc[shown["flag"] != FLAG_WITHIN]
    if flagged.empty:
        outside = "No RPB lies outside the limits."
    else:
        described = [
            f"{row.unit}, {fmt_pct(row.proportion, 1)} of {row.n:,.0f}, {row.flag.split()[0]} "
            f"the {row.flag.split()[1]} limit"
            for row in flagged.itertuples(index=False)
        ]
        outside = "Outside the limits: " + "; ".join(described) + "."
    past = _past_text(_past_a_line(shown, levels), shown)
    return (
        f"Funnel plot: {title}. Each of {len(shown)} RPBs is a point, its percentage against "
        f"its number of people, with exact binomial {_level_text(levels)} control limits "
        f"around the target of {fmt_pct(target, 1)}{_widened(tau2)}. {outside}"
        + (f" {past}" if past else "")
        + (f" Not shown: {', '.join(hidden)} ({note})." if hidden else "")
    )


def _level_text(levels: tuple[float, ...]) -> str:
    return " and ".join(f"{level_label(v)}%" for v in sorted(levels))


def _widened(tau2: float) -> str:
    return ", widened for overdispersion" if tau2 > 0 else ""


def funnel_spec(
    funnel_table_for_one_indicator: pd.DataFrame,
    title: str,
    *,
    xlabel: str = "Number of people (n)",
    ylabel: str = "Percentage",
    name: str | None = None,
    disclosure: Disclosure | None = None,
) -> FunnelSpec:
    """A funnel plot of one proportion across RPBs.

    Parameters
    ----------
    funnel_table_for_one_indicator : pandas.DataFrame
        :func:`nest_eval.stats.funnel.funnel_table` output, or the rows of one indicator of
        :func:`nest_eval.domains.comparisons.rpb_funnels` (``rpb`` instead of ``unit``;
        target and ``tau2`` read from their columns when ``attrs`` are lost).
    title : str
        Title of the plot: what the proportion is, in plain English.
    xlabel, ylabel : str
        Axis labels.
    name : str, optional
        File stem; ``funnel_<title slug>`` by default.
    disclosure : Disclosure, optional
        The run's disclosure settings (for the note on suppressed values).

    Returns
    -------
    FunnelSpec
        The units and texts, with an alt text naming the RPBs outside the limits (or saying
        there are none) and, in a sentence of their own, any not flagged whose point lies just
        past a line.

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
    notes = [
        "Exact binomial limits. Only RPBs outside a limit (exact probability below its level) "
        "are labelled; RPBs are not ranked."
    ]
    past = _past_text(_past_a_line(shown, levels), shown)
    if past:
        notes.append(past)
    note = suppressed_note(disclosure or Disclosure())
    if hidden:
        notes.append(f"Not shown: {', '.join(hidden)} ({note}).")
    caption = (
        f"{title}: funnel plot with exact binomial {_level_text(levels)} control limits around "
        f"{fmt_pct(target, 1)}{_widened(tau2)}. Only RPBs outside a limit are labelled; RPBs "
        "are not ranked."
    )
    texts = FigureTexts(
        name=name or file_stem("funnel", title),
        title=title,
        alt=_alt(title, shown, hidden, (target, tau2, levels), note),
        caption=caption,
        xlabel=xlabel,
        ylabel=ylabel,
        notes=tuple(notes),
    )
    return FunnelSpec(texts, shown, target, tau2, levels)
