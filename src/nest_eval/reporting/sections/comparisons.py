"""Comparing RPBs without league tables: funnel plots; only RPBs outside the limits flagged."""

from __future__ import annotations

import re

from nest_eval.reporting import plotting
from nest_eval.reporting.blocks import Block, Col, figure, html_table, join, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.labels import row_label

__all__ = ["funnels"]

_OUTSIDE = ("above 95%", "above 99.8%", "below 95%", "below 99.8%")
_KEYS = ["domain", "indicator", "measure", "respondent", "item"]


def _figure_name(record: dict) -> str:
    parts = [record["indicator"], *(record[c] for c in _KEYS[2:] if isinstance(record[c], str))]
    return "funnel_" + re.sub(r"[^a-z0-9]+", "-", "_".join(parts).lower()).strip("-")


def funnels(ctx: Context) -> Block:
    """Funnel plots for every proportion compared across RPBs; flags only outside limits."""
    table = ctx.tables.funnels
    if table.empty:
        return paragraph("Too few RPBs with data to compare.", "note")
    shown = table.assign(label=[row_label(r, ctx.lang) for r in table.to_dict(orient="records")])
    blocks = [
        paragraph(
            "Each RPB is placed against 95% and 99.8% limits around the Wales proportion, "
            "widened for overdispersion (Spiegelhalter 2005). Only an RPB outside the limits is "
            "flagged; RPBs are not ranked. RPBs with fewer than "
            f"{ctx.threshold} in the denominator are not shown."
        )
    ]
    flagged = shown[shown["flag"].isin(_OUTSIDE)]
    if ctx.rpb is not None:
        flagged = flagged[flagged["rpb"] == ctx.rpb]
    blocks.append(
        html_table(
            flagged,
            (Col("label", "Indicator", "text"), Col("rpb"), Col("proportion"), Col("n"),
             Col("flag", "Outside", "text")),
            caption="RPBs outside the funnel limits" + (f": {ctx.rpb}" if ctx.rpb else ""),
            lang=ctx.lang,
        )
    )  # fmt: skip
    if ctx.rpb is None:
        for _, group in shown.groupby(_KEYS, sort=False, dropna=False):
            drawn = group[group["shown"]]
            if len(drawn) >= 3:
                first = drawn.iloc[0].to_dict()
                chart = plotting.funnel(
                    drawn,
                    first["label"],
                    name=_figure_name(first),
                    disclosure=ctx.config.disclosure,
                )
                blocks.append(figure(chart, ctx.figures_dir))
    return join(blocks)
