"""Breakdowns that serve equity: a domain's indicators by age band, sex, deprivation, ..."""

from __future__ import annotations

from nest_eval.reference.breakdowns import DOMAIN_DIMENSIONS
from nest_eval.reporting.blocks import Block, Col, html_table, join, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.labels import group_label, row_label, value_label

__all__ = ["breakdowns"]


def _how_read(ctx: Context) -> str:
    withheld = ctx.tables.breakdowns_withheld
    held = (
        f" {withheld} breakdown row(s) are withheld: their groups could not be protected "
        "without suppressing the figure for everyone."
        if withheld
        else ""
    )
    return (
        "Each indicator computed again for each group, by the same method as for everyone. "
        "Groups add up to the figure for everyone; a count of 1 to "
        f"{ctx.threshold - 1} people in a group is written {ctx.shorthand}, as are the counts "
        "that would give it away, even for Wales. Groups without anyone are not shown."
        f"{held}"
    )


def breakdowns(ctx: Context, domain: str) -> Block:
    """The domain's indicators for the area by each group of each of its dimensions."""
    table = ctx.tables.breakdowns
    rows = table[(table["domain"] == domain) & (table["rpb"] == ctx.scope)]
    rows = rows[rows["n"].map(lambda n: n != 0)] if not rows.empty else rows
    if rows.empty:
        return paragraph(f"No breakdowns of {domain} for {ctx.scope} in {ctx.year}.", "note")
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
                    Col("label", "Indicator", "text"),
                    Col("group_text", name, "text"),
                    Col("n", "Based on"),
                    Col("value"),
                    Col("ci_low"),
                    Col("ci_high"),
                ),
                caption=f"Breakdown by {name}, {ctx.year}: {ctx.scope}",
                lang=ctx.lang,
            )
        )
    return join(blocks)
