"""Specification of the outcome categories: reliable improvement, no reliable change, deterioration.

One row per outcome measure and respondent, in the table's order: the percent of assessable
pairs (first and last assessment) in each reliable-change category, with reliable recovery, a
subset of reliable improvement, marked inside it. A measure without a reliable-change
criterion (no published reliability) is "not assessable"; a row withheld by disclosure control
is ``c``. :func:`categories_spec` builds the specification; it draws nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from nest_eval.config import Disclosure
from nest_eval.reference.measures import CATALOGUE, Catalogue
from nest_eval.reference.vocabulary import WALES
from nest_eval.reporting.figures.spec import (
    SUPPRESSED,
    FigureData,
    FigureTexts,
    LegendEntry,
    canonical_rpb,
    concise,
    file_stem,
    finite,
    fmt_count,
    is_suppressed,
    number,
    phrase,
    place_name,
    suppressed_note,
)
from nest_eval.reporting.labels import value_label

__all__ = ["CATEGORIES", "CategoriesSpec", "CategoryRow", "Segment", "categories_spec"]

CATEGORIES = (
    "reliable_improvement",
    "no_reliable_change",
    "reliable_deterioration",
    "reliable_recovery",
)
"""The reliable-change columns of the outcomes table; recovery is part of improvement."""


@dataclass(frozen=True)
class Segment:
    """One category's part of a bar.

    Attributes
    ----------
    key : str
        The category (one of :data:`CATEGORIES`).
    percent : float
        Percentage of the assessable pairs.
    text : str
        The percentage as a label, e.g. ``"42%"``.
    """

    key: str
    percent: float
    text: str


@dataclass(frozen=True)
class CategoryRow:
    """One outcome measure (and respondent).

    Attributes
    ----------
    label : str
        The measure's name, with the respondent.
    detail : str
        The numbers under the name: assessable pairs, improved (recovered) and deteriorated.
    segments : tuple of Segment
        Improvement, no reliable change and deterioration, left to right; empty when the row
        is not drawn.
    recovery : float
        Percentage with reliable recovery, marked inside improvement; NaN when not marked.
    message : str
        What is written instead of a bar (suppressed, not assessable); empty when drawn.
    """

    label: str
    detail: str
    segments: tuple[Segment, ...] = ()
    recovery: float = math.nan
    message: str = ""


@dataclass(frozen=True)
class CategoriesSpec:
    """Reliable change per outcome measure, for one RPB or Wales.

    Attributes
    ----------
    texts : FigureTexts
        Title, axis label, legend (keyed by category), notes, alt text, caption and file name.
    rows : tuple of CategoryRow
        One per measure and respondent, in the table's order.
    """

    texts: FigureTexts
    rows: tuple[CategoryRow, ...]


def _measure_label(measure: str, respondent: object, catalogue: Catalogue, lang: str) -> str:
    name = value_label("measure", measure, lang)
    if name == measure:
        try:
            name = catalogue[measure].label()
        except (KeyError, ValueError):
            name = measure
    if isinstance(respondent, str) and respondent:
        return f"{name} ({value_label('respondent', respondent, lang)})"
    return name


@dataclass(frozen=True)
class _Counts:
    """One row of the outcomes table, read: counts and percentages, which were withheld."""

    label: str
    n_pairs: object
    counts: tuple[float, float, float, float]
    pcts: tuple[float, float, float, float]
    suppressed: bool
    recovery_suppressed: bool
    assessable: float

    @property
    def drawn(self) -> bool:
        return not self.suppressed and math.isfinite(self.assessable) and self.assessable > 0


def _counts(row: dict[str, object], catalogue: Catalogue, lang: str) -> _Counts:
    counts = tuple(number(row.get(c)) for c in CATEGORIES)
    pcts = tuple(number(row.get(f"pct_{c}")) for c in CATEGORIES)
    main = [*CATEGORIES[:3], *(f"pct_{c}" for c in CATEGORIES[:3])]
    assessable = sum(counts[:3]) if finite(*counts[:3]) else math.nan
    if not finite(*pcts[:3]) and math.isfinite(assessable) and assessable > 0:
        pcts = tuple(100.0 * c / assessable for c in counts)
    return _Counts(
        label=_measure_label(str(row["measure"]), row.get("respondent"), catalogue, lang),
        n_pairs=row.get("n_pairs"),
        counts=counts,  # type: ignore[arg-type]
        pcts=pcts,  # type: ignore[arg-type]
        suppressed=any(is_suppressed(row.get(c)) for c in main),
        recovery_suppressed=any(
            is_suppressed(row.get(c)) for c in ("reliable_recovery", "pct_reliable_recovery")
        ),
        assessable=assessable,
    )


def _share(count: float, pct: float) -> str:
    """A count with its percentage, e.g. ``"42 (35%)"``."""
    return f"{count:,.0f} ({pct:.0f}%)" if finite(count, pct) else "–"


def _row(item: _Counts, note: str, lang: str) -> tuple[CategoryRow, tuple[str, ...]]:
    """The row of one measure, and its row of the figure's table."""
    pairs = phrase("categories.pairs", lang, n=fmt_count(item.n_pairs))
    if item.suppressed:
        row = CategoryRow(item.label, pairs, message=note)
        return row, (item.label, fmt_count(item.n_pairs), *([SUPPRESSED] * 4))
    if not item.drawn:
        message = phrase("categories.not_assessable", lang)
        row = CategoryRow(item.label, pairs, message=message)
        return row, (item.label, fmt_count(item.n_pairs), *([message] * 4))
    imp, none_, det, rec = item.counts
    pcts, a = item.pcts, item.assessable
    recovered = (
        SUPPRESSED if item.recovery_suppressed else "?" if math.isnan(rec) else f"{rec:,.0f}"
    )
    detail = phrase(
        "categories.detail",
        lang,
        n=f"{a:,.0f}",
        improved=f"{imp:,.0f}",
        recovered=recovered,
        deteriorated=f"{det:,.0f}",
    )
    segments = tuple(
        Segment(key, pct, f"{pct:.0f}%") for key, pct in zip(CATEGORIES[:3], pcts[:3], strict=True)
    )
    marked = math.isfinite(pcts[3]) and pcts[3] > 0 and not item.recovery_suppressed
    recovery = SUPPRESSED if item.recovery_suppressed else _share(rec, pcts[3])
    cells = (
        item.label,
        f"{a:,.0f}",
        _share(imp, pcts[0]),
        recovery,
        _share(none_, pcts[1]),
        _share(det, pcts[2]),
    )
    return CategoryRow(item.label, detail, segments, pcts[3] if marked else math.nan), cells


