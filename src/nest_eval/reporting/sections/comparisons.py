"""Comparing RPBs without league tables: funnel plots; only RPBs outside the limits flagged."""

from __future__ import annotations

import re

import pandas as pd

from nest_eval.reference.messages import label
from nest_eval.reference.vocabulary import RPB_NAMES
from nest_eval.reporting import plotting
from nest_eval.reporting.blocks import Block, Col, figure, html_table, join, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.labels import row_label, value_label
from nest_eval.stats.funnel import MIN_UNITS_OVERDISPERSION

__all__ = ["flag_label", "funnels"]

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


def _how_placed(table: pd.DataFrame, threshold: int, lang: str) -> str:
    """How the RPBs are placed and flagged, and whether overdispersion was allowed for."""
    if _overdispersion_estimated(table):
        spread = label("report.comparisons.overdispersion_allowed", lang)
    else:
        spread = label(
            "report.comparisons.overdispersion_not_estimated",
            lang,
            minimum=MIN_UNITS_OVERDISPERSION,
            rpbs=len(RPB_NAMES),
        )
    return label("report.comparisons.how_placed", lang, spread=spread, threshold=threshold)


def flag_label(flag: object, lang: str = "en") -> str:
    """The words for a funnel-plot flag (``"above 95%"``: above the 95% limit).

    Examples
    --------
    >>> flag_label("below 99.8%"), flag_label("above 95%", "cy")
    ('Below the 99.8% limit', "Uwchlaw'r terfyn 95%")
    """
    if not isinstance(flag, str) or " " not in flag:
        return "" if not isinstance(flag, str) else flag
    side, level = flag.split(" ", 1)
    return label(f"report.comparisons.{side}", lang, level=level)


def funnels(ctx: Context) -> Block:
    """Funnel plots for every proportion compared across RPBs; flags only outside limits."""
    table = ctx.tables.funnels
    if table.empty:
        return paragraph(label("report.comparisons.too_few", ctx.lang), "note")
    shown = table.assign(label=[row_label(r, ctx.lang) for r in table.to_dict(orient="records")])
    blocks = [paragraph(_how_placed(table, ctx.threshold, ctx.lang))]
    flagged = shown[shown["flag"].isin(_OUTSIDE)]
    if ctx.rpb is not None:
        flagged = flagged[flagged["rpb"] == ctx.rpb]
    flagged = flagged.assign(flag_text=[flag_label(f, ctx.lang) for f in flagged["flag"]])
    caption = (
        label("report.comparisons.caption", ctx.lang)
        if ctx.rpb is None
        else label(
            "report.comparisons.caption_rpb", ctx.lang, area=value_label("rpb", ctx.rpb, ctx.lang)
        )
    )
    blocks.append(
        html_table(
            flagged,
            (Col("label", label("report.comparisons.indicator", ctx.lang), "text"), Col("rpb"),
             Col("proportion"), Col("n"), Col("p_exact"),
             Col("flag_text", label("report.comparisons.outside", ctx.lang), "text")),
            caption=caption,
            lang=ctx.lang,
            download="rpb_comparisons",
        )
    )  # fmt: skip
    requests = []
    for _, group in shown.groupby(_KEYS, sort=False, dropna=False):
        drawn = group[group["shown"]]
        if len(drawn) >= 3 and drawn["indicator"].iloc[0] not in _DRAWN_ELSEWHERE:
            first = drawn.iloc[0].to_dict()
            requests.append(
                {
                    "funnel_table_for_one_indicator": drawn,
                    "title": first["label"],
                    "name": _figure_name(first),
                    "disclosure": ctx.config.disclosure,
                    "highlight": ctx.rpb,
                    "lang": ctx.lang,
                }
            )
    charts = plotting.funnels(requests, prepare_from_last=ctx.rpb is not None)
    return join([*blocks, *(figure(chart, ctx.figures_dir) for chart in charts)])
