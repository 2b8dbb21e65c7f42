"""Implementation: NEST self-assessment journey ratings and their distance travelled.

Journey ratings are each RPB's own rating of its progress on the six core elements, on the
1–4 NEST journey scale (NYTH/NEST implementation update, 2024). They are a census of the seven
RPBs' judgements, not a sample, so no sampling interval is attached to them; every mean states
how many RPBs rated the element, and a blank rating is *not rated*, never a score.

The Wales change per element is like for like: it compares the RPBs that rated the element in
both cycles (:func:`wales_element_changes`), so an RPB rating it in one cycle only moves neither
side. The national mean of each cycle (:func:`national_means`) is over the RPBs rating it that
cycle, and describes the cycle, not the change.

National and RPB figures use region-level rows; RIF project self-assessments
(``level = project``) are summarised beside them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nest_eval.reference.vocabulary import CORE_ELEMENTS, FOUNDATIONS, RPB_NAMES, WALES

__all__ = [
    "element_changes",
    "foundation_ratings",
    "journey_ratings",
    "national_means",
    "project_summary",
    "rpb_change_summary",
    "voice_shares",
    "wales_element_changes",
]

_ELEMENT_ORDER = [e.key for e in CORE_ELEMENTS]
_FOUNDATION_ORDER = [e.key for e in FOUNDATIONS]


def journey_ratings(self_assessment: pd.DataFrame, level: str = "region") -> pd.DataFrame:
    """Journey ratings on the core elements, one row per RPB, cycle and element.

    Parameters
    ----------
    self_assessment : pandas.DataFrame
        Accepted ``self_assessment`` rows (ingest output).
    level : str
        ``"region"`` (default) or ``"project"``.

    Returns
    -------
    pandas.DataFrame
        ``rpb``, ``year``, ``element``, ``rating`` (NaN = not rated), ``cyp_voice``,
        ``family_voice`` (and ``project`` for project rows), in RPB and element order.
    """
    rows = self_assessment.loc[
        (self_assessment["level"] == level) & self_assessment["element"].isin(_ELEMENT_ORDER)
    ].copy()
    rows["rating"] = rows["rating"].astype("float64")
    rows["_rpb"] = pd.Categorical(rows["rpb"], categories=RPB_NAMES, ordered=True)
    rows["_el"] = pd.Categorical(rows["element"], categories=_ELEMENT_ORDER, ordered=True)
    keys = ["_rpb", "year", "_el"] + (["project"] if level == "project" else [])
    columns = ["rpb", "year", "element", "rating", "cyp_voice", "family_voice"]
    if level == "project":
        columns.insert(1, "project")
    return rows.sort_values(keys)[columns].reset_index(drop=True)


def _region_ratings(self_assessment: pd.DataFrame, ratings: pd.DataFrame | None) -> pd.DataFrame:
    """The region-level journey ratings given, or computed from ``self_assessment``."""
    return journey_ratings(self_assessment) if ratings is None else ratings


def national_means(
    self_assessment: pd.DataFrame, year: int, ratings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The national mean journey rating per core element for a cycle.

    The mean of the RPBs' region-level ratings (unrounded); ``n_rpbs`` counts the RPBs that
    gave a rating and ``n_not_rated`` those that submitted the element without a rating.

    Parameters
    ----------
    self_assessment : pandas.DataFrame
        Accepted ``self_assessment`` rows.
    year : int
        The self-assessment cycle.
    ratings : pandas.DataFrame, optional
        :func:`journey_ratings` of ``self_assessment``, when already computed.

    Returns
    -------
    pandas.DataFrame
        ``element``, ``mean_rating``, ``n_rpbs``, ``n_not_rated`` for the six core
        elements in published order (``mean_rating`` NaN where no RPB rated it).
    """
    ratings = _region_ratings(self_assessment, ratings)
    ratings = ratings.loc[ratings["year"] == year]
    grouped = ratings.groupby("element", sort=False)["rating"]
    table = pd.DataFrame(
        {
            "mean_rating": grouped.mean(),
            "n_rpbs": grouped.count(),
            "n_not_rated": grouped.size() - grouped.count(),
        }
    ).reindex(_ELEMENT_ORDER)
    table["n_rpbs"] = table["n_rpbs"].fillna(0).astype("int64")
    table["n_not_rated"] = table["n_not_rated"].fillna(0).astype("int64")
    table.index.name = "element"
    table = table.reset_index()
    return table


