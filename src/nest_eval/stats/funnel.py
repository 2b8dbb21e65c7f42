r"""Funnel plots for comparing proportions across units (e.g. Regional Partnership Boards).

Implements Spiegelhalter (2005) for proportions, with the arcsine-square-root (variance
stabilising) transform and an additive random-effects allowance for overdispersion:

- target :math:`\bar p` = the pooled proportion :math:`\sum x_i / \sum n_i` unless given;
- :math:`y_i = \arcsin\sqrt{p_i}`, target :math:`\theta_0 = \arcsin\sqrt{\bar p}`,
  :math:`s_i = 1/(2\sqrt{n_i})`, :math:`z_i = (y_i - \theta_0)/s_i`;
- Winsorise the :math:`z_i` at their 10th and 90th percentiles, :math:`\hat\phi =
  \sum z_{w,i}^2 / k`;
- :math:`\hat\tau^2 = \max\{0, (k\hat\phi - (k - 1)) / (\sum w_i - \sum w_i^2/\sum w_i)\}`,
  :math:`w_i = 1/s_i^2`;
- limits for a unit of size :math:`n`: :math:`\sin^2(\theta_0 \pm z_\alpha\sqrt{s^2 +
  \tau^2})`, with :math:`z_\alpha` the two-sided normal critical value of the level:
  1.959964 for 95% and 3.090232 for 99.8% (the 1.96 and 3.09 of the specification, to more
  places, as FunnelPlotR uses). The transformed limit is held within
  :math:`[0, \pi/2]` before back-transforming, so the limits stay in [0, 1] and are monotone in
  :math:`n` (without that, :math:`\sin^2` of an angle below 0 would fold back upwards).

Percentiles are R's default (Hyndman & Fan type 7, numpy's ``"linear"``), the convention of
the NHS-R community's FunnelPlotR (``quantile(z, 0.1)`` and ``quantile(z, 0.9)``, values beyond
them replaced by them). With :math:`k` units and fraction :math:`w` the lower cut point lies
at position :math:`h = (k - 1)w` (0-based) of the sorted :math:`z`, so :math:`\lceil h\rceil`
units are pulled in at each end (ties aside). For the seven RPBs, :math:`h = 0.6`: only the
single most extreme unit at each end is moved, and only 60% of the way towards its neighbour;
Winsorising "10% at each end" of seven values is coarse, and :math:`\hat\phi` rests on seven
numbers, so :math:`\hat\tau^2` is imprecise. Reports should say so.

Units are flagged only where their proportion lies strictly outside a limit; no league table
or ranking is produced.

References
----------
.. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
   *Statistics in Medicine* 24, 1185-1202.
.. [2] Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators.
   *Quality and Safety in Health Care* 14, 347-351.
.. [3] DerSimonian, R. and Laird, N. (1986). Meta-analysis in clinical trials. *Controlled
   Clinical Trials* 7, 177-188.
.. [4] Mainey, C. et al. FunnelPlotR: funnel plots for comparing institutional performance
   (R package, NHS-R Community).
.. [5] Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. *The
   American Statistician* 50, 361-365.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import TypeAlias

import numpy as np
import pandas as pd

__all__ = [
    "FLAG_WITHIN",
    "LEVELS",
    "OverdispersionResult",
    "critical_value",
    "funnel_limits",
    "funnel_table",
    "level_label",
    "limit_columns",
    "overdispersion",
]

LEVELS: tuple[float, ...] = (0.95, 0.998)
"""Default control-limit levels: 95% (about 2 SD) and 99.8% (about 3 SD)."""

FLAG_WITHIN = "within"
"""Flag of a unit inside all its limits."""

_HALF_PI = math.pi / 2.0

Counts: TypeAlias = Sequence[float] | np.ndarray | pd.Series
"""Numerators or denominators, one per unit."""


def level_label(level: float) -> str:
    """Percentage text of a level, used in column names and flags.

    Parameters
    ----------
    level : float
        Two-sided coverage in (0, 1).

    Returns
    -------
    str
        For example ``"95"`` for 0.95 and ``"99.8"`` for 0.998.

    Examples
    --------
    >>> level_label(0.95), level_label(0.998)
    ('95', '99.8')
    """
    _check_level(level)
    return f"{round(100.0 * level, 10):g}"


def critical_value(level: float) -> float:
    r"""Two-sided standard normal critical value of a control-limit level.

    Parameters
    ----------
    level : float
        Two-sided coverage in (0, 1).

    Returns
    -------
    float
        :math:`\Phi^{-1}((1 + \text{level})/2)`: 1.959964 for 0.95, 3.090232 for 0.998.

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
       *Statistics in Medicine* 24, 1185-1202.

    Examples
    --------
    >>> round(critical_value(0.95), 6), round(critical_value(0.998), 6)
    (1.959964, 3.090232)
    """
    _check_level(level)
    return NormalDist().inv_cdf((1.0 + level) / 2.0)


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"levels must lie strictly between 0 and 1, got {level!r}")


def limit_columns(level: float) -> tuple[str, str]:
    """Names of the lower and upper limit columns of a level, e.g. ``lower_95``, ``upper_95``."""
    label = level_label(level)
    return f"lower_{label}", f"upper_{label}"


def _counts(x: Counts, n: Counts) -> tuple[np.ndarray, np.ndarray]:
    xs = np.asarray(x, dtype=float).ravel()
    ns = np.asarray(n, dtype=float).ravel()
    if xs.shape != ns.shape:
        raise ValueError("x and n must have the same length")
    if np.isnan(xs).any() or np.isnan(ns).any():
        raise ValueError("x and n must not contain missing values")
    if np.any(ns <= 0):
        raise ValueError("every n must be positive")
    if np.any((xs < 0) | (xs > ns)):
        raise ValueError("every x must lie between 0 and its n")
    return xs, ns


def _target(xs: np.ndarray, ns: np.ndarray, target: float | None) -> float:
    if target is None:
        return float(xs.sum() / ns.sum())
    if not 0.0 <= target <= 1.0:
        raise ValueError(f"target must be a proportion in [0, 1], got {target!r}")
    return float(target)


def _z_scores(xs: np.ndarray, ns: np.ndarray, target: float) -> np.ndarray:
    r"""Spiegelhalter's z on the arcsine-square-root scale, :math:`(y_i - \theta_0)/s_i`."""
    y = np.arcsin(np.sqrt(xs / ns))
    return (y - math.asin(math.sqrt(target))) * 2.0 * np.sqrt(ns)


