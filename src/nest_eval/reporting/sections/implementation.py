"""Implementation: the NEST profile of journey ratings, their change, voices and evidence."""

from __future__ import annotations

import pandas as pd

from nest_eval.reference.vocabulary import CORE_ELEMENTS, FOUNDATIONS, RPB_NAMES, WALES
from nest_eval.reporting import plotting
from nest_eval.reporting.blocks import Block, Col, figure, html_table, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import format_value
from nest_eval.reporting.labels import value_label

__all__ = ["changes", "evidence", "foundations", "nest_profile", "profile_table", "voices"]


def _own_rating(current: pd.DataFrame, rpb: str, element: str) -> tuple[float, str]:
    mine = current[(current["rpb"] == rpb) & (current["element"] == element)]
    if mine.empty:
        return float("nan"), "not submitted"
    rating = mine["rating"].iloc[0]
    return rating, "not rated" if pd.isna(rating) else format_value(rating, "journey_rating")


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
            record["rpb_rating"], record["rpb_text"] = _own_rating(current, ctx.rpb, element.key)
        rows.append(record)
    return pd.DataFrame(rows)


def nest_profile(ctx: Context) -> Block:
    """The NEST profile: journey ratings per element against the Wales mean."""
    frame = profile_table(ctx)
    columns = [Col("element")]
    if ctx.rpb is not None:
        columns.append(Col("rpb_text", f"{ctx.rpb} {ctx.year}", "text"))
    columns += [Col("mean_rating", f"Wales mean {ctx.year}"), Col("n_rpbs")]
    if "baseline_mean" in frame:  # each cycle's mean with its own count of RPBs
        base = ctx.results.baseline_year
        columns[-1] = Col("n_rpbs", f"RPBs rating {ctx.year}")
        columns += [
            Col("baseline_mean", f"Wales mean {base}", "journey_rating"),
            Col("baseline_n_rpbs", f"RPBs rating {base}", "count_rpbs"),
        ]
    columns += [Col("not_rated", f"Not rated {ctx.year}", "count_rpbs")]
    block = html_table(frame, columns, caption="NEST profile: journey ratings (1–4)", lang=ctx.lang)
    ratings = ctx.results.journey_ratings
    chart = plotting.nest_profile(
        ctx.results.national_means,
        ratings[ratings["rpb"] == ctx.rpb] if ctx.rpb is not None else None,
        ctx.rpb,
        year=ctx.year,
        baseline_year=ctx.results.baseline_year,
        name=f"nest_profile_{ctx.slug}",
    )
    return block + figure(chart, ctx.figures_dir)


def changes(ctx: Context) -> Block:
    """Each RPB's change in journey ratings: mean over elements, elements up and down."""
    summary = ctx.results.implementation_summary
    if summary is None:
        return paragraph("No baseline cycle: no change can be shown.", "note")
    base, year = ctx.results.baseline_year, ctx.year
    return html_table(
        summary,
        (
            Col("rpb"),
            Col("baseline", f"Mean {base}", "journey_rating"),
            Col("current", f"Mean {year}", "journey_rating"),
            Col("change", "Change", "journey_rating"),
            Col("n_elements", "Elements rated both years", "count_elements"),
            Col("n_up", "Up", "count_elements"),
            Col("n_down", "Down", "count_elements"),
            Col("n_same", "Same", "count_elements"),
        ),
        caption="Journey ratings: change from the baseline cycle",
        lang=ctx.lang,
    )


def voices(ctx: Context) -> Block:
    """Share of journey ratings informed by children's and by families' voices.

    Every RPB and Wales in the national report; the RPB and Wales in an RPB's.
    """
    shares = ctx.results.voice_shares
    if shares.empty:
        return paragraph("No self-assessments this year.", "note")
    if ctx.rpb is not None:
        shares = shares[shares["rpb"].isin([ctx.rpb, WALES])]
    return html_table(
        shares,
        (
            Col("rpb"),
            Col("n_ratings", "Ratings", "count_ratings"),
            Col("share_cyp_voice", "Informed by children's voices", "share"),
            Col("share_family_voice", "Informed by families' voices", "share"),
            Col("n_voice_unknown", "Not stated", "count_ratings"),
        ),
        caption=f"Voices informing the {ctx.year} self-assessments",
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
            record["rpb_text"] = (
                "not submitted"
                if not own["submitted"]
                else "not rated"
                if pd.isna(own["rating"])
                else format_value(own["rating"], "journey_rating")
            )
        rows.append(record)
    return pd.DataFrame(rows)


def foundations(ctx: Context) -> Block:
    """The NEST foundations' journey ratings: each RPB's (or the RPB's) and the Wales mean."""
    if ctx.results.foundations.empty:
        return paragraph(f"No RPB rated the NEST foundations in {ctx.year}.", "note")
    columns = [Col("element")]
    if ctx.rpb is not None:
        columns.append(Col("rpb_text", f"{ctx.rpb} {ctx.year}", "text"))
    columns += [Col("mean_rating", f"Wales mean {ctx.year}"), Col("n_rpbs", "RPBs rating"),
                Col("not_rated", "Not rated", "count_rpbs")]  # fmt: skip
    if ctx.rpb is None:
        columns += [Col(rpb, value_label("rpb", rpb, ctx.lang), "journey_rating")
                    for rpb in RPB_NAMES]  # fmt: skip
    return paragraph(
        "The foundations are the core training and values for all professionals (NEST/NYTH "
        "framework), rated on the same 1–4 journey scale as the core elements. The Wales mean "
        "is over the RPBs that rated each; – is an RPB that did not rate it."
    ) + html_table(
        _foundation_rows(ctx),
        columns,
        caption=f"NEST foundations: journey ratings (1–4), {ctx.year}",
        lang=ctx.lang,
    )


def _rpb_evidence(ctx: Context) -> Block:
    rows = ctx.results.evidence[ctx.results.evidence["rpb"] == ctx.rpb]
    if rows.empty:
        return paragraph(f"{ctx.rpb} submitted no evidence text this year.", "note")
    return html_table(
        rows,
        (Col("element"), Col("rating", "Rating", "journey_rating"),
         Col("evidence", "The RPB's evidence", "text")),
        caption=f"{ctx.rpb}: evidence given with the {ctx.year} self-assessment",
        lang=ctx.lang,
    )  # fmt: skip


def evidence(ctx: Context) -> Block:
    """What the RPB's own evidence says (its self-assessment), or a national overview."""
    results = ctx.results
    if results.evidence.empty:
        return paragraph("No self-assessment evidence was submitted this year.", "note")
    if ctx.rpb is not None:
        return _rpb_evidence(ctx)
    counts = results.evidence.groupby("rpb").size().reindex(RPB_NAMES, fill_value=0)
    block = html_table(
        counts.rename("elements").reset_index(),
        (Col("rpb"), Col("elements", "Elements with evidence", "count_elements")),
        caption="Evidence submitted with the self-assessments",
        lang=ctx.lang,
    )
    if results.projects.empty:
        return block
    return block + html_table(
        results.projects,
        (
            Col("rpb"),
            Col("element"),
            Col("n_projects", "RIF projects", "count_rows"),
            Col("project_mean", "Project mean", "journey_rating"),
            Col("project_min", "Lowest", "journey_rating"),
            Col("project_max", "Highest", "journey_rating"),
            Col("region_rating", "Regional rating", "journey_rating"),
        ),
        caption="RIF project self-assessments beside the regional rating",
        lang=ctx.lang,
    )
