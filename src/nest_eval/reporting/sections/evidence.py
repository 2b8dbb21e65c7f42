"""The year's evidence mapped to the Legacy Report's recommendations and the Commissioner's asks.

Each recommendation and ask names the indicators that evidence it (``recommendations.toml``,
read by :mod:`nest_eval.reference.vocabulary`). Its status in a report comes from those
indicators only, as published for the area this year: what a reader sees in the report's tables
after disclosure control, never whether a dataset merely has rows.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from nest_eval.reference.indicators import indicator
from nest_eval.reference.messages import label
from nest_eval.reference.vocabulary import COMMISSIONER_ASKS, RECOMMENDATIONS, WALES
from nest_eval.reporting.blocks import Block, Col, html_table, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.labels import column_label, indicator_label, value_label

__all__ = [
    "PRESENCE",
    "STATUSES",
    "WALES_ONLY_DOMAINS",
    "indicator_presence",
    "recommendation_status",
    "recommendations",
    "status_rule",
]

PRESENCE = ("published", "suppressed", "absent")
"""Whether an indicator has data for an area this year: at least one value published; values,
all suppressed; no value."""

STATUSES = ("evidence", "partial", "no_data")
"""A recommendation's status: every mapped indicator has published data this year; some do;
none does (or none is mapped). Labels: messages ``evidence_status.<key>``."""

WALES_ONLY_DOMAINS = ("training",)
"""Domains whose indicators are published for Wales only: every report reads them for Wales."""

# The evidence states what there is, never how many: a count in text would be a published number
# outside the disclosure decision.

Values = Callable[[Context, str, str], pd.Series]
"""Reads an indicator's values for an area this year, as published: (context, key, area)."""


def _rows(table: pd.DataFrame, area: str, **where: str) -> pd.DataFrame:
    if table.empty:
        return table
    keep = table["rpb"] == area if "rpb" in table.columns else pd.Series(True, table.index)
    for column, value in where.items():
        keep &= table[column] == value
    return table[keep]


def _ratings(ctx: Context, key: str, area: str) -> pd.Series:
    """Journey ratings of the year's self-assessments (the NEST profile)."""
    ratings = ctx.results.journey_ratings
    ratings = ratings[ratings["year"] == ctx.year]
    return (ratings if area == WALES else ratings[ratings["rpb"] == area])["rating"]


def _voices(ctx: Context, key: str, area: str) -> pd.Series:
    """Shares of the year's ratings informed by children's or families' voices."""
    return _rows(ctx.results.voice_shares, area).get(key, pd.Series(dtype=object))


_PAIRS_COLUMN = {
    "mean_change": "mean_change",
    "share_reliable_improvement": "pct_reliable_improvement",
}


def _pairs(ctx: Context, key: str, area: str) -> pd.Series:
    """Change from first to last assessment (``outcomes_change``, disclosure-controlled)."""
    return _rows(ctx.tables.outcomes_change, area).get(_PAIRS_COLUMN[key], pd.Series(dtype=object))


def _paired_data(ctx: Context, key: str, area: str) -> pd.Series:
    """The paired data rate (``paired_data``, disclosure-controlled)."""
    return _rows(ctx.tables.paired_data, area).get("estimate", pd.Series(dtype=object))


def _adjusted(ctx: Context, key: str, area: str) -> pd.Series:
    """Case-mix-adjusted change, first to last assessment (disclosure-controlled)."""
    return _rows(ctx.tables.adjusted, area).get(key, pd.Series(dtype=object))


def _experiences(ctx: Context, key: str, area: str) -> pd.Series:
    """Survey indicators over all respondents (``experiences``, disclosure-controlled)."""
    rows = _rows(ctx.tables.agreement, area, respondent_type="all", indicator=key)
    return rows.get("estimate", pd.Series(dtype=object))


def _access(ctx: Context, key: str, area: str) -> pd.Series:
    """Access indicators (``access``, disclosure-controlled)."""
    return _rows(ctx.tables.access, area, indicator=key).get("estimate", pd.Series(dtype=object))


def _training(ctx: Context, key: str, area: str) -> pd.Series:
    """Training indicators, for Wales only (``training``, disclosure-controlled)."""
    return _rows(ctx.tables.training, WALES, indicator=key).get("value", pd.Series(dtype=object))


def _enablers(ctx: Context, key: str, area: str) -> pd.Series:
    """Partnership enablers from the RPBs' returns (for Wales, from the RPBs that made one)."""
    rows = _rows(ctx.results.enablers, area)
    if rows.empty:
        return pd.Series(dtype=object)
    return rows.loc[rows["returned"].astype(bool), key]


_BY_KEY: dict[str, Values] = {
    "mean_journey_rating": _ratings,
    "journey_rating": _ratings,
    "share_cyp_voice": _voices,
    "share_family_voice": _voices,
    "mean_change": _pairs,
    "share_reliable_improvement": _pairs,
    "paired_data_rate": _paired_data,
    "adjusted_change": _adjusted,
}
"""Where an indicator's values this year are published, where its domain has several tables."""

