"""The front matter of a report, as official statistics have it.

- :func:`heading`: the report's ``h1``, naming the area and the year;
- :func:`synthetic_banner`: a SYNTHETIC DATA banner whenever the run is on the demo data
  (known from the content of the files ingested: :mod:`nest_eval.demo.fingerprints`);
- :func:`review_notice`: in a Welsh report, that its Welsh awaits review by a translator
  (while the catalogue holds Welsh not yet reviewed);
- :func:`main_points`: the largest changes in the area whose 95% intervals exclude no change,
  in plain words with their intervals (:func:`main_point_rows`);
- :func:`about`: period covered, publication date, statistics status, contact, licence, how to
  cite and the revisions note, from the run's settings (:meth:`RunConfig.publication`).

Every word comes from the message catalogue (``front.<...>``) in the report's language; dates
are written for its locale by Babel. The publication date is a setting of the run, never the
clock, so a report is byte-reproducible.

References
----------
Office for Statistics Regulation, *Code of Practice for Statistics*, edition 2.0 (2018):
V3 (clarity and insight: main points), T4 (transparent processes: release details, contact),
Q3 (revisions). Government Analysis Function, *Releasing statistics in spreadsheets* and
*Writing about statistics* (main points with their uncertainty).
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from nest_eval.demo.fingerprints import demo_files_in
from nest_eval.domains.periods import period_end, period_start
from nest_eval.reference.indicators import Unit, indicator
from nest_eval.reference.messages import label, messages
from nest_eval.reference.publication import LICENCE, PLACEHOLDER_EMAIL
from nest_eval.reporting.blocks import Block
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import format_date, format_value
from nest_eval.reporting.labels import row_label, value_label
from nest_eval.reporting.readings import reading

__all__ = [
    "MAX_POINTS",
    "about",
    "citation",
    "front_matter",
    "heading",
    "main_point_rows",
    "main_points",
    "on_demo_data",
    "point_sentence",
    "review_notice",
    "synthetic_banner",
    "synthetic_block",
    "title_text",
]

MAX_POINTS = 5
"""The most main points a report states."""

_CLEAR = ("improved", "worsened")
"""The readings of a change whose 95% interval excludes no change."""


def _escaped(key: str, lang: str, **html_values: str) -> str:
    """A catalogue text, HTML-escaped, with placeholders filled by HTML already safe."""
    return html.escape(label(key, lang)).format(**html_values)


# --- title and banners -----------------------------------------------------------------------


def title_text(ctx: Context) -> str:
    """The report's title: the area and the year, e.g. ``Gwent: NYTH/NEST evaluation 2025``."""
    return label(
        "front.title", ctx.lang, area=value_label("rpb", ctx.scope, ctx.lang), year=ctx.year
    )


def heading(ctx: Context) -> Block:
    """The report's ``h1``: :func:`title_text`."""
    text = title_text(ctx)
    return Block(f"<h1>{html.escape(text)}</h1>", text)


def synthetic_banner(ctx: Context) -> Block | None:
    """The SYNTHETIC DATA banner when the year's data includes the demo data; None otherwise.

    The run is on the demo data when a file it ingested has the content of a committed demo
    file (:func:`nest_eval.demo.fingerprints.demo_files_in`), whatever its name.
    """
    if not on_demo_data(ctx.results.accounting):
        return None
    return synthetic_block(ctx.lang)


def on_demo_data(accounting: Mapping) -> bool:
    """Whether a run's data includes the committed demo data (its accounting record)."""
    return bool(demo_files_in(accounting))


def synthetic_block(lang: str, key: str = "front.synthetic.text") -> Block:
    """The SYNTHETIC DATA banner in ``lang``, its text the message ``key``."""
    title = label("front.synthetic.heading", lang)
    body = label(key, lang)
    return Block(
        f'<div class="synthetic" role="note"><p><strong>{html.escape(title)}</strong> '
        f"{html.escape(body)}</p></div>",
        f"{title}: {body}",
    )


def review_notice(ctx: Context) -> Block | None:
    """In a Welsh report, that its Welsh awaits review by a translator; None otherwise.

    Shown while the catalogue holds Welsh not yet reviewed (entries flagged ``fuzzy``).
    """
    if ctx.lang == "en" or not messages().awaiting_review(ctx.lang):
        return None
    text = label("front.translation_review", ctx.lang)
    return Block(f'<p class="translation-review" role="note">{html.escape(text)}</p>', text)


