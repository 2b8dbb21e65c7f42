import warnings
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

from nest_eval.domains import distance
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.reporting import disclosure
from nest_eval.reporting.disclosure import (
    SUPPRESSED,
    Breakdown,
    DisclosureWarning,
    LinearGroup,
    apply_mask,
    check_no_small_counts,
    control_counts_table,
    control_distance_travelled,
    control_outcomes_change,
    primary_mask,
    suppress,
)

C = SUPPRESSED
ROWS = (*RPB_NAMES, WALES)


# ---------------------------------------------------------------------------------------------
# An independent recovery checker: what can a reader solve from the published table?
# ---------------------------------------------------------------------------------------------


def solve(table, relations, hidden=()):
    """Cells a reader recovers by solving, again and again, any relation with one unknown.

    ``relations`` are lists of cells ``(index label, column)``; ``hidden`` cells (not in the
    table) start unknown. Returns the set of recovered cells.
    """
    known = {}
    for relation in relations:
        for cell in relation:
            if cell in hidden:
                known[cell] = False
            else:
                label, col = cell
                known[cell] = table.at[label, col] != C
    recovered = set()
    changed = True
    while changed:
        changed = False
        for relation in relations:
            unknown = [cell for cell in relation if not known[cell]]
            if len(unknown) == 1:
                known[unknown[0]] = True
                recovered.add(unknown[0])
                changed = True
    return recovered


def suppressed_cells(table):
    return {(label, col) for col in table.columns for label in table.index[table[col] == C]}


def column_relations(table, keys, columns, rows=None):
    """The RPB cells of each indicator with a Wales row, and that Wales cell."""
    frame = table if rows is None else table[rows]
    relations = []
    for _, group in frame.groupby(list(keys), sort=False, dropna=False):
        if (group["rpb"] == WALES).sum() != 1:
            continue
        for col in columns:
            relations.append([(label, col) for label in group.index])
    return relations


def toy(columns):
    """Seven RPB rows and a Wales row that is the column sum."""
    frame = pd.DataFrame(columns, index=range(7))
    frame.loc[7] = frame.sum()
    frame.insert(0, "rpb", list(ROWS))
    frame.insert(1, "indicator", "x")
    return frame


def below(frame):
    return frame["rpb"].isin(RPB_NAMES)


# ---------------------------------------------------------------------------------------------
# Primary suppression
# ---------------------------------------------------------------------------------------------


def test_primary_small_counts_become_c_zero_ten_and_wales_stay():
    table = toy({"n": [3, 0, 10, 12, 9, 1, 40]})
    table.loc[7, "n"] = 4  # a small Wales count is still published
    mask = primary_mask(table, ["n"], 10, below(table))
    out = apply_mask(table, mask)
    assert out["n"].tolist() == [C, 0, 10, 12, C, C, 40, 4]


def test_primary_leaves_other_values_unchanged_and_only_masked_columns_become_object():
    table = toy({"n": [3, 20, 30, 40, 50, 60, 70], "mean": [0.5] * 7})
    out = apply_mask(table, primary_mask(table, ["n"], 10, below(table)))
    assert out["n"].dtype == object
    assert out["mean"].dtype == table["mean"].dtype
    pd.testing.assert_frame_equal(out.drop(columns="n"), table.drop(columns="n"))
    assert out["n"].tolist()[1:] == table["n"].tolist()[1:]


def test_threshold_is_configurable():
    table = toy({"n": [3, 7, 12, 20, 25, 30, 40]})
    at_ten = apply_mask(table, primary_mask(table, ["n"], 10, below(table)))
    at_five = apply_mask(table, primary_mask(table, ["n"], 5, below(table)))
    assert at_ten["n"].tolist()[:2] == [C, C]
    assert at_five["n"].tolist()[:2] == [C, 7]
    with pytest.raises(ValueError):
        primary_mask(table, ["n"], 0)


