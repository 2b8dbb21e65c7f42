"""Specification of the NEST profile: the journey ratings of the six core elements.

One row per core element, in published order
(:data:`nest_eval.reference.vocabulary.CORE_ELEMENTS`), on the 1–4 journey scale with its
levels named (:data:`nest_eval.reference.vocabulary.JOURNEY_LEVELS`): the Wales mean, and the
RPB's own rating (with its baseline rating when a baseline year is given). Each row states how
many of the RPBs rated the element. An element without a rating is written "not rated", never
given a value. Journey ratings are a census of the RPBs' self-ratings, not a sample, so no
interval applies. :func:`profile_spec` builds the specification; it draws nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from nest_eval.reference.vocabulary import (
    CORE_ELEMENTS,
    JOURNEY_LEVELS,
    RPB_NAMES,
    WALES,
    Element,
    resolve_element,
)
from nest_eval.reporting.figures.spec import (
    FigureData,
    FigureTexts,
    LegendEntry,
    Point,
    canonical_rpb,
    concise,
    file_stem,
    fmt_number,
    number,
    phrase,
    place_name,
)

__all__ = ["ProfileRow", "ProfileSpec", "profile_spec"]


@dataclass(frozen=True)
class ProfileRow:
    """One core element of the NEST profile.

    Attributes
    ----------
    element : str
        The element's name.
    rated : str
        How many RPBs rated it, e.g. ``"rated by 6 of 7 RPBs"``.
    wales : Point
        The Wales mean, labelled with one decimal, or written as not rated by any RPB.
    rpb : Point or None
        The RPB's rating, or written as not rated; None in the Wales profile.
    baseline : float
        The RPB's rating in the baseline year; NaN when none is shown.
    """

    element: str
    rated: str
    wales: Point
    rpb: Point | None = None
    baseline: float = math.nan


@dataclass(frozen=True)
class ProfileSpec:
    """The NEST profile of an RPB against Wales, or of Wales alone.

    Attributes
    ----------
    texts : FigureTexts
        Title, axis label, legend (keys ``"rpb"``, ``"baseline"`` and ``"wales"``), alt text,
        caption and file name.
    rows : tuple of ProfileRow
        One per core element, in published order.
    levels : tuple of (int, str)
        The journey scale: each level and its name.
    """

    texts: FigureTexts
    rows: tuple[ProfileRow, ...]
    levels: tuple[tuple[int, str], ...]

    @property
    def has_rpb(self) -> bool:
        """Whether an RPB's ratings are shown beside the Wales mean."""
        return any(row.rpb is not None for row in self.rows)


def _ratings_by_element(
    ratings: pd.DataFrame | Mapping[str, object] | None, rpb: str | None, year: int | None
) -> dict[str, float]:
    """The RPB's rating of each element (key) in ``year``, from rows or a mapping."""
    if ratings is None:
        return {}
    if isinstance(ratings, pd.DataFrame):
        frame = ratings
        if "rpb" in frame and rpb is not None:
            frame = frame.loc[frame["rpb"].map(lambda r: canonical_rpb(str(r))) == rpb]
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
        found[resolve_element(str(element))] = number(value)
    return found


def _profile_rpb(
    rpb_ratings: pd.DataFrame | Mapping[str, object] | None, rpb: str | None
) -> str | None:
    """The RPB whose ratings are shown: given, or the single RPB of the rows; None for Wales."""
    if rpb is None and isinstance(rpb_ratings, pd.DataFrame) and "rpb" in rpb_ratings:
        found = {canonical_rpb(str(r)) for r in rpb_ratings["rpb"].dropna()}
        if len(found) != 1:
            raise ValueError("rpb_ratings hold several RPBs: pass rpb=")
        rpb = found.pop()
    if rpb_ratings is not None and rpb is None:
        raise ValueError("pass rpb= with rpb_ratings")
    rpb = None if rpb is None else canonical_rpb(rpb)
    return None if rpb == WALES else rpb