# --- main points -----------------------------------------------------------------------------


def _strength(record: Mapping[str, object]) -> float:
    """A change's size relative to its 95% interval: the change over the interval's half-width."""
    low, high = float(record["ci_low"]), float(record["ci_high"])  # type: ignore[arg-type]
    half = (high - low) / 2
    change = abs(float(record["change"]))  # type: ignore[arg-type]
    return change / half if half > 0 else float("inf")


def main_point_rows(ctx: Context) -> pd.DataFrame:
    """The changes the main points state: the area's clearest, at most :data:`MAX_POINTS`.

    Rows of the disclosure-controlled distance-travelled table of the area whose 95% interval
    excludes no change (read *improved* or *worsened*: :func:`~nest_eval.reporting.readings.
    reading`), ordered by the change's size relative to its interval (the change over the
    interval's half-width), largest first; ties keep the table's order. A row with a suppressed
    change or interval reads *suppressed*, so a withheld value is never used.

    Returns
    -------
    pandas.DataFrame
        The rows, with ``reading`` and ``strength`` added.
    """
    table = ctx.tables.distance
    if table.empty:
        return table.assign(reading=pd.Series(dtype=object), strength=pd.Series(dtype=float))
    rows = table[table["rpb"] == ctx.scope]
    readings = [reading(r) for r in rows.to_dict(orient="records")]
    clear = rows.assign(reading=readings)
    clear = clear[clear["reading"].isin(_CLEAR)]
    clear = clear.assign(strength=[_strength(r) for r in clear.to_dict(orient="records")])
    return clear.sort_values("strength", ascending=False, kind="stable").head(MAX_POINTS)


def _magnitude_unit(unit: Unit) -> tuple[Unit, float, bool]:
    """How a change's size is written: the unit, the factor and whether in percentage points."""
    if unit.kind in ("share", "percent"):
        factor = 100.0 if unit.kind == "share" else 1.0
        return Unit(unit.key, "mean", decimals=unit.decimals), factor, True
    return unit, 1.0, False


def point_sentence(record: Mapping[str, object], lang: str) -> str:
    """One main point in plain words, with its 95% interval.

    For example "... rose by 5.0 percentage points (1.0 to 9.0) since 2024, an improvement.":
    the size of the change and of its interval's ends, without signs: a fall's interval is
    written from its smallest to its largest fall. Shares in percentage points.

    Parameters
    ----------
    record : mapping
        A row of :func:`main_point_rows`.
    lang : str
        ``"en"`` or ``"cy"``.

    Returns
    -------
    str
    """
    unit, factor, points = _magnitude_unit(indicator(str(record["indicator"])).unit)
    change = float(record["change"])  # type: ignore[arg-type]
    ends = sorted(abs(float(record[c])) * factor for c in ("ci_low", "ci_high"))  # type: ignore[arg-type]
    size = format_value(abs(change) * factor, unit, lang=lang)
    if points:
        size = label("front.point.percentage_points", lang, value=size)
    direction = "rose" if change > 0 else "fell"
    return label(
        f"front.point.{direction}.{record['reading']}",
        lang,
        indicator=row_label(record, lang),
        change=size,
        low=format_value(ends[0], unit, lang=lang),
        high=format_value(ends[1], unit, lang=lang),
        baseline=int(record["baseline_year"]),  # type: ignore[call-overload]
    )


def main_points(ctx: Context) -> Block:
    """The main points: the clearest changes in plain words, or plainly that there are none."""
    area = value_label("rpb", ctx.scope, ctx.lang)
    title = label("front.main_points.heading", ctx.lang)
    rows = main_point_rows(ctx)
    if rows.empty:
        none = label("front.main_points.none", ctx.lang, area=area)
        return Block(
            f'<h2 id="main-points">{html.escape(title)}</h2><p>{html.escape(none)}</p>',
            f"{title}\n{none}",
            (rows,),
        )
    intro = label("front.main_points.intro", ctx.lang, area=area)
    points = [point_sentence(r, ctx.lang) for r in rows.to_dict(orient="records")]
    items = "".join(f"<li>{html.escape(p)}</li>" for p in points)
    return Block(
        f'<h2 id="main-points">{html.escape(title)}</h2><p>{html.escape(intro)}</p>'
        f'<ul class="main-points">{items}</ul>',
        "\n".join([title, intro, *(f"- {p}" for p in points)]),
        (rows,),
    )


