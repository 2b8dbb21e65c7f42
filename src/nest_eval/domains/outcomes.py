"""Outcomes of children and young people: change on validated measures, per RPB and for Wales.

An *episode* is one person's assessments on one measure by one respondent (self, parent,
teacher or practitioner). Its change runs from the first to the last assessment; an episode with
a single assessment is *unpaired*: counted, never dropped. An episode belongs to the reporting
year of its first assessment (the cohort that started that year), and to the RPB of its first
assessment.

Statistics
----------
- Jacobson–Truax reliable change index with the catalogue's reliability and reference SD, or
  the sample's baseline SD (:func:`reliable_change`).
- Clinically significant change with the catalogue's published cut-off, and the CORC categories
  per episode and per person (:func:`corc_categories`).
- Mean change with a t interval and the standardised mean change with its interval
  (:func:`change_summary`).
- Case-mix-adjusted change per RPB, from first to last assessment by analysis of covariance, and
  change per year from a mixed model for analysts (:mod:`nest_eval.domains.case_mix`).

:func:`outcome_cohorts` builds all of these once for the cohorts a reporting year uses
(:class:`OutcomeCohorts`), for the tables that share them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from nest_eval.domains.case_mix import (
    MIN_PAIRED_PER_RPB,
    AdjustedChange,
    ChangePerYear,
    adjusted_change,
    change_per_year,
)
from nest_eval.domains.forked import started
from nest_eval.domains.periods import DAYS_PER_YEAR, period_year
from nest_eval.reference.measures import CATALOGUE, Catalogue, Cutoff, Measure
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.stats import intervals

__all__ = [
    "CATEGORIES",
    "PAIRED_DATA_COLUMNS",
    "OutcomeCohorts",
    "change_summary",
    "corc_categories",
    "episodes",
    "indicator_records",
    "outcome_cohorts",
    "paired_data",
    "reliable_change",
]

CATEGORIES = (
    "reliable_improvement",
    "no_reliable_change",
    "reliable_deterioration",
    "reliable_recovery",
)
"""CORC outcome categories. Improvement, no change and deterioration partition the assessable
pairs; recovery is the subset of improvements that also moved out of the clinical range."""

_PERCENTAGES = (
    ("pct_reliable_improvement", "reliable_improvement"),
    ("pct_no_reliable_change", "no_reliable_change"),
    ("pct_reliable_deterioration", "reliable_deterioration"),
    ("pct_reliable_recovery", "reliable_recovery"),
)
"""Each category's percentage of the assessable pairs, and the category it is of."""

RCI_CRITICAL = 1.96
"""|RCI| above this is a reliable change (Jacobson & Truax 1991)."""

_DECIMALS = 9
"""A change and its reliable-change threshold are compared to this many decimals."""


def episodes(outcomes: pd.DataFrame, financial: bool = False) -> pd.DataFrame:
    """Pair each person's first and last assessment per measure and respondent.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        Accepted ``outcomes`` rows (ingest output): ``person_id``, ``rpb``, ``measure``,
        ``date``, ``score``, ``respondent`` and optionally ``age``, ``sex``, ``wimd_quintile``.
    financial : bool
        Cohort years are April–March financial years.

    Returns
    -------
    pandas.DataFrame
        One row per episode: ``person_id``, ``measure``, ``respondent``, ``rpb`` (at the first
        assessment), ``cohort`` (reporting year of the first assessment), ``n_assessments``,
        ``first_date``, ``last_date``, ``first_score``, ``last_score``, ``change`` (last −
        first; NaN when unpaired), ``followup_years``, ``paired``, ``age0`` (age at the first
        assessment), ``sex``, ``wimd_quintile`` (first recorded).
    """
    keys = ["person_id", "measure", "respondent"]
    read = [*keys, "rpb", "date", "score", "age", "sex", "wimd_quintile"]
    data = outcomes[[c for c in read if c in outcomes.columns]]  # no other column is taken
    data = data.sort_values([*keys, "date"], kind="stable")
    for column in ("age", "sex", "wimd_quintile"):
        if column not in data:
            data = data.assign(**{column: pd.NA})
    grouped = data.groupby(keys, sort=True, observed=True)
    table = grouped.agg(
        rpb=("rpb", "first"),
        n_assessments=("score", "size"),
        first_date=("date", "first"),
        last_date=("date", "last"),
        first_score=("score", "first"),
        last_score=("score", "last"),
        age0=("age", "first"),
        sex=("sex", "first"),
        wimd_quintile=("wimd_quintile", "first"),
    ).reset_index()
    table["paired"] = table["n_assessments"] >= 2
    table["change"] = (table["last_score"] - table["first_score"]).where(table["paired"])
    table["followup_years"] = (table["last_date"] - table["first_date"]).dt.days / DAYS_PER_YEAR
    table["cohort"] = period_year(table["first_date"], financial)
    return table