@dataclass(frozen=True)
class OverdispersionResult:
    r"""Overdispersion of proportions around a target (Spiegelhalter 2005).

    Attributes
    ----------
    phi : float
        :math:`\hat\phi = \sum z_{w,i}^2 / k`, the mean square of the Winsorised z-scores.
    tau2 : float
        :math:`\hat\tau^2`, the between-unit variance on the arcsine-square-root scale
        (0 when :math:`k\hat\phi \le k - 1`).
    k : int
        Number of units.
    target : float
        The target proportion the z-scores are measured from.
    z_lower, z_upper : float
        The Winsorising cut points (percentiles of the z-scores).
    n_winsorised_low, n_winsorised_high : int
        How many z-scores were pulled up to ``z_lower`` and down to ``z_upper``.
    z, z_winsorised : numpy.ndarray
        The unit z-scores before and after Winsorising, in input order.
    """

    phi: float
    tau2: float
    k: int
    target: float
    z_lower: float
    z_upper: float
    n_winsorised_low: int
    n_winsorised_high: int
    z: np.ndarray = field(repr=False, compare=False)
    z_winsorised: np.ndarray = field(repr=False, compare=False)


def _check_overdispersion_arguments(k: int, winsor: float) -> None:
    """Raise ValueError unless there are two units or more and ``winsor`` lies in [0, 0.5)."""
    if k < 2:
        raise ValueError("overdispersion needs at least two units")
    if not 0.0 <= winsor < 0.5:
        raise ValueError(f"winsor must lie in [0, 0.5), got {winsor!r}")


