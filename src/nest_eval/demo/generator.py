r"""Synthetic demo data for all six datasets of the data contract, generated from known effects.

The demo data lets every analysis of the workbench be checked against the truth: each dataset is
drawn from a documented generative model whose parameters (and the quantities an analysis should
recover) are written beside the CSV files in ``truth.json``. Nothing in the demo data describes a
real person, service or RPB submission; the only real figures are the published national 2024
figures the data are built to reproduce.

Datasets and their models
-------------------------
``self_assessment``
    Region-level journey ratings of the 7 RPBs on the 6 core elements for the cycles 2024 and
    2025, from a fixed table (:data:`JOURNEY_RATINGS`) whose 2024 means per element equal the
    published national figures (NYTH/NEST implementation update, 2024) when rounded to one
    decimal: five elements sum to 16 or 15 over seven whole-number ratings (2.29 → 2.3,
    2.14 → 2.1); for *safe and supportive communities* Powys gave no rating and the other six
    sum to 11 (1.83 → 1.8). In 2025 most RPBs move up a level on some elements, Gwent moves
    down on *wellbeing across education* and North Wales rates itself 2.5 on *no wrong door*.
    Regional Integration Fund (RIF) project self-assessments (``level = project``) follow the
    region's rating within one level.
``outcomes``
    Children with one to four assessments on one or two validated measures. For child *i*
    and measure *m* at assessment *j*::

        y_ij = mu_m + b_age_m (age0_i - 12) + b_sex_m [male_i] + b_wimd_m (wimd_i - 3)
               + u_i + theta[rpb_i, m, cohort_i] t_ij + e_ij,
        u_i ~ N(0, sd_u_m),   e_ij ~ N(0, sd_e_m),

    where ``age0`` is the age at the first assessment, ``t_ij`` the years since the child's
    first assessment and ``cohort`` the year of that first assessment. ``theta`` is the true
    change per year of follow-up: an improvement (a rise on SWEMWBS, GBO and ReQoL-10, a fall on
    SDQ, YP-CORE and RCADS) scaled by a per-RPB, per-cohort multiplier
    (:data:`THETA_MULTIPLIERS`). Assessments are about three months apart and those that would
    fall after 31 December 2025 are not yet observed, so late starters stay unpaired. Scores
    are rounded to the measure's resolution; about 5% of SWEMWBS children are delivered as
    ``SWEMWBS_RAW`` raw totals (the metric score converted back to the nearest raw total with
    the published Rasch table).
``experiences``
    Survey responses whose eight items agree (4 or 5) with a true probability per RPB and year
    (:data:`EXPERIENCE_AGREE`), shifted per item (:data:`EXPERIENCE_ITEM_SHIFT`); items of a
    response are correlated through a Gaussian copula that leaves each item's probability exact.
``access``
    Requests for help whose wait to first support is log-normal with a true median per RPB and
    year (:data:`ACCESS_MEDIAN_WAIT`) and whose redirections are Poisson with a true mean per RPB
    and year (:data:`ACCESS_MEAN_REDIRECTIONS`). Requests not supported by 31 December 2025 are
    ``waiting``.
``partnership``
    Funding, workforce vacancy rate (two RPB-years as percentages), multi-agency panel,
    co-production maturity and children on the board, per RPB and year.
``training``
    Learners on the NEST and children's rights course. Those enrolled February–October 2024
    reproduce the published 2024 figures exactly (147 enrolled, 70 completed, 92% of ratings
    4 or 5, organisations NHS 60%, local authority 20%, third sector 3%, private or other 17%).

Planted problems
----------------
The ``default`` scale adds a handful of realistic bad rows (out-of-range score, unknown RPB,
impossible date, missing required value, support before the request, a training rating of 7,
a survey response with no item answered, a conflicting self-assessment duplicate) and one exact
duplicate row. Each is listed in ``truth.json`` under ``planted_problems`` with its file, row
number (the header is row 1), column, value and rule. Every truth figure is computed from the
clean rows only.

Determinism
-----------
One :class:`numpy.random.SeedSequence` per seed is spawned into one independent stream per
dataset (and one for the planted problems), so a dataset does not depend on the sizes of the
others. No clock, string hash or set order is used; values are pre-formatted as text; CSV files
are UTF-8 without byte-order mark with ``\n`` line ends; ``truth.json`` is sorted, indented and
ends with a newline. The same seed and scale give byte-identical files.

Sources
-------
- Published 2024 journey ratings and training figures: Welsh Government, *NYTH/NEST
  implementation update* (2024).
- Measure ranges and the SWEMWBS raw → metric table: ``measures.md`` of the specification
  (Shah et al. 2018, HQLO 16:239; Warwick Medical School).
- 28-day standard: Mental Health (Wales) Measure 2010, Part 1.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from nest_eval.reference import contract, vocabulary

__all__ = [
    "ACCESS_MEAN_REDIRECTIONS",
    "ACCESS_MEDIAN_WAIT",
    "DEFAULT_SEED",
    "EXPERIENCE_AGREE",
    "EXPERIENCE_ITEM_SHIFT",
    "JOURNEY_RATINGS",
    "OUTCOME_MODELS",
    "PUBLISHED_2024_MEANS",
    "PUBLISHED_2024_TRAINING",
    "SCALES",
    "THETA_MULTIPLIERS",
    "DemoData",
    "DemoScale",
    "OutcomeModel",
    "generate_demo_data",
    "write_demo_data",
]

DEFAULT_SEED = 2024
"""The seed of the committed demo data in ``data/raw/``."""

YEARS = (2024, 2025)
_END = np.datetime64("2025-12-31")
_RPBS = vocabulary.RPB_NAMES
_N_RPB = len(_RPBS)
_CORE = vocabulary.element_keys("core")
_FLOAT_DP = 6  # decimals kept for floats in truth.json


@dataclass(frozen=True)
class DemoScale:
    """Sizes of one demo data set.

    Attributes
    ----------
    name : str
        Scale name, a key of :data:`SCALES`.
    n_children : int
        Children (and young people) with outcome measures.
    experiences_per_year : int
        Survey responses per year across Wales.
    access_per_year : int
        Requests for help per year across Wales.
    training_later : int
        Learners enrolled November 2024–December 2025 (the 147 learners of February–October
        2024 are always there).
    rpb_weights : tuple of float
        Share of children, responses and requests per RPB, in :data:`vocabulary.RPBS` order.
    plant_problems : bool
        Whether bad rows are planted (see ``planted_problems`` in the truth).
    """

    name: str
    n_children: int
    experiences_per_year: int
    access_per_year: int
    training_later: int
    rpb_weights: tuple[float, ...]
    plant_problems: bool


# Approximate share of Wales's 0–25 population per RPB (rounded; for sizing only).
_POPULATION_SHARE = (0.16, 0.14, 0.19, 0.22, 0.04, 0.12, 0.13)

SCALES: Mapping[str, DemoScale] = {
    "default": DemoScale(
        name="default",
        n_children=1_400,
        experiences_per_year=1_400,
        access_per_year=1_000,
        training_later=260,
        rpb_weights=(1 / _N_RPB,) * _N_RPB,
        plant_problems=True,
    ),
    "wales": DemoScale(
        name="wales",
        n_children=100_000,
        experiences_per_year=15_000,
        access_per_year=25_000,
        training_later=2_000,
        rpb_weights=_POPULATION_SHARE,
        plant_problems=False,
    ),
}
"""Demo data sizes: ``default`` (committed, small, with planted problems) and ``wales``
(roughly all-Wales volumes, clean)."""


# --------------------------------------------------------------------------------------------
# Self-assessment: fixed journey ratings
# --------------------------------------------------------------------------------------------

PUBLISHED_2024_MEANS: Mapping[str, float] = {
    "trusted_adults": 2.3,
    "wellbeing_across_education": 2.1,
    "coproduced_innovation": 2.1,
    "easy_access_to_expertise": 2.1,
    "safe_supportive_communities": 1.8,
    "no_wrong_door": 2.3,
}
"""Published national mean journey ratings, October 2024 (NYTH/NEST implementation update)."""

# Columns: trusted_adults, wellbeing_across_education, coproduced_innovation,
# easy_access_to_expertise, safe_supportive_communities, no_wrong_door. None = not rated.
JOURNEY_RATINGS: Mapping[int, Mapping[str, tuple[float | None, ...]]] = {
    2024: {
        "Cardiff and Vale": (3, 2, 3, 2, 2, 3),
        "Cwm Taf Morgannwg": (2, 2, 2, 1, 2, 2),
        "Gwent": (2, 3, 2, 2, 1, 2),
        "North Wales": (3, 2, 2, 3, 2, 2),
        "Powys": (2, 2, 1, 2, None, 2),
        "West Glamorgan": (2, 2, 3, 3, 2, 3),
        "West Wales": (2, 2, 2, 2, 2, 2),
    },
    2025: {
        "Cardiff and Vale": (3, 3, 3, 3, 2, 3),
        "Cwm Taf Morgannwg": (2, 2, 2, 2, 2, 3),
        "Gwent": (3, 2, 2, 2, 2, 2),
        "North Wales": (3, 2, 3, 3, 2, 2.5),
        "Powys": (2, 2, 2, 2, 2, 2),
        "West Glamorgan": (3, 3, 3, 3, 2, 3),
        "West Wales": (2, 2, 2, 3, 2, 2),
    },
}
"""Region-level journey ratings per cycle, RPB and core element (in ``CORE_ELEMENTS`` order).