# ---------------------------------------------------------------------------------------------
# Derived statistics
# ---------------------------------------------------------------------------------------------


def outcomes_toy(rows):
    """An ``outcomes_change``-shaped table from (rpb, n_pairs, RI, NRC, RD, NNA, recovery)."""
    records = []
    for rpb, n_pairs, ri, nrc, rd, nna, rec in rows:
        assessable = ri + nrc + rd

        def pct(k, assessable=assessable):
            return 100 * k / assessable if assessable else np.nan

        records.append(
            {
                "rpb": rpb,
                "measure": "M",
                "respondent": "self",
                "n_pairs": n_pairs,
                "n_unpaired": 0,
                "mean_change": 1.5,
                "reliable_improvement": ri,
                "no_reliable_change": nrc,
                "reliable_deterioration": rd,
                "reliable_recovery": rec,
                "pct_reliable_improvement": pct(ri),
                "pct_no_reliable_change": pct(nrc),
                "pct_reliable_deterioration": pct(rd),
                "pct_reliable_recovery": pct(rec),
                "mean_change_ci_low": 0.5,
                "mean_change_ci_high": 2.5,
                "smc": 0.4,
                "smc_ci_low": 0.1,
                "smc_ci_high": 0.7,
                "n_not_assessable": nna,
            }
        )
    return pd.DataFrame(records, columns=list(distance.OUTCOMES_CHANGE_COLUMNS))