_BY_DOMAIN: dict[str, Values] = {
    "experiences": _experiences,
    "access": _access,
    "training": _training,
    "partnership": _enablers,
}
"""Where the indicators of a domain with one table are published."""


def _values(ctx: Context, key: str) -> pd.Series:
    read = _BY_KEY.get(key) or _BY_DOMAIN[indicator(key).domain]
    return read(ctx, key, ctx.scope)


def _given(value: object) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


def indicator_presence(ctx: Context, key: str) -> str:
    """Whether an indicator has published data for the report's area this year.

    Reads the values the report publishes for the area (after disclosure control) across
    whatever the indicator is of (elements, measures, items, organisation types); indicators of
    :data:`WALES_ONLY_DOMAINS` are read for Wales.

    Parameters
    ----------
    ctx : Context
        The report (its area, year and disclosure-controlled tables).
    key : str
        An indicator of :data:`nest_eval.reference.indicators.INDICATORS`.

    Returns
    -------
    str
        One of :data:`PRESENCE`: ``published`` when at least one value is shown, neither
        missing nor suppressed; ``suppressed`` when every value there is suppressed;
        ``absent`` when there is none.
    """
    shown = [v for v in _values(ctx, key) if _given(v)]
    if any(not (isinstance(v, str) and v == ctx.shorthand) for v in shown):
        return "published"
    return "suppressed" if shown else "absent"


def _status(presence: dict[str, str]) -> str:
    published = sum(p == "published" for p in presence.values())
    if presence and published == len(presence):
        return "evidence"
    return "partial" if published else "no_data"


def recommendation_status(ctx: Context) -> pd.DataFrame:
    """Each recommendation and ask, the indicators that evidence it, and its status this year.

    A status is *evidence this year* when every mapped indicator has published data for the
    area this year (:func:`indicator_presence`), *partial* when some do, and *no data* when
    none does or when no indicator of the workbench evidences it.

    Returns
    -------
    pandas.DataFrame
        ``ref`` and ``recommendation`` (its key), ``source``, ``indicators`` (keys, as mapped),
        ``published``, ``suppressed`` and ``absent`` (the mapped indicators in each state),
        ``status`` (one of :data:`STATUSES`) and ``gap`` (whether the workbench does not
        collect all it asks for).
    """
    rows = []
    for rec in (*RECOMMENDATIONS, *COMMISSIONER_ASKS):
        presence = {key: indicator_presence(ctx, key) for key in rec.indicators}
        rows.append(
            {
                "ref": rec.key,
                "recommendation": rec.key,
                "source": rec.source,
                "indicators": rec.indicators,
                **{
                    state: tuple(k for k, p in presence.items() if p == state) for state in PRESENCE
                },
                "status": _status(presence),
                "gap": rec.gap,
            }
        )
    return pd.DataFrame(rows)


def _indicator_text(ctx: Context, row: dict) -> str:
    """The mapped indicators' labels; those without published data this year say so."""
    if not row["indicators"]:
        return label("evidence_state.none", ctx.lang)
    names = []
    for key in row["indicators"]:
        name = indicator_label(key, lang=ctx.lang)
        if ctx.rpb is not None and indicator(key).domain in WALES_ONLY_DOMAINS:
            name = f"{name} ({value_label('rpb', WALES, ctx.lang)})"
        state = next(s for s in PRESENCE if key in row[s])
        if state != "published":
            name = f"{name} ({label(f'evidence_state.{state}', ctx.lang)})"
        names.append(name)
    return "; ".join(names)


def recommendations(ctx: Context) -> Block:
    """The indicators mapped to Legacy Report recommendations A–L and the Commissioner's asks."""
    table = recommendation_status(ctx)
    records = table.to_dict(orient="records")
    by_key = {r.key: r for r in (*RECOMMENDATIONS, *COMMISSIONER_ASKS)}
    shown = table.assign(
        indicators_text=[_indicator_text(ctx, r) for r in records],
        status_text=[label(f"evidence_status.{r['status']}", ctx.lang) for r in records],
        not_collected=[by_key[r["ref"]].gap_text(ctx.lang) for r in records],
    )
    return html_table(
        shown,
        (
            Col("ref"),
            Col("recommendation"),
            Col("indicators_text", column_label("indicators", ctx.lang), "text"),
            Col("status_text", column_label("status", ctx.lang), "text"),
            Col("not_collected"),
        ),
        caption=label(
            "report.evidence.caption",
            ctx.lang,
            area=value_label("rpb", ctx.scope, ctx.lang),
            year=ctx.year,
        ),
        lang=ctx.lang,
    )


def status_rule(ctx: Context) -> Block:
    """How a recommendation's status is decided (for the methods)."""
    return paragraph(label("report.evidence.status_rule", ctx.lang, shorthand=ctx.shorthand))
