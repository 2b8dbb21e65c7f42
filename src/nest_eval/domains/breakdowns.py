"""Breakdowns that serve equity: each domain's indicators by age band, sex, deprivation, ...

An indicator for Wales can hide a gap between groups: young adults waiting longer, children
from the most deprived areas improving less, Welsh-language respondents agreeing less. Each
domain's indicators are therefore computed again for each group of each of its dimensions
(:data:`~nest_eval.reference.breakdowns.DOMAIN_DIMENSIONS`: outcomes by age band, sex and WIMD
quintile; experiences by language of response; access by age band, route and service), by the
same code that computes them for everyone (the domain's ``indicator_records``), so a group's
figure means exactly what the total's does.

:func:`breakdown` is the one function that breaks a set of rows down by one dimension;
:func:`year_breakdowns` applies it to every domain and dimension of a reporting year. Groups are
exhaustive (rows without a value form the group ``not_recorded``, rare free text the group
``other``), so a count's groups add up to its total: disclosure control relates them
(:mod:`nest_eval.reporting.disclosure.sources`), and suppresses small groups at Wales level too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from nest_eval.domains import access as _access
from nest_eval.domains import experiences as _experiences
from nest_eval.domains import outcomes as _outcomes
from nest_eval.domains.census import census_date
from nest_eval.domains.intermediates import YearIntermediates
from nest_eval.domains.periods import period_year
from nest_eval.reference.breakdowns import (
    AGE_BANDS,
    DOMAIN_DIMENSIONS,
    NOT_RECORDED,
    OTHER,
    Dimension,
)
from nest_eval.reference.indicators import indicator
from nest_eval.reference.vocabulary import WALES

__all__ = ["BREAKDOWN_COLUMNS", "Summarise", "breakdown", "group_keys", "year_breakdowns"]

BREAKDOWN_COLUMNS = (
    "rpb",
    "domain",
    "indicator",
    "measure",
    "respondent",
    "item",
    "dimension",
    "group",
    "n",
    "count",
    "value",
    "ci_low",
    "ci_high",
)
"""Columns of ``breakdowns.csv``: the area, the indicator (a stable key) and what it is of, the
dimension and group (stable keys), ``n`` (what the value rests on: the indicator's basis),
``count`` (the numerator of a share, or the count itself; blank otherwise), the value and its
95% interval."""

Summarise = Callable[[pd.DataFrame, pd.DataFrame], list[dict[str, object]]]
"""A domain's statistics of one group's rows, given the area's rows (``(group, scope)``)."""

_WHITESPACE = r"\s+"


def _bands(values: pd.Series) -> pd.Series:
    ages = pd.to_numeric(values, errors="coerce").astype("float64")
    whole = np.floor(ages)
    out = pd.Series(NOT_RECORDED, index=values.index, dtype=object)
    for band in AGE_BANDS:
        out[(whole >= band.lowest) & (whole <= band.highest)] = band.key
    outside = ages.notna() & (out == NOT_RECORDED)
    if outside.any():
        raise ValueError(f"ages outside the age bands: {sorted(ages[outside].unique())[:5]}")
    return out


def _listed(values: pd.Series, dimension: Dimension) -> pd.Series:
    """Groups of a vocabulary or of listed whole numbers."""
    present = values.notna()
    if dimension.kind == "levels":
        numbers = pd.to_numeric(values, errors="coerce")
        text = numbers.map(lambda v: str(int(v)) if pd.notna(v) else None, na_action="ignore")
    else:
        text = values.astype(object)
    out = pd.Series(NOT_RECORDED, index=values.index, dtype=object)
    out[present] = text[present].astype(str)
    unknown = set(out) - set(dimension.groups)
    if unknown:
        raise ValueError(f"{dimension.key}: values not in its groups: {sorted(unknown)[:5]}")
    return out


def _text(values: pd.Series, threshold: int, counted: pd.Series) -> pd.Series:
    """Groups of free text: values of at least ``threshold`` counted rows; the rest pooled.

    Values are matched ignoring case and spacing, and each group is named by its most frequent
    spelling (the first in sort order among equals). A value written ``other`` is pooled too.
    """
    text = values.astype("string").str.strip().str.replace(_WHITESPACE, " ", regex=True)
    text = text.where(text != "")
    folded = text.str.casefold()
    seen = pd.DataFrame({"folded": folded[counted], "text": text[counted]}).dropna()
    spellings = seen.value_counts().rename("rows").reset_index()
    spellings = spellings.sort_values(["folded", "rows", "text"], ascending=[True, False, True])
    spelling = spellings.drop_duplicates("folded").set_index("folded")["text"]
    sizes = seen["folded"].value_counts()
    kept = {f for f, size in sizes.items() if size >= threshold and f != OTHER}
    out = pd.Series(OTHER, index=values.index, dtype=object)
    out[folded.isna()] = NOT_RECORDED
    named = folded.isin(kept).fillna(False).astype(bool)
    out[named] = folded[named].map(spelling)
    return out


def group_keys(
    values: pd.Series, dimension: Dimension, threshold: int, counted: pd.Series | None = None
) -> tuple[pd.Series, tuple[str, ...]]:
    """The group of each row in a dimension, and the dimension's groups in display order.

    Parameters
    ----------
    values : pandas.Series
        The dimension's column.
    dimension : Dimension
        The dimension.
    threshold : int
        For free text: the fewest counted rows a value needs to be a group of its own (the
        disclosure threshold); rarer values are pooled as ``other``.
    counted : pandas.Series of bool, optional
        The rows counted for that (the reporting year's); default all.

    Returns
    -------
    groups : pandas.Series of str
        Each row's group key (``not_recorded`` where the value is blank).
    order : tuple of str
        Every group of the dimension, even those without a row: a vocabulary's values, the age
        bands or the levels in order, or the free-text groups in alphabetical order, then
        ``other``; ``not_recorded`` last.

    Raises
    ------
    ValueError
        When a value is none of the dimension's (an age outside the bands, an unknown level).

    Examples
    --------
    >>> from nest_eval.reference.breakdowns import DIMENSIONS
    >>> groups, order = group_keys(pd.Series([17.5, None, 18.0]), DIMENSIONS["age_band"], 10)
    >>> groups.tolist()
    ['age_16_17', 'not_recorded', 'age_18_25']
    """
    if dimension.kind == "bands":
        return _bands(values), dimension.groups
    if dimension.kind != "text":
        return _listed(values, dimension), dimension.groups
    counted = pd.Series(True, index=values.index) if counted is None else counted
    groups = _text(values, threshold, counted.astype(bool))
    named = sorted(set(groups) - {OTHER, NOT_RECORDED}, key=lambda g: (g.casefold(), g))
    return groups, (*named, OTHER, NOT_RECORDED)


def breakdown(
    rows: pd.DataFrame,
    dimension: Dimension,
    summarise: Summarise,
    *,
    threshold: int,
    counted: pd.Series | None = None,
    areas: Sequence[str] = (WALES,),
) -> pd.DataFrame:
    """A domain's indicators for each group of one dimension, in each area.

    Parameters
    ----------
    rows : pandas.DataFrame
        The domain's rows (episodes, responses or requests), with ``rpb`` and the dimension's
        column.
    dimension : Dimension
        What to break down by.
    summarise : Summarise
        The domain's statistics of a group's rows: ``summarise(group, scope)`` with ``scope``
        the area's rows; a list of records with the keys of :data:`BREAKDOWN_COLUMNS` it
        gives (``indicator``, ``n``, ``value``, ...). Called for every group, even one
        without rows.
    threshold : int
        For free text: the fewest counted rows of a group of its own (:func:`group_keys`).
    counted : pandas.Series of bool, optional
        For free text: the rows counted for that.
    areas : sequence of str
        ``Wales`` (every row) and/or RPBs (their rows).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BREAKDOWN_COLUMNS`; per area, the groups in display order.
    """
    groups, order = group_keys(rows[dimension.column], dimension, threshold, counted)
    records: list[dict[str, object]] = []
    for area in areas:
        scope = rows if area == WALES else rows.loc[rows["rpb"] == area]
        of_scope = groups.loc[scope.index]
        for group in order:
            for record in summarise(scope.loc[of_scope == group], scope):
                domain = indicator(str(record["indicator"])).domain
                extra = {"rpb": area, "domain": domain, "dimension": dimension.key, "group": group}
                records.append({**record, **extra})
    table = pd.DataFrame(records, columns=list(BREAKDOWN_COLUMNS))
    table["n"] = table["n"].astype("int64")
    return table


def _outcome_summary(group: pd.DataFrame, scope: pd.DataFrame) -> list[dict[str, object]]:
    """Outcomes of a group, for every measure and respondent with episodes in the area."""
    pairs = scope[["measure", "respondent"]].drop_duplicates()
    measures = sorted(pairs.itertuples(index=False, name=None))
    return _outcomes.indicator_records(group, measures)


def _experience_summary(group: pd.DataFrame, scope: pd.DataFrame) -> list[dict[str, object]]:
    """Experiences of a group (all respondent types)."""
    return _experiences.indicator_records(group)


def year_breakdowns(
    data: Mapping[str, pd.DataFrame],
    intermediates: YearIntermediates,
    threshold: int,
    areas: Sequence[str] = (WALES,),
) -> pd.DataFrame:
    """Every domain's indicators by each of its dimensions, for a reporting year.

    Parameters
    ----------
    data : mapping of str to pandas.DataFrame
        Accepted tables by dataset name.
    intermediates : YearIntermediates
        What the year's tables share (the year, the reporting cohort's reliable change, the
        census date, financial years).
    threshold : int
        The disclosure threshold: free-text values of fewer of the year's rows are pooled.
    areas : sequence of str
        The areas broken down: ``Wales`` (default) and/or RPBs.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BREAKDOWN_COLUMNS`: outcomes of the children whose first assessment on
        a measure fell in the year (age at that assessment, sex and WIMD quintile first
        recorded), experiences of the year's responses (all respondent types), and access for
        the requests received in the year by the census date (those still waiting: not
        supported by the census date).
    """
    year, financial = intermediates.year, intermediates.financial
    frames = []
    cohorts = intermediates.outcomes
    if cohorts is not None and year in cohorts.assessed:
        assessed = cohorts.assessed[year].assign(age=lambda f: f["age0"])
        frames += [
            breakdown(assessed, d, _outcome_summary, threshold=threshold, areas=areas)
            for d in DOMAIN_DIMENSIONS["outcomes"]
        ]
    if "experiences" in data:
        responses = _experiences.with_period(data["experiences"], financial)
        responses = responses.loc[responses["year"] == year]
        frames += [
            breakdown(responses, d, _experience_summary, threshold=threshold, areas=areas)
            for d in DOMAIN_DIMENSIONS["experiences"]
        ]
    if "access" in data:
        frames += _access_breakdowns(data["access"], intermediates, threshold, areas)
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=list(BREAKDOWN_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def _access_breakdowns(
    requests: pd.DataFrame,
    intermediates: YearIntermediates,
    threshold: int,
    areas: Sequence[str],
) -> list[pd.DataFrame]:
    """Access by each of its dimensions: the requests of the period, at the census date.

    The requests are those :func:`~nest_eval.domains.access.access_indicators` counts: received
    in the reporting period on or before the census date (the run's, passed in by
    :func:`~nest_eval.domains.year.compute_year`; by default the last day of the period,
    :func:`~nest_eval.domains.census.census_date`).
    """
    year, financial = intermediates.year, intermediates.financial
    census = intermediates.census
    census = census_date(year, financial=financial) if census is None else census
    in_year = (period_year(requests["received_date"], financial) == year) & (
        requests["received_date"] <= census
    )
    counted = requests.loc[in_year.fillna(False).astype(bool)]

    def summarise(group: pd.DataFrame, scope: pd.DataFrame) -> list[dict[str, object]]:
        return _access.indicator_records(group, census)

    return [
        breakdown(counted, d, summarise, threshold=threshold, areas=areas)
        for d in DOMAIN_DIMENSIONS["access"]
    ]