2024 sums per element over the 7 RPBs: 16, 15, 15, 15, 11 (6 rated), 16, i.e. means 2.29,
2.14, 2.14, 2.14, 1.83, 2.29, which round to the published 2.3, 2.1, 2.1, 2.1, 1.8, 2.3.
2025: moves up on some elements, Gwent down on wellbeing across education, North Wales 2.5
on no wrong door."""

# Submissions that spell elements by label rather than key (realistic variety for ingest).
_ELEMENT_SPELLING = {(2024, "West Wales"): "english", (2025, "North Wales"): "welsh"}
# Submissions whose region rows leave ``level`` blank (the contract's default, region).
_LEVEL_BLANK = {(2024, "Powys")}
# RPBs whose 2024 self-assessment had no families' voices.
_FAMILY_VOICE_MISSING_2024 = ("Cwm Taf Morgannwg", "Powys", "West Wales")

_EVIDENCE_BY_LEVEL = {
    0: ("Not rated this cycle: evidence still being gathered.",),
    1: (
        "Principle agreed by the partnership board; commitment to act recorded.",
        "Lead officer named and a first workshop held with partners.",
        "Baseline mapping of current provision started.",
    ),
    2: (
        "Action plan agreed by the partnership; first actions under way.",
        "Mapping of current provision completed and gaps identified.",
        "Staff briefings held across partner agencies; review planned.",
    ),
    3: (
        "First stage actions completed with positive early feedback.",
        "Shared referral pathway in use across localities.",
        "Training delivered to frontline staff with follow-up review.",
    ),
    4: (
        "Regular review cycle in place and learning shared across the region.",
        "Practice embedded in commissioning and reviewed against research.",
    ),
}
_VOICE_EVIDENCE = (
    "Young people's forum contributed to the rating.",
    "Parent and carer network consulted on priorities.",
    "Survey of children and families informed the rating.",
)


# --------------------------------------------------------------------------------------------
# Outcomes: measure models
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeModel:
    """True generative model of one outcome measure (see the module docstring).

    Attributes
    ----------
    key : str
        Measures catalogue key.
    low, high : float
        Valid range of the score (``measures.md``); values are clipped only as a last resort.
    decimals : int
        Resolution of the score as written.
    higher_is_better : bool
        Direction of the measure.
    respondent : str
        Who completes it.
    min_age, max_age : int
        Ages (whole years at the first assessment) for which the measure is used.
    mu : float
        Mean at baseline for a female child aged 12 in WIMD quintile 3.
    b_age, b_male, b_wimd : float
        Effects of age (per year from 12), male sex and WIMD quintile (per quintile from 3).
    sd_u, sd_e : float
        Standard deviations of the child's random intercept and of the occasion error.
    improvement_per_year : float
        Base true improvement per year of follow-up, in score points (made negative for
        higher-is-worse measures and scaled by :data:`THETA_MULTIPLIERS`).
    weight : float
        Relative weight when a child's measures are chosen.
    """

    key: str
    low: float
    high: float
    decimals: int
    higher_is_better: bool
    respondent: str
    min_age: int
    max_age: int
    mu: float
    b_age: float
    b_male: float
    b_wimd: float
    sd_u: float
    sd_e: float
    improvement_per_year: float
    weight: float

    @property
    def sign(self) -> int:
        """+1 when higher is better, −1 when higher is worse."""
        return 1 if self.higher_is_better else -1


# Ranges as in measures.md (RCADS T-scores: 20–120 is the catalogue's plausibility range, no
# published bound). Means, SDs and effects are chosen so that the range is rarely reached.
OUTCOME_MODELS: tuple[OutcomeModel, ...] = (
    OutcomeModel("SDQ_TOTAL", 0, 40, 0, False, "parent", 4, 10,
                 mu=17.0, b_age=-0.2, b_male=1.5, b_wimd=-0.6, sd_u=3.6, sd_e=2.2,
                 improvement_per_year=2.5, weight=1.0),
    OutcomeModel("RCADS_T", 20, 120, 0, False, "self", 8, 18,
                 mu=63.0, b_age=0.3, b_male=-2.0, b_wimd=-0.5, sd_u=7.0, sd_e=4.0,
                 improvement_per_year=6.0, weight=1.0),
    OutcomeModel("YP_CORE", 0, 4, 2, False, "self", 11, 16,
                 mu=2.1, b_age=0.04, b_male=-0.2, b_wimd=-0.04, sd_u=0.38, sd_e=0.24,
                 improvement_per_year=0.5, weight=1.2),
    OutcomeModel("SWEMWBS", 7, 35, 2, True, "self", 13, 18,
                 mu=20.0, b_age=-0.15, b_male=0.8, b_wimd=0.3, sd_u=2.8, sd_e=1.5,
                 improvement_per_year=3.0, weight=1.0),
    OutcomeModel("REQOL10", 0, 40, 0, True, "self", 16, 25,
                 mu=21.0, b_age=-0.1, b_male=1.0, b_wimd=0.4, sd_u=4.0, sd_e=2.2,
                 improvement_per_year=3.5, weight=1.0),
    OutcomeModel("GBO", 0, 10, 1, True, "self", 0, 25,
                 mu=4.0, b_age=0.0, b_male=0.0, b_wimd=0.05, sd_u=0.8, sd_e=0.5,
                 improvement_per_year=2.2, weight=0.6),
)  # fmt: skip
"""The six measures of the demo outcomes and their true models."""

THETA_MULTIPLIERS: Mapping[str, tuple[float, float]] = {
    "Cardiff and Vale": (1.0, 1.3),
    "Cwm Taf Morgannwg": (0.8, 1.0),
    "Gwent": (0.9, 0.9),
    "North Wales": (0.2, 0.8),
    "Powys": (0.6, 0.6),
    "West Glamorgan": (1.1, 1.5),
    "West Wales": (0.7, 1.0),
}
"""Per RPB, the (2024 cohort, 2025 cohort) multiplier of each measure's base improvement."""

# SWEMWBS raw total 7..35 → metric score (measures.md, published Rasch table).
_SWEMWBS_METRIC = np.array([
    7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98,
    18.59, 19.25, 19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31,
    30.70, 32.55, 35.00,
])  # fmt: skip
_SWEMWBS_RAW_SHARE = 0.05
# Planned assessments per child (1–4) before censoring at the end of 2025; censoring adds
# the late starters, giving about 13% unpaired (one assessment only) in all.
_PLANNED_ASSESSMENTS = (0.01, 0.47, 0.32, 0.20)
_TWO_MEASURES_SHARE = 0.2
_GAP_DAYS = (91.0, 12.0, 60, 130)  # mean, SD, minimum, maximum days between assessments
_SEX = (("female", 0.52), ("male", 0.47), ("other", 0.01))
# WIMD quintile distribution (1 = most deprived) of children seen, per RPB.
_WIMD = {
    "Cardiff and Vale": (0.24, 0.18, 0.17, 0.19, 0.22),
    "Cwm Taf Morgannwg": (0.34, 0.25, 0.19, 0.13, 0.09),
    "Gwent": (0.30, 0.23, 0.19, 0.15, 0.13),
    "North Wales": (0.16, 0.20, 0.24, 0.22, 0.18),
    "Powys": (0.04, 0.16, 0.32, 0.30, 0.18),
    "West Glamorgan": (0.27, 0.22, 0.19, 0.16, 0.16),
    "West Wales": (0.12, 0.22, 0.28, 0.22, 0.16),
}
_SERVICES_BY_AGE = (
    (0, 10, ("CAMHS", "Early help", "Primary mental health"), (0.3, 0.35, 0.35)),
    (
        11,
        18,
        ("CAMHS", "School counselling", "Primary mental health", "Early help"),
        (0.3, 0.35, 0.2, 0.15),
    ),
    (19, 25, ("CAMHS", "Primary mental health", "Youth service"), (0.3, 0.5, 0.2)),
)
_UK_DATE_SHARE = 0.10
_MESSY_RPB_SHARE = 0.20


