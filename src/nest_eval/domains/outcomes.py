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
- Case-mix-adjusted change per RPB from a linear mixed model on all of each child's assessments
  (:func:`adjusted_change`).

:func:`outcome_cohorts` builds all of these once for the cohorts a reporting year uses
(:class:`OutcomeCohorts`), for the tables that share them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from nest_eval.domains.periods import period_year
from nest_eval.reference.measures import CATALOGUE, Catalogue, Measure
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.stats import intervals
from nest_eval.stats.mixed_model import RandomInterceptFit, aliased_columns, fit_random_intercept

__all__ = [
    "CATEGORIES",
    "MIN_CHILDREN_PER_MODEL",
    "MIN_PAIRED_PER_RPB",
    "MODEL_SPECIFICATION",
    "PAIRED_DATA_COLUMNS",
    "AdjustedChange",
    "OutcomeCohorts",
    "adjusted_change",
    "change_summary",
    "corc_categories",
    "episodes",
    "indicator_records",
    "min_paired_for",
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

_Z95 = 1.959963984540054
RCI_CRITICAL = 1.96
"""|RCI| above this is a reliable change (Jacobson & Truax 1991)."""
DAYS_PER_YEAR = 365.25


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
    data = outcomes.sort_values([*keys, "date"], kind="stable")
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


def _change_figures(
    measure_key: str, baseline: pd.Series, catalogue: Catalogue, sd: str
) -> _ChangeFigures | None:
    """Choose SD and reliability (or a published threshold) for the reliable change index."""
    measure = catalogue[measure_key]
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


def reliable_change(
    episode_table: pd.DataFrame, catalogue: Catalogue = CATALOGUE, sd: str = "reference"
) -> pd.DataFrame:
    """Jacobson–Truax reliable change and clinically significant change for paired episodes.

    The reliable change index is RCI = (x₂ − x₁) / S_diff with S_diff = √2 · SD · √(1 − r); a
    change is reliable where |RCI| > 1.96. SD is the catalogue's reference SD, or the sample's
    baseline SD when ``sd="sample"`` or when the catalogue has none (the sample SD is then that
    of the first scores of the paired episodes passed in, per measure and respondent). Where the
    catalogue has no reliability but a published reliable-change threshold, that threshold is
    used; with neither, the pair is ``not assessable``. Direction comes from the measure: for
    "higher is worse" measures a reliable fall is an improvement.

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
        figures = _change_figures(measure_key, table["first_score"].iloc[rows], catalogue, sd)
        if figures is not None:
            change = table["change"].to_numpy()[rows]
            assessment.assess_reliable(rows, figures, change, measure.higher_is_better)
        assessment.assess_clinical(table, rows, measure, respondent)
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
        reliable = np.abs(change) > figures.threshold
        better = change > 0 if higher_is_better else change < 0
        self.improved[rows] = reliable & better
        self.deteriorated[rows] = reliable & ~better
        self.assessable[rows] = True

    def assess_clinical(
        self, table: pd.DataFrame, rows: np.ndarray, measure: Measure, respondent: str
    ) -> None:
        """Clinical range at the first and last assessment, where a cut-off applies."""
        for (sex, age_band), sub_rows in _cutoff_groups(table.iloc[rows]).items():
            cutoff = measure.clinical_threshold(respondent, sex, age_band)
            if cutoff is None:
                continue
            target = rows[sub_rows]
            self.clinical_before[target] = cutoff.in_band(table["first_score"].to_numpy()[target])
            self.clinical_after[target] = cutoff.in_band(table["last_score"].to_numpy()[target])

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


def _cutoff_groups(sub: pd.DataFrame) -> dict[tuple[object, object], np.ndarray]:
    """Positions of ``sub`` grouped by (sex, age) as the cut-offs need them."""
    sex = sub["sex"].astype(object).where(sub["sex"].notna(), None).to_numpy()
    age = pd.to_numeric(sub["age0"], errors="coerce").to_numpy(dtype=float)
    # Cut-offs use completed years: group by the whole year of age to look them up once.
    whole = np.floor(age)
    groups: dict[tuple[object, object], list[int]] = {}
    for position, (s, a) in enumerate(zip(sex, whole, strict=True)):
        key = (s, None if np.isnan(a) else float(a))
        groups.setdefault(key, []).append(position)
    return {k: np.asarray(v) for k, v in groups.items()}


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
    frames = []
    for rpb_value, scope in [
        *((r, assessed[assessed["rpb"] == r]) for r in RPB_NAMES),
        (WALES, assessed),
    ]:
        if scope.empty:
            continue
        for (measure, respondent), group in scope.groupby(["measure", "respondent"], sort=True):
            frames.append(
                {
                    "rpb": rpb_value,
                    "measure": measure,
                    "respondent": respondent,
                    **_summarise_group(group),
                }
            )
    columns = ["rpb", "measure", "respondent"]
    return pd.DataFrame(frames) if frames else pd.DataFrame(columns=columns)


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


MODEL_SPECIFICATION = (
    "score_ij = a_rpb(i) + b_rpb(i) * t_ij + c * age0_i + d_sex(i) + e_wimd(i) + u_i + e_ij, "
    "u_i ~ N(0, s2_child), e_ij ~ N(0, s2); t_ij = years since child i's first assessment on the "
    "measure; age0 = age at first assessment; sex and WIMD quintile as factors; fitted by REML "
    "on every assessment of the children whose first assessment fell in the year. b_rpb is the "
    "RPB's case-mix-adjusted change per year; Wales is the average of the b_rpb weighted by "
    "paired children. A covariate column aliased with earlier ones in a model is dropped, as "
    "lme4 does. R: lmer(score ~ 0 + rpb + rpb:t + age0 + sex + factor(wimd) + (1 | child))"
)
"""The case-mix-adjusted model, as printed in the reports' methods section."""


MIN_CHILDREN_PER_MODEL = 30
"""Fewest children in the cohort for a measure and respondent to be modelled."""

MIN_PAIRED_PER_RPB = 5
"""Fewest children with two or more assessments for an RPB to be kept in a model, below any
disclosure threshold (:func:`min_paired_for`)."""


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
class AdjustedChange:
    """Result of :func:`adjusted_change` for one measure and respondent.

    Attributes
    ----------
    table : pandas.DataFrame
        Per RPB (and Wales): ``adjusted_change_per_year``, ``se``, ``ci_low``, ``ci_high``,
        ``n_children``, ``n_children_paired``, ``n_obs``.
    sigma2, sigma2_child : float
        Residual and between-child variances.
    n_obs, n_children : int
        Observations and children in the model.
    n_excluded_children : int
        Children left out for a missing covariate.
    excluded_rpbs : tuple of str
        RPBs with too few paired children to estimate their change.
    converged : bool
        Whether the REML optimisation converged.
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


def _design(data: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Design matrix of :data:`MODEL_SPECIFICATION` (treatment coding, first level reference)."""
    columns: list[np.ndarray] = []
    names: list[str] = []
    rpb = data["rpb"].to_numpy()
    rpbs = [r for r in RPB_NAMES if (rpb == r).any()]
    t = data["t"].to_numpy(dtype=float)
    for r in rpbs:
        columns.append((rpb == r).astype(float))
        names.append(f"rpb[{r}]")
    for r in rpbs:
        columns.append((rpb == r) * t)
        names.append(f"rpb[{r}]:t")
    columns.append(data["age0"].to_numpy(dtype=float))
    names.append("age0")
    for factor in ("sex", "wimd_quintile"):
        values = data[factor].astype(str).to_numpy()
        for level in sorted(set(values))[1:]:
            columns.append((values == level).astype(float))
            names.append(f"{factor}[{level}]")
    return np.column_stack(columns), names


def adjusted_change(
    outcomes: pd.DataFrame,
    episode_table: pd.DataFrame,
    cohort: int,
    min_children: int = MIN_CHILDREN_PER_MODEL,
    min_paired_per_rpb: int = MIN_PAIRED_PER_RPB,
) -> list[AdjustedChange]:
    """Case-mix-adjusted change per RPB from a random-intercept linear mixed model.

    For each measure and respondent with at least ``min_children`` children in the cohort, the
    model of :data:`MODEL_SPECIFICATION` is fitted by exact REML
    (:func:`nest_eval.stats.mixed_model.fit_random_intercept`) on all of each child's assessments.
    RPBs with fewer than ``min_paired_per_rpb`` paired children are left out of that model
    (their children too) and named in ``excluded_rpbs``; children with a missing covariate are
    left out and counted.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        Accepted ``outcomes`` rows.
    episode_table : pandas.DataFrame
        Output of :func:`episodes` for the same rows.
    cohort : int
        The cohort (reporting) year.
    min_children : int
        Fewest children for a measure to be modelled.
    min_paired_per_rpb : int
        Fewest paired children for an RPB's change to be estimated.

    Returns
    -------
    list of AdjustedChange
        One per measure and respondent modelled, in catalogue-key order.

    References
    ----------
    Laird NM, Ware JH (1982). Random-effects models for longitudinal data. Biometrics
    38:963–974.
    Bates D, Mächler M, Bolker B, Walker S (2015). Fitting linear mixed-effects models using
    lme4. J Stat Softw 67(1):1–48.
    """
    keys = ["person_id", "measure", "respondent"]
    chosen = episode_table.loc[episode_table["cohort"] == cohort]
    info = chosen[[*keys, "rpb", "first_date", "age0", "sex", "wimd_quintile", "paired"]]
    rows = outcomes[[*keys, "date", "score"]].merge(info, on=keys, how="inner")
    results: list[AdjustedChange] = []
    for (measure, respondent), data in rows.groupby(["measure", "respondent"], sort=True):
        children = info[(info["measure"] == measure) & (info["respondent"] == respondent)]
        if len(children) < min_children:
            continue
        fitted = _fit_adjusted_change(
            str(measure), str(respondent), data, children, min_paired_per_rpb
        )
        if fitted is not None:
            results.append(fitted)
    return results


def _fit_adjusted_change(
    measure: str,
    respondent: str,
    data: pd.DataFrame,
    children: pd.DataFrame,
    min_paired_per_rpb: int,
) -> AdjustedChange | None:
    """Fit one measure and respondent's model; None when no RPB has enough paired children."""
    complete = children.dropna(subset=["age0", "sex", "wimd_quintile"])
    paired_counts = complete.loc[complete["paired"]].groupby("rpb").size()
    kept_rpbs = [r for r in RPB_NAMES if paired_counts.get(r, 0) >= min_paired_per_rpb]
    excluded = tuple(r for r in RPB_NAMES if r in set(children["rpb"]) and r not in kept_rpbs)
    if not kept_rpbs:
        return None
    data = data.loc[
        data["person_id"].isin(complete["person_id"]) & data["rpb"].isin(kept_rpbs)
    ].copy()
    data["t"] = (data["date"] - data["first_date"]).dt.days / DAYS_PER_YEAR
    x, names = _design(data)
    aliased = aliased_columns(x, names)  # e.g. a WIMD quintile only the one "other" sex has
    if aliased:
        kept = [j for j in range(x.shape[1]) if j not in aliased]
        x, names = x[:, kept], [names[j] for j in kept]
    fit = fit_random_intercept(
        data["score"].to_numpy(dtype=float), x, data["person_id"].to_numpy(), names
    )
    in_model = complete.loc[complete["rpb"].isin(kept_rpbs)]
    return AdjustedChange(
        measure=measure,
        respondent=respondent,
        table=_adjusted_table(fit, in_model, data, kept_rpbs),
        sigma2=float(fit.sigma2),
        sigma2_child=float(fit.sigma2_group),
        n_obs=int(fit.n_obs),
        n_children=int(fit.n_groups),
        n_excluded_children=len(children) - len(complete),
        excluded_rpbs=excluded,
        converged=bool(fit.converged),
    )


def _adjusted_table(
    fit: RandomInterceptFit, in_model: pd.DataFrame, data: pd.DataFrame, kept_rpbs: list[str]
) -> pd.DataFrame:
    """Each kept RPB's change per year and Wales's, weighted by paired children."""
    n_children = in_model.groupby("rpb").size()
    n_paired = in_model.loc[in_model["paired"]].groupby("rpb").size()
    n_obs = data.groupby("rpb").size()
    table_rows = []
    weights = pd.Series(0.0, index=fit.params.index)
    for r in kept_rpbs:
        name = f"rpb[{r}]:t"
        estimate, se = float(fit.params[name]), float(fit.bse[name])
        weights[name] = n_paired.get(r, 0)
        table_rows.append(
            (r, estimate, se, n_children.get(r, 0), n_paired.get(r, 0), n_obs.get(r, 0))
        )
    weights /= weights.sum()
    estimate, se = fit.contrast(weights)
    table_rows.append(
        (WALES, estimate, se, int(n_children.sum()), int(n_paired.sum()), int(n_obs.sum()))
    )
    table = pd.DataFrame(
        table_rows,
        columns=[
            "rpb",
            "adjusted_change_per_year",
            "se",
            "n_children",
            "n_children_paired",
            "n_obs",
        ],
    )
    table["ci_low"] = table["adjusted_change_per_year"] - _Z95 * table["se"]
    table["ci_high"] = table["adjusted_change_per_year"] + _Z95 * table["se"]
    return table


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
    fits : mapping of (int, str, str) to AdjustedChange
        :func:`adjusted_change` by cohort, measure and respondent, each cohort's in
        catalogue-key order (empty when the models were not fitted).
    """

    episodes: pd.DataFrame
    assessed: Mapping[int, pd.DataFrame]
    summaries: Mapping[int, pd.DataFrame]
    fits: Mapping[tuple[int, str, str], AdjustedChange]

    def cohort_fits(self, cohort: int) -> list[AdjustedChange]:
        """The adjusted-change models of one cohort, in catalogue-key order."""
        return [fit for (year, _, _), fit in self.fits.items() if year == cohort]


def outcome_cohorts(
    outcomes: pd.DataFrame,
    cohorts: Iterable[int],
    catalogue: Catalogue = CATALOGUE,
    sd: str = "reference",
    financial: bool = False,
    fit_models: bool = True,
    min_paired: int = MIN_PAIRED_PER_RPB,
) -> OutcomeCohorts:
    """Episodes, reliable change, change summaries and adjusted change of some cohorts, once.

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
        Fit the case-mix-adjusted models of each cohort (:func:`adjusted_change`).
    min_paired : int
        Fewest paired children for an RPB to be kept in a model (:func:`min_paired_for`).

    Returns
    -------
    OutcomeCohorts
    """
    episode_table = episodes(outcomes, financial)
    years = sorted({int(cohort) for cohort in cohorts})
    assessed = {
        year: reliable_change(episode_table[episode_table["cohort"] == year], catalogue, sd)
        for year in years
    }
    fits = {}
    if fit_models:
        fits = {
            (year, fit.measure, fit.respondent): fit
            for year in years
            for fit in adjusted_change(outcomes, episode_table, year, min_paired_per_rpb=min_paired)
        }
    return OutcomeCohorts(
        episodes=episode_table,
        assessed=MappingProxyType(assessed),
        summaries=MappingProxyType({year: change_summary(a) for year, a in assessed.items()}),
        fits=MappingProxyType(fits),
    )
