"""Where each published number comes from: the cells behind every count and every derived value.

For each table of a year's publication, :func:`map_tables` records, cell by cell of the table,
either the count cell it shows (``counts``) or the cells a derived value rests on (``bases``:
a share on its numerator and denominator, a mean or interval on its ``n``), and which of those
are denominators (``denominators``: fewer than the threshold there suppresses the value at any
level). It adds every count to one :class:`~nest_eval.reporting.disclosure.cells.Cells` with
the relations readers know, so that one decision covers every table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from nest_eval.domains.case_mix import min_paired_for
from nest_eval.reference.indicators import indicator as _indicator
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.reporting.disclosure.cells import (
    CellKey,
    Cells,
    Relation,
    at_least,
    at_most,
    part_of,
    total_of,
)

__all__ = ["TableMap", "map_tables", "model_relations", "stated_floors"]

Position = tuple[object, str]
"""A cell of a published table: (row index, column)."""


@dataclass
class TableMap:
    """How one published table's cells rest on the publication's counts.

    Attributes
    ----------
    counts : dict of Position to CellKey
        Table cells that show a count cell.
    bases : dict of Position to tuple of CellKey
        Table cells holding a derived value, and the count cells it rests on.
    denominators : dict of Position to tuple of CellKey
        For derived values, the cells among their bases that are denominators.
    """

    counts: dict[Position, CellKey] = field(default_factory=dict)
    bases: dict[Position, tuple[CellKey, ...]] = field(default_factory=dict)
    denominators: dict[Position, tuple[CellKey, ...]] = field(default_factory=dict)

    def count(
        self, cells: Cells, position: Position, key: CellKey, value: object, part: bool = False
    ) -> None:
        """A table cell showing a count cell (``part``: of a group within its area)."""
        if value is None or pd.isna(value):
            return
        cells.add(key, value, part=part)
        self.counts[position] = key

    def derived(
        self, position: Position, numerators: tuple[CellKey, ...], denominators: tuple[CellKey, ...]
    ) -> None:
        """A table cell holding a value derived from counts."""
        self.bases[position] = (*numerators, *denominators)
        self.denominators[position] = denominators


def _present(row: Mapping[str, object], column: str) -> bool:
    value = row.get(column)
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


# --- outcomes -------------------------------------------------------------------------------

_CATEGORY_CELLS = {
    "reliable_improvement": "improved",
    "no_reliable_change": "no_change",
    "reliable_deterioration": "deteriorated",
    "reliable_recovery": "recovered",
    "n_not_assessable": "not_assessable",
    "n_pairs": "pairs",
    "n_unpaired": "unpaired",
}
_PAIRS_DERIVED = (
    "mean_change",
    "mean_change_ci_low",
    "mean_change_ci_high",
    "smc",
    "smc_ci_low",
    "smc_ci_high",
)
_PERCENTAGES = {
    "pct_reliable_improvement": "improved",
    "pct_no_reliable_change": "no_change",
    "pct_reliable_deterioration": "deteriorated",
    "pct_reliable_recovery": "recovered",
}


def _outcomes_change(table: pd.DataFrame, year: int, cells: Cells) -> TableMap:
    mapping = TableMap()
    for label, row in table.to_dict(orient="index").items():
        of = (year, row["rpb"], row["measure"], row["respondent"])
        for column, quantity in _CATEGORY_CELLS.items():
            mapping.count(cells, (label, column), (quantity, *of), row[column])
        assessable = sum(int(row[c]) for c in ("reliable_improvement", "no_reliable_change",
                                                  "reliable_deterioration"))  # fmt: skip
        cells.add(("assessable", *of), assessable, published=False)
        for column in _PAIRS_DERIVED:
            mapping.derived((label, column), (), (("pairs", *of),))
        for column, quantity in _PERCENTAGES.items():
            mapping.derived((label, column), ((quantity, *of),), (("assessable", *of),))
        _outcome_relations(cells, of)
    return mapping


def _outcome_relations(cells: Cells, of: tuple[object, ...]) -> None:
    key = lambda quantity: (quantity, *of)  # noqa: E731
    categories = [key(q) for q in ("improved", "no_change", "deteriorated")]
    cells.relations += [
        total_of(key("pairs"), [*categories, key("not_assessable")], "pairs = categories"),
        total_of(key("assessable"), categories, "assessable = categories"),
        part_of(key("recovered"), [key("improved")], "recovered within improved"),
    ]


def _paired_data(table: pd.DataFrame, year: int, cells: Cells) -> TableMap:
    """The paired data rate's cells: children, and those followed up, per RPB and Wales.

    Readers know a child followed up is a child, and how children relate to the pairs of each
    measure (:func:`_children_and_pairs`).
    """
    mapping = TableMap()
    for label, row in table.to_dict(orient="index").items():
        children, followed = ("children", year, row["rpb"]), ("followed_up", year, row["rpb"])
        mapping.count(cells, (label, "n"), children, row["n"])
        mapping.count(cells, (label, "count"), followed, row["count"])
        cells.relations.append(part_of(followed, [children], "followed up within children"))
        for column in ("estimate", "ci_low", "ci_high"):
            mapping.derived((label, column), (followed,), (children,))
    _children_and_pairs(cells, year)
    return mapping


def _children_and_pairs(cells: Cells, year: int) -> None:
    """Children and those followed up against the episodes of each measure, in each area.

    A child followed up has a pair on some measure, so the children followed up are at least
    the pairs of any one measure and respondent, and at most all of them together; the children
    are at least the episodes (pairs and unpaired) of any one, and at most all of them. These
    hold when every child's episodes are in the RPB of the child's first assessment; a relation
    that does not hold (a child who moved) is not one readers can know, and is left out.
    """
    episodes: dict[object, list[tuple[CellKey, CellKey]]] = {}
    for key in cells.values:
        if key[0] == "pairs" and key[1] == year and len(key) == 5:
            unpaired = ("unpaired", *key[1:])
            if unpaired in cells.values:
                episodes.setdefault(key[2], []).append((key, unpaired))
    for area, found in episodes.items():
        children, followed = ("children", year, area), ("followed_up", year, area)
        if children not in cells.values or followed not in cells.values:
            continue
        pairs = [p for p, _ in found]
        every = [k for pair in found for k in pair]
        candidates = [part_of(p, [followed], "pairs within followed up") for p in pairs]
        candidates += [
            Relation(((children, -1.0), (p, 1.0), (u, 1.0)), "le", "episodes within children")
            for p, u in found
        ]
        candidates += [
            part_of(followed, pairs, "followed up within pairs"),
            part_of(children, every, "children within episodes"),
        ]
        cells.relations += [r for r in candidates if r.holds(cells.values)]


def _model_rows(table: pd.DataFrame, year: int, cells: Cells, values: tuple[str, ...]) -> TableMap:
    """A table of per-RPB model estimates: the paired children in the model are its count.

    Only the children with two or more assessments in the model are shown per RPB (the models'
    other sizes are published for Wales only); each value rests on them.
    """
    mapping = TableMap()
    for label, row in table.to_dict(orient="index").items():
        of = (year, row["rpb"], row["measure"], row["respondent"])
        paired = ("model_paired", *of)
        mapping.count(cells, (label, "n_children_paired"), paired, row["n_children_paired"])
        for column in values:
            mapping.derived((label, column), (), (paired,))
    return mapping


_ADJUSTED_VALUES = ("adjusted_change", "se", "ci_low", "ci_high")


def _adjusted(table: pd.DataFrame, year: int, cells: Cells) -> TableMap:
    """The case-mix-adjusted change table (ANCOVA) and its children.

    Wales's adjusted change is the mean change of the children in the models
    (:func:`nest_eval.domains.case_mix.adjusted_changes`). Beside Wales's published mean change
    of all its pairs it gives the mean change of the pairs outside the models (RPBs left out,
    a covariate missing), so it rests on how many those are as a mean rests on its
    denominator: :func:`_outside_the_models`.
    """
    mapping = _model_rows(table, year, cells, _ADJUSTED_VALUES)
    for label, row in table.to_dict(orient="index").items():
        outside = _outside_the_models(cells, year, row)
        if outside is not None:
            for column in _ADJUSTED_VALUES:
                _rests_also_on(mapping, (label, column), outside)
    return mapping


def _outside_the_models(cells: Cells, year: int, row: Mapping[str, object]) -> CellKey | None:
    """Wales's pairs outside a measure's model, as an unpublished cell, when there are any.

    A value that rests on it as a denominator is withheld when they are fewer than the
    threshold, so no mean of fewer pairs can be worked out by difference.
    """
    if row["rpb"] != WALES:
        return None
    of = (year, WALES, row["measure"], row["respondent"])
    pairs = cells.values.get(("pairs", *of))
    outside = None if pairs is None else int(pairs) - int(row["n_children_paired"])
    if not outside or outside < 0:
        return None
    key = ("model_outside", *of)
    cells.add(key, outside, published=False)
    return key


def _rests_also_on(mapping: TableMap, position: Position, denominator: CellKey) -> None:
    """A derived table cell rests on one more denominator."""
    mapping.bases[position] = (*mapping.bases.get(position, ()), denominator)
    mapping.denominators[position] = (*mapping.denominators.get(position, ()), denominator)


def _change_per_year(table: pd.DataFrame, year: int, cells: Cells) -> TableMap:
    """The mixed models' change per year and their children: the same children as the ANCOVA."""
    return _model_rows(table, year, cells, ("change_per_year", "se", "ci_low", "ci_high"))


