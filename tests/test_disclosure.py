"""Disclosure control of a whole publication: cells, the interval audit, the decision, its use."""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys
from types import SimpleNamespace

import pandas as pd
import pytest

import bench_disclosure
from nest_eval.config import Disclosure, RunConfig
from nest_eval.domains.year import compute_year
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.reporting.disclosure import protect
from nest_eval.reporting.disclosure.apply import apply_decision, rounded
from nest_eval.reporting.disclosure.audit import audit_groups, groups_of, interval_width
from nest_eval.reporting.disclosure.cells import Cells, part_of, total_of
from nest_eval.reporting.disclosure.protect import DisclosureError, decide
from nest_eval.reporting.disclosure.sources import (
    TableMap,
    map_tables,
    model_relations,
    stated_floors,
)
from nest_eval.reporting.tables import controlled_tables, published_tables, small_counts

RPBS = RPB_NAMES[:3]


def table_cells(grid: dict[str, list[int]], with_wales: bool = True) -> Cells:
    """A small two-way table: RPB rows of category counts, their row totals, Wales totals."""
    cells = Cells()
    categories = list(grid)
    for i, rpb in enumerate(RPBS):
        for category in categories:
            cells.add(("count", 2025, rpb, category), grid[category][i])
        total = sum(grid[c][i] for c in categories)
        cells.add(("count", 2025, rpb, "total"), total)
        parts = [("count", 2025, rpb, c) for c in categories]
        cells.relations.append(total_of(("count", 2025, rpb, "total"), parts, "row"))
    if with_wales:
        for category in [*categories, "total"]:
            value = sum(cells.values[("count", 2025, r, category)] for r in RPBS)
            cells.add(("count", 2025, WALES, category), value)
        wales = [("count", 2025, WALES, c) for c in categories]
        cells.relations.append(total_of(("count", 2025, WALES, "total"), wales, "row"))
        cells.add_wales_totals()
    return cells


def brute_force_intervals(cells, suppressed, primary, threshold, ceiling=40):
    """Every integer assignment of the suppressed cells within what a reader knows that satisfies
    every relation: an independent check of the linear programming audit on small tables."""
    unknown = sorted(suppressed, key=str)
    ranges = [range(1, threshold) if k in primary else range(0, ceiling + 1) for k in unknown]
    found = {k: [math.inf, -math.inf] for k in unknown}
    for values in itertools.product(*ranges):
        value = dict(zip(unknown, values, strict=True))
        known = {**cells.values, **value}
        ok = all(
            (lambda s: s == 0 if r.kind == "eq" else s <= 0)(
                sum(known[key] * c for key, c in r.terms) + r.constant
            )
            for r in cells.relations
        )
        if ok:
            for k, v in value.items():
                found[k] = [min(found[k][0], v), max(found[k][1], v)]
    return found


# --- cells ----------------------------------------------------------------------------------


def test_one_count_in_two_places_must_agree():
    cells = Cells()
    cells.add(("pairs", 2025, "Powys", "GBO", "self"), 8)
    cells.add(("pairs", 2025, "Powys", "GBO", "self"), 8.0)
    with pytest.raises(ValueError, match="has two values: 8 and 9"):
        cells.add(("pairs", 2025, "Powys", "GBO", "self"), 9)
    with pytest.raises(ValueError, match="is not a count"):
        cells.add(("pairs", 2025, "Gwent", "GBO", "self"), 2.5)


def test_relations_must_hold_and_wales_totals_join_the_parts_of_published_totals():
    cells = table_cells({"a": [3, 12, 20], "b": [15, 0, 7]})
    wales = [r for r in cells.relations if r.what == "Wales = RPBs"]
    assert len(wales) == 3  # a, b and the totals
    cells.add(("count", 2024, "Gwent", "a"), 5, published=False)
    cells.add(("count", 2024, WALES, "a"), 5, published=False)
    # An RPB's part not published itself (too few for a row of its own) is still a part.
    unpublished_part = ("assessable", 2025, RPBS[1], "a")
    cells.add(("assessable", 2025, WALES, "a"), 12)
    cells.add(("assessable", 2025, RPBS[0], "a"), 11)
    cells.add(unpublished_part, 1, published=False)
    cells.relations = []
    cells.add_wales_totals()
    assert all(2024 not in [k[1] for k in r.cells] for r in cells.relations)
    (assessable,) = [r for r in cells.relations if r.cells[0][0] == "assessable"]
    assert unpublished_part in assessable.cells
    cells.relations.append(
        part_of(("count", 2025, RPBS[1], "total"), [("count", 2025, RPBS[0], "a")], "x")
    )
    with pytest.raises(ValueError, match="does not hold"):
        cells.check_relations()


