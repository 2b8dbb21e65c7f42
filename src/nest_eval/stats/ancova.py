r"""Analysis of covariance of follow-up on baseline: each group's adjusted change, with intervals.

For unit ``i`` of group ``g(i)`` with baseline score :math:`y_{0i}`, follow-up score
:math:`y_{1i}` and covariates :math:`z_i`, the model is the linear regression

.. math::

    y_{1i} = \alpha_{g(i)} + \beta\, y_{0i} + \gamma^T z_i + e_i, \qquad e_i \sim N(0, \sigma^2),

fitted by ordinary least squares: the follow-up score regressed on the baseline score and the
covariates, with the group as a factor (one intercept per group). This is the analysis of
covariance Vickers and Altman (2001) recommend for baseline and follow-up measurements: unlike
the raw change :math:`y_1 - y_0` it is not biased by regression to the mean when groups differ at
baseline, and it is more precise.

A group's **adjusted change** is its estimated marginal mean (Searle, Speed and Milliken 1980;
``emmeans``) at a *case mix*, minus that case mix's mean baseline: the mean follow-up score the
model predicts for the units of the case mix had they all been in group ``g``, less their mean
baseline score,

.. math::

    \hat\delta_g = \frac1m \sum_{k=1}^m \hat y_1(g, y_{0k}, z_k) - \bar y_0
        = \hat\alpha_g + \hat\beta \bar y_0 + \hat\gamma^T \bar z - \bar y_0 = L_g \hat\theta
        - \bar y_0,

a linear combination :math:`L_g` of the coefficients :math:`\hat\theta`, so its standard error is
:math:`\sqrt{L_g \widehat{\mathrm{cov}}(\hat\theta) L_g^T}` and its interval uses Student's *t*
on the residual degrees of freedom, as ``emmeans`` does for an ``lm`` fit. The case mix is the
fitted units themselves by default (factors enter through the share of each level, as with
``emmeans(..., weights = "proportional")``); the mean baseline is treated as fixed, as in any
analysis conditional on the baseline. The **overall** adjusted change averages the groups'
adjusted changes weighted by the case mix's units in each group; at the default case mix (the
fitted units) it equals the raw mean change of the fitted units (least-squares residuals sum to
zero within each group), with the model's narrower interval.

A column of the design that is a linear combination of earlier columns is dropped, as R's ``lm``
does (its coefficient is ``NA`` there). A group's adjusted change is then reported only where
:math:`L_g` is estimable (in the row space of the design); otherwise it is ``NaN``, as
``emmeans`` reports a non-estimable mean.

References
----------
.. [1] Vickers A. J. and Altman D. G. (2001). Analysing controlled trials with baseline and
   follow up measurements. *BMJ* 323:1123-1124.
.. [2] Senn S. (2006). Change from baseline and analysis of covariance revisited. *Statistics
   in Medicine* 25:4334-4344.
.. [3] Searle S. R., Speed F. M. and Milliken G. A. (1980). Population marginal means in the
   linear model: an alternative to least squares means. *The American Statistician*
   34:216-221.
.. [4] Lenth R. V. (2023). emmeans: Estimated marginal means, aka least-squares means. R package
   (``weights = "proportional"``; non-estimable means).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.stats

from nest_eval.stats.mixed_model import aliased_columns

__all__ = ["AdjustedChanges", "LinearFit", "adjusted_changes", "fit_least_squares"]

ESTIMABILITY_TOLERANCE = 1e-8
"""Relative tolerance below which a linear combination counts as in the row space of the design
(the estimability package's default, used by ``emmeans``)."""


@dataclass(frozen=True, eq=False)
class LinearFit:
    r"""An ordinary least-squares fit, with the aliased columns it dropped.

    Attributes
    ----------
    params : pandas.Series
        Coefficients of the columns kept, by name.
    cov_params : pandas.DataFrame
        Their covariance, :math:`\hat\sigma^2 (X^T X)^{-1}` (R's ``vcov()``).
    sigma2 : float
        Residual variance, the residual sum of squares over ``df_resid``.
    df_resid : int
        Residual degrees of freedom: rows less columns kept.
    n_obs : int
        Rows fitted.
    aliased : mapping of str to pandas.Series
        Each dropped column and its exact expression in the kept columns (``x_j = X_kept c``).
    """

    params: pd.Series
    cov_params: pd.DataFrame
    sigma2: float
    df_resid: int
    n_obs: int
    aliased: Mapping[str, pd.Series]

    def estimable(self, weights: pd.Series) -> bool:
        """Whether ``weights`` (over every column, kept or dropped) is estimable.

        A combination is estimable when it lies in the row space of the design: for each
        dropped column ``j`` with ``x_j = X_kept c_j``, its weight equals the kept weights
        times ``c_j``.
        """
        kept = weights.reindex(self.params.index, fill_value=0.0)
        scale = max(1.0, float(np.abs(weights).max()))
        for name, expression in self.aliased.items():
            implied = float(kept @ expression.reindex(self.params.index, fill_value=0.0))
            if abs(float(weights.get(name, 0.0)) - implied) > ESTIMABILITY_TOLERANCE * scale:
                return False
        return True

    def contrast(self, weights: pd.Series) -> tuple[float, float]:
        """Estimate and standard error of an estimable linear combination of the coefficients.

        Parameters
        ----------
        weights : pandas.Series
            Weights by column name (columns not named get 0); dropped columns may be named.

        Returns
        -------
        estimate, se : float
            Both NaN when the combination is not estimable.
        """
        unknown = [n for n in weights.index if n not in self.params.index and n not in self.aliased]
        if unknown:
            raise ValueError(f"contrast weights name unknown columns: {unknown}")
        if not self.estimable(weights):
            return math.nan, math.nan
        w = weights.reindex(self.params.index, fill_value=0.0).to_numpy(dtype=float)
        variance = float(w @ self.cov_params.to_numpy() @ w)
        return float(w @ self.params.to_numpy()), math.sqrt(max(variance, 0.0))


def fit_least_squares(y: np.ndarray, x: np.ndarray, names: Sequence[str]) -> LinearFit:
    """Fit ``y = X b + e`` by least squares, dropping aliased columns as R's ``lm`` does.

    Parameters
    ----------
    y : numpy.ndarray, shape (n,)
        Response.
    x : numpy.ndarray, shape (n, p)
        Design matrix (an intercept, or a full set of group indicators, included by the caller).
    names : sequence of str
        Column names.

    Returns
    -------
    LinearFit

    Raises
    ------
    ValueError
        When a value is missing, or no residual degree of freedom is left.

    References
    ----------
    Chambers J. M. (1992). Linear models. Chapter 4 of *Statistical Models in S*, eds Chambers
    and Hastie. Wadsworth (``lm``: QR decomposition, aliased columns dropped in order).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.column_stack([np.ones(4), [0.0, 1, 2, 3], [0.0, 2, 4, 6]])
    >>> fit = fit_least_squares(np.array([1.0, 3, 4, 7]), x, ["const", "t", "t2"])
    >>> [round(v, 6) for v in fit.params], list(fit.aliased), fit.df_resid
    ([0.9, 1.9], ['t2'], 2)
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    names = list(names)
    if not (np.isfinite(y).all() and np.isfinite(x).all()):
        raise ValueError("the response or the design has missing values")
    zero = {j for j in range(x.shape[1]) if not x[:, j].any()}
    nonzero = [j for j in range(x.shape[1]) if j not in zero]
    found = aliased_columns(x[:, nonzero], [names[j] for j in nonzero]) if nonzero else {}
    dropped = zero | {nonzero[j] for j in found}
    kept = [j for j in range(x.shape[1]) if j not in dropped]
    xk = x[:, kept]
    df_resid = len(y) - len(kept)
    if df_resid < 1:
        raise ValueError(f"{len(y)} rows leave no residual degree of freedom for {len(kept)} "
                         "coefficients")  # fmt: skip
    q, r = scipy.linalg.qr(xk, mode="economic")
    beta = scipy.linalg.solve_triangular(r, q.T @ y)
    residual = y - xk @ beta
    sigma2 = float(residual @ residual) / df_resid
    r_inv = scipy.linalg.solve_triangular(r, np.eye(len(kept)))
    cov = sigma2 * (r_inv @ r_inv.T)
    kept_names = [names[j] for j in kept]
    aliased = {
        names[j]: pd.Series(np.linalg.lstsq(xk, x[:, j], rcond=None)[0], index=kept_names)
        for j in sorted(dropped)
    }
    return LinearFit(
        params=pd.Series(beta, index=kept_names),
        cov_params=pd.DataFrame(cov, index=kept_names, columns=kept_names),
        sigma2=sigma2,
        df_resid=int(df_resid),
        n_obs=len(y),
        aliased=aliased,
    )


@dataclass(frozen=True)
class AdjustedChanges:
    """Result of :func:`adjusted_changes`: the fit, and the adjusted changes at a case mix.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group, in order, then the overall row: ``group``, ``estimate`` (adjusted
        change), ``se``, ``ci_low``, ``ci_high`` and ``n`` (units of the group in the fit).
        Non-estimable rows hold NaN.
    fit : LinearFit
        The regression (columns ``group[g]``, ``baseline``, then the covariates, a factor as
        ``name[level]`` for each level after the first).
    baseline_mean : float
        Mean baseline score of the case mix.
    case_mix : pandas.Series
        The case mix's mean row of the design, covariate columns only (NaN where a factor
        level of the case mix is not in the fit).
    covariates : tuple of str
        The covariates, in model order.
    levels : mapping of str to tuple of str
        The levels of each factor among them (the first is the reference).
    sizes : pandas.Series
        Units of each group in the fit, in the groups' order.
    """

    table: pd.DataFrame
    fit: LinearFit
    baseline_mean: float
    case_mix: pd.Series
    covariates: tuple[str, ...]
    levels: Mapping[str, tuple[str, ...]]
    sizes: pd.Series

    def at(
        self, case_mix: pd.DataFrame, overall: str = "overall", level: float = 0.95
    ) -> AdjustedChanges:
        """The same fit's adjusted changes at another case mix.

        Parameters
        ----------
        case_mix : pandas.DataFrame
            The units whose profile the changes are predicted at: ``baseline`` and the
            covariates, and optionally ``group``, whose shares then weight the groups in the
            overall row (a unit of a group the fit has not seen makes it NaN); without it the
            groups are weighted by their units in the fit.
        overall : str
            The ``group`` of the overall row.
        level : float
            Confidence level of the intervals.

        Returns
        -------
        AdjustedChanges
        """
        mix = _case_mix(case_mix, self.covariates, self.levels)
        baseline_mean = float(case_mix["baseline"].mean())
        weights = _overall_weights(case_mix, self.sizes)
        table = _table(self.fit, self.sizes, weights, mix, baseline_mean, overall, level)
        shown = mix if mix is not None else pd.Series(np.nan, index=self.case_mix.index)
        return AdjustedChanges(
            table, self.fit, baseline_mean, shown, self.covariates, self.levels, self.sizes
        )


def _is_factor(column: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


def _levels(data: pd.DataFrame, covariates: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The levels of each factor among the covariates, in sorted order (first = reference)."""
    return {
        name: tuple(sorted(data[name].astype(str).unique()))
        for name in covariates
        if _is_factor(data[name])
    }