def _level_name(rating: float, lang: str) -> str:
    """Journey-level name of a rating; a half point lies between two levels."""
    names = {level.level: level.label(lang) for level in JOURNEY_LEVELS}
    if rating in names:
        return names[int(rating)]
    low, high = math.floor(rating), math.ceil(rating)
    if low in names and high in names:
        return phrase("profile.between", lang, low=names[low], high=names[high])
    return phrase("profile.outside_scale", lang)


@dataclass(frozen=True)
class _Scope:
    """Whose profile, in which language: the RPB (None for Wales) and its name, the years."""

    rpb: str | None
    year: int | None
    baseline_year: int | None
    lang: str

    @property
    def name(self) -> str:
        return place_name(self.rpb if self.rpb is not None else WALES, self.lang)


def _element_row(
    element: Element,
    means: pd.DataFrame,
    scope: _Scope,
    own: Mapping[str, float],
    before: Mapping[str, float],
) -> tuple[ProfileRow, tuple[str, ...]]:
    """The row of one element, and its row of the figure's table."""
    lang = scope.lang
    row = means.loc[element.key] if element.key in means.index else None
    mean = number(row["mean_rating"]) if row is not None else math.nan
    n_rated = number(row["n_rpbs"]) if row is not None else math.nan
    rated = (
        phrase("profile.rated_by", lang, n=f"{n_rated:.0f}", total=len(RPB_NAMES))
        if math.isfinite(n_rated)
        else phrase("profile.rated_unknown", lang)
    )
    count = f"{n_rated:.0f}" if math.isfinite(n_rated) else phrase("unknown", lang)
    name = element.label(lang)
    if math.isfinite(mean):
        wales = Point(mean, fmt_number(mean, 1))
    else:
        wales = Point(math.nan, phrase("profile.wales_not_rated", lang))
    wales_cell = fmt_number(mean, 1) if math.isfinite(mean) else phrase("not_rated", lang)
    if scope.rpb is None:
        return ProfileRow(name, rated, wales), (name, wales_cell, count)
    value = own.get(element.key, math.nan)
    earlier = before.get(element.key, math.nan)
    if math.isfinite(value):
        own_point = Point(value, f"{value:g}")
        own_cell = f"{value:g} ({_level_name(value, lang)})"
    else:
        own_point = Point(math.nan, phrase("profile.rpb_not_rated", lang, rpb=scope.name))
        own_cell = phrase("not_rated", lang)
    cells = [name, own_cell]
    if before:
        cells.append(f"{earlier:g}" if math.isfinite(earlier) else phrase("not_rated", lang))
    profile_row = ProfileRow(name, rated, wales, own_point, earlier)
    return profile_row, (*cells, wales_cell, count)


def _legend(scope: _Scope, with_baseline: bool) -> tuple[LegendEntry, ...]:
    lang = scope.lang
    wales = LegendEntry("wales", phrase("profile.legend.wales", lang))
    if scope.rpb is None:
        return (wales,)
    if with_baseline and scope.year is not None:
        own = phrase("profile.legend.rpb_in", lang, rpb=scope.name, year=scope.year)
    else:
        own = phrase("profile.legend.rpb", lang, rpb=scope.name)
    entries = [LegendEntry("rpb", own)]
    if with_baseline:
        entries.append(
            LegendEntry(
                "baseline",
                phrase("profile.legend.rpb_in", lang, rpb=scope.name, year=scope.baseline_year),
            )
        )
    return (*entries, wales)


def _headings(scope: _Scope, with_baseline: bool) -> tuple[str, ...]:
    lang = scope.lang
    own = [phrase("profile.data.element", lang)]
    if scope.rpb is not None:
        year = scope.year if scope.year is not None else ""
        own.append(phrase("profile.data.rating", lang, rpb=scope.name, year=year).strip())
        if with_baseline:
            own.append(
                phrase("profile.data.rating", lang, rpb=scope.name, year=scope.baseline_year)
            )
    return (*own, phrase("profile.data.wales", lang), phrase("profile.data.rated", lang))


