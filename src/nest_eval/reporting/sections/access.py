"""Access (no wrong door): timeliness, waits, redirections and requests still waiting."""

from __future__ import annotations

import math

import pandas as pd

from nest_eval.domains.access import QUANTILES
from nest_eval.reporting.blocks import Block, Col, html_table, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.labels import row_label

__all__ = ["access", "census_note"]


def census_note(ctx: Context) -> str:
    """What the access figures are, at the run's census date."""
    return (
        f"Requests received in {ctx.year} up to the census date, {ctx.census_date}; every "
        "figure is as known at that date. Still waiting: the requests not supported by the "
        "census date (withdrawn and declined requests left out). Waits to first support are "
        "Kaplan–Meier estimates in which a request still waiting counts as waiting at least "
        "until the census date (censored there), with Brookmeyer–Crowley 95% intervals on the "
        "log-log scale; a wait not reached by the census date, or an upper limit the data "
        "cannot bound, is shown as not reached. The 28-day standard is that of the Mental "
        "Health (Wales) Measure 2010: the share counts the requests whose 28 days had passed "
        "by the census date. Shares have Wilson intervals."
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
    if rows.empty:
        return paragraph(f"No access requests for {ctx.scope} in {ctx.year}.", "note")
    shown = _not_reached(rows).assign(
        label=[row_label(r, ctx.lang) for r in rows.to_dict(orient="records")]
    )
    return paragraph(census_note(ctx)) + html_table(
        shown,
        (
            Col("label", "Indicator", "text"),
            Col("estimate"),
            Col("ci_low"),
            Col("ci_high"),
            Col("n", "Based on"),
        ),
        caption=f"Access {ctx.year}, as of {ctx.census_date}: {ctx.scope}",
        lang=ctx.lang,
    )
