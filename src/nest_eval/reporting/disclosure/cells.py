"""The counts a publication rests on, as one set of cells with the relations readers know.

Every count of people, responses or requests that appears anywhere in a year's publication is a
*cell* with a key, e.g. ``("pairs", 2025, "Powys", "SWEMWBS", "self")``: the same count in two
tables (``n_pairs`` of ``outcomes_change`` and ``n`` of the ``mean_change`` rows of
``distance_travelled``) is one cell, so it gets one disclosure decision everywhere. A
*relation* is what a reader knows ties cells together: the seven RPBs add up to Wales, the
reliable-change categories add up to the pairs, respondent types add up to all respondents, a
part is at most its whole.

Keys: ``(quantity, year, rpb, *what it is of)``; the quantities are listed in
:data:`QUANTITIES`. Counts of requests are of the requests received in the reporting period by
its census date (:mod:`nest_eval.domains.access`). A count of a group of a
breakdown has the key of its total followed by the dimension and the group, e.g. ``("pairs",
2025, "Wales", "SWEMWBS", "self", "age_band", "age_16_17")``; the groups of a dimension add up
to the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from nest_eval.reference.vocabulary import RPB_NAMES, WALES

__all__ = [
    "QUANTITIES",
    "CellKey",
    "Cells",
    "Relation",
]

CellKey = tuple[object, ...]
"""A cell's key: ``(quantity, year, rpb, *what it is of)``."""

QUANTITIES: Mapping[str, str] = {
    "pairs": "children with a first and a last assessment (measure, respondent)",
    "unpaired": "children with one assessment only",
    "improved": "pairs with reliable improvement",
    "no_change": "pairs with no reliable change",
    "deteriorated": "pairs with reliable deterioration",
    "recovered": "pairs with reliable recovery (part of improved)",
    "not_assessable": "pairs not assessable for reliable change",
    "assessable": "pairs assessable for reliable change",
    "children": "children with an assessment in the year's cohort (any measure)",
    "followed_up": "children with a follow-up assessment (a pair on some measure)",
    "model_children": "children in the case-mix model",
    "model_paired": "children with two or more assessments in the case-mix model",
    "model_assessments": "assessments in the case-mix model",
    "model_outside": "pairs outside the case-mix model (RPBs left out, a covariate missing)",
    "answers": "survey answers to an item (respondent type, item)",
    "agree": "survey answers agreeing (4-5) with an item",
    "responses": "survey responses with a NEST experience index (respondent type)",
    "eligible_28": "requests whose 28-day window had closed",
    "within_28": "requests first supported within 28 days",
    "waits": "requests in the waits to first support (not withdrawn or declined unsupported)",
    "with_redirections": "requests with a number of redirections",
    "redirected": "requests redirected at least once",
    "still_waiting": "requests not supported by the census date (part of the waits)",
}
"""What each quantity of a cell key counts."""


@dataclass(frozen=True)
class Relation:
    """A linear relation between cells that a reader of the publication knows.

    ``sum(coefficient * cell) + constant == 0`` (``kind = "eq"``) or ``<= 0``
    (``kind = "le"``).

    Attributes
    ----------
    terms : tuple of (CellKey, float)
        The cells and their coefficients.
    kind : str
        ``"eq"`` or ``"le"``.
    what : str
        Plain words for logs: which relation this is.
    constant : float
        A number the publication states (e.g. the fewest children a model keeps an RPB for).
    """

    terms: tuple[tuple[CellKey, float], ...]
    kind: str
    what: str
    constant: float = 0.0

    def value(self, values: Mapping[CellKey, float]) -> float:
        """``sum(coefficient * cell) + constant`` for the given values of its cells."""
        return sum(values[key] * c for key, c in self.terms) + self.constant

    def holds(self, values: Mapping[CellKey, float]) -> bool:
        """Whether the relation holds for the given values of its cells."""
        value = self.value(values)
        return value == 0 if self.kind == "eq" else value <= 0

    @property
    def cells(self) -> tuple[CellKey, ...]:
        """The cells of the relation."""
        return tuple(key for key, _ in self.terms)


