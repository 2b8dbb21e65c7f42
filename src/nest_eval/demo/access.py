"""The ``access`` demo dataset: requests for help, their wait, redirections and outcome.

The wait from a request to first support is log-normal with a true median per RPB and year
(:data:`~nest_eval.demo.model.ACCESS_MEDIAN_WAIT`) and the redirections are Poisson with a true
mean per RPB and year (:data:`~nest_eval.demo.model.ACCESS_MEAN_REDIRECTIONS`). Requests not
supported by 31 December 2025 are ``waiting``. The parameters are in ``access`` of the model
file.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from nest_eval.demo.categories import category
from nest_eval.demo.draws import choice, few_kept, hex_ids, spell_rpbs, uk_mask, yearly_rows
from nest_eval.demo.model import (
    ACCESS_MEAN_REDIRECTIONS,
    ACCESS_MEDIAN_WAIT,
    DATA_END,
    MESSY_RPB_SHARE,
    PARAMETERS,
    YEARS,
    DemoScale,
)
from nest_eval.demo.text import format_dates, rounded, text_frame
from nest_eval.reference import vocabulary

__all__ = ["generate_access"]

_RPBS = vocabulary.RPB_NAMES
_PARAMETERS = PARAMETERS["access"]
_WAIT_SIGMA = _PARAMETERS["wait_sigma"]
_SUPPORTED = category("access", "outcome", "supported")
_SIGNPOSTED = category("access", "outcome", "signposted")
_WAITING = category("access", "outcome", "waiting")
# Outcomes drawn: those of the model file, and supported with the rest of the probability.
_OUTCOMES = {
    **_PARAMETERS["outcome"],
    _SUPPORTED: 1 - sum(_PARAMETERS["outcome"].values()),
}


def _ages(rng: np.random.Generator, route: np.ndarray) -> np.ndarray:
    """Age in whole years of the child of each request, by route."""
    by_route = {
        name: rng.integers(low, high + 1, len(route))
        for name, (low, high) in _PARAMETERS["ages_by_route"].items()
    }
    low, high = _PARAMETERS["ages"]
    age = rng.integers(low, high + 1, len(route))
    for name, drawn in by_route.items():
        age = np.where(route == name, drawn, age)
    return age


def generate_access(
    rng: np.random.Generator, scale: DemoScale
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Requests for help with their wait to first support, redirections and outcome.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream.
    scale : DemoScale
        Sizes (requests per year, RPB weights, RPBs held to a few requests per year).

    Returns
    -------
    frame : pandas.DataFrame
        One row per request (text), in order received.
    truth : dict
        True median wait, share supported within 28 days and mean redirections per RPB and year.
    """
    year_index, rpb, received = yearly_rows(rng, scale.access_per_year, scale.weights("access"))
    n = len(year_index)
    median = np.array([ACCESS_MEDIAN_WAIT[r] for r in _RPBS])[rpb, year_index]
    wait = np.ceil(np.exp(np.log(median) + _WAIT_SIGMA * rng.normal(size=n))).astype(int)
    redirections = rng.poisson(
        np.array([ACCESS_MEAN_REDIRECTIONS[r] for r in _RPBS])[rpb, year_index]
    )
    outcome = choice(rng, _OUTCOMES, n)
    first = received + wait.astype("timedelta64[D]")
    gets_support = np.isin(outcome, (_SUPPORTED, _SIGNPOSTED))
    outcome = np.where(gets_support & (first > DATA_END), _WAITING, outcome)
    first = np.where(gets_support & (first <= DATA_END), first, np.datetime64("NaT"))
    route = choice(rng, _PARAMETERS["route"], n)
    age = _ages(rng, route)
    uk = uk_mask(rng, n)
    columns = {
        "request_id": hex_ids(rng, "A", 8, n),
        "rpb": spell_rpbs(rng, rpb, MESSY_RPB_SHARE),
        "received_date": format_dates(received, uk),
        "first_support_date": format_dates(first, uk),
        "redirections": redirections,
        "outcome": outcome,
        "route": route,
        "service": choice(rng, _PARAMETERS["service"], n),
        "age": age,
    }
    order = np.lexsort((columns["request_id"].astype(str), received.astype(int)))
    kept = few_kept(rng, rpb, year_index, scale.small_rpb_ranges())
    return text_frame("access", columns, order[kept[order]]), _truth(int(kept.sum()))


def _truth(n_rows: int) -> dict[str, Any]:
    """The access section of the truth file."""
    return {
        "model": (
            "wait (days) = ceil(W), W log-normal with median m[rpb, year] and log-SD sigma, so "
            "P(wait <= 28) = Phi((ln 28 - ln m) / sigma) exactly; first_support_date = "
            "received_date + wait for supported and signposted requests; requests whose support "
            f"would fall after {DATA_END} are 'waiting' (blank date: censored); withdrawn and "
            "declined have no date; redirections ~ Poisson(mean[rpb, year]); year = year received"
        ),
        "sigma": _WAIT_SIGMA,
        "outcome_probabilities": {
            outcome: (rounded(p) if outcome == _SUPPORTED else p)
            for outcome, p in _OUTCOMES.items()
        },
        "by_rpb_year": {
            r: {
                str(year): {
                    "median_wait_days": ACCESS_MEDIAN_WAIT[r][y],
                    "share_within_28_days": rounded(_share_within(28, ACCESS_MEDIAN_WAIT[r][y])),
                    "mean_redirections": ACCESS_MEAN_REDIRECTIONS[r][y],
                }
                for y, year in enumerate(YEARS)
            }
            for r in _RPBS
        },
        "n_rows": n_rows,
    }


def _share_within(days: float, median: float) -> float:
    """P(W <= days) for the log-normal wait W with the given median and log-SD ``wait_sigma``.

    Because waits are written as ``ceil(W)`` whole days, this is also the exact probability
    that a written wait is at most ``days``.
    """
    return NormalDist().cdf((math.log(days) - math.log(median)) / _WAIT_SIGMA)
