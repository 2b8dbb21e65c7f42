"""Confidence intervals for proportions, means, quantiles and the standardised mean change.

Every function is pure and vectorised: arguments may be scalars, numpy arrays or pandas Series
(broadcast against each other), and the results have the broadcast shape; a Series argument
makes every result a Series on its index, and all-scalar arguments give plain floats. Missing
values (NaN) propagate. Functions that take a *sample* (``values``, ``pre``/``post``) drop its
missing values first, as R does with ``na.action = na.omit``.

Results are named tuples, so ``low, high = wilson_interval(x, n)`` and
``ci = wilson_interval(x, n); ci.low`` both work.

Each statistic was checked against R 4.2.2 (``stats``, ``metafor`` 3.8-1) on the committed
samples in ``tests/results/``; ``tests/results/intervals_reference.R`` makes the reference values.

References
----------
.. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
   inference. *Journal of the American Statistical Association* 22, 209-212.
.. [2] Newcombe, R. G. (1998a). Two-sided confidence intervals for the single proportion:
   comparison of seven methods. *Statistics in Medicine* 17, 857-872.
.. [3] Newcombe, R. G. (1998b). Interval estimation for the difference between independent
   proportions: comparison of eleven methods. *Statistics in Medicine* 17, 873-890.
.. [4] Welch, B. L. (1947). The generalization of "Student's" problem when several different
   population variances are involved. *Biometrika* 34, 28-35.
.. [5] Conover, W. J. (1999). *Practical Nonparametric Statistics*, 3rd ed., section 3.2.
   New York: Wiley.
.. [6] Hahn, G. J. and Meeker, W. Q. (1991). *Statistical Intervals: A Guide for
   Practitioners*, chapter 5. New York: Wiley.
.. [7] Becker, B. J. (1988). Synthesizing standardized mean-change measures. *British Journal
   of Mathematical and Statistical Psychology* 41, 257-278.
.. [8] Morris, S. B. (2000). Distribution of the standardized mean change effect size for
   meta-analysis on repeated measures. *British Journal of Mathematical and Statistical
   Psychology* 53, 17-29.
.. [9] Morris, S. B. and DeShon, R. P. (2002). Combining effect size estimates in
   meta-analysis with repeated measures and independent-groups designs. *Psychological
   Methods* 7, 105-125.
.. [10] Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and
   related estimators. *Journal of Educational Statistics* 6, 107-128.
.. [11] Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package.
   *Journal of Statistical Software* 36(3), 1-48.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, NamedTuple, TypeAlias

import numpy as np
import pandas as pd
from scipy import special, stats

__all__ = [
    "Estimate",
    "Interval",
    "OrderStatistics",
    "StandardisedMeanChange",
    "mean_difference_interval",
    "mean_interval",
    "proportion_difference_interval",
    "quantile_interval",
    "quantile_order_statistics",
    "standardised_mean_change",
    "standardised_mean_change_summary",
    "wilson_interval",
]

Values: TypeAlias = float | np.ndarray | pd.Series
"""A float (all-scalar arguments), an array, or a Series (when any argument is a Series)."""

ArrayLike: TypeAlias = float | int | np.ndarray | pd.Series | Sequence[float]
"""Anything numeric that numpy can broadcast."""


class Interval(NamedTuple):
    """Lower and upper confidence limits."""

    low: Values
    high: Values


class Estimate(NamedTuple):
    """A point estimate with its lower and upper confidence limits."""

    estimate: Values
    low: Values
    high: Values


class OrderStatistics(NamedTuple):
    """1-based ranks of the order statistics bounding a quantile, and the interval's coverage.

    ``lower_rank == 0`` means there is no finite lower limit and ``upper_rank == n + 1`` no
    finite upper limit.
    """

    lower_rank: Values
    upper_rank: Values
    coverage: Values


class StandardisedMeanChange(NamedTuple):
    """Standardised mean change with its confidence limits and sampling variance."""

    smc: Values
    low: Values
    high: Values
    variance: Values


# --- shared plumbing ---------------------------------------------------------------------------


class _Shape:
    """Remembers how to hand results back in the shape the caller used."""

    def __init__(self, index: pd.Index | None, scalar: bool) -> None:
        self.index = index
        self.scalar = scalar

    def out(self, values: np.ndarray) -> Values:
        if self.index is not None:
            return pd.Series(np.asarray(values, dtype=float), index=self.index)
        if self.scalar:
            return float(values)
        return np.asarray(values, dtype=float)


def _broadcast(*args: Any) -> tuple[list[np.ndarray], _Shape]:
    """Convert arguments to float arrays of one broadcast shape, keeping a Series index."""
    index: pd.Index | None = None
    scalar = True
    arrays: list[np.ndarray] = []
    for arg in args:
        if isinstance(arg, pd.Series):
            if index is None:
                index = arg.index
            elif not arg.index.equals(index):
                raise ValueError("Series arguments must share one index")
            arrays.append(arg.to_numpy(dtype=float, na_value=np.nan))
            scalar = False
        else:
            array = np.asarray(arg, dtype=float)
            scalar = scalar and array.ndim == 0
            arrays.append(array)
    broadcast = [np.array(a, dtype=float) for a in np.broadcast_arrays(*arrays)]
    if index is not None and (broadcast[0].ndim != 1 or len(broadcast[0]) != len(index)):
        raise ValueError("Series arguments must broadcast to the Series' own length")
    return broadcast, _Shape(index, scalar)


def _as_float_array(values: ArrayLike) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(values, dtype=float)


def _sample(values: ArrayLike, name: str = "values") -> np.ndarray:
    """A 1-D float sample with missing values dropped."""
    array = _as_float_array(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    return array[~np.isnan(array)]


def _z(confidence: float) -> float:
    """Two-sided standard normal critical value, ``qnorm((1 + confidence) / 2)``."""
    _check_confidence(confidence)
    return float(stats.norm.ppf((1.0 + confidence) / 2.0))


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")


def _check_counts(x: np.ndarray, n: np.ndarray) -> None:
    with np.errstate(invalid="ignore"):
        if np.any(n < 0):
            raise ValueError("n must be non-negative")
        if np.any((x < 0) | (x > n)):
            raise ValueError("successes must lie between 0 and n")


# --- proportions -------------------------------------------------------------------------------


def _wilson(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson limits on arrays, in the arrangement R's ``prop.test`` uses."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        z22n = z**2 / (2.0 * n)
        root = z * np.sqrt(p * (1.0 - p) / n + z22n / (2.0 * n))
        low = np.where(p <= 0.0, 0.0, (p + z22n - root) / (1.0 + 2.0 * z22n))
        high = np.where(p >= 1.0, 1.0, (p + z22n + root) / (1.0 + 2.0 * z22n))
    empty = (n == 0) | np.isnan(p)
    low = np.where(empty, np.nan, np.clip(low, 0.0, 1.0))
    high = np.where(empty, np.nan, np.clip(high, 0.0, 1.0))
    return low, high


def wilson_interval(successes: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> Interval:
    r"""Wilson score interval for a binomial proportion, without continuity correction.

    With :math:`\hat p = x/n` and :math:`z` the two-sided normal critical value, the limits are
    the roots in :math:`p` of :math:`(\hat p - p)^2 = z^2 p(1 - p)/n`:

    .. math::

        \frac{\hat p + z^2/(2n) \pm z\sqrt{\hat p(1 - \hat p)/n + z^2/(4n^2)}}{1 + z^2/n}.

    The lower limit is exactly 0 when :math:`x = 0` and the upper limit exactly 1 when
    :math:`x = n`, as in R's ``prop.test(x, n, correct = FALSE)``.

    Parameters
    ----------
    successes : array_like
        Number of successes :math:`x`, with :math:`0 \le x \le n` (need not be an integer).
    n : array_like
        Number of trials. ``n = 0`` gives NaN limits.
    confidence : float, default 0.95
        Two-sided confidence level.

    Returns
    -------
    Interval
        ``(low, high)`` in the broadcast shape of the arguments.

    Raises
    ------
    ValueError
        If ``n < 0``, ``successes`` lies outside ``[0, n]``, or ``confidence`` is not in (0, 1).

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
       inference. *Journal of the American Statistical Association* 22, 209-212.
    .. [2] Newcombe, R. G. (1998a). Two-sided confidence intervals for the single proportion:
       comparison of seven methods. *Statistics in Medicine* 17, 857-872 (method 3).

    Examples
    --------
    >>> low, high = wilson_interval(56, 70)
    >>> round(low, 4), round(high, 4)
    (0.6918, 0.877)
    >>> wilson_interval(0, 10).low
    0.0
    """
    z = _z(confidence)
    (x, nn), shape = _broadcast(successes, n)
    _check_counts(x, nn)
    low, high = _wilson(x, nn, z)
    return Interval(shape.out(low), shape.out(high))


def proportion_difference_interval(
    x1: ArrayLike,
    n1: ArrayLike,
    x0: ArrayLike,
    n0: ArrayLike,
    confidence: float = 0.95,
) -> Estimate:
    r"""Difference of two independent proportions with Newcombe's hybrid score interval.

    The estimate is :math:`d = \hat p_1 - \hat p_0`. With Wilson limits
    :math:`(l_1, u_1)` for :math:`p_1` and :math:`(l_0, u_0)` for :math:`p_0`
    (:func:`wilson_interval`), method 10 of Newcombe (1998b) gives

    .. math::

        d - \sqrt{(\hat p_1 - l_1)^2 + (u_0 - \hat p_0)^2}
        \quad\text{to}\quad
        d + \sqrt{(u_1 - \hat p_1)^2 + (\hat p_0 - l_0)^2}.

    The interval always lies within [-1, 1] and is not symmetric about :math:`d`.

    Parameters
    ----------
    x1, n1 : array_like
        Successes and trials in group 1 (e.g. the later period or the intervention group).
    x0, n0 : array_like
        Successes and trials in group 0 (the comparison).
    confidence : float, default 0.95
        Two-sided confidence level.

    Returns
    -------
    Estimate
        ``(estimate, low, high)`` for :math:`p_1 - p_0`; NaN where either ``n`` is 0.

    References
    ----------
    .. [1] Newcombe, R. G. (1998b). Interval estimation for the difference between independent
       proportions: comparison of eleven methods. *Statistics in Medicine* 17, 873-890
       (method 10).
    .. [2] Wilson, E. B. (1927). *Journal of the American Statistical Association* 22, 209-212.

    Examples
    --------
    Contrast (a) of Newcombe (1998b), Table II:

    >>> d, low, high = proportion_difference_interval(56, 70, 48, 80)
    >>> round(d, 4), round(low, 4), round(high, 4)
    (0.2, 0.0524, 0.3339)
    """
    z = _z(confidence)
    (a, m, b, n), shape = _broadcast(x1, n1, x0, n0)
    _check_counts(a, m)
    _check_counts(b, n)
    l1, u1 = _wilson(a, m, z)
    l0, u0 = _wilson(b, n, z)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = a / m
        p0 = b / n
    diff = p1 - p0
    low = diff - np.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return Estimate(
        shape.out(diff), shape.out(np.clip(low, -1, 1)), shape.out(np.clip(high, -1, 1))
    )


# --- means -------------------------------------------------------------------------------------


def mean_interval(
    values_or_mean: ArrayLike,
    sd: ArrayLike | None = None,
    n: ArrayLike | None = None,
    confidence: float = 0.95,
) -> Estimate:
    r"""Student t interval for one mean, from a sample or from summary statistics.

    :math:`\bar x \pm t_{n-1}\, s/\sqrt n`, with :math:`t_{n-1}` the two-sided critical value of
    Student's t on :math:`n - 1` degrees of freedom (R's ``t.test(x)``).

    Parameters
    ----------
    values_or_mean : array_like
        Either a one-dimensional sample (when ``sd`` and ``n`` are both omitted; missing values
        are dropped), or the mean(s) when ``sd`` and ``n`` are given.
    sd : array_like, optional
        Sample standard deviation(s) (denominator :math:`n - 1`).
    n : array_like, optional
        Sample size(s). Limits are NaN where ``n < 2``.
    confidence : float, default 0.95
        Two-sided confidence level.

    Returns
    -------
    Estimate
        ``(estimate, low, high)``: floats for a sample, otherwise the broadcast shape.

    References
    ----------
    .. [1] Student (1908). The probable error of a mean. *Biometrika* 6, 1-25.

    Examples
    --------
    >>> est, low, high = mean_interval([12.5, 14.0, 19.25])
    >>> round(est, 4), round(low, 4), round(high, 4)
    (15.25, 6.4453, 24.0547)
    """
    _check_confidence(confidence)
    if sd is None and n is None:
        sample = _sample(values_or_mean)
        size = sample.size
        mean = float(np.mean(sample)) if size else np.nan
        spread = float(np.std(sample, ddof=1)) if size > 1 else np.nan
        return mean_interval(mean, spread, size, confidence)
    if sd is None or n is None:
        raise TypeError("give both sd and n with a mean, or neither with a sample")
    (mean, s, size), shape = _broadcast(values_or_mean, sd, n)
    if np.any(s < 0) or np.any(size < 0):
        raise ValueError("sd and n must be non-negative")
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(size >= 2, size - 1.0, np.nan)
        t = stats.t.ppf((1.0 + confidence) / 2.0, df)
        half = t * s / np.sqrt(size)
    return Estimate(shape.out(mean), shape.out(mean - half), shape.out(mean + half))


def mean_difference_interval(
    mean1: ArrayLike,
    sd1: ArrayLike,
    n1: ArrayLike,
    mean0: ArrayLike,
    sd0: ArrayLike,
    n0: ArrayLike,
    confidence: float = 0.95,
) -> Estimate:
    r"""Welch interval for the difference of two independent means, :math:`\mu_1 - \mu_0`.

    With :math:`v_g = s_g^2/n_g`, the standard error is :math:`\sqrt{v_1 + v_0}` and the degrees
    of freedom follow Welch (1947) and Satterthwaite:

    .. math::

        \nu = \frac{(v_1 + v_0)^2}{v_1^2/(n_1 - 1) + v_0^2/(n_0 - 1)},
        \qquad (\bar x_1 - \bar x_0) \pm t_\nu \sqrt{v_1 + v_0}.

    This is R's ``t.test(x1, x0)`` (``var.equal = FALSE``, the default).

    Parameters
    ----------
    mean1, sd1, n1 : array_like
        Mean, standard deviation (denominator :math:`n - 1`) and size of group 1.
    mean0, sd0, n0 : array_like
        The same for group 0.
    confidence : float, default 0.95
        Two-sided confidence level.

    Returns
    -------
    Estimate
        ``(estimate, low, high)`` for :math:`\mu_1 - \mu_0`. Limits are NaN where a group has
        fewer than 2 members or both standard deviations are 0.

    References
    ----------
    .. [1] Welch, B. L. (1947). The generalization of "Student's" problem when several
       different population variances are involved. *Biometrika* 34, 28-35.
    .. [2] Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
       components. *Biometrics Bulletin* 2, 110-114.

    Examples
    --------
    >>> d, low, high = mean_difference_interval(20.0, 3.0, 12, 18.0, 4.0, 9)
    >>> round(d, 4), round(low, 4), round(high, 4)
    (2.0, -1.4029, 5.4029)
    """
    _check_confidence(confidence)
    (m1, s1, k1, m0, s0, k0), shape = _broadcast(mean1, sd1, n1, mean0, sd0, n0)
    if np.any(s1 < 0) or np.any(s0 < 0) or np.any(k1 < 0) or np.any(k0 < 0):
        raise ValueError("standard deviations and sizes must be non-negative")
    with np.errstate(divide="ignore", invalid="ignore"):
        v1 = s1**2 / k1
        v0 = s0**2 / k0
        se = np.sqrt(v1 + v0)
        df = (v1 + v0) ** 2 / (v1**2 / (k1 - 1.0) + v0**2 / (k0 - 1.0))
        df = np.where((k1 >= 2) & (k0 >= 2) & (se > 0), df, np.nan)
        t = stats.t.ppf((1.0 + confidence) / 2.0, df)
    diff = m1 - m0
    return Estimate(shape.out(diff), shape.out(diff - t * se), shape.out(diff + t * se))


# --- quantiles ---------------------------------------------------------------------------------

_QBINOM_FUZZ = 1.0 - 64.0 * np.finfo(float).eps
"""R's ``qbinom`` searches with ``p * (1 - 64 * DBL_EPSILON)`` to be safe against rounding."""


