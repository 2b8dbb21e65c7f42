"""The report's title and its headline: distance travelled at a glance.

The title names the area and year (:mod:`~nest_eval.reporting.sections.front`) and carries the
banners a reader must see first: SYNTHETIC DATA on the demo data, the Welsh awaiting review in
a Welsh report and, when the year's data leaves anything out (a dataset absent, or quarantined
beyond the run's limit: :mod:`nest_eval.reporting.completeness`), what and why.
"""

from __future__ import annotations

import html

import pandas as pd

from nest_eval.domains.periods import period_end, period_start
from nest_eval.reference.indicators import indicator
from nest_eval.reference.messages import label
from nest_eval.reporting.blocks import Block, Col, html_table, paragraph
from nest_eval.reporting.completeness import assess, banner
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import format_date
from nest_eval.reporting.labels import value_label
from nest_eval.reporting.readings import READINGS, reading
from nest_eval.reporting.sections import front
from nest_eval.reporting.sections.distance import distance_view, view_columns

__all__ = [
    "DOMAINS",
    "at_a_glance",
    "banners",
    "distance_heading",
    "glance_table",
    "headline_table",
    "left_out",
    "title",
]

DOMAINS = ("implementation", "outcomes", "experiences", "access")
"""The domains of distance travelled, in report order."""


def _period(ctx: Context) -> str:
    """The reporting period in words, from the run's settings."""
    financial = ctx.config.financial
    return label(
        f"front.note.period.{'financial' if financial else 'calendar'}",
        ctx.lang,
        start=format_date(period_start(ctx.year, financial), ctx.lang),
        end=format_date(period_end(ctx.year, financial), ctx.lang),
    )


def left_out(ctx: Context) -> Block | None:
    """What the year's data leaves out of the report, and why; None when nothing is.

    Written from the run's accounting record, the years each dataset has rows in and the
    run's settings (:func:`nest_eval.reporting.completeness.banner`).
    """
    results = ctx.results
    lines = banner(assess(results.accounting, results.data_years, ctx.config), ctx.lang)
    if not lines:
        return None
    intro = label("front.left_out.intro", ctx.lang)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return Block(
        f'<div class="left-out" role="note"><p><strong>{html.escape(intro)}</strong></p>'
        f"<ul>{items}</ul></div>",
        "\n".join([intro, *(f"- {line}" for line in lines)]),
    )


def _suppression(ctx: Context) -> str:
    """How small counts are shown, from the run's disclosure settings."""
    zeros = "_zeros" if ctx.config.disclosure.zeros else ""
    return label(
        f"front.note.suppression{zeros}",
        ctx.lang,
        threshold=ctx.threshold,
        shorthand=ctx.shorthand,
    )


def distance_heading(ctx: Context) -> Block:
    """The area, year, period, census date and baseline, and how small counts are shown."""
    scope = value_label("rpb", ctx.scope, ctx.lang)
    baseline = ctx.results.baseline_year
    base = label("front.note.baseline", ctx.lang, year=baseline) if baseline else ""
    census = format_date(ctx.results.census_date, ctx.lang)
    as_of = label("front.note.as_of", ctx.lang, census=census, baseline=base)
    heading = label("front.note.heading", ctx.lang, area=scope, year=ctx.year)
    note = label(
        "front.note.reporting_year", ctx.lang, year=ctx.year, period=_period(ctx), as_of=as_of
    )
    suppression = _suppression(ctx)
    generated = label("front.note.generated", ctx.lang)
    return Block(
        f"<h2>{html.escape(heading)}</h2>"
        f'<p class="note">{html.escape(note)} {html.escape(suppression)} '
        f"{html.escape(generated)}</p>",
        f"{heading}, {as_of}\n{suppression}",
    )


def _joined(parts: list[Block | None]) -> Block | None:
    shown = [part for part in parts if part is not None]
    if not shown:
        return None
    block = shown[0]
    for part in shown[1:]:
        block = block + part
    return block


def banners(ctx: Context) -> Block | None:
    """The banners of a page without the title: synthetic data, Welsh awaiting review, left out."""
    return _joined([front.synthetic_banner(ctx), front.review_notice(ctx), left_out(ctx)])