def total_of(total: CellKey, parts: Iterable[CellKey], what: str) -> Relation:
    """``total = sum(parts)``."""
    return Relation(((total, 1.0), *((p, -1.0) for p in parts)), "eq", what)


def part_of(part: CellKey, whole: Iterable[CellKey], what: str) -> Relation:
    """``part <= sum(whole)``."""
    return Relation(((part, 1.0), *((w, -1.0) for w in whole)), "le", what)


def at_most(cell: CellKey, bound: float, what: str) -> Relation:
    """``cell <= bound``, a bound the publication states."""
    return Relation(((cell, 1.0),), "le", what, -float(bound))


def at_least(cell: CellKey, bound: float, what: str) -> Relation:
    """``cell >= bound``, a bound the publication states."""
    return Relation(((cell, -1.0),), "le", what, float(bound))


@dataclass
class Cells:
    """The cells of a publication and their relations.

    Attributes
    ----------
    values : dict of CellKey to int
        Every cell's true value.
    published : set of CellKey
        The cells that appear in a published table (the others are counts derived values rest
        on, e.g. a baseline year's denominator, never written anywhere).
    relations : list of Relation
        What readers know ties the cells together.
    parts : set of CellKey
        The cells of a group within an area (a breakdown's: an age band, a sex, ...): below
        Wales level even in Wales, so suppressed when small there too.
    """

    values: dict[CellKey, int] = field(default_factory=dict)
    published: set[CellKey] = field(default_factory=set)
    relations: list[Relation] = field(default_factory=list)
    parts: set[CellKey] = field(default_factory=set)

    def add(
        self, key: CellKey, value: object, *, published: bool = True, part: bool = False
    ) -> None:
        """Add a cell; the same key added twice must have the same value.

        ``part``: the cell counts a group within its area (:attr:`parts`).
        """
        if value is None or pd.isna(value):
            return
        if part:
            self.parts.add(key)
        number = round(float(value))  # type: ignore[arg-type]
        if abs(number - float(value)) > 1e-9:  # type: ignore[arg-type]
            raise ValueError(f"cell {key} is not a count: {value!r}")
        old = self.values.setdefault(key, number)
        if old != number:
            raise ValueError(f"cell {key} has two values: {old} and {number}")
        if published:
            self.published.add(key)

    def below_wales(self, key: CellKey) -> bool:
        """Whether a cell is below Wales level: an RPB's, or a group's within an area.

        A group of a breakdown (16–17 year olds, Welsh-language responses) is a part of
        Wales however many areas it spans: its small counts single people out as an RPB's do.
        """
        return key[2] in RPB_NAMES or key in self.parts

    def add_wales_totals(self) -> None:
        """Wales = the sum of the RPBs, for every published quantity with a Wales cell.

        An RPB without a cell has none of it (the tables list every RPB with data). An RPB's
        cell that is not published itself (the assessable pairs of an RPB too small for a
        distance row) is still one of the parts, unknown to readers; a quantity whose Wales
        total is not published (a baseline year's) is not related: a reader knows nothing of it.
        """
        groups: dict[CellKey, list[CellKey]] = {}
        for key in self.values:
            if key[2] in RPB_NAMES:
                groups.setdefault((key[0], key[1], *key[3:]), []).append(key)
        for (quantity, year, *of), parts in groups.items():
            total = (quantity, year, WALES, *of)
            if total in self.published:
                self.relations.append(total_of(total, sorted(parts, key=_order), "Wales = RPBs"))
        self.check_relations()

    def check_relations(self) -> None:
        """Every relation must hold for the true values (else it is not what readers know)."""
        for relation in self.relations:
            if any(key not in self.values for key in relation.cells):
                raise ValueError(f"relation {relation.what} names a cell that does not exist")
            if not relation.holds(self.values):
                raise ValueError(f"relation {relation.what} does not hold: {relation.cells}")


def _order(key: CellKey) -> tuple[int, str]:
    rpb = str(key[2])
    return (RPB_NAMES.index(rpb) if rpb in RPB_NAMES else len(RPB_NAMES), str(key))
