r"""Funnel plots for comparing proportions across units (e.g. Regional Partnership Boards).

Implements Spiegelhalter (2005) for proportions so that it holds at small denominators:

- target :math:`\bar p` = the pooled proportion :math:`\sum x_i / \sum n_i` unless given;
- **control limits are exact binomial**: for a unit of size :math:`n` and a probability
  :math:`P` (0.025 and 0.975 for 95% limits, 0.001 and 0.999 for 99.8%), :math:`r_P` is the
  smallest count with :math:`F(r_P) \ge P` under Binomial(:math:`n`, :math:`\bar p`), and the
  limit is interpolated between the discrete quantiles as Spiegelhalter (2005, appendix A.1.1)
  describes: :math:`(r_P - a)/n` with :math:`a = (F(r_P) - P)/(F(r_P) - F(r_P - 1))`, held
  within [0, 1]. The limits therefore exist only at whole :math:`n`;
- **a unit is flagged by its exact tail probability**: "above" a level when
  :math:`\Pr(X \ge x) < (1 - \text{level})/2` and "below" when
  :math:`\Pr(X \le x) < (1 - \text{level})/2`, :math:`X \sim` Binomial(:math:`n_i`,
  :math:`\bar p`). A flagged unit always lies beyond the limit drawn (strictly below the level
  means beyond the discrete quantile :math:`r_P`); a unit at the count :math:`r_P` itself can
  lie just past the interpolated line without being flagged (its tail probability is not
  below the level). This is what keeps, say, 6 of 6 against a target of 62.6%
  (probability 0.06) from being called "above 99.8%", as the normal approximation did;
- **overdispersion only where enough units support it**: from :data:`MIN_UNITS_OVERDISPERSION`
  units up, the additive random-effects allowance of Spiegelhalter (2005) and Spiegelhalter
  et al. (2012) is estimated as the NHS-R community's FunnelPlotR does: on the
  arcsine-square-root scale :math:`y_i = \arcsin\sqrt{p_i}`, :math:`\theta_0 =
  \arcsin\sqrt{\bar p}`, :math:`s_i = 1/(2\sqrt{n_i})`, :math:`z_i = (y_i - \theta_0)/s_i`;
  the :math:`z_i` Winsorised at their 10th and 90th percentiles; :math:`\hat\phi = \sum
  z_{w,i}^2 / k`; :math:`\hat\tau^2 = \max\{0, (k\hat\phi - (k - 1)) / (\sum w_i - \sum
  w_i^2/\sum w_i)\}`, :math:`w_i = 1/s_i^2`. The widened limits :math:`\sin^2(\theta_0 \pm
  z_\alpha\sqrt{s^2 + \tau^2})` (the transformed limit held within :math:`[0, \pi/2]`;
  :math:`z_\alpha` = 1.959964 for 95% and 3.090232 for 99.8%) replace the exact ones only where
  they are wider, and a unit is then flagged only when it lies beyond them *and* its exact
  tail probability is below the level. With fewer units :math:`\phi` is not estimated and the
  limits allow for chance (binomial) variation only.

Why a minimum number of units: :math:`\hat\phi` is a mean of :math:`k` squared z-scores, so
with no overdispersion at all its standard error is about :math:`\sqrt{2/k}` (0.53 for seven
units), and Winsorising "10% at each end" moves no whole unit until :math:`(k - 1) \times 0.1
\ge 1`, i.e. :math:`k \ge 11` (percentiles are R's default, Hyndman & Fan type 7, as in
FunnelPlotR; for seven units only the most extreme unit at each end is moved, 60% of the way
to its neighbour). FunnelPlotR itself sets no minimum: it widens the limits whenever
:math:`\hat\phi > 1`, from however few units. The rule here, at least 20 units, asks for a
:math:`\hat\phi` whose chance error (about 0.32) is well below the overdispersion it is meant
to detect, and for Winsorising that moves at least one whole unit at each end.

Units are flagged only by these rules; no league table or ranking is produced.

References
----------
.. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
   *Statistics in Medicine* 24, 1185-1202.
.. [2] Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators.
   *Quality and Safety in Health Care* 14, 347-351.
.. [3] Spiegelhalter, D. J., Sherlaw-Johnson, C., Bardsley, M., Blunt, I., Wood, C. and
   Grigg, O. (2012). Statistical methods for healthcare regulation: rating, screening and
   surveillance. *Journal of the Royal Statistical Society A* 175, 1-47.
.. [4] DerSimonian, R. and Laird, N. (1986). Meta-analysis in clinical trials. *Controlled
   Clinical Trials* 7, 177-188.
.. [5] Mainey, C. et al. FunnelPlotR: funnel plots for comparing institutional performance
   (R package, NHS-R Community).
.. [6] Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. *The
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
from scipy.stats import binom

__all__ = [
    "FLAG_WITHIN",
    "LEVELS",
    "MIN_UNITS_OVERDISPERSION",
    "OverdispersionResult",
    "arcsine_limits",
    "binomial_limits",
    "critical_value",
    "funnel_limits",
    "funnel_table",
    "level_label",
    "limit_columns",
    "overdispersion",
    "tail_probabilities",
]

LEVELS: tuple[float, ...] = (0.95, 0.998)
"""Default control-limit levels: 95% (about 2 SD) and 99.8% (about 3 SD)."""

MIN_UNITS_OVERDISPERSION = 20
"""Fewest units from which overdispersion is estimated and allowed for (module notes)."""

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


def _whole(values: np.ndarray, what: str) -> np.ndarray:
    """``values`` as floats, after checking they are whole numbers (counts)."""
    if np.any(values != np.round(values)):
        raise ValueError(f"every {what} must be a whole number for exact binomial limits")
    return values


def _checked_limit_arguments(
    n: float | Counts, target: float, levels: Sequence[float]
) -> tuple[np.ndarray, pd.Index | None]:
    """The denominators as a float array (and a Series' index), after checking the arguments."""
    if not 0.0 <= target <= 1.0:
        raise ValueError(f"target must be a proportion in [0, 1], got {target!r}")
    for level in levels:
        _check_level(level)
    index = n.index if isinstance(n, pd.Series) else None
    ns = np.atleast_1d(np.asarray(n, dtype=float)).ravel()
    if np.isnan(ns).any() or np.any(ns <= 0):
        raise ValueError("every n must be positive")
    return ns, index


def _binomial_quantile(prob: float, ns: np.ndarray, target: float) -> np.ndarray:
    r"""The smallest count :math:`r` with :math:`F(r) \ge` ``prob`` under Binomial(n, target).

    scipy's ``ppf``, with one step of correction each way against rounding in the search.
    """
    r = np.asarray(binom.ppf(prob, ns, target), dtype=float)
    r = np.where((r > 0) & (binom.cdf(r - 1, ns, target) >= prob), r - 1, r)
    return np.where((r < ns) & (binom.cdf(r, ns, target) < prob), r + 1, r)


def _interpolated_limit(prob: float, ns: np.ndarray, target: float) -> np.ndarray:
    r"""Spiegelhalter's (2005) interpolated binomial limit :math:`(r_P - a)/n`, within [0, 1]."""
    if target in (0.0, 1.0):  # no variation: the limits are the target
        return np.full(ns.shape, target)
    r = _binomial_quantile(prob, ns, target)
    below = binom.cdf(r - 1, ns, target)
    a = (binom.cdf(r, ns, target) - prob) / (binom.cdf(r, ns, target) - below)
    return np.clip((r - a) / ns, 0.0, 1.0)


def binomial_limits(
    n: float | Counts, target: float, levels: Sequence[float] = LEVELS
) -> pd.DataFrame:
    r"""Exact binomial control limits for proportions, interpolated as Spiegelhalter (2005).

    For each level and side, with :math:`P = (1 \mp \text{level})/2`: :math:`r_P` is the
    smallest count with :math:`F(r_P) \ge P` under Binomial(:math:`n`, target), and the limit
    is :math:`(r_P - a)/n` with :math:`a = (F(r_P) - P)/(F(r_P) - F(r_P - 1))`, held within
    [0, 1]. The interpolation joins the discrete quantiles into a curve over :math:`n`; it does
    not make every point beyond the curve unusual (see :func:`tail_probabilities`).

    Parameters
    ----------
    n : int or array_like
        Denominators: positive whole numbers (a Series keeps its index).
    target : float
        Target proportion in [0, 1].
    levels : sequence of float, default (0.95, 0.998)
        Two-sided coverages.

    Returns
    -------
    pandas.DataFrame
        Column ``n`` then ``lower_<label>`` and ``upper_<label>`` for each level (labels from
        :func:`level_label`, e.g. ``lower_95``, ``upper_99.8``).

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
       *Statistics in Medicine* 24, 1185-1202 (appendix A.1.1).

    Examples
    --------
    >>> binomial_limits([6, 100], 0.0600 ** (1 / 6)).round(4)
           n  lower_95  upper_95  lower_99.8  upper_99.8
    0    6.0    0.1344    0.9306      0.0000      0.9972
    1  100.0    0.5244    0.7146      0.4683      0.7663
    """
    ns, index = _checked_limit_arguments(n, target, levels)
    ns = _whole(ns, "n")
    columns: dict[str, np.ndarray] = {"n": ns}
    for level in levels:
        lower_name, upper_name = limit_columns(level)
        columns[lower_name] = _interpolated_limit((1.0 - level) / 2.0, ns, target)
        columns[upper_name] = _interpolated_limit((1.0 + level) / 2.0, ns, target)
    return pd.DataFrame(columns, index=index)


def arcsine_limits(
    n: float | Counts,
    target: float,
    tau2: float = 0.0,
    levels: Sequence[float] = LEVELS,
) -> pd.DataFrame:
    r"""Normal-approximation limits on the arcsine-square-root scale, optionally overdispersed.

    For each level, :math:`\sin^2(\theta_0 \pm z_\alpha\sqrt{1/(4n) + \tau^2})` with
    :math:`\theta_0 = \arcsin\sqrt{\text{target}}`, the transformed limit held within
    :math:`[0, \pi/2]` (so limits lie in [0, 1]). These are FunnelPlotR's limits for
    proportions; :func:`funnel_limits` uses them only to widen the exact limits for
    overdispersion, since at small :math:`n` the approximation is poor.

    Parameters
    ----------
    n : array_like
        Denominators, positive (need not be whole numbers).
    target : float
        Target proportion in [0, 1].
    tau2 : float, default 0.0
        Between-unit variance on the arcsine-square-root scale (:func:`overdispersion`).
    levels : sequence of float, default (0.95, 0.998)
        Two-sided coverages.

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`binomial_limits`.

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
       *Statistics in Medicine* 24, 1185-1202.

    Examples
    --------
    >>> arcsine_limits([25, 100], 0.4).round(4)
           n  lower_95  upper_95  lower_99.8  upper_99.8
    0   25.0    0.2204    0.5947      0.1346      0.7024
    1  100.0    0.3065    0.4973      0.2557      0.5537
    """
    ns, index = _checked_limit_arguments(n, target, levels)
    if not (tau2 >= 0.0 and math.isfinite(tau2)):
        raise ValueError(f"tau2 must be a non-negative number, got {tau2!r}")
    theta0 = math.asin(math.sqrt(target))
    spread = np.sqrt(1.0 / (4.0 * ns) + tau2)
    columns: dict[str, np.ndarray] = {"n": ns}
    for level in levels:
        z = critical_value(level)
        lower_name, upper_name = limit_columns(level)
        columns[lower_name] = np.sin(np.clip(theta0 - z * spread, 0.0, _HALF_PI)) ** 2
        columns[upper_name] = np.sin(np.clip(theta0 + z * spread, 0.0, _HALF_PI)) ** 2
    return pd.DataFrame(columns, index=index)


def funnel_limits(
    n: float | Counts,
    target: float,
    tau2: float = 0.0,
    levels: Sequence[float] = LEVELS,
) -> pd.DataFrame:
    r"""The control limits drawn and published: exact binomial, widened for overdispersion.

    :func:`binomial_limits`; where ``tau2`` > 0, each limit is the wider of that and the
    overdispersed :func:`arcsine_limits` (so the allowance for overdispersion never narrows
    the exact limits, which it would at small :math:`n`).

    Parameters
    ----------
    n : int or array_like
        Denominators: positive whole numbers (pass a grid of whole numbers to draw curves).
    target : float
        Target proportion in [0, 1].
    tau2 : float, default 0.0
        Between-unit variance on the arcsine-square-root scale; 0: exact limits only.
    levels : sequence of float, default (0.95, 0.998)
        Two-sided coverages.

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`binomial_limits`; a Series ``n`` keeps its index.

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
       *Statistics in Medicine* 24, 1185-1202.
    .. [2] Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators.
       *Quality and Safety in Health Care* 14, 347-351.

    Examples
    --------
    >>> funnel_limits([25, 100], 0.4).round(4)
           n  lower_95  upper_95  lower_99.8  upper_99.8
    0   25.0    0.1912    0.5777      0.0918      0.6889
    1  100.0    0.3001    0.4920      0.2470      0.5486
    >>> funnel_limits([25, 100], 0.4, tau2=0.002).round(4)
           n  lower_95  upper_95  lower_99.8  upper_99.8
    0   25.0    0.1912    0.6130      0.0918      0.7290
    1  100.0    0.2761    0.5308      0.2111      0.6058
    """
    exact = binomial_limits(n, target, levels)
    if not (tau2 >= 0.0 and math.isfinite(tau2)):
        raise ValueError(f"tau2 must be a non-negative number, got {tau2!r}")
    if tau2 == 0.0:
        return exact
    widened = arcsine_limits(n, target, tau2, levels)
    for level in levels:
        lower_name, upper_name = limit_columns(level)
        exact[lower_name] = np.minimum(exact[lower_name], widened[lower_name])
        exact[upper_name] = np.maximum(exact[upper_name], widened[upper_name])
    return exact


def tail_probabilities(x: Counts, n: Counts, target: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact binomial tail probabilities of each unit's count under the target.

    Parameters
    ----------
    x, n : array_like
        Counts and denominators, whole numbers, :math:`0 \le x \le n`, :math:`n > 0`.
    target : float
        Target proportion in [0, 1].

    Returns
    -------
    above, below : numpy.ndarray
        :math:`\Pr(X \ge x_i)` and :math:`\Pr(X \le x_i)` with :math:`X \sim`
        Binomial(:math:`n_i`, target).

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
       *Statistics in Medicine* 24, 1185-1202.

    Examples
    --------
    >>> above, below = tail_probabilities([6, 0], [6, 5], 0.0600 ** (1 / 6))
    >>> above.round(4).tolist(), below.round(4).tolist()
    ([0.06, 1.0], [1.0, 0.0073])
    """
    xs, ns = _counts(x, n)
    xs, ns = _whole(xs, "x"), _whole(ns, "n")
    if not 0.0 <= target <= 1.0:
        raise ValueError(f"target must be a proportion in [0, 1], got {target!r}")
    return binom.sf(xs - 1, ns, target), binom.cdf(xs, ns, target)


def _flags(
    proportion: np.ndarray,
    tails: tuple[np.ndarray, np.ndarray],
    limits: pd.DataFrame,
    levels: Sequence[float],
) -> list[str]:
    """Widest level whose one-sided probability a unit's exact tail is below, else within.

    A unit is flagged only where it also lies beyond the limit of :func:`funnel_limits`:
    implied by the tail probability alone, except in floating point at an exact tie, and, with
    overdispersion allowed for, the widened limit it must lie beyond.
    """
    above, below = tails
    flags = [FLAG_WITHIN] * len(proportion)
    for level in sorted(levels):  # widest last, so it wins
        side = (1.0 - level) / 2.0
        lower_name, upper_name = limit_columns(level)
        label = level_label(level)
        high = (above < side) & (proportion > limits[upper_name].to_numpy())
        low = (below < side) & (proportion < limits[lower_name].to_numpy())
        for i in np.flatnonzero(high):
            flags[i] = f"above {label}%"
        for i in np.flatnonzero(low):
            flags[i] = f"below {label}%"
    return flags


def _checked_table_inputs(
    units: Sequence[str], x: Counts, n: Counts, levels: Sequence[float]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Unit names as text and the counts as float arrays, after checking them and the levels."""
    names = [str(u) for u in units]
    xs, ns = _counts(x, n)
    xs, ns = _whole(xs, "x"), _whole(ns, "n")
    if len(names) != xs.size:
        raise ValueError("units, x and n must have the same length")
    if len(set(names)) != len(names):
        raise ValueError("unit names must be unique")
    for level in levels:
        _check_level(level)
    return names, xs, ns


def _estimated_dispersion(
    xs: np.ndarray, ns: np.ndarray, p_bar: float, min_units: int, winsor: float
) -> tuple[float, float]:
    """``phi`` and ``tau2`` of :func:`overdispersion`; NaN below ``min_units`` (not estimated)."""
    if xs.size >= max(min_units, 2):
        od = overdispersion(xs, ns, p_bar, winsor)
        return od.phi, od.tau2
    return math.nan, math.nan


def _unit_rows(
    names: list[str],
    xs: np.ndarray,
    ns: np.ndarray,
    p_bar: float,
    tau2: float,
    levels: Sequence[float],
) -> pd.DataFrame:
    """Each unit's proportion, z-scores, exact probability, limits at its own n and flag."""
    proportion = xs / ns
    z = _z_scores(xs, ns, p_bar)
    above, below = tail_probabilities(xs, ns, p_bar)
    limits = funnel_limits(ns, p_bar, tau2, levels)
    table = pd.DataFrame(
        {
            "unit": names,
            "x": xs,
            "n": ns,
            "proportion": proportion,
            "z": z,
            "z_adjusted": z / np.sqrt(1.0 + 4.0 * ns * tau2),
            "p_exact": np.minimum(above, below),
        }
    )
    table = pd.concat([table, limits.drop(columns="n")], axis=1)
    table["flag"] = _flags(proportion, (above, below), limits, levels)
    return table


def funnel_table(
    units: Sequence[str],
    x: Counts,
    n: Counts,
    target: float | None = None,
    overdispersed: bool = True,
    levels: Sequence[float] = LEVELS,
    winsor: float = 0.1,
    min_units: int = MIN_UNITS_OVERDISPERSION,
) -> pd.DataFrame:
    r"""One row per unit with its proportion, exact probability, limits at its own n, and flag.

    Parameters
    ----------
    units : sequence of str
        Unit names (unique), e.g. Regional Partnership Boards.
    x, n : array_like
        Numerators and (positive) denominators, whole numbers, in the order of ``units``.
    target : float, optional
        Target proportion; the pooled proportion when omitted.
    overdispersed : bool, default True
        Allow for overdispersion (:math:`\hat\tau^2` of :func:`overdispersion`) where there
        are at least ``min_units`` units; ``False`` never does.
    levels : sequence of float, default (0.95, 0.998)
        Control-limit levels.
    winsor : float, default 0.1
        Winsorising fraction at each end for :func:`overdispersion`.
    min_units : int, default :data:`MIN_UNITS_OVERDISPERSION`
        Fewest units from which overdispersion is estimated; with fewer, ``phi`` and
        ``tau2_estimated`` are NaN and the limits are exact binomial only.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit``, ``x``, ``n``, ``proportion``, ``z`` (Spiegelhalter's z on the
        arcsine-square-root scale), ``z_adjusted`` (:math:`(y_i - \theta_0)/\sqrt{s_i^2 +
        \tau^2}` with the :math:`\tau^2` used), ``p_exact`` (the smaller exact binomial tail
        probability, :math:`\min\{\Pr(X \ge x_i), \Pr(X \le x_i)\}`), the limits
        (:func:`funnel_limits`: ``lower_95``, ``upper_95``, ``lower_99.8``, ``upper_99.8`` for
        the default levels) and ``flag``: ``"above 99.8%"``, ``"above 95%"``, ``"within"``,
        ``"below 95%"`` or ``"below 99.8%"``, the widest level whose one-sided tail
        probability :math:`(1 - \text{level})/2` the unit's exact probability is below, and
        whose limit it lies beyond (with overdispersion allowed for, the widened limit). Rows keep
        the input order (no ranking). ``attrs`` holds ``target``, ``tau2`` (as used), ``phi``,
        ``tau2_estimated``, ``k``, ``levels``, ``overdispersed``, ``overdispersion_estimated``,
        ``min_units`` and ``winsor``, which
        :func:`nest_eval.reporting.figures.draw_funnel.plot_funnel` reads.

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
       *Statistics in Medicine* 24, 1185-1202.
    .. [2] Spiegelhalter, D. J. et al. (2012). Statistical methods for healthcare regulation:
       rating, screening and surveillance. *JRSS A* 175, 1-47.

    Examples
    --------
    >>> table = funnel_table(["A", "B", "C"], [30, 60, 20], [100, 120, 90])
    >>> table[["unit", "proportion", "p_exact", "flag"]].round(4)
      unit  proportion  p_exact         flag
    0    A      0.3000   0.1485       within
    1    B      0.5000   0.0008  above 99.8%
    2    C      0.2222   0.0047    below 95%
    """
    names, xs, ns = _checked_table_inputs(units, x, n, levels)
    if not 0.0 <= winsor < 0.5:
        raise ValueError(f"winsor must lie in [0, 0.5), got {winsor!r}")
    p_bar = _target(xs, ns, target)
    phi, tau2_estimated = _estimated_dispersion(xs, ns, p_bar, min_units, winsor)
    estimated = not math.isnan(tau2_estimated)
    tau2 = tau2_estimated if (overdispersed and estimated) else 0.0
    table = _unit_rows(names, xs, ns, p_bar, tau2, levels)
    table.attrs.update(
        target=p_bar,
        tau2=tau2,
        tau2_estimated=tau2_estimated,
        phi=phi,
        k=int(xs.size),
        levels=tuple(float(v) for v in levels),
        overdispersed=bool(overdispersed),
        overdispersion_estimated=estimated,
        min_units=int(min_units),
        winsor=float(winsor),
    )
    return table
