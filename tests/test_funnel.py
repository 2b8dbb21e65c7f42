"""Tests for nest_eval.stats.funnel: Spiegelhalter (2005) funnel plots that hold at small n.

Two independent sources:

- the overdispersion steps are worked out below with the math module only, from the published
  formulas (Spiegelhalter 2005, Stat Med 24:1185; spec/measures.md);
- tests/results/funnel_reference.R reads tests/results/funnel_units.csv and writes
  tests/results/funnel_reference.csv (every number as sprintf("%.17g"); R is not needed here):
  the exact binomial limits and tail probabilities on base R's qbinom/pbinom, FunnelPlotR's
  phi, tau2, z-scores and arcsine limits, and the funnel table's rule written out in R. Its
  "meta" rows record the R and FunnelPlotR versions.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from pathlib import Path
from statistics import NormalDist

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from nest_eval.reporting.figures.draw_funnel import plot_funnel
from nest_eval.stats.funnel import (
    LEVELS,
    MIN_UNITS_OVERDISPERSION,
    arcsine_limits,
    binomial_limits,
    critical_value,
    funnel_limits,
    funnel_table,
    level_label,
    limit_columns,
    overdispersion,
    tail_probabilities,
)

RESULTS = Path(__file__).parent / "results"

# Against R: limits, probabilities, phi and tau2 agree to 2.7e-14 at most (an exact limit);
# 1e-12 leaves room for another platform's libm. FunnelPlotR writes its critical values to six
# decimals (1.959964, 3.090232), which moves its limits by up to 3.6e-8 here, so they are
# compared to 1e-7.
TOL = 1e-12
TOL_FUNNELPLOTR_LIMITS = 1e-7


def _load_reference() -> dict[str, dict[str, dict[str, str]]]:
    table = pd.read_csv(RESULTS / "funnel_reference.csv", dtype=str, keep_default_na=False)
    sections: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for section, case, field, value in table.itertuples(index=False):
        sections[section][case][field] = value
    return sections


REFERENCE = _load_reference()
DATASETS = {
    name: group.reset_index(drop=True)
    for name, group in pd.read_csv(RESULTS / "funnel_units.csv").groupby("dataset", sort=False)
}


def num(case: dict[str, str], field: str) -> float:
    return float(case[field])


UNITS = [f"Unit {c}" for c in "ABCDEFGHIJ"]
X = [20, 30, 45, 22, 80, 40, 56, 18, 75, 62]
N = [48, 75, 120, 36, 210, 95, 150, 60, 300, 82]


def quantile_type7(values, prob):
    """R's default quantile (Hyndman & Fan type 7) of a list, written out."""
    ordered = sorted(values)
    h = (len(ordered) - 1) * prob
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def by_hand(x, n, winsor=0.1, target=None):
    k = len(x)
    p_bar = sum(x) / sum(n) if target is None else target
    theta0 = math.asin(math.sqrt(p_bar))
    y = [math.asin(math.sqrt(xi / ni)) for xi, ni in zip(x, n, strict=True)]
    s = [1 / (2 * math.sqrt(ni)) for ni in n]
    z = [(yi - theta0) / si for yi, si in zip(y, s, strict=True)]
    z_low, z_high = quantile_type7(z, winsor), quantile_type7(z, 1 - winsor)
    z_w = [min(max(zi, z_low), z_high) for zi in z]
    phi = sum(zi**2 for zi in z_w) / k
    w = [1 / si**2 for si in s]
    tau2 = max(0.0, (k * phi - (k - 1)) / (sum(w) - sum(wi**2 for wi in w) / sum(w)))
    return {
        "p_bar": p_bar, "theta0": theta0, "s": s, "z": z, "z_low": z_low, "z_high": z_high,
        "z_w": z_w, "phi": phi, "tau2": tau2,
    }  # fmt: skip


def limit_by_hand(theta0, n, tau2, level, side):
    z = NormalDist().inv_cdf((1 + level) / 2)
    angle = theta0 + side * z * math.sqrt(1 / (4 * n) + tau2)
    return math.sin(min(max(angle, 0.0), math.pi / 2)) ** 2


