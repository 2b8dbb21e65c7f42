"""The demo data's model parameters, read from ``nest_eval/demo/data/model.toml``.

The true effects, the published figures the demo data reproduce and the sizes and shares that
shape them are data: the model file holds them with their meaning and sources, and this module
reads it (:func:`read_model`), checks every category it names against the contract's
vocabularies (:mod:`nest_eval.demo.categories`) and builds the constants the generator and its
tests use. The measures' ranges and directions come from the measures catalogue.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import numpy as np

from nest_eval.demo.categories import (
    CORE_ELEMENTS,
    FOUNDATIONS,
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
    "FOUNDATION_RATINGS",
    "JOURNEY_RATINGS",
    "MESSY_RPB_SHARE",
    "MULTIPLIED_SCALE",
    "MULTIPLIER_RANGE",
    "OUTCOME_MODELS",
    "PARAMETERS",
    "POPULATION_SHARE",
    "PUBLISHED_2024_MEANS",
    "PUBLISHED_2024_TRAINING",
    "RANDOM_SCALE",
    "SCALES",
    "SCALE_NAMES",
    "THETA_MULTIPLIERS",
    "UK_DATE_SHARE",
    "YEARS",
    "DemoScale",
    "OutcomeModel",
    "demo_scale",
    "model_text",
    "multiplied_scale",
    "multiplier",
    "random_scale",
    "read_model",
]

_FILE = "model.toml"
_RANDOM_SIZES = ("n_children", "experiences_per_year", "access_per_year", "training_later")
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
    spec, where = raw["random_scale"], f"{_FILE}: random_scale"
    for key in (*_RANDOM_SIZES, "tiny_people"):
        low, high = spec[key]
        if not 0 < low <= high:
            raise DemoModelError(f"{where}.{key}: [{low}, {high}] is not a range above 0")
    for key in ("tiny_share", "absent_share"):
        if not 0 <= spec[key] < 1:
            raise DemoModelError(f"{where}.{key}: {spec[key]} is not a probability below 1")
    fewest = min(
        spec["n_children"][0] / len(raw["years"]), *(spec[k][0] for k in _RANDOM_SIZES[1:3])
    )
    tiny_most = (len(vocabulary.RPB_NAMES) - 1) * spec["tiny_people"][1]
    if tiny_most >= fewest:
        raise DemoModelError(
            f"{where}: {tiny_most} people of tiny RPBs leave no room in {fewest:g} per year"
        )


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
    for year, ratings in sa.get("foundation_ratings", {}).items():
        where = f"{_FILE}: self_assessment.foundation_ratings.{year}"
        check_names(where, ratings, _RPB, complete=True)
        for rpb, given in ratings.items():
            check_names(f'{where}."{rpb}"', given, FOUNDATIONS)
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
        Scale name: a key of :data:`SCALES`, :data:`RANDOM_SCALE`, or ``wales x <factor>``
        (:func:`multiplied_scale`).
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
        Share of children, responses and requests per RPB, in :data:`vocabulary.RPBS` order,
        for each dataset that ``dataset_weights`` does not give its own.
    plant_problems : bool
        Whether bad rows are planted (see ``planted_problems`` in the truth).
    dataset_weights : tuple of (str, tuple of float)
        Datasets of people (``outcomes``, ``experiences``, ``access``) with their own share per
        RPB, in :data:`vocabulary.RPBS` order; a share of 0 gives the RPB no rows there.
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
    dataset_weights: tuple[tuple[str, tuple[float, ...]], ...] = ()
    small_rpbs: tuple[tuple[str, int, int], ...] = ()

    def weights(self, dataset: str) -> tuple[float, ...]:
        """Share per RPB of a dataset's people: its own weights, or :attr:`rpb_weights`.

        Parameters
        ----------
        dataset : str
            ``outcomes``, ``experiences`` or ``access``.

        Returns
        -------
        tuple of float
            Weight per RPB, in :data:`vocabulary.RPBS` order.
        """
        return dict(self.dataset_weights).get(dataset, self.rpb_weights)

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

RANDOM_SCALE = "random"
"""The scale whose sizes are drawn from the seed (:func:`random_scale`)."""

SCALE_NAMES: tuple[str, ...] = (*SCALES, RANDOM_SCALE)
"""Every scale a demo data set can be generated at."""

_RANDOM = PARAMETERS["random_scale"]
_SIZES_STREAM = 1_000
"""Spawn key of the random scale's stream of sizes: apart from the datasets' streams (0, 1, ...)
that :func:`nest_eval.demo.generate.generate_demo_data` spawns from the same seed."""


def _log_uniform(rng: np.random.Generator, low: int, high: int) -> int:
    """A whole number log-uniform within ``[low, high]``."""
    drawn = round(math.exp(rng.uniform(math.log(low), math.log(high))))
    return min(max(int(drawn), low), high)


def _random_weights(
    rng: np.random.Generator, per_year: Mapping[str, float]
) -> dict[str, tuple[float, ...]]:
    """Share per RPB of each dataset of people: some RPBs tiny, some absent, others large.

    Parameters
    ----------
    rng : numpy.random.Generator
        The stream of sizes.
    per_year : Mapping of str to float
        People per year of each dataset (``outcomes``, ``experiences``, ``access``).

    Returns
    -------
    dict of str to tuple of float
        Per dataset, the share per RPB (in :data:`vocabulary.RPBS` order), summing to 1.
    """
    n = len(vocabulary.RPB_NAMES)
    tiny = rng.random(n) < _RANDOM["tiny_share"]
    relative = rng.lognormal(0.0, _RANDOM["weight_sigma"], n)
    largest = int(np.argmax(np.where(tiny, 0.0, relative)))
    tiny[largest] = False  # at least one RPB is not tiny
    weights = {}
    for dataset, people in per_year.items():
        absent = rng.random(n) < _RANDOM["absent_share"]
        absent[largest] = False
        few = rng.uniform(*_RANDOM["tiny_people"], n) / people
        share = np.where(tiny & ~absent, few, 0.0)
        regular = ~tiny & ~absent
        share[regular] = (1 - share.sum()) * relative[regular] / relative[regular].sum()
        weights[dataset] = tuple(float(w) for w in share)
    return weights


def random_scale(seed: int) -> DemoScale:
    """Sizes of mixed scale drawn from a seed: some data sets and RPBs tiny, others large.

    The four sizes are log-uniform within the ranges of ``random_scale`` in the model file
    (with the package's file: children 150–6,000; responses and requests per year 100–5,000;
    later learners 30–1,000). Each RPB is tiny (1–8 people per year expected) with probability
    ``tiny_share`` (0.3) in all three datasets of people, the others take log-normal relative
    sizes; in each dataset an RPB other than the largest has no rows at all with probability
    ``absent_share`` (0.05). Problems are planted as ``plant_problems`` says (no).

    Parameters
    ----------
    seed : int
        Non-negative seed; the sizes come from their own stream of it (spawn key 1000), apart
        from the streams of the data, so the same seed gives the same sizes.

    Returns
    -------
    DemoScale
        Named ``random``, with each dataset's weights in ``dataset_weights`` and their mean in
        ``rpb_weights``.

    Raises
    ------
    ValueError
        When the seed is negative.

    Examples
    --------
    >>> random_scale(3) == random_scale(3)
    True
    >>> 150 <= random_scale(3).n_children <= 6_000
    True
    """
    if int(seed) < 0:
        raise ValueError("seed must be a non-negative integer")
    sequence = np.random.SeedSequence(int(seed), spawn_key=(_SIZES_STREAM,))
    rng = np.random.default_rng(sequence)
    sizes = {key: _log_uniform(rng, *_RANDOM[key]) for key in _RANDOM_SIZES}
    per_year = {
        "outcomes": sizes["n_children"] / len(YEARS),
        "experiences": sizes["experiences_per_year"],
        "access": sizes["access_per_year"],
    }
    weights = _random_weights(rng, per_year)
    mean = np.mean(list(weights.values()), axis=0)
    return DemoScale(
        name=RANDOM_SCALE,
        **sizes,
        rpb_weights=tuple(float(w) for w in mean / mean.sum()),
        plant_problems=bool(_RANDOM["plant_problems"]),
        dataset_weights=tuple(weights.items()),
    )


MULTIPLIED_SCALE = "wales"
"""The scale a multiplier multiplies (``--scale 10``: ten times its sizes)."""

MULTIPLIER_RANGE = (0.01, 100.0)
"""The smallest and largest multiplier of :data:`MULTIPLIED_SCALE` (inclusive)."""

_MULTIPLIED_SIZES = ("n_children", "experiences_per_year", "access_per_year", "training_later")


def multiplier(name: str) -> float | None:
    """The multiplier a scale name gives, or None when it is not a number.

    Parameters
    ----------
    name : str
        A scale: a name of :data:`SCALE_NAMES`, or a positive number (``"10"``, ``"0.05"``).

    Returns
    -------
    float or None

    Raises
    ------
    ValueError
        When the number is not within :data:`MULTIPLIER_RANGE`.
    """
    try:
        value = float(name)
    except (TypeError, ValueError):
        return None
    low, high = MULTIPLIER_RANGE
    if not low <= value <= high:  # NaN and infinities too
        raise ValueError(f"a scale multiplier must be from {low:g} to {high:g}, not {name!r}")
    return value


def multiplied_scale(factor: float) -> DemoScale:
    """The :data:`MULTIPLIED_SCALE` scale with its sizes multiplied by ``factor``.

    Each size (children, responses and requests per year, later learners) is multiplied and
    rounded to the nearest whole number; the RPB weights and everything else are the scale's.
    A factor of 1 is that scale itself (the same sizes and name, so the same files).

    Parameters
    ----------
    factor : float
        Positive multiplier (:data:`MULTIPLIER_RANGE`).

    Returns
    -------
    DemoScale
        Named ``wales`` for a factor of 1, otherwise ``wales x <factor>`` (``wales x 10``).

    Examples
    --------
    >>> multiplied_scale(10).n_children, multiplied_scale(10).name
    (1000000, 'wales x 10')
    >>> multiplied_scale(1) == SCALES["wales"]
    True
    """
    base = SCALES[MULTIPLIED_SCALE]
    if factor == 1:
        return base
    sizes = {name: max(1, round(getattr(base, name) * factor)) for name in _MULTIPLIED_SIZES}
    return replace(base, name=f"{MULTIPLIED_SCALE} x {factor:g}", **sizes)


def demo_scale(name: str, seed: int) -> DemoScale:
    """The sizes of a scale: one of :data:`SCALES`, the random scale of a seed, or a multiple.

    Parameters
    ----------
    name : str
        One of :data:`SCALE_NAMES`, or a positive number: that many times the ``wales`` scale
        (:func:`multiplied_scale`; ``"1"`` is ``wales``).
    seed : int
        The seed of the data; used only by the ``random`` scale (:func:`random_scale`).

    Returns
    -------
    DemoScale
        The sizes.

    Raises
    ------
    ValueError
        When the scale is unknown, or a multiplier out of :data:`MULTIPLIER_RANGE`.
    """
    if name == RANDOM_SCALE:
        return random_scale(seed)
    factor = multiplier(name)
    if factor is not None:
        return multiplied_scale(factor)
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(
            f"unknown scale {name!r}; choose one of {sorted(SCALE_NAMES)} or a multiplier"
        ) from None


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

FOUNDATION_RATINGS: Mapping[int, Mapping[str, tuple[float | None, ...]]] = {
    int(year): {
        rpb: tuple(given.get(key) for key in FOUNDATIONS[1])
        for rpb, given in _by_rpb(ratings).items()
    }
    for year, ratings in _SELF_ASSESSMENT.get("foundation_ratings", {}).items()
}
"""Region-level journey ratings of the NEST foundations per cycle (those with any) and RPB, in
``FOUNDATIONS`` order; None where submitted without a rating."""


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