def test_derived_statistics_on_fewer_than_ten_are_c_at_every_level():
    table = outcomes_toy(
        [
            ("Powys", 8, 0, 8, 0, 0, 0),
            ("Gwent", 30, 0, 30, 0, 0, 0),
            (WALES, 8, 0, 8, 0, 0, 0),  # a Wales cohort of 8: counts published, statistics not
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DisclosureWarning)
        out = control_outcomes_change(table)
    means = ["mean_change", "mean_change_ci_low", "mean_change_ci_high", "smc", "smc_ci_low"]
    for row in (0, 2):
        assert (out.loc[row, means] == C).all()
        assert out.loc[row, "pct_no_reliable_change"] == C
    # Gwent's 30 pairs were suppressed to protect Powys; its mean and smc stay, the intervals
    # (whose width gives the number of pairs back) go with the count.
    assert out.loc[1, "n_pairs"] == C
    assert out.loc[1, ["mean_change", "smc"]].tolist() == [1.5, 0.4]
    assert out.loc[2, "n_pairs"] == 8  # Wales count never suppressed
    assert out.loc[0, "n_pairs"] == C


def test_percentages_follow_the_assessable_count_not_n_pairs():
    table = outcomes_toy([("Powys", 30, 2, 5, 0, 23, 0), ("Gwent", 30, 0, 30, 0, 0, 0)])
    out = control_outcomes_change(table)
    assert out.loc[0, "mean_change"] == 1.5  # 30 pairs
    pct = ["pct_reliable_improvement", "pct_no_reliable_change", "pct_reliable_deterioration"]
    assert (out.loc[0, pct] == C).all()  # only 7 assessable
    assert out.loc[1, "pct_no_reliable_change"] == 100.0


# ---------------------------------------------------------------------------------------------
# Secondary suppression
# ---------------------------------------------------------------------------------------------

ROW = LinearGroup(("a", "b", "d"), "total")


def test_row_secondary_suppresses_the_smallest_nonzero_and_row_cannot_be_solved():
    table = pd.DataFrame({"rpb": ["Powys"], "a": [3], "b": [25], "d": [12], "total": [40]})
    table.insert(4, "zero", 0)
    group = LinearGroup(("a", "b", "zero", "d"), "total")
    out = apply_mask(table, suppress(table, ["a", "b", "zero", "d", "total"], [group], 10))
    assert out.loc[0, ["a", "b", "zero", "d", "total"]].tolist() == [C, 25, 0, C, 40]
    relation = [(0, c) for c in ("a", "b", "zero", "d", "total")]
    assert solve(out, [relation]) == set()


def test_column_secondary_suppresses_another_rpb_never_wales():
    table = toy({"n": [3, 15, 12, 20, 30, 11, 40]})
    breakdown = Breakdown("rpb", WALES, ("indicator",), ("n",))
    out = apply_mask(table, suppress(table, ["n"], None, 10, below(table), breakdowns=[breakdown]))
    assert out["n"].tolist() == [C, 15, 12, 20, 30, C, 40, 131]
    assert solve(out, column_relations(out, ["indicator"], ["n"])) == set()


def test_zero_cells_are_never_chosen():
    table = toy({"n": [0, 3, 0, 0, 12, 0, 15]})
    breakdown = Breakdown("rpb", WALES, ("indicator",), ("n",))
    out = apply_mask(table, suppress(table, ["n"], None, 10, below(table), breakdowns=[breakdown]))
    assert out["n"].tolist() == [0, C, 0, 0, C, 0, 15, 30]


def cascade_table():
    # Row R: a + b + d = total; column: the seven RPBs add up to Wales in every column.
    return toy(
        {
            "a": [3, 14, 30, 25, 40, 33, 26],
            "b": [12, 0, 16, 20, 28, 0, 31],
            "d": [25, 11, 18, 0, 22, 27, 0],
            "total": [40, 25, 64, 45, 90, 60, 57],
        }
    )


def cascade_relations(table):
    rows = [[(label, c) for c in ("a", "b", "d", "total")] for label in table.index]
    return rows + column_relations(table, ["indicator"], ["a", "b", "d", "total"])


def test_cascade_of_row_and_column_suppressions_reaches_a_safe_state():
    table = cascade_table()
    mask = suppress(
        table,
        ["a", "b", "d", "total"],
        [ROW],
        10,
        below(table),
        breakdowns=[Breakdown("rpb", WALES, ("indicator",), ("a", "b", "d", "total"))],
    )
    out = apply_mask(table, mask)
    # a0 = 3 (primary) -> row 0: b0 = 12 -> column b: b2 = 16 -> row 2: d2 = 18
    # -> column d: d1 = 11 -> row 1: a1 = 14, which also protects column a. Then stable.
    assert suppressed_cells(out) == {(0, "a"), (0, "b"), (2, "b"), (2, "d"), (1, "d"), (1, "a")}
    assert solve(out, cascade_relations(out)) == set()
    # Every relation has none or at least two suppressed cells, and Wales is untouched.
    for relation in cascade_relations(out):
        assert sum(out.at[cell] == C for cell in relation) != 1
    assert (out.loc[7] != C).all()
    assert mask.attrs["unprotected"] == []


def test_checker_catches_a_chain_that_one_relation_at_a_time_misses():
    # Sanity check of the checker itself: a suppressed cell recoverable only via a chain.
    table = cascade_table().astype({"a": object, "b": object})
    table.loc[0, "a"] = C
    table.loc[0, "b"] = C
    table.loc[1, "a"] = C
    # Column "b" has one suppressed cell: b0 is solved, then row 0 gives a0, then a1.
    assert solve(table, cascade_relations(table)) == {(0, "b"), (0, "a"), (1, "a")}


def test_unprotectable_cell_is_reported_and_zeros_can_protect_it():
    table = toy({"n": [3, 0, 0, 0, 0, 0, 0]})
    breakdown = Breakdown("rpb", WALES, ("indicator",), ("n",))
    with pytest.warns(DisclosureWarning):
        mask = suppress(table, ["n"], None, 10, below(table), breakdowns=[breakdown])
    assert mask.attrs["unprotected"] == [(0, "n")]
    assert mask["n"].sum() == 1  # nothing more suppressed: it cannot be helped
    with warnings.catch_warnings():
        warnings.simplefilter("error", DisclosureWarning)
        mask = suppress(
            table, ["n"], None, 10, below(table), breakdowns=[breakdown], zeros_as_last_resort=True
        )
    assert mask["n"].tolist() == [True, True, False, False, False, False, False, False]


def test_subset_is_suppressed_with_its_set():
    rows = [(rpb, 40, 12, 28, 0, 0, 11) for rpb in RPB_NAMES]
    rows[0] = ("Cardiff and Vale", 40, 3, 37, 0, 0, 0)
    rows[1] = ("Cwm Taf Morgannwg", 40, 12, 28, 0, 0, 11)
    total = [WALES] + [sum(r[i] for r in rows) for i in range(1, 7)]
    table = outcomes_toy([*rows, tuple(total)])
    out = control_outcomes_change(table)
    for label in out.index[out["reliable_improvement"] == C]:
        assert out.loc[label, "reliable_recovery"] in (C, 0)
    assert out.loc[0, "reliable_improvement"] == C


# ---------------------------------------------------------------------------------------------
# Other count tables
# ---------------------------------------------------------------------------------------------


def test_counts_table_with_breakdown_by_respondent_and_derived_share():
    records = []
    for i, rpb in enumerate(ROWS):
        for respondent, n, agree in (("child", 20 + i, 4 + i), ("parent", 30 + i, 20 + i)):
            records.append((rpb, respondent, n, agree))
    table = pd.DataFrame(records, columns=["rpb", "respondent_type", "n", "n_agree"])
    wales = table["rpb"] == WALES
    for col in ("n", "n_agree"):
        for respondent in ("child", "parent"):
            rows = (table["respondent_type"] == respondent) & ~wales
            table.loc[wales & (table["respondent_type"] == respondent), col] = table.loc[
                rows, col
            ].sum()
    alls = table.groupby("rpb", sort=False)[["n", "n_agree"]].sum().reset_index()
    alls.insert(1, "respondent_type", "all")
    table = pd.concat([table, alls], ignore_index=True)
    table["share"] = table["n_agree"] / table["n"]
    out = control_counts_table(
        table,
        ["n", "n_agree"],
        key_columns=("respondent_type",),
        derived={"share": "n"},
        follows=[("share", "n_agree")],
        breakdowns={"respondent_type": "all"},
    )
    rpb_rows = out["rpb"].isin(RPB_NAMES)
    assert check_no_small_counts(out, ["n", "n_agree"]) == []
    assert ((out["n_agree"] == C) <= (out["share"] == C)).all()
    relations = column_relations(out, ["respondent_type"], ["n", "n_agree"])
    for rpb in ROWS:
        labels = out.index[out["rpb"] == rpb]
        relations += [[(label, col) for label in labels] for col in ("n", "n_agree")]
    assert solve(out, relations) == set()
    assert (out.loc[~rpb_rows, ["n", "n_agree"]] != C).all().all()


def test_counts_table_without_wales_row_treats_the_total_as_known():
    table = pd.DataFrame({"unit": list(RPB_NAMES), "x": [3, 40, 35, 20, 50, 44, 31], "n": [80] * 7})
    table["proportion"] = table["x"] / table["n"]
    out = control_counts_table(
        table,
        ["x", "n"],
        rpb_column="unit",
        derived={"proportion": "n"},
        follows=[("proportion", "x")],
    )
    assert out["x"].tolist() == [C, 40, 35, C, 50, 44, 31]
    assert out["proportion"].tolist()[0] == C and out["proportion"].tolist()[3] == C


def test_check_no_small_counts_reports_violations():
    table = pd.DataFrame({"rpb": ["Powys", "Gwent", WALES], "n": [C, 4, 7], "m": [0, 12, 3]})
    problems = check_no_small_counts(table, ["n", "m"])
    assert len(problems) == 1 and "Gwent" in problems[0] and "n = 4" in problems[0]
    assert check_no_small_counts(table, ["n", "m"], threshold=4) == []


# ---------------------------------------------------------------------------------------------
# The real published tables
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables(demo_data):
    dt = distance.distance_travelled(demo_data, 2025)
    oc = distance.outcomes_change(demo_data["outcomes"], 2025)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DisclosureWarning)
        return {
            "dt": dt,
            "oc": oc,
            "dt_c": control_distance_travelled(dt),
            "oc_c": control_outcomes_change(oc),
            "dt_z": control_distance_travelled(dt, zeros_as_last_resort=True),
            "oc_z": control_outcomes_change(oc, zeros_as_last_resort=True),
        }