EXPECTED = by_hand(X, N)


def test_critical_values_are_the_published_1_96_and_3_09():
    assert critical_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert critical_value(0.998) == pytest.approx(3.090232, abs=1e-6)
    assert round(critical_value(0.95), 2) == 1.96 and round(critical_value(0.998), 2) == 3.09
    assert [level_label(v) for v in LEVELS] == ["95", "99.8"]


def test_overdispersion_step_by_step():
    od = overdispersion(X, N)
    assert od.k == 10
    assert od.target == pytest.approx(EXPECTED["p_bar"], abs=1e-15)
    np.testing.assert_allclose(od.z, EXPECTED["z"], rtol=0, atol=1e-10)
    assert od.z_lower == pytest.approx(EXPECTED["z_low"], abs=1e-10)
    assert od.z_upper == pytest.approx(EXPECTED["z_high"], abs=1e-10)
    np.testing.assert_allclose(od.z_winsorised, EXPECTED["z_w"], rtol=0, atol=1e-10)
    assert od.phi == pytest.approx(EXPECTED["phi"], abs=1e-10)
    assert od.tau2 == pytest.approx(EXPECTED["tau2"], abs=1e-10)
    assert od.tau2 > 0 and od.phi > 1
    # k = 10: the cut points lie at position 0.9 of the sorted z, so one unit per end moves
    assert (od.n_winsorised_low, od.n_winsorised_high) == (1, 1)


def test_seven_units_winsorising_moves_one_unit_per_end_part_way():
    x = [12, 40, 33, 51, 20, 70, 25]
    n = [60, 110, 90, 130, 80, 150, 45]
    od = overdispersion(x, n)
    z = sorted(od.z)
    # type-7 10th percentile of 7 values: position (7 - 1) * 0.1 = 0.6
    assert od.z_lower == pytest.approx(z[0] + 0.6 * (z[1] - z[0]), abs=1e-12)
    assert od.z_upper == pytest.approx(z[6] - 0.6 * (z[6] - z[5]), abs=1e-12)
    assert (od.n_winsorised_low, od.n_winsorised_high) == (1, 1)
    expected = by_hand(x, n)
    assert od.phi == pytest.approx(expected["phi"], abs=1e-10)
    assert od.tau2 == pytest.approx(expected["tau2"], abs=1e-10)


def test_given_target_and_no_winsorising():
    od = overdispersion(X, N, target=0.4, winsor=0.0)
    expected = by_hand(X, N, winsor=0.0, target=0.4)
    assert od.target == 0.4
    assert od.phi == pytest.approx(sum(zi**2 for zi in expected["z"]) / 10, abs=1e-10)
    assert od.tau2 == pytest.approx(expected["tau2"], abs=1e-10)


# --- against R ---------------------------------------------------------------------------------


def test_reference_records_its_r_and_funnelplotr_versions():
    assert REFERENCE["meta"]["R"]["version"].startswith("R version ")
    assert REFERENCE["meta"]["FunnelPlotR"]["version"][0].isdigit()
    assert len(REFERENCE["binomial"]) > 250 and len(REFERENCE["tail"]) > 50
    assert set(DATASETS) == {"ten", "seven_small", "overdispersed", "twenty_flat"}


@pytest.mark.parametrize("level", LEVELS)
def test_exact_binomial_limits_match_r(level):
    cases = [c for c in REFERENCE["binomial"].values() if num(c, "level") == level]
    lower_name, upper_name = limit_columns(level)
    for target in sorted({num(c, "target") for c in cases}):
        rows = [c for c in cases if num(c, "target") == target]
        limits = binomial_limits([num(c, "n") for c in rows], target, (level,))
        np.testing.assert_allclose(limits[lower_name], [num(c, "lower") for c in rows], atol=TOL)
        np.testing.assert_allclose(limits[upper_name], [num(c, "upper") for c in rows], atol=TOL)


