"""Specification of the distance-travelled chart: baseline, current value and change.

The indicators of a domain come in different units (shares, days, counts, scores on different
scales), so no single axis can hold them honestly, and standardising the changes would hide
what they mean. Each indicator gets its own small panel (:class:`ChangePanel`) on its own
scale: the baseline, the current value, and the 95% interval of the change drawn from the
baseline (from baseline + lower limit to baseline + upper limit), where one exists.
Indicators without an interval (journey ratings, medians, counts) have none. Suppressed values
(``"c"``) are absent and labelled. :func:`distance_spec` builds the specification; it draws
nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nest_eval.config import Disclosure
from nest_eval.reference.indicators import indicator as indicator_spec
from nest_eval.reporting.figures.spec import (
    SUPPRESSED,
    FigureData,
    FigureTexts,
    LegendEntry,
    canonical_rpb,
    concise,
    file_stem,
    finite,
    fmt_change,
    fmt_count,
    fmt_number,
    fmt_pct,
    is_suppressed,
    number,
    phrase,
    place_name,
    suppressed_note,
)
from nest_eval.reporting.labels import row_label, value_label

__all__ = ["ChangePanel", "DistanceSpec", "distance_spec"]

_VALUE_COLUMNS = ("baseline", "current", "change", "ci_low", "ci_high", "n")


@dataclass(frozen=True)
class ChangePanel:
    """The panel of one indicator.

    Attributes
    ----------
    label : str
        The indicator in plain English.
    better : str
        Which way is better, as a suffix of the label (``" (higher is better)"``), or empty.
    baseline, current : float
        The values; NaN when absent.
    interval : tuple of (float, float) or None
        The 95% interval of the change, drawn from the baseline (baseline + lower limit,
        baseline + upper limit); None when there is none or it is suppressed.
    share : bool
        Whether the indicator is a share (0–1), drawn on a percentage axis.
    ratings : bool
        Whether the indicator is a journey rating, drawn on the 1–4 journey scale.
    change : str
        The change and its interval, in short, e.g. ``"change +6.0 pts (95% CI …)"``.
    absent : str
        Which values are absent and why (e.g. ``"current: c"``); empty when none is.
    """

    label: str
    better: str
    baseline: float
    current: float
    interval: tuple[float, float] | None
    share: bool
    ratings: bool
    change: str
    absent: str


@dataclass(frozen=True)
class DistanceSpec:
    """The distance-travelled chart of one RPB (or Wales) and domain.

    Attributes
    ----------
    texts : FigureTexts
        Title, legend (keys ``"baseline"``, ``"current"`` and ``"interval"``), notes, alt
        text, caption and file name.
    panels : tuple of ChangePanel
        One per indicator, in the table's order (or the order asked for).
    """

    texts: FigureTexts
    panels: tuple[ChangePanel, ...]


def _is_share(indicator: str) -> bool:
    """Indicators measured as a share (0–1), by their unit."""
    return indicator_spec(indicator).unit.is_share


def _on_journey_scale(rows: pd.DataFrame) -> bool:
    """Whether the indicators are journey ratings, drawn on the 1–4 journey scale."""
    return all(indicator_spec(str(k)).unit.scale == "journey" for k in rows["indicator"])


@dataclass(frozen=True)
class _Change:
    """One row of the distance-travelled table, read: values as floats, which were withheld."""

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
    lang: str = "en"

    def value_text(self, value: float, column: str, missing: str) -> str:
        if column in self.suppressed:
            return SUPPRESSED
        if not math.isfinite(value):
            return missing
        return fmt_pct(value, 1) if self.share else fmt_number(value)

    def _signed(self, value: float) -> str:
        scale, decimals = (100.0, 1) if self.share else (1.0, None)
        text = fmt_change(scale * value, decimals)
        return phrase("distance.pp", self.lang, value=text) if self.share else text

    def change_cell(self) -> str:
        """The change alone, for the table: signed, in points for a share."""
        if "change" in self.suppressed:
            return SUPPRESSED
        if not math.isfinite(self.change):
            return phrase("distance.not_available", self.lang)
        return self._signed(self.change)

    def interval_cell(self) -> str:
        """The 95% interval of the change, for the table."""
        if {"ci_low", "ci_high"} & self.suppressed:
            return SUPPRESSED
        if math.isfinite(self.change) and finite(self.low, self.high):
            return phrase(
                "distance.interval",
                self.lang,
                low=self._signed(self.low),
                high=self._signed(self.high),
            )
        return phrase("distance.no_interval", self.lang)

    def change_text(self) -> str:
        """The change and its interval, written in its panel."""
        if "change" in self.suppressed:
            return phrase("distance.change_suppressed", self.lang, shorthand=SUPPRESSED)
        if not math.isfinite(self.change):
            return phrase("distance.change", self.lang, change=self.change_cell())
        text = phrase("distance.change", self.lang, change=self.change_cell())
        if {"ci_low", "ci_high"} & self.suppressed:
            return f"{text} ({phrase('distance.interval_suppressed', self.lang)})"
        if finite(self.low, self.high):
            return f"{text} ({self.interval_cell()})"
        return text

    @property
    def better_text(self) -> str:
        if self.better in {"higher", "lower"}:
            return phrase(f"distance.{self.better}_better", self.lang)
        return ""


def _change(row: dict[str, object], lang: str) -> _Change:
    suppressed = frozenset(c for c in _VALUE_COLUMNS if is_suppressed(row.get(c)))
    baseline, current = number(row.get("baseline")), number(row.get("current"))
    change = number(row.get("change"))
    if not math.isfinite(change) and "change" not in suppressed and finite(baseline, current):
        change = current - baseline
    indicator = str(row["indicator"])
    return _Change(
        label=row_label(row, lang),
        baseline=baseline,
        current=current,
        change=change,
        low=number(row.get("ci_low")),
        high=number(row.get("ci_high")),
        n=row.get("n"),
        better=str(row.get("better") or ""),
        share=_is_share(indicator),
        suppressed=suppressed,
        lang=lang,
    )


def _panel(item: _Change, ratings: bool, missing_word: str) -> ChangePanel:
    b = item.baseline
    has_interval = finite(b, item.low, item.high) and not {"ci_low", "ci_high"} & item.suppressed
    absent = []
    for column, value in (("baseline", b), ("current", item.current)):
        if not math.isfinite(value):
            word = SUPPRESSED if column in item.suppressed else missing_word
            absent.append(f"{phrase(f'distance.{column}', item.lang)}: {word}")
    return ChangePanel(
        label=item.label,
        better=f" ({item.better_text})" if item.better_text else "",
        baseline=b,
        current=item.current,
        interval=(b + item.low, b + item.high) if has_interval else None,
        share=item.share,
        ratings=ratings,
        change=item.change_text(),
        absent="; ".join(absent),
    )


def _data_row(item: _Change, ratings: bool, missing_word: str) -> tuple[str, ...]:
    """The row of one indicator in the figure's table."""
    return (
        item.label + (f" ({item.better_text})" if item.better_text else ""),
        item.value_text(item.baseline, "baseline", missing_word),
        item.value_text(item.current, "current", missing_word),
        item.change_cell(),
        item.interval_cell(),
        "–" if ratings else fmt_count(item.n),
    )


