"""About the report: data coverage and quality, methods, and how to reproduce it.

Every sentence is a message ``report.about.<name>`` of the catalogue, in the report's language;
numbers and dates in it are formatted for that language (:mod:`nest_eval.reporting.format`).
"""

from __future__ import annotations

import html
import math

import pandas as pd

from nest_eval import __version__
from nest_eval.domains.case_mix import (
    MIN_CHILDREN_PER_MODEL,
    MIN_PAIRED_PER_RPB,
    min_paired_for,
)
from nest_eval.files import code_fingerprint
from nest_eval.reference.breakdowns import AGE_BANDS
from nest_eval.reference.indicators import Unit
from nest_eval.reference.measures import MEASURE_KEYS, SCALAR_FIGURES
from nest_eval.reference.messages import label
from nest_eval.reference.vocabulary import RPB_NAMES
from nest_eval.reporting.blocks import Block, Col, heading, html_table, join, paragraph
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import format_date, format_number, format_value
from nest_eval.reporting.labels import group_label, value_label
from nest_eval.reporting.sections.evidence import status_rule
from nest_eval.reporting.tables import quality_table
from nest_eval.stats.funnel import MIN_UNITS_OVERDISPERSION

__all__ = ["census", "figure_label", "methods", "quality", "reproducibility", "setting_value"]


def _t(ctx: Context, name: str, **values: object) -> str:
    """A sentence of this section in the report's language (message ``report.about.<name>``)."""
    return label(f"report.about.{name}", ctx.lang, **values)


def _n(ctx: Context, value: float, decimals: int = 0) -> str:
    """A number in a sentence, for the report's language."""
    return format_number(value, decimals, lang=ctx.lang)


def quality(ctx: Context) -> Block:
    """Data coverage and quality: the accounting of every dataset, and what was quarantined."""
    table = quality_table(ctx.results.accounting)
    if table.empty:
        return paragraph(_t(ctx, "no_accounting"), "note")
    columns = ["dataset", "status", "rows_read", "rows_accepted", "rows_quarantined",
               "duplicates_collapsed", "rows_not_loaded", "problems"]  # fmt: skip
    text = _t(ctx, "quality_intro")
    left_out = int(table["rows_after_census"].sum())
    if left_out:
        columns.append("rows_after_census")
        as_of = ctx.results.accounting["census"]["as_of"]
        text += " " + _t(
            ctx, "quality_after_census", count=_n(ctx, left_out), date=format_date(as_of, ctx.lang)
        )
    shown = table.assign(
        dataset=[_t(ctx, f"dataset.{name}") for name in table["dataset"]],
        status=[_t(ctx, f"dataset_status.{status}") for status in table["status"]],
        problems=[_problems(ctx, text) for text in table["problems"]],
    )
    return paragraph(text) + html_table(
        shown,
        tuple(Col(c, unit="text") if c in ("dataset", "status", "problems") else Col(c)
              for c in columns),
        caption=_t(ctx, "quality_caption"),
        lang=ctx.lang,
        download="data_quality",
    )  # fmt: skip


def _problems(ctx: Context, listed: str) -> str:
    """The problems of a dataset (``rule count; ...``) with each rule in plain words."""
    if not listed:
        return ""
    parts = [item.rsplit(" ", 1) for item in listed.split("; ")]
    return "; ".join(
        _t(ctx, "problem", rule=_t(ctx, f"rule.{rule}"), count=_n(ctx, int(count)))
        for rule, count in parts
    )


def figure_label(figure: str, lang: str = "en") -> str:
    """A catalogue figure's name in plain words: a figure, or a cut-off or threshold by band.

    Parameters
    ----------
    figure : str
        The figure as the measures catalogue names it (``reliability``, ``reference_sd``, ...,
        ``cut-off: borderline, parent``, ``reliable change: self, male, age 11–13``).
    lang : str
        ``"en"`` or ``"cy"``.

    Returns
    -------
    str

    Examples
    --------
    >>> figure_label("reference_sd"), figure_label("reliable change: self, male, age 11–13")
    ('Reference SD', 'Reliable change threshold, self-report, male, age 11–13')
    """
    if figure in SCALAR_FIGURES:
        return label(f"report.about.figure.{figure}", lang)
    kind, _, rest = figure.partition(": ")
    parts = rest.split(", ")
    if kind == "cut-off":
        band, *parts = parts
        name = label(f"report.about.figure.cutoff.{band.replace(' ', '_')}", lang)
    elif kind == "reliable change":
        name = label("report.about.figure.reliable_change", lang)
    else:
        raise ValueError(f"unknown catalogue figure {figure!r}")
    return ", ".join([name, *_who(parts, lang)])


def _who(parts: list[str], lang: str) -> list[str]:
    """Who a figure applies to: respondent, sex and age band, in plain words."""
    words = []
    for part in parts:
        if part.startswith("age "):
            words.append(label("report.about.figure.age", lang, ages=part.removeprefix("age ")))
        elif part in ("male", "female"):
            words.append(label(f"sex.{part}", lang).lower())
        else:
            words.append(label(f"respondent.{part}", lang).lower())
    return words


