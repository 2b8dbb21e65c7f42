"""About the report: data coverage and quality, methods, and how to reproduce it."""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from nest_eval import __version__
from nest_eval.domains.case_mix import (
    MIN_CHILDREN_PER_MODEL,
    MIN_PAIRED_PER_RPB,
    min_paired_for,
)
from nest_eval.files import code_fingerprint
from nest_eval.reference.breakdowns import AGE_BANDS
from nest_eval.reference.measures import MEASURE_KEYS
from nest_eval.reference.vocabulary import RPB_NAMES
from nest_eval.reporting.blocks import Block, Col, heading, html_table, join, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.labels import group_label, value_label
from nest_eval.reporting.sections.evidence import status_rule
from nest_eval.reporting.tables import quality_table
from nest_eval.stats.funnel import MIN_UNITS_OVERDISPERSION

__all__ = ["census", "methods", "quality", "reproducibility"]

_SD_USED = {
    "reference": "the catalogue's reference SD, or the sample's baseline SD where the catalogue "
    "has none",
    "sample": "the sample's baseline SD (as this run is configured)",
}
_JOURNEY = (
    "Journey ratings are the RPBs' own ratings, a census without sampling error, so their changes "
    "carry no interval. The change in an element's rating for Wales compares like with like: "
    "the mean rating of the RPBs that rated the element in both the baseline cycle and this "
    "year, in each cycle, so that an RPB rating it in one cycle only moves neither side; n is "
    "how many RPBs the change rests on. The Wales mean of each cycle in the NEST profile is "
    "over the RPBs rating the element that cycle, and each is shown with its count. The mean "
    "journey rating over the core elements is likewise over the RPB-element pairs rated in "
    "both cycles."
)
_RELIABLE_CHANGE = (
    "Jacobson–Truax reliable change index RCI = (x2 − x1) / S_diff, "
    "S_diff = √2 · SD · √(1 − r); a change is reliable where |RCI| > 1.96. SD is {sd}; "
    "where the catalogue has no reliability but a published reliable-change "
    "threshold, that threshold is used; otherwise a pair is not assessable. Where the "
    "catalogue publishes reliable-change thresholds by band of respondent, sex and age, a "
    "child whose respondent, and sex and age at the first assessment, fall in a band is "
    "assessed against that band's threshold instead. A change equal to its threshold is not "
    "reliable. For "
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
    "distribution-free order-statistic intervals; median and 90th-percentile waits: "
    "Kaplan–Meier, with Brookmeyer–Crowley intervals on the log-log scale (statsmodels' "
    "SurvfuncRight, checked against R's survival package); standardised mean change: Becker "
    "(1988) with the pre-test SD and Hedges' exact correction."
)
_FUNNELS = (
    "Funnel plots (Spiegelhalter 2005) compare each RPB's proportion with the Wales "
    "proportion. The control limits are exact binomial: for an RPB of n people at the Wales "
    "rate, the 2.5% and 97.5% points of the binomial distribution (95% limits) and its 0.1% "
    "and 99.9% points (99.8% limits), interpolated between whole counts as Spiegelhalter "
    "describes so that they form curves. An RPB is flagged only when the exact binomial "
    "probability of a count at least as far from the Wales proportion is below 2.5% (95%) or "
    "0.1% (99.8%), never by a normal approximation, which fails with few people: 6 of 6 "
    "against a Wales rate of 62.6% has a probability of 0.06 and is not flagged, although its "
    "point lies just past the interpolated 99.8% line. Overdispersion (more variation between "
    "units than chance allows) is estimated only when at least {min_units} units are compared, "
    "as the NHS-R community's FunnelPlotR does it (z-scores on the arcsine-square-root scale "
    "Winsorised at 10% at each end; an additive random effect, Spiegelhalter 2005; "
    "Spiegelhalter et al. 2012); with fewer its estimate rests on too few values (its "
    "standard error is about √(2/k), {se:.2f} for {k} units). With the {k} RPBs it is not "
    "estimated: the limits allow for chance variation alone, so an RPB outside them may "
    "differ for reasons other than its practice, such as who it serves."
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
            paragraph(_change_figures_missing(ctx, used, figures)),
        ]
    )  # fmt: skip


def _names(keys: list[str], lang: str) -> str:
    return ", ".join(value_label("measure", key, lang) for key in keys) or "none"


