"""Access (no wrong door): timeliness, waits, redirections and requests still waiting."""

from __future__ import annotations

from nest_eval.reporting.blocks import Block, Col, html_table, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.labels import row_label

__all__ = ["access"]


def access(ctx: Context) -> Block:
    """The access indicators of the area, each formatted by its unit, with intervals."""
    table = ctx.tables.access
    rows = table[table["rpb"] == ctx.scope] if not table.empty else table
    if rows.empty:
        return paragraph(f"No access requests for {ctx.scope} in {ctx.year}.", "note")
    shown = rows.assign(label=[row_label(r, ctx.lang) for r in rows.to_dict(orient="records")])
    return paragraph(
        "Requests received in the year. The 28-day standard is that of the Mental Health "
        "(Wales) Measure 2010. Waits are over the requests supported; shares have Wilson "
        "intervals, waits distribution-free intervals."
    ) + html_table(
        shown,
        (
            Col("label", "Indicator", "text"),
            Col("estimate"),
            Col("ci_low"),
            Col("ci_high"),
            Col("n", "Based on"),
        ),
        caption=f"Access {ctx.year}: {ctx.scope}",
        lang=ctx.lang,
    )
