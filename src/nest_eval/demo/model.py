"""The demo data's model parameters, read from ``nest_eval/demo/data/model.toml``.

The true effects, the published figures the demo data reproduce and the sizes and shares that
shape them are data: the model file holds them with their meaning and sources, and this module
reads it (:func:`read_model`), checks every category it names against the contract's
vocabularies (:mod:`nest_eval.demo.categories`) and builds the constants the generator and its
tests use. The measures' ranges and directions come from the measures catalogue.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from nest_eval.demo.categories import (
    CORE_ELEMENTS,
    DemoModelError,
    check_codings,
    check_names,
    column_vocabulary,
)
from nest_eval.reference import contract, measures, vocabulary

__all__ = [
    "ACCESS_MEAN_REDIRECTIONS",
    "ACCESS_MEDIAN_WAIT",
    "DATA_END",
    "EXPERIENCE_AGREE",
    "EXPERIENCE_ITEM_SHIFT",
    "JOURNEY_RATINGS",
    "MESSY_RPB_SHARE",
    "OUTCOME_MODELS",
    "PARAMETERS",
    "POPULATION_SHARE",
    "PUBLISHED_2024_MEANS",
    "PUBLISHED_2024_TRAINING",
    "SCALES",
    "THETA_MULTIPLIERS",
    "UK_DATE_SHARE",
    "YEARS",
    "DemoScale",
    "OutcomeModel",
    "model_text",
    "read_model",
]

_FILE = "model.toml"
_RPB = column_vocabulary("access", "rpb")

# Tables of the model file keyed by RPB: each gives every RPB.
_RPB_TABLES = (
    "population_share",
    "outcomes.wimd_quintiles",
    "outcomes.theta_multipliers",
    "experiences.agree",
    "experiences.welsh_share",
    "access.median_wait",
    "access.mean_redirections",
    "partnership.enablers",
)
# Tables of the model file keyed by the values of a contract column: (table, dataset, column).
_CATEGORY_TABLES = (
    ("outcomes.sex", "outcomes", "sex"),
    ("outcomes.measures", "outcomes", "measure"),
    ("experiences.respondent_type", "experiences", "respondent_type"),
    ("access.outcome", "access", "outcome"),
    ("training.published_2024.organisations", "training", "organisation_type"),
    ("training.published_2024.organisation_percent", "training", "organisation_type"),
    ("training.later.organisations", "training", "organisation_type"),
)


def model_text() -> str:
    """The text of the package's model file (``nest_eval/demo/data/model.toml``)."""
    return resources.files("nest_eval.demo").joinpath("data", _FILE).read_text("utf-8")


def read_model(text: str | None = None) -> dict[str, Any]:
    """Read the demo model file and check the categories it names.

    Parameters
    ----------
    text : str, optional
        TOML text of the shape of ``model.toml``; by default the package's file.

    Returns
    -------
    dict
        The parsed TOML.

    Raises
    ------
    DemoModelError
        When the text is not valid TOML, or a key or value that the generator writes into a
        categorical column (RPB, element, experience item, measure, respondent, sex, ...) is not
        a value of that column's vocabulary; the message names the table, the value and the
        vocabulary.
    """
    try:
        raw = tomllib.loads(model_text() if text is None else text)
    except tomllib.TOMLDecodeError as exc:
        raise DemoModelError(f"{_FILE}: not valid TOML: {exc}") from None
    _check_categories(raw)
    _check_scales(raw)
    return raw


def _check_scales(raw: dict[str, Any]) -> None:
    """Refuse scales that cannot give valid sizes: a ``like`` or a range that does not hold."""
    scales = raw["scales"]
    for name, spec in scales.items():
        like = spec.get("like")
        if like is not None and (like not in scales or "like" in scales[like]):
            where = f"{_FILE}: scales.{name}.like"
            raise DemoModelError(f"{where}: {like!r} is not a scale that gives all its values")
        for rpb, (fewest, most) in spec.get("small_rpbs", {}).items():
            if not 0 < fewest <= most:
                where = f'{_FILE}: scales.{name}.small_rpbs."{rpb}"'
                raise DemoModelError(f"{where}: [{fewest}, {most}] is not a range above 0")


