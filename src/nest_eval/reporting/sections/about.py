"""About the report: data coverage and quality, methods, and how to reproduce it."""

from __future__ import annotations

import html

import numpy as np

from nest_eval import __version__
from nest_eval.domains.outcomes import (
    MIN_CHILDREN_PER_MODEL,
    MIN_PAIRED_PER_RPB,
    min_paired_for,
)
from nest_eval.files import code_fingerprint
from nest_eval.reporting.blocks import Block, Col, heading, html_table, join, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.tables import quality_table

__all__ = ["census", "methods", "quality", "reproducibility"]

_SD_USED = {
    "reference": "the catalogue's reference SD, or the sample's baseline SD where the catalogue "
    "has none",
    "sample": "the sample's baseline SD (as this run is configured)",
}
_RELIABLE_CHANGE = (
    "Jacobson–Truax reliable change index RCI = (x2 − x1) / S_diff, "
    "S_diff = √2 · SD · √(1 − r); a change is reliable where |RCI| > 1.96. SD is {sd}; "
    "where the catalogue has no reliability but a published reliable-change "
    "threshold, that threshold is used; otherwise a pair is not assessable. For "
    "measures where higher is worse, a reliable fall is an improvement. Clinically "
    "significant change uses the published clinical cut-off; reliable recovery is "
    "reliable improvement from the clinical to the non-clinical range (a subset of "
    "reliable improvement). Categories follow CORC."
)
_MODEL_FIT = (
    "Fitted by exact restricted maximum likelihood (profiled over the variance ratio, "
    f"as lme4 does), on every measure and respondent with at least {MIN_CHILDREN_PER_MODEL} "
    "children; RPBs with fewer than {min_paired} children with two or more assessments (at "
    f"least {MIN_PAIRED_PER_RPB}, and never fewer than the disclosure threshold) are left out "
    "of that model. Intervals are Wald 95% intervals."
)
_INTERVALS = (
    "Proportions: Wilson score intervals; differences of proportions: Newcombe's "
    "hybrid score interval; means: Student t; differences of means: Welch; median and "
    "90th-percentile waits: Kaplan–Meier, with Brookmeyer–Crowley intervals on the log-log "
    "scale (statsmodels' SurvfuncRight, checked against R's survival package); standardised "
    "mean change: Becker "
    "(1988) with the pre-test SD and Hedges' exact correction. Funnel plots: "
    "Spiegelhalter (2005) on the arcsine-square-root scale with overdispersion from "
    "Winsorised z-scores."
)


def quality(ctx: Context) -> Block:
    """Data coverage and quality: the accounting of every dataset, and what was quarantined."""
    table = quality_table(ctx.results.accounting)
    if table.empty:
        return paragraph("No accounting record is available for this data.", "note")
    columns = ["dataset", "status", "rows_read", "rows_accepted", "rows_quarantined",
               "duplicates_collapsed", "rows_not_loaded", "problems"]  # fmt: skip
    text = (
        "Every row read is accounted for: rows read = accepted + quarantined + exact "
        "duplicates collapsed (+ rows of a dataset that could not be loaded). Quarantined "
        "rows broke a rule of the data contract; they are listed, with the rule, for the RPB "
        "to correct at source and are not used. Only counts are published here."
    )
    left_out = int(table["rows_after_census"].sum())
    if left_out:
        columns.append("rows_after_census")
        as_of = ctx.results.accounting["census"]["as_of"]
        text += (
            f" Of the rows accepted, {left_out} dated after the census date of this run "
            f"({as_of}) are left out of it."
        )
    return paragraph(text) + html_table(
        table, tuple(Col(c) for c in columns), caption="Data coverage and quality", lang=ctx.lang
    )


def _figures_used(ctx: Context) -> Block:
    results = ctx.results
    used = set(results.outcomes_change["measure"]) if not results.outcomes_change.empty else set()
    figures = results.catalogue_figures
    figures = figures[figures["measure"].isin(used)].copy()
    status = np.where(figures["verified"], "verified", "UNVERIFIED")
    configured = [f"{s} (configured)" for s in status]
    figures["status"] = np.where(figures["overridden"], configured, status)
    unverified = figures[~figures["verified"]]
    pairs = zip(unverified["measure"], unverified["figure"], strict=True)
    listed = ", ".join(f"{m} {f}" for m, f in pairs)
    return join(
        [
            heading("Outcome measures: figures used"),
            html_table(
                figures,
                (Col("measure"), Col("figure", "Figure", "text"), Col("value", "Value", "score"),
                 Col("status", "Status", "text"), Col("source", "Source", "text")),
                caption="Measures catalogue figures used in this report",
                lang=ctx.lang,
            ),
            paragraph(
                f"{len(unverified)} figure(s) used here are unverified (reported second-hand): "
                f"{listed or 'none'}. Results resting on them should be read with that caution."
            ),
        ]
    )  # fmt: skip