# --------------------------------------------------------------------------------------------
# Experiences, access, partnership, training: true effects
# --------------------------------------------------------------------------------------------

EXPERIENCE_AGREE: Mapping[str, tuple[float, float]] = {
    "Cardiff and Vale": (0.62, 0.68),
    "Cwm Taf Morgannwg": (0.55, 0.60),
    "Gwent": (0.58, 0.62),
    "North Wales": (0.52, 0.60),
    "Powys": (0.60, 0.58),
    "West Glamorgan": (0.64, 0.71),
    "West Wales": (0.56, 0.59),
}
"""Per RPB, the true (2024, 2025) probability that an answered item is 4 or 5 (before the
item shift)."""

EXPERIENCE_ITEM_SHIFT: Mapping[str, float] = {
    "nurturing": 0.03,
    "empowering": -0.02,
    "safe": 0.06,
    "trusted": 0.05,
    "knew_who_to_turn_to": 0.0,
    "help_was_timely": -0.10,
    "made_a_difference": 0.02,
    "told_story_once": -0.12,
}
"""Added to :data:`EXPERIENCE_AGREE` to give each item's true probability of agreeing."""

_ITEM_CORRELATION = 0.5  # latent correlation between a response's items (Gaussian copula)
_ITEM_MISSING = 0.05
_DISAGREE_LEVELS = ((1, 0.2), (2, 0.35), (3, 0.45))  # given not agreeing
_AGREE_FIVE = 0.45  # P(5 | agreeing)
_RESPONDENT_TYPES = (
    ("child", 0.2),
    ("young_person", 0.3),
    ("parent_carer", 0.35),
    ("professional", 0.15),
)
_WELSH_SHARE = {
    "Cardiff and Vale": 0.05,
    "Cwm Taf Morgannwg": 0.04,
    "Gwent": 0.02,
    "North Wales": 0.25,
    "Powys": 0.10,
    "West Glamorgan": 0.05,
    "West Wales": 0.20,
}
_COMMENT_SHARE = 0.15
_COMMENTS_EN = (
    "Staff listened to us.",
    "It took a long time to get help.",
    "I only had to explain things once.",
    "We were passed between services before anyone helped.",
    "The counsellor was really helpful.",
    "Would like more support in the school holidays.",
    "Felt safe talking to the worker.",
    "More information about what happens next would help.",
    "Appointments were easy to get to.",
    "Help came at the right time.",
)
_COMMENTS_CY = (
    "Diolch am yr help.",
    "Roedd y staff yn garedig iawn.",
    "Roedd rhaid aros yn rhy hir.",
)

ACCESS_MEDIAN_WAIT: Mapping[str, tuple[float, float]] = {
    "Cardiff and Vale": (35.0, 28.0),
    "Cwm Taf Morgannwg": (42.0, 36.0),
    "Gwent": (38.0, 34.0),
    "North Wales": (48.0, 38.0),
    "Powys": (30.0, 31.0),
    "West Glamorgan": (33.0, 26.0),
    "West Wales": (45.0, 40.0),
}
"""Per RPB, the true (2024, 2025) median wait in days from request to first support."""

ACCESS_MEAN_REDIRECTIONS: Mapping[str, tuple[float, float]] = {
    "Cardiff and Vale": (1.1, 0.8),
    "Cwm Taf Morgannwg": (1.4, 1.1),
    "Gwent": (1.2, 1.0),
    "North Wales": (1.6, 1.2),
    "Powys": (0.9, 0.9),
    "West Glamorgan": (1.0, 0.7),
    "West Wales": (1.3, 1.2),
}
"""Per RPB, the true (2024, 2025) mean number of redirections before support (Poisson)."""

_WAIT_SIGMA = 0.75  # SD of log wait
_ACCESS_OUTCOMES = (("withdrawn", 0.05), ("declined", 0.04), ("signposted", 0.12))
_ROUTES = (
    ("self", 0.2),
    ("gp", 0.25),
    ("school", 0.3),
    ("social_care", 0.1),
    ("health_visitor", 0.05),
    ("other", 0.1),
)
_ACCESS_SERVICES = (
    ("Single point of access", 0.3),
    ("CAMHS", 0.2),
    ("Early help", 0.2),
    ("Primary mental health", 0.15),
    ("School counselling", 0.1),
    ("Third sector", 0.05),
)

_PARTNERSHIP = {
    # rpb: (multiagency_panel 2024, 2025), (maturity 2024, 2025), (cyp_on_board 2024, 2025)
    "Cardiff and Vale": (("yes", "yes"), (2, 3), ("yes", "yes")),
    "Cwm Taf Morgannwg": (("Y", "Y"), (1, 2), ("no", "yes")),
    "Gwent": (("yes", "yes"), (2, 2), ("yes", "yes")),
    "North Wales": (("ie", "ie"), (2, 3), ("no", "yes")),
    "Powys": (("no", "yes"), (1, 2), ("no", "no")),
    "West Glamorgan": (("yes", "yes"), (3, 3), ("yes", "yes")),
    "West Wales": (("no", "Y"), (2, 2), ("no", "yes")),
}
_VACANCY_AS_PERCENT = ("Gwent",)  # both years written as a percentage, e.g. "12.5"
# Annual funding for Wales as a whole (GBP), shared by population: core, RIF, pooled.
_FUNDING_WALES = (6_000_000, 25_000_000, 3_000_000)

PUBLISHED_2024_TRAINING: Mapping[str, Any] = {
    "enrolled": 147,
    "completed": 70,
    "rated": 61,
    "rated_4_or_5": 56,
    "percent_4_or_5": 92,
    "organisations": {"nhs": 88, "local_authority": 29, "third_sector": 5, "private_other": 25},
    "organisation_percent": {
        "nhs": 60,
        "local_authority": 20,
        "third_sector": 3,
        "private_other": 17,
    },
}
"""Published training figures to October 2024 and the counts that reproduce them: 56 of 61
ratings are 4 or 5 (91.8% → 92%); 88/29/5/25 of 147 round to 60/20/3/17%."""

_TRAINING_2024_WINDOW = (np.datetime64("2024-02-01"), np.datetime64("2024-10-31"))
_TRAINING_2024_RATINGS = {5: 31, 4: 25, 3: 4, 2: 1}
_TRAINING_LATER_WINDOW = (np.datetime64("2024-11-01"), _END)
_TRAINING_LATER = {
    "organisations": (
        ("nhs", 0.5),
        ("local_authority", 0.25),
        ("third_sector", 0.08),
        ("private_other", 0.17),
    ),
    "completion": 0.55,
    "rated_given_completed": 0.85,
    "ratings": ((5, 0.5), (4, 0.38), (3, 0.08), (2, 0.03), (1, 0.01)),
}


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _r(value: float) -> float:
    """A float rounded for truth.json."""
    return round(float(value), _FLOAT_DP)


def _columns(name: str) -> list[str]:
    """The contract columns of a dataset, in contract order."""
    for dataset in contract.DATASETS:
        if dataset.name == name:
            return [c.name for c in dataset.columns]
    raise KeyError(name)


def _frame(name: str, columns: Mapping[str, Any], order: np.ndarray | None = None) -> pd.DataFrame:
    """A text DataFrame of a dataset: the contract's columns in order, rows in ``order``."""
    names = _columns(name)
    missing = [c for c in names if c not in columns]
    if missing:
        raise KeyError(f"{name}: no values for {missing}")
    data = {c: np.asarray(columns[c], dtype=object).astype(str) for c in names}
    if order is not None:
        data = {c: v[order] for c, v in data.items()}
    return pd.DataFrame(data, columns=names, dtype=object)


def _choice(rng: np.random.Generator, options: tuple[tuple[Any, float], ...], n: int) -> np.ndarray:
    """Draw ``n`` values from ``(value, probability)`` pairs."""
    values = np.array([v for v, _ in options], dtype=object)
    p = np.array([w for _, w in options], dtype=float)
    return values[rng.choice(len(values), size=n, p=p / p.sum())]


