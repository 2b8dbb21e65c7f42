"""Outcomes: change on validated measures, reliable change, and the case-mix-adjusted change."""

from __future__ import annotations

import html

import pandas as pd

from nest_eval.domains.case_mix import min_paired_for
from nest_eval.reference.vocabulary import RPB_NAMES, WALES
from nest_eval.reporting import plotting
from nest_eval.reporting.blocks import Block, Col, figure, heading, html_table, join, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import estimate_text
from nest_eval.reporting.labels import row_label

__all__ = ["adjusted", "change_per_year", "models", "outcomes", "outcomes_by_rpb", "paired_data"]


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
            Col("change_text", "Mean change (95% CI)", "text"),
            Col("smc_text", "Standardised change (95% CI)", "text"),
            Col("pct_reliable_improvement"),
            Col("pct_no_reliable_change"),
            Col("pct_reliable_deterioration"),
            Col("pct_reliable_recovery"),
            Col("n_not_assessable"),
        ),
        caption=f"Change from first to last assessment, children whose first assessment was "
        f"in {ctx.year}: {ctx.scope} (percentages of the pairs assessable for reliable "
        "change; recovered is part of improved)",
        lang=ctx.lang,
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
        heading("Case-mix-adjusted change from first to last assessment")
        + paragraph(
            "Each child's last score is regressed on their first score, age at the first "
            "assessment, sex, deprivation quintile and the time between the two assessments, "
            "with the RPB as a factor (analysis of covariance). An RPB's adjusted change is the "
            "mean change from first to last assessment the model predicts for all the children "
            "of Wales in the model had they been in that RPB: the RPB's change with Wales's case "
            "mix, on the same scale and over the same follow-up as the unadjusted mean change "
            "beside it (of every child with two or more assessments). Wales's adjusted change is "
            "the mean change of the children in the models. RPBs with fewer than "
            f"{min_paired_for(ctx.threshold)} children with two or more assessments on a "
            "measure are not modelled (see Methods)."
        )
        + html_table(
            frame,
            (
                Col("measure"),
                Col("respondent"),
                Col("rpb"),
                Col("raw_text", "Mean change (95% CI)", "text"),
                Col("change_text", "Adjusted change (95% CI)", "text"),
                Col("n_children_paired", "Children in the model", "count_people"),
            ),
            caption="Case-mix-adjusted change from first to last assessment",
            lang=ctx.lang,
        )
    )


def change_per_year(ctx: Context) -> Block:
    """The mixed models' change per year of follow-up (for analysts; reports use the ANCOVA)."""
    table = ctx.tables.change_per_year
    if table.empty:
        return paragraph("No measure had enough children for a model.", "note")
    frame = _areas(ctx, table)
    records = frame.to_dict(orient="records")
    frame = frame.assign(
        change_text=[
            estimate_text(r["change_per_year"], r["ci_low"], r["ci_high"], "score_per_year",
                          lang=ctx.lang)
            for r in records
        ]
    )  # fmt: skip
    return paragraph(
        "From a random-intercept mixed model on every assessment of the children in the models, "
        "with interactions of age, sex and deprivation quintile with time: each RPB's change "
        "per year of follow-up for a child of the Wales average case mix. Follow-ups are mostly "
        "a few months long, so a change per year extrapolates beyond them; the reports publish "
        "the adjusted change from first to last assessment instead."
    ) + html_table(
        frame,
        (
            Col("measure"),
            Col("respondent"),
            Col("rpb"),
            Col("change_text", "Change per year (95% CI)", "text"),
            Col("n_children_paired", "Children with 2+ assessments", "count_people"),
        ),
        caption="Change per year of follow-up (mixed models)",
        lang=ctx.lang,
    )


def outcomes(ctx: Context) -> Block:
    """Outcomes: change and reliable-change categories per measure, and the adjusted change."""
    table = ctx.tables.outcomes_change
    rows = table[table["rpb"] == ctx.scope] if not table.empty else table
    if rows.empty:
        return paragraph(f"No outcome measures for {ctx.scope} in {ctx.year}.", "note")
    chart = plotting.outcome_categories(
        rows,
        ctx.scope,
        year=ctx.year,
        name=f"outcomes_{ctx.slug}",
        disclosure=ctx.config.disclosure,
    )
    return _change_table(ctx, rows) + figure(chart, ctx.figures_dir) + adjusted(ctx)


