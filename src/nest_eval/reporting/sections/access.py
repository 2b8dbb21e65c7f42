"""Access (no wrong door): timeliness, waits, redirections and requests still waiting."""

from __future__ import annotations

import math

import pandas as pd

from nest_eval.domains.access import QUANTILES
from nest_eval.reference.messages import label
from nest_eval.reporting.blocks import Block, Col, html_table, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import format_date
from nest_eval.reporting.labels import row_label, value_label

__all__ = ["access", "census_note"]


def census_note(ctx: Context) -> str:
    """What the access figures are, at the run's census date (message ``report.access.census``)."""
    return label(
        "report.access.census",
        ctx.lang,
        year=ctx.year,
        census_date=format_date(ctx.results.census_date, ctx.lang),
    )


def _not_reached(rows: pd.DataFrame) -> pd.DataFrame:
    """For display, a quantile of waits the requests did not reach shown as not reached."""
    quantile = rows["indicator"].isin(list(QUANTILES))
    counted = rows["n"].map(lambda n: not isinstance(n, str) and pd.notna(n) and n > 0)
    missing = rows["estimate"].map(lambda v: not isinstance(v, str) and pd.isna(v))
    shown = rows.astype({"estimate": object})
    shown.loc[quantile & counted & missing, "estimate"] = math.inf
    return shown


def access(ctx: Context) -> Block:
    """The access indicators of the area, each formatted by its unit, with intervals."""
    table = ctx.tables.access
    rows = table[table["rpb"] == ctx.scope] if not table.empty else table
    area = value_label("rpb", ctx.scope, ctx.lang)
    if rows.empty:
        return paragraph(label("report.access.none", ctx.lang, area=area, year=ctx.year), "note")
    shown = _not_reached(rows).assign(
        label=[row_label(r, ctx.lang) for r in rows.to_dict(orient="records")]
    )
    census_date = format_date(ctx.results.census_date, ctx.lang)
    return paragraph(census_note(ctx)) + html_table(
        shown,
        (
            Col("label", label("report.access.indicator", ctx.lang), "text"),
            Col("estimate"),
            Col("ci_low"),
            Col("ci_high"),
            Col("n", label("report.access.based_on", ctx.lang)),
        ),
        caption=label(
            "report.access.caption", ctx.lang, year=ctx.year, census_date=census_date, area=area
        ),
        lang=ctx.lang,
        download="access",
    )
