"""Experiences: did help feel Nurturing, Empowering, Safe and Trusted."""

from __future__ import annotations

from nest_eval.reference.messages import label
from nest_eval.reporting import plotting
from nest_eval.reporting.blocks import Block, Col, figure, html_table, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.labels import value_label

__all__ = ["experiences"]


def _none(ctx: Context, area: str) -> Block:
    return paragraph(label("report.experiences.none", ctx.lang, area=area, year=ctx.year), "note")


def experiences(ctx: Context) -> Block:
    """Experiences: share agreeing per item (with intervals), and the index by respondent."""
    table = ctx.tables.agreement
    area = value_label("rpb", ctx.scope, ctx.lang)
    if table.empty:
        return _none(ctx, area)
    mine = table[table["rpb"] == ctx.scope]
    rows = mine[(mine["respondent_type"] == "all") & (mine["indicator"] == "share_agreeing")]
    if rows.empty:
        return _none(ctx, area)
    block = html_table(
        rows,
        (
            Col("item"),
            Col("n", label("report.experiences.answers", ctx.lang)),
            Col("estimate", label("report.experiences.agreeing", ctx.lang)),
            Col("ci_low"),
            Col("ci_high"),
        ),
        caption=label("report.experiences.caption", ctx.lang, year=ctx.year, area=area),
        lang=ctx.lang,
        download="experiences",
    )
    chart = plotting.experience_items(
        table,
        rpb=ctx.scope,
        year=ctx.year,
        name=f"experiences_{ctx.slug}",
        disclosure=ctx.config.disclosure,
        lang=ctx.lang,
    )
    block = block + figure(chart, ctx.figures_dir)
    by_type = mine[(mine["respondent_type"] != "all") & (mine["indicator"] == "experience_index")]
    if by_type.empty:
        return block
    return block + html_table(
        by_type,
        (
            Col("respondent_type"),
            Col("n", label("report.experiences.responses", ctx.lang)),
            Col("estimate", label("report.experiences.index", ctx.lang)),
            Col("ci_low"),
            Col("ci_high"),
        ),
        caption=label("report.experiences.caption_by_type", ctx.lang, area=area),
        lang=ctx.lang,
        download="experiences",
    )
