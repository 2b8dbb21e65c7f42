"""The outcome measures catalogue: ranges, direction, reliability, norms, cut-offs, change figures.

Every number the change statistics use comes from ``nest_eval/reference/data/measures.toml``,
with its source. A figure reported second-hand is kept but flagged ``verified=False``, and the
report's methods section lists those (:meth:`Catalogue.unverified`). An evaluator can override
any figure in a TOML file of the same shape (:func:`load_catalogue`); overridden figures carry
``overridden=True`` and their new source, and the default :data:`CATALOGUE` is never changed.
Labels (English and Welsh) are in the message catalogue, key ``measure.<key>``.

Sources
-------
Each figure's source and note in ``measures.toml`` say which publication, sample and informant it
comes from, and, for a figure not read in its primary source, where it was read second-hand.

- SWEMWBS: Shah N. et al. (2018), *Health and Quality of Life Outcomes* 16:239 (clinical
  baseline mean and SD, SEM, meaningful and reliable change); Warwick Medical School, SWEMWBS
  "how to" pages (raw → metric Rasch conversion table).
- WEMWBS: Tennant R. et al. (2007), *Health and Quality of Life Outcomes* 5:63 (range,
  Cronbach's α); Maheswaran H. et al. (2012) (SEM 2.4–3.1).
- SDQ: Goodman R. (2001), *J Am Acad Child Adolesc Psychiatry* 40(11):1337–1345 (α, retest);
  sdqinfo (score bands).
- YP-CORE: Twigg E. et al. (2016), *Child and Adolescent Mental Health* 21(2):115–123 (α,
  cut-offs and reliable change indices by sex and age band; the indices unverified).
- RCADS: Chorpita B.F., Moffitt C.E. & Gray J. (2005), *Behaviour Research and Therapy*
  43:309–322 (subscale α, clinical sample; unverified); RCADS user guide and scoring page (UCLA);
  CORC (T-score norms and cut-offs).
- GBO: Edbrooke-Childs J. et al. (2015) (reliable change; unverified); CORC.
- ReQoL-10: Keetharuth A.D. et al. (2018), *British Journal of Psychiatry* 212(1):42–49
  (test–retest reliability, published as a bound; unverified); Franklin M. et al. (2021),
  *Quality of Life Research* (clinical cut-off).
- CORS / ORS: CORC (no reliability or reliable-change figure catalogued).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from nest_eval.reference.codings import VOCABULARIES, UnknownCodingError
from nest_eval.reference.loader import Overrides, read_csv, read_data, read_overrides
from nest_eval.reference.messages import label
from nest_eval.reference.vocabulary import UnknownNameError, normalise_label

__all__ = [
    "CATALOGUE",
    "CLINICAL_BANDS",
    "FIGURE_NAMES",
    "MEASURES",
    "MEASURE_KEYS",
    "RAW_INPUT_CODES",
    "RESPONDENTS",
    "SWEMWBS_RAW_TO_METRIC",
    "Catalogue",
    "Cutoff",
    "Figure",
    "Measure",
    "RawInputCode",
    "ReliableChangeBand",
    "Restriction",
    "first_applying",
    "load_catalogue",
    "normalise_respondent",
    "normalise_sex",
    "resolve_measure",
    "swemwbs_raw_to_metric",
]

RESPONDENTS: tuple[str, ...] = VOCABULARIES["respondent"].values
"""Respondent codes of the outcomes dataset (data contract, version 1); ``self`` is the default."""

CLINICAL_BANDS: tuple[str, ...] = ("abnormal", "clinical")
"""Cut-off bands that mark the clinical range (SDQ says "abnormal", the others "clinical")."""

SCALAR_FIGURES: tuple[str, ...] = (
    "reliability",
    "reference_mean",
    "reference_sd",
    "sem",
    "reliable_change",
)
FIGURE_NAMES: tuple[str, ...] = (*SCALAR_FIGURES, "meaningful_change", "clinical_cutoffs")
"""Names of the figures a configuration file may override, in :meth:`figures_table` order."""


# --------------------------------------------------------------------------------------------
# Figures and cut-offs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A published number with its provenance.

    Attributes
    ----------
    value : float
        The number.
    source : str
        Citation of the publication (or configuration file) it comes from.
    verified : bool
        False where the figure was reported second-hand and has not been checked against its
        source (``measures.md`` marks it "unverified"); the report says so.
    note : str
        What the figure is, or how it was derived (e.g. "derived: r = 1 − (SEM/SD)²").
    overridden : bool
        True where an evaluator's configuration replaced the catalogue's figure.
    """

    value: float
    source: str
    verified: bool
    note: str = ""
    overridden: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, numbers.Real):
            raise TypeError(f"a figure's value must be a number, not {self.value!r}")
        if not math.isfinite(self.value):
            raise ValueError(f"a figure's value must be finite, not {self.value!r}")
        object.__setattr__(self, "value", float(self.value))