def _rpb_index(rng: np.random.Generator, n: int, weights: tuple[float, ...]) -> np.ndarray:
    """Draw ``n`` RPB indices (into ``vocabulary.RPBS``) with the given weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(_N_RPB, size=n, p=p / p.sum())


def _rpb_alternatives(rpb: vocabulary.Rpb) -> tuple[str, ...]:
    """Other spellings of an RPB: its aliases and local authorities (not the canonical name)."""
    names = (*rpb.aliases, *rpb.local_authorities)
    return tuple(n for n in dict.fromkeys(names) if n != rpb.name)


def _spell_rpbs(rng: np.random.Generator, index: np.ndarray, share: float) -> np.ndarray:
    """Spell RPBs as submissions do: mostly canonical, ``share`` an alias or local authority."""
    n = len(index)
    messy = rng.random(n) < share
    pick = rng.random(n)
    out = np.array(_RPBS, dtype=object)[index]
    for i, rpb in enumerate(vocabulary.RPBS):
        alternatives = np.array(_rpb_alternatives(rpb), dtype=object)
        rows = messy & (index == i)
        out[rows] = alternatives[(pick[rows] * len(alternatives)).astype(int)]
    return out


def _dates_between(
    rng: np.random.Generator, start: np.datetime64, end: np.datetime64, n: int
) -> np.ndarray:
    """``n`` dates drawn uniformly between ``start`` and ``end`` inclusive."""
    span = int((end - start).astype(int)) + 1
    return start + rng.integers(0, span, size=n).astype("timedelta64[D]")


def _year_dates(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """One date drawn uniformly within each given calendar year."""
    starts = (np.asarray(years) - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    lengths = (starts.astype("datetime64[Y]") + 1).astype("datetime64[D]") - starts
    return starts + (rng.random(len(years)) * lengths.astype(int)).astype("timedelta64[D]")


def _uk_mask(rng: np.random.Generator, n: int) -> np.ndarray:
    """Rows whose dates are written day-first (``DD/MM/YYYY``) rather than ISO."""
    return rng.random(n) < _UK_DATE_SHARE


def _format_dates(dates: np.ndarray, uk: np.ndarray) -> np.ndarray:
    """Dates as text: ISO, or UK day-first where ``uk``; blank where the date is missing."""
    dates = np.asarray(dates, dtype="datetime64[D]")
    iso = np.datetime_as_string(dates, unit="D").astype(object)
    out = iso.copy()
    if uk.any():
        s = iso[uk].astype("<U10")
        out[uk] = np.char.add(
            np.char.add(np.char.add(np.char.add(_slice(s, 8, 10), "/"), _slice(s, 5, 7)), "/"),
            _slice(s, 0, 4),
        )
    out[np.isnat(dates)] = ""
    return out


def _slice(s: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Characters ``start:stop`` of every string of an array."""
    return s.view("<U1").reshape(len(s), -1)[:, start:stop].copy().view(f"<U{stop - start}")[:, 0]


def _hex_ids(rng: np.random.Generator, prefix: str, digits: int, n: int) -> np.ndarray:
    """``n`` distinct pseudonymous identifiers: a letter and ``digits`` hex digits."""
    values = rng.choice(16**digits, size=n, replace=False)
    return np.char.mod(f"{prefix}%0{digits}x", values).astype(object)


def _numbers(values: np.ndarray, decimals: int) -> np.ndarray:
    """Numbers as fixed-point text with ``decimals`` decimals."""
    rounded = np.round(np.asarray(values, dtype=float), decimals) + 0.0
    return np.char.mod(f"%.{decimals}f", rounded).astype(object)


def _rating_text(rating: float | None) -> str:
    """A journey rating as written: whole numbers without decimals, blank when not rated."""
    if rating is None:
        return ""
    return str(int(rating)) if float(rating).is_integer() else f"{rating:.1f}"


# --------------------------------------------------------------------------------------------
# The six datasets
# --------------------------------------------------------------------------------------------


def _element_spelling(key: str, style: str) -> str:
    """An element as a submission writes it: key, English label or Welsh label."""
    element = next(e for e in vocabulary.CORE_ELEMENTS if e.key == key)
    return {"english": element.label("en"), "welsh": element.label("cy")}.get(style, key)