@dataclass(frozen=True)
class _ChangeFigures:
    """The figures used for one measure and respondent's reliable change."""

    sd: float
    sd_source: str
    reliability: float
    threshold: float
    threshold_source: str


def _change_figures(measure: Measure, baseline: pd.Series, sd: str) -> _ChangeFigures | None:
    """Choose SD and reliability (or a published threshold) for the reliable change index.

    These are the measure's unbanded figures, for children in none of its reliable-change bands
    (:func:`_band_figures`).
    """
    sample_sd = float(baseline.std(ddof=1)) if baseline.count() >= 2 else np.nan
    if sd == "sample" or measure.reference_sd is None:
        sd_value, sd_source = sample_sd, f"sample baseline SD (n = {int(baseline.count())})"
    else:
        sd_value, sd_source = (
            measure.reference_sd.value,
            f"catalogue: {measure.reference_sd.source}",
        )
    if measure.reliability is not None and np.isfinite(sd_value):
        r = measure.reliability.value
        s_diff = np.sqrt(2.0) * sd_value * np.sqrt(1.0 - r)
        return _ChangeFigures(
            sd_value,
            sd_source,
            r,
            RCI_CRITICAL * s_diff,
            "Jacobson–Truax: 1.96 × √2 × SD × √(1 − r)",
        )
    if measure.reliable_change is not None:
        return _ChangeFigures(
            np.nan,
            "",
            np.nan,
            measure.reliable_change.value,
            f"published threshold: {measure.reliable_change.source}",
        )
    return None


def _band_figures(
    measure: Measure, respondent: str, sex: str | None, age: float | None
) -> _ChangeFigures | None:
    """The published reliable-change threshold of this respondent, sex and age's band, if any."""
    band = measure.reliable_change_band(respondent, sex, age)
    if band is None:
        return None
    return _ChangeFigures(
        np.nan,
        "",
        np.nan,
        band.threshold.value,
        f"published threshold ({band.label}): {band.threshold.source}",
    )


