"""Distance travelled in one domain: each indicator's baseline, value this year and change."""

from __future__ import annotations

import pandas as pd

from nest_eval.reference.indicators import indicator
from nest_eval.reference.messages import label
from nest_eval.reporting import plotting
from nest_eval.reporting.blocks import Block, Col, figure, html_table, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import estimate_text, format_value
from nest_eval.reporting.labels import row_label, value_label

__all__ = ["change_by_rpb", "distance", "distance_view", "view_columns"]


def view_columns(lang: str = "en") -> tuple[Col, ...]:
    """The columns of a distance-travelled table as reports show it, headed in ``lang``.

    The rows come from :func:`distance_view`.
    """
    return (
        Col("label", label("report.distance.indicator", lang), "text"),
        Col("baseline_text", label("report.distance.baseline", lang), "text"),
        Col("current_text", label("report.distance.this_year", lang), "text"),
        Col("change_text", label("report.distance.change", lang), "text"),
        Col("n"),
        Col("better_text", label("report.distance.better_if", lang), "text"),
    )


def _baseline_text(value: object, year: object, key: str, lang: str) -> str:
    shown = format_value(value, indicator(key).unit, lang=lang)
    if isinstance(value, str) or pd.isna(year) or shown == "–":
        return shown
    return f"{shown} ({int(year)})"


def distance_view(rows: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The rows of a distance table with the texts a report shows beside the keys."""
    records = rows.to_dict(orient="records")
    return rows.assign(
        label=[row_label(r, lang) for r in records],
        baseline_text=[
            _baseline_text(r["baseline"], r["baseline_year"], r["indicator"], lang) for r in records
        ],
        current_text=[
            format_value(r["current"], indicator(r["indicator"]).unit, lang=lang) for r in records
        ],
        change_text=[
            estimate_text(
                r["change"], r["ci_low"], r["ci_high"], indicator(r["indicator"]).unit, lang=lang
            )
            for r in records
        ],
        better_text=[value_label("direction", r["better"], lang) for r in records],
    )


def _chart(ctx: Context, rows: pd.DataFrame, domain: str) -> Block:
    charted = rows
    if domain == "outcomes":  # chart the headline indicator per measure; the table has all
        headline = rows[rows["indicator"].map(lambda key: indicator(key).headline).astype(bool)]
        charted = headline if not headline.empty else rows
    chart = plotting.distance_chart(
        charted,
        ctx.scope,
        domain,
        year=ctx.year,
        name=f"distance_{ctx.slug}_{domain}",
        disclosure=ctx.config.disclosure,
        lang=ctx.lang,
    )
    return figure(chart, ctx.figures_dir)


def _domain_text(domain: str, lang: str) -> str:
    return value_label("domain", domain, lang).lower()


def distance(ctx: Context, domain: str) -> Block:
    """Distance travelled in one domain: the table with intervals, and its chart."""
    table = ctx.tables.distance
    rows = table[(table["rpb"] == ctx.scope) & (table["domain"] == domain)]
    area = value_label("rpb", ctx.scope, ctx.lang)
    if rows.empty:
        return paragraph(
            label(
                "report.distance.none",
                ctx.lang,
                domain=_domain_text(domain, ctx.lang),
                area=area,
                year=ctx.year,
            ),
            "note",
        )
    block = html_table(
        distance_view(rows, ctx.lang),
        view_columns(ctx.lang),
        caption=label(
            "report.distance.caption", ctx.lang, domain=_domain_text(domain, ctx.lang), area=area
        ),
        lang=ctx.lang,
        download="distance_travelled",
    )
    if domain == "implementation":  # the NEST profile figure shows the change per element
        return block
    return block + _chart(ctx, rows, domain)


def change_by_rpb(ctx: Context, domain: str) -> Block:
    """Every RPB's distance travelled in one domain, with intervals."""
    table = ctx.tables.distance
    rows = table[table["domain"] == domain]
    if rows.empty:
        return paragraph(
            label(
                "report.distance.none_any",
                ctx.lang,
                domain=_domain_text(domain, ctx.lang),
                year=ctx.year,
            ),
            "note",
        )
    return html_table(
        distance_view(rows, ctx.lang),
        (Col("rpb"), *view_columns(ctx.lang)),
        caption=label(
            "report.distance.caption_every", ctx.lang, domain=_domain_text(domain, ctx.lang)
        ),
        lang=ctx.lang,
        download="distance_travelled",
    )