def _evidence(rng: np.random.Generator, rating: float | None, voice: bool) -> str:
    """A short, generic evidence text for a rating."""
    bank = _EVIDENCE_BY_LEVEL[0 if rating is None else math.floor(rating)]
    text = bank[int(rng.integers(len(bank)))]
    if voice and rating is not None:
        text += " " + _VOICE_EVIDENCE[int(rng.integers(len(_VOICE_EVIDENCE)))]
    return text


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _self_assessment(rng: np.random.Generator) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Region-level and RIF project-level self-assessments, 7 RPBs × 6 elements × 2 cycles.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream (voices, evidence texts, spellings, projects).

    Returns
    -------
    frame : pandas.DataFrame
        Rows as written (text), in cycle, RPB, region-then-project order.
    truth : dict
        Ratings per RPB, element and cycle, the published 2024 targets and the means.
    """
    # RIF projects: 2–4 per RPB, numbered across Wales, each rating 2–4 elements both cycles.
    projects: list[tuple[int, str, tuple[int, ...]]] = []
    for i in range(_N_RPB):
        for _ in range(int(rng.integers(2, 5))):
            elements = tuple(sorted(rng.choice(len(_CORE), int(rng.integers(2, 5)), replace=False)))
            projects.append((i, f"RIF project {len(projects) + 1}", elements))
    shifts = rng.choice([-1, 0, 0, 1], size=(len(projects), len(YEARS), len(_CORE)))

    rows: list[dict[str, str]] = []
    for y, year in enumerate(YEARS):
        for i, rpb in enumerate(_RPBS):
            spelling = _spell_rpbs(rng, np.array([i]), _MESSY_RPB_SHARE)[0]
            style = _ELEMENT_SPELLING.get((year, rpb), "key")
            level = "" if (year, rpb) in _LEVEL_BLANK else "region"
            for e, key in enumerate(_CORE):
                rating = JOURNEY_RATINGS[year][rpb][e]
                cyp = bool(rng.random() < (0.75 if year == 2024 else 0.9))
                family = bool(rng.random() < 0.85) and not (
                    year == 2024 and rpb in _FAMILY_VOICE_MISSING_2024
                )
                rows.append(
                    {
                        "rpb": spelling,
                        "year": str(year),
                        "element": _element_spelling(key, style),
                        "rating": _rating_text(rating),
                        "cyp_voice": _yes_no(cyp),
                        "family_voice": _yes_no(family),
                        "evidence": _evidence(rng, rating, cyp or family),
                        "level": level,
                        "project": "",
                    }
                )
            for p, (owner, name, elements) in enumerate(projects):
                if owner != i:
                    continue
                for e in elements:
                    region = JOURNEY_RATINGS[year][rpb][e]
                    base = 1.5 if region is None else float(region)
                    rating = float(min(4, max(1, math.floor(base) + shifts[p, y, e])))
                    cyp = bool(rng.random() < 0.6)
                    rows.append(
                        {
                            "rpb": spelling,
                            "year": str(year),
                            "element": _element_spelling(_CORE[e], style),
                            "rating": _rating_text(rating),
                            "cyp_voice": _yes_no(cyp),
                            "family_voice": _yes_no(bool(rng.random() < 0.5)),
                            "evidence": _evidence(rng, rating, cyp),
                            "level": "project",
                            "project": name,
                        }
                    )
    frame = _frame("self_assessment", {c: [r[c] for r in rows] for c in rows[0]})

    truth = {
        "description": (
            "Region-level journey ratings from a fixed table; 2024 means per core element round "
            "to the published national figures. RIF project rows (level=project) are within "
            "one level of their region's rating and do not enter national or RPB figures."
        ),
        "published_2024_means": dict(PUBLISHED_2024_MEANS),
        "ratings": {
            rpb: {
                key: {str(year): JOURNEY_RATINGS[year][rpb][e] for year in YEARS}
                for e, key in enumerate(_CORE)
            }
            for rpb in _RPBS
        },
        "national_means_by_design": _national_means(),
        "not_rated": [
            {"rpb": rpb, "year": year, "element": key}
            for year in YEARS
            for rpb in _RPBS
            for e, key in enumerate(_CORE)
            if JOURNEY_RATINGS[year][rpb][e] is None
        ],
        "family_voice_missing_2024": list(_FAMILY_VOICE_MISSING_2024),
        "element_spelling": [
            {"year": year, "rpb": rpb, "spelling": style}
            for (year, rpb), style in sorted(_ELEMENT_SPELLING.items())
        ],
        "level_blank_means_region": [
            {"year": year, "rpb": rpb} for year, rpb in sorted(_LEVEL_BLANK)
        ],
        "rif_projects": [
            {"rpb": _RPBS[owner], "project": name, "elements": [_CORE[e] for e in elements]}
            for owner, name, elements in projects
        ],
    }
    return frame, truth


def _national_means(
    excluded: tuple[tuple[int, str, str], ...] = (),
) -> dict[str, dict[str, dict[str, float | int]]]:
    """Mean region-level rating and number of RPBs rating, per cycle and core element.

    Parameters
    ----------
    excluded : tuple of (year, rpb, element)
        Cells left out (e.g. both rows of a conflicting duplicate are quarantined).
    """
    means: dict[str, dict[str, dict[str, float | int]]] = {}
    for year in YEARS:
        means[str(year)] = {}
        for e, key in enumerate(_CORE):
            given = ((r, JOURNEY_RATINGS[year][r][e]) for r in _RPBS)
            rated = [float(v) for r, v in given if v is not None and (year, r, key) not in excluded]
            means[str(year)][key] = {"mean": _r(sum(rated) / len(rated)), "n_rpbs": len(rated)}
    return means


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
    k = np.minimum(1 + (rng.random(n) < _TWO_MEASURES_SHARE), eligible.sum(axis=1))
    chosen = np.zeros_like(eligible)
    rows = np.arange(n)
    chosen[rows, order[:, 0]] = True
    chosen[rows[k == 2], order[k == 2, 1]] = True
    return np.nonzero(chosen)


def _outcomes(rng: np.random.Generator, scale: DemoScale) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Repeated outcome measures of children and young people, from the model of the docstring.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream.
    scale : DemoScale
        Sizes (number of children, RPB weights).

    Returns
    -------
    frame : pandas.DataFrame
        One row per assessment (text), in date order.
    truth : dict
        The model's parameters, the theta table, clipping counts and the expected mean change
        from first to last assessment given the follow-up that was generated.
    """
    n = scale.n_children
    rpb = _rpb_index(rng, n, scale.rpb_weights)
    cohort = rng.integers(0, len(YEARS), size=n)
    start = _year_dates(rng, np.asarray(YEARS)[cohort])
    planned = 1 + rng.choice(len(_PLANNED_ASSESSMENTS), size=n, p=_PLANNED_ASSESSMENTS)
    mean_gap, sd_gap, min_gap, max_gap = _GAP_DAYS
    gaps = np.clip(np.rint(rng.normal(mean_gap, sd_gap, size=(n, 3))), min_gap, max_gap)
    offsets = np.concatenate([np.zeros((n, 1)), np.cumsum(gaps, axis=1)], axis=1).astype(int)
    dates = start[:, None] + offsets.astype("timedelta64[D]")
    observed = (np.arange(4) < planned[:, None]) & (dates <= _END)

    older = rng.random(n) < 0.12
    age0 = np.round(np.where(older, rng.uniform(18, 23.9, n), rng.uniform(4, 18, n)), 1)
    sex = rng.choice(len(_SEX), size=n, p=[p for _, p in _SEX])
    cum = np.cumsum(np.array([_WIMD[r] for r in _RPBS]), axis=1)
    wimd = 1 + (rng.random(n)[:, None] > cum[rpb] / cum[rpb, -1:]).sum(axis=1)
    service = np.empty(n, dtype=object)
    for low, high, names, probs in _SERVICES_BY_AGE:
        group = (np.floor(age0) >= low) & (np.floor(age0) <= high)
        service[group] = _choice(rng, tuple(zip(names, probs, strict=True)), int(group.sum()))
    pair_child, pair_measure = _choose_measures(rng, age0)
    n_pairs = len(pair_child)
    u = rng.normal(size=n_pairs)
    raw_child = rng.random(n) < _SWEMWBS_RAW_SHARE

    multiplier = np.array([THETA_MULTIPLIERS[r] for r in _RPBS])  # (rpb, cohort)
    effect = np.array([m.sign * m.improvement_per_year for m in OUTCOME_MODELS])
    theta = multiplier[:, None, :] * effect[None, :, None]  # (rpb, measure, cohort)
    pair_idx, occasion = np.nonzero(observed[pair_child])
    child = pair_child[pair_idx]
    measure = pair_measure[pair_idx]
    t = offsets[child, occasion] / 365.25
    param = {
        f: np.array([getattr(m, f) for m in OUTCOME_MODELS])
        for f in ("mu", "b_age", "b_male", "b_wimd", "sd_u", "sd_e")
    }
    y = (
        param["mu"][measure]
        + param["b_age"][measure] * (age0[child] - 12)
        + param["b_male"][measure] * (sex[child] == 1)
        + param["b_wimd"][measure] * (wimd[child] - 3)
        + param["sd_u"][measure] * u[pair_idx]
        + theta[rpb[child], measure, cohort[child]] * t
        + param["sd_e"][measure] * rng.normal(size=len(child))
    )

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
        text = _numbers(value, model.decimals)
        if model.key == "SWEMWBS":
            raw = raw_child[child[rows]]
            nearest = np.abs(value[raw, None] - _SWEMWBS_METRIC[None, :]).argmin(axis=1) + 7
            text[raw] = nearest.astype(str)
            names = measure_text[rows]
            names[raw] = "SWEMWBS_RAW"
            measure_text[rows] = names
        score[rows] = text

    order = np.lexsort((measure, child, dates[child, occasion].astype(int)))
    ids = _hex_ids(rng, "P", 7, n)
    uk = _uk_mask(rng, len(y))
    respondent = np.array([m.respondent for m in OUTCOME_MODELS], dtype=object)
    columns = {
        "person_id": ids[child],
        "rpb": _spell_rpbs(rng, rpb, _MESSY_RPB_SHARE)[child],  # one spelling per child
        "measure": measure_text,
        "date": _format_dates(dates[child, occasion], uk),
        "score": score,
        "respondent": respondent[measure],
        "service": service[child],
        "age": _numbers(age0[child] + t, 1),
        "sex": np.array([s for s, _ in _SEX], dtype=object)[sex[child]],
        "wimd_quintile": wimd[child],
    }
    frame = _frame("outcomes", columns, order)

    # Expected first-to-last change per pair, given the follow-up generated.
    n_obs = observed[pair_child].sum(axis=1)
    last = np.where(n_obs > 0, n_obs - 1, 0)
    t_last = offsets[pair_child, last] / 365.25
    pairs = pd.DataFrame(
        {
            "rpb": np.array(_RPBS, dtype=object)[rpb[pair_child]],
            "measure": np.array([m.key for m in OUTCOME_MODELS], dtype=object)[pair_measure],
            "cohort": np.asarray(YEARS)[cohort[pair_child]],
            "paired": n_obs >= 2,
            "t_last": t_last,
            "expected": theta[rpb[pair_child], pair_measure, cohort[pair_child]] * t_last,
        }
    )
    truth = _outcomes_truth(pairs, theta, clipped, n, len(y))
    return frame, truth


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
                "mean_followup_years": _r(paired["t_last"].mean()) if len(paired) else None,
                "expected_mean_change": _r(paired["expected"].mean()) if len(paired) else None,
            }
        )
        cells.append(cell)
    return cells