def reliable_change(
    episode_table: pd.DataFrame, catalogue: Catalogue = CATALOGUE, sd: str = "reference"
) -> pd.DataFrame:
    """Jacobson–Truax reliable change and clinically significant change for paired episodes.

    The reliable change index is RCI = (x₂ − x₁) / S_diff with S_diff = √2 · SD · √(1 − r); a
    change is reliable where |RCI| > 1.96. SD is the catalogue's reference SD, or the sample's
    baseline SD when ``sd="sample"`` or when the catalogue has none (the sample SD is then that
    of the first scores of the paired episodes passed in, per measure and respondent). Where the
    catalogue has no reliability but a published reliable-change threshold, that threshold is
    used; with neither, the pair is ``not assessable``. Where the catalogue publishes
    thresholds by band (YP-CORE by sex and age band), the threshold of the band of the
    episode's respondent, sex and age at first assessment is used ahead of these; an episode in
    no band gets the measure's unbanded figures (the sample SD is still that of every paired
    episode of the measure and respondent). A change is reliable where its size exceeds the
    threshold (|RCI| > 1.96), compared after rounding to 9 decimals so that a change equal to
    the threshold is never reliable by floating-point error. Direction comes from the measure:
    for "higher is worse" measures a reliable fall is an improvement.

    Clinically significant change uses the catalogue's published clinical cut-off for the
    measure, respondent, sex and age at first assessment (Jacobson–Truax criterion *c* needs
    functional norms the catalogue does not hold): the episode moved from the clinical to the
    non-clinical range.

    Parameters
    ----------
    episode_table : pandas.DataFrame
        Output of :func:`episodes` (unpaired episodes are carried through, not assessed).
    catalogue : Catalogue
        Measures catalogue (figures may be overridden by the evaluator).
    sd : {"reference", "sample"}
        Which SD the index uses.

    Returns
    -------
    pandas.DataFrame
        The episodes with ``rci``, ``rc_threshold``, ``sd_used``, ``sd_source``,
        ``reliability_used``, ``threshold_source``, ``category`` (``reliable_improvement``,
        ``no_reliable_change``, ``reliable_deterioration``, ``not_assessable`` or ``unpaired``),
        ``clinical_before``, ``clinical_after`` (NaN where no cut-off applies),
        ``clinically_significant`` and ``reliable_recovery``.

    References
    ----------
    Jacobson NS, Truax P (1991). Clinical significance: a statistical approach to defining
    meaningful change in psychotherapy research. J Consult Clin Psychol 59:12–19.
    Christensen L, Mendoza JL (1986). A method of assessing change in a single subject: an
    alteration of the RC index. Behav Ther 17:305–308.
    Twigg E, et al. (2016). Acceptability, reliability, referential distributions and
    sensitivity to change in the YP-CORE outcome measure: replication and refinement. Child
    Adolesc Ment Health 21(2):115–123 (reliable change indices by sex and age band).
    Wolpert M, et al. (2016). Child- and parent-reported outcomes and experience from child and
    young people's mental health services 2011–2015. CORC.
    """
    if sd not in ("reference", "sample"):
        raise ValueError(f"sd must be 'reference' or 'sample', not {sd!r}")
    table = episode_table.copy()
    paired = table["paired"].to_numpy()
    assessment = _Assessment.empty(len(table))
    for (measure_key, respondent), index in table.groupby(
        ["measure", "respondent"], sort=True
    ).indices.items():
        rows = index[paired[index]]
        if len(rows) == 0:
            continue
        measure = catalogue[measure_key]
        unbanded = _change_figures(measure, table["first_score"].iloc[rows], sd)
        for (sex, age), positions in _band_groups(table.iloc[rows]).items():
            target = rows[positions]
            figures = _band_figures(measure, respondent, sex, age) or unbanded
            if figures is not None:
                change = table["change"].to_numpy()[target]
                assessment.assess_reliable(target, figures, change, measure.higher_is_better)
            cutoff = measure.clinical_threshold(respondent, sex, age)
            if cutoff is not None:
                assessment.assess_clinical(table, target, cutoff)
    for name, values in assessment.columns(paired).items():
        table[name] = values
    return table


