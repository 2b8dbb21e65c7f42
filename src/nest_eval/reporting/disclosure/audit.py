"""The interval audit: how far a reader can narrow each suppressed cell from what is published.

For each suppressed cell, linear programming over every relation the reader knows
(:class:`~nest_eval.reporting.disclosure.cells.Relation`), with every published cell fixed at
its value (or, when counts are rounded, within the rounding), gives the smallest and the largest
value the cell can take. The reader is assumed to know the rules: a cell suppressed because it
is small lies between 1 and ``threshold - 1``; any other suppressed cell is at least 0 (or 1
where zeros are never suppressed); counts are never negative. A suppressed cell whose interval
holds fewer whole numbers than the protection level is *exposed*.

The problem splits into groups of cells linked by relations (one measure and respondent, one
survey item, one access indicator); each group is solved on its own with HiGHS
(:func:`scipy.optimize.linprog`, ``method="highs"``), two problems per suppressed cell.

References
----------
Hundepool A, Domingo-Ferrer J, Franconi L, Giessing S, Schulte Nordholt E, Spicer K,
de Wolf P-P (2012). *Statistical Disclosure Control*. Wiley, section 4.3.1 (the interval or
"audit" problem of a suppressed table) and chapter 5 (frequency tables).

Huangfu Q, Hall JAJ (2018). Parallelizing the dual revised simplex method. *Mathematical
Programming Computation* 10:119-142 (HiGHS).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from nest_eval.reporting.disclosure.cells import CellKey, Cells, Relation

__all__ = ["Bounds", "Interval", "audit_groups", "groups_of", "interval_width"]

Bounds = tuple[float, float]
"""What a reader knows of an unknown cell before any relation: (lowest, highest)."""


@dataclass(frozen=True)
class Interval:
    """The values a suppressed cell can take, given everything published."""

    low: float
    high: float

    @property
    def whole_numbers(self) -> float:
        """How many whole numbers the interval holds (infinite when unbounded above)."""
        return interval_width(self.low, self.high)


def interval_width(low: float, high: float) -> float:
    """Whole numbers in ``[low, high]``, allowing for the solver's rounding."""
    if math.isinf(high):
        return math.inf
    return max(0.0, math.floor(high + 1e-6) - math.ceil(low - 1e-6) + 1.0)


def groups_of(cells: Cells, constants: Collection[CellKey] = frozenset()) -> list[list[Relation]]:
    """The relations, in groups that share no cell (each group is audited on its own).

    Cells in ``constants`` (published, and settled so: never suppressed) are numbers in every
    relation, so they link none; a relation of constants only tells nothing and is left out.
    """
    parent: dict[CellKey, CellKey] = {}

    def find(key: CellKey) -> CellKey:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    linked: list[tuple[CellKey, Relation]] = []
    for relation in cells.relations:
        unknown = [key for key in relation.cells if key not in constants]
        if not unknown:
            continue
        first = find(unknown[0])
        for key in unknown[1:]:
            parent[find(key)] = first
        linked.append((unknown[0], relation))
    groups: dict[CellKey, list[Relation]] = {}
    for key, relation in linked:
        groups.setdefault(find(key), []).append(relation)
    return [groups[root] for root in sorted(groups, key=str)]