def _models(table: pd.DataFrame, year: int, cells: Cells) -> TableMap:
    """The models table's children kept (Wales): a count the decision covers like any other."""
    mapping = TableMap()
    for label, row in table.to_dict(orient="index").items():
        key = ("model_children", year, WALES, row["measure"], row["respondent"])
        mapping.count(cells, (label, "children"), key, row["children"])
    return mapping


def model_relations(models: pd.DataFrame, year: int, cells: Cells, threshold: int) -> None:
    """What the models table tells readers of each RPB's pairs.

    A model keeps an RPB only with at least :func:`~nest_eval.domains.case_mix.min_paired_for`
    children with two or more assessments, and names the RPBs it leaves out; it states how
    many children it left out for a missing covariate (``left_out``) and how many it kept
    (``children``, Wales only). So a kept RPB's paired children in the model are its pairs
    less at most ``left_out`` (and at least the minimum), a left-out RPB's pairs are fewer
    than the minimum plus ``left_out``, and the children kept are the kept RPBs' pairs and
    unpaired children less at most ``left_out``.
    """
    minimum = min_paired_for(threshold)
    for row in models.to_dict(orient="records"):
        slack = int(row["left_out"])
        left_out = [r.strip() for r in str(row["excluded"] or "").split(",") if r.strip()]
        _children_kept(row, year, cells, [r for r in RPB_NAMES if r not in left_out])
        for rpb in RPB_NAMES:
            of = (year, rpb, row["measure"], row["respondent"])
            pairs, paired = ("pairs", *of), ("model_paired", *of)
            if pairs not in cells.values:
                continue
            if rpb in left_out:
                limit = minimum - 1 + slack
                cells.relations.append(at_most(pairs, limit, "left out of the model"))
            elif paired in cells.values:
                cells.relations += [
                    part_of(paired, [pairs], "model paired within pairs"),
                    Relation(((pairs, 1.0), (paired, -1.0)), "le", "model left out", -slack),
                    at_least(paired, minimum, "kept in the model"),
                ]