@dataclass
class _Assessment:
    """Reliable and clinically significant change of every episode, filled in by group."""

    rci: np.ndarray
    threshold: np.ndarray
    sd_used: np.ndarray
    reliability: np.ndarray
    sd_source: np.ndarray
    threshold_source: np.ndarray
    improved: np.ndarray
    deteriorated: np.ndarray
    assessable: np.ndarray
    clinical_before: np.ndarray
    clinical_after: np.ndarray

    @classmethod
    def empty(cls, n: int) -> _Assessment:
        """Nothing assessed yet for ``n`` episodes."""
        return cls(
            rci=np.full(n, np.nan),
            threshold=np.full(n, np.nan),
            sd_used=np.full(n, np.nan),
            reliability=np.full(n, np.nan),
            sd_source=np.full(n, "", dtype=object),
            threshold_source=np.full(n, "", dtype=object),
            improved=np.zeros(n, dtype=bool),
            deteriorated=np.zeros(n, dtype=bool),
            assessable=np.zeros(n, dtype=bool),
            clinical_before=np.full(n, np.nan),
            clinical_after=np.full(n, np.nan),
        )

    def assess_reliable(
        self, rows: np.ndarray, figures: _ChangeFigures, change: np.ndarray, higher_is_better: bool
    ) -> None:
        """Reliable change of the paired episodes at ``rows`` (one measure and respondent)."""
        self.threshold[rows] = figures.threshold
        self.sd_used[rows] = figures.sd
        self.reliability[rows] = figures.reliability
        self.sd_source[rows] = figures.sd_source
        self.threshold_source[rows] = figures.threshold_source
        self.rci[rows] = change / (figures.threshold / RCI_CRITICAL)
        reliable = np.round(np.abs(change) - figures.threshold, _DECIMALS) > 0
        better = change > 0 if higher_is_better else change < 0
        self.improved[rows] = reliable & better
        self.deteriorated[rows] = reliable & ~better
        self.assessable[rows] = True

    def assess_clinical(self, table: pd.DataFrame, rows: np.ndarray, cutoff: Cutoff) -> None:
        """Clinical range at the first and last assessment of the episodes at ``rows``."""
        self.clinical_before[rows] = cutoff.in_band(table["first_score"].to_numpy()[rows])
        self.clinical_after[rows] = cutoff.in_band(table["last_score"].to_numpy()[rows])

    def columns(self, paired: np.ndarray) -> dict[str, np.ndarray]:
        """The columns :func:`reliable_change` adds, in order."""
        category = np.where(
            ~paired,
            "unpaired",
            np.where(
                ~self.assessable,
                "not_assessable",
                np.where(
                    self.improved,
                    "reliable_improvement",
                    np.where(self.deteriorated, "reliable_deterioration", "no_reliable_change"),
                ),
            ),
        )
        crossed = (self.clinical_before == 1) & (self.clinical_after == 0)
        return {
            "rci": self.rci,
            "rc_threshold": self.threshold,
            "sd_used": self.sd_used,
            "sd_source": self.sd_source,
            "reliability_used": self.reliability,
            "threshold_source": self.threshold_source,
            "category": category,
            "clinical_before": self.clinical_before,
            "clinical_after": self.clinical_after,
            "clinically_significant": crossed,
            "reliable_recovery": self.improved & crossed,
        }


def _band_groups(sub: pd.DataFrame) -> dict[tuple[str | None, float | None], np.ndarray]:
    """Positions of ``sub`` grouped by (sex, age at first assessment) as bands need them."""
    sex = sub["sex"].astype(object).where(sub["sex"].notna(), None).to_numpy()
    age = pd.to_numeric(sub["age0"], errors="coerce").to_numpy(dtype=float)
    # Bands use completed years: group by the whole year of age to look them up once.
    sex_codes, sexes = pd.factorize(sex)  # -1: not recorded
    age_codes, ages = pd.factorize(np.floor(age))
    combined = (sex_codes + 1) * (len(ages) + 1) + (age_codes + 1)
    order = np.argsort(combined, kind="stable")
    keys, starts = np.unique(combined[order], return_index=True)
    groups = {}
    for key, positions in zip(keys, np.split(order, starts[1:]), strict=True):
        s, a = divmod(int(key), len(ages) + 1)
        groups[(sexes[s - 1] if s else None, float(ages[a - 1]) if a else None)] = positions
    return groups


def corc_categories(assessed: pd.DataFrame) -> pd.DataFrame:
    """CORC outcome category per person across the measures they completed.

    A person shows **reliable improvement** when at least one measure improved reliably and
    none deteriorated reliably; **reliable deterioration** when at least one deteriorated
    reliably; **no reliable change** otherwise; **reliable recovery** when they show reliable
    improvement and moved from the clinical to the non-clinical range on an improved measure.
    People with no assessable pair are ``not_assessable``.

    Parameters
    ----------
    assessed : pandas.DataFrame
        Output of :func:`reliable_change`.

    Returns
    -------
    pandas.DataFrame
        One row per person: ``person_id``, ``rpb``, ``cohort``, ``n_measures`` (assessable
        pairs), ``category``, ``reliable_recovery``.

    References
    ----------
    Child Outcomes Research Consortium (CORC), outcome indices: reliable improvement, reliable
    deterioration and reliable recovery.
    """
    data = assessed.loc[assessed["category"].isin(CATEGORIES[:3])]
    flags = pd.DataFrame(
        {
            "person_id": data["person_id"],
            "improved": data["category"] == "reliable_improvement",
            "deteriorated": data["category"] == "reliable_deterioration",
            "recovered": data["reliable_recovery"].astype(bool),
        }
    )
    per_person = flags.groupby("person_id", sort=True).agg(
        n_measures=("improved", "size"),
        any_improved=("improved", "any"),
        any_deteriorated=("deteriorated", "any"),
        any_recovered=("recovered", "any"),
    )
    first = assessed.sort_values("first_date").groupby("person_id", sort=True)[["rpb", "cohort"]]
    people = first.first().join(per_person, how="left")
    people["n_measures"] = people["n_measures"].fillna(0).astype("int64")
    improved = people["any_improved"].fillna(False).astype(bool)
    deteriorated = people["any_deteriorated"].fillna(False).astype(bool)
    people["category"] = np.select(
        [people["n_measures"] == 0, deteriorated, improved],
        ["not_assessable", "reliable_deterioration", "reliable_improvement"],
        default="no_reliable_change",
    )
    people["reliable_recovery"] = (people["category"] == "reliable_improvement") & people[
        "any_recovered"
    ].fillna(False).astype(bool)
    return people.reset_index()[
        ["person_id", "rpb", "cohort", "n_measures", "category", "reliable_recovery"]
    ]