def outcomes_by_rpb(ctx: Context) -> Block:
    """Change and reliable-change categories for every RPB and measure."""
    table = ctx.tables.outcomes_change
    if table.empty:
        return paragraph("No outcome measures this year.", "note")
    return html_table(
        table,
        (
            Col("rpb"),
            Col("measure"),
            Col("respondent"),
            Col("n_pairs"),
            Col("mean_change"),
            Col("mean_change_ci_low", "95% CI low"),
            Col("mean_change_ci_high", "95% CI high"),
            Col("reliable_improvement"),
            Col("no_reliable_change"),
            Col("reliable_deterioration"),
            Col("reliable_recovery"),
        ),
        caption="Outcomes per RPB, measure and respondent",
        lang=ctx.lang,
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
    return rows.assign(flag=rows["rpb"].map(flags).fillna("–"))


def paired_data(ctx: Context) -> Block:
    """The paired data rate per RPB: children with a follow-up assessment, against Wales."""
    table = ctx.tables.paired_data
    if table.empty:
        return paragraph(f"No outcome measures in {ctx.year}.", "note")
    blocks = [
        paragraph(
            "The paired data rate (CORC's first data-quality figure): of the children whose "
            f"first assessment on a measure fell in {ctx.year}, the share with at least two "
            "assessments on a measure, from which change can be measured. Where it is low, the "
            "change reported rests on a few of the children seen, who may differ from the "
            "others. Each RPB is placed against exact binomial limits around the Wales rate "
            "(see the funnel plots); only an RPB outside them is flagged."
        ),
        html_table(
            _paired_rows(ctx),
            (
                Col("rpb"),
                Col("n", "Children"),
                Col("count", "With a follow-up"),
                Col("estimate", "Paired data rate"),
                Col("ci_low"),
                Col("ci_high"),
                Col("flag", "Against the funnel limits", "text"),
            ),
            caption=f"Paired data rate {ctx.year}: {ctx.scope}",
            lang=ctx.lang,
        ),
    ]
    funnels = ctx.tables.funnels
    if ctx.rpb is None and not funnels.empty:
        drawn = funnels[(funnels["indicator"] == PAIRED_DATA) & funnels["shown"]]
        if len(drawn) >= 3:
            chart = plotting.funnel(
                drawn,
                row_label(drawn.iloc[0].to_dict(), ctx.lang),
                xlabel="Number of children (n)",
                name="funnel_paired_data_rate",
                disclosure=ctx.config.disclosure,
            )
            blocks.append(figure(chart, ctx.figures_dir))
    return join(blocks)


_FIT = {"converged": "yes", "singular": "singular: between-child variance 0", "failed": "NO"}
"""How each mixed model's fit is shown: converged, singular (on the boundary), not converged."""


def _fit_status(converged: bool, singular: bool) -> str:
    if not converged:
        return _FIT["failed"]
    return _FIT["singular"] if singular else _FIT["converged"]


def models(ctx: Context) -> Block:
    """The mixed models: size, variance components, excluded RPBs and how each fit ended."""
    fitted = ctx.tables.models
    if fitted.empty:
        return paragraph("No measure had enough children for a model.", "note")
    shown = fitted.assign(
        excluded=fitted["excluded"].replace("", "–"),
        fit=[
            _fit_status(bool(c), bool(s))
            for c, s in zip(fitted["converged"], fitted["singular"], strict=True)
        ],
    )
    spec = ctx.results.per_year_specification
    return Block(f"<pre>{html.escape(spec)}</pre>", spec) + html_table(
        shown,
        (
            Col("measure"),
            Col("respondent"),
            Col("children", "Children", "count_people"),
            Col("observations", "Assessments", "count_responses"),
            Col("sigma2_child", "Between-child variance", "variance"),
            Col("sigma2", "Residual variance", "variance"),
            Col("excluded", "RPBs with too few children", "text"),
            Col("left_out", "Children missing a covariate", "count_people"),
            Col("fit", "Converged", "text"),
        ),
        caption="Random-intercept models fitted (REML)",
        lang=ctx.lang,
    )