def _covariate_columns(
    data: pd.DataFrame, covariates: Sequence[str], levels: Mapping[str, tuple[str, ...]]
) -> tuple[np.ndarray, list[str]]:
    """The baseline and covariate columns of the design (treatment coding for factors)."""
    columns = [data["baseline"].to_numpy(dtype=float)]
    names = ["baseline"]
    for name in covariates:
        if name not in levels:
            columns.append(data[name].to_numpy(dtype=float))
            names.append(name)
            continue
        values = data[name].astype(str).to_numpy()
        for level in levels[name][1:]:
            columns.append((values == level).astype(float))
            names.append(f"{name}[{level}]")
    return np.column_stack(columns), names


def _case_mix(
    case_mix: pd.DataFrame, covariates: Sequence[str], levels: Mapping[str, tuple[str, ...]]
) -> pd.Series | None:
    """The case mix's mean covariate row; None where it has a level the fit has not seen."""
    for name, known in levels.items():
        if not set(case_mix[name].astype(str).unique()) <= set(known):
            return None
    columns, names = _covariate_columns(case_mix, covariates, levels)
    return pd.Series(columns.mean(axis=0), index=names)


def adjusted_changes(
    data: pd.DataFrame,
    covariates: Sequence[str] = (),
    groups: Sequence[str] | None = None,
    case_mix: pd.DataFrame | None = None,
    overall: str = "overall",
    level: float = 0.95,
) -> AdjustedChanges:
    """Each group's adjusted change from baseline to follow-up at a case mix (ANCOVA).

    The follow-up score is regressed on the group (one intercept each), the baseline score and
    the covariates; each group's adjusted change is its estimated marginal mean at the case mix
    less the case mix's mean baseline (module documentation).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit: ``group``, ``baseline``, ``followup`` and the covariates; no missing
        values.
    covariates : sequence of str
        Covariate columns, in model order. Numeric columns enter linearly; any other column
        (text, categorical, boolean) is a factor with treatment coding, its first level in
        sorted order the reference (R's ``factor()``).
    groups : sequence of str, optional
        The groups, in the order of the table; default the sorted groups of ``data``. Every
        group named must have rows.
    case_mix : pandas.DataFrame, optional
        The units whose profile the adjusted changes are predicted at (``baseline``, the
        covariates and optionally ``group``, as :meth:`AdjustedChanges.at` takes them); default
        ``data`` itself. A factor level the fit has not seen makes every adjusted change
        non-estimable.
    overall : str
        The ``group`` of the overall row.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    AdjustedChanges

    Raises
    ------
    ValueError
        When a named group has no rows, a value is missing, or no residual degree of freedom
        is left.

    References
    ----------
    Vickers A. J. and Altman D. G. (2001). Analysing controlled trials with baseline and follow
    up measurements. *BMJ* 323:1123-1124.
    Searle S. R., Speed F. M. and Milliken G. A. (1980). Population marginal means in the linear
    model: an alternative to least squares means. *The American Statistician* 34:216-221.

    Examples
    --------
    Two groups whose follow-up differs by 2 points at the same baseline:

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> base = rng.normal(20, 4, 400)
    >>> group = np.repeat(["a", "b"], 200)
    >>> follow = 5 + 0.8 * base + 2 * (group == "b") + rng.normal(0, 1, 400)
    >>> result = adjusted_changes(pd.DataFrame(
    ...     {"group": group, "baseline": base, "followup": follow}))
    >>> table = result.table.set_index("group")
    >>> bool(abs(table.loc["b", "estimate"] - table.loc["a", "estimate"] - 2) < 0.3)
    True
    >>> bool(abs(table.loc["overall", "estimate"] - (follow - base).mean()) < 1e-9)
    True
    """
    covariates = list(covariates)
    present = sorted(data["group"].astype(str).unique())
    order = list(groups) if groups is not None else present
    if missing := [g for g in order if g not in present]:
        raise ValueError(f"groups without rows: {missing}")
    frame = data.loc[data["group"].astype(str).isin(order)]
    levels = _levels(frame, covariates)
    membership = frame["group"].astype(str).to_numpy()
    indicators = np.column_stack([(membership == g).astype(float) for g in order])
    rest, rest_names = _covariate_columns(frame, covariates, levels)
    fit = fit_least_squares(
        frame["followup"].to_numpy(dtype=float),
        np.column_stack([indicators, rest]),
        [*(f"group[{g}]" for g in order), *rest_names],
    )
    sizes = pd.Series(indicators.sum(axis=0).astype(int), index=order)
    own = AdjustedChanges(
        pd.DataFrame(), fit, math.nan, pd.Series(np.nan, index=rest_names), tuple(covariates),
        levels, sizes,
    )  # fmt: skip
    return own.at(frame if case_mix is None else case_mix, overall, level)