CATEGORIES = ("reliable_improvement", "no_reliable_change", "reliable_deterioration")


def outcomes_relations(original, out):
    relations = [
        [(label, c) for c in ("n_pairs", *CATEGORIES, "n_not_assessable")] for label in out.index
    ]
    hidden = set()
    for label in out.index:
        assessable = ("assessable", label)
        hidden.add(assessable)
        relations.append([*((label, c) for c in CATEGORIES), assessable])
        relations.append([assessable, (label, "n_not_assessable"), (label, "n_pairs")])
        for c in (*CATEGORIES, "reliable_recovery"):
            if original.at[label, c] != 0:
                relations.append([(label, c), (label, f"pct_{c}"), assessable])
        if original.loc[label, list(CATEGORIES)].sum() > 0:
            relations.append([(label, f"pct_{c}") for c in CATEGORIES])
    relations += column_relations(out, ["measure", "respondent"], disclosure.OUTCOMES_CHANGE_COUNTS)
    return relations, hidden


def test_real_outcomes_change_has_no_small_counts_and_cannot_be_solved(tables):
    oc, out = tables["oc"], tables["oc_c"]
    assert check_no_small_counts(out, disclosure.OUTCOMES_CHANGE_COUNTS) == []
    assert (out.loc[out["rpb"] == WALES, list(disclosure.OUTCOMES_CHANGE_COUNTS)] != C).all().all()
    relations, hidden = outcomes_relations(oc, out)
    recovered = solve(out, relations, hidden) & suppressed_cells(out)
    unprotected = set(out.attrs["unprotected"])
    assert recovered <= unprotected
    # What could not be protected: a count whose Wales total comes from that RPB alone.
    for label, col in unprotected:
        group = oc[(oc["measure"] == oc.at[label, "measure"]) & (oc["rpb"] != WALES)]
        others = group.drop(index=label)[col]
        assert (others == 0).all()
    # With zeros as a last resort nothing can be recovered.
    out_z = tables["oc_z"]
    relations, hidden = outcomes_relations(oc, out_z)
    assert solve(out_z, relations, hidden) & suppressed_cells(out_z) == set()
    assert out_z.attrs["unprotected"] == []


