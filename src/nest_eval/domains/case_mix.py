"""Case-mix-adjusted change of outcomes per RPB: the published ANCOVA and the analysts' model.

For one cohort (the children whose first assessment on a measure, by a respondent, fell in the
year), both models take the same children (:func:`model_samples`): the RPBs with at least
:func:`min_paired_for` children with two or more assessments and every covariate (age at the
first assessment, sex, WIMD quintile), and those RPBs' children with every covariate; children
missing one are left out and counted, and RPBs below the minimum are left out and named.

- :func:`adjusted_change` (published in the reports): each RPB's change from the first to the
  last assessment adjusted for case mix by analysis of covariance (the last score regressed on
  the first, age, sex, WIMD quintile and the interval between them, with the RPB as a factor;
  Vickers and Altman 2001), predicted at the Wales case mix
  (:func:`nest_eval.stats.ancova.adjusted_changes`). Text: :data:`ADJUSTED_CHANGE_SPECIFICATION`.
- :func:`change_per_year` (for analysts, in the outcomes analysis notebook): each RPB's change
  per year of follow-up from a random-intercept mixed model on every assessment, with
  covariate-by-time interactions (:func:`nest_eval.stats.mixed_model.fit_random_intercept`).
  Text: :data:`CHANGE_PER_YEAR_SPECIFICATION`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nest_eval.domains.periods import DAYS_PER_YEAR
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.stats.ancova import AdjustedChanges, adjusted_changes
from nest_eval.stats.mixed_model import RandomInterceptFit, aliased_columns, fit_random_intercept

__all__ = [
    "ADJUSTED_CHANGE_SPECIFICATION",
    "CHANGE_PER_YEAR_SPECIFICATION",
    "COVARIATES",
    "MIN_CHILDREN_PER_MODEL",
    "MIN_PAIRED_PER_RPB",
    "AdjustedChange",
    "ChangePerYear",
    "ModelSample",
    "adjusted_change",
    "change_per_year",
    "compare_cohorts",
    "min_paired_for",
    "model_samples",
]

_Z95 = 1.959963984540054

MIN_CHILDREN_PER_MODEL = 30
"""Fewest children in the cohort for a measure and respondent to be modelled."""

MIN_PAIRED_PER_RPB = 5
"""Fewest children with two or more assessments for an RPB to be kept in a model, below any
disclosure threshold (:func:`min_paired_for`)."""

COVARIATES = ("age0", "sex", "wimd_quintile")
"""The children's covariates (age at the first assessment, sex, WIMD quintile): a child missing
one is left out of the models."""

ADJUSTED_CHANGE_SPECIFICATION = (
    "last_i = a_rpb(i) + b * first_i + c * age0_i + d_sex(i) + e_wimd(i) + f * interval_i + "
    "e_i, e_i ~ N(0, s2); first and last = child i's first and last scores on the measure (by "
    "the respondent); interval = years between them; age0 = age at the first assessment; sex "
    "and WIMD quintile as factors; fitted by least squares on the children with two or more "
    "assessments whose first assessment fell in the year (analysis of covariance). An RPB's "
    "adjusted change is the mean last score the model predicts for all the children in the "
    "model had they all been in that RPB, keeping their own first scores, ages, sex, quintiles "
    "and intervals (the Wales case mix), less their mean first score: the change from first to "
    "last assessment the RPB would show with Wales's children. Wales's is the RPBs' adjusted "
    "changes weighted by their children in the model, which equals the mean change of those "
    "children. A covariate column aliased with earlier ones is dropped, as lm does. R: fit <- "
    "lm(last ~ 0 + rpb + first + age0 + sex + factor(wimd) + interval); "
    'emmeans(fit, ~ rpb, weights = "proportional") less mean(first)'
)
"""The published model, as printed in the reports' methods section."""

