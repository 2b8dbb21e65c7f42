"""Statistical disclosure control for the published tables: primary and secondary suppression.

Every count of people, responses or requests that the yearly reports publish for a Regional
Partnership Board (RPB) follows the StatsWales conventions:

1. **Primary suppression.** A count from 1 to ``threshold - 1`` (default 10) in a row below
   Wales level is suppressed. Zero is published. Wales-level counts are never suppressed.
2. **Derived statistics.** A percentage, proportion, mean, median, interval or change built on
   fewer than ``threshold`` people is suppressed at every level, Wales included.
3. **Secondary suppression.** No suppressed cell may be recoverable from a relation that is
   published with it: categories adding up to a row total, the seven RPB cells adding up to
   the Wales cell, a sum known from elsewhere, or a percentage with its count and
   denominator. Whenever a relation has exactly one unknown cell and that cell is suppressed,
   its smallest non-zero published RPB cell (first in table order on a tie) is suppressed
   too, and this is repeated until nothing changes; cells solved along the way count as
   known, so chains through rows and columns are caught. A Wales cell is never chosen.
4. A suppressed cell is written ``c`` (:data:`SUPPRESSED`); every other value is unchanged.

:func:`suppress` computes the mask of cells to suppress for any table from its relations
(:class:`LinearGroup` within a row, :class:`Breakdown` down a column); :func:`apply_mask`
writes the ``c``. :func:`control_outcomes_change`, :func:`control_distance_travelled` and
:func:`control_counts_table` build the relations of the published tables, and
:func:`check_no_small_counts` is the last check before publishing.

The suppression is deterministic: the same table gives the same cells every time.

How :func:`suppress` works
--------------------------
A *relation* is a set of cells any one of which the others determine: members and their
total, or a percentage, its count and its denominator. The algorithm:

1. Primary mask (:func:`primary_mask`), closed under ``follows``.
2. Work out what a reader knows: the published cells, then every cell that is the only
   unknown of a relation, repeatedly (this catches chains: a cell solved from its row then
   used in its column).
3. If a suppressed cell is known, suppress in the relation that solved it the published cell
   with the smallest absolute non-zero value among rows below Wales level (the first in
   table order on a tie); if that relation has none, look in the relations that solved its
   other cells. Close under ``follows`` and go back to 2. If there is no cell to choose, the
   suppressed cell cannot be protected: it is reported and counts as known from then on.

Each round adds one suppressed (or reported) cell, so the loop ends; nothing depends on
anything but the table, so the result is deterministic. Zeros are never chosen (suppressing a
zero protects nothing when zeros are structural) and neither are Wales cells. With only
additive relations, step 3 is the rule "a relation with exactly one suppressed cell gets a
second one, the smallest non-zero". Only one relation at a time is solved: a combination of
relations is protected in so far as it is itself given as a relation (as
:func:`control_outcomes_change` does).

What it does not protect
------------------------
- A suppressed cell whose relation has no other cell that can be suppressed (the other RPBs
  are all zero and the Wales cell is published, so Wales = that RPB). It is reported in
  ``attrs["unprotected"]`` with a :class:`DisclosureWarning`; ``zeros_as_last_resort=True``
  suppresses a zero instead, which protects only if readers cannot know the zero is
  structural.
- Solutions that need several relations at once (elimination in a linear system) rather than
  one relation after another, and bounds: a suppressed cell is only protected from exact
  recovery, not narrowed to an interval by non-negativity (the protection intervals of
  Hundepool et al., ch. 4, are not enforced).
- Approximate inference: a Wales mean with published RPB means and counts narrows a
  suppressed mean; interval widths carry information on their ``n`` (intervals are suppressed
  with their ``n``, means are not).
- Consistency between tables: each table is controlled on its own. A count published in two
  tables (``n_pairs`` in ``outcomes_change`` and ``n`` in ``distance_travelled``) may be
  chosen for secondary suppression in one and not the other; the same holds across years.

References
----------
Office for National Statistics / Government Statistical Service (2014). *Disclosure control
guidance for tables produced from administrative sources*. GSS.

StatsWales: the symbol ``c`` marks a value that is confidential (suppressed for disclosure
control).

Hundepool A, Domingo-Ferrer J, Franconi L, Giessing S, Schulte Nordholt E, Spicer K,
de Wolf P-P (2012). *Statistical Disclosure Control*. Wiley. Chapter 4, Magnitude tabular
data, and chapter 5, Frequency tables (primary and secondary cell suppression).
"""

from __future__ import annotations

import warnings
from collections import deque
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from nest_eval.reference.indicators import indicator as _indicator
from nest_eval.reference.vocabulary import RPB_NAMES, WALES

__all__ = [
    "DEFAULT_THRESHOLD",
    "OUTCOMES_CHANGE_COUNTS",
    "SUPPRESSED",
    "Breakdown",
    "DisclosureWarning",
    "LinearGroup",
    "apply_mask",
    "check_no_small_counts",
    "control_access",
    "control_adjusted",
    "control_agreement",
    "control_counts_table",
    "control_distance_travelled",
    "control_funnels",
    "control_outcomes_change",
    "control_training",
    "primary_mask",
    "suppress",
]

SUPPRESSED = "c"
"""The StatsWales shorthand written in place of a suppressed value."""

DEFAULT_THRESHOLD = 10
"""Counts from 1 to ``DEFAULT_THRESHOLD - 1`` below Wales level are suppressed."""

OUTCOMES_CHANGE_COUNTS = (
    "n_pairs",
    "n_unpaired",
    "reliable_improvement",
    "no_reliable_change",
    "reliable_deterioration",
    "reliable_recovery",
    "n_not_assessable",
)
"""The counts of people in ``outcomes_change``."""

_CATEGORIES = ("reliable_improvement", "no_reliable_change", "reliable_deterioration")
_WITH_PERCENTAGE = (*_CATEGORIES, "reliable_recovery")
_OUTCOMES_MEANS = ("mean_change", "smc")
_OUTCOMES_INTERVALS = ("mean_change_ci_low", "mean_change_ci_high", "smc_ci_low", "smc_ci_high")
_INDICATOR_KEYS = ("domain", "indicator", "element", "measure", "respondent", "item")
_NUMERATOR = "_numerator_current"
_ASSESSABLE = "_assessable"
_NUMERATOR_BASELINE = "_numerator_baseline"