def change_summary(assessed: pd.DataFrame) -> pd.DataFrame:
    """Change per RPB (and Wales), measure and respondent: counts, means and categories.

    Parameters
    ----------
    assessed : pandas.DataFrame
        Output of :func:`reliable_change` for the episodes of one cohort year.

    Returns
    -------
    pandas.DataFrame
        One row per ``rpb`` (the 7 in order, then ``Wales``), ``measure`` and ``respondent``
        with episodes: ``n_pairs``, ``n_unpaired``, ``mean_change`` with its t interval
        (``mean_change_ci_low``, ``mean_change_ci_high``), ``sd_change``,
        ``mean_baseline``, ``sd_baseline``, the standardised mean change ``smc`` with its
        interval, the counts of the four CORC categories and ``n_not_assessable``, their
        percentages of the assessable pairs (``pct_…``), and the figures used
        (``rc_threshold``, ``sd_source``, ``threshold_source``).

    Notes
    -----
    The standardised mean change uses the baseline SD of the pairs and the pre–post
    correlation (Becker 1988), computed by
    :func:`nest_eval.stats.intervals.standardised_mean_change`.

    References
    ----------
    Becker BJ (1988). Synthesizing standardized mean-change measures. Br J Math Stat Psychol
    41:257–278.
    """
    assessed = assessed[[c for c in _SUMMARISED if c in assessed.columns]]  # no other taken
    summarised: dict[str, dict[tuple[str, str], dict[str, object]]] = {}
    for (rpb, *of), group in assessed.groupby(["rpb", "measure", "respondent"], sort=True):
        summarised.setdefault(rpb, {})[tuple(of)] = _summarise_group(group)  # one at a time
    for of, group in assessed.groupby(["measure", "respondent"], sort=True):
        summarised.setdefault(WALES, {})[of] = _summarise_group(group)
    frames = [
        {"rpb": rpb_value, "measure": measure, "respondent": respondent, **summary}
        for rpb_value in (*RPB_NAMES, WALES)
        for (measure, respondent), summary in summarised.get(rpb_value, {}).items()
    ]
    columns = ["rpb", "measure", "respondent"]
    return pd.DataFrame(frames) if frames else pd.DataFrame(columns=columns)


_SUMMARISED = (
    *("rpb", "measure", "respondent", "paired", "change", "first_score", "last_score"),
    *("category", "reliable_recovery", "rc_threshold", "sd_source", "threshold_source"),
)
"""The columns of the assessed episodes :func:`change_summary` reads."""