CHANGE_PER_YEAR_SPECIFICATION = (
    "score_ij = a_rpb(i) + b_rpb(i) * t_ij + c * age0_i + d_sex(i) + e_wimd(i) + t_ij * (f * "
    "(age0_i - mean age0) + g_sex(i) - mean g + h_wimd(i) - mean h) + u_i + e_ij, "
    "u_i ~ N(0, s2_child), e_ij ~ N(0, s2); t_ij = years since child i's first assessment on the "
    "measure; age0 = age at the first assessment; sex and WIMD quintile as factors; the "
    "covariates' interactions with time are centred at the means of the children in the model; "
    "fitted by REML on every assessment of the children whose first assessment fell in the year. "
    "b_rpb is the RPB's change per year of follow-up for a child of the Wales average case mix; "
    "Wales is the average of the b_rpb weighted by children with two or more assessments. A "
    "covariate column aliased with earlier ones is dropped, as lme4 does. A fit whose "
    "between-child variance is 0 is singular (lme4's isSingular). R: lmer(score ~ 0 + rpb + "
    "rpb:t + age0 + sex + factor(wimd) + t:(age0_c + sex_c + wimd_c) + (1 | child)), where _c "
    "are the covariates' columns centred at the children's means"
)
"""The analysts' model, as printed in the outcomes analysis notebook."""


def min_paired_for(threshold: int) -> int:
    """Fewest paired children for an RPB to be kept in a model, at a disclosure threshold.

    At least :data:`MIN_PAIRED_PER_RPB`, and never below the threshold: an RPB's adjusted
    change resting on fewer children would not be published, and a model that left out only
    RPBs below a smaller minimum would tell readers that an RPB it left out has fewer paired
    children than that, narrowing a suppressed count (Hundepool et al. 2012, section 4.3).

    Examples
    --------
    >>> min_paired_for(10), min_paired_for(3)
    (10, 5)
    """
    return max(MIN_PAIRED_PER_RPB, threshold)


@dataclass(frozen=True)
class ModelSample:
    """The children of one cohort's models for a measure and respondent.

    Attributes
    ----------
    measure, respondent : str
        What is modelled.
    children : pandas.DataFrame
        The episodes (:func:`nest_eval.domains.outcomes.episodes`) of the kept RPBs' children
        with every covariate, paired or not.
    kept_rpbs : tuple of str
        RPBs in the model, in order.
    excluded_rpbs : tuple of str
        RPBs with children but too few paired children with every covariate.
    n_left_out : int
        Children of the cohort (any RPB) left out for a missing covariate.
    """

    measure: str
    respondent: str
    children: pd.DataFrame
    kept_rpbs: tuple[str, ...]
    excluded_rpbs: tuple[str, ...]
    n_left_out: int


def model_samples(
    episode_table: pd.DataFrame,
    cohort: int,
    min_children: int = MIN_CHILDREN_PER_MODEL,
    min_paired_per_rpb: int = MIN_PAIRED_PER_RPB,
) -> Iterator[ModelSample]:
    """The children of each measure and respondent's models for a cohort, in key order.

    A measure and respondent is modelled when the cohort has at least ``min_children``
    children on it and at least one RPB has ``min_paired_per_rpb`` children with two or more
    assessments and every covariate.

    Parameters
    ----------
    episode_table : pandas.DataFrame
        Output of :func:`nest_eval.domains.outcomes.episodes`.
    cohort : int
        The cohort (reporting) year.
    min_children : int
        Fewest children for a measure to be modelled.
    min_paired_per_rpb : int
        Fewest paired children with every covariate for an RPB to be kept.

    Yields
    ------
    ModelSample
    """
    chosen = episode_table.loc[episode_table["cohort"] == cohort]
    for (measure, respondent), children in chosen.groupby(["measure", "respondent"], sort=True):
        if len(children) < min_children:
            continue
        complete = children.dropna(subset=list(COVARIATES))
        paired = complete.loc[complete["paired"]].groupby("rpb").size()
        kept = tuple(r for r in RPB_NAMES if paired.get(r, 0) >= min_paired_per_rpb)
        if not kept:
            continue
        present = set(children["rpb"].unique())
        yield ModelSample(
            measure=str(measure),
            respondent=str(respondent),
            children=complete.loc[complete["rpb"].isin(kept)],
            kept_rpbs=kept,
            excluded_rpbs=tuple(r for r in RPB_NAMES if r in present and r not in kept),
            n_left_out=len(children) - len(complete),
        )