def _select(
    table: pd.DataFrame, rpb: str, domain: str, indicators: Sequence[str] | None
) -> pd.DataFrame:
    """The rows of the RPB and domain: all, or the indicators asked for in their order."""
    rows = table.loc[(table["rpb"] == rpb) & (table["domain"] == domain)]
    if indicators is not None:
        order = {str(ind): i for i, ind in enumerate(indicators)}
        rows = rows.loc[rows["indicator"].isin(list(order))]
        rows = rows.iloc[np.argsort([order[str(i)] for i in rows["indicator"]], kind="stable")]
    if rows.empty:
        raise ValueError(f"no distance-travelled rows for {rpb!r} in domain {domain!r}")
    return rows


def _single_year(values: pd.Series) -> int | None:
    years = {int(v) for v in pd.to_numeric(values, errors="coerce").dropna()}
    return years.pop() if len(years) == 1 else None


def _texts(
    items: list[_Change], place: str, domain: str, years: tuple[int | None, int | None],
    note: str, lang: str,
) -> tuple[str, str, str]:  # fmt: skip
    """Title, alt text and caption."""
    base_year, year = years
    domain_text = value_label("domain", domain, lang).lower()
    suppressed = f" {note}." if any(it.suppressed for it in items) else ""
    period = (
        phrase("distance.period", lang, baseline=base_year, year=year)
        if base_year is not None and year is not None
        else phrase("distance.period_unknown", lang)
    )
    values = {"domain": domain_text, "rpb": place, "period": period, "n": len(items)}
    alt = concise(
        [phrase("distance.alt", lang, **values), phrase("alt_table", lang)],
    )
    caption = phrase("distance.caption", lang, **values) + suppressed
    return phrase("distance.title", lang, **values), alt, caption


