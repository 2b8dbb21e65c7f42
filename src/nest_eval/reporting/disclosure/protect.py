"""Which cells to suppress: primary suppression, then secondary suppression until the audit passes.

1. **Primary.** A published count from 1 to ``threshold - 1`` of an RPB (not of Wales) is
   suppressed; from 0 when zeros are suppressed too (:attr:`Disclosure.small`).
2. **Secondary, driven by the audit.** The interval audit
   (:mod:`nest_eval.reporting.disclosure.audit`) gives every suppressed cell the values a
   reader can still give it from everything published. While some suppressed cell holds fewer
   whole numbers than the protection level, one more published cell is suppressed for it,
   chosen among the cells of the relations it is in: an RPB's before Wales's, a non-zero
   count before a zero, then the smallest count that gives the slack it needs (at least the
   protection level), then the smallest; and the audit is run again on the cells' group. The
   loop ends when every suppressed cell is protected; when a cell cannot be (nothing left to
   suppress beside it), :class:`DisclosureError` names it and nothing is published.

The decision covers every table at once (:mod:`nest_eval.reporting.disclosure.cells`), so one
count gets one decision wherever it appears. It is deterministic: ties are broken by the cells'
keys.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from nest_eval.config import Disclosure
from nest_eval.domains.forked import started
from nest_eval.reporting.disclosure.audit import Bounds, Interval, audit_groups, groups_of
from nest_eval.reporting.disclosure.cells import CellKey, Cells, Relation

__all__ = ["Decision", "DisclosureError", "Settled", "decide"]


class DisclosureError(RuntimeError):
    """Suppressed cells that no further suppression can protect: the run must not publish.

    Attributes
    ----------
    exposed : tuple of CellKey
        The cells (their keys, never their values).
    tables : dict of CellKey to tuple of str
        The published tables each cell would appear in, where known.
    """

    def __init__(
        self, exposed: Iterable[CellKey], tables: dict[CellKey, tuple[str, ...]] | None = None
    ) -> None:
        self.exposed = tuple(exposed)
        self.tables = tables or {}
        named = "; ".join(self._name(key) for key in self.exposed[:20])
        more = f" (and {len(self.exposed) - 20} more)" if len(self.exposed) > 20 else ""
        super().__init__(
            f"{len(self.exposed)} suppressed cell(s) could be narrowed below the protection "
            f"level from what would be published, and nothing more can be suppressed to "
            f"protect them: {named}{more}"
        )

    def __reduce__(self) -> tuple:
        """Pickled from its cells and tables, so that it crosses from a forked computation."""
        state = {k: v for k, v in vars(self).items() if k not in ("exposed", "tables")}
        return (type(self), (self.exposed, self.tables), state)

    def _name(self, key: CellKey) -> str:
        where = ", ".join(self.tables.get(key, ()))
        return " / ".join(str(part) for part in key) + (f" (in {where})" if where else "")


@dataclass(frozen=True)
class Decision:
    """One disclosure decision for a whole publication.

    Attributes
    ----------
    primary : frozenset of CellKey
        Cells suppressed because they are small.
    secondary : frozenset of CellKey
        Cells suppressed to protect them.
    intervals : dict of CellKey to Interval
        What a reader can still know of each suppressed cell.
    published_cells : int
        Count cells published (suppressed or not).
    protection : int
        The protection level every suppressed cell meets.
    """

    primary: frozenset[CellKey]
    secondary: frozenset[CellKey]
    intervals: dict[CellKey, Interval]
    published_cells: int
    protection: int

    def __reduce__(self) -> tuple:
        """Pickled with its cells in key order: the same decision gives the same bytes.

        A frozenset is pickled in its iteration order, which follows the interpreter's string
        hashing and so changes from process to process.
        """
        return (
            _decision,
            (
                sorted(self.primary, key=str),
                sorted(self.secondary, key=str),
                self.intervals,
                self.published_cells,
                self.protection,
            ),
        )

    @property
    def suppressed(self) -> frozenset[CellKey]:
        """Every suppressed cell."""
        return self.primary | self.secondary

    @property
    def narrowest(self) -> float:
        """The fewest whole numbers any suppressed cell can still take (inf when none)."""
        return min((i.whole_numbers for i in self.intervals.values()), default=math.inf)


def _decision(
    primary: list[CellKey],
    secondary: list[CellKey],
    intervals: dict[CellKey, Interval],
    published_cells: int,
    protection: int,
) -> Decision:
    """A decision unpickled (:meth:`Decision.__reduce__`)."""
    return Decision(
        frozenset(primary), frozenset(secondary), intervals, published_cells, protection
    )


@dataclass(frozen=True)
class _Rules:
    """What the secondary suppression works to.

    Attributes
    ----------
    primary : frozenset of CellKey
        Cells suppressed because they are small.
    small : tuple of int
        What a reader knows a cell suppressed because it is small holds: ``(lowest, highest)``.
    protection : int
        The fewest whole numbers every suppressed cell must still be able to take.
    never : frozenset of CellKey
        Cells that suppressing cannot protect (:func:`_never_protected`), and cells a settled
        decision covers: never chosen.
    constants : frozenset of CellKey
        Cells published by a settled decision: known exactly, whatever else is suppressed.
    """

    primary: frozenset[CellKey]
    small: tuple[int, int]
    protection: int
    never: frozenset[CellKey] = frozenset()
    constants: frozenset[CellKey] = frozenset()


@dataclass(frozen=True)
class Settled:
    """A decision already taken on part of a publication's cells, which a later one keeps.

    The publication's tables are decided first, then its breakdowns with the tables' decision
    settled (:mod:`nest_eval.reporting.disclosure.stages`), so that breaking a figure down
    never suppresses the figure itself.

    Attributes
    ----------
    cells : frozenset of CellKey
        The cells decided.
    suppressed : frozenset of CellKey
        Those of them suppressed.
    """

    cells: frozenset[CellKey]
    suppressed: frozenset[CellKey]


def _bounds(
    cells: Cells,
    suppressed: set[CellKey],
    primary: Collection[CellKey],
    small: tuple[int, int],
    keys: Iterable[CellKey] | None = None,
) -> tuple[dict[CellKey, Bounds], dict[CellKey, float]]:
    """What a reader knows of each unknown cell beforehand, and the published values.

    For the cells ``keys`` (by default every cell).
    """
    bounds: dict[CellKey, Bounds] = {}
    fixed: dict[CellKey, float] = {}
    for key in cells.values if keys is None else keys:
        value = cells.values[key]
        if key in primary:
            bounds[key] = (float(small[0]), float(small[1]))
        elif key in suppressed or key not in cells.published:
            bounds[key] = (0.0, math.inf)
        else:
            fixed[key] = float(value)
    return bounds, fixed


def _never_protected(cells: Cells, groups: list[list[Relation]], rules: _Rules) -> set[CellKey]:
    """Cells a reader narrows below the protection level even with their whole group suppressed.

    Typically a zero whose breakdown is absent (a survey item no one in an RPB answered: its
    respondent types have no rows, so Wales's types add up without it). Suppressing such a
    cell protects nothing; a small count among them cannot be protected at all.
    """
    members = {k for group in groups for relation in group for k in relation.cells}
    hidden = members - rules.constants
    bounds, fixed = _bounds(cells, hidden, rules.primary, rules.small, members)
    intervals = audit_groups(groups, bounds, fixed, hidden)
    return {k for k, i in intervals.items() if i.whole_numbers < rules.protection}


def _candidates(
    cells: Cells, relations: list[Relation], exposed: CellKey, unavailable: set[CellKey]
) -> list[CellKey]:
    """Published cells that could be suppressed to protect ``exposed``: its relations' first."""
    near = [r for r in relations if exposed in r.cells]
    for pool in (near, relations):
        found = {k for r in pool for k in r.cells if k in cells.published and k not in unavailable}
        if found:
            return sorted(found, key=str)
    return []


def _preference(cells: Cells, key: CellKey, protection: int) -> tuple:
    value = cells.values[key]
    return (not cells.below_wales(key), value == 0, value < protection, value, str(key))


def _protecting(
    cells: Cells,
    group: list[Relation],
    exposed: CellKey,
    candidates: list[CellKey],
    state: set[CellKey],
    rules: _Rules,
) -> CellKey:
    """The candidate to suppress for an exposed cell.

    The first, in order of preference, that protects it on its own; else the one that widens
    it most.
    """
    members = {k for relation in group for k in relation.cells}
    best, best_width = candidates[0], -1.0
    for candidate in candidates:
        trial = state | {candidate}
        bounds, fixed = _bounds(cells, trial, rules.primary, rules.small, members)
        width = audit_groups([group], bounds, fixed, {exposed})[exposed].whole_numbers
        if width >= rules.protection:
            return candidate
        if width > best_width:
            best, best_width = candidate, width
    return best


def _secondary_round(
    cells: Cells,
    groups: list[list[Relation]],
    exposed: list[CellKey],
    state: set[CellKey],
    rules: _Rules,
) -> set[int]:
    """Suppress one more cell in each group with an exposed cell; returns the groups changed.

    One cell per group and round: a cell suppressed for one exposed cell often protects the
    others of its group too, which the next audit shows.
    """
    group_of = {k: i for i, g in enumerate(groups) for r in g for k in r.cells}
    changed: set[int] = set()
    unprotectable = []
    for key in exposed:
        group = group_of[key]
        if group in changed:
            continue
        candidates = _candidates(cells, groups[group], key, state | rules.never)
        if not candidates:
            unprotectable.append(key)
            continue
        candidates.sort(key=lambda k: _preference(cells, k, rules.protection))
        state.add(_protecting(cells, groups[group], key, candidates, state, rules))
        changed.add(group)
    if unprotectable and not changed:
        raise DisclosureError(unprotectable)
    return changed


def _open_if_short(
    cells: Cells, relation: Relation, suppressed: set[CellKey], rules: _Rules
) -> list[CellKey]:
    """The cells that could be suppressed in an additive relation that is short, else none.

    A relation with a single suppressed cell gives it away; one whose suppressed cells add up
    to less than the protection level (beyond the least each must hold) narrows them.
    """
    if relation.kind != "eq" or any(k not in cells.published for k in relation.cells):
        return []
    hidden = [k for k in relation.cells if k in suppressed]
    if not hidden:
        return []
    least = rules.small[0] * sum(1 for k in hidden if k in rules.primary)
    room = sum(cells.values[k] for k in hidden) - least
    if len(hidden) > 1 and room >= rules.protection - 1:
        return []
    return [k for k in relation.cells if k not in suppressed and k not in rules.never]


def _relation_pass(
    cells: Cells, relations: list[Relation], suppressed: set[CellKey], rules: _Rules
) -> None:
    """Suppress, relation by relation, until no additive relation is short.

    The classic rule: at least two suppressed cells in every relation that has one, holding
    enough between them (:func:`_open_if_short`). The first short relation (in the order
    given, the cells' order within a group) is mended first; only the relations of the cell
    just suppressed can change. The audit then checks every combination of relations.
    """
    holding: dict[CellKey, list[int]] = {}
    for index, relation in enumerate(relations):
        for key in relation.cells:
            holding.setdefault(key, []).append(index)
    short = [i for i, r in enumerate(relations) if _open_if_short(cells, r, suppressed, rules)]
    heapq.heapify(short)
    while short:
        index = heapq.heappop(short)
        open_cells = _open_if_short(cells, relations[index], suppressed, rules)
        if not open_cells:
            continue
        preferred = min(open_cells, key=lambda k: _preference(cells, k, rules.protection))
        suppressed.add(preferred)
        for other in holding[preferred]:
            if _open_if_short(cells, relations[other], suppressed, rules):
                heapq.heappush(short, other)


def decide(
    cells: Cells, settings: Disclosure, settled: Settled | None = None, fork: bool = False
) -> Decision:
    """Decide which cells to suppress so that no suppressed cell can be narrowed too far.

    The groups of relations that share no cell (:func:`~.audit.groups_of`) are decided each
    on its own: what is suppressed in one changes nothing a reader can work out in another.

    Parameters
    ----------
    cells : Cells
        Every count of the publication with the relations readers know.
    settings : Disclosure
        The threshold, whether zeros are suppressed, and the protection level.
    settled : Settled, optional
        A decision on some of the cells to keep: they stay suppressed or published as it has
        them, and only the other cells are suppressed to protect what needs it.
    fork : bool, default False
        Decide about half the groups (by size) in a forked child process while this one
        decides the others (:func:`nest_eval.domains.forked.started`); the decision is the
        same either way. For a process that runs nothing else at the same time.

    Returns
    -------
    Decision

    Raises
    ------
    DisclosureError
        When a suppressed cell cannot be protected.
    """
    small = settings.small
    primary = {
        key for key in cells.published
        if cells.below_wales(key) and small[0] <= cells.values[key] <= small[1]
    }  # fmt: skip
    rules = _Rules(frozenset(primary), small, settings.protection_level)
    suppressed = set(primary)
    if settled is not None:
        constants = (settled.cells & cells.published) - settled.suppressed - rules.primary
        rules = dataclasses.replace(
            rules, never=settled.cells & cells.published, constants=frozenset(constants)
        )
        suppressed |= settled.suppressed & cells.values.keys()
    groups = groups_of(cells, rules.constants)
    grouped = {key for group in groups for relation in group for key in relation.cells}
    intervals = _bounds_only(cells, suppressed - grouped, rules)  # cells in no relation
    alone = sorted((k for k, i in intervals.items() if i.whole_numbers < rules.protection), key=str)
    if alone:  # no cell beside them to suppress
        raise DisclosureError(alone)
    try:
        settled_parts = _settled_parts(cells, _halves(groups, fork), suppressed, rules)
    except DisclosureError:
        if not fork:
            raise
        settled_parts = _settled_parts(cells, [groups], suppressed, rules)  # its own error
    suppressed -= grouped
    for more, more_intervals in settled_parts:
        suppressed |= more
        intervals.update(more_intervals)
    return Decision(
        frozenset(primary),
        frozenset(suppressed - primary),
        {k: intervals[k] for k in sorted(suppressed, key=str)},
        len(cells.published),
        rules.protection,
    )


def _halves(groups: list[list[Relation]], split: bool) -> list[list[list[Relation]]]:
    """The groups in two parts of about the same work (by their cells), each in its order.

    Without ``split``, one part of every group.
    """
    if not split or len(groups) < 2:
        return [groups]
    sizes = [len({key for relation in group for key in relation.cells}) for group in groups]
    loads, chosen = [0, 0], [0] * len(groups)
    for index in sorted(range(len(groups)), key=lambda i: (-sizes[i], i)):
        part = 0 if loads[0] <= loads[1] else 1
        chosen[index] = part
        loads[part] += sizes[index] ** 2
    return [[g for g, part in zip(groups, chosen, strict=True) if part == p] for p in (0, 1)]


def _settled_parts(
    cells: Cells, parts: list[list[list[Relation]]], suppressed: set[CellKey], rules: _Rules
) -> list[tuple[set[CellKey], dict[CellKey, Interval]]]:
    """Secondary suppression in each part of the groups: the first here, the others forked."""
    first, *rest = parts
    waits = [_protected(cells, part, suppressed, rules, True) for part in rest]
    try:
        here = _protected(cells, first, suppressed, rules, False)()
    finally:
        there = [wait() for wait in waits]  # waited for in every case
    return [here, *there]


def _protected(
    cells: Cells,
    groups: list[list[Relation]],
    suppressed: set[CellKey],
    rules: _Rules,
    fork: bool,
) -> Callable[[], tuple[set[CellKey], dict[CellKey, Interval]]]:
    """Secondary suppression in some groups: their cells suppressed, and the intervals.

    Started in a forked child with ``fork`` (:func:`nest_eval.domains.forked.started`);
    returns a function giving the result.
    """
    members = {key for group in groups for relation in group for key in relation.cells}

    def work() -> tuple[set[CellKey], dict[CellKey, Interval]]:
        never = _never_protected(cells, groups, rules)
        if never & rules.primary:
            raise DisclosureError(sorted(never & rules.primary, key=str))
        protecting = dataclasses.replace(rules, never=rules.never | frozenset(never))
        mine = suppressed & members
        _relation_pass(
            cells, [relation for group in groups for relation in group], mine, protecting
        )
        return mine, _audit_loop(cells, groups, mine, protecting)

    return started(work, fork)


def _bounds_only(cells: Cells, suppressed: set[CellKey], rules: _Rules) -> dict[CellKey, Interval]:
    """The intervals of suppressed cells in no relation: only what their bounds say."""
    bounds, _ = _bounds(cells, suppressed, rules.primary, rules.small, suppressed)
    return {key: Interval(*bounds[key]) for key in suppressed}


def _audit_loop(
    cells: Cells, groups: list[list[Relation]], suppressed: set[CellKey], rules: _Rules
) -> dict[CellKey, Interval]:
    """Audit, then suppress one more cell per group with an exposed cell, until none is.

    Returns the intervals of the suppressed cells, each a cell of ``groups``; ``suppressed``
    grows in place. Suppressing
    a cell only widens what readers can work out of the others (one more unknown, which may
    still take its published value), so a cell once protected stays protected: after the first
    round, a round audits only the cells that were exposed in the groups it changed, and the
    cells it suppressed. The groups changed are audited whole once at the end, for the
    intervals the decision states; the others' intervals stand.
    """
    pending: set[int] = set(range(len(groups)))
    wanted = set(suppressed)
    changed: set[int] = set()
    intervals: dict[CellKey, Interval] = {}
    while True:
        intervals.update(_audited(cells, groups, pending, suppressed, wanted, rules))
        exposed = sorted(
            (k for k in suppressed if intervals[k].whole_numbers < rules.protection), key=str
        )
        if not exposed:
            break
        before = set(suppressed)
        pending = _secondary_round(cells, groups, exposed, suppressed, rules)
        changed |= pending
        wanted = set(exposed) | (suppressed - before)
    intervals.update(_audited(cells, groups, changed, suppressed, suppressed, rules))
    return intervals


def _audited(
    cells: Cells,
    groups: list[list[Relation]],
    chosen: set[int],
    suppressed: set[CellKey],
    wanted: set[CellKey],
    rules: _Rules,
) -> dict[CellKey, Interval]:
    """The intervals of the suppressed cells of ``wanted`` in the ``chosen`` groups."""
    again = [groups[i] for i in sorted(chosen)]
    members = {key for group in again for relation in group for key in relation.cells}
    bounds, fixed = _bounds(cells, suppressed, rules.primary, rules.small, members)
    return audit_groups(again, bounds, fixed, suppressed & wanted & members)