def _qbinom(p: float, n: int, prob: float) -> int:
    """Smallest ``k`` in ``0..n`` with ``P(Y <= k) >= p`` for ``Y ~ Binomial(n, prob)``."""
    cdf = stats.binom.cdf(np.arange(n + 1), n, prob)
    return int(np.count_nonzero(cdf < p * _QBINOM_FUZZ))


def quantile_order_statistics(
    n: ArrayLike, q: ArrayLike, confidence: float = 0.95
) -> OrderStatistics:
    r"""Ranks of the order statistics that bound a distribution-free interval for a quantile.

    Let :math:`Y \sim \mathrm{Binomial}(n, q)` be the number of observations below the
    population :math:`q`-quantile :math:`\xi_q`. For order statistics
    :math:`X_{(l)} \le X_{(u)}` of a sample from a continuous distribution,
    :math:`P(X_{(l)} \le \xi_q < X_{(u)}) = P(l \le Y \le u - 1)` whatever the distribution.
    With :math:`\alpha = 1 -` ``confidence`` the ranks chosen are

    .. math::

        l = \min\{k : P(Y \le k) \ge \alpha/2\}, \qquad
        u = \min\{k : P(Y \le k) \ge 1 - \alpha/2\} + 1,

    that is ``l = qbinom(alpha/2, n, q)`` and ``u = qbinom(1 - alpha/2, n, q) + 1`` in R.
    Then :math:`P(Y \le l - 1) < \alpha/2` and :math:`P(Y \ge u) \le \alpha/2`, so the achieved
    coverage :math:`P(Y \le u - 1) - P(Y \le l - 1)` is at least ``confidence`` (each tail
    at most :math:`\alpha/2`); it is reported because the binomial steps make it larger.
    ``l = 0`` means no order statistic gives a finite lower limit (and ``u = n + 1`` none a
    finite upper limit) at this confidence; the interval is then open on that side.

    Parameters
    ----------
    n : array_like of int
        Sample size(s), at least 1.
    q : array_like
        Probability level(s) of the quantile, in [0, 1].
    confidence : float, default 0.95
        Two-sided confidence level.

    Returns
    -------
    OrderStatistics
        ``(lower_rank, upper_rank, coverage)`` in the broadcast shape of ``n`` and ``q``; ranks
        are 1-based and returned as floats.

    References
    ----------
    .. [1] Conover, W. J. (1999). *Practical Nonparametric Statistics*, 3rd ed., section 3.2
       (the quantile test and confidence interval for a quantile). New York: Wiley.
    .. [2] Hahn, G. J. and Meeker, W. Q. (1991). *Statistical Intervals: A Guide for
       Practitioners*, section 5.2. New York: Wiley.

    Examples
    --------
    The median of 40 observations: the interval runs from the 14th to the 27th smallest.

    >>> lower, upper, coverage = quantile_order_statistics(40, 0.5)
    >>> lower, upper, round(coverage, 4)
    (14.0, 27.0, 0.9615)
    """
    _check_confidence(confidence)
    alpha = 1.0 - confidence
    (nn, qq), shape = _broadcast(n, q)
    if np.any(nn < 1) or np.any(nn != np.round(nn)):
        raise ValueError("n must be a positive integer")
    if np.any((qq < 0) | (qq > 1)):
        raise ValueError("q must lie in [0, 1]")
    lower = np.full(nn.shape, np.nan)
    upper = np.full(nn.shape, np.nan)
    coverage = np.full(nn.shape, np.nan)
    for i in np.ndindex(nn.shape):
        size, prob = int(nn[i]), float(qq[i])
        if np.isnan(prob):
            continue
        l_rank = _qbinom(alpha / 2.0, size, prob)
        u_rank = _qbinom(1.0 - alpha / 2.0, size, prob) + 1
        below_u = stats.binom.cdf(u_rank - 1, size, prob)
        below_l = stats.binom.cdf(l_rank - 1, size, prob) if l_rank >= 1 else 0.0
        lower[i], upper[i], coverage[i] = l_rank, u_rank, below_u - below_l
    return OrderStatistics(shape.out(lower), shape.out(upper), shape.out(coverage))


