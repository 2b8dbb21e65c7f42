"""Writing one decision into every table: suppressed counts, and the values resting on them.

A count cell that is suppressed is written with the run's shorthand wherever it appears. A
derived value (share, percentage, mean, median, interval, effect size, funnel point) is written
with it too when any count it rests on is suppressed, when a denominator it rests on is below
the threshold (at any level, Wales included), or when a count it rests on that is not published
(a baseline year's numerator or denominator) is itself small.
"""

from __future__ import annotations

import pandas as pd

from nest_eval.config import Disclosure
from nest_eval.reporting.disclosure.cells import CellKey, Cells
from nest_eval.reporting.disclosure.protect import Decision
from nest_eval.reporting.disclosure.sources import TableMap

__all__ = ["apply_decision", "rounded"]


def rounded(value: int, base: int) -> int:
    """A count rounded to the nearest multiple of ``base`` (halves upwards).

    Examples
    --------
    >>> rounded(12, 5), rounded(13, 5), rounded(0, 5)
    (10, 15, 0)
    """
    return int(base * ((2 * value + base) // (2 * base)))


def _small_and_unpublished(cells: Cells, key: CellKey, settings: Disclosure) -> bool:
    """An RPB's count that is not published (a baseline year's) and is small."""
    if key in cells.published or not cells.below_wales(key):
        return False
    low, high = settings.small
    return low <= cells.values[key] <= high


def _withheld(
    bases: tuple[CellKey, ...],
    denominators: tuple[CellKey, ...],
    cells: Cells,
    decision: Decision,
    settings: Disclosure,
) -> bool:
    suppressed = decision.suppressed
    if any(key in suppressed for key in bases):
        return True
    if any(cells.values[key] < settings.threshold for key in denominators):
        return True
    return any(_small_and_unpublished(cells, key, settings) for key in bases)


def apply_decision(
    table: pd.DataFrame,
    mapping: TableMap,
    cells: Cells,
    decision: Decision,
    settings: Disclosure,
) -> pd.DataFrame:
    """The table as published: suppressed cells in the shorthand, counts rounded if asked.

    Parameters
    ----------
    table : pandas.DataFrame
        The unsuppressed table.
    mapping : TableMap
        How its cells rest on the publication's counts.
    cells : Cells
        The publication's counts.
    decision : Decision
        Which counts are suppressed.
    settings : Disclosure
        Threshold, shorthand and rounding.

    Returns
    -------
    pandas.DataFrame
        A copy; a column with a suppressed cell holds the shorthand there (``object`` dtype).
    """
    out = table.copy()
    hidden: dict[str, list[object]] = {}
    for (label, column), key in mapping.counts.items():
        if key in decision.suppressed:
            hidden.setdefault(column, []).append(label)
        elif settings.rounding:
            out[column] = out[column].astype(object)
            out.loc[label, column] = rounded(cells.values[key], settings.rounding)
    for position, bases in mapping.bases.items():
        denominators = mapping.denominators[position]
        if _withheld(bases, denominators, cells, decision, settings):
            hidden.setdefault(position[1], []).append(position[0])
    for column, labels in hidden.items():
        out[column] = out[column].astype(object)
        out.loc[labels, column] = settings.shorthand
    out.attrs = dict(table.attrs)
    return out