def _children_kept(row: Mapping, year: int, cells: Cells, kept: list[str]) -> None:
    """The Wales ``children`` of a model against its kept RPBs' pairs and unpaired children."""
    of = (row["measure"], row["respondent"])
    people = [
        (quantity, year, rpb, *of)
        for rpb in kept
        for quantity in ("pairs", "unpaired")
        if (quantity, year, rpb, *of) in cells.values
    ]
    children = ("model_children", year, WALES, *of)
    if children not in cells.values:
        return
    terms = tuple((key, 1.0) for key in people)
    cells.relations += [
        Relation(((children, 1.0), *((k, -c) for k, c in terms)), "le", "children kept"),
        Relation(((children, -1.0), *terms), "le", "children kept", -float(row["left_out"])),
    ]


def stated_floors(maps: Mapping[str, TableMap], cells: Cells, threshold: int) -> None:
    """A value resting on a denominator is published only from the threshold up: say so.

    Readers know the rule, so a published share or mean tells them its denominator is at
    least ``threshold``. Added, conservatively, for every denominator at or above it.
    """
    floors = {
        key
        for mapping in maps.values()
        for keys in mapping.denominators.values()
        for key in keys
        if cells.values[key] >= threshold
    }
    cells.relations += [
        at_least(key, threshold, "a value resting on it is published")
        for key in sorted(floors, key=str)
    ]