def test_tail_probabilities_match_r_pbinom():
    cases = list(REFERENCE["tail"].values())
    for target in sorted({num(c, "target") for c in cases}):
        rows = [c for c in cases if num(c, "target") == target]
        above, below = tail_probabilities(
            [num(c, "x") for c in rows], [num(c, "n") for c in rows], target
        )
        np.testing.assert_allclose(above, [num(c, "above") for c in rows], rtol=0, atol=TOL)
        np.testing.assert_allclose(below, [num(c, "below") for c in rows], rtol=0, atol=TOL)


@pytest.mark.parametrize("name", ["ten", "seven_small", "overdispersed", "twenty_flat"])
def test_overdispersion_matches_funnelplotr(name):
    units = DATASETS[name]
    expected = REFERENCE["funnelplotr"][name]
    od = overdispersion(units["x"], units["n"])
    assert od.k == int(expected["k"])
    assert od.target == pytest.approx(num(expected, "target"), abs=TOL)
    assert od.phi == pytest.approx(num(expected, "phi"), abs=TOL)
    assert od.tau2 == pytest.approx(num(expected, "tau2"), abs=TOL)
    z = [num(REFERENCE["funnelplotr_unit"][f"{name}/{u}"], "z") for u in units["unit"]]
    np.testing.assert_allclose(od.z, z, rtol=0, atol=TOL)


@pytest.mark.parametrize("name", ["ten", "overdispersed", "twenty_flat"])
def test_arcsine_limits_match_funnelplotr(name):
    units = DATASETS[name]
    tau2 = num(REFERENCE["funnelplotr"][name], "tau2")
    target = num(REFERENCE["funnelplotr"][name], "target")
    rows = [REFERENCE["funnelplotr_unit"][f"{name}/{u}"] for u in units["unit"]]
    for prefix, used in (("od_", tau2), ("plain_", 0.0)):
        limits = arcsine_limits(units["n"], target, used)
        for column in limits.columns.drop("n"):
            expected = [num(r, prefix + column) for r in rows]
            np.testing.assert_allclose(
                limits[column], expected, rtol=0, atol=TOL_FUNNELPLOTR_LIMITS
            )


@pytest.mark.parametrize("name", ["ten", "seven_small", "overdispersed", "twenty_flat"])
def test_funnel_table_matches_the_rule_written_out_in_r(name):
    units = DATASETS[name]
    summary = REFERENCE["table"][name]
    table = funnel_table(units["unit"].tolist(), units["x"], units["n"])
    assert table.attrs["k"] == int(summary["k"])
    assert table.attrs["overdispersion_estimated"] == (summary["estimated"] == "TRUE")
    assert table.attrs["tau2"] == pytest.approx(num(summary, "tau2"), abs=TOL)
    assert table.attrs["target"] == pytest.approx(num(summary, "target"), abs=TOL)
    for row in table.to_dict(orient="records"):
        expected = REFERENCE["table_unit"][f"{name}/{row['unit']}"]
        assert row["flag"] == expected["flag"], row["unit"]
        for column in ("p_exact", "lower_95", "upper_95", "lower_99.8", "upper_99.8"):
            assert row[column] == pytest.approx(num(expected, column), abs=TOL), column


def test_reference_flags_cover_both_rules():
    flags = {
        case: fields["flag"]
        for case, fields in REFERENCE["table_unit"].items()
        if fields["flag"] != "within"
    }
    assert flags == {
        "ten/U04": "above 95%",
        "ten/U09": "below 99.8%",
        "ten/U10": "above 99.8%",
        "overdispersed/U25": "above 99.8%",
        # 5 of 5: past the widened 99.8% limit, but its exact probability (0.0085) is not
        # below 0.1%, so it is flagged at 95% only
        "overdispersed/U26": "above 95%",
    }
    u26 = REFERENCE["funnelplotr_unit"]["overdispersed/U26"]
    assert num(u26, "od_upper_99.8") < 1.0
    assert 0.001 < num(REFERENCE["table_unit"]["overdispersed/U26"], "p_exact") < 0.025


# --- small n: the reported case ------------------------------------------------------------------