def test_real_outcomes_change_keeps_unsuppressed_values(tables):
    oc, out = tables["oc"], tables["oc_c"]
    kept = out != C
    for col in oc.columns:
        pd.testing.assert_series_equal(
            out.loc[kept[col], col].astype(oc[col].dtype), oc.loc[kept[col], col]
        )
    # Subset rule and percentages of suppressed counts.
    ri = out["reliable_improvement"] == C
    assert (out.loc[ri, "reliable_recovery"].isin([C, 0])).all()


PEOPLE = ("outcomes", "experiences", "access")
WAITING = "still_waiting_at_year_end"
INDICATOR = ["domain", "indicator", "element", "measure", "respondent", "item"]


def distance_relations(original, out, threshold=10):
    people = out["domain"].isin(PEOPLE)
    waiting = out["indicator"] == WAITING
    share = people & out["indicator"].str.startswith("share_")
    relations = [[(label, c) for c in ("baseline", "change", "current")] for label in out.index]
    relations += column_relations(out, INDICATOR, ["n"], people)
    relations += column_relations(out, INDICATOR, ["baseline", "current", "change"], waiting)
    hidden, sensitive = set(), set()
    numerators = []
    for label in out.index[share]:
        cell = ("numerator", label)
        hidden.add(cell)
        k = round(float(original.at[label, "current"]) * float(original.at[label, "n"]))
        if k:
            relations.append([(label, "current"), (label, "n"), cell])
        else:
            relations.append([(label, "current"), cell])
        if original.at[label, "rpb"] != WALES and 0 < k < threshold:
            sensitive.add(cell)
        numerators.append(label)
    for _, group in out.loc[numerators].groupby(INDICATOR, sort=False, dropna=False):
        if (group["rpb"] == WALES).sum() == 1:
            relations.append([("numerator", label) for label in group.index])
    rpb_people = people & out["rpb"].isin(RPB_NAMES)
    for _, group in original[rpb_people].groupby(["rpb", "domain", "n"]):
        labels = list(group.index)
        relations += [[(a, "n"), (b, "n")] for a, b in pairwise(labels)]
    return relations, hidden, sensitive