def _disclosure(ctx: Context) -> Block:
    decision = ctx.tables.decision
    low, high = ctx.config.disclosure.small
    suppressed = len(decision.suppressed)
    share = suppressed / decision.published_cells if decision.published_cells else 0.0
    rounding = (
        f" Every other count is rounded to the nearest {ctx.config.disclosure.rounding}."
        if ctx.config.disclosure.rounding
        else ""
    )
    return paragraph(
        f"Counts of people, responses or requests from {low} to {high} below Wales "
        f"level are suppressed and written {ctx.shorthand}; percentages, means, medians, "
        f"intervals and effect sizes resting on a suppressed count, or on fewer than "
        f"{ctx.threshold} people, are suppressed with it. Further counts are suppressed so that "
        "no suppressed count can be worked back out from anything published (row and column "
        "totals, Wales as the sum of the RPBs, categories adding up to their total, the same "
        "count in two tables, the models' sizes and the RPBs they leave out, percentages and "
        f"their denominators).{rounding} Of the {decision.published_cells} counts this "
        f"publication rests on, {suppressed} ({share:.0%}) are suppressed: "
        f"{len(decision.primary)} because they are small and {len(decision.secondary)} to "
        "protect them. An audit by linear programming over every published relation passed: "
        f"each suppressed count can still be any of at least {decision.protection} values "
        f"(the narrowest, {_values(decision.narrowest)}). No identifier and no free-text "
        "comment is published."
    )


def _values(count: float) -> str:
    return "unbounded" if count == float("inf") else f"{int(count)} values"


def census(ctx: Context) -> Block:
    """The census date, and what each figure taken at it means."""
    as_given = ctx.config.as_of is not None
    chosen = "as the run was configured" if as_given else "the last day of the reporting year"
    return paragraph(
        f"Census date: {ctx.census_date} ({chosen}). The report describes what was known at "
        "that date: rows dated after it (outcomes and survey responses, requests received, "
        "learners enrolled) are left out and counted in the data-quality table, so a year's "
        "figures do not change when later data arrive. Figures at a date are taken at it: "
        "requests still waiting are the requests received in the year up to the census date "
        "and not supported by it (withdrawn and declined requests left out); waits to first "
        "support count each request still waiting as waiting at least until the census date "
        "(censored there, Kaplan–Meier); the share supported within 28 days counts the "
        "requests whose 28 days had passed by then; training counts the learners enrolled in "
        "the year up to the census date, those of them who had completed by it and the "
        "ratings given by then. A baseline year is taken at the same point of its own year "
        "(at its end, when the census date is the end of the reporting year). Redirections "
        "carry no date and are counted as recorded."
    )


def methods(ctx: Context) -> Block:
    """Methods: census date, measures catalogue figures used, models, definitions, disclosure."""
    spec = ctx.results.model_specification
    return join(
        [
            heading("Census date"),
            census(ctx),
            _figures_used(ctx),
            heading("Reliable and clinically significant change"),
            paragraph(_RELIABLE_CHANGE.format(sd=_SD_USED[ctx.config.sd])),
            heading("Case-mix-adjusted change"),
            Block(f"<pre>{html.escape(spec)}</pre>", spec),
            paragraph(_MODEL_FIT.format(min_paired=min_paired_for(ctx.threshold))),
            heading("Intervals and comparisons"),
            paragraph(_INTERVALS),
            heading("Disclosure control"),
            _disclosure(ctx),
        ]
    )


def reproducibility(ctx: Context, run_id: str | None = None) -> Block:
    """Code version, run identifier, the run's settings and how to regenerate the report."""
    settings = ", ".join(f"{k} = {v}" for k, v in sorted(ctx.results.parameters.items()))
    lines = [
        f"nest-eval {__version__}; source SHA-256 {code_fingerprint()[:16]}",
        f"Run identifier (hash of inputs, settings and code): {run_id or 'not from a run'}",
        f"Settings: {settings}",
        f"Regenerate: make reports (or nest-eval run --year {ctx.year}); the run's "
        "manifest.json lists every input and output with its SHA-256.",
    ]
    return Block(
        "<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in lines) + "</ul>", "\n".join(lines)
    )
