"""The ``outcomes`` demo dataset: repeated outcome measures of children and young people.

Children with one to four assessments on one or two validated measures. For child *i* and
measure *m* at assessment *j*::

    y_ij = mu_m + b_age_m (age0_i - 12) + b_sex_m [male_i] + b_wimd_m (wimd_i - 3)
           + u_i + theta[rpb_i, m, cohort_i] t_ij + e_ij,
    u_i ~ N(0, sd_u_m),   e_ij ~ N(0, sd_e_m),

where ``age0`` is the age at the first assessment, ``t_ij`` the years since the child's first
assessment and ``cohort`` the year of that first assessment. ``theta`` is the true change per
year of follow-up: an improvement (a rise on SWEMWBS, GBO and ReQoL-10, a fall on SDQ, YP-CORE
and RCADS) scaled by a per-RPB, per-cohort multiplier
(:data:`~nest_eval.demo.model.THETA_MULTIPLIERS`). Assessments are about three months apart and
those that would fall after 31 December 2025 are not yet observed, so late starters stay
unpaired. Scores are rounded to the measure's resolution; about 5% of SWEMWBS children are
delivered as ``SWEMWBS_RAW`` raw totals (the metric score converted back to the nearest raw total
with the published Rasch table). The parameters are in ``outcomes`` of the model file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from nest_eval.demo.categories import category
from nest_eval.demo.draws import (
    choice,
    few_kept,
    hex_ids,
    rpb_index,
    spell_rpbs,
    uk_mask,
    year_dates,
)
from nest_eval.demo.model import (
    DATA_END,
    MESSY_RPB_SHARE,
    OUTCOME_MODELS,
    PARAMETERS,
    THETA_MULTIPLIERS,
    YEARS,
    DemoScale,
)
from nest_eval.demo.text import format_dates, numbers, rounded, text_frame
from nest_eval.reference import measures, vocabulary

__all__ = ["generate_outcomes"]

_RPBS = vocabulary.RPB_NAMES
_PARAMETERS = PARAMETERS["outcomes"]
_PLANNED_ASSESSMENTS = _PARAMETERS["planned_assessments"]
_GAP_DAYS = _PARAMETERS["gap_days"]
_SEX = _PARAMETERS["sex"]
_MALE = list(_SEX).index(category("outcomes", "sex", "male"))
_WIMD = _PARAMETERS["wimd_quintiles"]
_SERVICES_BY_AGE = tuple(
    (*group["ages"], group["services"]) for group in _PARAMETERS["services_by_age"]
)

_SWEMWBS_RAW = measures.RAW_INPUT_CODES[category("outcomes", "measure", "SWEMWBS_RAW")]
# The published Rasch table, raw total raw_min..raw_max → metric score.
_SWEMWBS_METRIC = np.array(
    [
        measures.SWEMWBS_RAW_TO_METRIC[raw]
        for raw in range(_SWEMWBS_RAW.raw_min, _SWEMWBS_RAW.raw_max + 1)
    ]
)


@dataclass(frozen=True)
class _Children:
    """The children drawn: one entry per child, or per child and planned occasion."""

    rpb: np.ndarray  # RPB index
    cohort: np.ndarray  # index into YEARS of the first assessment
    offsets: np.ndarray  # (child, occasion): days since the first assessment
    dates: np.ndarray  # (child, occasion): dates of the assessments
    observed: np.ndarray  # (child, occasion): planned and not after DATA_END
    age0: np.ndarray  # age at the first assessment, one decimal
    sex: np.ndarray  # index into the sex weights
    wimd: np.ndarray  # WIMD quintile
    service: np.ndarray


@dataclass(frozen=True)
class _Scores:
    """The scores drawn: per (child, measure) pair, and per observed assessment."""

    pair_child: np.ndarray
    pair_measure: np.ndarray
    raw_child: np.ndarray  # per child: SWEMWBS delivered as raw totals
    theta: np.ndarray  # (rpb, measure, cohort): true change per year
    pair: np.ndarray  # per assessment: index of its (child, measure) pair
    child: np.ndarray
    measure: np.ndarray
    occasion: np.ndarray
    t: np.ndarray  # years since the child's first assessment
    y: np.ndarray  # score on the metric scale, unrounded


def _draw_children(rng: np.random.Generator, scale: DemoScale) -> _Children:
    """Draw the children: RPB, cohort, assessment dates, age, sex, WIMD quintile, service."""
    n = scale.n_children
    rpb = rpb_index(rng, n, scale.weights("outcomes"))
    cohort = rng.integers(0, len(YEARS), size=n)
    start = year_dates(rng, np.asarray(YEARS)[cohort])
    most = len(_PLANNED_ASSESSMENTS)
    planned = 1 + rng.choice(most, size=n, p=_PLANNED_ASSESSMENTS)
    gaps = rng.normal(_GAP_DAYS["mean"], _GAP_DAYS["sd"], size=(n, most - 1))
    gaps = np.clip(np.rint(gaps), _GAP_DAYS["min"], _GAP_DAYS["max"])
    offsets = np.concatenate([np.zeros((n, 1)), np.cumsum(gaps, axis=1)], axis=1).astype(int)
    dates = start[:, None] + offsets.astype("timedelta64[D]")
    observed = (np.arange(most) < planned[:, None]) & (dates <= DATA_END)

    older = rng.random(n) < _PARAMETERS["older_share"]
    ages = (
        rng.uniform(*_PARAMETERS["older_ages"], n),
        rng.uniform(*_PARAMETERS["younger_ages"], n),
    )
    age0 = np.round(np.where(older, *ages), 1)
    sex = rng.choice(len(_SEX), size=n, p=list(_SEX.values()))
    cum = np.cumsum(np.array([_WIMD[r] for r in _RPBS]), axis=1)
    wimd = 1 + (rng.random(n)[:, None] > cum[rpb] / cum[rpb, -1:]).sum(axis=1)
    service = np.empty(n, dtype=object)
    for low, high, services in _SERVICES_BY_AGE:
        group = (np.floor(age0) >= low) & (np.floor(age0) <= high)
        service[group] = choice(rng, services, int(group.sum()))
    return _Children(rpb, cohort, offsets, dates, observed, age0, sex, wimd, service)


def _choose_measures(rng: np.random.Generator, age0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pick one or two measures per child among those used at the child's age.

    Weighted sampling without replacement (keys ``u ** (1 / weight)``, largest first).

    Returns
    -------
    child, measure : numpy.ndarray
        One entry per (child, measure) pair, in child order.
    """
    n = len(age0)
    whole = np.floor(age0)
    lows = np.array([m.min_age for m in OUTCOME_MODELS])
    highs = np.array([m.max_age for m in OUTCOME_MODELS])
    weights = np.array([m.weight for m in OUTCOME_MODELS])
    eligible = (whole[:, None] >= lows) & (whole[:, None] <= highs)
    keys = np.where(eligible, rng.random((n, len(OUTCOME_MODELS))) ** (1 / weights), -1.0)
    order = np.argsort(-keys, axis=1, kind="stable")
    k = np.minimum(1 + (rng.random(n) < _PARAMETERS["two_measures_share"]), eligible.sum(axis=1))
    chosen = np.zeros_like(eligible)
    rows = np.arange(n)
    chosen[rows, order[:, 0]] = True
    chosen[rows[k == 2], order[k == 2, 1]] = True
    return np.nonzero(chosen)