# --- experiences ----------------------------------------------------------------------------


def _experiences(table: pd.DataFrame, year: int, cells: Cells) -> TableMap:
    mapping = TableMap()
    for label, row in table.to_dict(orient="index").items():
        if row["indicator"] == "share_agreeing":
            answers = ("answers", year, row["rpb"], row["respondent_type"], row["item"])
            agree = ("agree", *answers[1:])
            mapping.count(cells, (label, "n"), answers, row["n"])
            mapping.count(cells, (label, "n_agree"), agree, row["n_agree"])
            if agree in cells.values and answers in cells.values:
                cells.relations.append(part_of(agree, [answers], "agreeing within answers"))
            numerators: tuple[CellKey, ...] = (agree,)
        else:
            answers = ("responses", year, row["rpb"], row["respondent_type"])
            mapping.count(cells, (label, "n"), answers, row["n"])
            numerators = ()
        for column in ("estimate", "ci_low", "ci_high"):
            mapping.derived((label, column), numerators, (answers,))
    _respondent_totals(cells)
    return mapping


def _respondent_totals(cells: Cells) -> None:
    """All respondents = the sum of the respondent types, per RPB and item."""
    groups: dict[CellKey, list[CellKey]] = {}
    for key in cells.values:
        if key[0] in ("answers", "agree", "responses") and key[3] != "all":
            groups.setdefault((*key[:3], "all", *key[4:]), []).append(key)
    for total, parts in groups.items():
        if total in cells.values:
            cells.relations.append(total_of(total, sorted(parts, key=str), "all = types"))


# --- access ---------------------------------------------------------------------------------

_ACCESS_CELLS = {
    "share_within_28_days": ("eligible_28", "within_28"),
    "median_wait_days": ("waits", "still_waiting"),
    "p90_wait_days": ("waits", "still_waiting"),
    "share_redirected": ("with_redirections", "redirected"),
    "mean_redirections": ("with_redirections", None),
    "still_waiting_at_year_end": ("waits", "still_waiting"),
}
"""The cells of each access indicator: its ``n`` and its ``count`` (None where none)."""

_RESTS_ON_N_ONLY = frozenset({"median_wait_days", "p90_wait_days"})
"""Indicators whose value rests on their ``n`` alone: a Kaplan–Meier quantile of the waits,
with the requests still waiting shown beside it, tells nothing of that count beyond the
requests at risk."""


def _access_keys(indicator: str, year: int, rpb: object) -> tuple[CellKey, CellKey | None]:
    """The cells of an access indicator: its ``n`` and its count (None where none)."""
    n_quantity, count_quantity = _ACCESS_CELLS[indicator]
    count = (count_quantity, year, rpb) if count_quantity else None
    return (n_quantity, year, rpb), count