def test_six_of_six_with_an_exact_probability_of_006_is_not_flagged():
    target = 0.06 ** (1 / 6)  # a Wales rate at which 6 of 6 has probability 0.06
    units = ["A", "B", "C", "D", "E", "F", "G"]
    table = funnel_table(units, [6, 4, 4, 3, 4, 4, 3], [6, 6, 6, 5, 6, 6, 5], target=target)
    a = table.iloc[0]
    assert a["p_exact"] == pytest.approx(0.06, abs=1e-12)
    assert a["flag"] == "within"
    # the normal approximation on the arcsine scale put 6 of 6 above its 99.8% limit
    assert arcsine_limits([6], target)["upper_99.8"].iloc[0] < 1.0
    # the exact limit is drawn just below 100%: interpolated, 6 of 6 can lie past it unflagged
    assert a["upper_99.8"] < 1.0 and a["proportion"] > a["upper_99.8"]
    # no overdispersion is estimated from seven units
    assert math.isnan(table.attrs["phi"]) and table.attrs["tau2"] == 0.0
    assert not table.attrs["overdispersion_estimated"]


def test_six_of_six_against_the_pooled_rate_of_seven_rpbs():
    # six RPBs at 62 of 100 and one at 6 of 6: Wales 378/606, P(6 of 6) = 0.059
    table = funnel_table(list("ABCDEFG"), [6] + [62] * 6, [6] + [100] * 6)
    assert table.attrs["target"] == pytest.approx(378 / 606, abs=1e-15)
    assert table["p_exact"].iloc[0] == pytest.approx((378 / 606) ** 6, rel=1e-12)
    assert table["flag"].tolist() == ["within"] * 7


def test_zero_of_five_is_not_flagged_either():
    # demo data: 0 of 5 against a quarter; P(0 of 5) = 0.237, once flagged "below 95%"
    table = funnel_table(list("ABCDEFG"), [3, 1, 5, 2, 1, 1, 0], [10, 4, 9, 10, 4, 10, 5])
    assert table["flag"].eq("within").all()
    assert table["p_exact"].iloc[6] == pytest.approx((1 - table.attrs["target"]) ** 5)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("target", [0.1, 0.3, 0.626, 0.9])
def test_flags_follow_the_exact_tail_and_lie_beyond_the_limits(level, target):
    # every count of every n from 1 to 40: flagged exactly when its tail probability is below
    # (1 - level)/2 (away from exact ties such as 0 of 3 against 90%, 0.1 ** 3 = 0.001, where
    # floating point decides), and a flagged count always lies beyond the limit drawn
    ns = np.repeat(np.arange(1, 41), np.arange(2, 42))
    xs = np.concatenate([np.arange(0, m + 1) for m in range(1, 41)])
    names = [str(i) for i in range(xs.size)]
    table = funnel_table(names, xs, ns, target, overdispersed=False, levels=(level,))
    above, below = tail_probabilities(xs, ns, target)
    side = (1 - level) / 2
    label = level_label(level)
    clear = (np.abs(above - side) > 1e-12) & (np.abs(below - side) > 1e-12)
    assert clear.sum() > 800
    up, down = table["flag"] == f"above {label}%", table["flag"] == f"below {label}%"
    np.testing.assert_array_equal(up[clear], (above < side)[clear])
    np.testing.assert_array_equal(down[clear], (below < side)[clear])
    lower_name, upper_name = limit_columns(level)
    assert (table.loc[up, "proportion"] > table.loc[up, upper_name]).all()
    assert (table.loc[down, "proportion"] < table.loc[down, lower_name]).all()


# --- overdispersion only from enough units --------------------------------------------------------


def _spread_units(k: int) -> tuple[list[str], list[int], list[int]]:
    ns = [60 + 7 * i for i in range(k)]
    xs = [round(m * (0.3 + 0.2 * math.sin(1.3 * i))) for i, m in enumerate(ns)]
    return [f"U{i}" for i in range(k)], xs, ns


