"""Quantiles of a time to an event with right-censoring: Kaplan–Meier, with intervals.

A wait that has not ended by the census date is *censored* there: it is known to be at least
as long as the time elapsed. Leaving such waits out makes the quantiles of the waits that ended
too short; counting them as ended at the census date does too. The Kaplan–Meier estimator [1]_
uses each one for as long as it was observed.

:func:`km_quantile` estimates the ``p``-th quantile of the time to the event (the median at
``p = 0.5``, the 90th percentile at ``p = 0.9``) from the Kaplan–Meier curve of statsmodels'
:class:`~statsmodels.duration.survfunc.SurvfuncRight`, with the confidence interval of
Brookmeyer and Crowley [2]_: the times at which the hypothesis ``S(t) = 1 - p`` is not rejected
by a pointwise test built on Greenwood's variance [3]_ after a transform of ``S``
(``SurvfuncRight.quantile_ci``). The transform used by default is the complementary log-log
(``cloglog``: ``log(-log S)``, R's ``conf.type = "log-log"``), which keeps the limits inside
(0, 1) and behaves better in small samples than the untransformed test [4]_ [5]_.

Where the estimated curve is flat at exactly ``1 - p`` (as for the median of an even number of
waits without censoring), the quantile is the midpoint of that flat stretch, as in R's
``survival`` package and SAS's ``PROC LIFETEST`` (statsmodels' own ``quantile`` takes the end of
the stretch instead). A quantile the curve does not reach by the last time observed is
*not reached*: the estimate is NaN. An upper limit the data cannot bound is ``inf``.

The estimates and intervals were checked against R's ``survival::survfit`` and its
``quantile`` method on the committed samples in ``tests/results/``
(``km_reference.R`` writes the reference values).

References
----------
.. [1] Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from incomplete
   observations. *Journal of the American Statistical Association* 53, 457-481.
.. [2] Brookmeyer, R. and Crowley, J. (1982). A confidence interval for the median survival
   time. *Biometrics* 38, 29-41.
.. [3] Greenwood, M. (1926). *The natural duration of cancer*. Reports on Public Health and
   Medical Subjects 33. London: HMSO.
.. [4] Borgan, Ø. and Liestøl, K. (1990). A note on confidence intervals and bands for the
   survival function based on transformations. *Scandinavian Journal of Statistics* 17, 35-41.
.. [5] Klein, J. P. and Moeschberger, M. L. (2003). *Survival Analysis: Techniques for
   Censored and Truncated Data*, 2nd ed., sections 4.3 and 4.5. New York: Springer.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from statsmodels.duration.survfunc import SurvfuncRight

__all__ = ["R_CONF_TYPES", "TRANSFORMS", "QuantileEstimate", "km_quantile"]

TRANSFORMS = ("cloglog", "linear", "log", "logit", "asinsqrt")
"""Transforms of the survival probability for the interval (statsmodels' names)."""

R_CONF_TYPES = {
    "cloglog": "log-log",
    "linear": "plain",
    "log": "log",
    "logit": "logit",
    "asinsqrt": "arcsin",
}
"""The ``conf.type`` of R's ``survival::survfit`` that matches each transform."""

_TOLERANCE = np.sqrt(np.finfo(float).eps)
"""How near ``1 - p`` the curve must be to count as equal to it (as R's ``survival``)."""


class QuantileEstimate(NamedTuple):
    """A quantile of the time to the event and its confidence interval.

    Attributes
    ----------
    estimate : float
        The quantile; NaN when the curve does not reach ``1 - p`` (not reached) or there is
        no data.
    low, high : float
        The confidence limits; ``high`` is ``inf`` when the data cannot bound the quantile
        from above, both NaN when no time satisfies the test.
    n : int
        The observations (times at risk at the start).
    censored : int
        The observations censored (still without the event at their time).
    """

    estimate: float
    low: float
    high: float
    n: int
    censored: int


def km_quantile(
    durations: ArrayLike,
    events: ArrayLike,
    p: float,
    alpha: float = 0.05,
    transform: str = "cloglog",
) -> QuantileEstimate:
    r"""The Kaplan–Meier ``p``-th quantile of a censored time, with Brookmeyer–Crowley limits.

    Parameters
    ----------
    durations : array_like
        Time from the start to the event, or to censoring (e.g. days; ``>= 0``).
    events : array_like of bool
        True where the event happened at ``durations``, False where the time is censored.
    p : float
        The quantile's probability, in (0, 1): 0.5 for the median.
    alpha : float, default 0.05
        One minus the confidence level of the interval.
    transform : str, default "cloglog"
        Transform of the survival probability for the pointwise test (:data:`TRANSFORMS`;
        R's ``conf.type`` in :data:`R_CONF_TYPES`).

    Returns
    -------
    QuantileEstimate
        ``(estimate, low, high, n, censored)``; estimate and limits NaN without an event.

    Notes
    -----
    With the Kaplan–Meier curve :math:`\hat S` at the event times :math:`t_1 < \dots < t_k`,
    the quantile is :math:`\min\{t_j : \hat S(t_j) \le 1 - p\}`, or the midpoint of
    :math:`t_j` and :math:`t_{j+1}` (the last time observed if :math:`t_j = t_k`) where
    :math:`\hat S(t_j) = 1 - p`. The interval collects the event times where
    :math:`|g(\hat S(t)) - g(1 - p)| \le z_{1-\alpha/2}\, g'(\hat S(t))\, \widehat{se}(t)`
    with Greenwood's :math:`\widehat{se}`: its lower limit is the first such time, its upper
    limit the event time after the last. Where there is none, or where the curve is 0 there
    (the last event time, with no time censored after it: Greenwood's variance, and so the
    test, is undefined), the upper limit is ``inf``, as R's ``survival`` leaves it (NA);
    statsmodels' ``quantile_ci`` would give that last event time.

    References
    ----------
    .. [1] Kaplan, E. L. and Meier, P. (1958). *J Am Stat Assoc* 53, 457-481.
    .. [2] Brookmeyer, R. and Crowley, J. (1982). *Biometrics* 38, 29-41.
    .. [3] Klein, J. P. and Moeschberger, M. L. (2003). *Survival Analysis*, 2nd ed.,
       section 4.5. New York: Springer.

    Examples
    --------
    >>> km_quantile([2, 4, 6, 8], [True, True, True, True], 0.5).estimate  # S = 0.5 on [4, 6)
    5.0
    >>> q = km_quantile([2, 4, 6, 8, 9], [True, True, False, True, False], 0.9)
    >>> q.estimate, q.censored  # the curve stops above 0.1: not reached
    (nan, 2)
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {TRANSFORMS}, not {transform!r}")
    if not 0 < p < 1:
        raise ValueError(f"p must lie in (0, 1), not {p}")
    time = np.asarray(durations, dtype=float).ravel()
    status = np.asarray(events, dtype=bool).ravel()
    if time.shape != status.shape:
        raise ValueError("durations and events must have the same length")
    if np.isnan(time).any() or (time < 0).any():
        raise ValueError("durations must be known and not negative")
    n, censored = int(time.size), int((~status).sum())
    if not status.any():
        return QuantileEstimate(np.nan, np.nan, np.nan, n, censored)
    with np.errstate(divide="ignore", invalid="ignore"):
        curve = SurvfuncRight(time, status.astype(float))
        low, high = curve.quantile_ci(p, alpha=alpha, method=transform)
    estimate = _quantile(curve.surv_times, curve.surv_prob, p, float(time.max()))
    if np.isfinite(high) and curve.surv_prob[curve.surv_times == high][0] == 0:
        high = np.inf  # the test is undefined where the curve reaches 0: not bounded (as R)
    return QuantileEstimate(estimate, float(low), float(high), n, censored)


def _quantile(times: np.ndarray, survival: np.ndarray, p: float, last_time: float) -> float:
    """The first event time where the curve is at or below ``1 - p``; a midpoint where equal."""
    reached = np.flatnonzero(1 - survival >= p - _TOLERANCE)
    if reached.size == 0:
        return np.nan
    j = int(reached[0])
    if abs(1 - survival[j] - p) >= _TOLERANCE:
        return float(times[j])
    after = float(times[j + 1]) if j + 1 < times.size else last_time
    return (float(times[j]) + after) / 2
