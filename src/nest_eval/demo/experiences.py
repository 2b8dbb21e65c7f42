"""The ``experiences`` demo dataset: survey responses on the eight experience items.

Each answered item agrees (4 or 5) with a true probability per RPB and year
(:data:`~nest_eval.demo.model.EXPERIENCE_AGREE`), shifted per item
(:data:`~nest_eval.demo.model.EXPERIENCE_ITEM_SHIFT`); the items of a response are correlated
through a Gaussian copula that leaves each item's probability exact. The parameters are in
``experiences`` of the model file.
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
    EXPERIENCE_AGREE,
    EXPERIENCE_ITEM_SHIFT,
    MESSY_RPB_SHARE,
    PARAMETERS,
    YEARS,
    DemoScale,
)
from nest_eval.demo.text import format_dates, rounded, text_frame
from nest_eval.reference import contract, vocabulary

__all__ = ["generate_experiences"]

_RPBS = vocabulary.RPB_NAMES
_ITEMS = contract.EXPERIENCE_ITEMS
_PARAMETERS = PARAMETERS["experiences"]
_ITEM_CORRELATION = _PARAMETERS["item_correlation"]
_DISAGREE_LEVELS = {int(level): p for level, p in _PARAMETERS["disagree_levels"].items()}
_COMMENTS_EN = tuple(_PARAMETERS["comments_en"])
_COMMENTS_CY = tuple(_PARAMETERS["comments_cy"])
_ENGLISH = category("experiences", "language", "en")
_WELSH = category("experiences", "language", "cy")


def _item_values(rng: np.random.Generator, p_agree: np.ndarray) -> np.ndarray:
    """Answers (text 1–5, blank when not answered) per response and item.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream.
    p_agree : numpy.ndarray
        (response, item): true probability that the answer is 4 or 5.
    """
    n, k = p_agree.shape
    threshold = np.vectorize(NormalDist().inv_cdf)(p_agree)
    latent = math.sqrt(_ITEM_CORRELATION) * rng.normal(size=(n, 1)) + math.sqrt(
        1 - _ITEM_CORRELATION
    ) * rng.normal(size=(n, k))
    agree = latent < threshold
    five = rng.random((n, k)) < _PARAMETERS["agree_five"]
    low = choice(rng, _DISAGREE_LEVELS, n * k).reshape(n, k).astype(int)
    values = np.where(agree, np.where(five, 5, 4), low).astype(str).astype(object)
    missing = rng.random((n, k)) < _PARAMETERS["item_missing"]
    none_left = missing.all(axis=1)
    missing[none_left, rng.integers(0, k, size=int(none_left.sum()))] = False
    values[missing] = ""
    return values


def generate_experiences(
    rng: np.random.Generator, scale: DemoScale
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Survey responses on the eight experience items, per RPB and year.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream.
    scale : DemoScale
        Sizes (responses per year, RPB weights, RPBs held to a few responses per year).

    Returns
    -------
    frame : pandas.DataFrame
        One row per response (text), in date order.
    truth : dict
        True probabilities of agreeing (4–5) per RPB, year and item.
    """
    weights = scale.weights("experiences")
    year_index, rpb, dates = yearly_rows(rng, scale.experiences_per_year, weights)
    n = len(year_index)
    base = np.array([EXPERIENCE_AGREE[r] for r in _RPBS])  # (rpb, year)
    shift = np.array([EXPERIENCE_ITEM_SHIFT[i] for i in _ITEMS])
    values = _item_values(rng, np.clip(base[rpb, year_index][:, None] + shift[None, :], 0.01, 0.99))

    welsh_share = np.array([_PARAMETERS["welsh_share"][r] for r in _RPBS])
    welsh = rng.random(n) < welsh_share[rpb]
    has_comment = rng.random(n) < _PARAMETERS["comment_share"]
    comment_en = np.array(_COMMENTS_EN, dtype=object)[rng.integers(0, len(_COMMENTS_EN), n)]
    comment_cy = np.array(_COMMENTS_CY, dtype=object)[rng.integers(0, len(_COMMENTS_CY), n)]
    columns: dict[str, Any] = {
        "rpb": spell_rpbs(rng, rpb, MESSY_RPB_SHARE),
        "date": format_dates(dates, uk_mask(rng, n)),
        "respondent_type": choice(rng, _PARAMETERS["respondent_type"], n),
        **{item: values[:, k] for k, item in enumerate(_ITEMS)},
        "language": np.where(welsh, _WELSH, _ENGLISH),
        "response_id": hex_ids(rng, "R", 8, n),
        "comment": np.where(has_comment, np.where(welsh, comment_cy, comment_en), ""),
    }
    order = np.lexsort((columns["response_id"].astype(str), dates.astype(int)))
    kept = few_kept(rng, rpb, year_index, scale.small_rpb_ranges())
    truth = _truth(float(np.mean(shift)), int(kept.sum()))
    return text_frame("experiences", columns, order[kept[order]]), truth


def _truth(mean_shift: float, n_rows: int) -> dict[str, Any]:
    """The experiences section of the truth file."""
    years = list(enumerate(YEARS))
    return {
        "model": (
            "each answered item is 4 or 5 with probability p[rpb, year] + shift[item] (a "
            "Gaussian copula with latent correlation rho between a response's items keeps each "
            "item's probability exact); given agreement 5 with probability p_five, otherwise "
            "1, 2, 3 with the given probabilities; each item missing with probability p_missing, "
            "never all eight"
        ),
        "p_agree": {r: {str(year): EXPERIENCE_AGREE[r][y] for y, year in years} for r in _RPBS},
        "item_shift": dict(EXPERIENCE_ITEM_SHIFT),
        "p_agree_by_item": {
            r: {
                str(year): {
                    item: rounded(EXPERIENCE_AGREE[r][y] + EXPERIENCE_ITEM_SHIFT[item])
                    for item in _ITEMS
                }
                for y, year in years
            }
            for r in _RPBS
        },
        "p_agree_mean_over_items": {
            r: {str(year): rounded(EXPERIENCE_AGREE[r][y] + mean_shift) for y, year in years}
            for r in _RPBS
        },
        "rho": _ITEM_CORRELATION,
        "p_five_given_agree": _PARAMETERS["agree_five"],
        "disagree_levels": {str(v): p for v, p in _DISAGREE_LEVELS.items()},
        "p_missing": _PARAMETERS["item_missing"],
        "welsh_share": dict(_PARAMETERS["welsh_share"]),
        "comment_share": _PARAMETERS["comment_share"],
        "n_rows": n_rows,
    }