def _scope_rows(rows: pd.DataFrame, rpb: str | None) -> tuple[pd.DataFrame, str | None]:
    """The rows of one RPB (or Wales), and which it is."""
    if "rpb" in rows:
        canonical = rows["rpb"].map(lambda r: canonical_rpb(str(r)))
        if rpb is not None:
            rpb = canonical_rpb(rpb)
            rows = rows.loc[canonical == rpb]
        else:
            found = sorted(set(canonical))
            if len(found) > 1:
                raise ValueError("the rows hold several RPBs: pass rpb= (one RPB per figure)")
            rpb = found[0] if found else None
    if rows.empty:
        raise ValueError("no outcome rows to draw")
    return rows, rpb


def _legend(lang: str) -> tuple[LegendEntry, ...]:
    return tuple(LegendEntry(key, phrase(f"categories.{key}", lang)) for key in _LEGEND_ORDER)


_LEGEND_ORDER = (
    "reliable_improvement",
    "reliable_recovery",
    "no_reliable_change",
    "reliable_deterioration",
)


def _texts(
    place: str,
    year: int | None,
    notes: list[str],
    note: str,
    name: str | None,
    lang: str,
) -> FigureTexts:
    cohort = phrase("categories.cohort", lang, year=year) if year is not None else ""
    note = f" {note}." if note else ""
    values = {"rpb": place, "cohort": cohort}
    return FigureTexts(
        name=name or "",
        title=phrase("categories.title", lang, **values),
        alt=concise([phrase("categories.alt", lang, **values), phrase("alt_table", lang)]),
        caption=phrase("categories.caption", lang, **values) + note,
        xlabel=phrase("categories.xlabel", lang),
        legend=_legend(lang),
        notes=tuple(notes),
        lang=lang,
    )


def categories_spec(
    outcomes_change_rows: pd.DataFrame,
    rpb: str | None = None,
    *,
    year: int | None = None,
    catalogue: Catalogue = CATALOGUE,
    name: str | None = None,
    disclosure: Disclosure | None = None,
    lang: str = "en",
) -> CategoriesSpec:
    """Reliable change per outcome measure: improvement, no reliable change, deterioration.

    Parameters
    ----------
    outcomes_change_rows : pandas.DataFrame
        Rows of :func:`nest_eval.domains.distance.outcomes_change` (or the published CSV,
        possibly with ``"c"``) for one RPB or Wales, or for several with ``rpb`` given.
    rpb : str, optional
        The RPB (any alias) or ``"Wales"`` to draw; needed when the rows hold several.
    year : int, optional
        The cohort year, for the title and the alt text.
    catalogue : Catalogue
        Measures catalogue, for the measures' names.
    name : str, optional
        File stem; ``outcome_categories_<rpb slug>`` by default.
    disclosure : Disclosure, optional
        The run's disclosure settings (for the note on suppressed values).
    lang : str
        Language of the texts (``"en"`` or ``"cy"``).

    Returns
    -------
    CategoriesSpec
        The rows and texts, with a short alt text and every measure's counts and percentages
        in the figure's table.

    Raises
    ------
    ValueError
        When the rows hold several RPBs and ``rpb`` is not given, or no row is left.
    """
    rows, rpb = _scope_rows(outcomes_change_rows, rpb)
    scope = rpb or WALES
    items = [_counts(row, catalogue, lang) for row in rows.to_dict("records")]
    suppressed = any(it.suppressed or it.recovery_suppressed for it in items)
    notes = []
    if any(not it.suppressed and not it.drawn for it in items):
        notes.append(phrase("categories.note_not_assessable", lang))
    note = suppressed_note(disclosure or Disclosure(), lang)
    if suppressed:
        notes.append(note + ".")
    drawn = [_row(item, note, lang) for item in items]
    texts = _texts(place_name(scope, lang), year, notes, note if suppressed else "", name, lang)
    headings = tuple(
        phrase(f"categories.data.{key}", lang)
        for key in ("measure", "assessable", *_LEGEND_ORDER[:1], "recovery", *_LEGEND_ORDER[2:])
    )
    texts = replace(
        texts,
        name=name or file_stem("outcome_categories", scope),
        data=FigureData(headings, tuple(cells for _, cells in drawn)),
    )
    return CategoriesSpec(texts, tuple(row for row, _ in drawn))
