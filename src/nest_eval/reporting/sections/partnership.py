"""Partnership enablers (recommendation G), co-production maturity (B) and training."""

from __future__ import annotations

import pandas as pd

from nest_eval.reference.indicators import indicator
from nest_eval.reference.messages import label
from nest_eval.reference.vocabulary import WALES
from nest_eval.reporting.blocks import Block, Col, heading, html_table, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import estimate_text, format_date, format_value
from nest_eval.reporting.labels import column_label, row_label

__all__ = ["enablers", "enablers_change", "training"]

_COUNTED = ("multiagency_panel", "cyp_on_board")


def _enablers_view(ctx: Context) -> pd.DataFrame:
    rows = ctx.results.enablers.copy()
    wales = rows["rpb"] == WALES
    returned = int(rows.loc[wales, "returned"].iloc[0]) if wales.any() else 0
    for column in _COUNTED:  # for Wales, how many of the RPBs that made a return
        rows[f"{column}_text"] = [format_value(v, "flag", lang=ctx.lang) for v in rows[column]]
        rows.loc[wales, f"{column}_text"] = [
            label("report.partnership.of_rpbs", ctx.lang, count=int(v), returned=returned)
            for v in rows.loc[wales, column]
        ]
    if ctx.rpb is not None:
        rows = rows[rows["rpb"].isin([ctx.rpb, WALES])]
    return rows


def training(ctx: Context) -> Block:
    """The national training figures (enrolment, completion, ratings, organisations)."""
    table = ctx.tables.training
    records = table.to_dict(orient="records")
    shown = table.assign(
        label=[row_label(r, ctx.lang) for r in records],
        value_text=[
            estimate_text(r["value"], r["ci_low"], r["ci_high"], indicator(r["indicator"]).unit,
                          signed=False, lang=ctx.lang)
            for r in records
        ],
    )  # fmt: skip
    return heading(label("report.partnership.training", ctx.lang)) + html_table(
        shown,
        (
            Col("label", label("report.partnership.figure", ctx.lang), "text"),
            Col("value_text", label("report.partnership.value", ctx.lang), "text"),
            Col("n", label("report.partnership.based_on", ctx.lang), "count_learners"),
        ),
        caption=label(
            "report.partnership.training_caption",
            ctx.lang,
            year=ctx.year,
            census_date=format_date(ctx.results.census_date, ctx.lang),
        ),
        lang=ctx.lang,
        download="training",
    )


def enablers(ctx: Context) -> Block:
    """Partnership enablers (G), co-production maturity (B) and, nationally, training."""
    if ctx.results.enablers.empty:
        return paragraph(label("report.partnership.none", ctx.lang), "note")
    block = html_table(
        _enablers_view(ctx),
        (
            Col("rpb"),
            Col("core_funding_gbp"),
            Col("rif_funding_gbp"),
            Col("pooled_share"),
            Col("workforce_vacancy_rate"),
            Col("multiagency_panel_text", column_label("multiagency_panel", ctx.lang), "text"),
            Col("coproduction_maturity"),
            Col("cyp_on_board_text", column_label("cyp_on_board", ctx.lang), "text"),
        ),
        caption=label("report.partnership.caption", ctx.lang, year=ctx.year),
        lang=ctx.lang,
        download="enablers",
    )
    if ctx.rpb is None and not ctx.tables.training.empty:
        block = block + training(ctx)
    return block


def enablers_change(ctx: Context) -> Block:
    """Enablers in the baseline year beside this year's."""
    results = ctx.results
    if results.enablers_baseline is None or results.enablers.empty:
        return paragraph(label("report.partnership.no_baseline", ctx.lang), "note")
    now = results.enablers.set_index("rpb")
    then = results.enablers_baseline.set_index("rpb")
    columns = ("pooled_share", "workforce_vacancy_rate", "coproduction_maturity")
    rows = []
    for rpb in now.index:
        record: dict[str, object] = {"rpb": rpb}
        for column in columns:
            record[f"{column}_then"] = then.loc[rpb, column] if rpb in then.index else None
            record[f"{column}_now"] = now.loc[rpb, column]
        rows.append(record)
    base, year = results.baseline_year, ctx.year

    def head(name: str, when: object) -> str:
        return label(f"report.partnership.{name}_in", ctx.lang, year=when)

    return html_table(
        pd.DataFrame(rows),
        (
            Col("rpb"),
            Col("pooled_share_then", head("pooled_share", base), "share"),
            Col("pooled_share_now", head("pooled_share", year), "share"),
            Col("workforce_vacancy_rate_then", head("vacancy", base), "share"),
            Col("workforce_vacancy_rate_now", head("vacancy", year), "share"),
            Col("coproduction_maturity_then", head("maturity", base), "maturity_level"),
            Col("coproduction_maturity_now", head("maturity", year), "maturity_level"),
        ),
        caption=label("report.partnership.change_caption", ctx.lang),
        lang=ctx.lang,
    )