def _theta() -> np.ndarray:
    """True change per year of follow-up, indexed (rpb, measure, cohort)."""
    multiplier = np.array([THETA_MULTIPLIERS[r] for r in _RPBS])  # (rpb, cohort)
    effect = np.array([m.sign * m.improvement_per_year for m in OUTCOME_MODELS])
    return multiplier[:, None, :] * effect[None, :, None]


def _draw_scores(rng: np.random.Generator, children: _Children) -> _Scores:
    """Choose each child's measures and draw every observed score from the model."""
    pair_child, pair_measure = _choose_measures(rng, children.age0)
    u = rng.normal(size=len(pair_child))
    raw_child = rng.random(len(children.age0)) < _PARAMETERS["swemwbs_raw_share"]
    theta = _theta()
    pair_idx, occasion = np.nonzero(children.observed[pair_child])
    child = pair_child[pair_idx]
    measure = pair_measure[pair_idx]
    t = children.offsets[child, occasion] / 365.25
    param = {
        f: np.array([getattr(m, f) for m in OUTCOME_MODELS])
        for f in ("mu", "b_age", "b_male", "b_wimd", "sd_u", "sd_e")
    }
    y = (
        param["mu"][measure]
        + param["b_age"][measure] * (children.age0[child] - 12)
        + param["b_male"][measure] * (children.sex[child] == _MALE)
        + param["b_wimd"][measure] * (children.wimd[child] - 3)
        + param["sd_u"][measure] * u[pair_idx]
        + theta[children.rpb[child], measure, children.cohort[child]] * t
        + param["sd_e"][measure] * rng.normal(size=len(child))
    )
    return _Scores(
        pair_child, pair_measure, raw_child, theta, pair_idx, child, measure, occasion, t, y
    )