def _winsorise(z: np.ndarray, winsor: float) -> tuple[np.ndarray, float, float]:
    """The z-scores clipped to their ``winsor`` and ``1 - winsor`` type-7 percentiles, and those."""
    z_lower = float(np.quantile(z, winsor, method="linear"))
    z_upper = float(np.quantile(z, 1.0 - winsor, method="linear"))
    return np.clip(z, z_lower, z_upper), z_lower, z_upper


def _between_unit_variance(phi: float, k: int, ns: np.ndarray) -> float:
    """Between-unit variance tau^2 from phi, with weights w_i = 4 n_i, truncated at 0."""
    w = 4.0 * ns
    return max(0.0, (k * phi - (k - 1)) / (w.sum() - np.sum(w**2) / w.sum()))


def overdispersion(
    x: Counts,
    n: Counts,
    target: float | None = None,
    winsor: float = 0.1,
) -> OverdispersionResult:
    r"""Estimate overdispersion of unit proportions from Winsorised z-scores.

    :math:`z_i = (\arcsin\sqrt{p_i} - \arcsin\sqrt{\bar p}) / s_i` with
    :math:`s_i = 1/(2\sqrt{n_i})`; the :math:`z_i` are Winsorised at their ``winsor`` and
    ``1 - winsor`` percentiles (type 7, as FunnelPlotR); then
    :math:`\hat\phi = \sum z_{w,i}^2 / k` and

    .. math::

        \hat\tau^2 = \max\left\{0,
        \frac{k\hat\phi - (k - 1)}{\sum w_i - \sum w_i^2 / \sum w_i}\right\},
        \qquad w_i = 1/s_i^2 = 4 n_i.

    So :math:`\hat\tau^2 = 0` whenever :math:`\hat\phi \le (k - 1)/k`. See the module notes for
    what 10% Winsorising does with few units (for seven, one unit at each end is moved part way).

    Parameters
    ----------
    x : array_like
        Numerators (e.g. young people with a reliable improvement), one per unit.
    n : array_like
        Denominators, positive, one per unit.
    target : float, optional
        Target proportion; the pooled proportion :math:`\sum x / \sum n` when omitted.
    winsor : float, default 0.1
        Fraction Winsorised at each end, in [0, 0.5); 0 turns Winsorising off.

    Returns
    -------
    OverdispersionResult
        ``phi``, ``tau2``, ``k``, ``target`` and the Winsorising details.

    Raises
    ------
    ValueError
        With fewer than two units, or invalid counts.

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
       *Statistics in Medicine* 24, 1185-1202.
    .. [2] Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators.
       *Quality and Safety in Health Care* 14, 347-351.
    .. [3] DerSimonian, R. and Laird, N. (1986). Meta-analysis in clinical trials. *Controlled
       Clinical Trials* 7, 177-188.

    Examples
    --------
    >>> od = overdispersion([30, 45, 20, 70, 12], [100, 120, 90, 150, 60])
    >>> od.k, round(od.target, 4), round(od.phi, 4), round(od.tau2, 5)
    (5, 0.3404, 3.7139, 0.00894)
    """
    xs, ns = _counts(x, n)
    k = xs.size
    _check_overdispersion_arguments(k, winsor)
    p_bar = _target(xs, ns, target)
    z = _z_scores(xs, ns, p_bar)
    z_w, z_lower, z_upper = _winsorise(z, winsor)
    phi = float(np.sum(z_w**2) / k)
    tau2 = _between_unit_variance(phi, k, ns)
    return OverdispersionResult(
        phi=phi,
        tau2=float(tau2),
        k=k,
        target=p_bar,
        z_lower=z_lower,
        z_upper=z_upper,
        n_winsorised_low=int(np.count_nonzero(z < z_lower)),
        n_winsorised_high=int(np.count_nonzero(z > z_upper)),
        z=z,
        z_winsorised=z_w,
    )