def _table(raw: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        raw = raw[part]
    return raw


def _check_categories(raw: dict[str, Any]) -> None:
    """Check every category the model file names against its column's vocabulary."""
    for path in _RPB_TABLES:
        check_names(f"{_FILE}: {path}", _table(raw, path), _RPB, complete=True)
    for path, dataset, column in _CATEGORY_TABLES:
        check_names(f"{_FILE}: {path}", _table(raw, path), column_vocabulary(dataset, column))
    respondents = [m["respondent"] for m in raw["outcomes"]["measures"].values()]
    where = f"{_FILE}: outcomes.measures.*.respondent"
    check_names(where, respondents, column_vocabulary("outcomes", "respondent"))
    items = ("experience item", contract.EXPERIENCE_ITEMS)
    check_names(f"{_FILE}: experiences.item_shift", raw["experiences"]["item_shift"], items, True)

    sa = raw["self_assessment"]
    where = f"{_FILE}: self_assessment.published_2024_means"
    check_names(where, sa["published_2024_means"], CORE_ELEMENTS, complete=True)
    for year, ratings in sa["journey_ratings"].items():
        where = f"{_FILE}: self_assessment.journey_ratings.{year}"
        check_names(where, ratings, _RPB, complete=True)
        for rpb, given in ratings.items():
            check_names(f'{where}."{rpb}"', given, CORE_ELEMENTS)
    subs = sa["submissions"]
    named = [s["rpb"] for s in (*subs["element_spelling"], *subs["level_blank"])]
    where = f"{_FILE}: self_assessment.submissions"
    check_names(where, [*named, *subs["family_voice_missing_2024"]], _RPB)

    partnership = raw["partnership"]
    check_names(f"{_FILE}: partnership.vacancy_as_percent", partnership["vacancy_as_percent"], _RPB)
    for rpb, enablers in partnership["enablers"].items():
        for column in ("multiagency_panel", "cyp_on_board"):
            where = f'{_FILE}: partnership.enablers."{rpb}".{column}'
            check_codings(where, enablers[column], "partnership", column)

    for name, spec in raw["scales"].items():
        check_names(f"{_FILE}: scales.{name}.small_rpbs", spec.get("small_rpbs", {}), _RPB)

    conflict = raw["problems"]["conflict"]
    check_names(f"{_FILE}: problems.conflict.rpb", [conflict["rpb"]], _RPB)
    check_names(f"{_FILE}: problems.conflict.element", [conflict["element"]], CORE_ELEMENTS)


PARAMETERS: Mapping[str, Any] = read_model()
"""The package's model file, parsed and checked: each dataset module reads its own table."""

YEARS: tuple[int, ...] = tuple(PARAMETERS["years"])
"""Self-assessment cycles, cohorts of children, survey and request years."""

DATA_END: np.datetime64 = np.datetime64(PARAMETERS["data_end"], "D")
"""The data's end: nothing later is observed."""

MESSY_RPB_SHARE: float = PARAMETERS["spelling"]["messy_rpb_share"]
"""Share of RPB values written as an alias or local authority of the RPB."""

UK_DATE_SHARE: float = PARAMETERS["spelling"]["uk_date_share"]
"""Share of dates written day-first (``DD/MM/YYYY``) rather than ISO."""


def _by_rpb(table: Mapping[str, Any]) -> dict[str, Any]:
    """A table keyed by RPB, in :data:`vocabulary.RPB_NAMES` order, lists as tuples."""
    return {
        rpb: tuple(table[rpb]) if isinstance(table[rpb], list) else table[rpb]
        for rpb in vocabulary.RPB_NAMES
    }


# --------------------------------------------------------------------------------------------
# Sizes
# --------------------------------------------------------------------------------------------


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
    small_rpbs : tuple of (str, int, int)
        RPBs held to a few people, each with the fewest and most people (inclusive) it keeps in
        each group and year: children per measure and cohort, responses or requests per year.
    """

    name: str
    n_children: int
    experiences_per_year: int
    access_per_year: int
    training_later: int
    rpb_weights: tuple[float, ...]
    plant_problems: bool
    small_rpbs: tuple[tuple[str, int, int], ...] = ()

    def small_rpb_ranges(self) -> tuple[tuple[int, int, int], ...]:
        """:attr:`small_rpbs` with each RPB as its index into :data:`vocabulary.RPBS`.

        Returns
        -------
        tuple of (int, int, int)
            (RPB index, fewest, most) per RPB held to a few people.
        """
        return tuple(
            (vocabulary.RPB_NAMES.index(rpb), fewest, most) for rpb, fewest, most in self.small_rpbs
        )


POPULATION_SHARE: tuple[float, ...] = tuple(_by_rpb(PARAMETERS["population_share"]).values())
"""Approximate share of Wales's 0–25 population per RPB, in ``vocabulary.RPBS`` order."""


def _rpb_weights(given: str) -> tuple[float, ...]:
    n = len(vocabulary.RPB_NAMES)
    weights = {"equal": (1 / n,) * n, "population_share": POPULATION_SHARE}
    if given not in weights:
        raise DemoModelError(f"{_FILE}: scales: rpb_weights {given!r} is not one of {[*weights]}")
    return weights[given]


def _fixed_scale(name: str, specs: Mapping[str, Any]) -> DemoScale:
    """The scale ``name`` of the model file's ``scales``, with the values of its ``like``."""
    spec = dict(specs[name])
    like = spec.pop("like", None)
    if like is not None:
        spec = {**specs[like], **spec}
    small = spec.pop("small_rpbs", {})
    return DemoScale(
        name=name,
        **{**spec, "rpb_weights": _rpb_weights(spec["rpb_weights"])},
        small_rpbs=tuple((rpb, int(fewest), int(most)) for rpb, (fewest, most) in small.items()),
    )


SCALES: Mapping[str, DemoScale] = {
    name: _fixed_scale(name, PARAMETERS["scales"]) for name in PARAMETERS["scales"]
}
"""Demo data sizes: ``default`` (committed, small, with planted problems), ``wales`` (roughly
all-Wales volumes, clean) and ``small-rpb`` (the default with Powys held to 3–12 people per group
and year)."""


# --------------------------------------------------------------------------------------------
# Self-assessment
# --------------------------------------------------------------------------------------------

_CORE = CORE_ELEMENTS[1]
_SELF_ASSESSMENT = PARAMETERS["self_assessment"]

PUBLISHED_2024_MEANS: Mapping[str, float] = {
    key: _SELF_ASSESSMENT["published_2024_means"][key] for key in _CORE
}
"""Published national mean journey ratings, October 2024 (NYTH/NEST implementation update)."""

JOURNEY_RATINGS: Mapping[int, Mapping[str, tuple[float | None, ...]]] = {
    int(year): {
        rpb: tuple(given.get(key) for key in _CORE) for rpb, given in _by_rpb(ratings).items()
    }
    for year, ratings in _SELF_ASSESSMENT["journey_ratings"].items()
}
"""Region-level journey ratings per cycle, RPB and core element (in ``CORE_ELEMENTS`` order);
None where not rated. 2024 means per element round to :data:`PUBLISHED_2024_MEANS`."""


# --------------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeModel:
    """True generative model of one outcome measure (see :mod:`nest_eval.demo.outcomes`).

    Attributes
    ----------
    key : str
        Measures catalogue key.
    low, high : float
        Valid range of the score (measures catalogue); values are clipped only as a last resort.
    decimals : int
        Resolution of the score as written.
    higher_is_better : bool
        Direction of the measure (measures catalogue).
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


def _whole(value: float) -> float:
    """A whole number as an int (as the truth file records ranges), other values as they are."""
    return int(value) if float(value).is_integer() else value


def _outcome_model(key: str, spec: dict[str, Any]) -> OutcomeModel:
    measure = measures.CATALOGUE[key]
    return OutcomeModel(
        key=key,
        low=_whole(measure.score_min),
        high=_whole(measure.score_max),
        higher_is_better=measure.higher_is_better,
        **spec,
    )


OUTCOME_MODELS: tuple[OutcomeModel, ...] = tuple(
    _outcome_model(key, spec) for key, spec in PARAMETERS["outcomes"]["measures"].items()
)
"""The six measures of the demo outcomes and their true models."""

THETA_MULTIPLIERS: Mapping[str, tuple[float, float]] = _by_rpb(
    PARAMETERS["outcomes"]["theta_multipliers"]
)
"""Per RPB, the (2024 cohort, 2025 cohort) multiplier of each measure's base improvement."""


# --------------------------------------------------------------------------------------------
# Experiences, access, training
# --------------------------------------------------------------------------------------------

EXPERIENCE_AGREE: Mapping[str, tuple[float, float]] = _by_rpb(PARAMETERS["experiences"]["agree"])
"""Per RPB, the true (2024, 2025) probability that an answered item is 4 or 5 (before the
item shift)."""

EXPERIENCE_ITEM_SHIFT: Mapping[str, float] = {
    item: PARAMETERS["experiences"]["item_shift"][item] for item in contract.EXPERIENCE_ITEMS
}
"""Added to :data:`EXPERIENCE_AGREE` to give each item's true probability of agreeing."""

ACCESS_MEDIAN_WAIT: Mapping[str, tuple[float, float]] = _by_rpb(PARAMETERS["access"]["median_wait"])
"""Per RPB, the true (2024, 2025) median wait in days from request to first support."""

ACCESS_MEAN_REDIRECTIONS: Mapping[str, tuple[float, float]] = _by_rpb(
    PARAMETERS["access"]["mean_redirections"]
)
"""Per RPB, the true (2024, 2025) mean number of redirections before support (Poisson)."""

PUBLISHED_2024_TRAINING: Mapping[str, Any] = PARAMETERS["training"]["published_2024"]
"""Published training figures to October 2024 and the counts that reproduce them: 56 of 61
ratings are 4 or 5 (91.8% → 92%); 88/29/5/25 of 147 round to 60/20/3/17%."""