# --- the audit ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grid", "suppressed_names"),
    [
        ({"a": [3, 12, 20], "b": [15, 0, 7]}, [(RPBS[0], "a"), (RPBS[0], "b")]),
        ({"a": [3, 12, 20], "b": [15, 0, 7]}, [(RPBS[0], "a"), (RPBS[0], "b"), (RPBS[2], "a"),
                                             (RPBS[2], "b")]),
        ({"a": [2, 1, 6], "b": [4, 9, 3]}, [(RPBS[0], "a"), (RPBS[1], "a"), (RPBS[0], "b"),
                                           (RPBS[1], "b")]),
    ],
)  # fmt: skip
def test_the_audit_agrees_with_a_brute_force_search(grid, suppressed_names):
    cells = table_cells(grid)
    suppressed = {("count", 2025, rpb, c) for rpb, c in suppressed_names}
    primary = {k for k in suppressed if 1 <= cells.values[k] <= 9}
    bounds = {k: (1.0, 9.0) if k in primary else (0.0, math.inf) for k in suppressed}
    fixed = {k: float(v) for k, v in cells.values.items() if k not in suppressed}
    found = audit_groups(groups_of(cells), bounds, fixed, suppressed)
    expected = brute_force_intervals(cells, suppressed, primary, 10)
    for key in suppressed:
        assert (found[key].low, found[key].high) == pytest.approx(tuple(expected[key])), key


def test_interval_width_counts_whole_numbers():
    assert interval_width(1.0, 9.0) == 9
    assert interval_width(2.0000001, 2.9999999) == 2  # 2 and 3, within the solver's tolerance
    assert interval_width(3.4, 3.6) == 0
    assert interval_width(0.0, math.inf) == math.inf


# --- the decision ---------------------------------------------------------------------------


def test_a_lone_small_count_is_protected_through_its_row_and_column():
    cells = table_cells({"a": [3, 12, 20], "b": [15, 11, 17]})
    decision = decide(cells, Disclosure())
    small = ("count", 2025, RPBS[0], "a")
    assert decision.primary == {small}
    assert len(decision.secondary) >= 3  # a second cell in its row, its column, and theirs
    assert all(i.whole_numbers >= 5 for i in decision.intervals.values())
    expected = brute_force_intervals(cells, decision.suppressed, decision.primary, 10, 25)
    for key, interval in decision.intervals.items():
        assert (interval.low, interval.high) == pytest.approx(tuple(expected[key])), key


def test_a_small_wales_total_is_suppressed_when_nothing_else_protects():
    # Gwent's 2 is the whole of Wales's 2: only suppressing Wales can hide it
    cells = table_cells({"a": [2, 0, 0], "b": [15, 11, 7]})
    decision = decide(cells, Disclosure())
    assert ("count", 2025, WALES, "a") in decision.suppressed
    assert all(i.whole_numbers >= 5 for i in decision.intervals.values())


def test_the_decision_is_deterministic_and_follows_the_settings():
    grid = {"a": [3, 12, 20], "b": [15, 4, 7]}
    first, second = (decide(table_cells(grid), Disclosure()) for _ in range(2))
    for field in ("primary", "secondary", "intervals", "published_cells", "protection"):
        assert getattr(first, field) == getattr(second, field), field
    loose = decide(table_cells(grid), Disclosure(threshold=4, protection=2))
    assert loose.primary == {("count", 2025, RPBS[0], "a")}
    assert loose.protection == 2