def _summarise_group(group: pd.DataFrame) -> dict[str, object]:
    pairs = group.loc[group["paired"]]
    n_pairs = len(pairs)
    out: dict[str, object] = {"n_pairs": n_pairs, "n_unpaired": int((~group["paired"]).sum())}
    change = pairs["change"].to_numpy(dtype=float)
    if n_pairs >= 2:
        mean, low, high = intervals.mean_interval(change)
        smc, smc_low, smc_high, _ = intervals.standardised_mean_change(
            pairs["first_score"].to_numpy(dtype=float), pairs["last_score"].to_numpy(dtype=float)
        )
    else:
        mean = float(change.mean()) if n_pairs else np.nan
        low = high = smc = smc_low = smc_high = np.nan
    out.update(
        mean_change=mean,
        mean_change_ci_low=low,
        mean_change_ci_high=high,
        sd_change=float(change.std(ddof=1)) if n_pairs >= 2 else np.nan,
        mean_baseline=float(pairs["first_score"].mean()) if n_pairs else np.nan,
        sd_baseline=float(pairs["first_score"].std(ddof=1)) if n_pairs >= 2 else np.nan,
        smc=smc,
        smc_ci_low=smc_low,
        smc_ci_high=smc_high,
    )
    counts = pairs["category"].value_counts()
    assessable = int(sum(counts.get(c, 0) for c in CATEGORIES[:3]))
    for name in CATEGORIES[:3]:
        out[name] = int(counts.get(name, 0))
    out["reliable_recovery"] = int(pairs["reliable_recovery"].sum())
    out["n_not_assessable"] = int(counts.get("not_assessable", 0))
    for percentage, name in _PERCENTAGES:
        out[percentage] = 100.0 * out[name] / assessable if assessable else np.nan
    first = pairs.iloc[0] if n_pairs else None
    out["rc_threshold"] = float(first["rc_threshold"]) if first is not None else np.nan
    out["sd_source"] = first["sd_source"] if first is not None else ""
    out["threshold_source"] = first["threshold_source"] if first is not None else ""
    return out


def indicator_records(
    assessed: pd.DataFrame, groups: Iterable[tuple[str, str]]
) -> list[dict[str, object]]:
    """The mean change and the share with reliable improvement of some episodes, per measure.

    The statistics of :func:`change_summary` that distance travelled reports, for any set of
    episodes (a group of children of a breakdown): indicator ``mean_change`` (``n`` pairs, the
    mean change with its Student t interval) and ``share_reliable_improvement`` (``n``
    assessable pairs, ``count`` with reliable improvement, the share with its Wilson interval).

    Parameters
    ----------
    assessed : pandas.DataFrame
        Output of :func:`reliable_change` (any subset of one cohort's episodes).
    groups : iterable of (str, str)
        The measures and respondents to give, each whether or not ``assessed`` has episodes of
        it (a row with ``n`` 0), so that groups of a breakdown add up to the total.

    Returns
    -------
    list of dict
        ``indicator``, ``measure``, ``respondent``, ``n``, ``count``, ``value``, ``ci_low``,
        ``ci_high`` (NaN where undefined: a mean of fewer than 2 pairs has no interval).

    References
    ----------
    Wilson EB (1927). Probable inference, the law of succession, and statistical inference.
    J Am Stat Assoc 22:209–212.
    Jacobson NS, Truax P (1991). J Consult Clin Psychol 59:12–19 (reliable change).
    """
    paired = assessed.loc[assessed["paired"]]
    by_group = dict(iter(paired.groupby(["measure", "respondent"], sort=True)))
    records: list[dict[str, object]] = []
    for measure, respondent in groups:
        pairs = by_group.get((measure, respondent), paired.iloc[:0])
        of = {"measure": measure, "respondent": respondent}
        change = pairs["change"].to_numpy(dtype=float)
        if len(change) >= 2:
            mean, low, high = intervals.mean_interval(change)
        else:
            mean, low, high = (float(change.mean()) if len(change) else np.nan), np.nan, np.nan
        records.append({"indicator": "mean_change", **of, "n": len(change), "count": np.nan,
                        "value": mean, "ci_low": low, "ci_high": high})  # fmt: skip
        assessable = int(pairs["category"].isin(CATEGORIES[:3]).sum())
        improved = int((pairs["category"] == "reliable_improvement").sum())
        low, high = intervals.wilson_interval(improved, assessable) if assessable else (np.nan,) * 2
        records.append(
            {"indicator": "share_reliable_improvement", **of, "n": assessable, "count": improved,
             "value": improved / assessable if assessable else np.nan, "ci_low": low,
             "ci_high": high}
        )  # fmt: skip
    return records


PAIRED_DATA_COLUMNS = ("rpb", "indicator", "estimate", "ci_low", "ci_high", "n", "count")
"""Columns of :func:`paired_data`."""


