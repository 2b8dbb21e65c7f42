"""The ``training`` demo dataset: learners on the NEST and children's rights course.

Those enrolled February–October 2024 reproduce the published 2024 figures exactly (147 enrolled,
70 completed, 92% of ratings 4 or 5, organisations NHS 60%, local authority 20%, third sector 3%,
private or other 17%: :data:`~nest_eval.demo.model.PUBLISHED_2024_TRAINING`); later learners
complete and rate with fixed probabilities. The parameters are in ``training`` of the model
file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from nest_eval.demo.draws import choice, dates_between, hex_ids, uk_mask
from nest_eval.demo.model import DATA_END, PARAMETERS, PUBLISHED_2024_TRAINING, DemoScale
from nest_eval.demo.text import format_dates, text_frame

__all__ = ["generate_training"]

_COHORT_2024 = PARAMETERS["training"]["cohort_2024"]
_WINDOW_2024 = tuple(np.datetime64(d, "D") for d in _COHORT_2024["window"])
_RATINGS_2024 = {int(rating): count for rating, count in _COHORT_2024["ratings"].items()}
_LATER = PARAMETERS["training"]["later"]
_LATER_WINDOW = (np.datetime64(_LATER["window_start"], "D"), DATA_END)
_LATER_RATINGS = {int(rating): p for rating, p in _LATER["ratings"].items()}

# Learners drawn: organisation type, enrolment date, completion date (NaT: not completed) and
# rating (0: not rated), one entry per learner.
_Learners = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _published_cohort(rng: np.random.Generator) -> _Learners:
    """The learners enrolled in the 2024 window, reproducing the published figures exactly."""
    pub = PUBLISHED_2024_TRAINING
    n = pub["enrolled"]
    organisations = np.array(list(pub["organisations"]), dtype=object)
    org = rng.permutation(np.repeat(organisations, list(pub["organisations"].values())))
    start, end = _WINDOW_2024
    enrolled = dates_between(rng, start, end, n)
    latest = end - np.timedelta64(_COHORT_2024["last_completer_enrolled_days"], "D")
    completers = rng.choice(
        np.flatnonzero(enrolled <= latest), size=pub["completed"], replace=False
    )
    room = (end - enrolled[completers]).astype(int)
    low, high = _COHORT_2024["completion_delay_days"]
    completed = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    completed[completers] = enrolled[completers] + (
        rng.integers(low, np.minimum(high, room) + 1)
    ).astype("timedelta64[D]")
    rating = np.zeros(n, dtype=int)
    raters = rng.choice(completers, size=pub["rated"], replace=False)
    rating[raters] = rng.permutation(np.repeat(list(_RATINGS_2024), list(_RATINGS_2024.values())))
    return org, enrolled, completed, rating


def _later_learners(rng: np.random.Generator, n: int) -> _Learners:
    """``n`` learners enrolled after the 2024 window, to the data's end."""
    org = choice(rng, _LATER["organisations"], n)
    enrolled = dates_between(rng, *_LATER_WINDOW, n)
    low, high = _LATER["completion_delay_days"]
    completed = enrolled + rng.integers(low, high + 1, n).astype("timedelta64[D]")
    done = (rng.random(n) < _LATER["completion"]) & (completed <= DATA_END)
    completed = np.where(done, completed, np.datetime64("NaT"))
    rated = done & (rng.random(n) < _LATER["rated_given_completed"])
    rating = np.where(rated, choice(rng, _LATER_RATINGS, n).astype(int), 0)
    return org, enrolled, completed, rating


def generate_training(
    rng: np.random.Generator, scale: DemoScale
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Learners on the NEST and children's rights course.

    The 147 learners enrolled February–October 2024 reproduce the published figures exactly:
    70 completed by the end of October 2024 (the others never complete), 61 of them rated
    the course and 56 of those ratings are 4 or 5; organisations 88/29/5/25.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream.
    scale : DemoScale
        Sizes (learners enrolled November 2024–December 2025).

    Returns
    -------
    frame : pandas.DataFrame
        One row per learner (text), in enrolment order.
    truth : dict
        The published figures reproduced and the design of the later learners.
    """
    cohort = _published_cohort(rng)
    later = _later_learners(rng, scale.training_later)
    org, enrolled, completed, rating = (
        np.concatenate(pair) for pair in zip(cohort, later, strict=True)
    )
    n = len(enrolled)
    ids = hex_ids(rng, "L", 6, n)
    uk = uk_mask(rng, n)
    columns = {
        "learner_id": ids,
        "organisation_type": org,
        "enrolled_date": format_dates(enrolled, uk),
        "completed_date": format_dates(completed, uk),
        "rating": np.where(rating > 0, rating.astype(str), ""),
    }
    order = np.lexsort((ids.astype(str), enrolled.astype(int)))
    return text_frame("training", columns, order), _truth(scale.training_later)


def _truth(n_later: int) -> dict[str, Any]:
    """The training section of the truth file."""
    pub = PUBLISHED_2024_TRAINING
    start, end = _WINDOW_2024
    return {
        "published_2024": {
            "window": [str(start), str(end)],
            **{k: (dict(v) if isinstance(v, Mapping) else v) for k, v in pub.items()},
            "ratings": {str(k): v for k, v in _RATINGS_2024.items()},
            "note": (
                f"learners enrolled {start} to {end}: the {pub['completed']} completers "
                f"completed by {end} and the other {pub['enrolled'] - pub['completed']} never "
                "complete; only completers rate"
            ),
        },
        "later": {
            "window": [str(d) for d in _LATER_WINDOW],
            "n": n_later,
            "organisations": dict(_LATER["organisations"]),
            "completion_probability": _LATER["completion"],
            "completion_delay_days": list(_LATER["completion_delay_days"]),
            "rated_given_completed": _LATER["rated_given_completed"],
            "ratings": {str(k): v for k, v in _LATER_RATINGS.items()},
            "note": f"completions that would fall after {DATA_END} are blank (not yet completed)",
        },
        "n_rows": pub["enrolled"] + n_later,
    }