def quantile_interval(values: ArrayLike, q: ArrayLike, confidence: float = 0.95) -> Estimate:
    r"""Sample quantile with a distribution-free (order-statistic) confidence interval.

    The estimate is the sample quantile of Hyndman and Fan's definition 7 (R's default
    ``quantile(type = 7)``, numpy's ``method="linear"``): with the sorted sample
    :math:`x_{(1)} \le \dots \le x_{(n)}` and :math:`h = (n - 1)q + 1`, it is
    :math:`x_{(\lfloor h\rfloor)} + (h - \lfloor h\rfloor)(x_{(\lfloor h\rfloor + 1)} -
    x_{(\lfloor h\rfloor)})`.

    The interval is :math:`[x_{(l)}, x_{(u)}]` with the ranks of
    :func:`quantile_order_statistics` (``l = qbinom(alpha/2, n, q)``,
    ``u = qbinom(1 - alpha/2, n, q) + 1``), whose coverage is at least ``confidence`` for any
    continuous distribution; call that function for the ranks and the achieved coverage. With
    ties (scores on a discrete scale) the closed interval covers at least as often. When no
    order statistic is extreme enough (small samples, extreme ``q``) the limit is ``-inf``
    (lower) or ``inf`` (upper): the data cannot bound the quantile on that side at this
    confidence. The interval need not be centred on the estimate.

    Parameters
    ----------
    values : array_like
        One-dimensional sample; missing values are dropped.
    q : array_like
        Probability level(s) in [0, 1]; the results take the shape of ``q``.
    confidence : float, default 0.95
        Two-sided confidence level (at least this coverage is achieved).

    Returns
    -------
    Estimate
        ``(estimate, low, high)``; all NaN for an empty sample.

    References
    ----------
    .. [1] Conover, W. J. (1999). *Practical Nonparametric Statistics*, 3rd ed., section 3.2.
       New York: Wiley.
    .. [2] Hahn, G. J. and Meeker, W. Q. (1991). *Statistical Intervals: A Guide for
       Practitioners*, section 5.2. New York: Wiley.
    .. [3] Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages.
       *The American Statistician* 50, 361-365 (definition 7).

    Examples
    --------
    >>> quantile_interval([3.1, 4.7, 2.2, 5.9, 4.0], 0.5)
    Estimate(estimate=4.0, low=-inf, high=inf)
    >>> quantile_interval([3.1, 4.7, 2.2, 5.9, 4.0], 0.5, confidence=0.9)
    Estimate(estimate=4.0, low=2.2, high=5.9)
    """
    _check_confidence(confidence)
    sample = np.sort(_sample(values))
    (qq,), shape = _broadcast(q)
    if np.any((qq < 0) | (qq > 1)):
        raise ValueError("q must lie in [0, 1]")
    size = sample.size
    if size == 0:
        nan = np.full(qq.shape, np.nan)
        return Estimate(shape.out(nan), shape.out(nan), shape.out(nan))
    estimate = np.quantile(sample, qq, method="linear")
    ranks = quantile_order_statistics(np.full(qq.shape, size), qq, confidence)
    lower_rank = np.asarray(ranks.lower_rank, dtype=float)
    upper_rank = np.asarray(ranks.upper_rank, dtype=float)
    padded = np.concatenate(([-np.inf], sample, [np.inf]))
    low = np.where(np.isnan(lower_rank), np.nan, padded[np.nan_to_num(lower_rank).astype(int)])
    high = np.where(np.isnan(upper_rank), np.nan, padded[np.nan_to_num(upper_rank).astype(int)])
    return Estimate(shape.out(estimate), shape.out(low), shape.out(high))