def _keep_pairs(scores: _Scores, kept: np.ndarray) -> tuple[_Scores, np.ndarray]:
    """The scores of the (child, measure) pairs kept, and the mask of the assessments kept."""
    rows = kept[scores.pair]
    renumber = np.cumsum(kept) - 1  # old pair index -> index among the pairs kept
    scores = replace(
        scores,
        pair_child=scores.pair_child[kept],
        pair_measure=scores.pair_measure[kept],
        pair=renumber[scores.pair[rows]],
        **{f: getattr(scores, f)[rows] for f in ("child", "measure", "occasion", "t", "y")},
    )
    return scores, rows


def _scores_as_written(
    scores: _Scores,
) -> tuple[np.ndarray, np.ndarray, dict[str, dict[str, int]]]:
    """Scores and measures as written, and the number of scores clipped per measure.

    Scores are rounded to the measure's resolution and clipped to its range; the SWEMWBS
    scores of raw-total children are written as the nearest raw total (``SWEMWBS_RAW``).
    """
    measure, y = scores.measure, scores.y
    score = np.empty(len(y), dtype=object)
    measure_text = np.array([m.key for m in OUTCOME_MODELS], dtype=object)[measure]
    clipped: dict[str, dict[str, int]] = {}
    for j, model in enumerate(OUTCOME_MODELS):
        rows = measure == j
        value = np.round(y[rows], model.decimals)
        clipped[model.key] = {
            "below_range": int((value < model.low).sum()),
            "above_range": int((value > model.high).sum()),
        }
        value = np.clip(value, model.low, model.high)
        text = numbers(value, model.decimals)
        if model.key == _SWEMWBS_RAW.measure:
            raw = scores.raw_child[scores.child[rows]]
            nearest = np.abs(value[raw, None] - _SWEMWBS_METRIC[None, :]).argmin(axis=1)
            text[raw] = (nearest + _SWEMWBS_RAW.raw_min).astype(str)
            names = measure_text[rows]
            names[raw] = _SWEMWBS_RAW.code
            measure_text[rows] = names
        score[rows] = text
    return score, measure_text, clipped