def test_a_zero_the_tables_structure_gives_away_is_never_suppressed_to_protect_others():
    # the third RPB answered nothing: it has no rows by respondent type, so Wales's types add
    # up without it and a reader knows its total is 0 whatever is suppressed
    first, second, third = RPBS
    cells = Cells()
    values = {(first, "t1"): 3, (first, "t2"): 20, (second, "t1"): 14, (second, "t2"): 16}
    for (rpb, kind), value in values.items():
        cells.add(("answers", 2025, rpb, kind), value)
    for rpb in (first, second):
        cells.add(("answers", 2025, rpb, "all"), values[rpb, "t1"] + values[rpb, "t2"])
        parts = [("answers", 2025, rpb, k) for k in ("t1", "t2")]
        cells.relations.append(total_of(("answers", 2025, rpb, "all"), parts, "types"))
    cells.add(("answers", 2025, third, "all"), 0)
    for kind in ("t1", "t2", "all"):
        rpbs = (first, second, third) if kind == "all" else (first, second)
        cells.add(("answers", 2025, WALES, kind), sum(cells.values[("answers", 2025, r, kind)]
                                                      for r in rpbs))  # fmt: skip
        parts = [("answers", 2025, r, kind) for r in rpbs]
        cells.relations.append(total_of(("answers", 2025, WALES, kind), parts, "Wales"))
    wales_types = [("answers", 2025, WALES, k) for k in ("t1", "t2")]
    cells.relations.append(total_of(("answers", 2025, WALES, "all"), wales_types, "types"))
    cells.check_relations()
    decision = decide(cells, Disclosure())
    assert ("answers", 2025, first, "t1") in decision.primary
    assert ("answers", 2025, third, "all") not in decision.suppressed
    assert decision.narrowest >= 5


def test_a_small_count_its_structure_pins_down_is_refused():
    # threshold 3: pairs 2 = improved 1 + no change 1, each suppressed count at least 1, so
    # each is exactly 1 however much is suppressed: nothing can be published
    cells = Cells()
    parts = {"improved": 1, "no_change": 1}
    for name, value in parts.items():
        cells.add((name, 2025, "Powys"), value)
    cells.add(("pairs", 2025, "Powys"), 2)
    cells.relations.append(
        total_of(("pairs", 2025, "Powys"), [(n, 2025, "Powys") for n in parts], "categories")
    )
    with pytest.raises(DisclosureError, match="improved / 2025 / Powys"):
        decide(cells, Disclosure(threshold=3))
    zeros_too = decide(cells, Disclosure(threshold=3, zeros=True))  # a c may then hide 0
    assert zeros_too.narrowest >= 2


def _pinned_and_free(rpb_values: dict[str, dict[str, int]]) -> Cells:
    """One table of pairs per RPB (pairs = improved + no change), each a group of its own."""
    cells = Cells()
    for rpb, parts in rpb_values.items():
        for name, value in parts.items():
            cells.add((name, 2025, rpb), value)
        cells.add(("pairs", 2025, rpb), sum(parts.values()))
        parts_keys = [(name, 2025, rpb) for name in parts]
        cells.relations.append(total_of(("pairs", 2025, rpb), parts_keys, "categories"))
    return cells


def test_a_refusal_decided_in_two_processes_names_what_one_process_names():
    groups = {rpb: {"improved": 1, "no_change": 1} for rpb in ("Powys", "Gwent")}
    groups["North Wales"] = {"improved": 4, "no_change": 30}
    cells = _pinned_and_free(groups)
    assert len(groups_of(cells)) == 3
    errors = []
    for fork in (False, True):
        with pytest.raises(DisclosureError) as raised:
            decide(cells, Disclosure(threshold=3), fork=fork)
        errors.append((raised.value.exposed, str(raised.value)))
    assert errors[0] == errors[1]
    assert {key[2] for key in errors[0][0]} == {"Powys", "Gwent"}


def test_a_small_count_in_no_relation_its_own_bounds_give_away_is_refused():
    # settings that validation would refuse: a suppressed count of 1 or 2 must still be able to
    # take 5 values, and nothing is published beside it to suppress
    cells = _pinned_and_free({"Gwent": {"improved": 4, "no_change": 30}})
    cells.add(("pairs", 2025, "Powys"), 2)
    strict = SimpleNamespace(small=(1, 2), protection_level=5)
    with pytest.raises(DisclosureError, match="pairs / 2025 / Powys"):
        decide(cells, strict)


def test_an_unprotectable_cell_is_named_by_key_and_table_never_by_value():
    error = DisclosureError([("pairs", 2025, "Powys", "GBO", "self")], {
        ("pairs", 2025, "Powys", "GBO", "self"): ("outcomes_change",)})  # fmt: skip
    assert "pairs / 2025 / Powys / GBO / self (in outcomes_change)" in str(error)