def test_real_distance_travelled_has_no_small_counts_and_cannot_be_solved(tables):
    dt, out = tables["dt"], tables["dt_c"]
    people = out["domain"].isin(PEOPLE)
    waiting = out["indicator"] == WAITING
    assert check_no_small_counts(out[people], ["n"]) == []
    assert check_no_small_counts(out[waiting], ["baseline", "current"]) == []
    # The demo has small counts to protect: RPB rows with n < 10 and still-waiting counts of 9.
    assert ((dt["n"] < 10) & people & dt["rpb"].isin(RPB_NAMES)).any()
    assert (dt.loc[waiting & dt["rpb"].isin(RPB_NAMES), "current"] < 10).any()
    # Implementation counts (of elements, not people) are left alone.
    implementation = out["domain"] == "implementation"
    assert (out.loc[implementation] != C).all().all()
    # No share times its n gives a count from 1 to 9 of people in an RPB.
    rpb_share = people & out["rpb"].isin(RPB_NAMES) & out["indicator"].str.startswith("share_")
    published = rpb_share & (out["current"] != C) & (out["n"] != C)
    implied = (dt.loc[published, "current"] * dt.loc[published, "n"]).round()
    assert not ((implied > 0) & (implied < 10)).any()
    # Values on fewer than 10 people are suppressed.
    small = people & (dt["n"] < 10) & dt["rpb"].isin(RPB_NAMES)
    assert (out.loc[small, ["current", "change", "n"]] == C).all().all()
    for key in ("dt_c", "dt_z"):
        out = tables[key]
        relations, hidden, sensitive = distance_relations(dt, out)
        recovered = solve(out, relations, hidden) & (suppressed_cells(out) | sensitive)
        assert recovered == set()
        assert out.attrs["unprotected"] == []
        assert (out.loc[out["rpb"] == WALES] != C).all().all()


def test_n_baseline_suppresses_baseline_change_and_interval(tables):
    dt = tables["dt"]
    n_baseline = dt["n"].astype(float)
    target = dt.index[(dt["domain"] == "experiences") & (dt["rpb"] == "Powys")][0]
    n_baseline[target] = 6
    out = control_distance_travelled(dt, n_baseline=n_baseline)
    assert (out.loc[target, ["baseline", "change", "ci_low", "ci_high"]] == C).all()
    assert out.loc[target, "current"] != C
    assert out.loc[target, "n"] != C


def test_suppression_is_deterministic(tables):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DisclosureWarning)
        again_oc = control_outcomes_change(tables["oc"].copy())
        again_dt = control_distance_travelled(tables["dt"].copy())
    pd.testing.assert_frame_equal(again_oc, tables["oc_c"])
    pd.testing.assert_frame_equal(again_dt, tables["dt_c"])
    assert again_oc.attrs["unprotected"] == tables["oc_c"].attrs["unprotected"]