@dataclass(frozen=True, kw_only=True)
class Restriction:
    """Who a banded figure applies to: a respondent, a sex and an inclusive band of age.

    Cut-offs (:class:`Cutoff`) and reliable-change thresholds (:class:`ReliableChangeBand`) are
    restricted alike; an unrestricted field applies to everyone.

    Attributes
    ----------
    respondent : str or None
        The respondent the figure applies to (one of :data:`RESPONDENTS`); None for any.
    sex : str or None
        ``"male"`` or ``"female"`` for sex-specific figures; None for any.
    age_min, age_max : float or None
        Inclusive age band in completed years (``11``–``13`` covers ages 11.0 up to, not
        including, 14.0); None for no bound.
    """

    respondent: str | None = None
    sex: str | None = None
    age_min: float | None = None
    age_max: float | None = None

    def __post_init__(self) -> None:
        if self.respondent is not None and self.respondent not in RESPONDENTS:
            raise ValueError(
                f"unknown respondent {self.respondent!r}; expected one of {RESPONDENTS}"
            )
        if self.sex is not None and self.sex not in ("male", "female"):
            raise ValueError(f"sex must be 'male', 'female' or None, not {self.sex!r}")
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError(f"age_min {self.age_min} is above age_max {self.age_max}")

    @property
    def is_restricted(self) -> bool:
        """Whether any of respondent, sex or age restricts who the figure applies to."""
        return any(
            value is not None for value in (self.respondent, self.sex, self.age_min, self.age_max)
        )

    def restriction_parts(self) -> list[str]:
        """The restrictions in words, e.g. ``["self", "male", "age 11–13"]``."""
        parts = [part for part in (self.respondent, self.sex) if part is not None]
        if self.age_min is not None or self.age_max is not None:
            low = "" if self.age_min is None else f"{self.age_min:g}"
            high = "" if self.age_max is None else f"{self.age_max:g}"
            parts.append(f"age {low}–{high}" if high else f"age {low}+")
        return parts

    def applies_to(
        self, respondent: str | None = "self", sex: str | None = None, age: float | None = None
    ) -> bool:
        """Whether the figure applies to this respondent, sex and age.

        A figure restricted by sex or age does not apply when the sex or age is unknown.

        Parameters
        ----------
        respondent : str or None
            Respondent code (normalised with :func:`normalise_respondent`; None = ``self``).
        sex : str or None
            Sex as recorded (normalised with :func:`normalise_sex`).
        age : float or None
            Age in years.

        Returns
        -------
        bool
            True when every restriction is met.
        """
        if self.respondent is not None and normalise_respondent(respondent) != self.respondent:
            return False
        if self.sex is not None and normalise_sex(sex) != self.sex:
            return False
        if self.age_min is None and self.age_max is None:
            return True
        if age is None or pd.isna(age):
            return False
        years = math.floor(float(age))
        if self.age_min is not None and years < self.age_min:
            return False
        return not (self.age_max is not None and years > self.age_max)

    def overlaps(self, other: Restriction) -> bool:
        """Whether some respondent, sex and age meet both restrictions.

        Ages are whole years (:meth:`applies_to`), so bands 11–13 and 14–16 do not overlap.

        Examples
        --------
        >>> Restriction(sex="male", age_min=11, age_max=13).overlaps(Restriction(age_min=13))
        True
        >>> Restriction(sex="male").overlaps(Restriction(sex="female"))
        False
        """
        for mine, theirs in ((self.respondent, other.respondent), (self.sex, other.sex)):
            if mine is not None and theirs is not None and mine != theirs:
                return False
        lows = [math.ceil(b) for b in (self.age_min, other.age_min) if b is not None]
        highs = [math.floor(b) for b in (self.age_max, other.age_max) if b is not None]
        return not (lows and highs and max(lows) > min(highs))


_R = TypeVar("_R", bound=Restriction)


def first_applying(
    figures: Iterable[_R],
    respondent: str | None = "self",
    sex: str | None = None,
    age: float | None = None,
) -> _R | None:
    """The first of ``figures`` that applies to this respondent, sex and age.

    Parameters
    ----------
    figures : iterable of Restriction
        Banded figures in catalogue order (cut-offs or reliable-change thresholds).
    respondent, sex, age
        As for :meth:`Restriction.applies_to`.

    Returns
    -------
    Restriction or None
        None when none applies.

    Raises
    ------
    UnknownNameError
        When ``respondent`` is not a respondent code.
    """
    normalise_respondent(respondent)  # raise early on an unknown respondent
    return next((f for f in figures if f.applies_to(respondent, sex, age)), None)


@dataclass(frozen=True, kw_only=True)
class Cutoff(Restriction):
    """A score threshold that starts a band (borderline, abnormal, clinical, ...).

    Attributes
    ----------
    threshold : Figure
        The threshold score.
    respondent, sex, age_min, age_max
        Who the cut-off applies to (:class:`Restriction`).
    band : str
        The band the threshold opens: ``"borderline"``, ``"abnormal"``, ``"clinical"``, ... The
        bands in :data:`CLINICAL_BANDS` mark the clinical range.
    clinical_side : str
        ``"above"``: the band is scores ``>= threshold`` (measures where higher is worse);
        ``"below"``: the band is scores ``< threshold`` (measures where higher is better).
    """

    threshold: Figure
    band: str
    clinical_side: str

    def __post_init__(self) -> None:
        if self.clinical_side not in ("above", "below"):
            raise ValueError(
                f"clinical_side must be 'above' or 'below', not {self.clinical_side!r}"
            )
        super().__post_init__()

    @property
    def is_clinical(self) -> bool:
        """Whether this cut-off marks the clinical range (band in :data:`CLINICAL_BANDS`)."""
        return self.band in CLINICAL_BANDS

    @property
    def label(self) -> str:
        """Short description for tables, e.g. ``"cut-off: clinical, male, age 11–13"``."""
        return "cut-off: " + ", ".join([self.band, *self.restriction_parts()])

    def in_band(self, score: Any) -> Any:
        """Whether scores fall in this cut-off's band (``>= threshold`` or ``< threshold``).

        Parameters
        ----------
        score : float, numpy.ndarray or pandas.Series
            Score or scores; missing values are never in the band.

        Returns
        -------
        bool, numpy.ndarray or pandas.Series
            Element-wise result, in the shape of ``score``.

        Examples
        --------
        >>> CATALOGUE["REQOL10"].clinical_threshold().in_band(23)
        True
        """
        if isinstance(score, pd.Series | np.ndarray):
            values = score
        else:
            values = np.asarray(score, dtype=float)
        result = (
            values >= self.threshold.value
            if self.clinical_side == "above"
            else (values < self.threshold.value)
        )
        if np.ndim(result) == 0:
            return bool(result)
        return result