# --- what else readers know -------------------------------------------------------------------


def _audit_one(cells, key, suppressed):
    bounds = {k: (0.0, math.inf) for k in suppressed}
    fixed = {k: float(v) for k, v in cells.values.items() if k not in suppressed}
    return audit_groups(groups_of(cells), bounds, fixed, set(suppressed))[key]


def test_the_models_table_bounds_the_pairs_of_the_rpbs_it_keeps_and_leaves_out():
    cells = Cells()
    of = ("SDQ_TOTAL", "parent")
    pairs = {RPBS[0]: 25, RPBS[1]: 7, RPBS[2]: 14}
    unpaired = {RPBS[0]: 3, RPBS[1]: 2, RPBS[2]: 4}
    for rpb in RPBS:
        cells.add(("pairs", 2025, rpb, *of), pairs[rpb])
        cells.add(("unpaired", 2025, rpb, *of), unpaired[rpb])
    for rpb in (RPBS[0], RPBS[2]):  # kept; one child left out for a missing covariate
        cells.add(("model_paired", 2025, rpb, *of), pairs[rpb] - (rpb == RPBS[2]))
    models = pd.DataFrame([{"measure": of[0], "respondent": of[1], "children": 25 + 3 + 13 + 4,
                            "excluded": RPBS[1], "left_out": 1}])  # fmt: skip
    cells.add(("model_children", 2025, WALES, *of), models.loc[0, "children"])
    model_relations(models, 2025, cells, threshold=10)
    cells.check_relations()
    left_out = ("pairs", 2025, RPBS[1], *of)
    assert _audit_one(cells, left_out, {left_out}).high == 10  # below 10, or 1 left out
    kept = ("pairs", 2025, RPBS[2], *of)
    found = _audit_one(cells, kept, {kept, ("unpaired", 2025, RPBS[2], *of)})
    assert (found.low, found.high) == (13, 14)  # 13 kept in the model, at most 1 left out


def test_a_published_share_tells_its_denominator_is_at_least_the_threshold():
    cells = Cells()
    mapping = TableMap()
    n_key, x_key = ("n", 2025, RPBS[0]), ("x", 2025, RPBS[0])
    mapping.count(cells, (0, "n"), n_key, 12)
    mapping.count(cells, (0, "x"), x_key, 4)
    mapping.derived((0, "share"), (x_key,), (n_key,))
    stated_floors({"t": mapping}, cells, threshold=10)
    assert _audit_one(cells, n_key, {n_key}).low == 10
    small_base = Cells()
    mapping.count(small_base, (0, "n"), n_key, 6)
    mapping.count(small_base, (0, "x"), x_key, 4)
    stated_floors({"t": mapping}, small_base, threshold=10)
    assert small_base.relations == []  # a share on 6 is never published: nothing is told


def test_agreeing_is_within_answers_even_when_no_one_answered():
    agreement = pd.DataFrame(
        {
            "rpb": [RPBS[0]] * 3,
            "respondent_type": ["all", "child", "professional"],
            "indicator": ["share_agreeing"] * 3,
            "item": ["safe"] * 3,
            "n": [4, 4, 0],
            "n_agree": [3.0, 3.0, 0.0],
        }
    )
    cells, _ = map_tables({"agreement": agreement}, 2025)
    zero = ("agree", 2025, RPBS[0], "professional", "safe")
    assert any(r.cells == (zero, ("answers", *zero[1:])) for r in cells.relations)
    assert _audit_one(cells, zero, {zero}).high == 0  # so suppressing it alone hides nothing


# --- applying it ----------------------------------------------------------------------------


