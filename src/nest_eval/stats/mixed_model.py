r"""Exact REML fit of the linear mixed model with a single random intercept per group.

The model, for group (child) ``i`` with ``n_i`` rows, is

.. math::

    y_i = X_i \beta + \mathbf{1} u_i + e_i, \qquad u_i \sim N(0, \sigma_u^2), \qquad
    e_i \sim N(0, \sigma^2 I).

With :math:`\gamma = \sigma_u^2 / \sigma^2` the scaled covariance of group ``i`` is
:math:`H_i = I + \gamma \mathbf{1}\mathbf{1}^T`, whose inverse and determinant are closed-form:
:math:`H_i^{-1} = I - c_i \mathbf{1}\mathbf{1}^T` with :math:`c_i = \gamma / (1 + n_i\gamma)`
and :math:`\log|H_i| = \log(1 + n_i\gamma)`. The fixed effects and :math:`\sigma^2` are profiled
out, leaving a one-dimensional restricted (REML) criterion in :math:`\theta = \sqrt{\gamma}`
(lme4's parameterisation, including the boundary :math:`\theta = 0`):

.. math::

    -2\ell_R(\theta) = (N - p)\{1 + \log(2\pi\hat\sigma^2)\}
        + \sum_i \log(1 + n_i\gamma) + \log|X^T H^{-1} X|,

where :math:`\hat\beta` solves :math:`(X^T H^{-1} X)\beta = X^T H^{-1} y` and
:math:`\hat\sigma^2 = (y^T H^{-1} y - \hat\beta^T X^T H^{-1} y) / (N - p)`.

Numerically, every cross-product is split into a within-group part (computed once from
group-mean-centred data) and a between-group part built from the group means:
:math:`X^T H^{-1} X = \tilde X^T \tilde X + \sum_i \frac{n_i}{1 + n_i\gamma}\,
\bar x_i \bar x_i^T`. Both terms are positive semi-definite, so nothing cancels, and because the
weight depends on the group only through ``n_i`` the between part is accumulated once per
distinct group size. One evaluation of the criterion (and of its exact derivative) then costs
a single Cholesky factorisation of a ``(p + 1) x (p + 1)`` matrix, whatever the number of
groups, so the optimum is located to machine precision (a coarse grid over ``theta`` followed
by Brent's root finding on the analytic derivative).

The estimates agree with ``lme4::lmer(y ~ ... + (1 | group), REML = TRUE)``; ``cov_params`` is
:math:`\hat\sigma^2 (X^T H^{-1} X)^{-1}`, which is what ``vcov()`` returns for an lme4 REML fit,
and ``reml_criterion`` is lme4's ``REMLcrit()``.

References
----------
.. [1] Laird N. M. and Ware J. H. (1982). Random-effects models for longitudinal data.
   *Biometrics* 38:963-974.
.. [2] Harville D. A. (1977). Maximum likelihood approaches to variance component estimation
   and to related problems. *Journal of the American Statistical Association* 72:320-338.
.. [3] Bates D., Maechler M., Bolker B. and Walker S. (2015). Fitting linear mixed-effects
   models using lme4. *Journal of Statistical Software* 67(1):1-48.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import patsy
import scipy.linalg
import scipy.optimize
import scipy.sparse
import scipy.stats

__all__ = ["RandomInterceptFit", "aliased_columns", "fit_formula", "fit_random_intercept"]

#: Relative tolerance below which a (unit-norm scaled) column of the design matrix counts as a
#: linear combination of the columns before it (the norm of its residual after projection).
RANK_TOLERANCE = 1e-7

# Grid of theta = sigma_u / sigma values scanned before the optimum is bracketed and polished.
_THETA_GRID = np.concatenate([[0.0], np.geomspace(1e-4, 1e4, 97)])
_THETA_MAX = 1e12


@dataclass(frozen=True, eq=False)
class RandomInterceptFit:
    r"""Result of a REML fit of a random-intercept linear mixed model.

    Attributes
    ----------
    params : pandas.Series
        Fixed-effect estimates :math:`\hat\beta`, indexed by term name.
    cov_params : pandas.DataFrame
        Covariance matrix of :math:`\hat\beta`, :math:`\hat\sigma^2 (X^T H^{-1} X)^{-1}`
        (lme4's ``vcov()`` for a REML fit).
    bse : pandas.Series
        Standard errors of the fixed effects (square roots of the diagonal of ``cov_params``).
    sigma2 : float
        Residual variance :math:`\hat\sigma^2`.
    sigma2_group : float
        Random-intercept variance :math:`\hat\sigma_u^2` (zero on the boundary).
    reml_criterion : float
        The REML criterion :math:`-2\ell_R` at the optimum (lme4's ``REMLcrit()``).
    llf : float
        The restricted log-likelihood :math:`\ell_R` (lme4's ``logLik()`` for a REML fit).
    n_obs : int
        Number of observations used.
    n_groups : int
        Number of groups.
    converged : bool
        Whether the optimum was located: a root of the derivative of the criterion in
        ``theta`` was found, or ``theta = 0`` with a non-negative derivative there.
    iterations : int
        Number of evaluations of the profiled criterion (grid scan, bracketing and root finding).
    theta : float
        :math:`\hat\theta = \hat\sigma_u / \hat\sigma` (lme4's ``getME(fit, "theta")``).
    boundary : bool
        ``True`` when the estimate is on the boundary ``theta = 0`` (lme4's ``isSingular()``).
    gradient : float
        Derivative of the criterion with respect to :math:`\gamma = \theta^2` at the optimum
        (zero at an interior optimum, non-negative on the boundary).
    """

    params: pd.Series
    cov_params: pd.DataFrame
    bse: pd.Series
    sigma2: float
    sigma2_group: float
    reml_criterion: float
    llf: float
    n_obs: int
    n_groups: int
    converged: bool
    iterations: int
    theta: float
    boundary: bool
    gradient: float

    @property
    def icc(self) -> float:
        r"""Intra-class correlation :math:`\sigma_u^2 / (\sigma_u^2 + \sigma^2)`.

        Returns
        -------
        float
            Share of the total variance that lies between groups.
        """
        return self.sigma2_group / (self.sigma2_group + self.sigma2)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald (normal) confidence intervals for the fixed effects.

        Parameters
        ----------
        alpha : float, default 0.05
            One minus the coverage; the intervals are ``params -/+ z_{1 - alpha/2} * bse``.

        Returns
        -------
        pandas.DataFrame
            Columns ``lower`` and ``upper``, indexed by term name.

        Raises
        ------
        ValueError
            If ``alpha`` is not strictly between 0 and 1.
        """
        if not 0.0 < alpha < 1.0:
            raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}")
        z = float(scipy.stats.norm.ppf(1.0 - alpha / 2.0))
        return pd.DataFrame(
            {"lower": self.params - z * self.bse, "upper": self.params + z * self.bse}
        )

    def contrast(self, weights: pd.Series | np.ndarray | Sequence[float]) -> tuple[float, float]:
        r"""Estimate and standard error of a linear combination :math:`w^T\beta`.

        Parameters
        ----------
        weights : pandas.Series or array_like
            A Series indexed by term names (terms not listed get weight 0; unknown names are an
            error), or an array with one weight per fixed effect in the order of ``params``.

        Returns
        -------
        estimate : float
            :math:`w^T\hat\beta`.
        se : float
            :math:`\sqrt{w^T \widehat{\mathrm{cov}}(\hat\beta)\, w}`.

        Raises
        ------
        ValueError
            If a name is not a fixed effect, the array has the wrong length, or a weight is not
            finite.

        Examples
        --------
        A weighted average of two slopes, weighted 3:1:

        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> g = np.repeat(np.arange(50), 3)
        >>> t = np.tile([0.0, 1.0, 2.0], 50)
        >>> arm = (g % 2).astype(float)
        >>> X = np.column_stack([np.ones(150), arm, t * (1 - arm), t * arm])
        >>> y = X @ [1.0, 0.5, 1.0, 2.0] + rng.normal(size=50)[g] + rng.normal(size=150)
        >>> fit = fit_random_intercept(y, X, g, names=["const", "arm", "slope0", "slope1"])
        >>> est, se = fit.contrast(pd.Series({"slope0": 0.75, "slope1": 0.25}))
        >>> bool(abs(est - (0.75 * fit.params["slope0"] + 0.25 * fit.params["slope1"])) < 1e-12)
        True
        """
        if isinstance(weights, pd.Series):
            unknown = [name for name in weights.index if name not in self.params.index]
            if unknown:
                raise ValueError(f"contrast weights name unknown fixed effects: {unknown}")
            if weights.index.has_duplicates:
                raise ValueError("contrast weights name a fixed effect more than once")
            w = weights.reindex(self.params.index, fill_value=0.0).to_numpy(dtype=float)
        else:
            w = np.asarray(weights, dtype=float).ravel()
            if w.shape != (len(self.params),):
                raise ValueError(
                    f"contrast weights must have {len(self.params)} entries, got {w.size}"
                )
        if not np.all(np.isfinite(w)):
            raise ValueError("contrast weights must be finite")
        estimate = float(w @ self.params.to_numpy())
        variance = float(w @ self.cov_params.to_numpy() @ w)
        return estimate, math.sqrt(max(variance, 0.0))

    def summary_table(self, alpha: float = 0.05) -> pd.DataFrame:
        """Fixed-effects table with Wald z statistics and confidence intervals.

        Parameters
        ----------
        alpha : float, default 0.05
            One minus the coverage of the confidence intervals.

        Returns
        -------
        pandas.DataFrame
            Columns ``estimate``, ``std_error``, ``z``, ``p_value`` (two-sided), ``ci_lower`` and
            ``ci_upper``, indexed by term name. The variance components are the attributes
            ``sigma2_group`` and ``sigma2``.
        """
        z = self.params / self.bse
        ci = self.conf_int(alpha)
        return pd.DataFrame(
            {
                "estimate": self.params,
                "std_error": self.bse,
                "z": z,
                "p_value": 2.0 * scipy.stats.norm.sf(np.abs(z.to_numpy())),
                "ci_lower": ci["lower"],
                "ci_upper": ci["upper"],
            }
        )


@dataclass(frozen=True)
class _Crossproducts:
    """Sufficient statistics of the data for the profiled criterion."""

    within: np.ndarray  # (p + 1, p + 1): [X y] centred within groups, cross-product
    between: np.ndarray  # (K, p + 1, p + 1): sum of outer products of group means, per size
    sizes: np.ndarray  # (K,) distinct group sizes
    size_counts: np.ndarray  # (K,) number of groups of each size
    n_obs: int
    n_params: int


@dataclass(frozen=True)
class _Evaluation:
    """Profiled quantities at one value of gamma."""

    gamma: float
    criterion: float
    chol: np.ndarray  # lower Cholesky factor of the augmented matrix [[A, b], [b', y'H^-1 y]]
    rss: float  # q = y'H^-1 y - b' A^-1 b


def _crossproducts(
    y: np.ndarray, x: np.ndarray, codes: np.ndarray, n_groups: int
) -> _Crossproducts:
    n_obs, n_params = x.shape
    z = np.column_stack([x, y])
    counts = np.bincount(codes, minlength=n_groups)
    indicator = scipy.sparse.csr_matrix(
        (np.ones(n_obs), (codes, np.arange(n_obs))), shape=(n_groups, n_obs)
    )
    means = np.asarray(indicator @ z) / counts[:, None]
    centred = z - means[codes]
    within = centred.T @ centred
    sizes, size_index = np.unique(counts, return_inverse=True)
    order = np.argsort(size_index, kind="stable")
    bounds = np.searchsorted(size_index[order], np.arange(len(sizes) + 1))
    between = np.empty((len(sizes), n_params + 1, n_params + 1))
    for k in range(len(sizes)):
        block = means[order[bounds[k] : bounds[k + 1]]]
        between[k] = block.T @ block
    return _Crossproducts(
        within=within,
        between=between,
        sizes=sizes.astype(float),
        size_counts=np.diff(bounds).astype(float),
        n_obs=n_obs,
        n_params=n_params,
    )


def _evaluate(cp: _Crossproducts, gamma: float) -> _Evaluation:
    p = cp.n_params
    weights = cp.sizes / (1.0 + cp.sizes * gamma)
    augmented = cp.within + np.tensordot(weights, cp.between, axes=1)
    try:
        chol = scipy.linalg.cholesky(augmented, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        if not _is_positive_definite(augmented[:p, :p]):
            raise ValueError(
                "the fixed-effects cross-product matrix is not positive definite"
            ) from None
        raise ValueError(
            "the response is fitted exactly by the fixed effects (zero residual)"
        ) from None
    rss = float(chol[p, p] ** 2)
    dof = cp.n_obs - p
    criterion = (
        dof * (1.0 + math.log(2.0 * math.pi * rss / dof))
        + float(cp.size_counts @ np.log1p(cp.sizes * gamma))
        + 2.0 * float(np.sum(np.log(np.diag(chol)[:p])))
    )
    return _Evaluation(gamma=gamma, criterion=criterion, chol=chol, rss=rss)


def _is_positive_definite(matrix: np.ndarray) -> bool:
    try:
        scipy.linalg.cholesky(matrix, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        return False
    return True


def _solve(ev: _Evaluation, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Return beta-hat and the inverse of X'H^-1 X from the augmented Cholesky factor."""
    lower = ev.chol[:p, :p]
    beta = scipy.linalg.solve_triangular(lower, ev.chol[p, :p], lower=True, trans="T")
    inverse = scipy.linalg.cho_solve((lower, True), np.eye(p), check_finite=False)
    return beta, (inverse + inverse.T) / 2.0


def _gradient(cp: _Crossproducts, ev: _Evaluation) -> float:
    """Exact derivative of the profiled REML criterion with respect to gamma."""
    p = cp.n_params
    beta, a_inv = _solve(ev, p)
    d_weights = -((cp.sizes / (1.0 + cp.sizes * ev.gamma)) ** 2)
    v = np.append(-beta, 1.0)
    resid_between = np.einsum("kij,i,j->k", cp.between, v, v)
    trace_terms = np.einsum("ij,kij->k", a_inv, cp.between[:, :p, :p])
    dof = cp.n_obs - p
    return float(
        dof * (d_weights @ resid_between) / ev.rss
        + cp.size_counts @ (cp.sizes / (1.0 + cp.sizes * ev.gamma))
        + d_weights @ trace_terms
    )


def _optimise(cp: _Crossproducts) -> tuple[_Evaluation, bool, int, float]:
    """Minimise the profiled criterion over theta >= 0; return optimum, converged, evals, grad."""
    n_evals = 0

    def crit(theta: float) -> _Evaluation:
        nonlocal n_evals
        n_evals += 1
        return _evaluate(cp, theta * theta)

    def grad(gamma: float) -> float:
        nonlocal n_evals
        n_evals += 1
        return _gradient(cp, _evaluate(cp, gamma))

    thetas = list(_THETA_GRID)
    values = [crit(t).criterion for t in thetas]
    while int(np.argmin(values)) == len(thetas) - 1 and thetas[-1] < _THETA_MAX:
        thetas.append(thetas[-1] * 10.0)
        values.append(crit(thetas[-1]).criterion)
    j = int(np.argmin(values))
    if j == len(thetas) - 1:  # still decreasing at theta = _THETA_MAX
        best = crit(thetas[j])
        return best, False, n_evals, grad(best.gamma)

    gradient_at_zero = grad(0.0)
    candidates: list[tuple[_Evaluation, bool, float]] = []
    if gradient_at_zero >= 0.0:
        candidates.append((crit(0.0), True, gradient_at_zero))
    if j > 0 or gradient_at_zero < 0.0:
        lo, hi = thetas[max(j - 1, 0)], thetas[j + 1]
        g_lo = gradient_at_zero if lo == 0.0 else grad(lo * lo)
        g_hi = grad(hi * hi)
        if g_lo < 0.0 < g_hi:
            root = scipy.optimize.brentq(
                grad, lo * lo, hi * hi, xtol=1e-13 * hi * hi, rtol=4 * np.finfo(float).eps,
                maxiter=200, full_output=True, disp=False,
            )  # fmt: skip
            gamma, info = root
            ev = _evaluate(cp, gamma)
            candidates.append((ev, bool(info.converged), grad(gamma)))
        else:  # no sign change of the derivative across the bracket: fall back on Brent's method
            res = scipy.optimize.minimize_scalar(
                lambda t: crit(t).criterion, bounds=(lo, hi), method="bounded",
                options={"xatol": 1e-10 * hi, "maxiter": 500},
            )  # fmt: skip
            ev = crit(float(res.x))
            g = grad(ev.gamma)
            # gamma * d/dgamma = d/dlog(gamma): flat to 1e-6 on the criterion's own scale
            candidates.append((ev, bool(res.success) and abs(g) * ev.gamma < 1e-6, g))
    best, converged, gradient = min(candidates, key=lambda c: c[0].criterion)
    return best, converged, n_evals, gradient


def _column_names(design: Any, names: Sequence[str] | None, p: int) -> list[str]:
    if names is None:
        columns = getattr(design, "columns", None)
        names = [str(c) for c in columns] if columns is not None else [f"x{j}" for j in range(p)]
    names = list(names)
    if len(names) != p:
        raise ValueError(f"names has {len(names)} entries but X has {p} columns")
    if len(set(names)) != len(names):
        raise ValueError("names must be unique")
    return names


def aliased_columns(x: np.ndarray, names: Sequence[str]) -> dict[int, list[str]]:
    """The columns of X that are linear combinations of earlier ones, as R and lme4 find them.

    Parameters
    ----------
    x : numpy.ndarray
        The design matrix (no column identically zero).
    names : sequence of str
        Its column names.

    Returns
    -------
    dict of int to list of str
        Each aliased column's index, with the earlier columns it is a combination of; empty
        when X has full column rank. Dropping these columns, later ones first, is what
        ``lm()`` and ``lme4::lmer()`` do ("fixed-effect model matrix is rank deficient").

    References
    ----------
    Bates D, Maechler M, Bolker B, Walker S (2015). Fitting linear mixed-effects models using
    lme4. J Stat Softw 67(1):1-48 (the rank check of the fixed-effects model matrix).
    """
    gram = x.T @ x
    scale = 1.0 / np.sqrt(np.diag(gram))
    eig = np.linalg.eigvalsh(gram * np.outer(scale, scale))
    if eig[0] > 1e-10 * eig[-1]:
        return {}  # comfortably of full rank; skip the O(N p^2) QR decomposition
    # Each column of x equals Q times the same column of r, so whether a column lies in the
    # span of earlier columns can be decided on the small p x p factor.
    r = np.linalg.qr(x * scale, mode="r")
    kept: list[int] = []
    aliased: dict[int, list[str]] = {}
    for j in range(x.shape[1]):
        column = r[:, j]
        if kept:
            coef = np.linalg.lstsq(r[:, kept], column, rcond=None)[0]
            residual = column - r[:, kept] @ coef
        else:
            coef, residual = np.zeros(0), column
        if np.linalg.norm(residual) > RANK_TOLERANCE * np.linalg.norm(column):
            kept.append(j)
            continue
        big = np.flatnonzero(np.abs(coef) > 1e-8 * np.abs(coef).max()) if len(coef) else []
        aliased[j] = [names[kept[i]] for i in big]
    return aliased


def _check_rank(x: np.ndarray, gram: np.ndarray, names: list[str]) -> None:
    """Raise ValueError naming the collinear columns if X is not of full column rank."""
    zero = [names[j] for j in np.flatnonzero(np.diag(gram) <= 0.0)]
    if zero:
        raise ValueError(f"design matrix columns are identically zero: {zero}")
    aliased = aliased_columns(x, names)
    if not aliased:
        return
    messages = [f"{names[j]!r} is a linear combination of {of}" for j, of in aliased.items()]
    raise ValueError(
        f"design matrix is rank deficient (rank {x.shape[1] - len(aliased)} of {x.shape[1]} "
        "columns): " + "; ".join(messages) + ". Drop or recode the collinear columns."
    )


def _checked_arrays(
    y: np.ndarray, design: Any, groups: np.ndarray, names: Sequence[str] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Response, design matrix, group labels and column names, checked for shape and finiteness."""
    x_arr = np.asarray(design, dtype=float)
    y_arr = np.asarray(y, dtype=float)
    if x_arr.ndim != 2:
        raise ValueError(f"X must be two-dimensional, got shape {x_arr.shape}")
    names_list = _column_names(design, names, x_arr.shape[1])
    if y_arr.ndim == 2 and y_arr.shape[1] == 1:
        y_arr = y_arr[:, 0]
    if y_arr.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {y_arr.shape}")
    n_obs = x_arr.shape[0]
    groups_arr = np.asarray(groups)
    if groups_arr.ndim != 1 or len(groups_arr) != n_obs or len(y_arr) != n_obs:
        raise ValueError(
            f"y ({len(y_arr)}), X ({n_obs} rows) and groups ({len(groups_arr)}) must have the "
            "same length"
        )
    if not np.all(np.isfinite(y_arr)):
        raise ValueError("y contains missing or non-finite values")
    if not np.all(np.isfinite(x_arr)):
        bad = [names_list[j] for j in np.flatnonzero(~np.isfinite(x_arr).all(axis=0))]
        raise ValueError(f"X contains missing or non-finite values in columns {bad}")
    return y_arr, x_arr, groups_arr, names_list


def _identifiable_groups(groups: np.ndarray, n_obs: int, n_params: int) -> tuple[np.ndarray, int]:
    """Integer group codes and the number of groups, checking that the model is identifiable."""
    codes, uniques = pd.factorize(groups, sort=False, use_na_sentinel=True)
    if np.any(codes < 0):
        raise ValueError("groups contains missing labels")
    n_groups = len(uniques)
    if n_groups < 2:
        raise ValueError(f"at least 2 groups are needed, got {n_groups}")
    if n_groups >= n_obs:
        raise ValueError(
            "every group has a single row: the random-intercept and residual variances are "
            "not separately identifiable"
        )
    if n_obs <= n_params:
        raise ValueError(f"{n_obs} observations leave no residual degrees of freedom for "
                         f"{n_params} fixed effects")  # fmt: skip
    return codes, n_groups


def _fixed_effects_gram(cp: _Crossproducts) -> np.ndarray:
    """X'X, assembled from the within- and between-group cross-products."""
    p = cp.n_params
    return cp.within[:p, :p] + np.tensordot(cp.sizes, cp.between[:, :p, :p], axes=1)


def _fit_result(
    cp: _Crossproducts,
    best: _Evaluation,
    converged: bool,
    n_evals: int,
    gradient: float,
    names: list[str],
    n_groups: int,
) -> RandomInterceptFit:
    """Fixed effects, their covariance and the variance components at the REML optimum."""
    n_obs, n_params = cp.n_obs, cp.n_params
    beta, a_inv = _solve(best, n_params)
    sigma2 = best.rss / (n_obs - n_params)
    cov = sigma2 * a_inv
    params = pd.Series(beta, index=names, name="estimate")
    cov_params = pd.DataFrame(cov, index=names, columns=names)
    bse = pd.Series(np.sqrt(np.diag(cov)), index=names, name="std_error")
    return RandomInterceptFit(
        params=params,
        cov_params=cov_params,
        bse=bse,
        sigma2=float(sigma2),
        sigma2_group=float(best.gamma * sigma2),
        reml_criterion=float(best.criterion),
        llf=float(-best.criterion / 2.0),
        n_obs=int(n_obs),
        n_groups=int(n_groups),
        converged=bool(converged),
        iterations=int(n_evals),
        theta=float(math.sqrt(best.gamma)),
        boundary=bool(best.gamma == 0.0),
        gradient=float(gradient),
    )


def fit_random_intercept(
    y: np.ndarray,
    X: np.ndarray,  # noqa: N803 (the conventional name of the design matrix)
    groups: np.ndarray,
    names: Sequence[str] | None = None,
) -> RandomInterceptFit:
    r"""Fit ``y = X beta + u[group] + e`` by REML with a random intercept per group.

    Parameters
    ----------
    y : array_like, shape (n,)
        Response.
    X : array_like, shape (n, p)
        Fixed-effects design matrix (include a column of ones for an intercept). Must be of
        full column rank. A DataFrame's column names are used when ``names`` is not given.
    groups : array_like, shape (n,)
        Group (e.g. child) label of each row; any hashable labels, rows of a group need not be
        contiguous.
    names : sequence of str, optional
        Names of the columns of ``X``; default ``x0, x1, ...`` (or the DataFrame's columns).

    Returns
    -------
    RandomInterceptFit
        Fixed effects, their covariance, variance components, REML criterion and convergence
        information.

    Raises
    ------
    ValueError
        If the inputs have inconsistent shapes, contain missing or non-finite values, there are
        fewer than 2 groups, no group has more than one row, there are no residual degrees of
        freedom, or ``X`` is rank deficient (the message names the collinear columns).

    Notes
    -----
    The profiled REML criterion is minimised over :math:`\theta = \sigma_u / \sigma \ge 0`,
    see the module documentation. The fit is exact (no iterative approximation of the fixed
    effects); the cost is one pass over the data plus a handful of small Cholesky
    factorisations.

    References
    ----------
    .. [1] Laird N. M. and Ware J. H. (1982). Random-effects models for longitudinal data.
       *Biometrics* 38:963-974.
    .. [2] Harville D. A. (1977). Maximum likelihood approaches to variance component
       estimation and to related problems. *Journal of the American Statistical Association*
       72:320-338.
    .. [3] Bates D., Maechler M., Bolker B. and Walker S. (2015). Fitting linear mixed-effects
       models using lme4. *Journal of Statistical Software* 67(1):1-48.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> g = np.repeat(np.arange(200), 3)
    >>> x = rng.normal(size=600)
    >>> y = 1.0 + 2.0 * x + rng.normal(0, 1.5, size=200)[g] + rng.normal(size=600)
    >>> fit = fit_random_intercept(y, np.column_stack([np.ones(600), x]), g, ["const", "x"])
    >>> fit.n_groups, fit.n_obs, fit.converged
    (200, 600, True)
    >>> bool(abs(fit.params["x"] - 2.0) < 0.2)
    True
    """
    y_arr, x_arr, groups_arr, names_list = _checked_arrays(y, X, groups, names)
    codes, n_groups = _identifiable_groups(groups_arr, *x_arr.shape)
    cp = _crossproducts(y_arr, x_arr, codes, n_groups)
    _check_rank(x_arr, _fixed_effects_gram(cp), names_list)
    best, converged, n_evals, gradient = _optimise(cp)
    return _fit_result(cp, best, converged, n_evals, gradient, names_list, n_groups)


def _categorical_strings(data: pd.DataFrame, formula: str, skip: Hashable) -> pd.DataFrame:
    """Turn text columns into categoricals with sorted levels (first level = reference).

    Only columns whose name occurs in the formula are looked at; the others are not used.
    """
    converted = {}
    for name, column in data.items():
        if name == skip or str(name) not in formula:
            continue
        if isinstance(column.dtype, pd.CategoricalDtype):
            continue
        if pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
            values = column.dropna()
            if len(values) and all(isinstance(v, str) for v in values.unique()):
                levels = sorted(values.unique())
                converted[name] = pd.Categorical(column, categories=levels)
    return data.assign(**converted) if converted else data


def _r_column_order(formula: str, design_info: patsy.DesignInfo) -> list[str]:
    """Column names ordered like R's ``model.matrix``: terms by degree, then formula order.

    patsy groups the terms by the numeric variables they contain; R (``terms.formula`` with
    ``keep.order = FALSE``) sorts them by their number of variables, keeping the order of the
    formula among terms of equal degree.
    """
    formula_order = [t.name() for t in patsy.ModelDesc.from_formula(formula).rhs_termlist]
    terms = sorted(
        design_info.terms,
        key=lambda t: (len(t.factors), formula_order.index(t.name())),
    )
    columns = design_info.column_names
    slices = design_info.term_slices
    return [columns[j] for t in terms for j in range(*slices[t].indices(len(columns)))]


def _model_frame(data: pd.DataFrame, formula: str, group: str) -> pd.DataFrame:
    """Check the call and keep the rows with a group label, text columns made categorical."""
    if "|" in formula:
        raise ValueError(
            "give only the fixed-effects part of the formula; the random intercept is set by "
            f"group={group!r}"
        )
    if group not in data.columns:
        raise ValueError(f"group column {group!r} is not in the data")
    frame = data.loc[data[group].notna()].reset_index(drop=True)
    return _categorical_strings(frame, formula, skip=group)


def fit_formula(data: pd.DataFrame, formula: str, group: str) -> RandomInterceptFit:
    """Fit a random-intercept model from a formula, like ``lmer(formula + (1 | group))``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per observation.
    formula : str
        Fixed-effects formula in patsy (R-like) syntax, e.g.
        ``"score ~ rpb + rpb:time + age0 + sex + wimd"`` (``rpb + rpb:time`` gives one intercept
        and one time slope per level of ``rpb``). Do not include the random-effects term.
    group : str
        Column with the group (e.g. child) identifier; one random intercept per value.

    Returns
    -------
    RandomInterceptFit
        The REML fit; coefficient names are patsy's (e.g. ``rpb[T.Gwent]``,
        ``rpb[Gwent]:time``).

    Raises
    ------
    ValueError
        If the formula contains a random-effects term, ``group`` is not a column, the
        response is not a single numeric column, or any check of
        :func:`fit_random_intercept` fails.

    Notes
    -----
    Factors use treatment (dummy) coding with the first level as reference, like R's default
    ``contr.treatment``. Text columns get their levels in sorted order (R's ``factor()`` in the C
    locale); for another order or reference level, make the column a pandas ``Categorical``
    with the categories in the wanted order. Rows with a missing value in any variable of the
    model or in ``group`` are dropped, as by lme4's default ``na.action = na.omit``. With the
    same formula and level order, the coefficients are in the same order as lme4's.

    References
    ----------
    .. [1] Laird N. M. and Ware J. H. (1982). Random-effects models for longitudinal data.
       *Biometrics* 38:963-974.
    .. [2] Harville D. A. (1977). Maximum likelihood approaches to variance component
       estimation and to related problems. *Journal of the American Statistical Association*
       72:320-338.
    .. [3] Bates D., Maechler M., Bolker B. and Walker S. (2015). Fitting linear mixed-effects
       models using lme4. *Journal of Statistical Software* 67(1):1-48.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> child = np.repeat(np.arange(300), 3)
    >>> df = pd.DataFrame({"child": child, "time": np.tile([0.0, 0.5, 1.2], 300),
    ...                    "arm": np.where(child % 3 == 0, "b", "a")})
    >>> df["score"] = (10 + 1.5 * df["time"] + rng.normal(0, 2, 300)[child]
    ...                + rng.normal(0, 1, 900))
    >>> fit = fit_formula(df, "score ~ arm + arm:time", group="child")
    >>> list(fit.params.index)
    ['Intercept', 'arm[T.b]', 'arm[a]:time', 'arm[b]:time']
    """
    frame = _model_frame(data, formula, group)
    y_df, x_df = patsy.dmatrices(
        formula, frame, eval_env=1, NA_action="drop", return_type="dataframe"
    )
    if y_df.shape[1] != 1:
        raise ValueError(f"the response must be a single numeric column, got {list(y_df.columns)}")
    x_df = x_df[_r_column_order(formula, x_df.design_info)]
    rows = x_df.index.to_numpy()
    return fit_random_intercept(
        y_df.iloc[:, 0].to_numpy(dtype=float),
        x_df.to_numpy(dtype=float),
        frame[group].to_numpy()[rows],
        names=list(x_df.columns),
    )