_Cell = tuple[int, int]


class DisclosureWarning(UserWarning):
    """A suppressed cell could not be protected by secondary suppression."""


@dataclass(frozen=True, eq=False)
class LinearGroup:
    """A relation between cells of the same row: the members add up to the total.

    Any relation in which each cell is determined by the others can be given this way, for
    example a count, its percentage and the percentage's denominator.

    Attributes
    ----------
    members : tuple of str
        Columns whose values add up to ``total`` in every row.
    total : str or None
        Column holding the sum. ``None`` when the sum is not in the table but a reader knows it
        from elsewhere (for example a denominator recovered from a published percentage).
    rows : pandas.Series of bool, optional
        Rows where the relation holds (aligned with the table's index); every row when omitted.

    Examples
    --------
    >>> LinearGroup(("reliable_improvement", "no_reliable_change"), "n_pairs").total
    'n_pairs'
    """

    members: tuple[str, ...]
    total: str | None = None
    rows: pd.Series | None = None


@dataclass(frozen=True, eq=False)
class Breakdown:
    """An additive relation down columns: rows of a breakdown add up to their total row.

    Within each group of rows sharing ``keys``, the rows whose ``level`` differs from ``total``
    (for example the seven RPBs) add up, column by column, to the row whose ``level`` equals
    ``total`` (``Wales``).

    Attributes
    ----------
    level : str
        Column naming the breakdown, e.g. ``"rpb"``.
    total : object
        Value of ``level`` on the total row, e.g. ``"Wales"``.
    keys : tuple of str
        The other columns that identify an indicator (e.g. ``("measure", "respondent")``).
    columns : tuple of str
        The additive columns.
    rows : pandas.Series of bool, optional
        Rows taking part (aligned with the table's index); every row when omitted.
    total_known : bool
        For a group without a total row: when ``True`` its members still form a relation
        (their sum is known from elsewhere); when ``False`` the group is skipped.
    """

    level: str
    total: object
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    rows: pd.Series | None = None
    total_known: bool = False


def _check_threshold(threshold: int) -> None:
    if int(threshold) != threshold or threshold < 1:
        raise ValueError(f"threshold must be a positive integer, not {threshold!r}")


def _numeric(values: pd.DataFrame) -> np.ndarray:
    """Every column as floats; text columns (and anything not a number) as NaN."""
    out = np.full(values.shape, np.nan)
    for j, col in enumerate(values.columns):
        series = values[col]
        if pd.api.types.is_bool_dtype(series) or not (
            pd.api.types.is_numeric_dtype(series) or series.dtype == object
        ):
            continue
        numbers = pd.to_numeric(series, errors="coerce")
        out[:, j] = numbers.to_numpy(dtype=float, na_value=np.nan)
    return out


def _row_flags(values: pd.DataFrame, rows: pd.Series | None, default: bool) -> np.ndarray:
    if rows is None:
        return np.full(len(values), default)
    aligned = rows.reindex(values.index)
    if aligned.isna().any():
        raise ValueError("row flags must cover every row of the table")
    return aligned.to_numpy(dtype=bool)


def _aligned_numbers(values: pd.DataFrame, base: str | pd.Series) -> np.ndarray:
    series = values[base] if isinstance(base, str) else base.reindex(values.index)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _count_cells(values: pd.DataFrame, counts: Sequence[str] | pd.DataFrame) -> np.ndarray:
    """Flags of the count cells: whole count columns, or the cells a boolean frame marks."""
    if not isinstance(counts, pd.DataFrame):
        return _column_cells(values, counts)
    cells = np.zeros(values.shape, dtype=bool)
    for col in counts.columns:
        flags = counts[col].reindex(values.index, fill_value=False)
        cells[:, values.columns.get_loc(col)] = flags.to_numpy(dtype=bool)
    return cells