def _overall_weights(case_mix: pd.DataFrame, sizes: pd.Series) -> pd.Series | None:
    """Weights of the groups in the overall row: the case mix's shares, or the fit's sizes.

    None when the case mix has units of a group the fit has not seen.
    """
    if "group" not in case_mix:
        return sizes / sizes.sum()
    counts = case_mix["group"].astype(str).value_counts()
    if not set(counts.index) <= set(sizes.index):
        return None
    return counts.reindex(sizes.index, fill_value=0) / counts.sum()


def _table(
    fit: LinearFit,
    sizes: pd.Series,
    weights: pd.Series | None,
    mix: pd.Series | None,
    baseline_mean: float,
    overall: str,
    level: float,
) -> pd.DataFrame:
    """Each group's adjusted change, then the overall one (the groups weighted by ``weights``)."""
    rows = []
    for g, n in sizes.items():
        estimate = se = math.nan
        if mix is not None:
            estimate, se = fit.contrast(pd.concat([pd.Series({f"group[{g}]": 1.0}), mix]))
        rows.append({"group": g, "estimate": estimate - baseline_mean, "se": se, "n": int(n)})
    estimate = se = math.nan
    if mix is not None and weights is not None:
        combined = pd.Series(weights.to_numpy(), index=[f"group[{g}]" for g in weights.index])
        estimate, se = fit.contrast(pd.concat([combined, mix]))
    rows.append(
        {"group": overall, "estimate": estimate - baseline_mean, "se": se, "n": int(sizes.sum())}
    )
    table = pd.DataFrame(rows)
    t = float(scipy.stats.t.ppf(0.5 + level / 2.0, fit.df_resid))
    table["ci_low"] = table["estimate"] - t * table["se"]
    table["ci_high"] = table["estimate"] + t * table["se"]
    return table[["group", "estimate", "se", "ci_low", "ci_high", "n"]]