def _levels_as_text(values: pd.Series) -> pd.Series:
    """A factor's values as text (a WIMD quintile ``3``, never ``3.0``)."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("Int64").astype(str)
    return values.astype(str)


# --- the published ANCOVA ----------------------------------------------------------------------


@dataclass(frozen=True)
class AdjustedChange:
    """Result of :func:`adjusted_change` for one measure and respondent.

    Attributes
    ----------
    measure, respondent : str
        What is modelled.
    table : pandas.DataFrame
        Per kept RPB, then Wales: ``rpb``, ``adjusted_change``, ``se``, ``ci_low``, ``ci_high``
        (95%, Student t) and ``n_children_paired`` (children in the model).
    model : AdjustedChanges
        The fit, predicting at the Wales case mix.
    data : pandas.DataFrame
        The children fitted: ``group`` (RPB), ``baseline``, ``followup`` and the covariates.
    excluded_rpbs : tuple of str
        RPBs left out for too few paired children.
    n_left_out : int
        Children of the cohort left out for a missing covariate (paired or not).
    """

    measure: str
    respondent: str
    table: pd.DataFrame
    model: AdjustedChanges
    data: pd.DataFrame
    excluded_rpbs: tuple[str, ...]
    n_left_out: int


_ANCOVA_COVARIATES = ("age0", "sex", "wimd_quintile", "interval")


def _ancova_data(children: pd.DataFrame) -> pd.DataFrame:
    """The paired children as the ANCOVA takes them: RPB, first and last score, covariates."""
    paired = children.loc[children["paired"]]
    return pd.DataFrame(
        {
            "group": paired["rpb"].astype(str).to_numpy(),
            "baseline": paired["first_score"].to_numpy(dtype=float),
            "followup": paired["last_score"].to_numpy(dtype=float),
            "age0": paired["age0"].to_numpy(dtype=float),
            "sex": _levels_as_text(paired["sex"]).to_numpy(),
            "wimd_quintile": _levels_as_text(paired["wimd_quintile"]).to_numpy(),
            "interval": paired["followup_years"].to_numpy(dtype=float),
        }
    )


def _adjusted_table(model: AdjustedChanges) -> pd.DataFrame:
    return model.table.rename(
        columns={"group": "rpb", "estimate": "adjusted_change", "n": "n_children_paired"}
    )[["rpb", "adjusted_change", "se", "ci_low", "ci_high", "n_children_paired"]]


def adjusted_change(
    episode_table: pd.DataFrame,
    cohort: int,
    min_children: int = MIN_CHILDREN_PER_MODEL,
    min_paired_per_rpb: int = MIN_PAIRED_PER_RPB,
) -> list[AdjustedChange]:
    """Each RPB's case-mix-adjusted change from first to last assessment (ANCOVA).

    For each measure and respondent of :func:`model_samples`, the last score of each paired
    child is regressed on the RPB (a factor), the first score, age at the first assessment, sex,
    WIMD quintile and the interval between the two assessments; each RPB's adjusted change is
    its estimated marginal mean at the Wales case mix (the children in the model) less their
    mean first score (:data:`ADJUSTED_CHANGE_SPECIFICATION`). A model with no residual degree
    of freedom is not fitted.

    Parameters
    ----------
    episode_table : pandas.DataFrame
        Output of :func:`nest_eval.domains.outcomes.episodes`.
    cohort : int
        The cohort (reporting) year.
    min_children : int
        Fewest children for a measure to be modelled.
    min_paired_per_rpb : int
        Fewest paired children for an RPB to be kept.

    Returns
    -------
    list of AdjustedChange
        One per measure and respondent modelled, in key order.

    References
    ----------
    Vickers AJ, Altman DG (2001). Analysing controlled trials with baseline and follow up
    measurements. BMJ 323:1123–1124.
    Searle SR, Speed FM, Milliken GA (1980). Population marginal means in the linear model: an
    alternative to least squares means. Am Stat 34:216–221.
    """
    results = []
    for sample in model_samples(episode_table, cohort, min_children, min_paired_per_rpb):
        data = _ancova_data(sample.children)
        try:
            model = adjusted_changes(
                data, _ANCOVA_COVARIATES, groups=sample.kept_rpbs, overall=WALES
            )
        except ValueError:  # fewer children than coefficients
            continue
        results.append(
            AdjustedChange(
                measure=sample.measure,
                respondent=sample.respondent,
                table=_adjusted_table(model),
                model=model,
                data=data,
                excluded_rpbs=sample.excluded_rpbs,
                n_left_out=sample.n_left_out,
            )
        )
    return results


def compare_cohorts(now: AdjustedChange, then: AdjustedChange) -> pd.DataFrame | None:
    """Each RPB's adjusted change in two cohorts, from one ANCOVA of both, at one case mix.

    The children of both cohorts' models are fitted together, with one intercept per cohort
    and RPB and the coefficients of the first score and the covariates shared; each cohort's
    adjusted change of an RPB is then predicted at the reporting cohort's Wales case mix (the
    children of ``now``). In this additive model the difference between the cohorts is the
    difference of their intercepts, whatever the case mix, so that the two compare like with
    like even where the cohorts' children differ (a shorter follow-up, a sex or quintile one
    cohort lacks). Wales weights each cohort's RPBs by the reporting cohort's children in each;
    it is left out when the baseline cohort's model left out an RPB the reporting cohort's kept.

    Parameters
    ----------
    now, then : AdjustedChange
        The reporting and the baseline cohort's models of one measure and respondent.

    Returns
    -------
    pandas.DataFrame or None
        Per RPB in both models (and Wales): ``rpb``, ``baseline`` and ``current`` (adjusted
        changes), ``change``, ``se`` (of the change), ``df`` (residual degrees of freedom),
        ``n`` and ``n_baseline`` (children in each cohort's model). None when the joint model
        cannot be fitted.
    """
    rpbs = [r for r in now.model.sizes.index if r in then.model.sizes.index]
    if not rpbs:
        return None
    data = pd.concat(
        [then.data.assign(group="then|" + then.data["group"]),
         now.data.assign(group="now|" + now.data["group"])],
        ignore_index=True,
    )  # fmt: skip
    groups = [f"then|{r}" for r in then.model.sizes.index]
    groups += [f"now|{r}" for r in now.model.sizes.index]
    try:
        joint = adjusted_changes(data, _ANCOVA_COVARIATES, groups=groups, case_mix=now.data)
    except ValueError:  # fewer children than coefficients
        return None
    shares = now.model.sizes / now.model.sizes.sum()
    areas = [(r, pd.Series({r: 1.0})) for r in rpbs]
    if set(now.model.sizes.index) <= set(then.model.sizes.index):
        areas.append((WALES, shares))
    rows = [_compared(joint, area, weights, now, then) for area, weights in areas]
    return pd.DataFrame(rows)


def _compared(
    joint: AdjustedChanges, area: str, weights: pd.Series, now: AdjustedChange, then: AdjustedChange
) -> dict[str, object]:
    """One area's adjusted change in each cohort of a joint model, and their difference."""
    mix = joint.case_mix
    values = {}
    for cohort in ("then", "now"):
        combination = pd.Series(
            weights.to_numpy(), index=[f"group[{cohort}|{r}]" for r in weights.index]
        )
        values[cohort] = joint.fit.contrast(pd.concat([combination, mix]))[0] - joint.baseline_mean
    difference = pd.Series(
        np.concatenate([weights.to_numpy(), -weights.to_numpy()]),
        index=[f"group[now|{r}]" for r in weights.index]
        + [f"group[then|{r}]" for r in weights.index],
    )
    change, se = joint.fit.contrast(difference)
    wales = area == WALES  # all of each cohort's children in the model
    return {
        "rpb": area,
        "baseline": values["then"],
        "current": values["now"],
        "change": change,
        "se": se,
        "df": joint.fit.df_resid,
        "n": int(now.model.sizes.sum() if wales else now.model.sizes[area]),
        "n_baseline": int(then.model.sizes.sum() if wales else then.model.sizes[area]),
    }


# --- the analysts' mixed model -----------------------------------------------------------------


@dataclass(frozen=True)
class ChangePerYear:
    """Result of :func:`change_per_year` for one measure and respondent.

    Attributes
    ----------
    measure, respondent : str
        What is modelled.
    table : pandas.DataFrame
        Per kept RPB, then Wales: ``rpb``, ``change_per_year``, ``se``, ``ci_low``,
        ``ci_high`` (Wald 95%) and ``n_children_paired``.
    sigma2, sigma2_child : float
        Residual and between-child variances.
    n_obs, n_children : int
        Assessments and children in the model.
    n_excluded_children : int
        Children left out for a missing covariate.
    excluded_rpbs : tuple of str
        RPBs with too few paired children to estimate their change.
    converged : bool
        Whether the REML optimisation converged.
    singular : bool
        Whether the fit is singular: the between-child variance is estimated as 0 (on the
        boundary), so the model reduces to least squares on every assessment.
    """

    measure: str
    respondent: str
    table: pd.DataFrame
    sigma2: float
    sigma2_child: float
    n_obs: int
    n_children: int
    n_excluded_children: int
    excluded_rpbs: tuple[str, ...]
    converged: bool
    singular: bool


def _child_covariates(children: pd.DataFrame) -> pd.DataFrame:
    """Per child: age at the first assessment, and a column per sex and quintile after the first."""
    columns = {"age0": children["age0"].to_numpy(dtype=float)}
    for factor in ("sex", "wimd_quintile"):
        values = _levels_as_text(children[factor]).to_numpy()
        for level in sorted(set(values))[1:]:
            columns[f"{factor}[{level}]"] = (values == level).astype(float)
    return pd.DataFrame(columns, index=children["person_id"].to_numpy())


def _per_year_design(
    data: pd.DataFrame, covariates: pd.DataFrame, kept: tuple[str, ...]
) -> tuple[np.ndarray, list[str]]:
    """Design of :data:`CHANGE_PER_YEAR_SPECIFICATION`.

    RPB intercepts and slopes, the covariates, and their interactions with time centred at the
    children's means.
    """
    rpb = data["rpb"].to_numpy()
    t = data["t"].to_numpy(dtype=float)
    # Every assessment is of a child of the covariates (an inner merge on the children).
    rows = covariates.to_numpy()[covariates.index.get_indexer(data["person_id"].to_numpy())]
    centred = rows - covariates.to_numpy().mean(axis=0)
    columns = [(rpb == r).astype(float) for r in kept] + [(rpb == r) * t for r in kept]
    names = [f"rpb[{r}]" for r in kept] + [f"rpb[{r}]:t" for r in kept]
    x = np.column_stack([*columns, rows, centred * t[:, None]])
    names += [*covariates.columns, *(f"t:{c}" for c in covariates.columns)]
    return x, names


def change_per_year(
    outcomes: pd.DataFrame,
    episode_table: pd.DataFrame,
    cohort: int,
    min_children: int = MIN_CHILDREN_PER_MODEL,
    min_paired_per_rpb: int = MIN_PAIRED_PER_RPB,
) -> list[ChangePerYear]:
    """Each RPB's change per year from a random-intercept mixed model on every assessment.

    For each measure and respondent of :func:`model_samples`, the model of
    :data:`CHANGE_PER_YEAR_SPECIFICATION` is fitted by exact REML
    (:func:`nest_eval.stats.mixed_model.fit_random_intercept`) on all of the children's
    assessments. For analysts: the reports publish :func:`adjusted_change`.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        Accepted ``outcomes`` rows.
    episode_table : pandas.DataFrame
        Output of :func:`nest_eval.domains.outcomes.episodes` for the same rows.
    cohort : int
        The cohort (reporting) year.
    min_children : int
        Fewest children for a measure to be modelled.
    min_paired_per_rpb : int
        Fewest paired children for an RPB's change to be estimated.

    Returns
    -------
    list of ChangePerYear
        One per measure and respondent modelled, in key order.

    References
    ----------
    Laird NM, Ware JH (1982). Random-effects models for longitudinal data. Biometrics
    38:963–974.
    Bates D, Mächler M, Bolker B, Walker S (2015). Fitting linear mixed-effects models using
    lme4. J Stat Softw 67(1):1–48.
    """
    keys = ["person_id", "measure", "respondent"]
    rows = outcomes[[*keys, "date", "score"]]
    by_model = dict(iter(rows.groupby(["measure", "respondent"], sort=False, observed=True)))
    results = []
    for sample in model_samples(episode_table, cohort, min_children, min_paired_per_rpb):
        info = sample.children[[*keys, "rpb", "first_date"]]
        assessments = by_model.get((sample.measure, sample.respondent), rows.iloc[:0])
        data = assessments.merge(info, on=keys, how="inner")
        data["t"] = (data["date"] - data["first_date"]).dt.days / DAYS_PER_YEAR
        results.append(_fit_per_year(sample, data))
    return results


def _fit_per_year(sample: ModelSample, data: pd.DataFrame) -> ChangePerYear:
    """Fit one measure and respondent's mixed model."""
    x, names = _per_year_design(data, _child_covariates(sample.children), sample.kept_rpbs)
    aliased = aliased_columns(x, names)  # e.g. a WIMD quintile only the one "other" sex has
    if aliased:
        kept = [j for j in range(x.shape[1]) if j not in aliased]
        x, names = x[:, kept], [names[j] for j in kept]
    fit = fit_random_intercept(
        data["score"].to_numpy(dtype=float), x, data["person_id"].to_numpy(), names
    )
    return ChangePerYear(
        measure=sample.measure,
        respondent=sample.respondent,
        table=_per_year_table(fit, sample),
        sigma2=float(fit.sigma2),
        sigma2_child=float(fit.sigma2_group),
        n_obs=int(fit.n_obs),
        n_children=int(fit.n_groups),
        n_excluded_children=sample.n_left_out,
        excluded_rpbs=sample.excluded_rpbs,
        converged=bool(fit.converged),
        singular=bool(fit.boundary),
    )


def _per_year_table(fit: RandomInterceptFit, sample: ModelSample) -> pd.DataFrame:
    """Each kept RPB's change per year and Wales's, weighted by paired children."""
    paired = sample.children.loc[sample.children["paired"]].groupby("rpb").size()
    rows = []
    weights = pd.Series(0.0, index=fit.params.index)
    for r in sample.kept_rpbs:
        name = f"rpb[{r}]:t"
        weights[name] = paired.get(r, 0)
        rows.append((r, float(fit.params[name]), float(fit.bse[name]), int(paired.get(r, 0))))
    weights /= weights.sum()
    estimate, se = fit.contrast(weights)
    rows.append((WALES, estimate, se, int(paired.sum())))
    table = pd.DataFrame(rows, columns=["rpb", "change_per_year", "se", "n_children_paired"])
    table["ci_low"] = table["change_per_year"] - _Z95 * table["se"]
    table["ci_high"] = table["change_per_year"] + _Z95 * table["se"]
    return table[["rpb", "change_per_year", "se", "ci_low", "ci_high", "n_children_paired"]]
