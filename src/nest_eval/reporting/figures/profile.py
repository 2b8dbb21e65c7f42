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
    FigureTexts,
    LegendEntry,
    Point,
    canonical_rpb,
    file_stem,
    fmt_number,
    number,
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


def _level_name(rating: float) -> str:
    """Journey-level name of a rating; a half point lies between two levels."""
    names = {level.level: level.label() for level in JOURNEY_LEVELS}
    if rating in names:
        return names[int(rating)]
    low, high = math.floor(rating), math.ceil(rating)
    if low in names and high in names:
        return f"between {names[low]} and {names[high]}"
    return "outside the journey scale"


def _element_row(
    element: Element,
    means: pd.DataFrame,
    rpb: str | None,
    own: Mapping[str, float],
    before: Mapping[str, float],
    baseline_year: int | None,
) -> tuple[ProfileRow, str]:
    """The row of one element, and the sentence of the alt text about it."""
    row = means.loc[element.key] if element.key in means.index else None
    mean = number(row["mean_rating"]) if row is not None else math.nan
    n_rated = number(row["n_rpbs"]) if row is not None else math.nan
    rated = (
        f"rated by {n_rated:.0f} of {len(RPB_NAMES)} RPBs"
        if math.isfinite(n_rated)
        else "RPBs rating it: unknown"
    )
    if math.isfinite(mean):
        wales = Point(mean, fmt_number(mean, 1))
        wales_text = f"Wales mean {fmt_number(mean, 1)} ({rated})"
    else:
        wales = Point(math.nan, "Wales: not rated by any RPB")
        wales_text = "Wales: not rated by any RPB"
    if rpb is None:
        return ProfileRow(element.label_en, rated, wales), f"{element.label_en}: {wales_text}."
    value = own.get(element.key, math.nan)
    earlier = before.get(element.key, math.nan)
    if math.isfinite(value):
        own_point = Point(value, f"{value:g}")
        own_text = f"{rpb} {value:g} ({_level_name(value)})"
        if math.isfinite(earlier):
            own_text += f", {earlier:g} in {baseline_year}"
    else:
        own_point = Point(math.nan, f"{rpb}: not rated")
        own_text = f"{rpb} not rated"
    profile_row = ProfileRow(element.label_en, rated, wales, own_point, earlier)
    return profile_row, f"{element.label_en}: {own_text}; {wales_text}."


def _legend(
    rpb: str | None, year: int | None, baseline_year: int | None, with_baseline: bool
) -> tuple[LegendEntry, ...]:
    wales = LegendEntry("wales", "Wales mean (of the RPBs that rated the element)")
    if rpb is None:
        return (wales,)
    own = f"{rpb} in {year}" if with_baseline and year is not None else f"{rpb}'s rating"
    entries = [LegendEntry("rpb", own)]
    if with_baseline:
        entries.append(LegendEntry("baseline", f"{rpb} in {baseline_year}"))
    return (*entries, wales)


def _texts(
    rpb: str | None,
    year: int | None,
    legend: tuple[LegendEntry, ...],
    alt_parts: list[str],
    name: str | None,
) -> FigureTexts:
    scope = rpb if rpb is not None else WALES
    cycle = f", {year}" if year is not None else ""
    in_year = f" in {year}" if year is not None else ""
    scale = "1 (basic level), 2 (early progress), 3 (substantial progress) to 4 (embedded)"
    subject = f"{rpb}'s own rating against the Wales mean" if rpb is not None else "the Wales mean"
    return FigureTexts(
        name=name or file_stem("nest_profile", scope),
        title=(
            f"NEST profile{cycle}: {rpb} and the Wales mean"
            if rpb is not None
            else f"NEST profile{cycle}: Wales"
        ),
        alt=(
            f"Dot chart of NEST journey ratings{in_year} for the six core elements, on the "
            f"scale {scale}, showing {subject}. " + " ".join(alt_parts)
        ),
        caption=(
            f"NEST profile{cycle}: journey ratings of the six core elements for {scope}"
            + (" against the Wales mean" if rpb is not None else "")
            + ". Ratings are the RPBs' self-assessments (a census, so no interval applies); "
            "the Wales mean is over the RPBs that rated each element, and an element without "
            "a rating is shown as not rated."
        ),
        xlabel="NEST journey rating (1 = basic level, 4 = embedded)",
        legend=legend,
    )


def profile_spec(
    national_means_current: pd.DataFrame,
    rpb_ratings: pd.DataFrame | Mapping[str, object] | None = None,
    rpb: str | None = None,
    year: int | None = None,
    *,
    baseline_year: int | None = None,
    name: str | None = None,
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

    Returns
    -------
    ProfileSpec
        The rows and texts, with an alt text giving every element's ratings.

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
    rows, alt_parts = [], []
    for element in CORE_ELEMENTS:
        row, alt_part = _element_row(element, means, rpb, own, before, baseline_year)
        rows.append(row)
        alt_parts.append(alt_part)
    legend = _legend(rpb, year, baseline_year, with_baseline=bool(before))
    return ProfileSpec(
        texts=_texts(rpb, year, legend, alt_parts, name),
        rows=tuple(rows),
        levels=tuple((level.level, level.label()) for level in JOURNEY_LEVELS),
    )
