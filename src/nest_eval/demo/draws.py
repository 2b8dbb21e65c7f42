"""Random draws shared by the datasets: categories, RPBs and their spellings, dates, identifiers.

Every function draws from the random stream it is given, in a fixed order, so that the same
seed gives the same data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nest_eval.demo.model import UK_DATE_SHARE, YEARS
from nest_eval.reference import vocabulary

__all__ = [
    "choice",
    "dates_between",
    "few_kept",
    "hex_ids",
    "rpb_index",
    "spell_rpbs",
    "uk_mask",
    "year_dates",
    "yearly_rows",
]

_RPBS = vocabulary.RPB_NAMES


def choice(rng: np.random.Generator, weights: Mapping[Any, float], n: int) -> np.ndarray:
    """Draw values with the given weights.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream.
    weights : Mapping
        Each value and its weight (normalised to sum to 1), in draw order.
    n : int
        How many values to draw.

    Returns
    -------
    numpy.ndarray
        ``n`` values (object array).
    """
    values = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return values[rng.choice(len(values), size=n, p=p / p.sum())]


def rpb_index(rng: np.random.Generator, n: int, weights: tuple[float, ...]) -> np.ndarray:
    """Draw RPB indices (into ``vocabulary.RPBS``) with the given weights.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream.
    n : int
        How many to draw.
    weights : tuple of float
        Weight per RPB, in ``vocabulary.RPBS`` order (normalised to sum to 1).

    Returns
    -------
    numpy.ndarray
        ``n`` indices.
    """
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(_RPBS), size=n, p=p / p.sum())


def _rpb_alternatives(rpb: vocabulary.Rpb) -> tuple[str, ...]:
    """Other spellings of an RPB: its aliases and local authorities (not the canonical name)."""
    names = (*rpb.aliases, *rpb.local_authorities)
    return tuple(n for n in dict.fromkeys(names) if n != rpb.name)


def spell_rpbs(rng: np.random.Generator, index: np.ndarray, share: float) -> np.ndarray:
    """Spell RPBs as submissions do: mostly canonical, some an alias or local authority.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream.
    index : numpy.ndarray
        RPB indices (into ``vocabulary.RPBS``).
    share : float
        Probability that a value is spelled as an alias or local authority of its RPB.

    Returns
    -------
    numpy.ndarray
        One spelling per index (object array).
    """
    n = len(index)
    messy = rng.random(n) < share
    pick = rng.random(n)
    out = np.array(_RPBS, dtype=object)[index]
    for i, rpb in enumerate(vocabulary.RPBS):
        alternatives = np.array(_rpb_alternatives(rpb), dtype=object)
        rows = messy & (index == i)
        out[rows] = alternatives[(pick[rows] * len(alternatives)).astype(int)]
    return out


def dates_between(
    rng: np.random.Generator, start: np.datetime64, end: np.datetime64, n: int
) -> np.ndarray:
    """Draw dates uniformly between two dates.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream.
    start, end : numpy.datetime64
        First and last possible date (inclusive).
    n : int
        How many to draw.

    Returns
    -------
    numpy.ndarray
        ``n`` dates (``datetime64[D]``).
    """
    span = int((end - start).astype(int)) + 1
    return start + rng.integers(0, span, size=n).astype("timedelta64[D]")


def year_dates(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """Draw one date uniformly within each given calendar year.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream.
    years : numpy.ndarray
        Calendar years.

    Returns
    -------
    numpy.ndarray
        One date (``datetime64[D]``) per year given.
    """
    starts = (np.asarray(years) - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    lengths = (starts.astype("datetime64[Y]") + 1).astype("datetime64[D]") - starts
    return starts + (rng.random(len(years)) * lengths.astype(int)).astype("timedelta64[D]")


def yearly_rows(
    rng: np.random.Generator, per_year: int, weights: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw rows spread evenly over the years: for each, an RPB and a date within its year.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream.
    per_year : int
        Rows per year of ``YEARS``.
    weights : tuple of float
        Weight per RPB, in ``vocabulary.RPBS`` order.

    Returns
    -------
    year_index, rpb, dates : numpy.ndarray
        Per row, in year order: the index into ``YEARS``, the RPB index and the date.
    """
    year_index = np.repeat(np.arange(len(YEARS)), per_year)
    rpb = rpb_index(rng, len(year_index), weights)
    dates = year_dates(rng, np.asarray(YEARS)[year_index])
    return year_index, rpb, dates


def uk_mask(rng: np.random.Generator, n: int) -> np.ndarray:
    """Draw the rows whose dates are written day-first (``DD/MM/YYYY``) rather than ISO.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream.
    n : int
        Number of rows.

    Returns
    -------
    numpy.ndarray
        Boolean mask, true with probability ``spelling.uk_date_share`` of the model file.
    """
    return rng.random(n) < UK_DATE_SHARE


def hex_ids(rng: np.random.Generator, prefix: str, digits: int, n: int) -> np.ndarray:
    """Draw distinct pseudonymous identifiers: a letter and hex digits.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream.
    prefix : str
        The leading letter.
    digits : int
        Number of hex digits.
    n : int
        How many to draw.

    Returns
    -------
    numpy.ndarray
        ``n`` distinct identifiers (object array).
    """
    values = rng.choice(16**digits, size=n, replace=False)
    return np.char.mod(f"{prefix}%0{digits}x", values).astype(object)


def few_kept(
    rng: np.random.Generator,
    rpb: np.ndarray,
    group: np.ndarray,
    small_rpbs: tuple[tuple[int, int, int], ...],
) -> np.ndarray:
    """Hold some RPBs to a few people per group: the people of the others are all kept.

    For each RPB held (in the order given) and each group where it has people (in group
    order), a number of people is drawn uniformly within the RPB's range and that many of the
    group's people are kept, chosen at random; all of them when the group has fewer.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream (drawn from only when ``small_rpbs`` is not empty).
    rpb : numpy.ndarray
        Per person, the RPB index (into ``vocabulary.RPBS``).
    group : numpy.ndarray
        Per person, a whole-number group (e.g. the year, or measure and cohort).
    small_rpbs : tuple of (int, int, int)
        (RPB index, fewest, most) per RPB held, see
        :meth:`~nest_eval.demo.model.DemoScale.small_rpb_ranges`.

    Returns
    -------
    numpy.ndarray
        Boolean mask of the people kept.
    """
    keep = np.ones(len(rpb), dtype=bool)
    for index, fewest, most in small_rpbs:
        mine = rpb == index
        keep[mine] = False
        for value in np.unique(group[mine]):
            people = np.flatnonzero(mine & (group == value))
            k = min(int(rng.integers(fewest, most + 1)), len(people))
            keep[rng.choice(people, size=k, replace=False)] = True
    return keep