@dataclass(frozen=True, kw_only=True)
class ReliableChangeBand(Restriction):
    """A published reliable-change threshold for one band of respondent, sex and age.

    Attributes
    ----------
    threshold : Figure
        The smallest change, in score points, that is reliable: a change is reliable where its
        size exceeds it.
    respondent, sex, age_min, age_max
        Who the threshold applies to (:class:`Restriction`); at least one is given.
    """

    threshold: Figure

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.is_restricted:
            raise ValueError(
                "a reliable-change band needs a respondent, sex or age; an unrestricted "
                "threshold is the measure's reliable_change"
            )
        if self.threshold.value <= 0:
            raise ValueError(
                f"a reliable-change threshold must be positive, not {self.threshold.value:g}"
            )

    @property
    def label(self) -> str:
        """Short description for tables, e.g. ``"reliable change: self, male, age 11–13"``."""
        return "reliable change: " + ", ".join(self.restriction_parts())


def normalise_respondent(respondent: str | None) -> str:
    """Return the contract's respondent code for a respondent as written.

    Parameters
    ----------
    respondent : str or None
        Any coding of the ``respondent`` vocabulary (``contract.toml``): ``self`` (also
        "self-report", "young person"), ``parent`` (also "carer", "parent/carer"), ``teacher``
        or ``practitioner`` (also "clinician"), any case; None or blank means ``self``, the
        contract's default.

    Returns
    -------
    str
        One of :data:`RESPONDENTS`.

    Raises
    ------
    UnknownNameError
        For any other respondent.

    Examples
    --------
    >>> normalise_respondent("Self-report")
    'self'
    >>> normalise_respondent(None)
    'self'
    """
    if respondent is None or (not isinstance(respondent, str) and pd.isna(respondent)):
        return "self"
    if str(respondent).strip() == "":
        return "self"
    try:
        return VOCABULARIES["respondent"].resolve(respondent)
    except UnknownCodingError as exc:
        raise UnknownNameError(str(exc)) from None


def normalise_sex(sex: str | None) -> str | None:
    """``"male"``, ``"female"``, or None for any other or missing value.

    Sex-specific cut-offs (YP-CORE) exist for male and female only; other recorded values and
    blanks give None, so no sex-specific cut-off applies. Codings are those of the contract's
    ``sex`` vocabulary.

    Examples
    --------
    >>> normalise_sex("F"), normalise_sex("boy"), normalise_sex("not stated")
    ('female', 'male', None)
    """
    if sex is None or (not isinstance(sex, str) and pd.isna(sex)):
        return None
    try:
        value = VOCABULARIES["sex"].resolve(sex)
    except UnknownCodingError:
        return None
    return value if value in ("female", "male") else None