# --- standardised mean change ------------------------------------------------------------------


def _bias_correction(df: np.ndarray, correction: str) -> np.ndarray:
    """Hedges' small-sample factor :math:`J(m)`, exact or approximate; NaN for ``m <= 1``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if correction == "exact":
            j = np.exp(
                special.gammaln(df / 2.0)
                - 0.5 * np.log(df / 2.0)
                - special.gammaln((df - 1.0) / 2.0)
            )
        elif correction == "approximate":
            j = 1.0 - 3.0 / (4.0 * df - 1.0)
        else:
            raise ValueError(f"correction must be 'exact' or 'approximate', got {correction!r}")
    return np.where(df > 1.0, j, np.nan)


def _broadcast_change_summaries(
    mean_change: ArrayLike, sd_pre: ArrayLike, n: ArrayLike, r: ArrayLike
) -> tuple[list[np.ndarray], _Shape]:
    """Broadcast mean change, pre-test SD, size and correlation, checking their ranges."""
    (change, sd, size, corr), shape = _broadcast(mean_change, sd_pre, n, r)
    if np.any(sd < 0):
        raise ValueError("sd_pre must be non-negative")
    if np.any(size <= 0):
        raise ValueError("n must be positive")
    if np.any(np.abs(corr) > 1):
        raise ValueError("r must lie in [-1, 1]")
    return [change, sd, size, corr], shape


def _corrected_smc_and_variance(
    change: np.ndarray, sd: np.ndarray, size: np.ndarray, corr: np.ndarray, correction: str
) -> tuple[np.ndarray, np.ndarray]:
    """Bias-corrected standardised mean change and its large-sample (Becker) variance."""
    j = _bias_correction(size - 1.0, correction)
    with np.errstate(divide="ignore", invalid="ignore"):
        smc = np.where(sd > 0, j * change / sd, np.nan)
        variance = 2.0 * (1.0 - corr) / size + smc**2 / (2.0 * size)
    return smc, variance


def standardised_mean_change_summary(
    mean_change: ArrayLike,
    sd_pre: ArrayLike,
    n: ArrayLike,
    r: ArrayLike,
    confidence: float = 0.95,
    correction: Literal["exact", "approximate"] = "exact",
) -> StandardisedMeanChange:
    r"""Standardised mean change (pre-test SD standardisation) from summary statistics.

    For :math:`n` people measured twice, with mean change :math:`\bar x_{post} - \bar x_{pre}`,
    baseline standard deviation :math:`s_{pre}` and pre-post correlation :math:`r`:

    .. math::

        y = J(m)\,\frac{\bar x_{post} - \bar x_{pre}}{s_{pre}}, \qquad
        v = \frac{2(1 - r)}{n} + \frac{y^2}{2n}, \qquad
        y \pm z\sqrt v,

    with :math:`m = n - 1` and :math:`z` the two-sided normal critical value. **Sign:** positive
    means scores rose from pre to post; whether that is an improvement depends on the measure's
    direction (for "higher = worse" measures a negative value is an improvement).

    ``correction="exact"`` (the default) uses Hedges' exact factor
    :math:`J(m) = \Gamma(m/2) / (\sqrt{m/2}\,\Gamma((m - 1)/2))`, as ``metafor::escalc``
    does (version 3.8-1 checked), so results match
    ``escalc(measure = "SMCR", m1i = mean(post), m2i = mean(pre), sd1i = sd(pre), ni = n,
    ri = r)`` and its ``summary()``. ``correction="approximate"`` uses Hedges' approximation
    :math:`J(m) \approx 1 - 3/(4m - 1)` (always slightly larger); the two factors differ by
    less than :math:`5\times 10^{-4}` for :math:`n \ge 10` and less than :math:`4\times 10^{-5}`
    for :math:`n \ge 30`. The variance is the large-sample estimator of Becker (1988) with the
    corrected :math:`y` (metafor's default ``vtype = "LS"``); the interval is the normal-theory
    (Wald) interval.

    Parameters
    ----------
    mean_change : array_like
        Mean of post minus mean of pre (equivalently the mean of the paired differences).
    sd_pre : array_like
        Standard deviation of the pre-test scores (denominator :math:`n - 1`), positive.
    n : array_like
        Number of people with both scores. Results are NaN for ``n <= 2``.
    r : array_like
        Pearson correlation between pre and post scores, in [-1, 1].
    confidence : float, default 0.95
        Two-sided confidence level.
    correction : {"exact", "approximate"}, default "exact"
        Small-sample bias correction :math:`J`.

    Returns
    -------
    StandardisedMeanChange
        ``(smc, low, high, variance)`` in the broadcast shape of the arguments.

    References
    ----------
    .. [1] Becker, B. J. (1988). Synthesizing standardized mean-change measures. *British
       Journal of Mathematical and Statistical Psychology* 41, 257-278.
    .. [2] Morris, S. B. (2000). Distribution of the standardized mean change effect size for
       meta-analysis on repeated measures. *British Journal of Mathematical and Statistical
       Psychology* 53, 17-29.
    .. [3] Morris, S. B. and DeShon, R. P. (2002). Combining effect size estimates in
       meta-analysis with repeated measures and independent-groups designs. *Psychological
       Methods* 7, 105-125.
    .. [4] Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and
       related estimators. *Journal of Educational Statistics* 6, 107-128.
    .. [5] Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package.
       *Journal of Statistical Software* 36(3), 1-48 (``escalc``, measure ``"SMCR"``).

    Examples
    --------
    >>> res = standardised_mean_change_summary(2.0, 4.0, 30, 0.6)
    >>> round(res.smc, 4), round(res.low, 4), round(res.high, 4), round(res.variance, 5)
    (0.4869, 0.144, 0.8299, 0.03062)
    """
    z = _z(confidence)
    (change, sd, size, corr), shape = _broadcast_change_summaries(mean_change, sd_pre, n, r)
    smc, variance = _corrected_smc_and_variance(change, sd, size, corr, correction)
    half = z * np.sqrt(variance)
    return StandardisedMeanChange(*map(shape.out, (smc, smc - half, smc + half, variance)))


def standardised_mean_change(
    pre: ArrayLike,
    post: ArrayLike,
    confidence: float = 0.95,
    correction: Literal["exact", "approximate"] = "exact",
) -> StandardisedMeanChange:
    r"""Standardised mean change from paired pre/post scores (pre-test SD standardisation).

    Computes :math:`n`, :math:`\bar x_{post} - \bar x_{pre}`, the pre-test standard deviation
    (denominator :math:`n - 1`) and the Pearson correlation :math:`r` from the pairs, and passes
    them to :func:`standardised_mean_change_summary`, which holds the formula. Pairs with a
    missing score on either occasion are dropped. Positive values mean scores rose.

    Parameters
    ----------
    pre, post : array_like
        One-dimensional scores at baseline and follow-up, aligned by person.
    confidence : float, default 0.95
        Two-sided confidence level.
    correction : {"exact", "approximate"}, default "exact"
        Small-sample bias correction; see :func:`standardised_mean_change_summary`.

    Returns
    -------
    StandardisedMeanChange
        ``(smc, low, high, variance)`` as floats; all NaN when fewer than 3 complete pairs remain
        or the pre-test SD is 0; the variance and limits are also NaN when the post-test SD is 0
        (the correlation is then undefined).

    References
    ----------
    .. [1] Becker, B. J. (1988). Synthesizing standardized mean-change measures. *British
       Journal of Mathematical and Statistical Psychology* 41, 257-278.
    .. [2] Morris, S. B. and DeShon, R. P. (2002). Combining effect size estimates in
       meta-analysis with repeated measures and independent-groups designs. *Psychological
       Methods* 7, 105-125.

    Examples
    --------
    >>> res = standardised_mean_change([10, 12, 14, 16, 18], [12, 13, 17, 17, 21])
    >>> round(res.smc, 4)
    0.5046
    """
    if (
        isinstance(pre, pd.Series)
        and isinstance(post, pd.Series)
        and not pre.index.equals(post.index)
    ):
        raise ValueError("pre and post Series must share one index (one row per person)")
    before = _as_float_array(pre)
    after = _as_float_array(post)
    if before.ndim != 1 or before.shape != after.shape:
        raise ValueError("pre and post must be one-dimensional and of equal length")
    keep = ~(np.isnan(before) | np.isnan(after))
    before, after = before[keep], after[keep]
    size = before.size
    if size < 3:
        return standardised_mean_change_summary(
            np.nan, np.nan, max(size, 1), 0.0, confidence, correction
        )
    sd_pre = float(np.std(before, ddof=1))
    sd_post = float(np.std(after, ddof=1))
    corr = float(np.corrcoef(before, after)[0, 1]) if sd_pre > 0 and sd_post > 0 else np.nan
    corr = float(np.clip(corr, -1.0, 1.0)) if not np.isnan(corr) else np.nan
    return standardised_mean_change_summary(
        float(np.mean(after) - np.mean(before)), sd_pre, size, corr, confidence, correction
    )