def title(ctx: Context) -> Block:
    """The report's title and what a reader must know first.

    The ``h1`` naming the area and year, the SYNTHETIC DATA banner on the demo data, the
    notice that the Welsh awaits review (Welsh reports), the period, census date and baseline
    with how small counts are shown, and what the year's data leaves out.
    """
    rest = _joined(
        [
            front.synthetic_banner(ctx),
            front.review_notice(ctx),
            distance_heading(ctx),
            left_out(ctx),
        ]
    )
    heading = front.heading(ctx)
    return heading if rest is None else heading + rest


def _counts(part: pd.DataFrame) -> dict[str, int]:
    """How many of the rows read each way (:data:`~nest_eval.reporting.readings.READINGS`)."""
    counts = dict.fromkeys(READINGS, 0)
    for record in part.to_dict(orient="records"):
        counts[reading(record)] += 1
    return counts


def glance_table(ctx: Context) -> pd.DataFrame:
    """Per domain: the baseline year, how many indicators, and how many read each way.

    Counted from the disclosure-controlled table, so a suppressed change or interval is
    counted as ``suppressed`` and never by its value.
    """
    table = ctx.tables.distance
    table = table[table["rpb"] == ctx.scope] if not table.empty else table
    rows = []
    for domain in DOMAINS:
        part = table[table["domain"] == domain] if not table.empty else table
        baseline = part["baseline_year"].dropna() if not part.empty else []
        rows.append(
            {
                "domain": domain,
                "baseline": ", ".join(str(int(y)) for y in sorted(set(baseline))) or "–",
                "indicators": len(part),
                **_counts(part),
            }
        )
    return pd.DataFrame(rows)


def headline_table(ctx: Context) -> pd.DataFrame:
    """The headline indicators of the area (``headline`` in the indicators' reference data).

    The disclosure-controlled rows of the distance-travelled table, with their values as
    reports show them (:func:`~nest_eval.reporting.sections.distance.distance_view`, each by
    its indicator's unit) and how each change reads.
    """
    table = ctx.tables.distance
    if table.empty:
        return table.assign(reading=pd.Series(dtype=object))
    headline = table["indicator"].map(lambda key: indicator(key).headline).astype(bool)
    rows = table[(table["rpb"] == ctx.scope) & headline]
    view = distance_view(rows, ctx.lang)
    return view.assign(reading=[reading(r) for r in rows.to_dict(orient="records")])


def at_a_glance(ctx: Context) -> Block:
    """Headline: how the indicators read by domain, and the headline indicators' values.

    An indicator *improved* (or *worsened*) only where its 95% interval excludes no change, in
    its better (or worse) direction. Otherwise it is said as it is: no clear change (the
    interval includes no change), no interval (journey ratings, medians, counts), not comparable
    (no value in one of the years) or suppressed (the change or its interval is withheld).
    """
    scope = value_label("rpb", ctx.scope, ctx.lang)
    intro = paragraph(label("report.overview.glance_intro", ctx.lang, area=scope, year=ctx.year))
    shown = {key: value_label("reading", key, ctx.lang) for key in READINGS}
    shown["suppressed"] += f" ({ctx.shorthand})"
    readings = [Col(key, heading, "count_indicators") for key, heading in shown.items()]
    counts = html_table(
        glance_table(ctx),
        (
            Col("domain"),
            Col("baseline", label("report.overview.baseline_year", ctx.lang), "text"),
            Col("indicators", None, "count_indicators"),
            *readings,
        ),
        caption=label("report.overview.glance_caption", ctx.lang, area=scope),
        lang=ctx.lang,
    )
    headlines = headline_table(ctx)
    if headlines.empty:
        return intro + counts
    return (
        intro
        + counts
        + html_table(
            headlines,
            (
                *view_columns(ctx.lang),
                Col("reading", label("report.overview.reading", ctx.lang), "text"),
            ),
            caption=label("report.overview.headline_caption", ctx.lang, area=scope),
            lang=ctx.lang,
            download="distance_travelled",
        )
    )