# --------------------------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Measure:
    """An outcome measure with its published figures.

    Attributes
    ----------
    key : str
        Catalogue key used in data (the outcomes dataset's ``measure``), e.g. ``"SWEMWBS"``.
    aliases : tuple of str
        Further names that resolve to this measure.
    items : str
        What the measure consists of and what its score is.
    score_min, score_max : float
        Inclusive range of valid scores.
    integer_scores : bool
        Valid scores are whole numbers.
    higher_is_better : bool
        Direction: for measures where higher is worse, a reliable fall is an improvement.
    reliability : Figure or None
        Reliability coefficient r used by the Jacobson–Truax reliable change index.
    reference_mean, reference_sd : Figure or None
        Reference (norm or clinical-sample) mean and SD.
    sem : Figure or None
        Standard error of measurement.
    reliable_change : Figure or None
        A published reliable-change threshold, in score points, for everyone.
    reliable_change_bands : tuple of ReliableChangeBand
        Published reliable-change thresholds by respondent, sex and age band; see
        :meth:`reliable_change_band`. No two bands overlap.
    meaningful_change : str, Figure or None
        A published minimal meaningful change (text where published as a range).
    clinical_cutoffs : tuple of Cutoff
        Score bands; see :meth:`clinical_threshold`.
    source : str
        Citation for the measure's range and structure.
    notes : tuple of str
        Remarks for the methods section (figures absent or published only as a range).
    """

    key: str
    aliases: tuple[str, ...] = ()
    items: str
    score_min: float
    score_max: float
    integer_scores: bool
    higher_is_better: bool
    reliability: Figure | None = None
    reference_mean: Figure | None = None
    reference_sd: Figure | None = None
    sem: Figure | None = None
    reliable_change: Figure | None = None
    reliable_change_bands: tuple[ReliableChangeBand, ...] = ()
    meaningful_change: str | Figure | None = None
    clinical_cutoffs: tuple[Cutoff, ...] = ()
    source: str
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.score_min < self.score_max:
            raise ValueError(f"{self.key}: score_min must be below score_max")
        bands = self.reliable_change_bands
        for i, band in enumerate(bands):
            for other in bands[i + 1 :]:
                if band.overlaps(other):
                    raise ValueError(
                        f"{self.key}: reliable-change bands overlap ({band.label}; {other.label}): "
                        "a child in both would have two thresholds"
                    )

    def label(self, lang: str = "en") -> str:
        """The measure's display name in ``lang`` (message ``measure.<key>``)."""
        return label(f"measure.{self.key}", lang)

    @property
    def label_en(self) -> str:
        """The English display name."""
        return self.label("en")

    def figures(self) -> dict[str, Figure]:
        """Return the figures by name, in :data:`FIGURE_NAMES` order (cut-offs by label).

        Returns
        -------
        dict of str to Figure
            Only the figures the measure has; text-only meaningful change is left out.
        """
        found: dict[str, Figure] = {}
        for name in SCALAR_FIGURES:
            figure = getattr(self, name)
            if figure is not None:
                found[name] = figure
        if isinstance(self.meaningful_change, Figure):
            found["meaningful_change"] = self.meaningful_change
        for band in self.reliable_change_bands:
            found[band.label] = band.threshold
        for cutoff in self.clinical_cutoffs:
            found[cutoff.label] = cutoff.threshold
        return found

    def clinical_threshold(
        self, respondent: str | None = "self", sex: str | None = None, age: float | None = None
    ) -> Cutoff | None:
        """Return the cut-off that marks the clinical range for this respondent, sex and age.

        Parameters
        ----------
        respondent : str or None
            Who completed the measure (``self``, ``parent``, ``teacher``, ``practitioner``);
            None means ``self``.
        sex : str or None
            Sex as recorded; needed for sex-specific cut-offs (YP-CORE).
        age : float or None
            Age in years; needed for age-specific cut-offs (YP-CORE 11–13, 14–16).

        Returns
        -------
        Cutoff or None
            The first cut-off of band ``abnormal`` or ``clinical`` that applies; None when the
            catalogue has none for this case (the measure has no cut-off, the respondent has
            none, or the sex or age is unknown or outside the published bands).

        Raises
        ------
        UnknownNameError
            When ``respondent`` is not a respondent code.

        Examples
        --------
        >>> CATALOGUE["SDQ_TOTAL"].clinical_threshold("parent").threshold.value
        17.0
        >>> CATALOGUE["YP_CORE"].clinical_threshold(sex="female", age=15).threshold.value
        1.59
        """
        clinical = (cutoff for cutoff in self.clinical_cutoffs if cutoff.is_clinical)
        return first_applying(clinical, respondent, sex, age)

    def reliable_change_band(
        self, respondent: str | None = "self", sex: str | None = None, age: float | None = None
    ) -> ReliableChangeBand | None:
        """Return the published reliable-change threshold of this respondent's band, if any.

        Bands are restricted as cut-offs are (:meth:`clinical_threshold`). A child in no band
        (another respondent, sex not recorded as male or female, age unknown or outside every
        band) gets the measure's unbanded figures: the index from :attr:`reliability`, or else
        :attr:`reliable_change`.

        Parameters
        ----------
        respondent : str or None
            Who completed the measure; None means ``self``.
        sex : str or None
            Sex as recorded.
        age : float or None
            Age in years.

        Returns
        -------
        ReliableChangeBand or None
            The band that applies; None when none does.

        Raises
        ------
        UnknownNameError
            When ``respondent`` is not a respondent code.

        Examples
        --------
        >>> CATALOGUE["YP_CORE"].reliable_change_band(sex="female", age=15).threshold.value
        0.74
        >>> CATALOGUE["YP_CORE"].reliable_change_band(sex="female", age=17) is None
        True
        """
        return first_applying(self.reliable_change_bands, respondent, sex, age)

    def in_range(self, score: Any) -> Any:
        """Whether scores are valid for the measure: within range, whole where required.

        Parameters
        ----------
        score : float, numpy.ndarray or pandas.Series
            Score or scores; missing values are not valid.

        Returns
        -------
        bool, numpy.ndarray or pandas.Series
            Element-wise result, in the shape of ``score``.

        Examples
        --------
        >>> CATALOGUE["SDQ_TOTAL"].in_range(40), CATALOGUE["SDQ_TOTAL"].in_range(12.5)
        (True, False)
        """
        values = score if isinstance(score, pd.Series | np.ndarray) else np.asarray(score, float)
        ok = (values >= self.score_min) & (values <= self.score_max)
        if self.integer_scores:
            ok = ok & (values % 1 == 0)
        if np.ndim(ok) == 0:
            return bool(ok)
        return ok


# --- reading measures.toml ----------------------------------------------------------------


def _figure(raw: dict[str, Any]) -> Figure:
    return Figure(raw["value"], raw["source"], raw["verified"], raw.get("note", ""))


def _restriction(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: raw[k] for k in ("respondent", "sex", "age_min", "age_max") if k in raw}


def _cutoff(raw: dict[str, Any]) -> Cutoff:
    return Cutoff(
        threshold=_figure(raw["threshold"]),
        band=raw["band"],
        clinical_side=raw["clinical_side"],
        **_restriction(raw),
    )


def _reliable_change_band(raw: dict[str, Any]) -> ReliableChangeBand:
    return ReliableChangeBand(threshold=_figure(raw["threshold"]), **_restriction(raw))


def _check_figure(key: str, name: str, figure: Figure) -> None:
    """Refuse a catalogue figure without its provenance, or out of its range."""
    if not figure.source.strip() or not figure.note.strip():
        raise ValueError(f"measures.toml: {key}.{name}: a figure needs a source and a note")
    if name == "reliability" and not 0 <= figure.value < 1:
        raise ValueError(f"measures.toml: {key}.reliability must be in [0, 1)")
    if name in ("reference_sd", "sem", "reliable_change") and figure.value <= 0:
        raise ValueError(f"measures.toml: {key}.{name} must be positive")


