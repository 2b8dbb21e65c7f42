"""Figures for the yearly reports: accessible, deterministic, and never a league table.

Every figure function returns a :class:`ReportFigure`: a file stem, a matplotlib figure, an alt
text that states what the figure shows with its key numbers, and a caption. The figures are
drawn for the national report and for each Regional Partnership Board (RPB), for evaluators
and RPB boards:

- :func:`nest_profile`: the journey ratings of the six core elements, an RPB against the
  Wales mean, with how many RPBs rated each element; "not rated" is written, never drawn as 0.
- :func:`distance_chart`: baseline and current value of every indicator of one domain, with
  the interval of the change where one exists; one small panel per indicator.
- :func:`outcome_categories`: reliable improvement, no reliable change and reliable
  deterioration per outcome measure, with reliable recovery marked inside improvement.
- :func:`funnel`: a funnel plot
  (:func:`nest_eval.reporting.figures.draw_funnel.plot_funnel`) of one proportion.
- :func:`experience_items`: the share agreeing with each experience item, with Wilson
  intervals, an RPB against Wales.

Each function builds the figure's specification (the rows to draw and every text, in the
modules of :mod:`nest_eval.reporting.figures`, which do not import matplotlib) and draws it
with the renderer (the ``draw_*`` modules and :mod:`nest_eval.reporting.figures.render`).

Design rules
------------
- Items and RPBs keep their published order; nothing is sorted by value, so no figure ranks
  RPBs or reads as a league table.
- Intervals are drawn wherever the table gives one; an indicator without an interval (a census
  of self-ratings, a median or a count) is drawn without error bars.
- Values withheld by disclosure control (the string ``"c"``) are drawn as absent, labelled
  ``c``, and the figure carries the note of :func:`suppressed_note` (from the run's disclosure
  settings).
- Colours are the Okabe–Ito palette (:data:`PALETTE`), and colour is never the only cue:
  marker shapes (open = baseline or Wales, filled = current or the RPB), hatching and text
  labels carry the same information.
- Figures are 6.3 inches (160 mm) wide, in DejaVu Sans, built without pyplot inside
  :func:`style`, and saved byte-identically on every run (:func:`save_figure`,
  :func:`render`, :func:`figure_html`); in the pipeline, a figure drawn before with the same
  specification is reused (:mod:`nest_eval.reporting.figures.cache`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from nest_eval.config import Disclosure
from nest_eval.reference.measures import CATALOGUE, Catalogue
from nest_eval.reporting.figures.cache import drawn
from nest_eval.reporting.figures.categories import categories_spec
from nest_eval.reporting.figures.distance import distance_spec
from nest_eval.reporting.figures.draw_categories import draw_categories
from nest_eval.reporting.figures.draw_distance import draw_distance
from nest_eval.reporting.figures.draw_experiences import draw_experiences
from nest_eval.reporting.figures.draw_funnel import draw_funnel, prepare_funnel
from nest_eval.reporting.figures.draw_profile import draw_profile
from nest_eval.reporting.figures.experiences import experience_spec
from nest_eval.reporting.figures.funnel import funnel_spec
from nest_eval.reporting.figures.profile import profile_spec
from nest_eval.reporting.figures.render import (
    DPI,
    PALETTE,
    WIDTH,
    ReportFigure,
    figure_file,
    figure_html,
    render,
    save_figure,
    style,
)
from nest_eval.reporting.figures.spec import SUPPRESSED, suppressed_note

__all__ = [
    "DPI",
    "PALETTE",
    "SUPPRESSED",
    "WIDTH",
    "ReportFigure",
    "distance_chart",
    "experience_items",
    "figure_file",
    "figure_html",
    "funnel",
    "funnels",
    "nest_profile",
    "outcome_categories",
    "render",
    "save_figure",
    "style",
    "suppressed_note",
]


def nest_profile(
    national_means_current: pd.DataFrame,
    rpb_ratings: pd.DataFrame | Mapping[str, object] | None = None,
    rpb: str | None = None,
    year: int | None = None,
    *,
    baseline_year: int | None = None,
    name: str | None = None,
    lang: str = "en",
) -> ReportFigure:
    """The NEST profile: journey ratings of the six core elements, an RPB against Wales.

    One row per core element, in published order, on the 1–4 journey scale with its levels
    named. The Wales mean is an open diamond; the RPB's own rating, when given, a filled
    circle, with its baseline rating (``baseline_year``) as a grey open circle and an arrow to
    this year's rating. Each row states how many of the seven RPBs rated the element. An
    element without a rating is labelled "not rated" and drawn without a marker, never as 0.
    Journey ratings are a census, so no interval is drawn.

    Parameters
    ----------
    national_means_current, rpb_ratings, rpb, year, baseline_year, name, lang
        As for :func:`nest_eval.reporting.figures.profile.profile_spec`.

    Returns
    -------
    ReportFigure
        The figure, with an alt text giving every element's ratings.
    """
    spec = profile_spec(
        national_means_current,
        rpb_ratings,
        rpb,
        year,
        baseline_year=baseline_year,
        name=name,
        lang=lang,
    )
    return drawn(spec, draw_profile)


def distance_chart(
    table: pd.DataFrame,
    rpb: str,
    domain: str,
    *,
    year: int | None = None,
    indicators: Sequence[str] | None = None,
    name: str | None = None,
    disclosure: Disclosure | None = None,
    lang: str = "en",
) -> ReportFigure:
    """Distance travelled in one domain: each indicator's baseline, current value and change.

    Each indicator gets its own small panel on its own scale (shares as percentages): an open
    circle at the baseline, an arrow to a filled circle at the current value, and, below
    them, the 95% interval of the change drawn from the baseline. A dotted line marks the
    baseline, so an interval that crosses it is a change the data cannot tell from no change.
    Indicators without an interval have no bar; suppressed values (``"c"``) are drawn as
    absent and labelled.

    Parameters
    ----------
    table, rpb, domain, year, indicators, name, disclosure, lang
        As for :func:`nest_eval.reporting.figures.distance.distance_spec`.

    Returns
    -------
    ReportFigure
        The figure, with an alt text giving every indicator's values, change and interval.

    Raises
    ------
    ValueError
        When the table has no row for the RPB and domain.
    """
    spec = distance_spec(
        table,
        rpb,
        domain,
        year=year,
        indicators=indicators,
        name=name,
        disclosure=disclosure,
        lang=lang,
    )
    return drawn(spec, draw_distance)


def outcome_categories(
    outcomes_change_rows: pd.DataFrame,
    rpb: str | None = None,
    *,
    year: int | None = None,
    catalogue: Catalogue = CATALOGUE,
    name: str | None = None,
    disclosure: Disclosure | None = None,
    lang: str = "en",
) -> ReportFigure:
    """Reliable change per outcome measure: improvement, no reliable change, deterioration.

    One stacked horizontal bar per measure and respondent (in the table's order) of the
    percent of assessable pairs in each reliable-change category, with reliable recovery
    hatched inside improvement. A measure without a reliable-change criterion is labelled
    "not assessable"; a row withheld by disclosure control is labelled ``c``.

    Parameters
    ----------
    outcomes_change_rows, rpb, year, catalogue, name, disclosure, lang
        As for :func:`nest_eval.reporting.figures.categories.categories_spec`.

    Returns
    -------
    ReportFigure
        The figure, with an alt text giving every measure's counts and percentages.

    Raises
    ------
    ValueError
        When the rows hold several RPBs and ``rpb`` is not given, or no row is left.
    """
    spec = categories_spec(
        outcomes_change_rows,
        rpb,
        year=year,
        catalogue=catalogue,
        name=name,
        disclosure=disclosure,
        lang=lang,
    )
    return drawn(spec, draw_categories)


def funnel(
    funnel_table_for_one_indicator: pd.DataFrame,
    title: str,
    *,
    xlabel: str | None = None,
    ylabel: str | None = None,
    name: str | None = None,
    disclosure: Disclosure | None = None,
    highlight: str | None = None,
    lang: str = "en",
) -> ReportFigure:
    """A funnel plot of one proportion across RPBs.

    The RPBs are points (share against number of people) with 95% and 99.8% control limits
    around the target; every RPB is named beside its point, those outside a limit are marked,
    and none is ranked. In an RPB's report that RPB is highlighted (``highlight``). Rows whose
    count or share is suppressed (``"c"``) are left out and named in a note.

    Parameters
    ----------
    funnel_table_for_one_indicator, title, xlabel, ylabel, name, disclosure, highlight, lang
        As for :func:`nest_eval.reporting.figures.funnel.funnel_spec`.

    Returns
    -------
    ReportFigure
        The figure, with a short alt text naming only the RPBs outside the limits (or saying
        there are none), and every RPB's numbers as its table.

    Raises
    ------
    ValueError
        When the rows hold several indicators or fewer than two units are left.
    """
    spec = funnel_spec(
        funnel_table_for_one_indicator,
        title,
        xlabel=xlabel,
        ylabel=ylabel,
        name=name,
        disclosure=disclosure,
        highlight=highlight,
        lang=lang,
    )
    return drawn(spec, draw_funnel)


def funnels(
    requests: Sequence[Mapping[str, Any]], prepare_from_last: bool = False
) -> list[ReportFigure]:
    """Several funnel plots, drawn in order (each as :func:`funnel` draws it).

    Parameters
    ----------
    requests : sequence of mapping
        Each plot's arguments to :func:`funnel`, by name.
    prepare_from_last : bool, default False
        First build the common part of every plot that is not kept yet, from the last plot to
        the first (:func:`~nest_eval.reporting.figures.draw_funnel.prepare_funnel`). An RPB's
        report does so, and the national report, drawn at the same time when a run starts,
        builds them in order as it draws: between them each part is built about once.

    Returns
    -------
    list of ReportFigure
        The figures, in the order of ``requests``.
    """
    specs = [funnel_spec(**request) for request in requests]
    if prepare_from_last:
        for spec in reversed(specs):
            prepare_funnel(spec)
    return [drawn(spec, draw_funnel) for spec in specs]


def experience_items(
    agreement_rows: pd.DataFrame,
    wales_rows: pd.DataFrame | None = None,
    *,
    rpb: str | None = None,
    year: int | None = None,
    respondent_type: str = "all",
    name: str | None = None,
    disclosure: Disclosure | None = None,
    lang: str = "en",
) -> ReportFigure:
    """The share agreeing with each experience item, with Wilson intervals, an RPB against Wales.

    One row per item in questionnaire order (never sorted by value): the RPB's share agreeing
    as a filled circle with its 95% Wilson interval, and the Wales share as an open diamond
    with its interval just below. Each row gives the number of answers. Suppressed values
    (``"c"``) are labelled ``c`` and drawn as absent.

    Parameters
    ----------
    agreement_rows, wales_rows, rpb, year, respondent_type, name, disclosure, lang
        As for :func:`nest_eval.reporting.figures.experiences.experience_spec`.

    Returns
    -------
    ReportFigure
        The figure, with an alt text giving every item's shares, intervals and numbers.

    Raises
    ------
    ValueError
        When there is no row for the RPB, or the rows hold several RPBs and ``rpb`` is not
        given.
    """
    spec = experience_spec(
        agreement_rows,
        wales_rows,
        rpb=rpb,
        year=year,
        respondent_type=respondent_type,
        name=name,
        disclosure=disclosure,
        lang=lang,
    )
    return drawn(spec, draw_experiences)
