"""Comparing RPBs without league tables: funnel plots; only RPBs outside the limits flagged."""

from __future__ import annotations

import re

import pandas as pd

from nest_eval.reference.vocabulary import RPB_NAMES
from nest_eval.reporting import plotting
from nest_eval.reporting.blocks import Block, Col, figure, html_table, join, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.labels import row_label
from nest_eval.stats.funnel import MIN_UNITS_OVERDISPERSION

__all__ = ["funnels"]

_OUTSIDE = ("above 95%", "above 99.8%", "below 95%", "below 99.8%")
_KEYS = ["domain", "indicator", "measure", "respondent", "item"]
_DRAWN_ELSEWHERE = ("paired_data_rate",)
"""Indicators whose funnel plot is drawn in their own section (the paired data rate: outcomes)."""


def _figure_name(record: dict) -> str:
    parts = [record["indicator"], *(record[c] for c in _KEYS[2:] if isinstance(record[c], str))]
    return "funnel_" + re.sub(r"[^a-z0-9]+", "-", "_".join(parts).lower()).strip("-")


def _overdispersion_estimated(table: pd.DataFrame) -> bool:
    """Whether any comparison estimated overdispersion (a ``phi`` was published)."""
    return bool(pd.to_numeric(table["phi"], errors="coerce").notna().any())


def _how_placed(table: pd.DataFrame, threshold: int) -> str:
    """How the RPBs are placed and flagged, and whether overdispersion was allowed for."""
    if _overdispersion_estimated(table):
        spread = (
            "Where there was more variation between units than chance allows (overdispersion), "
            "the limits are widened for it."
        )
    else:
        spread = (
            f"Overdispersion (more variation between RPBs than chance allows) is not estimated: "
            f"that needs at least {MIN_UNITS_OVERDISPERSION} units and there are "
            f"{len(RPB_NAMES)} RPBs, so the limits allow for chance alone and an RPB outside "
            "them may differ for reasons other than its practice, such as who it serves."
        )
    return (
        "Each RPB is placed against exact binomial 95% and 99.8% limits around the Wales "
        "proportion (Spiegelhalter 2005). An RPB is flagged only when the exact probability of a "
        "share at least as far from the Wales proportion, for an RPB of its size, is below 2.5% "
        "(95% limit) or 0.1% (99.8% limit); with few people a point can lie just past a limit "
        f"line without being flagged. {spread} RPBs are not ranked. RPBs with fewer than "
        f"{threshold} in the denominator are not shown."
    )


def funnels(ctx: Context) -> Block:
    """Funnel plots for every proportion compared across RPBs; flags only outside limits."""
    table = ctx.tables.funnels
    if table.empty:
        return paragraph("Too few RPBs with data to compare.", "note")
    shown = table.assign(label=[row_label(r, ctx.lang) for r in table.to_dict(orient="records")])
    blocks = [paragraph(_how_placed(table, ctx.threshold))]
    flagged = shown[shown["flag"].isin(_OUTSIDE)]
    if ctx.rpb is not None:
        flagged = flagged[flagged["rpb"] == ctx.rpb]
    blocks.append(
        html_table(
            flagged,
            (Col("label", "Indicator", "text"), Col("rpb"), Col("proportion"), Col("n"),
             Col("p_exact"), Col("flag", "Outside", "text")),
            caption="RPBs outside the funnel limits" + (f": {ctx.rpb}" if ctx.rpb else ""),
            lang=ctx.lang,
        )
    )  # fmt: skip
    if not table.empty:
        for _, group in shown.groupby(_KEYS, sort=False, dropna=False):
            drawn = group[group["shown"]]
            if len(drawn) >= 3 and drawn["indicator"].iloc[0] not in _DRAWN_ELSEWHERE:
                first = drawn.iloc[0].to_dict()
                chart = plotting.funnel(
                    drawn,
                    first["label"],
                    name=_figure_name(first),
                    disclosure=ctx.config.disclosure,
                    highlight=ctx.rpb,
                    lang=ctx.lang,
                )
                blocks.append(figure(chart, ctx.figures_dir))
    return join(blocks)
