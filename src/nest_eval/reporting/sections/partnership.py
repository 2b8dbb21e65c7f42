"""Partnership enablers (recommendation G), co-production maturity (B) and training."""

from __future__ import annotations

import pandas as pd

from nest_eval.reference.indicators import indicator
from nest_eval.reference.vocabulary import WALES
from nest_eval.reporting.blocks import Block, Col, heading, html_table, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import estimate_text, format_value
from nest_eval.reporting.labels import row_label

__all__ = ["enablers", "enablers_change", "training"]

_COUNTED = ("multiagency_panel", "cyp_on_board")


def _enablers_view(ctx: Context) -> pd.DataFrame:
    rows = ctx.results.enablers.copy()
    wales = rows["rpb"] == WALES
    returned = int(rows.loc[wales, "returned"].iloc[0]) if wales.any() else 0
    for column in _COUNTED:  # for Wales, how many of the RPBs that made a return
        rows[f"{column}_text"] = [format_value(v, "flag", lang=ctx.lang) for v in rows[column]]
        rows.loc[wales, f"{column}_text"] = [
            f"{int(v)} of {returned} RPBs" for v in rows.loc[wales, column]
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
    return heading("NEST and children's rights training") + html_table(
        shown,
        (
            Col("label", "Figure", "text"),
            Col("value_text", "Value (95% CI)", "text"),
            Col("n", "Based on", "count_learners"),
        ),
        caption=f"Learners enrolled in {ctx.year} up to {ctx.census_date}, and their completions "
        "and ratings by then (training is reported for Wales only)",
        lang=ctx.lang,
    )


def enablers(ctx: Context) -> Block:
    """Partnership enablers (G), co-production maturity (B) and, nationally, training."""
    if ctx.results.enablers.empty:
        return paragraph("No partnership returns this year.", "note")
    block = html_table(
        _enablers_view(ctx),
        (
            Col("rpb"),
            Col("core_funding_gbp"),
            Col("rif_funding_gbp"),
            Col("pooled_share"),
            Col("workforce_vacancy_rate"),
            Col("multiagency_panel_text", "Multi-agency panel", "text"),
            Col("coproduction_maturity"),
            Col("cyp_on_board_text", "Young people on the board", "text"),
        ),
        caption=f"Partnership enablers {ctx.year} (for Wales: totals, means, and the "
        "number of RPBs with a panel or young people on the board)",
        lang=ctx.lang,
    )
    if ctx.rpb is None and not ctx.tables.training.empty:
        block = block + training(ctx)
    return block


def enablers_change(ctx: Context) -> Block:
    """Enablers in the baseline year beside this year's."""
    results = ctx.results
    if results.enablers_baseline is None or results.enablers.empty:
        return paragraph("No baseline year of partnership returns.", "note")
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
    return html_table(
        pd.DataFrame(rows),
        (
            Col("rpb"),
            Col("pooled_share_then", f"Pooled share {base}", "share"),
            Col("pooled_share_now", f"Pooled share {year}", "share"),
            Col("workforce_vacancy_rate_then", f"Vacancy {base}", "share"),
            Col("workforce_vacancy_rate_now", f"Vacancy {year}", "share"),
            Col("coproduction_maturity_then", f"Maturity {base}", "maturity_level"),
            Col("coproduction_maturity_now", f"Maturity {year}", "maturity_level"),
        ),
        caption="Partnership enablers: baseline and this year",
        lang=ctx.lang,
    )