def _figures_used(ctx: Context) -> Block:
    results = ctx.results
    used = set(results.outcomes_change["measure"]) if not results.outcomes_change.empty else set()
    figures = results.catalogue_figures
    figures = figures[figures["measure"].isin(used)].copy()
    status = [_t(ctx, "figure_status." + ("verified" if v else "unverified"))
              for v in figures["verified"]]  # fmt: skip
    figures["status"] = [
        _t(ctx, "figure_configured", status=s) if o else s
        for s, o in zip(status, figures["overridden"], strict=True)
    ]
    figures["figure_text"] = [figure_label(f, ctx.lang) for f in figures["figure"]]
    unverified = figures[~figures["verified"]]
    pairs = zip(unverified["measure"], unverified["figure_text"], strict=True)
    listed = "; ".join(
        _t(ctx, "figure_of", figure=f, measure=value_label("measure", m, ctx.lang))
        for m, f in pairs
    )
    return join(
        [
            heading(_t(ctx, "figures_heading")),
            html_table(
                figures,
                (Col("measure"), Col("figure_text", _t(ctx, "column_figure"), "text"),
                 Col("value", label("column.value", ctx.lang), "score"),
                 Col("status", label("column.status", ctx.lang), "text"),
                 Col("source", _t(ctx, "column_source"), "text")),
                caption=_t(ctx, "figures_caption"),
                lang=ctx.lang,
            ),
            paragraph(
                _t(ctx, "figures_unverified", count=_n(ctx, len(unverified)),
                   figures=listed or _t(ctx, "none"))
            ),
            paragraph(_change_figures_missing(ctx, used, figures)),
        ]
    )  # fmt: skip


def _names(ctx: Context, keys: list[str]) -> str:
    return ", ".join(value_label("measure", key, ctx.lang) for key in keys) or _t(ctx, "none")


def _change_figures_missing(ctx: Context, used: set[str], figures: pd.DataFrame) -> str:
    """Measures of the report lacking reliable-change figures or SD, and those with bands."""
    measures = [key for key in MEASURE_KEYS if key in used]
    named = {key: set(figures.loc[figures["measure"] == key, "figure"]) for key in measures}
    none = [key for key in measures if not named[key] & {"reliability", "reliable_change"}]
    text = [_t(ctx, "no_reliable_change_figures", measures=_names(ctx, none))]
    if ctx.config.sd == "reference":
        sample = [
            key
            for key in measures
            if "reliability" in named[key] and "reference_sd" not in named[key]
        ]
        text.append(_t(ctx, "no_reference_sd", measures=_names(ctx, sample)))
    catalogue = ctx.config.reference().catalogue
    banded = [key for key in measures if catalogue[key].reliable_change_bands]
    if banded:
        text.append(_t(ctx, "banded_thresholds", measures=_names(ctx, banded)))
    return " ".join(text)


def _disclosure(ctx: Context) -> Block:
    decision = ctx.tables.decision
    low, high = ctx.config.disclosure.small
    suppressed = len(decision.suppressed)
    share = suppressed / decision.published_cells if decision.published_cells else 0.0
    rounding = ctx.config.disclosure.rounding
    text = [
        _t(ctx, "disclosure_rule", low=_n(ctx, low), high=_n(ctx, high),
           shorthand=ctx.shorthand, threshold=_n(ctx, ctx.threshold)),
        *([_t(ctx, "disclosure_rounding", base=_n(ctx, rounding))] if rounding else []),
        _t(ctx, "disclosure_counts", published=_n(ctx, decision.published_cells),
           suppressed=_n(ctx, suppressed), share=format_value(share, _WHOLE_PERCENT),
           primary=_n(ctx, len(decision.primary)), secondary=_n(ctx, len(decision.secondary)),
           protection=_n(ctx, decision.protection), narrowest=_values(ctx, decision.narrowest)),
    ]  # fmt: skip
    return paragraph(" ".join(text))


_WHOLE_PERCENT = Unit("share", "share", decimals=0)
"""A share to the whole percent (the share of counts suppressed)."""


def _breakdowns(ctx: Context) -> Block:
    """How the breakdowns are made and controlled, and how many rows were withheld."""
    withheld = ctx.tables.breakdowns_withheld
    bands = ", ".join(group_label("age_band", band.key, ctx.lang) for band in AGE_BANDS)
    return paragraph(
        _t(ctx, "breakdowns_method", bands=bands, threshold=_n(ctx, ctx.threshold),
           low=_n(ctx, ctx.config.disclosure.small[0]), high=_n(ctx, ctx.threshold - 1),
           withheld=_n(ctx, withheld))
    )  # fmt: skip