def paired_data(assessed: pd.DataFrame) -> pd.DataFrame:
    """The paired data rate: the share of children with a follow-up assessment, per RPB.

    CORC's first data-quality figure: of the children with any assessment, the share with at
    least two assessments on a measure (by one respondent), i.e. with a pair from which change
    can be measured. A low rate means the change reported rests on a few of the children seen,
    who may not be like the others. Counted over the children of a cohort (those with an
    episode whose first assessment fell in the year), each in the RPB of their first
    assessment; a child with several measures is one child, followed up if any measure is.

    Parameters
    ----------
    assessed : pandas.DataFrame
        :func:`episodes` (or :func:`reliable_change`) of one cohort.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PAIRED_DATA_COLUMNS`, one row per RPB with children and for Wales:
        ``indicator`` ``paired_data_rate``, ``n`` children, ``count`` children with a pair,
        ``estimate`` the rate with its Wilson interval.

    References
    ----------
    Wolpert M, Jacob J, Napoleone E, Whale A, Calderon A, Edbrooke-Childs J (2016).
    *Child- and Parent-reported Outcomes and Experience from Child and Young People's Mental
    Health Services 2011–2015*. CORC (the percentage of cases with paired outcome data).
    Wilson EB (1927). J Am Stat Assoc 22:209–212.

    Examples
    --------
    >>> episodes = pd.DataFrame({
    ...     "person_id": ["a", "a", "b", "c"], "measure": ["GBO", "SDQ_TOTAL", "GBO", "GBO"],
    ...     "respondent": "self", "rpb": ["Powys", "Powys", "Powys", "Gwent"],
    ...     "first_date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-05", "2025-03-01"]),
    ...     "paired": [False, True, False, True]})
    >>> paired_data(episodes)[["rpb", "n", "count"]].values.tolist()
    [['Gwent', 1, 1], ['Powys', 2, 1], ['Wales', 3, 2]]
    """
    ordered = assessed.sort_values(["person_id", "first_date", "measure", "respondent"])
    children = ordered.groupby("person_id", sort=True).agg(
        rpb=("rpb", "first"), followed=("paired", "any")
    )
    rows = []
    for rpb in (*RPB_NAMES, WALES):
        scope = children if rpb == WALES else children[children["rpb"] == rpb]
        if scope.empty and rpb != WALES:
            continue
        n, followed = len(scope), int(scope["followed"].sum())
        low, high = intervals.wilson_interval(followed, n) if n else (np.nan, np.nan)
        rate = followed / n if n else np.nan
        rows.append((rpb, "paired_data_rate", rate, low, high, n, followed))
    return pd.DataFrame(rows, columns=list(PAIRED_DATA_COLUMNS))


@dataclass(frozen=True)
class OutcomeCohorts:
    """The outcome statistics of the cohorts a reporting year uses, each built once.

    Attributes
    ----------
    episodes : pandas.DataFrame
        :func:`episodes` of every assessment (all cohorts).
    assessed : mapping of int to pandas.DataFrame
        :func:`reliable_change` of each cohort's episodes, by cohort year.
    summaries : mapping of int to pandas.DataFrame
        :func:`change_summary` of each cohort, by cohort year.
    adjusted : mapping of (int, str, str) to AdjustedChange
        :func:`~nest_eval.domains.case_mix.adjusted_change` (ANCOVA) by cohort, measure and
        respondent, each cohort's in key order (empty when the models were not fitted).
    per_year : mapping of (int, str, str) to ChangePerYear
        :func:`~nest_eval.domains.case_mix.change_per_year` (mixed model) by cohort, measure and
        respondent, for the cohorts it was asked for.
    """

    episodes: pd.DataFrame
    assessed: Mapping[int, pd.DataFrame]
    summaries: Mapping[int, pd.DataFrame]
    adjusted: Mapping[tuple[int, str, str], AdjustedChange]
    per_year: Mapping[tuple[int, str, str], ChangePerYear]

    def cohort_adjusted(self, cohort: int) -> list[AdjustedChange]:
        """The adjusted-change models (ANCOVA) of one cohort, in key order."""
        return [fit for (year, _, _), fit in self.adjusted.items() if year == cohort]

    def cohort_per_year(self, cohort: int) -> list[ChangePerYear]:
        """The change-per-year models (mixed) of one cohort, in key order."""
        return [fit for (year, _, _), fit in self.per_year.items() if year == cohort]