def _texts(
    scope: _Scope,
    legend: tuple[LegendEntry, ...],
    data: FigureData,
    name: str | None,
) -> FigureTexts:
    lang = scope.lang
    year = f", {scope.year}" if scope.year is not None else ""
    in_year = phrase("in_year", lang, year=scope.year) if scope.year is not None else ""
    key = "rpb" if scope.rpb is not None else "wales"
    rated = [row[1] for row in data.rows]
    not_rated = sum(cell == phrase("not_rated", lang) for cell in rated)
    message = (
        phrase("profile.alt_not_rated", lang, rpb=scope.name, n=not_rated) if not_rated else ""
    )
    return FigureTexts(
        name=name or file_stem("nest_profile", scope.rpb or WALES),
        title=phrase(f"profile.title.{key}", lang, rpb=scope.name, year=year),
        alt=concise(
            [
                phrase(f"profile.alt.{key}", lang, rpb=scope.name, in_year=in_year),
                message,
                phrase("alt_table", lang),
            ]
        ),
        caption=phrase(f"profile.caption.{key}", lang, rpb=scope.name, year=year),
        xlabel=phrase("profile.xlabel", lang),
        legend=legend,
        data=data,
        lang=lang,
    )


def profile_spec(
    national_means_current: pd.DataFrame,
    rpb_ratings: pd.DataFrame | Mapping[str, object] | None = None,
    rpb: str | None = None,
    year: int | None = None,
    *,
    baseline_year: int | None = None,
    name: str | None = None,
    lang: str = "en",
) -> ProfileSpec:
    """The NEST profile of an RPB against the Wales mean, or of Wales alone.

    Parameters
    ----------
    national_means_current : pandas.DataFrame
        :func:`nest_eval.domains.implementation.national_means` for the year: ``element``,
        ``mean_rating``, ``n_rpbs`` (and optionally ``n_not_rated``).
    rpb_ratings : pandas.DataFrame or mapping, optional
        The RPB's ratings: rows of :func:`nest_eval.domains.implementation.journey_ratings`
        (filtered here to ``rpb`` and ``year`` when those columns are present) or a mapping
        of element (key or label) to rating. An element missing or blank is not rated.
    rpb : str, optional
        The RPB (any alias); needed with ``rpb_ratings`` unless the rows hold a single RPB.
        Omit both for the Wales profile.
    year : int, optional
        The self-assessment cycle: selects the rows of ``rpb_ratings`` and is named in the
        title and the alt text.
    baseline_year : int, optional
        With ``rpb_ratings`` holding that cycle too, the RPB's baseline rating is shown with
        this year's: the distance travelled.
    name : str, optional
        File stem; ``nest_profile_<rpb slug>`` (``nest_profile_wales``) by default.
    lang : str
        Language of the texts (``"en"`` or ``"cy"``).

    Returns
    -------
    ProfileSpec
        The rows and texts, with a short alt text and every element's ratings in the
        figure's table.

    Raises
    ------
    ValueError
        When ``rpb_ratings`` hold several RPBs (or years) and ``rpb`` (or ``year``) is not
        given.
    """
    means = national_means_current.copy()
    means["_key"] = [resolve_element(str(e)) for e in means["element"]]
    means = means.set_index("_key")
    rpb = _profile_rpb(rpb_ratings, rpb)
    own = _ratings_by_element(rpb_ratings, rpb, year) if rpb is not None else {}
    before = (
        _ratings_by_element(rpb_ratings, rpb, baseline_year)
        if rpb is not None and baseline_year is not None
        else {}
    )
    scope = _Scope(rpb, year, baseline_year, lang)
    rows, cells = [], []
    for element in CORE_ELEMENTS:
        row, data_row = _element_row(element, means, scope, own, before)
        rows.append(row)
        cells.append(data_row)
    with_baseline = bool(before)
    data = FigureData(_headings(scope, with_baseline), tuple(cells))
    return ProfileSpec(
        texts=_texts(scope, _legend(scope, with_baseline), data, name),
        rows=tuple(rows),
        levels=tuple((level.level, level.label(lang)) for level in JOURNEY_LEVELS),
    )
