"""Outcomes: change on validated measures, reliable change, and the case-mix-adjusted change.

Every sentence, heading and caption is a message ``report.outcomes.<name>`` of the catalogue, in
the report's language.
"""

from __future__ import annotations

import html

import pandas as pd

from nest_eval.domains.case_mix import min_paired_for
from nest_eval.reference.messages import label
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.reporting import plotting
from nest_eval.reporting.blocks import Block, Col, figure, heading, html_table, join, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import estimate_text
from nest_eval.reporting.labels import row_label, value_label

__all__ = ["adjusted", "change_per_year", "models", "outcomes", "outcomes_by_rpb", "paired_data"]


def _t(ctx: Context, name: str, **values: object) -> str:
    """A sentence of this section in the report's language (message ``report.outcomes.<name>``)."""
    return label(f"report.outcomes.{name}", ctx.lang, **values)


def _area(ctx: Context) -> str:
    """The report's area (an RPB or Wales), in its language."""
    return value_label("rpb", ctx.scope, ctx.lang)


def _with_change_texts(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    records = rows.to_dict(orient="records")
    return rows.assign(
        change_text=[
            estimate_text(r["mean_change"], r["mean_change_ci_low"], r["mean_change_ci_high"],
                          "score", lang=lang)
            for r in records
        ],
        smc_text=[
            estimate_text(r["smc"], r["smc_ci_low"], r["smc_ci_high"], "standardised", lang=lang)
            for r in records
        ],
    )  # fmt: skip


def _change_table(ctx: Context, rows: pd.DataFrame) -> Block:
    return html_table(
        _with_change_texts(rows, ctx.lang),
        (
            Col("measure"),
            Col("respondent"),
            Col("n_pairs"),
            Col("n_unpaired"),
            Col("change_text", _t(ctx, "column_mean_change"), "text"),
            Col("smc_text", _t(ctx, "column_standardised_change"), "text"),
            Col("pct_reliable_improvement"),
            Col("pct_no_reliable_change"),
            Col("pct_reliable_deterioration"),
            Col("pct_reliable_recovery"),
            Col("n_not_assessable"),
        ),
        caption=_t(ctx, "change_caption", year=ctx.year, area=_area(ctx)),
        lang=ctx.lang,
        download="outcomes_change",
    )


_KEYS = ["rpb", "measure", "respondent"]
_RAW = ["mean_change", "mean_change_ci_low", "mean_change_ci_high", "n_pairs"]


def _areas(ctx: Context, table: pd.DataFrame) -> pd.DataFrame:
    """The rows of the area (and Wales) in a regional report; every RPB's and Wales's nationally."""
    areas = [ctx.scope, WALES] if ctx.rpb else [*RPB_NAMES, WALES]
    return table[table["rpb"].isin(areas)]


def adjusted(ctx: Context) -> Block:
    """The case-mix-adjusted change from first to last assessment (ANCOVA), beside the raw one."""
    table = ctx.tables.adjusted
    if table.empty:
        return Block("", "")
    raw = ctx.tables.outcomes_change[[*_KEYS, *_RAW]]
    frame = _areas(ctx, table).merge(raw, on=_KEYS, how="left")
    records = frame.to_dict(orient="records")
    frame = frame.assign(
        raw_text=[
            estimate_text(r["mean_change"], r["mean_change_ci_low"], r["mean_change_ci_high"],
                          "score", lang=ctx.lang)
            for r in records
        ],
        change_text=[
            estimate_text(r["adjusted_change"], r["ci_low"], r["ci_high"], "score",
                          lang=ctx.lang)
            for r in records
        ],
    )  # fmt: skip
    return (
        heading(_t(ctx, "adjusted_heading"))
        + paragraph(_t(ctx, "adjusted_intro", min_paired=min_paired_for(ctx.threshold)))
        + html_table(
            frame,
            (
                Col("measure"),
                Col("respondent"),
                Col("rpb"),
                Col("raw_text", _t(ctx, "column_mean_change"), "text"),
                Col("change_text", _t(ctx, "column_adjusted_change"), "text"),
                Col("n_children_paired", _t(ctx, "column_children_in_model"), "count_people"),
            ),
            caption=_t(ctx, "adjusted_heading"),
            lang=ctx.lang,
        )
    )


def change_per_year(ctx: Context) -> Block:
    """The mixed models' change per year of follow-up (for analysts; reports use the ANCOVA)."""
    table = ctx.tables.change_per_year
    if table.empty:
        return paragraph(_t(ctx, "no_model"), "note")
    frame = _areas(ctx, table)
    records = frame.to_dict(orient="records")
    frame = frame.assign(
        change_text=[
            estimate_text(r["change_per_year"], r["ci_low"], r["ci_high"], "score_per_year",
                          lang=ctx.lang)
            for r in records
        ]
    )  # fmt: skip
    return paragraph(_t(ctx, "per_year_intro")) + html_table(
        frame,
        (
            Col("measure"),
            Col("respondent"),
            Col("rpb"),
            Col("change_text", _t(ctx, "column_change_per_year"), "text"),
            Col("n_children_paired", _t(ctx, "column_children_paired"), "count_people"),
        ),
        caption=_t(ctx, "per_year_caption"),
        lang=ctx.lang,
    )


def outcomes(ctx: Context) -> Block:
    """Outcomes: change and reliable-change categories per measure, and the adjusted change."""
    table = ctx.tables.outcomes_change
    rows = table[table["rpb"] == ctx.scope] if not table.empty else table
    if rows.empty:
        return paragraph(_t(ctx, "none_for_area", area=_area(ctx), year=ctx.year), "note")
    chart = plotting.outcome_categories(
        rows,
        ctx.scope,
        year=ctx.year,
        name=f"outcomes_{ctx.slug}",
        disclosure=ctx.config.disclosure,
        lang=ctx.lang,
    )
    return _change_table(ctx, rows) + figure(chart, ctx.figures_dir) + adjusted(ctx)


def outcomes_by_rpb(ctx: Context) -> Block:
    """Change and reliable-change categories for every RPB and measure."""
    table = ctx.tables.outcomes_change
    if table.empty:
        return paragraph(_t(ctx, "none_this_year"), "note")
    return html_table(
        table,
        (
            Col("rpb"),
            Col("measure"),
            Col("respondent"),
            Col("n_pairs"),
            Col("mean_change"),
            Col("mean_change_ci_low", _t(ctx, "column_ci_low")),
            Col("mean_change_ci_high", _t(ctx, "column_ci_high")),
            Col("reliable_improvement"),
            Col("no_reliable_change"),
            Col("reliable_deterioration"),
            Col("reliable_recovery"),
        ),
        caption=_t(ctx, "by_rpb_caption"),
        lang=ctx.lang,
        download="outcomes_change",
    )


PAIRED_DATA = "paired_data_rate"
"""The indicator of :func:`paired_data` (CORC's paired data rate)."""


def _paired_rows(ctx: Context) -> pd.DataFrame:
    """The paired data rate of the area (every RPB nationally) and Wales, with funnel flags."""
    table = ctx.tables.paired_data
    areas = [ctx.scope, WALES] if ctx.rpb else [*RPB_NAMES, WALES]
    rows = table[table["rpb"].isin(areas)]
    funnels = ctx.tables.funnels
    flags = (
        funnels.loc[funnels["indicator"] == PAIRED_DATA].set_index("rpb")["flag"]
        if not funnels.empty
        else pd.Series(dtype=object)
    )
    shown = rows["rpb"].map(flags)
    return rows.assign(
        flag=rows["rpb"].map(flags).fillna("–"),
        flag_text=[_flag_text(ctx, f) for f in shown],
    )


def _flag_text(ctx: Context, flag: object) -> str:
    """Where an RPB lies against the funnel limits, in words (``–`` where not compared)."""
    if not isinstance(flag, str):
        return "–"
    if flag == "within":
        return _t(ctx, "flag_within")
    side, level = flag.rstrip("%").split(" ")
    return _t(ctx, f"flag_{side}", level=level)


def paired_data(ctx: Context) -> Block:
    """The paired data rate per RPB: children with a follow-up assessment, against Wales."""
    table = ctx.tables.paired_data
    if table.empty:
        return paragraph(_t(ctx, "none_in_year", year=ctx.year), "note")
    blocks = [
        paragraph(_t(ctx, "paired_intro", year=ctx.year)),
        html_table(
            _paired_rows(ctx),
            (
                Col("rpb"),
                Col("n", _t(ctx, "column_children")),
                Col("count", _t(ctx, "column_with_follow_up")),
                Col("estimate", _t(ctx, "column_paired_rate")),
                Col("ci_low"),
                Col("ci_high"),
                Col("flag_text", _t(ctx, "column_against_limits"), "text"),
            ),
            caption=_t(ctx, "paired_caption", year=ctx.year, area=_area(ctx)),
            lang=ctx.lang,
            download="paired_data",
        ),
    ]
    funnels = ctx.tables.funnels
    if ctx.rpb is None and not funnels.empty:
        drawn = funnels[(funnels["indicator"] == PAIRED_DATA) & funnels["shown"]]
        if len(drawn) >= 3:
            chart = plotting.funnel(
                drawn,
                row_label(drawn.iloc[0].to_dict(), ctx.lang),
                xlabel=_t(ctx, "funnel_xlabel"),
                name="funnel_paired_data_rate",
                disclosure=ctx.config.disclosure,
                lang=ctx.lang,
            )
            blocks.append(figure(chart, ctx.figures_dir))
    return join(blocks)


def _fit_status(ctx: Context, converged: bool, singular: bool) -> str:
    """How a mixed model's fit ended: converged, singular (on the boundary), not converged."""
    if not converged:
        return _t(ctx, "fit.failed")
    return _t(ctx, "fit.singular" if singular else "fit.converged")


def _rpb_list(ctx: Context, listed: str) -> str:
    """RPBs listed by name (``A, B``) in the report's language; ``–`` for none."""
    if not listed:
        return "–"
    return ", ".join(value_label("rpb", name, ctx.lang) for name in listed.split(", "))


def models(ctx: Context) -> Block:
    """The mixed models: size, variance components, excluded RPBs and how each fit ended."""
    fitted = ctx.tables.models
    if fitted.empty:
        return paragraph(_t(ctx, "no_model"), "note")
    shown = fitted.assign(
        excluded=[_rpb_list(ctx, listed) for listed in fitted["excluded"]],
        fit=[
            _fit_status(ctx, bool(c), bool(s))
            for c, s in zip(fitted["converged"], fitted["singular"], strict=True)
        ],
    )
    spec = _t(ctx, "per_year_specification")
    return Block(f"<pre>{html.escape(spec)}</pre>", spec) + html_table(
        shown,
        (
            Col("measure"),
            Col("respondent"),
            Col("children", _t(ctx, "column_children"), "count_people"),
            Col("observations", _t(ctx, "column_assessments"), "count_responses"),
            Col("sigma2_child", _t(ctx, "column_between_child"), "variance"),
            Col("sigma2", _t(ctx, "column_residual"), "variance"),
            Col("excluded", _t(ctx, "column_excluded"), "text"),
            Col("left_out", _t(ctx, "column_missing_covariate"), "count_people"),
            Col("fit", _t(ctx, "column_converged"), "text"),
        ),
        caption=_t(ctx, "models_caption"),
        lang=ctx.lang,
    )