def test_values_resting_on_a_suppressed_or_small_count_are_withheld():
    cells = Cells()
    table = pd.DataFrame(
        {
            "rpb": ["Powys", "Gwent", WALES],
            "n": [4, 40, 7],
            "x": [1, 10, 11],
            "share": [0.25, 0.25, 11 / 7],
        }
    )
    mapping = TableMap()
    for label, row in table.to_dict(orient="index").items():
        n_key, x_key = ("n", 2025, row["rpb"]), ("x", 2025, row["rpb"])
        mapping.count(cells, (label, "n"), n_key, row["n"])
        mapping.count(cells, (label, "x"), x_key, row["x"])
        mapping.derived((label, "share"), (x_key,), (n_key,))
    hidden_small = ("x", 2024, "Gwent")
    cells.add(hidden_small, 3, published=False)
    mapping.derived((1, "baseline"), (hidden_small,), ())
    table["baseline"] = [0.1, 0.2, 0.3]
    decision = decide(cells, Disclosure())
    out = apply_decision(table, mapping, cells, decision, Disclosure(shorthand="[c]"))
    assert out.loc[0, "n"] == "[c]" and out.loc[0, "share"] == "[c]"  # a small count
    assert out.loc[2, "share"] == "[c]"  # Wales, but on fewer than 10
    assert out.loc[2, "n"] == 7  # Wales counts are published
    assert out.loc[1, "baseline"] == "[c]"  # rests on a small count not published
    assert out.loc[1, "share"] == 0.25


def test_rounding_to_a_base():
    assert [rounded(v, 5) for v in (0, 2, 3, 7, 8, 12, 13, 100)] == [0, 0, 5, 5, 10, 10, 15, 100]


# --- the demo publication -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_data):
    config = RunConfig(year=2025)
    results = compute_year(demo_data, config)
    return results, controlled_tables(results, config), config


def test_the_demo_publication_passes_the_audit(demo):
    _, controlled, config = demo
    decision = controlled.decision
    assert decision.primary and decision.secondary
    assert decision.narrowest >= config.disclosure.protection_level
    assert small_counts(published_tables(*demo[::2]), config.disclosure) == []


