"""Breakdowns that serve equity: a domain's indicators by age band, sex, deprivation, ..."""

from __future__ import annotations

from nest_eval.reference.breakdowns import DOMAIN_DIMENSIONS
from nest_eval.reference.messages import label
from nest_eval.reporting.blocks import Block, Col, html_table, join, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.labels import group_label, row_label, value_label

__all__ = ["breakdowns"]


def _how_read(ctx: Context) -> str:
    """How to read a breakdown (messages ``report.breakdowns.how_read`` and ``.withheld``)."""
    text = label(
        "report.breakdowns.how_read",
        ctx.lang,
        largest=ctx.threshold - 1,
        shorthand=ctx.shorthand,
    )
    withheld = ctx.tables.breakdowns_withheld
    if withheld:
        text += " " + label("report.breakdowns.withheld", ctx.lang, count=withheld)
    return text


def breakdowns(ctx: Context, domain: str) -> Block:
    """The domain's indicators for the area by each group of each of its dimensions."""
    table = ctx.tables.breakdowns
    rows = table[(table["domain"] == domain) & (table["rpb"] == ctx.scope)]
    rows = rows[rows["n"].map(lambda n: n != 0)] if not rows.empty else rows
    area = value_label("rpb", ctx.scope, ctx.lang)
    if rows.empty:
        return paragraph(
            label(
                "report.breakdowns.none",
                ctx.lang,
                domain=value_label("domain", domain, ctx.lang).lower(),
                area=area,
                year=ctx.year,
            ),
            "note",
        )
    blocks = [paragraph(_how_read(ctx))]
    records = rows.to_dict(orient="records")
    shown = rows.assign(
        label=[row_label(r, ctx.lang) for r in records],
        group_text=[group_label(r["dimension"], r["group"], ctx.lang) for r in records],
    )
    of = shown[["indicator", "measure", "respondent", "item"]].astype(object).fillna("")
    keys = list(of.itertuples(index=False, name=None))
    first = {key: i for i, key in enumerate(dict.fromkeys(keys))}
    shown = shown.iloc[sorted(range(len(keys)), key=lambda i: first[keys[i]])]
    for dimension in DOMAIN_DIMENSIONS[domain]:
        part = shown[shown["dimension"] == dimension.key]
        if part.empty:
            continue
        name = value_label("dimension", dimension.key, ctx.lang)
        blocks.append(
            html_table(
                part,
                (
                    Col("label", label("report.breakdowns.indicator", ctx.lang), "text"),
                    Col("group_text", name, "text"),
                    Col("n", label("report.breakdowns.based_on", ctx.lang)),
                    Col("value"),
                    Col("ci_low"),
                    Col("ci_high"),
                ),
                caption=label(
                    "report.breakdowns.caption",
                    ctx.lang,
                    dimension=name,
                    year=ctx.year,
                    area=area,
                ),
                lang=ctx.lang,
                download="breakdowns",
            )
        )
    return join(blocks)