def _change_figures_missing(ctx: Context, used: set[str], figures: pd.DataFrame) -> str:
    """Measures of the report lacking reliable-change figures or SD, and those with bands."""
    measures = [key for key in MEASURE_KEYS if key in used]
    named = {key: set(figures.loc[figures["measure"] == key, "figure"]) for key in measures}
    none = [key for key in measures if not named[key] & {"reliability", "reliable_change"}]
    text = (
        f"Measures with neither a reliability nor a published reliable-change threshold in the "
        f"catalogue, so that every pair is not assessable for reliable change: "
        f"{_names(none, ctx.lang)}."
    )
    if ctx.config.sd == "reference":
        sample = [
            key
            for key in measures
            if "reliability" in named[key] and "reference_sd" not in named[key]
        ]
        text += (
            " Measures with a reliability but no reference SD in the catalogue, whose index "
            f"uses the sample's baseline SD: {_names(sample, ctx.lang)}."
        )
    catalogue = ctx.config.reference().catalogue
    banded = [key for key in measures if catalogue[key].reliable_change_bands]
    if banded:
        text += (
            " Measures with reliable-change thresholds by band (listed above), used where the "
            "child's respondent, and sex and age at the first assessment, allow; a child in no "
            "band (sex not recorded as male or female, age unknown or outside the bands) is "
            f"assessed with the measure's other figures: {_names(banded, ctx.lang)}."
        )
    return text


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
        "count in two tables, the models' sizes and the RPBs they leave out, the children of "
        "the paired data rate against each measure's pairs, percentages and their "
        f"denominators).{rounding} Of the {decision.published_cells} counts this "
        f"publication rests on, {suppressed} ({share:.0%}) are suppressed: "
        f"{len(decision.primary)} because they are small and {len(decision.secondary)} to "
        "protect them. An audit by linear programming over every published relation passed: "
        f"each suppressed count can still be any of at least {decision.protection} values "
        f"(the narrowest, {_values(decision.narrowest)}). No identifier and no free-text "
        "comment is published."
    )


def _breakdowns(ctx: Context) -> Block:
    """How the breakdowns are made and controlled, and how many rows were withheld."""
    withheld = ctx.tables.breakdowns_withheld
    bands = ", ".join(group_label("age_band", band.key, ctx.lang) for band in AGE_BANDS)
    return paragraph(
        "Each domain's indicators are computed again, for Wales, for each group of the people "
        f"they are about: outcomes by age at the first assessment ({bands}), sex and WIMD "
        "quintile; experiences by the language of the response; access "
        "by age band, route and service (a free-text route or service written by fewer than "
        f"{ctx.threshold} of the year's requests is pooled as other). Every dimension has a "
        "group for rows without a value, so the groups add up to the figure for everyone. A "
        "group is below Wales level: its counts from "
        f"{ctx.config.disclosure.small[0]} to {ctx.threshold - 1} are suppressed. The "
        "breakdowns are decided after the other tables, with their decision kept, so breaking "
        "a figure down never suppresses it; the breakdown of a count whose groups cannot be "
        f"protected that way is withheld in full ({withheld} row(s) this year)."
    )


def _values(count: float) -> str:
    return "unbounded" if count == float("inf") else f"{int(count)} values"


def _funnels_method() -> str:
    """How the funnel plots are drawn and read, with the overdispersion rule stated."""
    k = len(RPB_NAMES)
    return _FUNNELS.format(min_units=MIN_UNITS_OVERDISPERSION, k=k, se=math.sqrt(2 / k))


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
    """Methods: census date, figures, models, definitions, recommendations, disclosure."""
    spec = ctx.results.model_specification
    return join(
        [
            heading("Census date"),
            census(ctx),
            _figures_used(ctx),
            heading("Journey ratings"),
            paragraph(_JOURNEY),
            heading("Reliable and clinically significant change"),
            paragraph(_RELIABLE_CHANGE.format(sd=_SD_USED[ctx.config.sd])),
            heading("Case-mix-adjusted change"),
            Block(f"<pre>{html.escape(spec)}</pre>", spec),
            paragraph(_MODEL_FIT.format(min_paired=min_paired_for(ctx.threshold))),
            paragraph(_ADJUSTED_MEANS),
            heading("Intervals and comparisons"),
            paragraph(_INTERVALS),
            heading("Funnel plots"),
            paragraph(_funnels_method()),
            heading("Evidence against the recommendations"),
            status_rule(ctx),
            heading("Breakdowns"),
            _breakdowns(ctx),
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
