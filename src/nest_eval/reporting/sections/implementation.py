"""Implementation: the NEST profile of journey ratings, their change, voices and evidence.

Every sentence, heading and caption is a message ``report.implementation.<name>`` of the
catalogue, in the report's language.
"""

from __future__ import annotations

import pandas as pd

from nest_eval.reference.messages import label
from nest_eval.reference.vocabulary import CORE_ELEMENTS, FOUNDATIONS, RPB_NAMES, WALES
from nest_eval.reporting import plotting
from nest_eval.reporting.blocks import Block, Col, figure, html_table, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import format_value
from nest_eval.reporting.labels import value_label

__all__ = ["changes", "evidence", "foundations", "nest_profile", "profile_table", "voices"]


def _t(ctx: Context, name: str, **values: object) -> str:
    """Text of this section in the report's language (message ``report.implementation.<name>``)."""
    return label(f"report.implementation.{name}", ctx.lang, **values)


def _own_heading(ctx: Context) -> str:
    """The heading of the RPB's own column: its name and the year."""
    return _t(ctx, "column_own", rpb=value_label("rpb", ctx.rpb, ctx.lang), year=ctx.year)


def _rating_text(ctx: Context, submitted: bool, rating: object) -> str:
    """An RPB's rating as shown: the rating, *not rated* or *not submitted*."""
    if not submitted:
        return _t(ctx, "not_submitted")
    if pd.isna(rating):  # type: ignore[call-overload]
        return _t(ctx, "not_rated")
    return format_value(rating, "journey_rating", lang=ctx.lang)


def _own_rating(ctx: Context, current: pd.DataFrame, element: str) -> tuple[float, str]:
    mine = current[(current["rpb"] == ctx.rpb) & (current["element"] == element)]
    if mine.empty:
        return float("nan"), _rating_text(ctx, False, None)
    rating = mine["rating"].iloc[0]
    return rating, _rating_text(ctx, True, rating)


def profile_table(ctx: Context) -> pd.DataFrame:
    """Per core element: the Wales mean and RPBs rating (and the baseline's), the RPB's rating.

    Each cycle's mean is over the RPBs rating the element that cycle; the change, like for like,
    is in the distance-travelled table.
    """
    results = ctx.results
    national = results.national_means.set_index("element")
    baseline = results.national_means_baseline
    current = results.journey_ratings[results.journey_ratings["year"] == results.year]
    rows = []
    for element in CORE_ELEMENTS:
        record = {
            "element": element.key,
            "mean_rating": national.loc[element.key, "mean_rating"],
            "n_rpbs": national.loc[element.key, "n_rpbs"],
            "not_rated": national.loc[element.key, "n_not_rated"],
        }
        if baseline is not None:
            then = baseline.set_index("element").loc[element.key]
            record["baseline_mean"], record["baseline_n_rpbs"] = then["mean_rating"], then["n_rpbs"]
        if ctx.rpb is not None:
            record["rpb_rating"], record["rpb_text"] = _own_rating(ctx, current, element.key)
        rows.append(record)
    return pd.DataFrame(rows)


def nest_profile(ctx: Context) -> Block:
    """The NEST profile: journey ratings per element against the Wales mean."""
    frame = profile_table(ctx)
    columns = [Col("element")]
    if ctx.rpb is not None:
        columns.append(Col("rpb_text", _own_heading(ctx), "text"))
    columns += [Col("mean_rating", _t(ctx, "column_wales_mean", year=ctx.year)), Col("n_rpbs")]
    if "baseline_mean" in frame:  # each cycle's mean with its own count of RPBs
        base = ctx.results.baseline_year
        columns[-1] = Col("n_rpbs", _t(ctx, "column_rpbs_rating_in", year=ctx.year))
        columns += [
            Col("baseline_mean", _t(ctx, "column_wales_mean", year=base), "journey_rating"),
            Col("baseline_n_rpbs", _t(ctx, "column_rpbs_rating_in", year=base), "count_rpbs"),
        ]
    columns += [Col("not_rated", _t(ctx, "column_not_rated_in", year=ctx.year), "count_rpbs")]
    block = html_table(
        frame,
        columns,
        caption=_t(ctx, "profile_caption"),
        lang=ctx.lang,
        download="self_assessment_national",
    )
    ratings = ctx.results.journey_ratings
    chart = plotting.nest_profile(
        ctx.results.national_means,
        ratings[ratings["rpb"] == ctx.rpb] if ctx.rpb is not None else None,
        ctx.rpb,
        year=ctx.year,
        baseline_year=ctx.results.baseline_year,
        name=f"nest_profile_{ctx.slug}",
        lang=ctx.lang,
    )
    return block + figure(chart, ctx.figures_dir)


def changes(ctx: Context) -> Block:
    """Each RPB's change in journey ratings: mean over elements, elements up and down."""
    summary = ctx.results.implementation_summary
    if summary is None:
        return paragraph(_t(ctx, "no_baseline"), "note")
    base, year = ctx.results.baseline_year, ctx.year
    return html_table(
        summary,
        (
            Col("rpb"),
            Col("baseline", _t(ctx, "column_mean_in", year=base), "journey_rating"),
            Col("current", _t(ctx, "column_mean_in", year=year), "journey_rating"),
            Col("change", _t(ctx, "column_change"), "journey_rating"),
            Col("n_elements", _t(ctx, "column_rated_both"), "count_elements"),
            Col("n_up", _t(ctx, "column_up"), "count_elements"),
            Col("n_down", _t(ctx, "column_down"), "count_elements"),
            Col("n_same", _t(ctx, "column_same"), "count_elements"),
        ),
        caption=_t(ctx, "changes_caption"),
        lang=ctx.lang,
    )


