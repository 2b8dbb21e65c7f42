"""Tests for nest_eval.stats.funnel: Spiegelhalter (2005) funnel plots for proportions.

The expected values are worked out step by step below with the math module only, from the
published formulas (Spiegelhalter 2005, Stat Med 24:1185; spec/measures.md), independently of
the module's code path.
"""

from __future__ import annotations

import io
import math
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
    critical_value,
    funnel_limits,
    funnel_table,
    level_label,
    overdispersion,
)

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


def test_funnel_table_step_by_step():
    table = funnel_table(UNITS, X, N)
    assert list(table.columns) == [
        "unit", "x", "n", "proportion", "z", "z_adjusted",
        "lower_95", "upper_95", "lower_99.8", "upper_99.8", "flag",
    ]  # fmt: skip
    assert table["unit"].tolist() == UNITS  # input order, no ranking
    theta0, tau2 = EXPECTED["theta0"], EXPECTED["tau2"]
    for i, row in table.iterrows():
        assert row["proportion"] == pytest.approx(X[i] / N[i], abs=1e-15)
        assert row["z"] == pytest.approx(EXPECTED["z"][i], abs=1e-10)
        adjusted = (math.asin(math.sqrt(X[i] / N[i])) - theta0) / math.sqrt(
            EXPECTED["s"][i] ** 2 + tau2
        )
        assert row["z_adjusted"] == pytest.approx(adjusted, abs=1e-10)
        for level in LEVELS:
            label = level_label(level)
            low = limit_by_hand(theta0, N[i], tau2, level, -1)
            high = limit_by_hand(theta0, N[i], tau2, level, +1)
            assert row[f"lower_{label}"] == pytest.approx(low, abs=1e-10)
            assert row[f"upper_{label}"] == pytest.approx(high, abs=1e-10)
    assert table.attrs["tau2"] == pytest.approx(tau2, abs=1e-10)
    assert table.attrs["phi"] == pytest.approx(EXPECTED["phi"], abs=1e-10)


def expected_flag(p, lows, highs):
    # lows/highs ordered (95%, 99.8%): the widest limit exceeded wins
    if p > highs[1]:
        return "above 99.8%"
    if p > highs[0]:
        return "above 95%"
    if p < lows[1]:
        return "below 99.8%"
    if p < lows[0]:
        return "below 95%"
    return "within"


@pytest.mark.parametrize("overdispersed", [True, False])
def test_flags(overdispersed):
    table = funnel_table(UNITS, X, N, overdispersed=overdispersed)
    tau2 = EXPECTED["tau2"] if overdispersed else 0.0
    for i, row in table.iterrows():
        lows = [limit_by_hand(EXPECTED["theta0"], N[i], tau2, lv, -1) for lv in LEVELS]
        highs = [limit_by_hand(EXPECTED["theta0"], N[i], tau2, lv, +1) for lv in LEVELS]
        assert row["flag"] == expected_flag(X[i] / N[i], lows, highs)
    if overdispersed:
        assert table.set_index("unit")["flag"].to_dict() == {
            "Unit A": "within", "Unit B": "within", "Unit C": "within",
            "Unit D": "above 95%", "Unit E": "within", "Unit F": "within",
            "Unit G": "within", "Unit H": "within", "Unit I": "below 95%",
            "Unit J": "above 99.8%",
        }  # fmt: skip
    else:
        # narrower limits without the overdispersion allowance flag at least as many units
        wide = funnel_table(UNITS, X, N)
        assert (table["flag"] != "within").sum() >= (wide["flag"] != "within").sum()
        assert table.attrs["tau2"] == 0.0
        assert table.attrs["tau2_estimated"] == pytest.approx(EXPECTED["tau2"], abs=1e-10)


def test_tau2_is_zero_when_phi_at_most_k_minus_1_over_k():
    # proportions close to the target: little spread, phi < (k - 1)/k
    x = [30, 31, 29, 60, 45, 15, 30, 44]
    n = [100, 100, 100, 200, 150, 50, 101, 149]
    od = overdispersion(x, n)
    k = len(x)
    assert od.phi <= (k - 1) / k
    assert od.tau2 == 0.0
    assert by_hand(x, n)["tau2"] == 0.0
    plain = funnel_table(list("abcdefgh"), x, n, overdispersed=False)
    adjusted = funnel_table(list("abcdefgh"), x, n, overdispersed=True)
    assert plain.drop(columns="z_adjusted").equals(adjusted.drop(columns="z_adjusted"))
    # with more spread k phi - (k - 1) > 0 and tau2 becomes positive
    spread = overdispersion([10, 50, 30, 80, 45, 5, 30, 44], n)
    assert spread.phi > (k - 1) / k and spread.tau2 > 0


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


def test_limits_are_clipped_to_0_1_and_monotone():
    ns = np.array([1, 2, 3, 5, 10, 20, 50, 100, 1000])
    low_target = funnel_limits(ns, 0.02, tau2=0.001)
    assert (low_target["lower_99.8"].iloc[:5] == 0.0).all()
    assert np.all(np.diff(low_target["lower_99.8"]) >= 0)
    assert np.all(np.diff(low_target["upper_99.8"]) <= 0)
    high_target = funnel_limits(ns, 0.97)
    assert (high_target["upper_99.8"].iloc[:3] == 1.0).all()
    assert np.all(np.diff(high_target["upper_95"]) <= 0)
    assert funnel_limits(ns, 0.0)["lower_95"].eq(0.0).all()
    assert funnel_limits(ns, 1.0)["upper_95"].eq(1.0).all()
    for frame in (low_target, high_target):
        values = frame.drop(columns="n").to_numpy()
        assert np.all((values >= 0) & (values <= 1))
    by_series = funnel_limits(pd.Series([10.0, 40.0], index=["x", "y"]), 0.3)
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
    with pytest.raises(ValueError):
        funnel_limits([10], 1.2)
    one = funnel_table(["only"], [3], [10], overdispersed=False)
    assert one["flag"].tolist() == ["within"]


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