def element_changes(
    self_assessment: pd.DataFrame,
    year: int,
    baseline_year: int,
    ratings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each RPB's journey rating per element in the baseline and reporting cycles.

    Parameters
    ----------
    self_assessment : pandas.DataFrame
        Accepted ``self_assessment`` rows.
    year, baseline_year : int
        Reporting and baseline cycles.
    ratings : pandas.DataFrame, optional
        :func:`journey_ratings` of ``self_assessment``, when already computed.

    Returns
    -------
    pandas.DataFrame
        ``rpb``, ``element``, ``baseline``, ``current``, ``change`` (NaN where either cycle is
        not rated) and ``direction`` (``up``, ``down``, ``same`` or ``not comparable``); RPBs
        and elements in published order, one row for every RPB and element.
    """
    ratings = _region_ratings(self_assessment, ratings)
    wide = ratings.pivot_table(
        index=["rpb", "element"], columns="year", values="rating", aggfunc="first", dropna=False
    )
    full = pd.MultiIndex.from_product([RPB_NAMES, _ELEMENT_ORDER], names=["rpb", "element"])
    wide = wide.reindex(full)
    table = pd.DataFrame(
        {
            "baseline": wide.get(baseline_year, np.nan),
            "current": wide.get(year, np.nan),
        },
        index=full,
    ).reset_index()
    table["change"] = table["current"] - table["baseline"]
    table["direction"] = np.select(
        [table["change"] > 0, table["change"] < 0, table["change"] == 0],
        ["up", "down", "same"],
        default="not comparable",
    )
    return table


def wales_element_changes(
    self_assessment: pd.DataFrame,
    year: int,
    baseline_year: int,
    ratings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    r"""The Wales change per core element, like for like: over the RPBs rated in both cycles.

    Comparing the national mean of one cycle with that of another mixes a change in ratings
    with a change in who rated: an RPB rating the element in one cycle only moves one mean and
    not the other. Here both means are over the same RPBs, those that rated the element in both
    cycles, so the change is the mean of those RPBs' own changes,

    .. math::

        \Delta_e = \frac{1}{n_e} \sum_{r \in R_e}
        \left(x_{r,e}^{\mathrm{year}} - x_{r,e}^{\mathrm{baseline}}\right),

    where :math:`R_e` is the set of RPBs with a rating of element :math:`e` in both cycles and
    :math:`n_e = |R_e|`: the paired comparison of the same units before and after [1]_, as
    distance travelled is the change between readings of the same unit [2]_.

    Parameters
    ----------
    self_assessment : pandas.DataFrame
        Accepted ``self_assessment`` rows.
    year, baseline_year : int
        Reporting and baseline cycles.
    ratings : pandas.DataFrame, optional
        :func:`journey_ratings` of ``self_assessment``, when already computed.

    Returns
    -------
    pandas.DataFrame
        ``element``, ``baseline`` and ``current`` (mean rating of the RPBs rated in both
        cycles), ``change`` (their difference: the mean of those RPBs' changes) and ``n_rpbs``
        (how many RPBs rated the element in both cycles; the means are NaN when none did), for
        the six core elements in published order.

    References
    ----------
    .. [1] Shadish, W. R., Cook, T. D. and Campbell, D. T. (2002). *Experimental and
       Quasi-Experimental Designs for Generalized Causal Inference*. Houghton Mifflin, ch. 4
       (a change in the units observed between the two readings threatens a before-and-after
       comparison).
    .. [2] Dewson, S., Eccles, J., Tackey, N. D. and Jackson, A. (2000). *Guide to Measuring
       Soft Outcomes and Distance Travelled*. Institute for Employment Studies.

    Examples
    --------
    Six RPBs rate an element in 2024 (mean 11/6 = 1.83) and seven in 2025 (14.5/7 = 2.07); the
    six rated in both moved from 11/6 to 13/6, a change of +1/3, not 2.07 - 1.83 = +0.24:

    >>> from nest_eval.reference.vocabulary import RPB_NAMES
    >>> then, now = [2, 2, 2, 2, 2, 1, None], [2, 2, 2, 2, 2.5, 2.5, 1.5]
    >>> rows = [(r, y, "no_wrong_door", v) for y, values in ((2024, then), (2025, now))
    ...         for r, v in zip(RPB_NAMES, values)]
    >>> sa = pd.DataFrame(rows, columns=["rpb", "year", "element", "rating"]).assign(
    ...     level="region", cyp_voice=True, family_voice=True)
    >>> row = wales_element_changes(sa, 2025, 2024).set_index("element").loc["no_wrong_door"]
    >>> [round(float(row[c]), 4) for c in ("baseline", "current", "change")]
    [1.8333, 2.1667, 0.3333]
    >>> int(row["n_rpbs"])
    6
    """
    changes = element_changes(self_assessment, year, baseline_year, ratings)
    both = changes.loc[changes["direction"] != "not comparable"]
    grouped = both.groupby("element", sort=False)
    table = pd.DataFrame(
        {
            "baseline": grouped["baseline"].mean(),
            "current": grouped["current"].mean(),
            "n_rpbs": grouped.size(),
        }
    ).reindex(_ELEMENT_ORDER)
    table["change"] = table["current"] - table["baseline"]
    table["n_rpbs"] = table["n_rpbs"].fillna(0).astype("int64")
    table.index.name = "element"
    return table.reset_index()[["element", "baseline", "current", "change", "n_rpbs"]]


def rpb_change_summary(
    self_assessment: pd.DataFrame,
    year: int,
    baseline_year: int,
    ratings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each RPB's distance travelled in implementation, over the core elements.

    Parameters
    ----------
    self_assessment : pandas.DataFrame
        Accepted ``self_assessment`` rows.
    year, baseline_year : int
        Reporting and baseline cycles.
    ratings : pandas.DataFrame, optional
        :func:`journey_ratings` of ``self_assessment``, when already computed.

    Returns
    -------
    pandas.DataFrame
        One row per RPB and for ``Wales``: ``baseline`` and ``current`` (mean rating over the
        elements rated in both cycles), ``change``, ``n_elements`` (rated in both),
        ``n_up``, ``n_down``, ``n_same``. For Wales the means are over every RPB-element pair
        rated in both cycles.
    """
    changes = element_changes(self_assessment, year, baseline_year, ratings)
    comparable = changes.loc[changes["direction"] != "not comparable"]

    def summarise(frame: pd.DataFrame) -> dict[str, float]:
        return {
            "baseline": frame["baseline"].mean() if len(frame) else np.nan,
            "current": frame["current"].mean() if len(frame) else np.nan,
            "change": frame["change"].mean() if len(frame) else np.nan,
            "n_elements": len(frame),
            "n_up": int((frame["direction"] == "up").sum()),
            "n_down": int((frame["direction"] == "down").sum()),
            "n_same": int((frame["direction"] == "same").sum()),
        }

    rows = [{"rpb": rpb, **summarise(comparable[comparable["rpb"] == rpb])} for rpb in RPB_NAMES]
    rows.append({"rpb": WALES, **summarise(comparable)})
    return pd.DataFrame(rows)


def voice_shares(
    self_assessment: pd.DataFrame, year: int, ratings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of region-level ratings informed by children's and by families' voices.

    Parameters
    ----------
    self_assessment : pandas.DataFrame
        Accepted ``self_assessment`` rows.
    year : int
        The cycle.
    ratings : pandas.DataFrame, optional
        :func:`journey_ratings` of ``self_assessment``, when already computed.

    Returns
    -------
    pandas.DataFrame
        Per RPB and ``Wales``: ``n_ratings`` (core-element rows submitted), ``n_cyp_voice``,
        ``share_cyp_voice``, ``n_family_voice``, ``share_family_voice``, and
        ``n_voice_unknown`` (rows where either answer is blank; excluded from that share's
        denominator).
    """
    rows = _region_ratings(self_assessment, ratings)
    rows = rows.loc[rows["year"] == year]

    def shares(frame: pd.DataFrame) -> dict[str, float]:
        out: dict[str, float] = {"n_ratings": len(frame)}
        for voice, count, share in (
            ("cyp_voice", "n_cyp_voice", "share_cyp_voice"),
            ("family_voice", "n_family_voice", "share_family_voice"),
        ):
            known = frame[voice].dropna()
            out[count] = int(known.sum())
            out[share] = float(known.mean()) if len(known) else np.nan
        out["n_voice_unknown"] = int(
            (frame["cyp_voice"].isna() | frame["family_voice"].isna()).sum()
        )
        return out

    table = [{"rpb": rpb, **shares(rows[rows["rpb"] == rpb])} for rpb in RPB_NAMES]
    table.append({"rpb": WALES, **shares(rows)})
    return pd.DataFrame(table)


def foundation_ratings(self_assessment: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each RPB's rating of the NEST foundations in a cycle, and the Wales mean.

    The foundations (rights based approach; equity, diversity and inclusion; values led; child
    development; psychologically informed) are the core training and values for all
    professionals (NEST/NYTH framework); a self-assessment may rate them on the journey scale
    beside the six core elements. Region-level rows; a blank rating is *not rated*, never a
    score. Like the core elements' national means, the Wales figure is the mean over the RPBs
    rating the foundation, with how many did.

    Parameters
    ----------
    self_assessment : pandas.DataFrame
        Accepted ``self_assessment`` rows.
    year : int
        The cycle.

    Returns
    -------
    pandas.DataFrame
        One row per foundation (in published order) and RPB (the 7, in order, each with the
        row it submitted: ``rating``, NaN when not rated or not submitted, ``submitted``) and
        for ``Wales``: ``rating`` the mean over the RPBs that rated it, ``n_rpbs`` (RPBs rating
        it), ``n_not_rated`` (RPBs submitting it without a rating). Empty when no RPB submitted
        a foundation that cycle.

    Examples
    --------
    >>> sa = pd.DataFrame({"rpb": ["Powys", "Gwent", "Powys"], "year": 2025,
    ...                    "element": ["values_led", "values_led", "trusted_adults"],
    ...                    "rating": [3.0, None, 2.0], "level": "region"})
    >>> wales = foundation_ratings(sa, 2025).set_index(["element", "rpb"])
    >>> row = wales.loc[("values_led", "Wales")]
    >>> float(row["rating"]), int(row["n_rpbs"]), int(row["n_not_rated"])
    (3.0, 1, 1)
    """
    columns = ["element", "rpb", "rating", "submitted", "n_rpbs", "n_not_rated"]
    rows = self_assessment.loc[
        (self_assessment["level"] == "region")
        & (self_assessment["year"] == year)
        & self_assessment["element"].isin(_FOUNDATION_ORDER)
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    given = rows.set_index(["element", "rpb"])["rating"].astype("float64")
    table = []
    for element in _FOUNDATION_ORDER:
        sent = {rpb: (element, rpb) in given.index for rpb in RPB_NAMES}
        rating = {rpb: given.get((element, rpb), np.nan) for rpb in RPB_NAMES}
        rated = [r for r in rating.values() if pd.notna(r)]
        blank = sum(1 for rpb in RPB_NAMES if sent[rpb] and pd.isna(rating[rpb]))
        table += [
            (element, rpb, rating[rpb], sent[rpb], int(pd.notna(rating[rpb])),
             int(sent[rpb] and pd.isna(rating[rpb])))
            for rpb in RPB_NAMES
        ]  # fmt: skip
        mean = float(np.mean(rated)) if rated else np.nan
        table.append((element, WALES, mean, any(sent.values()), len(rated), blank))
    return pd.DataFrame(table, columns=columns)


def project_summary(
    self_assessment: pd.DataFrame, year: int, ratings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """RIF project self-assessments summarised beside the regional rating.

    Parameters
    ----------
    self_assessment : pandas.DataFrame
        Accepted ``self_assessment`` rows.
    year : int
        The cycle.
    ratings : pandas.DataFrame, optional
        :func:`journey_ratings` of ``self_assessment``, when already computed.

    Returns
    -------
    pandas.DataFrame
        Per RPB and element with project rows: ``n_projects``, ``n_projects_rated``,
        ``project_mean``, ``project_min``, ``project_max`` and the region's ``region_rating``.
    """
    projects = journey_ratings(self_assessment, level="project")
    projects = projects.loc[projects["year"] == year]
    region = _region_ratings(self_assessment, ratings)
    region = region.loc[region["year"] == year].set_index(["rpb", "element"])["rating"]
    grouped = projects.groupby(["rpb", "element"], sort=False)
    table = grouped["rating"].agg(
        n_projects="size",
        n_projects_rated="count",
        project_mean="mean",
        project_min="min",
        project_max="max",
    )
    table["region_rating"] = region.reindex(table.index)
    return table.reset_index()