def _values(ctx: Context, count: float) -> str:
    if count == float("inf"):
        return _t(ctx, "values_unbounded")
    return _t(ctx, "values_count", count=_n(ctx, int(count)))


def _funnels_method(ctx: Context) -> str:
    """How the funnel plots are drawn and read, with the overdispersion rule stated."""
    k = len(RPB_NAMES)
    return _t(ctx, "funnels_method", min_units=_n(ctx, MIN_UNITS_OVERDISPERSION), k=_n(ctx, k),
              se=_n(ctx, math.sqrt(2 / k), 2))  # fmt: skip


def census(ctx: Context) -> Block:
    """The census date, and what each figure taken at it means."""
    chosen = _t(ctx, "census_configured" if ctx.config.as_of is not None else "census_year_end")
    return paragraph(_t(ctx, "census", date=ctx.census_date, chosen=chosen))


def methods(ctx: Context) -> Block:
    """Methods: census date, figures, models, definitions, recommendations, disclosure."""
    spec = _t(ctx, "adjusted_specification")
    return join(
        [
            heading(_t(ctx, "heading_census")),
            census(ctx),
            _figures_used(ctx),
            heading(_t(ctx, "heading_journey")),
            paragraph(_t(ctx, "journey")),
            heading(_t(ctx, "heading_reliable_change")),
            paragraph(_t(ctx, "reliable_change", sd=_t(ctx, f"sd_used.{ctx.config.sd}"))),
            heading(_t(ctx, "heading_adjusted")),
            Block(f"<pre>{html.escape(spec)}</pre>", spec),
            paragraph(
                _t(ctx, "model_fit", min_children=_n(ctx, MIN_CHILDREN_PER_MODEL),
                   min_paired=_n(ctx, min_paired_for(ctx.threshold)),
                   min_per_rpb=_n(ctx, MIN_PAIRED_PER_RPB))
            ),
            paragraph(_t(ctx, "adjusted_means")),
            heading(_t(ctx, "heading_intervals")),
            paragraph(_t(ctx, "intervals")),
            heading(_t(ctx, "heading_funnels")),
            paragraph(_funnels_method(ctx)),
            heading(_t(ctx, "heading_recommendations")),
            status_rule(ctx),
            heading(_t(ctx, "heading_breakdowns")),
            _breakdowns(ctx),
            heading(_t(ctx, "heading_disclosure")),
            _disclosure(ctx),
        ]
    )  # fmt: skip


def setting_value(name: str, value: object, lang: str = "en") -> str:
    """A run setting's value in plain words (a default said as what it means).

    Examples
    --------
    >>> setting_value("baseline_year", None), setting_value("financial", False, "cy")
    ("each RPB's and domain's earliest earlier year with data", 'blynyddoedd calendr')
    >>> setting_value("max_quarantined", 0.05), setting_value("languages", ["en", "cy"])
    ('5.0%', 'English, Welsh')
    """
    if name in _SETTING_WORDS:
        return label(f"report.about.setting_value.{name}.{_SETTING_WORDS[name](value)}", lang)
    if value is None:
        return label(f"report.about.setting_value.{name}.none", lang)
    if name == "as_of":
        return format_date(value, lang)
    if name == "languages":
        return ", ".join(label(f"language.{code}", lang) for code in value)  # type: ignore[attr-defined]
    if name == "max_quarantined":
        return format_value(value, "share", lang=lang)
    if isinstance(value, bool):
        return label(f"yes_no.{'yes' if value else 'no'}", lang)
    if isinstance(value, int) and name != "year":
        return format_number(value, lang=lang)
    return str(value)


_SETTING_WORDS = {
    "financial": lambda v: "financial" if v else "calendar",
    "sd": str,
}
"""Settings whose every value is said in words (messages ``report.about.setting_value.*``)."""


def reproducibility(ctx: Context, run_id: str | None = None) -> Block:
    """Code version, run identifier, the run's settings and how to regenerate the report."""
    results_settings = ctx.config.results_parameters()
    settings = [
        _t(ctx, "setting", setting=_t(ctx, f"setting.{name}"),
           value=setting_value(name, value, ctx.lang))
        for name, value in ctx.results.parameters.items()
        if name in results_settings  # the publication's are stated in the front matter
    ]  # fmt: skip
    lines = [
        _t(ctx, "version", version=__version__, sha=code_fingerprint()[:16]),
        _t(ctx, "run_id", run_id=run_id or _t(ctx, "not_from_a_run")),
        _t(ctx, "regenerate", year=ctx.year),
    ]
    items = "".join(f"<li>{html.escape(x)}</li>" for x in lines[:2])
    listed = "".join(f"<li>{html.escape(x)}</li>" for x in settings)
    return Block(
        f"<ul>{items}<li>{html.escape(_t(ctx, 'settings'))}<ul>{listed}</ul></li>"
        f"<li>{html.escape(lines[2])}</li></ul>",
        "\n".join([*lines[:2], _t(ctx, "settings"), *settings, lines[2]]),
    )