def _access(table: pd.DataFrame, year: int, cells: Cells) -> TableMap:
    mapping = TableMap()
    related: set[tuple[CellKey, CellKey]] = set()
    for label, row in table.to_dict(orient="index").items():
        indicator = row["indicator"]
        n_key, count_key = _access_keys(indicator, year, row["rpb"])
        mapping.count(cells, (label, "n"), n_key, row["n"])
        if count_key is not None:
            mapping.count(cells, (label, "count"), count_key, row["count"])
            if (count_key, n_key) not in related:
                related.add((count_key, n_key))
                cells.relations.append(part_of(count_key, [n_key], "part within its requests"))
        if _indicator(indicator).unit.is_disclosive_count:  # the estimate is the count
            mapping.count(cells, (label, "estimate"), count_key, row["estimate"])  # type: ignore[arg-type]
            continue
        on_n_only = indicator in _RESTS_ON_N_ONLY or count_key is None
        numerators = () if on_n_only else (count_key,)
        for column in ("estimate", "ci_low", "ci_high"):
            mapping.derived((label, column), numerators, (n_key,))  # type: ignore[arg-type]
    return mapping


# --- distance travelled ---------------------------------------------------------------------

_DISTANCE_CELLS: Mapping[str, Callable[[Mapping[str, object], int], tuple]] = {
    "mean_change": lambda r, y: (("pairs", y, r["rpb"], r["measure"], r["respondent"]), None),
    "share_reliable_improvement": lambda r, y: (
        ("assessable", y, r["rpb"], r["measure"], r["respondent"]),
        ("improved", y, r["rpb"], r["measure"], r["respondent"]),
    ),
    "adjusted_change": lambda r, y: (
        ("model_paired", y, r["rpb"], r["measure"], r["respondent"]),
        None,
    ),
    "share_agreeing": lambda r, y: (
        ("answers", y, r["rpb"], "all", r["item"]),
        ("agree", y, r["rpb"], "all", r["item"]),
    ),
    "experience_index": lambda r, y: (("responses", y, r["rpb"], "all"), None),
    "paired_data_rate": lambda r, y: (("children", y, r["rpb"]), ("followed_up", y, r["rpb"])),
}


def _distance_keys(row: Mapping[str, object], year: int) -> tuple[CellKey, CellKey | None]:
    """The cells of a distance row in the given year: its ``n`` and its numerator or count."""
    indicator = str(row["indicator"])
    if indicator in _DISTANCE_CELLS:
        return _DISTANCE_CELLS[indicator](row, year)
    n_key, count = _access_keys(indicator, year, row["rpb"])
    return n_key, (None if indicator in _RESTS_ON_N_ONLY else count)


def _distance(table: pd.DataFrame, year: int, cells: Cells) -> TableMap:
    mapping = TableMap()
    for label, row in table.to_dict(orient="index").items():
        unit = _indicator(str(row["indicator"])).basis
        if not unit.is_disclosive_count:  # journey ratings: counts of elements and RPBs
            continue
        _distance_row(mapping, cells, label, row, year)
    return mapping


