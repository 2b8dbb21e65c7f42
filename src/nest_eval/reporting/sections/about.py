"""About the report: data coverage and quality, methods, and how to reproduce it."""

from __future__ import annotations

import html

import numpy as np

from nest_eval import __version__
from nest_eval.domains.case_mix import (
    MIN_CHILDREN_PER_MODEL,
    MIN_PAIRED_PER_RPB,
    min_paired_for,
)
from nest_eval.files import code_fingerprint
from nest_eval.reporting.blocks import Block, Col, heading, html_table, join, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.tables import quality_table

__all__ = ["methods", "quality", "reproducibility"]

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
    "Fitted by least squares on every measure and respondent with at least "
    f"{MIN_CHILDREN_PER_MODEL} children whose first assessment fell in the year; RPBs with "
    "fewer than {min_paired} children with two or more assessments and every covariate (at "
    f"least {MIN_PAIRED_PER_RPB}, and never fewer than the disclosure threshold) are left out "
    "of that model, and children missing a covariate are left out. Intervals are 95% Student t "
    "intervals on the model's residual degrees of freedom, conditional on the children's first "
    "scores, as emmeans gives them (checked against R's lm and emmeans)."
)
_ADJUSTED_MEANS = (
    "What each figure estimates. The mean change is the unadjusted mean of last minus first "
    "score over every child with two or more assessments. An RPB's adjusted change estimates "
    "the mean change from first to last assessment of the children of all Wales in the model, "
    "had they all been in that RPB: the same children, first scores, ages, sex, quintiles and "
    "intervals between assessments for every RPB, so that RPBs differ only by what the model "
    "attributes to them. It is a change over the follow-up the children actually had (months, "
    "not a year), and it adjusts for regression to the mean (Vickers and Altman 2001). Wales's "
    "adjusted change is the RPBs' weighted by their children in the model, which is the mean "
    "change of those children; its interval is the model's. In distance travelled, the "
    "children of both years are fitted in one such model, with an intercept per year and RPB "
    "and the other coefficients shared, and each year's adjusted change is predicted at this "
    "year's Wales case mix: the change between the years is then the difference of the two "
    "intercepts whatever the case mix (shorter follow-ups this year, or a sex or quintile one "
    "year lacks, do not enter it), with the model's Student t interval. This year's value "
    "there is Wales's exactly and an RPB's within the precision of the shared coefficients; "
    "Wales is compared where the baseline year's model kept every RPB this year's kept. The "
    "change per year of a mixed model on every assessment "
    "is kept for analysts in the outcomes analysis, not in the reports: it extrapolates "
    "follow-ups of a few months to a year."
)
_INTERVALS = (
    "Proportions: Wilson score intervals; differences of proportions: Newcombe's "
    "hybrid score interval; means: Student t; differences of means: Welch; quantiles: "
    "distribution-free order-statistic intervals; standardised mean change: Becker "
    "(1988) with the pre-test SD and Hedges' exact correction. Funnel plots: "
    "Spiegelhalter (2005) on the arcsine-square-root scale with overdispersion from "
    "Winsorised z-scores."
)


def quality(ctx: Context) -> Block:
    """Data coverage and quality: the accounting of every dataset, and what was quarantined."""
    table = quality_table(ctx.results.accounting)
    if table.empty:
        return paragraph("No accounting record is available for this data.", "note")
    return paragraph(
        "Every row read is accounted for: rows read = accepted + quarantined + exact "
        "duplicates collapsed (+ rows of a dataset that could not be loaded). Quarantined "
        "rows broke a rule of the data contract; they are listed, with the rule, for the RPB "
        "to correct at source and are not used. Only counts are published here."
    ) + html_table(
        table,
        tuple(Col(c) for c in ("dataset", "status", "rows_read", "rows_accepted",
                                "rows_quarantined", "duplicates_collapsed", "rows_not_loaded",
                                "problems")),
        caption="Data coverage and quality",
        lang=ctx.lang,
    )  # fmt: skip


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


def methods(ctx: Context) -> Block:
    """Methods: figures of the measures catalogue used, models, definitions, disclosure."""
    spec = ctx.results.model_specification
    return join(
        [
            _figures_used(ctx),
            heading("Reliable and clinically significant change"),
            paragraph(_RELIABLE_CHANGE.format(sd=_SD_USED[ctx.config.sd])),
            heading("Case-mix-adjusted change"),
            Block(f"<pre>{html.escape(spec)}</pre>", spec),
            paragraph(_MODEL_FIT.format(min_paired=min_paired_for(ctx.threshold))),
            paragraph(_ADJUSTED_MEANS),
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