def _measure(key: str, raw: dict[str, Any]) -> Measure:
    measure = _read_measure(key, raw)
    for name, figure in measure.figures().items():
        _check_figure(key, name, figure)
    for cutoff in measure.clinical_cutoffs:
        if not measure.score_min <= cutoff.threshold.value <= measure.score_max:
            raise ValueError(f"measures.toml: {key} {cutoff.label} is outside the score range")
    return measure


def _read_measure(key: str, raw: dict[str, Any]) -> Measure:
    meaningful = raw.get("meaningful_change")
    return Measure(
        key=key,
        aliases=tuple(raw.get("aliases", ())),
        items=raw["items"],
        score_min=float(raw["score_min"]),
        score_max=float(raw["score_max"]),
        integer_scores=raw["integer_scores"],
        higher_is_better=raw["higher_is_better"],
        **{name: _figure(raw[name]) for name in SCALAR_FIGURES if name in raw},
        reliable_change_bands=tuple(
            _reliable_change_band(b) for b in raw.get("reliable_change_bands", ())
        ),
        meaningful_change=(_figure(meaningful) if isinstance(meaningful, dict) else meaningful),
        clinical_cutoffs=tuple(_cutoff(c) for c in raw.get("clinical_cutoffs", ())),
        source=raw["source"],
        notes=tuple(raw.get("notes", ())),
    )


_MEASURES_DATA = read_data("measures.toml")

MEASURES: tuple[Measure, ...] = tuple(
    _measure(key, raw) for key, raw in _MEASURES_DATA["measures"].items()
)
"""The catalogued measures, in the order reports list them."""

MEASURE_KEYS: tuple[str, ...] = tuple(m.key for m in MEASURES)


# --------------------------------------------------------------------------------------------
# SWEMWBS raw → metric
# --------------------------------------------------------------------------------------------

_SWEMWBS_RAW = _MEASURES_DATA["raw_inputs"]["SWEMWBS_RAW"]

SWEMWBS_RAW_TO_METRIC: Mapping[int, float] = types.MappingProxyType(
    {int(row["raw"]): float(row["metric"]) for row in read_csv(_SWEMWBS_RAW["conversion"])}
)
"""SWEMWBS raw total (7–35) → Rasch metric score (Warwick Medical School conversion table)."""

_SWEMWBS_RAW_MIN, _SWEMWBS_RAW_MAX = _SWEMWBS_RAW["raw_min"], _SWEMWBS_RAW["raw_max"]
_SWEMWBS_LOOKUP = np.full(_SWEMWBS_RAW_MAX + 1, np.nan)
for _raw, _metric in SWEMWBS_RAW_TO_METRIC.items():
    _SWEMWBS_LOOKUP[_raw] = _metric
del _raw, _metric