def _distance_row(
    mapping: TableMap, cells: Cells, label: object, row: Mapping[str, object], year: int
) -> None:
    """The cells of one distance row: this year's counts, and the baseline's.

    The baseline's are not published unless the value itself is a count.
    """
    n_now, x_now = _distance_keys(row, year)
    n_then, x_then = _distance_keys(row, int(row["baseline_year"]))  # type: ignore[arg-type]
    mapping.count(cells, (label, "n"), n_now, row["n"])
    cells.add(n_then, row["n_baseline"], published=False)
    counted = _indicator(str(row["indicator"])).unit.is_disclosive_count
    for key, column, value in ((x_now, "current", row["x_current"]),
                               (x_then, "baseline", row["x_baseline"])):  # fmt: skip
        if key is not None:
            if counted:
                mapping.count(cells, (label, column), key, value)
            else:
                cells.add(key, value, published=False)
    numerators = lambda *keys: tuple(k for k in keys if k is not None)  # noqa: E731
    if not counted:
        mapping.derived((label, "current"), numerators(x_now), (n_now,))
        mapping.derived((label, "baseline"), numerators(x_then), (n_then,))
    both = numerators(x_now, x_then)
    for column in ("change", "ci_low", "ci_high"):
        mapping.derived((label, column), both, (n_now, n_then))
    outside = ("model_outside", year, row["rpb"], row.get("measure"), row.get("respondent"))
    if row["indicator"] == "adjusted_change" and outside in cells.values:
        for column in ("current", "change", "ci_low", "ci_high"):
            _rests_also_on(mapping, (label, column), outside)


# --- comparisons ----------------------------------------------------------------------------


_FUNNEL_DERIVED = ("proportion", "z", "z_adjusted", "p_exact", "lower_95", "upper_95",
                   "lower_99.8", "upper_99.8", "flag")  # fmt: skip
_POOLED = ("target", "tau2", "phi")


def _funnels(table: pd.DataFrame, year: int, cells: Cells) -> TableMap:
    mapping = TableMap()
    members: dict[tuple, list[object]] = {}  # each indicator's rows
    pooled: dict[tuple, list[CellKey]] = {}  # and the cells its target and dispersion pool
    for label, row in table.to_dict(orient="index").items():
        if not _indicator(str(row["indicator"])).basis.is_disclosive_count:
            continue  # shares of ratings informed by voices: not counts of people
        n_key, x_key = _distance_keys(row, year)
        mapping.count(cells, (label, "n"), n_key, row["n"])
        mapping.count(cells, (label, "x"), x_key, row["x"])  # type: ignore[arg-type]
        for column in (c for c in _FUNNEL_DERIVED if c in table.columns):
            mapping.derived((label, column), (x_key,), (n_key,))  # type: ignore[arg-type]
        group = tuple(row.get(c) for c in ("indicator", "measure", "respondent", "item"))
        members.setdefault(group, []).append(label)
        pooled.setdefault(group, []).extend([x_key, n_key])  # type: ignore[list-item]
    for group, labels in members.items():
        for label in labels:
            for column in (c for c in _POOLED if c in table.columns):
                mapping.derived((label, column), tuple(pooled[group]), ())
    return mapping


# --- breakdowns -----------------------------------------------------------------------------

_BREAKDOWN_CELLS: Mapping[str, Callable[[Mapping[str, object], int], tuple]] = {
    "mean_change": lambda r, y: (("pairs", y, r["rpb"], r["measure"], r["respondent"]), None),
    "share_reliable_improvement": lambda r, y: (
        ("assessable", y, r["rpb"], r["measure"], r["respondent"]),
        ("improved", y, r["rpb"], r["measure"], r["respondent"]),
    ),
    "share_agreeing": _DISTANCE_CELLS["share_agreeing"],
    "experience_index": _DISTANCE_CELLS["experience_index"],
}
"""The total cells of a breakdown row's indicator, ``n`` and count (the access indicators':
:func:`_access_keys`)."""


def _breakdown_totals(row: Mapping[str, object], year: int) -> tuple[CellKey, CellKey | None]:
    """The cells of a breakdown row's indicator for everyone in its area: ``n`` and count."""
    indicator = str(row["indicator"])
    if indicator in _BREAKDOWN_CELLS:
        return _BREAKDOWN_CELLS[indicator](row, year)
    return _access_keys(indicator, year, row["rpb"])