# --- about these statistics ------------------------------------------------------------------


def _period(ctx: Context) -> str:
    financial = ctx.config.financial
    return label(
        f"front.period.{'financial' if financial else 'calendar'}",
        ctx.lang,
        year=ctx.year,
        next=ctx.year + 1,
        start=format_date(period_start(ctx.year, financial), ctx.lang),
        end=format_date(period_end(ctx.year, financial), ctx.lang),
    )


def _status(ctx: Context) -> str:
    key = ctx.config.status
    name = label(f"front.status.{key}", ctx.lang)
    return f"{name}. {label(f'front.status.{key}.about', ctx.lang)}"


def _team(ctx: Context) -> str:
    return ctx.config.contact_team or label("front.contact.placeholder_team", ctx.lang)


def _contact(ctx: Context) -> tuple[str, str]:
    """The contact as HTML and as text; the demo's placeholders said to be placeholders."""
    email = ctx.config.contact_email or PLACEHOLDER_EMAIL
    team = _team(ctx)
    link = f'<a href="mailto:{html.escape(email)}">{html.escape(email)}</a>'
    shown = _escaped("front.contact.text", ctx.lang, team=html.escape(team), email=link)
    text = label("front.contact.text", ctx.lang, team=team, email=email)
    if ctx.config.contact_email is None or ctx.config.contact_team is None:
        note = label("front.contact.placeholder", ctx.lang)
        shown, text = f"{shown} {html.escape(note)}", f"{text} {note}"
    return shown, text


def _licence(lang: str) -> tuple[str, str]:
    name = label(f"front.licence.{LICENCE.key}", lang)
    link = f'<a href="{html.escape(LICENCE.url[lang])}" rel="license">{html.escape(name)}</a>'
    return (
        _escaped("front.licence.text", lang, licence=link),
        label("front.licence.text", lang, licence=name),
    )


def citation(ctx: Context) -> str:
    """How to cite the report: publisher, year, title, status and publication date; no URL."""
    published = ctx.config.publication_date()
    return label(
        "front.cite.text",
        ctx.lang,
        publisher=ctx.config.publisher or _team(ctx),
        year=published.year,
        title=title_text(ctx),
        status=label(f"front.status.{ctx.config.status}", ctx.lang),
        date=format_date(published, ctx.lang),
    )


def _revisions(ctx: Context) -> str:
    if ctx.config.revised is None:
        return label("front.revisions.none", ctx.lang)
    return label(
        "front.revisions.revised", ctx.lang, date=format_date(ctx.config.revised, ctx.lang)
    )


def about(ctx: Context) -> Block:
    """About these statistics, from the run's settings.

    Period covered, publication date, statistics status, contact, licence, how to cite and
    the revisions note.
    """
    lang = ctx.lang
    plain = {  # each item as text; its HTML is the text escaped, unless it holds a link
        "period": _period(ctx),
        "published": format_date(ctx.config.publication_date(), lang),
        "status": _status(ctx),
        "contact": "",
        "licence": "",
        "cite": citation(ctx),
        "revisions": _revisions(ctx),
    }
    shown = {key: html.escape(text) for key, text in plain.items()}
    shown["contact"], plain["contact"] = _contact(ctx)
    shown["licence"], plain["licence"] = _licence(lang)
    title = label("front.about.heading", lang)
    rows, lines = [], [title]
    for key, text in plain.items():
        term = label(f"front.about.{key}", lang)
        rows.append(f"<dt>{html.escape(term)}</dt><dd>{shown[key]}</dd>")
        lines.append(f"{term}: {text}")
    return Block(
        f'<h2 id="about-these-statistics">{html.escape(title)}</h2>'
        f'<dl class="about-statistics">{"".join(rows)}</dl>',
        "\n".join(lines),
    )


def front_matter(ctx: Context) -> Block:
    """The main points, then about these statistics."""
    return main_points(ctx) + about(ctx)