def _system(
    relations: list[Relation], unknown: Mapping[CellKey, int], fixed: Mapping[CellKey, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The relations as rows ``lower <= A x <= upper`` over the unknown cells."""
    matrix = np.zeros((len(relations), len(unknown)))
    lower, upper = [], []
    for row, relation in zip(matrix, relations, strict=True):
        rhs = -relation.constant
        for key, coefficient in relation.terms:
            if key in unknown:
                row[unknown[key]] += coefficient
            else:
                rhs -= coefficient * fixed[key]
        lower.append(rhs if relation.kind == "eq" else -math.inf)
        upper.append(rhs)
    return matrix, np.array(lower), np.array(upper)


class _Extremes:
    """The smallest and largest feasible value of each unknown of one group's relations.

    One HiGHS model per group, solved again for each cell with only its objective changed (so
    each solve starts from the last basis, by the primal simplex method: a changed objective
    leaves that basis feasible): SciPy's HiGHS through its bindings
    (``scipy.optimize._highspy``), or :func:`scipy.optimize.linprog` where those are missing.

    Every solution found is a feasible point of the group. A cell that one of them already
    holds at the lower (upper) end of its bounds has that end as its smallest (largest) value,
    exactly, so that problem is not solved at all.
    """

    at_bound = 1e-9
    """How close to a bound a solution's value must be for the bound to count as reached."""

    def __init__(self, system: tuple[np.ndarray, ...], box: list[Bounds], warm: bool) -> None:
        self.system, self.box = system, box
        self.highs = None
        self.seen_low = np.full(len(box), math.inf)  # each unknown's least value seen so far
        self.seen_high = np.full(len(box), -math.inf)
        if not warm:
            return
        try:
            from scipy.optimize._highspy import _core
        except ImportError:  # pragma: no cover - the bindings ship with the pinned SciPy
            return
        self.core = _core
        self.highs = _core._Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")
        primal = _core.simplex_constants.SimplexStrategy.kSimplexStrategyPrimal
        self.highs.setOptionValue("simplex_strategy", int(primal))
        self.highs.passModel(self._model())
        self.last: int | None = None

    def _model(self):
        core = self.core
        matrix, lower, upper = self.system
        inf = core.kHighsInf
        model = core.HighsLp()
        model.num_col_, model.num_row_ = matrix.shape[1], matrix.shape[0]
        model.col_cost_ = np.zeros(matrix.shape[1])
        model.col_lower_ = np.array([b[0] for b in self.box], dtype=float)
        model.col_upper_ = np.array([min(b[1], inf) for b in self.box], dtype=float)
        model.row_lower_ = np.maximum(lower, -inf)
        model.row_upper_ = np.minimum(upper, inf)
        columns, rows = np.nonzero(matrix.T)  # column by column, rows in order in each
        per_column = np.bincount(columns, minlength=matrix.shape[1])
        model.a_matrix_.format_ = core.MatrixFormat.kColwise
        model.a_matrix_.start_ = np.concatenate([[0], np.cumsum(per_column)]).astype(np.int32)
        model.a_matrix_.index_ = rows.astype(np.int32)
        model.a_matrix_.value_ = matrix[rows, columns].astype(float)
        return model

    def extreme(self, index: int, sense: float) -> float:
        """The smallest (``sense = 1``) or largest (``-1``) feasible value of one unknown."""
        if self.highs is None:
            return _extreme_linprog(self.system, self.box, index, sense)
        low, high = self.box[index]
        if sense > 0 and self.seen_low[index] <= low + self.at_bound:
            return float(low)
        if sense < 0 and self.seen_high[index] >= high - self.at_bound:
            return float(high)
        core, highs = self.core, self.highs
        if self.last is not None:
            highs.changeColCost(self.last, 0.0)
        highs.changeColCost(index, 1.0)
        self.last = index
        highs.changeObjectiveSense(
            core.ObjSense.kMinimize if sense > 0 else core.ObjSense.kMaximize
        )
        highs.run()
        status = highs.getModelStatus()
        if status == core.HighsModelStatus.kUnbounded:
            return -math.inf if sense > 0 else math.inf
        if status != core.HighsModelStatus.kOptimal:  # solve this one afresh
            highs.clearSolver()
            return _extreme_linprog(self.system, self.box, index, sense)
        values = np.asarray(highs.getSolution().col_value)
        np.minimum(self.seen_low, values, out=self.seen_low)
        np.maximum(self.seen_high, values, out=self.seen_high)
        return float(highs.getInfo().objective_function_value)


def _extreme_linprog(
    system: tuple[np.ndarray, ...], box: list[Bounds], index: int, sense: float
) -> float:
    """As :meth:`_Extremes.extreme`, with :func:`scipy.optimize.linprog`."""
    matrix, lower, upper = system
    equal = lower == upper
    cost = np.zeros(len(box))
    cost[index] = sense
    found = linprog(
        cost,
        A_ub=matrix[~equal] if (~equal).any() else None,
        b_ub=upper[~equal] if (~equal).any() else None,
        A_eq=matrix[equal] if equal.any() else None,
        b_eq=upper[equal] if equal.any() else None,
        bounds=box,
        method="highs",
    )
    if found.status == 3:
        return -math.inf if sense > 0 else math.inf
    if found.status != 0:
        raise RuntimeError(f"the audit's linear program failed: {found.message}")
    return float(found.fun) * sense


def audit_groups(
    groups: Iterable[list[Relation]],
    bounds: Mapping[CellKey, Bounds],
    fixed: Mapping[CellKey, float],
    audited: set[CellKey],
    warm: bool = True,
) -> dict[CellKey, Interval]:
    """The feasible interval of every audited cell, group by group.

    Parameters
    ----------
    groups : iterable of list of Relation
        Relations in groups that share no cell (:func:`groups_of`).
    bounds : mapping of CellKey to Bounds
        The unknown cells (suppressed, not published, or rounded) and what a reader knows of
        each beforehand.
    fixed : mapping of CellKey to float
        Published cells, at their published value.
    audited : set of CellKey
        The cells whose interval is wanted (suppressed cells).
    warm : bool, default True
        Solve each group's problems in one HiGHS model, each from the last one's basis; False
        solves every problem afresh with :func:`scipy.optimize.linprog` (slower; an independent
        check).

    Returns
    -------
    dict of CellKey to Interval
        For every audited cell in a group; an audited cell in no relation keeps its bounds.
    """
    result = {key: Interval(*bounds[key]) for key in audited}
    for relations in groups:
        members = {key for relation in relations for key in relation.cells}
        wanted = sorted(members & audited, key=str)
        if not wanted:
            continue
        unknown_keys = sorted((k for k in members if k in bounds), key=str)
        unknown = {key: i for i, key in enumerate(unknown_keys)}
        box = [bounds[k] for k in unknown_keys]
        solver = _Extremes(_system(relations, unknown, fixed), box, warm)
        for key in wanted:
            index = unknown[key]
            result[key] = Interval(solver.extreme(index, 1.0), solver.extreme(index, -1.0))
    return result