def outcome_cohorts(
    outcomes: pd.DataFrame,
    cohorts: Iterable[int],
    catalogue: Catalogue = CATALOGUE,
    sd: str = "reference",
    financial: bool = False,
    fit_models: bool = True,
    min_paired: int = MIN_PAIRED_PER_RPB,
    per_year_cohorts: Iterable[int] | None = None,
    fork: bool = False,
    episode_table: pd.DataFrame | None = None,
) -> OutcomeCohorts:
    """Episodes, reliable change, change summaries and the models of some cohorts, once.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        Accepted ``outcomes`` rows.
    cohorts : iterable of int
        The cohort years needed (each is built once, however often it is named).
    catalogue : Catalogue
        Measures catalogue (with any evaluator overrides).
    sd : {"reference", "sample"}
        SD used by the reliable change index.
    financial : bool
        April–March cohort years.
    fit_models : bool
        Fit the case-mix models of each cohort
        (:func:`~nest_eval.domains.case_mix.adjusted_change`, and
        :func:`~nest_eval.domains.case_mix.change_per_year` for ``per_year_cohorts``).
    min_paired : int
        Fewest paired children for an RPB to be kept in a model
        (:func:`~nest_eval.domains.case_mix.min_paired_for`).
    per_year_cohorts : iterable of int, optional
        The cohorts whose mixed models are fitted; default every cohort.
    fork : bool, default False
        Fit the mixed models, and summarise the changes, in forked child processes while this
        one computes the rest (:mod:`nest_eval.domains.forked`). The results are the same
        either way.
    episode_table : pandas.DataFrame, optional
        :func:`episodes` of ``outcomes`` with ``financial``, when already computed.

    Returns
    -------
    OutcomeCohorts
    """
    if episode_table is None:
        episode_table = episodes(outcomes, financial)
    years = sorted({int(cohort) for cohort in cohorts})
    mixed = years if per_year_cohorts is None else sorted({int(y) for y in per_year_cohorts})
    mixed = mixed if fit_models else []
    mixed_models = started(
        lambda: _mixed_models(outcomes, episode_table, mixed, min_paired), fork and bool(mixed)
    )
    try:
        assessed = {
            year: reliable_change(episode_table[episode_table["cohort"] == year], catalogue, sd)
            for year in years
        }
        summarised = started(
            lambda: {year: change_summary(a) for year, a in assessed.items()}, fork
        )
        try:
            adjusted = _adjusted_fits(episode_table, years if fit_models else [], min_paired)
        finally:
            summaries = summarised()  # waited for in every case
    finally:
        per_year = mixed_models()  # waited for in every case
    return OutcomeCohorts(
        episodes=episode_table,
        assessed=MappingProxyType(assessed),
        summaries=MappingProxyType(summaries),
        adjusted=MappingProxyType(adjusted),
        per_year=MappingProxyType(per_year),
    )


def _adjusted_fits(
    episode_table: pd.DataFrame, years: list[int], min_paired: int
) -> dict[tuple[int, str, str], AdjustedChange]:
    """The case-mix-adjusted models (ANCOVA) of some cohorts, by cohort, measure and respondent."""
    adjusted: dict[tuple[int, str, str], AdjustedChange] = {}
    for year in years:
        for fit in adjusted_change(episode_table, year, min_paired_per_rpb=min_paired):
            adjusted[(year, fit.measure, fit.respondent)] = fit
    return adjusted


def _mixed_models(
    outcomes: pd.DataFrame, episode_table: pd.DataFrame, years: list[int], min_paired: int
) -> dict[tuple[int, str, str], ChangePerYear]:
    """The change-per-year mixed models of some cohorts, by cohort, measure and respondent."""
    per_year: dict[tuple[int, str, str], ChangePerYear] = {}
    for year in years:
        for model in change_per_year(outcomes, episode_table, year, min_paired_per_rpb=min_paired):
            per_year[(year, model.measure, model.respondent)] = model
    return per_year