def test_overdispersion_is_estimated_only_from_the_minimum_number_of_units():
    assert MIN_UNITS_OVERDISPERSION == 20
    few = funnel_table(*_spread_units(MIN_UNITS_OVERDISPERSION - 1))
    assert not few.attrs["overdispersion_estimated"]
    assert math.isnan(few.attrs["phi"]) and math.isnan(few.attrs["tau2_estimated"])
    assert few.attrs["tau2"] == 0.0
    assert few["z_adjusted"].equals(few["z"])
    enough = funnel_table(*_spread_units(MIN_UNITS_OVERDISPERSION))
    od = overdispersion(*_spread_units(MIN_UNITS_OVERDISPERSION)[1:])
    assert enough.attrs["overdispersion_estimated"]
    assert enough.attrs["phi"] == pytest.approx(od.phi, abs=1e-15) and od.phi > 1
    assert enough.attrs["tau2"] == pytest.approx(od.tau2, abs=1e-15) and od.tau2 > 0
    # widened limits flag fewer units
    plain = funnel_table(*_spread_units(MIN_UNITS_OVERDISPERSION), overdispersed=False)
    assert plain.attrs["tau2"] == 0.0
    assert plain.attrs["tau2_estimated"] == pytest.approx(od.tau2, abs=1e-15)
    assert (plain["flag"] != "within").sum() > (enough["flag"] != "within").sum()
    # a lower minimum is an argument, for other uses of the module
    assert funnel_table(*_spread_units(10), min_units=10).attrs["overdispersion_estimated"]


def test_widened_limits_never_narrow_the_exact_ones():
    ns = np.arange(1, 301)
    for target in (0.05, 0.4, 0.9):
        exact = binomial_limits(ns, target)
        widened = funnel_limits(ns, target, tau2=0.01)
        approx = arcsine_limits(ns, target, tau2=0.01)
        for level in LEVELS:
            lower_name, upper_name = limit_columns(level)
            assert (widened[lower_name] <= exact[lower_name]).all()
            assert (widened[upper_name] >= exact[upper_name]).all()
            np.testing.assert_array_equal(
                widened[upper_name], np.maximum(exact[upper_name], approx[upper_name])
            )
        # at large n the widened limits are the arcsine ones
        assert widened["upper_95"].iloc[-1] == approx["upper_95"].iloc[-1]
    assert funnel_limits(ns, 0.4).equals(binomial_limits(ns, 0.4))


def test_tau2_is_zero_when_phi_at_most_k_minus_1_over_k():
    # proportions close to the target: little spread, phi < (k - 1)/k
    x = [30, 31, 29, 60, 45, 15, 30, 44]
    n = [100, 100, 100, 200, 150, 50, 101, 149]
    od = overdispersion(x, n)
    k = len(x)
    assert od.phi <= (k - 1) / k
    assert od.tau2 == 0.0
    assert by_hand(x, n)["tau2"] == 0.0
    spread = overdispersion([10, 50, 30, 80, 45, 5, 30, 44], n)
    assert spread.phi > (k - 1) / k and spread.tau2 > 0


def test_arcsine_limits_step_by_step():
    theta0, tau2 = EXPECTED["theta0"], EXPECTED["tau2"]
    limits = arcsine_limits(N, EXPECTED["p_bar"], tau2)
    for i, m in enumerate(N):
        for level in LEVELS:
            lower_name, upper_name = limit_columns(level)
            low = limit_by_hand(theta0, m, tau2, level, -1)
            assert limits[lower_name].iloc[i] == pytest.approx(low, abs=1e-12)
            high = limit_by_hand(theta0, m, tau2, level, +1)
            assert limits[upper_name].iloc[i] == pytest.approx(high, abs=1e-12)