def _as_python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _valid_raw(value: Any) -> bool:
    value = _as_python(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    if not math.isfinite(value) or value != math.floor(value):
        return False
    return _SWEMWBS_RAW_MIN <= value <= _SWEMWBS_RAW_MAX


def _raw_error(bad: list[tuple[Any, Any]]) -> ValueError:
    first_label, first_value = bad[0]
    where = "" if first_label is None else f" at {first_label!r}"
    message = (
        f"SWEMWBS raw total must be a whole number {_SWEMWBS_RAW_MIN}–{_SWEMWBS_RAW_MAX}; "
        f"got {_as_python(first_value)!r}{where}"
    )
    if len(bad) > 1:
        others = ", ".join(repr(_as_python(v)) for _, v in bad[1:6])
        more = ", ..." if len(bad) > 6 else ""
        message += f" (and {len(bad) - 1} more: {others}{more})"
    return ValueError(message)


def swemwbs_raw_to_metric(raw: Any) -> Any:
    """Convert SWEMWBS raw totals (7–35) to Rasch metric scores with the published table.

    Source: Warwick Medical School, SWEMWBS raw-score to metric-score conversion table
    (:data:`SWEMWBS_RAW_TO_METRIC`); see also Shah et al. 2018, HQLO 16:239.

    Parameters
    ----------
    raw : int, numpy.ndarray, pandas.Series or sequence
        Raw total or totals: whole numbers 7–35 (``14.0`` is accepted as 14).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Metric score(s): a float for a single value, a float array for an array or sequence, a
        float Series with the same index and name for a Series.

    Raises
    ------
    ValueError
        When any value is not a whole number 7–35 (including missing values); the message names
        the first offending value (and its index label for a Series) and counts the rest.

    Examples
    --------
    >>> swemwbs_raw_to_metric(21)
    19.25
    >>> swemwbs_raw_to_metric([7, 35]).tolist()
    [7.0, 35.0]
    """
    if isinstance(raw, pd.Series):
        labels: list[Any] | None = list(raw.index)
        values = raw.to_numpy(dtype=object)
    else:
        if np.ndim(raw) == 0:
            if not _valid_raw(raw):
                raise _raw_error([(None, raw)])
            return float(SWEMWBS_RAW_TO_METRIC[int(_as_python(raw))])
        labels = None
        values = np.asarray(raw, dtype=object)
    flat = values.ravel()
    valid = np.fromiter((_valid_raw(v) for v in flat), dtype=bool, count=flat.size)
    if not valid.all():
        positions = np.flatnonzero(~valid)
        bad = [
            (labels[i] if labels is not None else (int(i) if values.ndim == 1 else None), flat[i])
            for i in positions
        ]
        raise _raw_error(bad)
    metric = _SWEMWBS_LOOKUP[flat.astype(float).astype(np.int64)].reshape(values.shape)
    if isinstance(raw, pd.Series):
        return pd.Series(metric, index=raw.index, name=raw.name, dtype=float)
    return metric


@dataclass(frozen=True)
class RawInputCode:
    """A measure code accepted on input only, whose scores ingest converts.

    Attributes
    ----------
    code : str
        The input code, e.g. ``"SWEMWBS_RAW"``.
    measure : str
        The catalogue key the converted scores belong to.
    convert : callable
        Vectorised conversion from input scores to the measure's scores.
    raw_min, raw_max : int
        Inclusive range of valid input scores.
    integer_scores : bool
        Valid input scores are whole numbers.
    """

    code: str
    measure: str
    convert: Callable[[Any], Any]
    raw_min: int
    raw_max: int
    integer_scores: bool = True


RAW_INPUT_CODES: Mapping[str, RawInputCode] = types.MappingProxyType(
    {
        "SWEMWBS_RAW": RawInputCode(
            "SWEMWBS_RAW", "SWEMWBS", swemwbs_raw_to_metric, _SWEMWBS_RAW_MIN, _SWEMWBS_RAW_MAX
        ),
    }
)
"""Input-only measure codes: ingest converts their scores to the named measure (keeping the raw
value). ``SWEMWBS_RAW`` rows carry raw totals 7–35, converted to the SWEMWBS metric score."""

_RAW_INPUT_ALIASES: dict[str, tuple[str, ...]] = {
    code: tuple(spec.get("aliases", ())) for code, spec in _MEASURES_DATA["raw_inputs"].items()
}


# --------------------------------------------------------------------------------------------
# Name resolution
# --------------------------------------------------------------------------------------------


def _fold(name: str) -> str:
    return normalise_label(str(name).replace("_", " "))


def _measure_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    entries: list[tuple[str, tuple[str, ...]]] = [
        (m.key, (m.key, m.label("en"), m.label("cy"), *m.aliases)) for m in MEASURES
    ]
    entries += [(code, (code, *_RAW_INPUT_ALIASES.get(code, ()))) for code in RAW_INPUT_CODES]
    for key, names in entries:
        for name in names:
            folded = _fold(name)
            if lookup.get(folded, key) != key:
                raise RuntimeError(f"measure name {name!r} names both {lookup[folded]} and {key}")
            lookup[folded] = key
    return lookup


_MEASURE_LOOKUP = _measure_lookup()


def resolve_measure(name: str) -> str:
    """Resolve a measure from its key, English label, Welsh label or an alias.

    Case, punctuation, spacing and ``_`` versus space are ignored
    (:func:`nest_eval.reference.vocabulary.normalise_label`).

    Parameters
    ----------
    name : str
        The measure as written.

    Returns
    -------
    str
        A key of :data:`CATALOGUE`, or an input-only code of :data:`RAW_INPUT_CODES`
        (``"SWEMWBS_RAW"``).

    Raises
    ------
    UnknownNameError
        When the name matches no measure.

    Examples
    --------
    >>> resolve_measure("YP-CORE")
    'YP_CORE'
    >>> resolve_measure("sdq total difficulties")
    'SDQ_TOTAL'
    >>> resolve_measure("swemwbs_raw")
    'SWEMWBS_RAW'
    """
    try:
        return _MEASURE_LOOKUP[_fold(name)]
    except KeyError:
        raise UnknownNameError(
            f"{name!r} is not a catalogued measure; known keys: "
            f"{', '.join((*MEASURE_KEYS, *RAW_INPUT_CODES))}"
        ) from None


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------

_TABLE_COLUMNS = ("measure", "figure", "value", "source", "verified", "overridden", "note")


@dataclass(frozen=True, eq=False)
class Catalogue:
    """The outcome measures with the figures in use, and where overrides came from.

    Attributes
    ----------
    measures : Mapping of str to Measure
        Measures by catalogue key, in report order (read-only).
    config : pathlib.Path or None
        The configuration file whose overrides were applied; None for the defaults.
    overrides : tuple of (str, str)
        ``(measure key, figure name)`` of every overridden figure, in file order.
    """

    measures: Mapping[str, Measure]
    config: Path | None = None
    overrides: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "measures", types.MappingProxyType(dict(self.measures)))

    def __getitem__(self, key: str) -> Measure:
        try:
            return self.measures[key]
        except KeyError:
            return self.measures[resolve_measure(key)]

    def __iter__(self) -> Iterator[Measure]:
        return iter(self.measures.values())

    def __len__(self) -> int:
        return len(self.measures)

    def __contains__(self, key: object) -> bool:
        return key in self.measures

    def keys(self) -> tuple[str, ...]:
        """Catalogue keys in report order."""
        return tuple(self.measures)

    def figures_table(self) -> pd.DataFrame:
        """One row per figure in use, for the report's methods section.

        Returns
        -------
        pandas.DataFrame
            Columns ``measure``, ``figure``, ``value``, ``source``, ``verified``,
            ``overridden``, ``note``; measures in catalogue order, figures in
            :data:`FIGURE_NAMES` order, cut-offs named by :attr:`Cutoff.label`. Absent figures
            and text-only meaningful change have no row.
        """
        rows = [
            (m.key, name, f.value, f.source, f.verified, f.overridden, f.note)
            for m in self
            for name, f in m.figures().items()
        ]
        table = pd.DataFrame(rows, columns=list(_TABLE_COLUMNS))
        return table.astype({"value": float, "verified": bool, "overridden": bool})

    def unverified(self) -> pd.DataFrame:
        """Return the rows of :meth:`figures_table` whose figure is not verified."""
        table = self.figures_table()
        return table[~table["verified"]].reset_index(drop=True)