def voices(ctx: Context) -> Block:
    """Share of journey ratings informed by children's and by families' voices.

    Every RPB and Wales in the national report; the RPB and Wales in an RPB's.
    """
    shares = ctx.results.voice_shares
    if shares.empty:
        return paragraph(_t(ctx, "no_self_assessments"), "note")
    if ctx.rpb is not None:
        shares = shares[shares["rpb"].isin([ctx.rpb, WALES])]
    return html_table(
        shares,
        (
            Col("rpb"),
            Col("n_ratings", _t(ctx, "column_ratings"), "count_ratings"),
            Col("share_cyp_voice", _t(ctx, "column_cyp_voice"), "share"),
            Col("share_family_voice", _t(ctx, "column_family_voice"), "share"),
            Col("n_voice_unknown", _t(ctx, "column_not_stated"), "count_ratings"),
        ),
        caption=_t(ctx, "voices_caption", year=ctx.year),
        lang=ctx.lang,
    )


def _foundation_rows(ctx: Context) -> pd.DataFrame:
    """Per foundation: the Wales mean with its counts, each RPB's rating (or the RPB's own)."""
    table = ctx.results.foundations
    wales = table[table["rpb"] == WALES].set_index("element")
    rows = []
    for element in FOUNDATIONS:
        if element.key not in wales.index:
            continue
        mine = table[table["element"] == element.key].set_index("rpb")
        record = {
            "element": element.key,
            "mean_rating": wales.loc[element.key, "rating"],
            "n_rpbs": wales.loc[element.key, "n_rpbs"],
            "not_rated": wales.loc[element.key, "n_not_rated"],
        }
        if ctx.rpb is None:
            record |= {rpb: mine.loc[rpb, "rating"] for rpb in RPB_NAMES}
        else:
            own = mine.loc[ctx.rpb]
            record["rpb_text"] = _rating_text(ctx, bool(own["submitted"]), own["rating"])
        rows.append(record)
    return pd.DataFrame(rows)


def foundations(ctx: Context) -> Block:
    """The NEST foundations' journey ratings: each RPB's (or the RPB's) and the Wales mean."""
    if ctx.results.foundations.empty:
        return paragraph(_t(ctx, "no_foundations", year=ctx.year), "note")
    columns = [Col("element")]
    if ctx.rpb is not None:
        columns.append(Col("rpb_text", _own_heading(ctx), "text"))
    columns += [Col("mean_rating", _t(ctx, "column_wales_mean", year=ctx.year)),
                Col("n_rpbs", _t(ctx, "column_rpbs_rating")),
                Col("not_rated", _t(ctx, "column_not_rated"), "count_rpbs")]  # fmt: skip
    if ctx.rpb is None:
        columns += [Col(rpb, value_label("rpb", rpb, ctx.lang), "journey_rating")
                    for rpb in RPB_NAMES]  # fmt: skip
    return paragraph(_t(ctx, "foundations_intro")) + html_table(
        _foundation_rows(ctx),
        columns,
        caption=_t(ctx, "foundations_caption", year=ctx.year),
        lang=ctx.lang,
    )


def _rpb_evidence(ctx: Context) -> Block:
    rows = ctx.results.evidence[ctx.results.evidence["rpb"] == ctx.rpb]
    if rows.empty:
        area = value_label("rpb", ctx.rpb, ctx.lang)
        return paragraph(_t(ctx, "no_evidence_from", rpb=area), "note")
    return html_table(
        rows,
        (Col("element"), Col("rating", _t(ctx, "column_rating"), "journey_rating"),
         Col("evidence", _t(ctx, "column_evidence"), "text")),
        caption=_t(ctx, "evidence_caption", rpb=value_label("rpb", ctx.rpb, ctx.lang),
                   year=ctx.year),
        lang=ctx.lang,
    )  # fmt: skip


def evidence(ctx: Context) -> Block:
    """What the RPB's own evidence says (its self-assessment), or a national overview."""
    results = ctx.results
    if results.evidence.empty:
        return paragraph(_t(ctx, "no_evidence"), "note")
    if ctx.rpb is not None:
        return _rpb_evidence(ctx)
    counts = results.evidence.groupby("rpb").size().reindex(RPB_NAMES, fill_value=0)
    block = html_table(
        counts.rename("elements").reset_index(),
        (Col("rpb"), Col("elements", _t(ctx, "column_elements_with_evidence"), "count_elements")),
        caption=_t(ctx, "evidence_overview_caption"),
        lang=ctx.lang,
    )
    if results.projects.empty:
        return block
    return block + html_table(
        results.projects,
        (
            Col("rpb"),
            Col("element"),
            Col("n_projects", _t(ctx, "column_projects"), "count_rows"),
            Col("project_mean", _t(ctx, "column_project_mean"), "journey_rating"),
            Col("project_min", _t(ctx, "column_lowest"), "journey_rating"),
            Col("project_max", _t(ctx, "column_highest"), "journey_rating"),
            Col("region_rating", _t(ctx, "column_regional_rating"), "journey_rating"),
        ),
        caption=_t(ctx, "projects_caption"),
        lang=ctx.lang,
    )
