"""The publication's tables first, then the finer counts: breaking a figure down never hides it.

A breakdown splits a count readers already know (the pairs of a measure in Wales, the requests
supported) into groups (age bands, sexes, ...) that add up to it; the paired data rate counts
the children behind the episodes of every measure, which readers can set against each
measure's pairs. Were these decided with the tables, a total split into a few small groups could
only be protected by suppressing the total itself, and with it a row of the tables everyone
reads. So the decision is taken in two stages:

1. the tables without the later ones (breakdowns, paired data:
   :func:`~nest_eval.reporting.disclosure.protect.decide`);
2. everything, with that decision settled (:class:`~.protect.Settled`): only cells of the later
   tables are suppressed to protect what needs it. The breakdown of a count whose groups
   cannot be protected that way (say 3 children with reliable improvement, split 1 and 2
   between two age bands) is withheld: its rows are not published at all, so readers know
   nothing of its groups. Withheld first are the breakdowns whose settled total is too small
   for any suppression of its groups to protect them (:func:`_too_small`); then any the
   decision still finds exposed, one round at a time. A breakdown is withheld in every area
   at once, and a group without anyone keeps its row (its counts 0, never suppressed), so a
   missing row always means a breakdown withheld, never a group of no one.

The audit of the second stage covers every relation, the tables' and the breakdowns', so the
publication as a whole is protected.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import pandas as pd

from nest_eval.config import Disclosure
from nest_eval.reporting.disclosure.cells import CellKey, Cells
from nest_eval.reporting.disclosure.protect import Decision, DisclosureError, Settled, decide
from nest_eval.reporting.disclosure.sources import TableMap

__all__ = ["Staged", "decide_in_stages"]

CellsOf = Callable[[pd.DataFrame | None], tuple[Cells, dict[str, TableMap]]]
"""The publication's cells and table maps, with the given breakdown rows; ``None``: the tables
decided first, without the later ones."""

Family = tuple[CellKey, object]
"""The groups of one dimension of one total: ``(total's key, dimension)``."""

_BREAKDOWNS = "breakdowns"


@dataclass(frozen=True)
class Staged:
    """The publication's decision, taken in two stages.

    Attributes
    ----------
    cells : Cells
        Every count of the publication, breakdowns kept included.
    maps : dict of str to TableMap
        How each table's cells rest on them.
    decision : Decision
        The decision covering every table.
    breakdowns : pandas.DataFrame
        The breakdown rows published (the others are withheld).
    withheld : int
        Breakdown rows withheld.
    """

    cells: Cells
    maps: dict[str, TableMap]
    decision: Decision
    breakdowns: pd.DataFrame
    withheld: int


def _family(key: CellKey) -> Family:
    """The family of a group's cell: its total's key and its dimension."""
    return key[:-2], key[-2]


def _kind(family: Family) -> tuple:
    """A family in every area: its total's key without the area, and its dimension."""
    total, dimension = family
    return (*total[:2], *total[3:], dimension)


def _row_kinds(mapping: TableMap) -> dict[object, set[tuple]]:
    """The kinds of the families of the cells each breakdown row shows."""
    found: dict[object, set[tuple]] = {}
    for (label, _column), key in mapping.counts.items():
        found.setdefault(label, set()).add(_kind(_family(key)))
    return found


def _too_small(cells: Cells, first: Cells, settled: Decision, settings: Disclosure) -> set[Family]:
    """Families whose groups no suppression of groups protects, their total being published.

    With every group suppressed, readers still know the groups add up to the total ``T``, and
    that each of the ``k`` small groups holds at least the least small count ``a``: the other
    groups share ``T - k a``, so each suppressed group can take at most ``T - k a + 1`` values,
    too few when below the protection level.
    """
    low, high = settings.small
    members: dict[Family, list[CellKey]] = {}
    for key in cells.parts:
        members.setdefault(_family(key), []).append(key)
    found = set()
    for family, keys in members.items():
        total = family[0]
        if total not in first.published or total in settled.suppressed:
            continue
        smalls = sum(1 for k in keys if low <= cells.values[k] <= high)
        if smalls and cells.values[total] - smalls * low < settings.protection_level - 1:
            found.add(family)
    return found


def _exposed_families(exposed: Collection[CellKey], cells: Cells) -> set[Family]:
    """The families a cell the decision could not protect is in, or is the total of."""
    found: set[Family] = set()
    for key in exposed:
        if key in cells.parts:
            found.add(_family(key))
        else:
            found |= {f for f in map(_family, cells.parts) if f[0] == key}
    return found


def _without(rows: pd.DataFrame, mapping: TableMap, families: set[Family]) -> pd.DataFrame:
    """The breakdown rows that show no cell of the families' kinds, in any area.

    A breakdown is withheld in every area at once: withheld for one RPB only, its groups
    would be Wales's less the other RPBs'.
    """
    kinds = {_kind(f) for f in families}
    dropped = [label for label, of in _row_kinds(mapping).items() if of & kinds]
    return rows.drop(index=dropped)


def _empty(rows: pd.DataFrame, mapping: TableMap) -> frozenset[CellKey]:
    """The cells of the groups without anyone (``n`` 0): published as 0, never suppressed.

    Suppressing a count of no one protects nothing (readers know a count is at most its
    ``n``), so they are settled as published, as zeros are: unless zeros are suppressed, when
    they are small counts like any other.
    """
    labels = set(rows.index[rows["n"] == 0])
    return frozenset(key for (label, _), key in mapping.counts.items() if label in labels)


def decide_in_stages(
    cells_of: CellsOf, breakdowns: pd.DataFrame, settings: Disclosure, fork: bool = False
) -> Staged:
    """Decide the tables, then their breakdowns with the tables' decision settled.

    Parameters
    ----------
    cells_of : callable
        ``cells_of(breakdown_rows)``: the publication's cells and table maps with those
        breakdown rows; ``cells_of(None)``: those of the tables decided first
        (:func:`nest_eval.reporting.tables.publication_cells`).
    breakdowns : pandas.DataFrame
        Every breakdown row (:func:`nest_eval.domains.breakdowns.year_breakdowns`).
    settings : Disclosure
        The run's disclosure settings.
    fork : bool, default False
        Decide part of each stage in a forked child (:func:`~.protect.decide`).

    Returns
    -------
    Staged

    Raises
    ------
    DisclosureError
        When a cell of the tables cannot be protected (the first stage): nothing may be
        published.
    """
    first, _ = cells_of(None)
    settled = decide(first, settings, fork=fork)
    rows = breakdowns
    cells, maps = cells_of(rows)
    empty: frozenset[CellKey] = frozenset()
    if _BREAKDOWNS in maps:
        empty = _empty(rows, maps[_BREAKDOWNS])
        fewer = _without(rows, maps[_BREAKDOWNS], _too_small(cells, first, settled, settings))
        if len(fewer) != len(rows):  # else the cells are those of the same rows
            cells, maps = cells_of(fewer)
        rows = fewer
    keep = Settled(frozenset(first.values) | empty, settled.suppressed)
    while True:
        try:
            decision = decide(cells, settings, keep, fork)
        except DisclosureError as exc:
            families = _exposed_families(exc.exposed, cells)
            if _BREAKDOWNS not in maps or not families:
                raise
            fewer = _without(rows, maps[_BREAKDOWNS], families)
            if len(fewer) == len(rows):
                raise
            rows = fewer
            cells, maps = cells_of(rows)
            continue
        return Staged(cells, maps, decision, rows, len(breakdowns) - len(rows))