def _outcomes_truth(
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
        "measures": {
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
        },
        "theta": [
            {
                "rpb": rpb,
                "measure": m.key,
                "cohort": year,
                "change_per_year": _r(theta[r, j, c]),
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
        "swemwbs_raw_share_of_children": _SWEMWBS_RAW_SHARE,
        "follow_up": (
            "first assessment uniform within the cohort year; later assessments every "
            f"{_GAP_DAYS[0]:g} days (SD {_GAP_DAYS[1]:g}, {_GAP_DAYS[2]}–{_GAP_DAYS[3]}); "
            "planned 1–4 assessments with probabilities "
            f"{list(_PLANNED_ASSESSMENTS)}; assessments after 2025-12-31 are not observed"
        ),
    }


def _experiences(rng: np.random.Generator, scale: DemoScale) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Survey responses on the eight experience items, per RPB and year.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream.
    scale : DemoScale
        Sizes (responses per year, RPB weights).

    Returns
    -------
    frame : pandas.DataFrame
        One row per response (text), in date order.
    truth : dict
        True probabilities of agreeing (4–5) per RPB, year and item.
    """
    per_year = scale.experiences_per_year
    n = per_year * len(YEARS)
    year_index = np.repeat(np.arange(len(YEARS)), per_year)
    rpb = _rpb_index(rng, n, scale.rpb_weights)
    dates = _year_dates(rng, np.asarray(YEARS)[year_index])
    items = contract.EXPERIENCE_ITEMS
    base = np.array([EXPERIENCE_AGREE[r] for r in _RPBS])  # (rpb, year)
    shift = np.array([EXPERIENCE_ITEM_SHIFT[i] for i in items])
    p_agree = np.clip(base[rpb, year_index][:, None] + shift[None, :], 0.01, 0.99)
    normal = NormalDist()
    threshold = np.vectorize(normal.inv_cdf)(p_agree)
    latent = math.sqrt(_ITEM_CORRELATION) * rng.normal(size=(n, 1)) + math.sqrt(
        1 - _ITEM_CORRELATION
    ) * rng.normal(size=(n, len(items)))
    agree = latent < threshold
    five = rng.random((n, len(items))) < _AGREE_FIVE
    low = _choice(rng, _DISAGREE_LEVELS, n * len(items)).reshape(n, len(items)).astype(int)
    values = np.where(agree, np.where(five, 5, 4), low).astype(str).astype(object)
    missing = rng.random((n, len(items))) < _ITEM_MISSING
    none_left = missing.all(axis=1)
    missing[none_left, rng.integers(0, len(items), size=int(none_left.sum()))] = False
    values[missing] = ""

    welsh = rng.random(n) < np.array([_WELSH_SHARE[r] for r in _RPBS])[rpb]
    has_comment = rng.random(n) < _COMMENT_SHARE
    comment_en = np.array(_COMMENTS_EN, dtype=object)[rng.integers(0, len(_COMMENTS_EN), n)]
    comment_cy = np.array(_COMMENTS_CY, dtype=object)[rng.integers(0, len(_COMMENTS_CY), n)]
    comment = np.where(has_comment, np.where(welsh, comment_cy, comment_en), "")
    columns: dict[str, Any] = {
        "rpb": _spell_rpbs(rng, rpb, _MESSY_RPB_SHARE),
        "date": _format_dates(dates, _uk_mask(rng, n)),
        "respondent_type": _choice(rng, _RESPONDENT_TYPES, n),
        **{item: values[:, k] for k, item in enumerate(items)},
        "language": np.where(welsh, "cy", "en"),
        "response_id": _hex_ids(rng, "R", 8, n),
        "comment": comment,
    }
    order = np.lexsort((columns["response_id"].astype(str), dates.astype(int)))
    frame = _frame("experiences", columns, order)

    truth = {
        "model": (
            "each answered item is 4 or 5 with probability p[rpb, year] + shift[item] (a "
            "Gaussian copula with latent correlation rho between a response's items keeps each "
            "item's probability exact); given agreement 5 with probability p_five, otherwise "
            "1, 2, 3 with the given probabilities; each item missing with probability p_missing, "
            "never all eight"
        ),
        "p_agree": {
            r: {str(year): EXPERIENCE_AGREE[r][y] for y, year in enumerate(YEARS)} for r in _RPBS
        },
        "item_shift": dict(EXPERIENCE_ITEM_SHIFT),
        "p_agree_by_item": {
            r: {
                str(year): {
                    item: _r(EXPERIENCE_AGREE[r][y] + EXPERIENCE_ITEM_SHIFT[item]) for item in items
                }
                for y, year in enumerate(YEARS)
            }
            for r in _RPBS
        },
        "p_agree_mean_over_items": {
            r: {
                str(year): _r(EXPERIENCE_AGREE[r][y] + float(np.mean(shift)))
                for y, year in enumerate(YEARS)
            }
            for r in _RPBS
        },
        "rho": _ITEM_CORRELATION,
        "p_five_given_agree": _AGREE_FIVE,
        "disagree_levels": {str(v): p for v, p in _DISAGREE_LEVELS},
        "p_missing": _ITEM_MISSING,
        "welsh_share": dict(_WELSH_SHARE),
        "comment_share": _COMMENT_SHARE,
        "n_rows": n,
    }
    return frame, truth


def _access(rng: np.random.Generator, scale: DemoScale) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Requests for help with their wait to first support, redirections and outcome.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream.
    scale : DemoScale
        Sizes (requests per year, RPB weights).

    Returns
    -------
    frame : pandas.DataFrame
        One row per request (text), in order received.
    truth : dict
        True median wait, share supported within 28 days and mean redirections per RPB and year.
    """
    per_year = scale.access_per_year
    n = per_year * len(YEARS)
    year_index = np.repeat(np.arange(len(YEARS)), per_year)
    rpb = _rpb_index(rng, n, scale.rpb_weights)
    received = _year_dates(rng, np.asarray(YEARS)[year_index])
    median = np.array([ACCESS_MEDIAN_WAIT[r] for r in _RPBS])[rpb, year_index]
    wait = np.ceil(np.exp(np.log(median) + _WAIT_SIGMA * rng.normal(size=n))).astype(int)
    redirections = rng.poisson(
        np.array([ACCESS_MEAN_REDIRECTIONS[r] for r in _RPBS])[rpb, year_index]
    )
    outcome = _choice(
        rng, (*_ACCESS_OUTCOMES, ("supported", 1 - sum(p for _, p in _ACCESS_OUTCOMES))), n
    )
    first = received + wait.astype("timedelta64[D]")
    gets_support = np.isin(outcome, ("supported", "signposted"))
    outcome = np.where(gets_support & (first > _END), "waiting", outcome)
    first = np.where(gets_support & (first <= _END), first, np.datetime64("NaT"))
    route = _choice(rng, _ROUTES, n)
    age = np.where(route == "health_visitor", rng.integers(0, 5, n), rng.integers(2, 19, n))
    uk = _uk_mask(rng, n)
    columns = {
        "request_id": _hex_ids(rng, "A", 8, n),
        "rpb": _spell_rpbs(rng, rpb, _MESSY_RPB_SHARE),
        "received_date": _format_dates(received, uk),
        "first_support_date": _format_dates(first, uk),
        "redirections": redirections,
        "outcome": outcome,
        "route": route,
        "service": _choice(rng, _ACCESS_SERVICES, n),
        "age": age,
    }
    order = np.lexsort((columns["request_id"].astype(str), received.astype(int)))
    frame = _frame("access", columns, order)

    truth = {
        "model": (
            "wait (days) = ceil(W), W log-normal with median m[rpb, year] and log-SD sigma, so "
            "P(wait <= 28) = Phi((ln 28 - ln m) / sigma) exactly; first_support_date = "
            "received_date + wait for supported and signposted requests; requests whose support "
            "would fall after 2025-12-31 are 'waiting' (blank date: censored); withdrawn and "
            "declined have no date; redirections ~ Poisson(mean[rpb, year]); year = year received"
        ),
        "sigma": _WAIT_SIGMA,
        "outcome_probabilities": {
            **dict(_ACCESS_OUTCOMES),
            "supported": _r(1 - sum(p for _, p in _ACCESS_OUTCOMES)),
        },
        "by_rpb_year": {
            r: {
                str(year): {
                    "median_wait_days": ACCESS_MEDIAN_WAIT[r][y],
                    "share_within_28_days": _r(_share_within(28, ACCESS_MEDIAN_WAIT[r][y])),
                    "mean_redirections": ACCESS_MEAN_REDIRECTIONS[r][y],
                }
                for y, year in enumerate(YEARS)
            }
            for r in _RPBS
        },
        "n_rows": n,
    }
    return frame, truth


def _share_within(days: float, median: float) -> float:
    """P(W <= days) for the log-normal wait W with the given median and log-SD ``_WAIT_SIGMA``.

    Because waits are written as ``ceil(W)`` whole days, this is also the exact probability
    that a written wait is at most ``days``.
    """
    return NormalDist().cdf((math.log(days) - math.log(median)) / _WAIT_SIGMA)


def _partnership(rng: np.random.Generator) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Partnership enablers per RPB and year: funding, vacancies, panel, maturity, board.

    Parameters
    ----------
    rng : numpy.random.Generator
        The dataset's random stream.

    Returns
    -------
    frame : pandas.DataFrame
        One row per RPB and year (text).
    truth : dict
        The true values, with vacancy rates as proportions.
    """
    rpb = np.tile(np.arange(_N_RPB), len(YEARS))
    year_index = np.repeat(np.arange(len(YEARS)), _N_RPB)
    share = np.asarray(_POPULATION_SHARE)[rpb]
    growth = np.where(year_index == 1, rng.normal(1.03, 0.02, _N_RPB)[rpb], 1.0)
    funding = {}
    for name, wales in zip(("core", "rif", "pooled"), _FUNDING_WALES, strict=True):
        level = share * wales * rng.lognormal(0.0, 0.15, _N_RPB)[rpb] * growth
        funding[name] = (np.round(level / 100) * 100).astype(np.int64)
    as_percent = np.isin(np.array(_RPBS)[rpb], _VACANCY_AS_PERCENT)
    vacancy = np.where(
        as_percent, rng.integers(10, 36, len(rpb)) * 0.005, rng.integers(5, 19, len(rpb)) / 100
    )
    vacancy_text = np.where(as_percent, _numbers(vacancy * 100, 1), _numbers(vacancy, 2))
    table = [_PARTNERSHIP[_RPBS[r]] for r in rpb]
    columns = {
        "rpb": _spell_rpbs(rng, rpb, _MESSY_RPB_SHARE),
        "year": np.asarray(YEARS)[year_index],
        "core_funding_gbp": funding["core"],
        "rif_funding_gbp": funding["rif"],
        "pooled_funding_gbp": funding["pooled"],
        "workforce_vacancy_rate": vacancy_text,
        "multiagency_panel": [row[0][y] for row, y in zip(table, year_index, strict=True)],
        "coproduction_maturity": [row[1][y] for row, y in zip(table, year_index, strict=True)],
        "cyp_on_board": [row[2][y] for row, y in zip(table, year_index, strict=True)],
    }
    frame = _frame("partnership", columns)
    truth = {
        "rows": [
            {
                "rpb": _RPBS[r],
                "year": YEARS[y],
                "core_funding_gbp": int(funding["core"][k]),
                "rif_funding_gbp": int(funding["rif"][k]),
                "pooled_funding_gbp": int(funding["pooled"][k]),
                "workforce_vacancy_rate": _r(vacancy[k]),
                "vacancy_written_as_percent": bool(as_percent[k]),
                "multiagency_panel": table[k][0][y] in ("yes", "Y", "ie"),
                "coproduction_maturity": table[k][1][y],
                "cyp_on_board": table[k][2][y] == "yes",
            }
            for k, (r, y) in enumerate(zip(rpb, year_index, strict=True))
        ],
        "note": (
            "workforce_vacancy_rate is written as a percentage for "
            + ", ".join(_VACANCY_AS_PERCENT)
            + " (e.g. 12.5 = 0.125); multiagency_panel spelled yes/no, Y and ie (Welsh yes)"
        ),
    }
    return frame, truth


def _training(rng: np.random.Generator, scale: DemoScale) -> tuple[pd.DataFrame, dict[str, Any]]:
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
    pub = PUBLISHED_2024_TRAINING
    n24 = pub["enrolled"]
    org24 = rng.permutation(
        np.repeat(
            np.array(list(pub["organisations"]), dtype=object), list(pub["organisations"].values())
        )
    )
    start, end = _TRAINING_2024_WINDOW
    enrolled24 = _dates_between(rng, start, end, n24)
    can_complete = np.flatnonzero(enrolled24 <= end - np.timedelta64(14, "D"))
    completers = rng.choice(can_complete, size=pub["completed"], replace=False)
    room = (end - enrolled24[completers]).astype(int)
    completed24 = np.full(n24, np.datetime64("NaT"), dtype="datetime64[D]")
    completed24[completers] = enrolled24[completers] + (
        rng.integers(3, np.minimum(100, room) + 1)
    ).astype("timedelta64[D]")
    rating24 = np.zeros(n24, dtype=int)
    raters = rng.choice(completers, size=pub["rated"], replace=False)
    rating24[raters] = rng.permutation(
        np.repeat(list(_TRAINING_2024_RATINGS), list(_TRAINING_2024_RATINGS.values()))
    )

    later = _TRAINING_LATER
    n = scale.training_later
    org = _choice(rng, later["organisations"], n)
    enrolled = _dates_between(rng, *_TRAINING_LATER_WINDOW, n)
    completed = enrolled + rng.integers(5, 101, n).astype("timedelta64[D]")
    done = (rng.random(n) < later["completion"]) & (completed <= _END)
    completed = np.where(done, completed, np.datetime64("NaT"))
    rated = done & (rng.random(n) < later["rated_given_completed"])
    rating = np.where(rated, _choice(rng, later["ratings"], n).astype(int), 0)

    enrolled_all = np.concatenate([enrolled24, enrolled])
    ids = _hex_ids(rng, "L", 6, n24 + n)
    uk = _uk_mask(rng, n24 + n)
    ratings_all = np.concatenate([rating24, rating])
    columns = {
        "learner_id": ids,
        "organisation_type": np.concatenate([org24, org]),
        "enrolled_date": _format_dates(enrolled_all, uk),
        "completed_date": _format_dates(np.concatenate([completed24, completed]), uk),
        "rating": np.where(ratings_all > 0, ratings_all.astype(str), ""),
    }
    order = np.lexsort((ids.astype(str), enrolled_all.astype(int)))
    frame = _frame("training", columns, order)
    truth = {
        "published_2024": {
            "window": [str(start), str(end)],
            **{k: (dict(v) if isinstance(v, Mapping) else v) for k, v in pub.items()},
            "ratings": {str(k): v for k, v in _TRAINING_2024_RATINGS.items()},
            "note": (
                "learners enrolled 2024-02-01 to 2024-10-31: the 70 completers completed by "
                "2024-10-31 and the other 77 never complete; only completers rate"
            ),
        },
        "later": {
            "window": [str(d) for d in _TRAINING_LATER_WINDOW],
            "n": n,
            "organisations": dict(later["organisations"]),
            "completion_probability": later["completion"],
            "completion_delay_days": [5, 100],
            "rated_given_completed": later["rated_given_completed"],
            "ratings": {str(k): v for k, v in later["ratings"]},
            "note": "completions that would fall after 2025-12-31 are blank (not yet completed)",
        },
        "n_rows": n24 + n,
    }
    return frame, truth


# --------------------------------------------------------------------------------------------
# Planted problems
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plant:
    """One row to insert into a dataset, before clean row ``before``."""

    dataset: str
    before: int
    row: Mapping[str, str]
    column: str
    rule: str
    description: str
    expected: str = "quarantined"
    related_clean_row: int | None = None


def _fresh_id(rng: np.random.Generator, frame: pd.DataFrame, column: str, like: str) -> str:
    """A new identifier shaped like ``like`` that is not yet used in ``frame[column]``."""
    used = set(frame[column])
    digits = len(like) - 1
    while True:
        candidate = f"{like[0]}{int(rng.integers(16**digits)):0{digits}x}"
        if candidate not in used:
            return candidate


def _pick(rng: np.random.Generator, rows: np.ndarray) -> int:
    """One of the given row positions."""
    return int(rows[int(rng.integers(len(rows)))])


# The (cycle, RPB, element) given a conflicting second region-level row: 2025, so that the
# published 2024 figures stay reproducible from the accepted rows.
_CONFLICT = (2025, "Gwent", "trusted_adults")
_ID_COLUMN = {
    "outcomes": "person_id",
    "experiences": "response_id",
    "access": "request_id",
    "training": "learner_id",
}


def _plants(rng: np.random.Generator, frames: Mapping[str, pd.DataFrame]) -> list[_Plant]:
    """The realistic bad rows planted into the default data (each a copy of a clean row)."""
    plants: list[_Plant] = []

    def copy(name: str, where: Any) -> tuple[int, dict[str, str]]:
        source = _pick(rng, np.flatnonzero(np.asarray(where)))
        return source, dict(frames[name].iloc[source])

    def bad_row(name: str, where: Any, column: str, rule: str, text: str, change: Any) -> None:
        """Copy a clean row matching ``where`` under a fresh identifier and break one rule."""
        frame = frames[name]
        _, row = copy(name, where)
        key = _ID_COLUMN[name]
        row[key] = _fresh_id(rng, frame, key, row[key])
        row.update(change(row) if callable(change) else change)
        before = int(rng.integers(1, len(frame)))
        plants.append(_Plant(name, before, row, column, rule, text))

    out, exp, acc, tra = (frames[n] for n in ("outcomes", "experiences", "access", "training"))
    bad_row(
        "outcomes",
        out["measure"].eq("SDQ_TOTAL"),
        "score",
        "out_of_range",
        "SDQ_TOTAL score 44 is outside 0–40",
        {"score": "44"},
    )
    bad_row(
        "outcomes",
        out["measure"].ne(""),
        "measure",
        "missing_required",
        "required measure is blank",
        {"measure": ""},
    )
    source, row = copy("outcomes", out["measure"].ne(""))
    plants.append(
        _Plant(
            "outcomes",
            int(rng.integers(source + 1, len(out) + 1)),
            row,
            "",
            "exact_duplicate",
            "exact copy of another row (re-sent record): collapsed and counted, not quarantined",
            expected="collapsed",
            related_clean_row=source,
        )
    )
    bad_row(
        "experiences",
        exp["date"].str.contains("2025"),
        "date",
        "bad_date",
        "31 February does not exist",
        {"date": "31/02/2025"},
    )
    bad_row(
        "experiences",
        exp["language"].ne(""),
        "nurturing",
        "no_item_answered",
        "no experience item answered",
        {**{item: "" for item in contract.EXPERIENCE_ITEMS}, "comment": ""},
    )
    bad_row(
        "access",
        acc["rpb"].ne(""),
        "rpb",
        "unknown_rpb",
        "Atlantis is not an RPB, health board or local authority",
        {"rpb": "Atlantis"},
    )
    bad_row(
        "access",
        acc["outcome"].eq("supported") & acc["received_date"].str.contains("-"),
        "first_support_date",
        "date_order",
        "first_support_date is 12 days before received_date",
        lambda row: {
            "first_support_date": str(np.datetime64(row["received_date"]) - np.timedelta64(12, "D"))
        },
    )
    bad_row(
        "training",
        tra["rating"].ne("") & tra["enrolled_date"].str.contains("2025"),
        "rating",
        "out_of_range",
        "rating 7 is outside 1–5",
        {"rating": "7"},
    )

    # A conflicting duplicate in 2025 (both rows are quarantined; 2024 figures untouched).
    sa = frames["self_assessment"]
    year, rpb, element = _CONFLICT
    target = (
        sa["year"].eq(str(year))
        & sa["level"].eq("region")
        & sa["rpb"].map(vocabulary.resolve_rpb).eq(rpb)
        & sa["element"].map(vocabulary.resolve_element).eq(element)
    )
    source, row = copy("self_assessment", target)
    row.update(
        rating=_rating_text(float(row["rating"]) - 1),
        evidence="Rating revised after the regional workshop.",
    )
    plants.append(
        _Plant(
            "self_assessment",
            source + 1,
            row,
            "rating",
            "conflicting_duplicate",
            f"second region-level row for {rpb}, {year}, {element} with a different rating: "
            "both rows are quarantined",
            related_clean_row=source,
        )
    )
    return plants


def _insert_plants(frames: dict[str, pd.DataFrame], plants: list[_Plant]) -> list[dict[str, Any]]:
    """Insert the planted rows into the frames; describe each with its row number in the file.

    Row numbers count the header as row 1, so the first data row is row 2.
    """
    records: list[dict[str, Any]] = []
    for name in list(frames):
        mine = [p for p in plants if p.dataset == name]
        if not mine:
            continue
        clean = frames[name]
        key = np.concatenate([np.arange(len(clean)) * 2 + 1, [2 * p.before for p in mine]])
        extra = pd.DataFrame([dict(p.row) for p in mine], columns=clean.columns, dtype=object)
        combined = pd.concat([clean, extra], ignore_index=True)
        order = np.argsort(key, kind="stable")
        rank = np.empty(len(order), dtype=int)
        rank[order] = np.arange(len(order))
        frames[name] = combined.iloc[order].reset_index(drop=True)
        for k, plant in enumerate(mine):
            row = int(rank[len(clean) + k]) + 2
            record = {
                "dataset": name,
                "file": f"{name}.csv",
                "row": row,
                "column": plant.column,
                "value": plant.row.get(plant.column, ""),
                "rule": plant.rule,
                "description": plant.description,
                "expected": plant.expected,
            }
            if plant.related_clean_row is not None:
                related = int(rank[plant.related_clean_row]) + 2
                record["related_row"] = related
                if plant.rule == "conflicting_duplicate":
                    records.append(
                        {
                            **record,
                            "row": related,
                            "related_row": row,
                            "value": clean.iloc[plant.related_clean_row][plant.column],
                            "description": "original row of the conflicting duplicate at row "
                            f"{row}: both rows are quarantined",
                        }
                    )
            records.append(record)
    return sorted(records, key=lambda r: (r["dataset"], r["row"]))


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DemoData:
    """A generated demo data set: the six datasets as written, and the truth.

    Attributes
    ----------
    self_assessment, outcomes, experiences, access, partnership, training : pandas.DataFrame
        The datasets as written to CSV: text values, blank as ``""``, contract columns in
        contract order (planted problems included).
    truth : dict
        The true effects and planted problems, as written to ``truth.json``.
    """

    self_assessment: pd.DataFrame
    outcomes: pd.DataFrame
    experiences: pd.DataFrame
    access: pd.DataFrame
    partnership: pd.DataFrame
    training: pd.DataFrame
    truth: dict[str, Any]

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """The six datasets by name, in contract order."""
        return {name: getattr(self, name) for name in contract.DATASET_NAMES}


def _scale(scale: str) -> DemoScale:
    try:
        return SCALES[scale]
    except KeyError:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)}") from None


def generate_demo_data(seed: int = DEFAULT_SEED, scale: str = "default") -> DemoData:
    """Generate the six demo datasets and their truth in memory.

    Parameters
    ----------
    seed : int, default 2024
        Seed of the random streams (one spawned per dataset). The same seed and scale always
        give the same data.
    scale : {"default", "wales"}
        Sizes, see :data:`SCALES`. Problems are planted only at the ``default`` scale.

    Returns
    -------
    DemoData
        The datasets as text DataFrames and the truth dictionary.

    Raises
    ------
    ValueError
        When the scale is unknown or the seed is negative.

    Examples
    --------
    >>> data = generate_demo_data(seed=1)
    >>> sorted(data.frames) == sorted(contract.DATASET_NAMES)
    True
    >>> data.truth["self_assessment"]["published_2024_means"]["safe_supportive_communities"]
    1.8
    """
    size = _scale(scale)
    if int(seed) < 0:
        raise ValueError("seed must be a non-negative integer")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(7)]
    made = {
        "self_assessment": _self_assessment(streams[0]),
        "outcomes": _outcomes(streams[1], size),
        "experiences": _experiences(streams[2], size),
        "access": _access(streams[3], size),
        "partnership": _partnership(streams[4]),
        "training": _training(streams[5], size),
    }
    frames = {name: made[name][0] for name in contract.DATASET_NAMES}
    clean_rows = {name: len(frame) for name, frame in frames.items()}
    planted = _insert_plants(frames, _plants(streams[6], frames)) if size.plant_problems else []
    made["self_assessment"][1]["national_means_after_quarantine"] = _national_means(
        (_CONFLICT,) if size.plant_problems else ()
    )
    accounting = {}
    for name, frame in frames.items():
        mine = [p for p in planted if p["dataset"] == name]
        collapsed = sum(p["expected"] == "collapsed" for p in mine)
        quarantined = sum(p["expected"] == "quarantined" for p in mine)
        accounting[name] = {
            "rows_read": len(frame),
            "clean_rows": clean_rows[name],
            "expected_quarantined": quarantined,
            "expected_duplicates_collapsed": collapsed,
            "expected_accepted": len(frame) - quarantined - collapsed,
        }
    truth: dict[str, Any] = {
        "generator": "nest_eval.demo.generator",
        "seed": int(seed),
        "scale": size.name,
        "sizes": {
            "n_children": size.n_children,
            "experiences_per_year": size.experiences_per_year,
            "access_per_year": size.access_per_year,
            "training_later": size.training_later,
            "rpb_weights": {r: _r(w) for r, w in zip(_RPBS, size.rpb_weights, strict=True)},
        },
        "contract_version": contract.CONTRACT_VERSION,
        "years": list(YEARS),
        "data_end": str(_END),
        "rpb_spelling": (
            f"about {_MESSY_RPB_SHARE:.0%} of RPB values (per child in outcomes, per "
            "submission in self_assessment, per row elsewhere) are an alias or a local "
            "authority of the RPB"
        ),
        "dates": f"ISO YYYY-MM-DD, about {_UK_DATE_SHARE:.0%} of rows UK DD/MM/YYYY",
        "accounting": accounting,
        "planted_problems": planted,
        **{name: made[name][1] for name in contract.DATASET_NAMES},
    }
    return DemoData(**frames, truth=truth)


def write_demo_data(
    directory: str | Path, seed: int = DEFAULT_SEED, scale: str = "default"
) -> list[Path]:
    r"""Write the six demo CSV files and ``truth.json`` into a folder.

    Parameters
    ----------
    directory : str or pathlib.Path
        Folder to write to; created if missing. Existing files of the same names are replaced.
    seed : int, default 2024
        Seed, see :func:`generate_demo_data`.
    scale : {"default", "wales"}
        Sizes, see :data:`SCALES`.

    Returns
    -------
    list of pathlib.Path
        The files written: ``self_assessment.csv``, ``outcomes.csv``, ``experiences.csv``,
        ``access.csv``, ``partnership.csv``, ``training.csv`` and ``truth.json``.

    Notes
    -----
    CSV files are UTF-8 without byte-order mark, comma-separated, ``\n`` line ends, values
    written exactly as generated (text); the same seed and scale give byte-identical files.
    """
    data = generate_demo_data(seed=seed, scale=scale)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in data.frames.items():
        path = out / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            frame.to_csv(handle, index=False, lineterminator="\n")
        paths.append(path)
    path = out / "truth.json"
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(json.dumps(data.truth, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    paths.append(path)
    return paths