def funnel_limits(
    n: float | Counts,
    target: float,
    tau2: float = 0.0,
    levels: Sequence[float] = LEVELS,
) -> pd.DataFrame:
    r"""Funnel-plot control limits for proportions at given denominators.

    For each level, :math:`\sin^2(\theta_0 \pm z_\alpha\sqrt{1/(4n) + \tau^2})` with
    :math:`\theta_0 = \arcsin\sqrt{\text{target}}`, the transformed limit held within
    :math:`[0, \pi/2]` (so limits lie in [0, 1]).

    Parameters
    ----------
    n : array_like
        Denominators, positive (need not be integers: pass a grid to draw smooth curves).
    target : float
        Target proportion in [0, 1].
    tau2 : float, default 0.0
        Between-unit variance on the arcsine-square-root scale (:func:`overdispersion`); 0 gives
        the unadjusted limits.
    levels : sequence of float, default (0.95, 0.998)
        Two-sided coverages.

    Returns
    -------
    pandas.DataFrame
        Column ``n`` then ``lower_<label>`` and ``upper_<label>`` for each level (labels from
        :func:`level_label`, e.g. ``lower_95``, ``upper_99.8``); a Series ``n`` keeps its index.

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
       *Statistics in Medicine* 24, 1185-1202.

    Examples
    --------
    >>> funnel_limits([25, 100], 0.4).round(4)
           n  lower_95  upper_95  lower_99.8  upper_99.8
    0   25.0    0.2204    0.5947      0.1346      0.7024
    1  100.0    0.3065    0.4973      0.2557      0.5537
    """
    if not 0.0 <= target <= 1.0:
        raise ValueError(f"target must be a proportion in [0, 1], got {target!r}")
    if not (tau2 >= 0.0 and math.isfinite(tau2)):
        raise ValueError(f"tau2 must be a non-negative number, got {tau2!r}")
    index = n.index if isinstance(n, pd.Series) else None
    ns = np.atleast_1d(np.asarray(n, dtype=float)).ravel()
    if np.any(ns <= 0):
        raise ValueError("every n must be positive")
    theta0 = math.asin(math.sqrt(target))
    spread = np.sqrt(1.0 / (4.0 * ns) + tau2)
    columns: dict[str, np.ndarray] = {"n": ns}
    for level in levels:
        z = critical_value(level)
        lower_name, upper_name = limit_columns(level)
        columns[lower_name] = np.sin(np.clip(theta0 - z * spread, 0.0, _HALF_PI)) ** 2
        columns[upper_name] = np.sin(np.clip(theta0 + z * spread, 0.0, _HALF_PI)) ** 2
    return pd.DataFrame(columns, index=index)


def _flags(proportion: np.ndarray, limits: pd.DataFrame, levels: Sequence[float]) -> list[str]:
    """Outermost level whose limit a unit lies strictly beyond, else ``within``."""
    flags = [FLAG_WITHIN] * len(proportion)
    for level in sorted(levels):  # widest last, so it wins
        lower_name, upper_name = limit_columns(level)
        label = level_label(level)
        above = proportion > limits[upper_name].to_numpy()
        below = proportion < limits[lower_name].to_numpy()
        for i in np.flatnonzero(above):
            flags[i] = f"above {label}%"
        for i in np.flatnonzero(below):
            flags[i] = f"below {label}%"
    return flags