def distance_spec(
    table: pd.DataFrame,
    rpb: str,
    domain: str,
    *,
    year: int | None = None,
    indicators: Sequence[str] | None = None,
    name: str | None = None,
    disclosure: Disclosure | None = None,
    lang: str = "en",
) -> DistanceSpec:
    """Distance travelled in one domain: each indicator's baseline, current value and change.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`nest_eval.domains.distance.distance_travelled` (or the published CSV, possibly
        with ``"c"`` in any value column).
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
    disclosure : Disclosure, optional
        The run's disclosure settings (for the note on suppressed values).
    lang : str
        Language of the texts (``"en"`` or ``"cy"``).

    Returns
    -------
    DistanceSpec
        The panels and texts, with a short alt text and every indicator's values, change and
        interval in the figure's table.

    Raises
    ------
    ValueError
        When the table has no row for the RPB and domain.
    """
    rpb = canonical_rpb(rpb)
    rows = _select(table, rpb, domain, indicators)
    items = [_change(row, lang) for row in rows.to_dict("records")]
    base_year = _single_year(rows["baseline_year"]) if "baseline_year" in rows else None
    ratings = _on_journey_scale(rows)
    missing_word = phrase("not_rated" if ratings else "no_data", lang)
    note = suppressed_note(disclosure or Disclosure(), lang)
    notes = [phrase("distance.note", lang)]
    if any(it.suppressed for it in items):
        notes.append(note + ".")
    place = place_name(rpb, lang)
    title, alt, caption = _texts(items, place, domain, (base_year, year), note, lang)
    baseline = phrase("distance.legend.baseline", lang, year=_in_brackets(base_year))
    current = phrase("distance.legend.current", lang, year=_in_brackets(year))
    legend = (
        LegendEntry("baseline", baseline),
        LegendEntry("current", current),
        LegendEntry("interval", phrase("distance.legend.interval", lang)),
    )
    headings = (
        phrase("distance.data.indicator", lang),
        baseline,
        current,
        phrase("distance.data.change", lang),
        phrase("distance.data.interval", lang),
        phrase("distance.data.n", lang),
    )
    data = FigureData(headings, tuple(_data_row(item, ratings, missing_word) for item in items))
    texts = FigureTexts(
        name=name or file_stem("distance", rpb, domain),
        title=title,
        alt=alt,
        caption=caption,
        legend=legend,
        notes=tuple(notes),
        data=data,
        lang=lang,
    )
    return DistanceSpec(texts, tuple(_panel(item, ratings, missing_word) for item in items))


def _in_brackets(year: int | None) -> str:
    return f" ({year})" if year is not None else ""