def _column_cells(values: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Flags of the cells of the table that are in the given columns."""
    cells = np.zeros(values.shape, dtype=bool)
    for col in columns:
        cells[:, values.columns.get_loc(col)] = True
    return cells


def _check_index(values: pd.DataFrame) -> None:
    if not values.index.is_unique:
        raise ValueError("the table's index must be unique")


def primary_mask(
    values: pd.DataFrame,
    counts: Sequence[str] | pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    below_wales: pd.Series | None = None,
    bases: Mapping[str, str | pd.Series] | None = None,
) -> pd.DataFrame:
    """Cells suppressed by the primary rules: small counts and statistics on few people.

    Parameters
    ----------
    values : pandas.DataFrame
        The table (with a unique index).
    counts : sequence of str or pandas.DataFrame of bool
        Columns holding counts of people, responses or requests; or a boolean frame marking
        the count cells one by one (when a column holds counts only in some rows).
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed below Wales level.
    below_wales : pandas.Series of bool, optional
        Rows below Wales level (one of the seven RPBs); every row when omitted.
    bases : mapping of str to str or pandas.Series, optional
        For each derived column (percentage, mean, interval, change), the number of people it
        is built on: a column name or a Series aligned with ``values``. A non-missing derived
        value is suppressed at every level, Wales included, when its base is below
        ``threshold``; a missing base suppresses nothing.

    Returns
    -------
    pandas.DataFrame of bool
        Same index and columns as ``values``; ``True`` marks a cell to suppress.

    References
    ----------
    Office for National Statistics / GSS (2014). *Disclosure control guidance for tables
    produced from administrative sources*.

    Examples
    --------
    >>> table = pd.DataFrame({"n": [3, 0, 12, 15], "mean": [1.0, None, 2.0, 1.5]})
    >>> below = pd.Series([True, True, True, False])
    >>> primary_mask(table, ["n"], 10, below, {"mean": "n"})
           n   mean
    0   True   True
    1  False  False
    2  False  False
    3  False  False
    """
    _check_threshold(threshold)
    _check_index(values)
    numbers = _numeric(values)
    rows = _row_flags(values, below_wales, True)
    with np.errstate(invalid="ignore"):
        small = (numbers > 0) & (numbers < threshold)
    mask = _count_cells(values, counts) & small & rows[:, None]
    for col, base in (bases or {}).items():
        j = values.columns.get_loc(col)
        people = _aligned_numbers(values, base)
        with np.errstate(invalid="ignore"):
            mask[:, j] |= ~np.isnan(numbers[:, j]) & (people < threshold)
    return pd.DataFrame(mask, index=values.index, columns=values.columns)


def _group_relations(values: pd.DataFrame, group: LinearGroup) -> list[tuple[_Cell, ...]]:
    columns = [*group.members, *(() if group.total is None else (group.total,))]
    positions = sorted(values.columns.get_loc(c) for c in columns)
    rows = np.flatnonzero(_row_flags(values, group.rows, True))
    return [tuple((int(i), j) for j in positions) for i in rows]


def _breakdown_relations(values: pd.DataFrame, breakdown: Breakdown) -> list[tuple[_Cell, ...]]:
    positions = np.flatnonzero(_row_flags(values, breakdown.rows, True))
    frame = values.iloc[positions]
    is_total = (frame[breakdown.level] == breakdown.total).to_numpy(dtype=bool)
    keys = [k for k in breakdown.keys if k != breakdown.level]
    if keys:
        groups = frame.groupby(keys, dropna=False, sort=False).indices.values()
    else:
        groups = [np.arange(len(frame))]
    columns = [values.columns.get_loc(c) for c in breakdown.columns]
    relations = []
    for local in groups:
        local = np.sort(np.asarray(local))
        totals = local[is_total[local]]
        if len(totals) > 1:
            raise ValueError(
                f"more than one {breakdown.level} = {breakdown.total!r} row for one indicator"
            )
        if len(totals) == 0 and not breakdown.total_known:
            continue
        rows = positions[local]
        for j in columns:
            relations.append(tuple((int(i), j) for i in rows))
    return relations


def _link_relations(
    values: pd.DataFrame, links: Sequence[Sequence[tuple[Hashable, str]]]
) -> list[tuple[_Cell, ...]]:
    relations = []
    for link in links:
        cells = {(values.index.get_loc(label), values.columns.get_loc(col)) for label, col in link}
        relations.append(tuple(sorted(cells)))
    return relations


def _closure(
    known: np.ndarray, relations: Sequence[tuple[int, ...]], by_cell: Mapping[int, list[int]]
) -> dict[int, int]:
    """Solve relations with one unknown until none is left; return cell -> solving relation.

    ``known`` (flat, one flag per cell) is updated in place.
    """
    unknown = [sum(not known[c] for c in relation) for relation in relations]
    queue = deque(k for k, u in enumerate(unknown) if u == 1)
    solved_by: dict[int, int] = {}
    while queue:
        k = queue.popleft()
        if unknown[k] != 1:
            continue
        cell = next(c for c in relations[k] if not known[c])
        known[cell] = True
        solved_by[cell] = k
        for other in by_cell[cell]:
            unknown[other] -= 1
            if unknown[other] == 1:
                queue.append(other)
    return solved_by


def _secondary(
    numbers: np.ndarray,
    mask: np.ndarray,
    hidden: np.ndarray,
    relations: Sequence[tuple[_Cell, ...]],
    eligible: np.ndarray,
    follows: Sequence[tuple[int, int]],
    fallback: np.ndarray | None = None,
) -> tuple[np.ndarray, list[_Cell]]:
    """Suppress further cells until no suppressed cell can be solved from the relations.

    Steps 2 and 3 of the algorithm in the module docstring, on flat cell numbers.
    ``fallback`` marks cells (zeros) to choose when no eligible cell can protect a suppressed
    one. Returns the mask and the suppressed cells that could not be protected.
    """
    width = mask.shape[1]
    flat_relations = [tuple(i * width + j for i, j in relation) for relation in relations]
    by_cell: dict[int, list[int]] = {}
    for k, relation in enumerate(flat_relations):
        for c in relation:
            by_cell.setdefault(c, []).append(k)
    values = np.abs(numbers).ravel()
    usable = eligible.ravel()
    mask = mask.copy()
    accepted = np.zeros(mask.size, dtype=bool)
    while True:
        _close_follows(mask, eligible, follows)
        flat = mask.ravel()
        published = ~flat & ~hidden.ravel()
        known = published | accepted
        solved_by = _closure(known, flat_relations, by_cell)
        # The first suppressed cell solved: solved from published cells where possible.
        cell = next((c for c in solved_by if flat[c] and not accepted[c]), None)
        if cell is None:
            break
        candidates = _candidates(cell, solved_by, flat_relations, published & usable)
        if not candidates and fallback is not None:
            candidates = _candidates(cell, solved_by, flat_relations, published & fallback.ravel())
        if candidates:
            best = min(candidates, key=lambda c: (values[c], c))
            mask[divmod(best, width)] = True
        else:
            accepted[cell] = True
    return mask, [divmod(int(c), width) for c in np.flatnonzero(accepted)]


def _close_follows(
    mask: np.ndarray, eligible: np.ndarray, follows: Sequence[tuple[int, int]]
) -> None:
    changed = bool(follows)
    while changed:
        changed = False
        for follower, leader in follows:
            new = mask[:, leader] & ~mask[:, follower] & eligible[:, follower]
            if new.any():
                mask[new, follower] = True
                changed = True


def _candidates(
    cell: int,
    solved_by: Mapping[int, int],
    relations: Sequence[tuple[int, ...]],
    choosable: np.ndarray,
) -> list[int]:
    """Published cells whose suppression breaks the solution of ``cell``.

    First the cells of the relation that solves it; when none can be chosen there, the cells
    of the relations that solved its other (derived) cells, and so on outwards.
    """
    frontier, seen = [solved_by[cell]], {solved_by[cell]}
    while frontier:
        cells = [c for k in frontier for c in relations[k] if c != cell]
        found = [c for c in cells if choosable[c]]
        if found:
            return found
        frontier = []
        for c in cells:
            k = solved_by.get(c)
            if k is not None and k not in seen:
                seen.add(k)
                frontier.append(k)
    return []


def suppress(
    values: pd.DataFrame,
    counts: Sequence[str] | pd.DataFrame,
    groups: Sequence[LinearGroup] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    below_wales: pd.Series | None = None,
    *,
    breakdowns: Sequence[Breakdown] = (),
    bases: Mapping[str, str | pd.Series] | None = None,
    follows: Sequence[tuple[str, str]] = (),
    links: Sequence[Sequence[tuple[Hashable, str]]] = (),
    hidden: Sequence[str] = (),
    zeros_as_last_resort: bool = False,
) -> pd.DataFrame:
    """The cells of a table to suppress: primary suppression, then secondary until safe.

    Parameters
    ----------
    values : pandas.DataFrame
        The table (unique index). Text columns are ignored except as keys.
    counts : sequence of str or pandas.DataFrame of bool
        Count columns (or count cells), as in :func:`primary_mask`.
    groups : sequence of LinearGroup, optional
        Relations within a row (categories adding up to a row total).
    threshold : int
        Primary suppression threshold.
    below_wales : pandas.Series of bool, optional
        Rows below Wales level; every row when omitted. Only these rows are suppressed for
        small counts and only their cells are chosen for secondary suppression.
    breakdowns : sequence of Breakdown
        Additive relations down columns (seven RPB cells adding up to the Wales cell).
    bases : mapping of str to str or pandas.Series, optional
        Number of people each derived column is built on, as in :func:`primary_mask`.
    follows : sequence of (str, str)
        Pairs ``(follower, leader)``: in a row below Wales level, a non-zero ``follower`` is
        suppressed whenever ``leader`` is, because it would reveal it or narrow it down (a
        percentage and its count, a subset and its set, an interval and its estimate).
    links : sequence of sequences of (label, str)
        Further relations given cell by cell as ``(index label, column)``; two equal cells
        form a relation of two.
    hidden : sequence of str
        Columns that are not published but take part in relations (a denominator a reader
        can work out from published percentages). They start unknown, may become known
        through the relations, and are not suppressed or protected themselves.
    zeros_as_last_resort : bool
        When a suppressed cell cannot be protected by a non-zero cell (every other cell of its
        relation is zero or Wales-level), suppress a zero cell below Wales level (the first in
        table order) instead of reporting it. Off by default: a zero that a reader knows to
        be structural protects nothing.

    Returns
    -------
    pandas.DataFrame of bool
        Same index and columns as ``values``; ``True`` marks a cell to suppress. ``attrs``
        holds ``unprotected``: the ``(index label, column)`` of suppressed cells that a reader
        can still solve because every other cell of the relation is zero, Wales-level or
        missing (a :class:`DisclosureWarning` is issued when there are any).

    References
    ----------
    Hundepool A et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4 (primary and
    secondary cell suppression).

    Office for National Statistics / GSS (2014). *Disclosure control guidance for tables
    produced from administrative sources*.

    Examples
    --------
    >>> table = pd.DataFrame({"a": [3, 20, 23], "b": [12, 15, 27], "total": [15, 35, 50]})
    >>> below = pd.Series([True, True, False])
    >>> mask = suppress(table, ["a", "b", "total"], [LinearGroup(("a", "b"), "total")], 10, below)
    >>> mask.to_numpy().astype(int).tolist()
    [[1, 1, 0], [0, 0, 0], [0, 0, 0]]
    """
    primary = primary_mask(values, counts, threshold, below_wales, bases)
    relations = _table_relations(values, groups or (), breakdowns, links)
    return _protected_mask(
        values, primary, relations, below_wales, follows, hidden, zeros_as_last_resort
    )


def _table_relations(
    values: pd.DataFrame,
    groups: Sequence[LinearGroup],
    breakdowns: Sequence[Breakdown],
    links: Sequence[Sequence[tuple[Hashable, str]]],
) -> list[tuple[_Cell, ...]]:
    """Every relation of the table (within rows, down columns, cell by cell) as its cells."""
    relations: list[tuple[_Cell, ...]] = []
    for group in groups:
        relations += _group_relations(values, group)
    for breakdown in breakdowns:
        relations += _breakdown_relations(values, breakdown)
    relations += _link_relations(values, links)
    return relations


def _protected_mask(
    values: pd.DataFrame,
    primary: pd.DataFrame,
    relations: Sequence[tuple[_Cell, ...]],
    below_wales: pd.Series | None,
    follows: Sequence[tuple[str, str]],
    hidden: Sequence[str],
    zeros_as_last_resort: bool,
) -> pd.DataFrame:
    """The primary mask with the cells secondary suppression adds to protect it.

    Only non-zero numbers below Wales level (and, with ``zeros_as_last_resort``, zeros there)
    are chosen; hidden columns are never suppressed. ``attrs["unprotected"]`` lists the cells
    that could not be protected, and a :class:`DisclosureWarning` names them (issued for the
    caller of :func:`suppress`, the only caller of this function).
    """
    numbers = _numeric(values)
    rows = _row_flags(values, below_wales, True)
    hidden_cells = _column_cells(values, hidden)
    eligible = rows[:, None] & ~np.isnan(numbers) & (numbers != 0) & ~hidden_cells
    pairs = [(values.columns.get_loc(f), values.columns.get_loc(lead)) for f, lead in follows]
    start = primary.to_numpy() & ~hidden_cells
    fallback = None
    if zeros_as_last_resort:
        fallback = rows[:, None] & (numbers == 0) & ~hidden_cells
    mask, solved = _secondary(numbers, start, hidden_cells, relations, eligible, pairs, fallback)
    out = pd.DataFrame(mask, index=values.index, columns=values.columns)
    unprotected = [(values.index[i], str(values.columns[j])) for i, j in solved]
    out.attrs["unprotected"] = unprotected
    if unprotected:
        warnings.warn(
            f"{len(unprotected)} suppressed cell(s) can be recovered because every other cell "
            f"of a relation is published and cannot be suppressed: {unprotected}",
            DisclosureWarning,
            stacklevel=3,
        )
    return out


def apply_mask(table: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """Write :data:`SUPPRESSED` (``"c"``) in the masked cells; other values are unchanged.

    Parameters
    ----------
    table : pandas.DataFrame
        The table to publish.
    mask : pandas.DataFrame of bool
        Cells to suppress, with the same index as ``table`` and columns among its columns.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table``; a column with a suppressed cell becomes ``object`` dtype and
        holds ``"c"`` there. ``attrs`` are kept.

    Examples
    --------
    >>> table = pd.DataFrame({"rpb": ["A", "B"], "n": [3, 12]})
    >>> apply_mask(table, pd.DataFrame({"n": [True, False]}))
      rpb   n
    0   A   c
    1   B  12
    """
    if not mask.index.equals(table.index):
        raise ValueError("the mask must have the same index as the table")
    missing = [c for c in mask.columns if c not in table.columns]
    if missing:
        raise ValueError(f"mask columns not in the table: {missing}")
    out = table.copy()
    for col in mask.columns[mask.any().to_numpy()]:
        out[col] = out[col].astype(object).mask(mask[col].to_numpy(dtype=bool), SUPPRESSED)
    out.attrs = dict(table.attrs)
    return out


def _published(table: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    out = apply_mask(table, mask[[c for c in mask.columns if c in table.columns]])
    out.attrs["unprotected"] = [u for u in mask.attrs["unprotected"] if u[1] in table.columns]
    return out


def control_outcomes_change(
    table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, *, zeros_as_last_resort: bool = False
) -> pd.DataFrame:
    """Disclosure control of the ``outcomes_change`` table.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`nest_eval.domains.distance.outcomes_change`.
    threshold : int
        Primary suppression threshold.
    zeros_as_last_resort : bool
        As in :func:`suppress`.

    Returns
    -------
    pandas.DataFrame
        The table with suppressed cells written ``c``; ``attrs["unprotected"]`` as in
        :func:`suppress`.

    Notes
    -----
    - Counts (:data:`OUTCOMES_CHANGE_COUNTS`) are suppressed from 1 to ``threshold - 1`` in
      RPB rows.
    - ``mean_change``, ``smc`` and their intervals are suppressed when ``n_pairs`` is below
      ``threshold``; the ``pct_*`` columns when the assessable pairs (improvement + no change
      + deterioration) are.
    - Row relation: ``n_pairs = reliable_improvement + no_reliable_change +
      reliable_deterioration + n_not_assessable``.
    - The assessable pairs are not published, but a reader gets them from a published
      percentage and its count, or from ``n_pairs - n_not_assessable``. They enter the
      relations as a hidden cell: the three categories add up to them, and with
      ``n_not_assessable`` they add up to ``n_pairs``; a count, its percentage and the
      assessable pairs determine each other; the three percentages add up to 100. So a
      percentage is suppressed with its count whenever the assessable pairs are known.
    - ``reliable_recovery`` is a subset of ``reliable_improvement``: published next to a
      suppressed improvement count it would give a lower bound that, with the row total, can
      narrow the other suppressed categories, so it is suppressed with it (unless zero).
    - Intervals are suppressed with ``n_pairs``: their width with the standardised mean change
      gives the number of pairs back.
    - Column relations: within each ``measure`` and ``respondent`` with a Wales row, the
      seven RPB cells of every count add up to the Wales cell.

    References
    ----------
    Office for National Statistics / GSS (2014). *Disclosure control guidance for tables
    produced from administrative sources*.

    Hundepool A et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4.
    """
    _check_threshold(threshold)
    if table.empty:
        return _nothing_to_control(table)
    below = table["rpb"].isin(RPB_NAMES)
    values = table.copy()
    values[_ASSESSABLE] = (
        values[list(_CATEGORIES)].apply(pd.to_numeric, errors="coerce").sum(axis=1)
    )
    breakdown = Breakdown("rpb", WALES, ("measure", "respondent"), OUTCOMES_CHANGE_COUNTS)
    follows = [("reliable_recovery", "reliable_improvement")]
    follows += [(c, "n_pairs") for c in _OUTCOMES_INTERVALS]
    mask = suppress(
        values,
        OUTCOMES_CHANGE_COUNTS,
        _outcomes_change_groups(values),
        threshold,
        below,
        breakdowns=[breakdown],
        bases=_outcomes_change_bases(),
        follows=follows,
        hidden=[_ASSESSABLE],
        zeros_as_last_resort=zeros_as_last_resort,
    )
    return _published(table, mask)


def _nothing_to_control(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of an empty table, as published: no cell to suppress, none unprotected."""
    out = table.copy()
    out.attrs["unprotected"] = []
    return out


def _outcomes_change_groups(values: pd.DataFrame) -> list[LinearGroup]:
    """Row relations of ``outcomes_change``: categories, assessable pairs and percentages.

    ``values`` carries the (hidden) assessable pairs in the column ``_ASSESSABLE``.
    """
    return [
        LinearGroup((*_CATEGORIES, "n_not_assessable"), "n_pairs"),
        LinearGroup(_CATEGORIES, _ASSESSABLE),
        LinearGroup((_ASSESSABLE, "n_not_assessable"), "n_pairs"),
        LinearGroup(tuple(f"pct_{c}" for c in _CATEGORIES), None, rows=values[_ASSESSABLE] > 0),
        *(
            LinearGroup((c, f"pct_{c}"), _ASSESSABLE, rows=pd.to_numeric(values[c]) != 0)
            for c in _WITH_PERCENTAGE
        ),
    ]


def _outcomes_change_bases() -> dict[str, str | pd.Series]:
    """The count each derived column of ``outcomes_change`` rests on."""
    bases: dict[str, str | pd.Series] = dict.fromkeys(
        (*_OUTCOMES_MEANS, *_OUTCOMES_INTERVALS), "n_pairs"
    )
    bases.update(dict.fromkeys((f"pct_{c}" for c in _WITH_PERCENTAGE), _ASSESSABLE))
    return bases


def _twin_links(table: pd.DataFrame, rows: pd.Series) -> list[list[tuple[Hashable, str]]]:
    """Equal ``n`` cells of one RPB and domain: one would give the other away."""
    links = []
    subset = table.loc[rows & table["n"].notna(), ["rpb", "domain", "n"]]
    for _, group in subset.groupby(["rpb", "domain", "n"], sort=False):
        labels = list(group.index)
        links += [[(a, "n"), (b, "n")] for a, b in pairwise(labels)]
    return links


def control_distance_travelled(
    table: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    n_baseline: pd.Series | None = None,
    *,
    zeros_as_last_resort: bool = False,
) -> pd.DataFrame:
    """Disclosure control of the ``distance_travelled`` table.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`nest_eval.domains.distance.distance_travelled`.
    threshold : int
        Primary suppression threshold.
    n_baseline : pandas.Series, optional
        The number of people, responses or requests behind each row's baseline value (same
        index as ``table``). The table carries only the reporting year's ``n``, so without it
        a baseline built on few people cannot be seen and is published.
    zeros_as_last_resort : bool
        As in :func:`suppress`.

    Returns
    -------
    pandas.DataFrame
        The table with suppressed cells written ``c``; ``attrs["unprotected"]`` as in
        :func:`suppress`.

    Notes
    -----
    - What each row's ``n`` counts is its indicator's basis (``indicators.toml``): counts of
      people, responses or requests are suppressed from 1 to ``threshold - 1`` in RPB rows;
      counts of elements or RPBs (journey ratings) are not controlled.
    - ``baseline``, ``current``, ``change``, ``ci_low`` and ``ci_high`` are suppressed when
      ``n`` is below ``threshold``; ``baseline``, ``change`` and the interval also when
      ``n_baseline`` is.
    - An indicator whose unit is itself such a count (requests still waiting): its ``baseline`` and
      ``current`` are suppressed from 1 to ``threshold - 1`` in RPB rows and add up over the
      RPBs to Wales, as does ``change``. The change is not suppressed for being small (a
      difference is not a count of people); the row relation
      ``current = baseline + change`` suppresses it when it would reveal a suppressed count.
    - A share times its ``n`` is a count of people: the implied numerator of every indicator
      whose unit is a share (``current`` times ``n``, and ``baseline`` times ``n_baseline``
      when given) is controlled like a count, adds up over the RPBs to Wales, and the share is
      suppressed with it.
    - ``n`` adds up over the RPBs to Wales for each indicator; equal ``n`` cells of one RPB
      and domain (indicators on the same people) are suppressed together. Intervals are
      suppressed with their ``n``.

    References
    ----------
    Office for National Statistics / GSS (2014). *Disclosure control guidance for tables
    produced from administrative sources*.

    Hundepool A et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4.
    """
    _check_threshold(threshold)
    if table.empty:
        return _nothing_to_control(table)
    below = table["rpb"].isin(RPB_NAMES)
    rows = _DistanceRows.of(table)
    n = pd.to_numeric(table["n"], errors="coerce").astype(float)
    values, numerators, n_then = _with_share_numerators(table, n, n_baseline, rows.share)
    mask = suppress(
        values,
        rows.count_cells(numerators),
        [LinearGroup(("baseline", "change"), "current")],
        threshold,
        below,
        breakdowns=rows.breakdowns(numerators),
        bases=rows.bases(n, n_then),
        follows=_distance_follows(with_baseline=n_baseline is not None),
        links=_twin_links(table, below & rows.people),
        zeros_as_last_resort=zeros_as_last_resort,
    )
    return _published(table, mask)


@dataclass(frozen=True, eq=False)
class _DistanceRows:
    """Rows of ``distance_travelled`` by what their figures count, from their indicators.

    ``people``: ``n`` counts people, responses or requests (the indicator's basis);
    ``waiting``: the unit itself is such a count (baseline, current and change are counts);
    ``share``: the unit is a share of people, so the share times ``n`` is a count.
    """

    people: pd.Series
    waiting: pd.Series
    share: pd.Series

    @classmethod
    def of(cls, table: pd.DataFrame) -> _DistanceRows:
        """The rows of each kind, looked up in the indicators catalogue."""
        found = {key: _indicator(key) for key in table["indicator"].unique()}
        indicators = table["indicator"]
        people = indicators.map(lambda k: found[k].basis.is_disclosive_count).astype(bool)
        waiting = indicators.map(lambda k: found[k].unit.is_disclosive_count).astype(bool)
        share = people & indicators.map(lambda k: found[k].unit.is_share).astype(bool)
        return cls(people, waiting, share)

    def count_cells(self, numerators: Sequence[str]) -> pd.DataFrame:
        """The count cells: ``n`` of people, waiting counts, and the shares' numerators."""
        return pd.DataFrame(
            {
                "n": self.people,
                "baseline": self.waiting,
                "current": self.waiting,
                **dict.fromkeys(numerators, self.share),
            },
            index=self.people.index,
        )

    def bases(self, n: pd.Series, n_then: pd.Series) -> dict[str, str | pd.Series]:
        """The people each value rests on: ``n`` for ``current``, n then for the others."""
        bases: dict[str, str | pd.Series] = {"current": n.where(self.people)}
        changes = ("baseline", "change", "ci_low", "ci_high")
        bases.update(dict.fromkeys(changes, n_then.where(self.people)))
        return bases

    def breakdowns(self, numerators: Sequence[str]) -> list[Breakdown]:
        """The counts of each kind add up over the RPBs to Wales, indicator by indicator."""
        keys = _INDICATOR_KEYS
        return [
            Breakdown("rpb", WALES, keys, ("n",), rows=self.people),
            Breakdown("rpb", WALES, keys, ("baseline", "current", "change"), rows=self.waiting),
            Breakdown("rpb", WALES, keys, tuple(numerators), rows=self.share),
        ]


def _with_share_numerators(
    table: pd.DataFrame, n: pd.Series, n_baseline: pd.Series | None, share: pd.Series
) -> tuple[pd.DataFrame, list[str], pd.Series]:
    """The table with the implied numerator of each share, the numerator columns, and n then.

    The numerators are ``current`` times ``n`` and, when ``n_baseline`` is given, ``baseline``
    times ``n_baseline``, in share rows only. *n then* is the number of people the baseline
    and the change rest on: the smaller of ``n`` and ``n_baseline`` (``n`` without it).
    """
    values = table.copy()
    values[_NUMERATOR] = (values["current"].astype(float) * n).round().where(share)
    numerators = [_NUMERATOR]
    n_then = n
    if n_baseline is not None:
        then = pd.to_numeric(n_baseline.reindex(table.index), errors="coerce").astype(float)
        n_then = pd.concat([n, then], axis=1).min(axis=1)
        values[_NUMERATOR_BASELINE] = (values["baseline"].astype(float) * then).round().where(share)
        numerators.append(_NUMERATOR_BASELINE)
    return values, numerators, n_then


def _distance_follows(*, with_baseline: bool) -> list[tuple[str, str]]:
    """Cells of ``distance_travelled`` suppressed with another: intervals, shares, numerators."""
    follows = [(c, lead) for c in ("ci_low", "ci_high") for lead in ("change", "n")]
    follows += [("current", _NUMERATOR), (_NUMERATOR, "current"), (_NUMERATOR, "n")]
    if with_baseline:
        follows += [("baseline", _NUMERATOR_BASELINE), (_NUMERATOR_BASELINE, "baseline")]
    return follows


def control_counts_table(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    rpb_column: str = "rpb",
    key_columns: Sequence[str] = (),
    row_total: LinearGroup | tuple[Sequence[str], str] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    derived: Mapping[str, str] | None = None,
    follows: Sequence[tuple[str, str]] = (),
    breakdowns: Mapping[str, object] | None = None,
    wales_total_known: bool = True,
    zeros_as_last_resort: bool = False,
) -> pd.DataFrame:
    """Disclosure control of any other published table of counts per RPB.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per RPB (and optionally ``Wales``) and indicator.
    count_columns : sequence of str
        Counts of people, responses or requests; each adds up over the RPBs to Wales.
    rpb_column : str
        Column naming the RPB (``"unit"`` for :func:`nest_eval.stats.funnel.funnel_table`).
    key_columns : sequence of str
        Other columns identifying an indicator (e.g. ``("respondent_type", "item")``).
    row_total : LinearGroup or (sequence of str, str), optional
        Count columns adding up to a total column in every row.
    threshold : int
        Primary suppression threshold.
    derived : mapping of str to str, optional
        Derived column (proportion, share, interval, limit, z-score) to the count column of
        people it is built on. It is suppressed when that count is below ``threshold`` (at any
        level) and, in RPB rows, whenever that count is suppressed.
    follows : sequence of (str, str)
        Further ``(follower, leader)`` pairs as in :func:`suppress`, e.g.
        ``("share", "n_agree")``: a share published with its denominator gives its numerator.
    breakdowns : mapping of str to object, optional
        Further breakdowns adding up to a total row, as ``{column: total value}``, e.g.
        ``{"respondent_type": "all"}``.
    wales_total_known : bool
        When an indicator has no Wales row, treat the sum over its RPBs as known from
        elsewhere (a Wales figure published in another table, or a pooled proportion).
    zeros_as_last_resort : bool
        As in :func:`suppress`.

    Returns
    -------
    pandas.DataFrame
        The table with suppressed cells written ``c``; ``attrs["unprotected"]`` as in
        :func:`suppress`.

    See Also
    --------
    control_agreement, control_access, control_funnels, control_adjusted : Examples of use.

    References
    ----------
    Office for National Statistics / GSS (2014). *Disclosure control guidance for tables
    produced from administrative sources*.

    Hundepool A et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4.
    """
    _check_threshold(threshold)
    below = table[rpb_column].isin(RPB_NAMES)
    counts = tuple(count_columns)
    relations = _count_breakdowns(rpb_column, key_columns, counts, breakdowns, wales_total_known)
    derived = dict(derived or {})
    mask = suppress(
        table,
        counts,
        _row_total_groups(row_total),
        threshold,
        below,
        breakdowns=relations,
        bases=derived,
        follows=[*derived.items(), *follows],
        zeros_as_last_resort=zeros_as_last_resort,
    )
    return _published(table, mask)


def _row_total_groups(
    row_total: LinearGroup | tuple[Sequence[str], str] | None,
) -> list[LinearGroup]:
    """The row relation given to :func:`control_counts_table`, as a list of groups."""
    if row_total is None:
        return []
    if isinstance(row_total, LinearGroup):
        return [row_total]
    return [LinearGroup(tuple(row_total[0]), row_total[1])]


def _count_breakdowns(
    rpb_column: str,
    key_columns: Sequence[str],
    counts: tuple[str, ...],
    breakdowns: Mapping[str, object] | None,
    wales_total_known: bool,
) -> list[Breakdown]:
    """The counts add up over the RPBs to Wales, and over each further breakdown to its total."""
    keys = tuple(key_columns)
    return [
        Breakdown(rpb_column, WALES, keys, counts, total_known=wales_total_known),
        *(
            Breakdown(level, total, (rpb_column, *keys), counts)
            for level, total in (breakdowns or {}).items()
        ),
    ]


def check_no_small_counts(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    threshold: int = DEFAULT_THRESHOLD,
    rpb_column: str = "rpb",
) -> list[str]:
    """Small counts left unsuppressed in RPB rows: the last check before publishing.

    Parameters
    ----------
    table : pandas.DataFrame
        A table as published (suppressed cells ``c``). Pass only the rows whose
        ``count_columns`` hold counts of people (e.g. leave out the ``implementation`` rows of
        ``distance_travelled``).
    count_columns : sequence of str
        Columns of counts.
    threshold : int
        Counts from 1 to ``threshold - 1`` are violations.
    rpb_column : str
        Column naming the RPB; rows at Wales level are not checked.

    Returns
    -------
    list of str
        One message per violation; empty when the table is safe to publish.

    Examples
    --------
    >>> table = pd.DataFrame({"rpb": ["Powys", "Gwent", "Wales"], "n": ["c", 4, 7]})
    >>> check_no_small_counts(table, ["n"])
    ['row 1 (Gwent): n = 4 is below 10 and not suppressed']
    """
    _check_threshold(threshold)
    problems = []
    below = table[rpb_column].isin(RPB_NAMES).to_numpy(dtype=bool)
    for col in count_columns:
        raw = table[col]
        numbers = pd.to_numeric(raw.where(raw.astype(object) != SUPPRESSED), errors="coerce")
        small = ((numbers > 0) & (numbers < threshold)).fillna(False).to_numpy(dtype=bool)
        for position in np.flatnonzero(small & below):
            label, value = table.index[position], numbers.iloc[position]
            shown = int(value) if float(value).is_integer() else value
            problems.append(
                f"row {label} ({table[rpb_column].iloc[position]}): {col} = {shown} is below "
                f"{threshold} and not suppressed"
            )
    return problems


# --- the report's other published tables ------------------------------------------------------


def control_agreement(
    table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, *, zeros_as_last_resort: bool = True
) -> pd.DataFrame:
    """Disclosure control of the experiences agreement table.

    ``n`` (answers or responses) and ``n_agree`` are counts adding up over the RPBs to Wales
    and over respondent types to ``all``; the estimate (a share, or the index) and its interval
    rest on ``n``.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`nest_eval.domains.experiences.agreement`.
    threshold : int
        Primary suppression threshold.
    zeros_as_last_resort : bool
        As in :func:`suppress` (on by default for published tables).

    Returns
    -------
    pandas.DataFrame
    """
    return control_counts_table(
        table,
        ["n", "n_agree"],
        key_columns=("respondent_type", "indicator", "item"),
        threshold=threshold,
        derived={"estimate": "n", "ci_low": "n", "ci_high": "n"},
        follows=[("estimate", "n_agree"), ("ci_low", "n_agree"), ("ci_high", "n_agree")],
        breakdowns={"respondent_type": "all"},
        zeros_as_last_resort=zeros_as_last_resort,
    )


def control_access(
    table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, *, zeros_as_last_resort: bool = True
) -> pd.DataFrame:
    """Disclosure control of the access indicators table.

    ``n`` (requests an estimate rests on) and ``count`` (numerator of a share, or the number
    still waiting) are counts; the estimate and its interval rest on ``n`` and, for shares and
    the number still waiting, give ``count`` back.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`nest_eval.domains.access.access_indicators`.
    threshold : int
        Primary suppression threshold.
    zeros_as_last_resort : bool
        As in :func:`suppress` (on by default for published tables).

    Returns
    -------
    pandas.DataFrame
    """
    return control_counts_table(
        table,
        ["n", "count"],
        key_columns=("indicator",),
        threshold=threshold,
        derived={"estimate": "n", "ci_low": "n", "ci_high": "n"},
        follows=[("estimate", "count"), ("ci_low", "count"), ("ci_high", "count")],
        zeros_as_last_resort=zeros_as_last_resort,
    )


def control_funnels(
    table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, *, zeros_as_last_resort: bool = True
) -> pd.DataFrame:
    """Disclosure control of the RPB comparison (funnel) table.

    ``x`` and ``n`` are counts; the proportion, z-scores, limits and flag rest on ``n`` and
    give ``x`` back. Adds ``shown``: whether the RPB's point may be drawn.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`nest_eval.domains.comparisons.rpb_funnels`.
    threshold : int
        Primary suppression threshold.
    zeros_as_last_resort : bool
        As in :func:`suppress` (on by default for published tables).

    Returns
    -------
    pandas.DataFrame
    """
    derived_columns = [
        c
        for c in table.columns
        if c
        in ("proportion", "z", "z_adjusted", "lower_95", "upper_95", "lower_99.8", "upper_99.8")
    ]
    controlled = control_counts_table(
        table,
        ["x", "n"],
        key_columns=tuple(c for c in _INDICATOR_KEYS if c in table.columns),
        threshold=threshold,
        derived=dict.fromkeys(derived_columns, "n"),
        follows=[(c, "x") for c in derived_columns],
        zeros_as_last_resort=zeros_as_last_resort,
    )
    hidden = controlled["proportion"].map(lambda v: isinstance(v, str))
    controlled["flag"] = controlled["flag"].where(~hidden, SUPPRESSED)
    controlled["shown"] = ~hidden
    return controlled


def control_adjusted(
    table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, *, zeros_as_last_resort: bool = True
) -> pd.DataFrame:
    """Disclosure control of the case-mix-adjusted change per RPB.

    Children and assessments are counts adding up to Wales within each measure and
    respondent; the estimate, its standard error and interval rest on the children with two or
    more assessments.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :attr:`nest_eval.domains.outcomes.AdjustedChange.table` for every RPB and Wales,
        with
        ``measure`` and ``respondent``.
    threshold : int
        Primary suppression threshold.
    zeros_as_last_resort : bool
        As in :func:`suppress` (on by default for published tables).

    Returns
    -------
    pandas.DataFrame
    """
    estimates = ("adjusted_change_per_year", "se", "ci_low", "ci_high")
    return control_counts_table(
        table,
        ["n_children", "n_children_paired", "n_obs"],
        key_columns=("measure", "respondent"),
        threshold=threshold,
        derived=dict.fromkeys(estimates, "n_children_paired"),
        zeros_as_last_resort=zeros_as_last_resort,
    )


def control_training(table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Disclosure control of the national training summary.

    Training figures are for Wales (no RPB rows), so counts are published; a share or
    interval resting on fewer than ``threshold`` learners is suppressed.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`nest_eval.domains.partnership.training_summary`.
    threshold : int
        Threshold.

    Returns
    -------
    pandas.DataFrame
    """
    controlled = table.astype({"value": object, "ci_low": object, "ci_high": object})
    shares = controlled["indicator"].map(lambda k: _indicator(k).unit.is_share).astype(bool)
    small = shares & (controlled["n"] < threshold)
    for column in ("value", "ci_low", "ci_high"):
        controlled.loc[small, column] = SUPPRESSED
    return controlled