def test_limits_stay_in_0_1_and_keep_a_series_index():
    ns = np.array([1, 2, 3, 5, 10, 20, 50, 100, 1000])
    for target in (0.0, 0.02, 0.5, 0.97, 1.0):
        values = funnel_limits(ns, target, tau2=0.001).drop(columns="n").to_numpy()
        assert np.all((values >= 0) & (values <= 1))
    assert funnel_limits(ns, 0.0)["upper_99.8"].eq(0.0).all()
    assert funnel_limits(ns, 1.0)["lower_99.8"].eq(1.0).all()
    low_target = arcsine_limits(ns, 0.02, tau2=0.001)
    assert (low_target["lower_99.8"].iloc[:5] == 0.0).all()
    assert np.all(np.diff(low_target["upper_99.8"]) <= 0)
    by_series = funnel_limits(pd.Series([10, 40], index=["x", "y"]), 0.3)
    assert list(by_series.index) == ["x", "y"]
    single = funnel_limits(50, 0.3, levels=(0.9,))
    assert list(single.columns) == ["n", "lower_90", "upper_90"] and len(single) == 1


def test_invalid_input():
    with pytest.raises(ValueError):
        overdispersion([1], [10])
    with pytest.raises(ValueError):
        overdispersion([11, 2], [10, 10])
    with pytest.raises(ValueError):
        overdispersion([1, 2], [0, 10])
    with pytest.raises(ValueError):
        funnel_table(["a", "a"], [1, 2], [10, 10])
    with pytest.raises(ValueError):
        funnel_table(["a"], [1, 2], [10, 10])
    with pytest.raises(ValueError, match="whole number"):
        funnel_table(["a", "b"], [1.5, 2], [10, 10])
    with pytest.raises(ValueError, match="whole number"):
        binomial_limits([10.5], 0.3)
    with pytest.raises(ValueError):
        funnel_limits([10], 1.2)
    with pytest.raises(ValueError):
        funnel_limits([10], 0.3, tau2=-1.0)
    one = funnel_table(["only"], [3], [10])
    assert one["flag"].tolist() == ["within"] and math.isnan(one.attrs["phi"])


def test_funnel_table_columns_and_order():
    table = funnel_table(UNITS, X, N)
    assert list(table.columns) == [
        "unit", "x", "n", "proportion", "z", "z_adjusted", "p_exact",
        "lower_95", "upper_95", "lower_99.8", "upper_99.8", "flag",
    ]  # fmt: skip
    assert table["unit"].tolist() == UNITS  # input order, no ranking
    np.testing.assert_allclose(table["z"], EXPECTED["z"], rtol=0, atol=1e-12)
    assert table.attrs["levels"] == LEVELS and table.attrs["min_units"] == 20


# --- drawing -------------------------------------------------------------------------------------


def test_plot_returns_figure_labels_only_flagged_units_and_is_deterministic():
    table = funnel_table(UNITS, X, N)
    fig = plot_funnel(table, title="Reliable improvement by unit")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    labels = sorted(t.get_text() for t in ax.texts)
    flagged = sorted(table.loc[table["flag"] != "within", "unit"])
    assert labels == flagged == ["Unit D", "Unit I", "Unit J"]
    assert ax.get_title() == "Reliable improvement by unit"
    assert len(ax.lines) == 5  # two curves per level and the target line
    # the curves are the exact limits at whole numbers of people
    upper = ax.lines[2]
    grid = np.asarray(upper.get_xdata())
    assert np.all(grid == np.round(grid)) and grid.min() >= 1
    expected = funnel_limits(grid, table.attrs["target"])["upper_99.8"]
    np.testing.assert_allclose(upper.get_ydata(), expected, rtol=0, atol=1e-15)
    lo, hi = ax.get_ylim()
    assert 0.0 <= lo < hi <= 1.0
    images = []
    for _ in range(2):
        buffer = io.BytesIO()
        plot_funnel(table).savefig(buffer, format="png")
        images.append(buffer.getvalue())
    assert images[0] == images[1]


def test_plot_on_given_axes_and_without_attrs():
    table = funnel_table(UNITS, X, N)
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_funnel(table, ax=ax, xlabel="Young people", ylabel="Improved") is fig
    assert ax.get_xlabel() == "Young people"
    bare = pd.DataFrame(table.to_dict())
    assert bare.attrs == {}
    with pytest.raises(ValueError):
        plot_funnel(bare)
    assert isinstance(plot_funnel(bare, target=EXPECTED["p_bar"], tau2=0.0), Figure)
