"""Experiences: did help feel Nurturing, Empowering, Safe and Trusted."""

from __future__ import annotations

from nest_eval.reporting import plotting
from nest_eval.reporting.blocks import Block, Col, figure, html_table, paragraph
from nest_eval.reporting.context import Context

__all__ = ["experiences"]


def experiences(ctx: Context) -> Block:
    """Experiences: share agreeing per item (with intervals), and the index by respondent."""
    table = ctx.tables.agreement
    if table.empty:
        return paragraph(f"No survey responses for {ctx.scope} in {ctx.year}.", "note")
    mine = table[table["rpb"] == ctx.scope]
    rows = mine[(mine["respondent_type"] == "all") & (mine["indicator"] == "share_agreeing")]
    if rows.empty:
        return paragraph(f"No survey responses for {ctx.scope} in {ctx.year}.", "note")
    block = html_table(
        rows,
        (
            Col("item"),
            Col("n", "Answers"),
            Col("estimate", "Agreeing (4–5)"),
            Col("ci_low"),
            Col("ci_high"),
        ),
        caption=f"Experiences {ctx.year}: {ctx.scope}",
        lang=ctx.lang,
    )
    chart = plotting.experience_items(
        table,
        rpb=ctx.scope,
        year=ctx.year,
        name=f"experiences_{ctx.slug}",
        disclosure=ctx.config.disclosure,
    )
    block = block + figure(chart, ctx.figures_dir)
    by_type = mine[(mine["respondent_type"] != "all") & (mine["indicator"] == "experience_index")]
    if by_type.empty:
        return block
    return block + html_table(
        by_type,
        (
            Col("respondent_type"),
            Col("n", "Responses"),
            Col("estimate", "NEST index (1–5)"),
            Col("ci_low"),
            Col("ci_high"),
        ),
        caption="NEST experience index by respondent type",
        lang=ctx.lang,
    )