def test_the_warm_audit_finds_the_intervals_linprog_finds_afresh(demo):
    """One HiGHS model per group, each solve from the last basis, and no solve for a bound a
    feasible point already reached: the same intervals as every problem solved on its own."""
    results, controlled, config = demo
    groups, bounds, fixed, suppressed = bench_disclosure.audit_problem(results, config, controlled)
    ordered = sorted(suppressed, key=str)
    assert len(ordered) > 60
    sample = set(ordered[:: len(ordered) // 60])
    warm = audit_groups(groups, bounds, fixed, sample)
    afresh = audit_groups(groups, bounds, fixed, sample, warm=False)
    assert warm.keys() == afresh.keys() == sample
    at_bounds = 0
    for key, interval in afresh.items():
        assert (warm[key].low, warm[key].high) == pytest.approx(
            (interval.low, interval.high), abs=1e-7
        ), key
        at_bounds += warm[key].low == bounds[key][0] or warm[key].high == bounds[key][1]
    assert at_bounds > 0


def test_the_decision_states_the_intervals_the_whole_publication_leaves(demo):
    """The intervals the decision reports (and the reports' narrowest) are those of the audit
    of everything published, cell for cell: not the bounds of a group it did not audit again."""
    results, controlled, config = demo
    intervals = controlled.decision.intervals
    again = audit_groups(*bench_disclosure.audit_problem(results, config, controlled))
    assert again.keys() == intervals.keys()
    assert sum(math.isinf(i.high) for i in intervals.values()) < len(intervals) / 2
    for key, interval in again.items():
        assert (intervals[key].low, intervals[key].high) == pytest.approx(
            (interval.low, interval.high), abs=1e-7
        ), key


def _audit_every_changed_group_whole(cells, groups, suppressed, rules):
    """The audit loop as first written: each round audits every cell of each changed group."""
    pending, intervals = set(range(len(groups))), {}
    while True:
        bounds, fixed = protect._bounds(cells, suppressed, rules.primary, rules.small)
        again = [groups[i] for i in sorted(pending)]
        members = {key for group in again for relation in group for key in relation.cells}
        intervals.update(audit_groups(again, bounds, fixed, suppressed & members))
        for key in suppressed - intervals.keys():
            intervals[key] = protect.Interval(*bounds[key])
        exposed = sorted(
            (k for k in suppressed if intervals[k].whole_numbers < rules.protection), key=str
        )
        if not exposed:
            return intervals
        pending = protect._secondary_round(cells, groups, exposed, suppressed, rules)


def test_a_round_audits_again_only_what_a_suppression_can_have_narrowed(demo, monkeypatch):
    """Auditing, after the first round, only the cells exposed in the groups changed and those
    just suppressed (a suppression only widens the others) takes the decision, intervals
    included, that auditing the changed groups whole every round takes."""
    results, controlled, config = demo
    assert len(controlled.decision.secondary) > 50
    monkeypatch.setattr(protect, "_audit_loop", _audit_every_changed_group_whole)
    assert controlled_tables(results, config).decision == controlled.decision


def test_the_decision_taken_in_two_processes_is_the_one_taken_in_one(demo, monkeypatch):
    """Half the groups (by size) are decided in a forked child: each group's decision rests on
    its own cells alone, so the decision, intervals included, and every table are the same."""
    results, controlled, config = demo
    forks = []
    original = protect.started

    def counted(work, fork=True):
        forks.append(fork)
        return original(work, fork)

    monkeypatch.setattr(protect, "started", counted)
    forked = controlled_tables(results, config, fork=True)
    assert forks.count(True) == 2  # one child for each of the two stages
    assert forked.decision == controlled.decision
    assert list(forked.decision.intervals) == list(controlled.decision.intervals)
    for name in ("distance", "breakdowns", "outcomes_change", "funnels"):
        pd.testing.assert_frame_equal(getattr(forked, name), getattr(controlled, name))


_PICKLED_DECISION = """
import hashlib, pickle, sys
from nest_eval.reporting.disclosure.audit import Interval
from nest_eval.reporting.disclosure.protect import Decision
keys = [("count", 2025, rpb, item) for rpb in RPBS for item in "abcdef"]
decision = Decision(frozenset(keys[::2]), frozenset(keys[1::2]),
                    {k: Interval(0.0, 9.0) for k in sorted(keys, key=str)}, 60, 5)
assert pickle.loads(pickle.dumps(decision)) == decision
sys.stdout.write(hashlib.sha256(pickle.dumps(decision, protocol=5)).hexdigest())
"""


def test_a_decision_pickles_to_the_same_bytes_whatever_the_string_hashing():
    """The stored results hold the decision: its sets of cells must not be pickled in the order
    of the interpreter's string hashing, which changes from process to process."""
    script = f"RPBS = {list(RPB_NAMES)!r}\n{_PICKLED_DECISION}"
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1 and len(next(iter(digests))) == 64


def test_one_count_gets_one_decision_in_every_table(demo):
    _, controlled, _ = demo
    oc = controlled.outcomes_change.set_index(["rpb", "measure", "respondent"])
    distance = controlled.distance[controlled.distance["indicator"] == "mean_change"]
    for row in distance.itertuples():
        published = oc.loc[(row.rpb, row.measure, row.respondent), "n_pairs"]
        assert row.n == published, (row.rpb, row.measure)
    agreement = controlled.agreement
    everyone = agreement[(agreement["respondent_type"] == "all")].set_index(["rpb", "item"])
    funnels = controlled.funnels[controlled.funnels["indicator"] == "share_agreeing"]
    for row in funnels.itertuples():
        assert row.n == everyone.loc[(row.rpb, row.item), "n"]
        assert row.x == everyone.loc[(row.rpb, row.item), "n_agree"]


def test_the_case_mix_tables_children_get_one_decision_and_their_values_go_with_them(demo):
    """The adjusted change (ANCOVA, reports), the mixed models' change per year (analysis) and
    the adjusted_change rows of distance travelled show the same children: one cell each."""
    _, controlled, _ = demo
    keys = ["rpb", "measure", "respondent"]
    adjusted = controlled.adjusted.set_index(keys)
    per_year = controlled.change_per_year.set_index(keys)
    assert list(adjusted.index) == list(per_year.index)
    shown = adjusted["n_children_paired"]
    assert (shown == per_year["n_children_paired"]).all()
    hidden = shown == "c"
    assert hidden.any() and (~hidden).any()
    for table, value in ((adjusted, "adjusted_change"), (per_year, "change_per_year")):
        assert (table.loc[hidden, [value, "se", "ci_low", "ci_high"]] == "c").all().all()
    distance = controlled.distance[controlled.distance["indicator"] == "adjusted_change"]
    assert not distance.empty
    for row in distance.itertuples():
        assert row.n == shown.loc[(row.rpb, row.measure, row.respondent)], row.rpb
        if row.n == "c":
            assert row.current == row.change == "c"


def test_shares_are_withheld_with_their_counts(demo):
    _, controlled, _ = demo
    oc = controlled.outcomes_change
    hidden = oc["reliable_improvement"] == "c"
    assert hidden.any()
    shares_of_hidden = oc.loc[hidden, "pct_reliable_improvement"]
    assert (shares_of_hidden.isna() | (shares_of_hidden == "c")).all()
    access = controlled.access
    shares = access[access["indicator"] == "share_within_28_days"]
    withheld = shares["count"] == "c"
    assert (shares.loc[withheld, ["estimate", "ci_low", "ci_high"]] == "c").all().all()


# --- data it has never seen -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "scale"), [(7, "small-rpb"), (3, "random"), (10, "random"), (16, "random")]
)
def test_small_and_random_datasets_publish_with_no_exposed_cell(seed, scale):
    """A sample of the benchmark's 100 random datasets, and the default data with Powys held to
    3-12 people per group: each decision re-audited from scratch by another solver path, over
    what is published. Random seed 16 has an RPB whose assessable pairs are published in no
    row of their own, but are still part of Wales's."""
    outcome = bench_disclosure.audit_seed(seed, scale=scale)
    assert outcome.failure == ""
    assert outcome.primary > 0 and outcome.narrowest >= Disclosure().protection_level


def test_rounding_adds_to_suppression_and_changes_no_decision(demo):
    results, controlled, _ = demo
    rounded_tables = controlled_tables(
        results, RunConfig(year=2025, disclosure=Disclosure(rounding=5))
    )
    assert rounded_tables.decision.suppressed == controlled.decision.suppressed
    counts = ["n_pairs", "n_unpaired", "reliable_improvement", "no_reliable_change"]
    shown = rounded_tables.outcomes_change[counts].stack()
    numbers = pd.to_numeric(shown[shown != "c"])
    assert (numbers % 5 == 0).all()
    # The check has counts to bite on: shown unrounded, many are not multiples of 5.
    exact = controlled.outcomes_change[counts].stack()
    assert (pd.to_numeric(exact[exact != "c"]) % 5 != 0).sum() > 20
    assert ((controlled.outcomes_change[counts] == "c") == (shown.unstack() == "c")).all().all()


def _wales_outcomes_and_adjusted(pairs: int, in_model: int) -> dict[str, pd.DataFrame]:
    """Wales's pairs on one measure, and its adjusted change from ``in_model`` of them."""
    of = {"rpb": WALES, "measure": "GBO", "respondent": "self"}
    outcomes = {
        **of,
        "reliable_improvement": 20,
        "no_reliable_change": pairs - 30,
        "reliable_deterioration": 10,
        "reliable_recovery": 5,
        "n_not_assessable": 0,
        "n_pairs": pairs,
        "n_unpaired": 12,
    }
    outcomes |= dict.fromkeys(["mean_change", "mean_change_ci_low", "mean_change_ci_high"], 1.0)
    outcomes |= dict.fromkeys(["smc", "smc_ci_low", "smc_ci_high"], 0.5)
    outcomes |= dict.fromkeys(["pct_reliable_improvement", "pct_no_reliable_change"], 0.5)
    outcomes |= dict.fromkeys(["pct_reliable_deterioration", "pct_reliable_recovery"], 0.1)
    adjusted = {**of, "adjusted_change": 0.9, "se": 0.1, "ci_low": 0.7, "ci_high": 1.1}
    adjusted["n_children_paired"] = in_model
    return {"outcomes_change": pd.DataFrame([outcomes]), "adjusted": pd.DataFrame([adjusted])}


@pytest.mark.parametrize(("in_model", "shown"), [(40, True), (37, False), (31, False), (30, True)])
def test_wales_adjusted_change_is_withheld_when_it_would_give_a_small_groups_mean(in_model, shown):
    # Wales's adjusted change is the mean change of the children in the model: beside the mean
    # change of all 40 pairs it gives the mean of the pairs outside it, which must be 0 or >= 10
    tables = _wales_outcomes_and_adjusted(pairs=40, in_model=in_model)
    cells, maps = map_tables(tables, 2025)
    settings = Disclosure(shorthand="[c]")
    decision = decide(cells, settings)
    out = apply_decision(tables["adjusted"], maps["adjusted"], cells, decision, settings)
    values = out.loc[0, ["adjusted_change", "se", "ci_low", "ci_high"]].tolist()
    assert values == ([0.9, 0.1, 0.7, 1.1] if shown else ["[c]"] * 4)
    assert out.loc[0, "n_children_paired"] == in_model  # a Wales count stays published