def generate_outcomes(
    rng: np.random.Generator, scale: DemoScale
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Repeated outcome measures of children and young people, from the model of the docstring.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream.
    scale : DemoScale
        Sizes (number of children, RPB weights, RPBs held to a few children per measure and
        cohort).

    Returns
    -------
    frame : pandas.DataFrame
        One row per assessment (text), in date order.
    truth : dict
        The model's parameters, the theta table, clipping counts and the expected mean change
        from first to last assessment given the follow-up that was generated.
    """
    children = _draw_children(rng, scale)
    scores = _draw_scores(rng, children)
    ids = hex_ids(rng, "P", 7, scale.n_children)
    uk = uk_mask(rng, len(scores.child))
    spelled = spell_rpbs(rng, children.rpb, MESSY_RPB_SHARE)  # one spelling per child
    group = scores.pair_measure * len(YEARS) + children.cohort[scores.pair_child]
    kept = few_kept(rng, children.rpb[scores.pair_child], group, scale.small_rpb_ranges())
    scores, rows = _keep_pairs(scores, kept)
    uk = uk[rows]
    score, measure_text, clipped = _scores_as_written(scores)
    child, occasion = scores.child, scores.occasion
    dates = children.dates[child, occasion]
    order = np.lexsort((scores.measure, child, dates.astype(int)))
    respondent = np.array([m.respondent for m in OUTCOME_MODELS], dtype=object)
    columns = {
        "person_id": ids[child],
        "rpb": spelled[child],
        "measure": measure_text,
        "date": format_dates(dates, uk),
        "score": score,
        "respondent": respondent[scores.measure],
        "service": children.service[child],
        "age": numbers(children.age0[child] + scores.t, 1),
        "sex": np.array(list(_SEX), dtype=object)[children.sex[child]],
        "wimd_quintile": children.wimd[child],
    }
    frame = text_frame("outcomes", columns, order)
    pairs = _expected_pairs(children, scores)
    n_children = len(np.unique(scores.pair_child))
    return frame, _truth(pairs, scores.theta, clipped, n_children, len(child))


def _expected_pairs(children: _Children, scores: _Scores) -> pd.DataFrame:
    """Per (child, measure) pair: RPB, measure, cohort, paired, follow-up, expected change."""
    pair_child, pair_measure = scores.pair_child, scores.pair_measure
    n_obs = children.observed[pair_child].sum(axis=1)
    last = np.where(n_obs > 0, n_obs - 1, 0)
    t_last = children.offsets[pair_child, last] / 365.25
    rpb, cohort = children.rpb[pair_child], children.cohort[pair_child]
    return pd.DataFrame(
        {
            "rpb": np.array(_RPBS, dtype=object)[rpb],
            "measure": np.array([m.key for m in OUTCOME_MODELS], dtype=object)[pair_measure],
            "cohort": np.asarray(YEARS)[cohort],
            "paired": n_obs >= 2,
            "t_last": t_last,
            "expected": scores.theta[rpb, pair_measure, cohort] * t_last,
        }
    )


def _outcome_cells(pairs: pd.DataFrame, by: list[str]) -> list[dict[str, Any]]:
    """Expected mean first-to-last change and pair counts per group of (child, measure) pairs."""
    cells = []
    for key, group in pairs.groupby(by, sort=True):
        paired = group[group["paired"]]
        cell = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        cell = {k: (int(v) if k == "cohort" else v) for k, v in cell.items()}
        cell.update(
            {
                "n_pairs": len(paired),
                "n_unpaired": int((~group["paired"]).sum()),
                "mean_followup_years": rounded(paired["t_last"].mean()) if len(paired) else None,
                "expected_mean_change": rounded(paired["expected"].mean()) if len(paired) else None,
            }
        )
        cells.append(cell)
    return cells


def _measures_truth() -> dict[str, dict[str, Any]]:
    """Each measure's true model, as recorded in the truth file."""
    return {
        m.key: {
            "range": [m.low, m.high],
            "decimals": m.decimals,
            "higher_is_better": m.higher_is_better,
            "respondent": m.respondent,
            "ages": [m.min_age, m.max_age],
            "mu": m.mu,
            "b_age": m.b_age,
            "b_male": m.b_male,
            "b_wimd": m.b_wimd,
            "sd_u": m.sd_u,
            "sd_e": m.sd_e,
            "base_improvement_per_year": m.improvement_per_year,
        }
        for m in OUTCOME_MODELS
    }


def _truth(
    pairs: pd.DataFrame,
    theta: np.ndarray,
    clipped: dict[str, dict[str, int]],
    n_children: int,
    n_rows: int,
) -> dict[str, Any]:
    """The outcomes section of the truth file."""
    return {
        "model": (
            "y_ij = mu_m + b_age_m*(age0_i - 12) + b_sex_m*[male_i] + b_wimd_m*(wimd_i - 3) + "
            "u_i + theta[rpb, m, cohort]*t_ij + e_ij; u_i ~ N(0, sd_u_m) per child and measure, "
            "e_ij ~ N(0, sd_e_m); t_ij = years since the child's first assessment "
            "(days / 365.25); cohort = year of the first assessment; age0 = age at the first "
            "assessment (as written, one decimal). Scores rounded to the measure's resolution "
            "and clipped to its range only as a last resort (see clipped). SWEMWBS_RAW rows "
            "carry the raw total whose metric score is nearest the generated metric score; "
            "truth is in metric terms and counts them as SWEMWBS."
        ),
        "expected_change_definition": (
            "mean over paired (child, measure) of theta * t_last, where t_last is the "
            "follow-up in years at the last observed assessment: E[y_last - y_first] given "
            "the generated follow-up. SD of an individual change is sqrt(2) * sd_e."
        ),
        "measures": _measures_truth(),
        "theta": [
            {
                "rpb": rpb,
                "measure": m.key,
                "cohort": year,
                "change_per_year": rounded(theta[r, j, c]),
            }
            for r, rpb in enumerate(_RPBS)
            for j, m in enumerate(OUTCOME_MODELS)
            for c, year in enumerate(YEARS)
        ],
        "theta_multipliers": {k: list(v) for k, v in THETA_MULTIPLIERS.items()},
        "expected_change": _outcome_cells(pairs, ["rpb", "measure", "cohort"]),
        "expected_change_by_rpb": _outcome_cells(pairs, ["rpb", "measure"]),
        "expected_change_wales": _outcome_cells(pairs, ["measure", "cohort"]),
        "clipped": clipped,
        "n_children": n_children,
        "n_child_measures": len(pairs),
        "n_unpaired": int((~pairs["paired"]).sum()),
        "n_rows": n_rows,
        "swemwbs_raw_share_of_children": _PARAMETERS["swemwbs_raw_share"],
        "follow_up": (
            "first assessment uniform within the cohort year; later assessments every "
            f"{_GAP_DAYS['mean']:g} days (SD {_GAP_DAYS['sd']:g}, {_GAP_DAYS['min']}–"
            f"{_GAP_DAYS['max']}); planned 1–4 assessments with probabilities "
            f"{list(_PLANNED_ASSESSMENTS)}; assessments after {DATA_END} are not observed"
        ),
    }