CATALOGUE = Catalogue({m.key: m for m in MEASURES})
"""The default catalogue: the published figures of ``measures.md`` and those found since, each
with its source (``measures.toml``)."""


# --------------------------------------------------------------------------------------------
# Configuration overrides
# --------------------------------------------------------------------------------------------

_FIGURE_TABLE_KEYS = frozenset({"value", "source", "verified", "note"})
_CUTOFF_KEYS = frozenset(
    {"threshold", "band", "clinical_side", "respondent", "sex", "age_min", "age_max"}
)


class _ConfigReader:
    """Builds override figures from one configuration file, naming it in every error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, where: str, message: str) -> ValueError:
        return ValueError(f"{self.path}: {where}: {message}")

    def number(self, raw: Any, where: str) -> float:
        if isinstance(raw, bool) or not isinstance(raw, numbers.Real):
            raise self.error(where, f"expected a number, got {raw!r}")
        if not math.isfinite(raw):
            raise self.error(where, f"expected a finite number, got {raw!r}")
        return float(raw)

    def figure(self, raw: Any, where: str, old: Figure | None) -> Figure:
        source = f"configuration: {self.path.name}"
        verified = False
        note = ""
        if isinstance(raw, dict):
            self.known_fields(raw, _FIGURE_TABLE_KEYS, "a figure table", where)
            if "value" not in raw:
                raise self.error(where, "a figure table needs a 'value'")
            value = self.number(raw["value"], where)
            source = self.text(raw.get("source", source), f"{where}.source")
            verified = raw.get("verified", False)
            if not isinstance(verified, bool):
                raise self.error(f"{where}.verified", f"expected true or false, got {verified!r}")
            note = self.text(raw.get("note", ""), f"{where}.note")
        else:
            value = self.number(raw, where)
        if old is not None:
            replaced = f"replaces catalogue value {old.value:g} ({old.source})"
            note = f"{note}; {replaced}" if note else replaced
        return Figure(value, source, verified, note, overridden=True)

    def known_fields(
        self, table: dict[str, Any], allowed: frozenset[str], what: str, where: str
    ) -> None:
        """Refuse fields a table of this kind does not take, naming those it does."""
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.error(
                where,
                f"unknown field(s) {', '.join(unknown)}; {what} takes {', '.join(sorted(allowed))}",
            )

    def text(self, raw: Any, where: str) -> str:
        if not isinstance(raw, str):
            raise self.error(where, f"expected text, got {raw!r}")
        return raw

    def check_scalar(self, name: str, figure: Figure, where: str) -> None:
        value = figure.value
        if name == "reliability" and not 0 <= value < 1:
            raise self.error(where, f"reliability must be at least 0 and below 1, got {value:g}")
        if name in ("reference_sd", "sem", "reliable_change") and value <= 0:
            raise self.error(where, f"{name} must be positive, got {value:g}")

    def cutoffs(self, measure: Measure, raw: Any, where: str) -> tuple[Cutoff, ...]:
        entries = [raw] if isinstance(raw, dict) else raw
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise self.error(where, "expected a table or an array of tables")
        cutoffs = list(measure.clinical_cutoffs)
        for number, entry in enumerate(entries, start=1):
            here = where if isinstance(raw, dict) else f"{where}[{number}]"
            cutoffs = self.merge_cutoff(measure, cutoffs, entry, here)
        return tuple(cutoffs)

    def merge_cutoff(
        self, measure: Measure, cutoffs: list[Cutoff], entry: dict[str, Any], where: str
    ) -> list[Cutoff]:
        self.known_fields(entry, _CUTOFF_KEYS, "a cut-off", where)
        if "threshold" not in entry:
            raise self.error(where, "a cut-off needs a 'threshold'")
        given: dict[str, Any] = {"band": self.text(entry.get("band", "clinical"), f"{where}.band")}
        if "respondent" in entry:
            try:
                given["respondent"] = normalise_respondent(
                    self.text(entry["respondent"], f"{where}.respondent")
                )
            except UnknownNameError as exc:
                raise self.error(f"{where}.respondent", str(exc)) from None
        if "sex" in entry:
            given["sex"] = normalise_sex(self.text(entry["sex"], f"{where}.sex"))
            if given["sex"] is None:
                raise self.error(f"{where}.sex", f"expected male or female, got {entry['sex']!r}")
        for name in ("age_min", "age_max"):
            if name in entry:
                given[name] = self.number(entry[name], f"{where}.{name}")

        # The fields given select the catalogued cut-off to replace; none selected: a new one.
        matches = [
            i
            for i, c in enumerate(cutoffs)
            if all(getattr(c, name) == value for name, value in given.items())
        ]
        if len(matches) > 1:
            raise self.error(
                where,
                f"matches {len(matches)} cut-offs of {measure.key} "
                f"({'; '.join(cutoffs[i].label for i in matches)}); give respondent, sex, "
                "age_min or age_max to pick one",
            )
        old = cutoffs[matches[0]] if matches else None
        default_side = (
            old.clinical_side if old else ("below" if measure.higher_is_better else "above")
        )
        side = self.text(entry.get("clinical_side", default_side), f"{where}.clinical_side")
        threshold = self.figure(
            entry["threshold"], f"{where}.threshold", old.threshold if old else None
        )
        if not measure.score_min <= threshold.value <= measure.score_max:
            raise self.error(
                f"{where}.threshold",
                f"{threshold.value:g} is outside the {measure.key} range "
                f"{measure.score_min:g}–{measure.score_max:g}",
            )
        try:
            if old is None:
                cutoff = Cutoff(threshold=threshold, clinical_side=side, **given)
            else:
                cutoff = dataclasses.replace(old, threshold=threshold, clinical_side=side)
        except ValueError as exc:
            raise self.error(where, str(exc)) from None
        if old is None:
            return [*cutoffs, cutoff]
        return [cutoff if i == matches[0] else c for i, c in enumerate(cutoffs)]


def _measure_changes(
    measure: Measure, table: dict[str, Any], reader: _ConfigReader, where: str
) -> dict[str, Any]:
    """The figures of one ``[measures.<key>]`` override table, checked."""
    changes: dict[str, Any] = {}
    for figure_name, raw in table.items():
        here = f"{where}.{figure_name}"
        if figure_name in SCALAR_FIGURES:
            figure = reader.figure(raw, here, getattr(measure, figure_name))
            reader.check_scalar(figure_name, figure, here)
            changes[figure_name] = figure
        elif figure_name == "meaningful_change":
            old = measure.meaningful_change
            changes[figure_name] = (
                raw
                if isinstance(raw, str)
                else reader.figure(raw, here, old if isinstance(old, Figure) else None)
            )
        elif figure_name == "clinical_cutoffs":
            changes[figure_name] = reader.cutoffs(measure, raw, here)
        else:
            raise reader.error(
                here,
                f"unknown figure {figure_name!r}; configurable figures are "
                f"{', '.join(FIGURE_NAMES)}",
            )
    return changes


def _overridden_key(name: str, reader: _ConfigReader, seen: dict[str, str]) -> str:
    """The catalogue key an override table names, refusing input codes and repeats."""
    where = f"measures.{name}"
    try:
        key = resolve_measure(name)
    except UnknownNameError as exc:
        raise reader.error(where, f"unknown measure: {exc}") from None
    if key not in CATALOGUE:
        raise reader.error(
            where,
            f"{key} is an input-only code; configure its measure "
            f"{RAW_INPUT_CODES[key].measure} instead",
        )
    if key in seen:
        raise reader.error(where, f"{name!r} and {seen[key]!r} both name {key}")
    seen[key] = name
    return key


def load_catalogue(config: str | Path | Overrides | None = None) -> Catalogue:
    """Load the catalogue with an evaluator's overrides applied.

    The overrides file has the shape of ``measures.toml``: one ``[measures.<key>]`` table per
    measure (key, label or alias) overriding figures by name (it may also hold the other
    overridable tables of :data:`nest_eval.reference.loader.OVERRIDABLE`):

    .. code-block:: toml

        [measures.SDQ_TOTAL]
        reference_sd = { value = 5.8, source = "Local norms 2023", verified = true }
        reliability = 0.62          # bare number
        meaningful_change = "3 points (local agreement)"

        [[measures.YP_CORE.clinical_cutoffs]]
        sex = "male"
        age_min = 11
        age_max = 13
        threshold = 1.10

    - ``reliability``, ``reference_mean``, ``reference_sd``, ``sem``, ``reliable_change``: a
      bare number (source ``"configuration: <file name>"``, ``verified = false``) or a table
      ``{ value, source, verified, note }`` where only ``value`` is required (``verified``
      defaults to false). Reliability must be in [0, 1); SD, SEM and reliable change positive.
    - ``meaningful_change``: text, a bare number or a figure table.
    - ``clinical_cutoffs``: a table or an array of tables with ``threshold`` (number or figure
      table, within the measure's range) and optionally ``band`` (default ``"clinical"``),
      ``respondent``, ``sex``, ``age_min``, ``age_max``, ``clinical_side``. The band and the
      fields given select the catalogued cut-off to replace (its other fields, and its side
      unless given, are kept); a selection matching several cut-offs is an error; one matching
      none is added, its side by default ``"below"`` for measures where higher is better and
      ``"above"`` otherwise. Cut-offs cannot be removed.

    Score ranges, direction, labels and reliable-change thresholds by band
    (:attr:`Measure.reliable_change_bands`) are not configurable. Derived figures are not
    recomputed: overriding the SWEMWBS SD leaves its derived reliability as it was.

    Parameters
    ----------
    config : str, pathlib.Path, Overrides or None
        The overrides file (or its contents, read by
        :func:`nest_eval.reference.loader.read_overrides`); None gives :data:`CATALOGUE`.

    Returns
    -------
    Catalogue
        A new catalogue; overridden figures have ``overridden=True``, and the note of a replaced
        figure records the catalogue value it replaces. :data:`CATALOGUE` is never modified.

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    ValueError
        When the file is not valid TOML, names an unknown measure or figure, or gives a value
        of the wrong kind; the message names the file and the key.
    """
    overrides = config if isinstance(config, Overrides) else read_overrides(config)
    if overrides.path is None:
        return CATALOGUE
    reader = _ConfigReader(overrides.path)
    measures = dict(CATALOGUE.measures)
    changed: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for name, table in overrides.section("measures").items():
        key = _overridden_key(name, reader, seen)
        if not isinstance(table, dict):
            raise reader.error(f"measures.{name}", "expected a table of figures")
        changes = _measure_changes(measures[key], table, reader, f"measures.{name}")
        changed += [(key, figure_name) for figure_name in changes]
        measures[key] = dataclasses.replace(measures[key], **changes)
    return Catalogue(measures, config=overrides.path, overrides=tuple(changed))