def _checked_table_inputs(
    units: Sequence[str], x: Counts, n: Counts, levels: Sequence[float]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Unit names as text and the counts as float arrays, after checking them and the levels."""
    names = [str(u) for u in units]
    xs, ns = _counts(x, n)
    if len(names) != xs.size:
        raise ValueError("units, x and n must have the same length")
    if len(set(names)) != len(names):
        raise ValueError("unit names must be unique")
    for level in levels:
        _check_level(level)
    return names, xs, ns


def _estimated_dispersion(
    xs: np.ndarray, ns: np.ndarray, p_bar: float, overdispersed: bool, winsor: float
) -> tuple[float, float]:
    """``phi`` and the estimated ``tau2`` of :func:`overdispersion`; NaN for a single unit."""
    if xs.size >= 2:
        od = overdispersion(xs, ns, p_bar, winsor)
        return od.phi, od.tau2
    if overdispersed:
        raise ValueError("overdispersion needs at least two units; pass overdispersed=False")
    return math.nan, math.nan


def _unit_rows(
    names: list[str],
    xs: np.ndarray,
    ns: np.ndarray,
    p_bar: float,
    tau2: float,
    levels: Sequence[float],
) -> pd.DataFrame:
    """Each unit's proportion, z-scores, limits at its own n and flag, in input order."""
    proportion = xs / ns
    z = _z_scores(xs, ns, p_bar)
    z_adjusted = z / np.sqrt(1.0 + 4.0 * ns * tau2)
    limits = funnel_limits(ns, p_bar, tau2, levels)
    table = pd.DataFrame(
        {
            "unit": names,
            "x": xs,
            "n": ns,
            "proportion": proportion,
            "z": z,
            "z_adjusted": z_adjusted,
        }
    )
    table = pd.concat([table, limits.drop(columns="n")], axis=1)
    table["flag"] = _flags(proportion, limits, levels)
    return table


def funnel_table(
    units: Sequence[str],
    x: Counts,
    n: Counts,
    target: float | None = None,
    overdispersed: bool = True,
    levels: Sequence[float] = LEVELS,
    winsor: float = 0.1,
) -> pd.DataFrame:
    r"""One row per unit with its proportion, z-scores, limits at its own n, and flag.

    Parameters
    ----------
    units : sequence of str
        Unit names (unique), e.g. Regional Partnership Boards.
    x, n : array_like
        Numerators and (positive) denominators, in the order of ``units``.
    target : float, optional
        Target proportion; the pooled proportion when omitted.
    overdispersed : bool, default True
        Widen the limits by :math:`\hat\tau^2` from :func:`overdispersion` (which is 0 when
        there is no overdispersion); ``False`` gives the unadjusted limits.
    levels : sequence of float, default (0.95, 0.998)
        Control-limit levels.
    winsor : float, default 0.1
        Winsorising fraction at each end for :func:`overdispersion`.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit``, ``x``, ``n``, ``proportion``, ``z`` (Spiegelhalter's unadjusted
        :math:`z_i`), ``z_adjusted`` (:math:`(y_i - \theta_0)/\sqrt{s_i^2 + \tau^2}` with the
        :math:`\tau^2` used), the limits (``lower_95``, ``upper_95``, ``lower_99.8``,
        ``upper_99.8`` for the default levels) and ``flag``: ``"above 99.8%"``,
        ``"above 95%"``, ``"within"``, ``"below 95%"`` or ``"below 99.8%"``, the widest level
        whose limit the proportion lies strictly beyond. Rows keep the input order (no
        ranking). ``attrs`` holds ``target``, ``tau2`` (as used), ``phi``, ``tau2_estimated``,
        ``k``, ``levels``, ``overdispersed`` and ``winsor``, which
        :func:`nest_eval.reporting.figures.draw_funnel.plot_funnel` reads.

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
       *Statistics in Medicine* 24, 1185-1202.

    Examples
    --------
    >>> table = funnel_table(["A", "B", "C"], [30, 60, 20], [100, 120, 90])
    >>> table[["unit", "proportion", "flag"]].round(3)
      unit  proportion    flag
    0    A       0.300  within
    1    B       0.500  within
    2    C       0.222  within
    """
    names, xs, ns = _checked_table_inputs(units, x, n, levels)
    p_bar = _target(xs, ns, target)
    phi, tau2_estimated = _estimated_dispersion(xs, ns, p_bar, overdispersed, winsor)
    tau2 = tau2_estimated if overdispersed else 0.0
    table = _unit_rows(names, xs, ns, p_bar, tau2, levels)
    table.attrs.update(
        target=p_bar,
        tau2=tau2,
        tau2_estimated=tau2_estimated,
        phi=phi,
        k=int(xs.size),
        levels=tuple(float(v) for v in levels),
        overdispersed=bool(overdispersed),
        winsor=float(winsor),
    )
    return table