def _breakdowns(table: pd.DataFrame, year: int, cells: Cells) -> TableMap:
    """The breakdowns' cells: each a group's count, within its group and adding up to its total.

    A group's cells have the keys of the totals followed by the dimension and the group, and
    are below Wales level wherever they are (:meth:`Cells.below_wales`). Readers know that a
    count is at most its denominator (as for the totals), and that the groups of a dimension,
    ``not_recorded`` and ``other`` included, add up to the total.
    """
    mapping = TableMap()
    groups: dict[tuple[CellKey, object], list[CellKey]] = {}
    for label, row in table.to_dict(orient="index").items():
        totals = _breakdown_totals(row, year)
        n_key, count_key = (_of_group(t, row) for t in totals)
        mapping.count(cells, (label, "n"), n_key, row["n"], part=True)
        if count_key is not None:
            mapping.count(cells, (label, "count"), count_key, row["count"], part=True)
            cells.relations.append(part_of(count_key, [n_key], "a group's part within it"))
        for total, key in zip(totals, (n_key, count_key), strict=True):
            if key is not None:
                groups.setdefault((total, row["dimension"]), [])
                if key not in groups[(total, row["dimension"])]:
                    groups[(total, row["dimension"])].append(key)
        if _indicator(str(row["indicator"])).unit.is_disclosive_count:
            mapping.count(cells, (label, "value"), count_key, row["value"], part=True)  # type: ignore[arg-type]
            continue
        on_n_only = row["indicator"] in _RESTS_ON_N_ONLY or count_key is None
        numerators = () if on_n_only else (count_key,)
        for column in ("value", "ci_low", "ci_high"):
            mapping.derived((label, column), numerators, (n_key,))  # type: ignore[arg-type]
    _group_relations(cells, groups)
    return mapping


def _of_group(total: CellKey | None, row: Mapping[str, object]) -> CellKey | None:
    """The key of a total's count in the group of a breakdown row."""
    return None if total is None else (*total, row["dimension"], row["group"])


def _group_relations(cells: Cells, groups: Mapping[tuple[CellKey, object], list[CellKey]]) -> None:
    """The groups of each dimension add up to their total; assessable pairs within the pairs."""
    for (total, _dimension), parts in groups.items():
        if total in cells.values:
            cells.relations.append(total_of(total, parts, "groups = total"))
    for key in sorted(cells.parts, key=str):
        if key[0] == "assessable":
            pairs = ("pairs", *key[1:])
            if pairs in cells.values:
                cells.relations.append(part_of(key, [pairs], "assessable within pairs"))


_MAPPERS: Mapping[str, Callable[[pd.DataFrame, int, Cells], TableMap]] = {
    "outcomes_change": _outcomes_change,
    "paired_data": _paired_data,
    "adjusted": _adjusted,
    "change_per_year": _change_per_year,
    "models": _models,
    "agreement": _experiences,
    "access": _access,
    "distance": _distance,
    "funnels": _funnels,
    "breakdowns": _breakdowns,
}
"""The tables of a year's results that show counts of people, responses or requests, in the
order their cells are added (so the first to add a cell sets its value)."""


def map_tables(tables: Mapping[str, pd.DataFrame], year: int) -> tuple[Cells, dict[str, TableMap]]:
    """The publication's cells and relations, and how each table's cells rest on them.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        The year's unsuppressed tables by name (``outcomes_change``, ``paired_data``,
        ``adjusted``, ``change_per_year``, ``models``, ``agreement``, ``access``,
        ``distance``, ``funnels``, ``breakdowns``; others are not mapped).
    year : int
        The reporting year.

    Returns
    -------
    cells : Cells
        Every count with its relations (Wales totals included), checked against the values.
    maps : dict of str to TableMap

    Raises
    ------
    ValueError
        When one count has two values, or a relation does not hold: the tables disagree.
    """
    cells = Cells()
    maps = {}
    for name, mapper in _MAPPERS.items():
        frame = tables.get(name)
        if frame is not None and not frame.empty:
            maps[name] = mapper(frame, year, cells)
    cells.add_wales_totals()
    return cells, maps
