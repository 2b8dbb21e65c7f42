"""Figures in the report's language: every text from the catalogue, a short alt text, the
numbers in a table, one file per language, and funnel plots with the report's RPB highlighted."""

from __future__ import annotations

import html
import re

import matplotlib
import pytest
from matplotlib.text import Text

from nest_eval.config import RunConfig
from nest_eval.domains import comparisons, distance, experiences, implementation
from nest_eval.domains.year import compute_year
from nest_eval.reference.messages import label, messages
from nest_eval.reporting import plotting
from nest_eval.reporting.report import Report

YEAR = 2025
ENGLISH_ONLY = re.compile(r"\{[a-z_]+\}")


@pytest.fixture(scope="module")
def tables(demo_data):
    sa = demo_data["self_assessment"]
    return {
        "means": implementation.national_means(sa, YEAR),
        "ratings": implementation.journey_ratings(sa),
        "distance": distance.distance_travelled(demo_data, YEAR),
        "outcomes": distance.outcomes_change(demo_data["outcomes"], YEAR),
        "agreement": experiences.agreement(demo_data["experiences"], YEAR),
        "funnels": comparisons.rpb_funnels(comparisons.proportions_by_rpb(demo_data, YEAR)),
    }


def _funnel_rows(funnels):
    keys = ["indicator", "measure", "respondent", "item"]
    return next(rows for _, rows in funnels.groupby(keys, sort=False, dropna=False))


def _figures(tables, lang: str) -> list[plotting.ReportFigure]:
    return [
        plotting.nest_profile(tables["means"], tables["ratings"], "Gwent", YEAR, lang=lang),
        plotting.distance_chart(tables["distance"], "Gwent", "access", year=YEAR, lang=lang),
        plotting.outcome_categories(tables["outcomes"], "Gwent", year=YEAR, lang=lang),
        plotting.experience_items(tables["agreement"], rpb="Gwent", year=YEAR, lang=lang),
        plotting.funnel(_funnel_rows(tables["funnels"]), "Share", highlight="Gwent", lang=lang),
    ]


@pytest.fixture(scope="module")
def both(tables):
    return {lang: _figures(tables, lang) for lang in ("en", "cy")}


def _published_text(figure: plotting.ReportFigure) -> str:
    """Every text of a figure: drawn, alt text, caption and its table of numbers."""
    drawn = [t.get_text() for t in figure.figure.findobj(Text) if t.get_text()]
    cells = [*figure.data.headings, *(c for row in figure.data.rows for c in row)]
    return "\n".join([*drawn, figure.alt, figure.caption, *cells])


def _english_phrases() -> list[str]:
    """The literal parts (20 characters or more) of every figure text of the catalogue."""
    catalogue = messages()
    found = []
    for key in catalogue:
        if key.startswith("figure."):
            found += [p.strip() for p in ENGLISH_ONLY.split(catalogue[key].english)]
    return sorted({p for p in found if len(p) >= 20})


def test_welsh_figures_carry_no_english_figure_text(both):
    phrases = _english_phrases()
    assert len(phrases) > 40
    for english, welsh in zip(both["en"], both["cy"], strict=True):
        en_text, cy_text = _published_text(english), _published_text(welsh)
        assert any(p in en_text for p in phrases), english.name
        leaked = [p for p in phrases if p in cy_text]
        assert leaked == [], (welsh.name, leaked)
        assert welsh.lang == "cy" and english.lang == "en"
        assert welsh.data.headings != english.data.headings
        assert len(welsh.data.rows) == len(english.data.rows)


def test_alt_texts_are_short_and_the_numbers_are_in_the_table(both):
    for figure in both["en"] + both["cy"]:
        assert 0 < len(figure.alt) <= 250, (figure.name, figure.lang, len(figure.alt))
        assert figure.data.rows and all(
            len(row) == len(figure.data.headings) for row in figure.data.rows
        )
        digits = [cell for row in figure.data.rows for cell in row if re.search(r"\d", cell)]
        assert digits, figure.name  # the numbers are there


def test_each_language_has_its_own_file(both, tmp_path):
    for english, welsh in zip(both["en"], both["cy"], strict=True):
        en_path = plotting.save_figure(english, tmp_path)
        cy_path = plotting.save_figure(welsh, tmp_path)
        assert cy_path.name == en_path.name.replace(".svg", ".cy.svg")
        assert plotting.figure_file(welsh) == f"figures/{cy_path.name}"
        svg = cy_path.read_text(encoding="utf-8")
        assert html.escape(welsh.alt, quote=False) in svg
        assert plotting.save_figure(welsh, tmp_path / "again").read_bytes() == cy_path.read_bytes()


def test_funnel_highlights_the_reports_rpb(tables):
    rows = _funnel_rows(tables["funnels"])
    plain = plotting.funnel(rows, "Share")
    mine = plotting.funnel(rows, "Share", highlight="Gwent", lang="cy")
    assert mine.name == plain.name + "_gwent"
    assert "Amlygir Gwent." in mine.alt and "highlighted" not in plain.alt
    ax = mine.figure.axes[0]
    squares = [
        c
        for c in ax.collections
        if len(c.get_offsets()) == 1
        and matplotlib.colors.to_hex(c.get_facecolors()[0]) == plotting.PALETTE["orange"].lower()
    ]
    assert len(squares) == 1  # its own colour and marker
    bold = [t.get_text() for t in ax.texts if t.get_fontweight() == "bold"]
    assert bold == ["Gwent"]
    assert {t.get_text() for t in ax.texts} == {label(f"rpb.{r}", "cy") for r in rows["rpb"]}
    legend = ax.get_legend().get_texts()
    assert "Gwent" in [t.get_text() for t in legend]
    assert not any(t.get_fontweight() == "bold" for t in plain.figure.axes[0].texts)


def test_the_rpb_report_shows_the_funnel_plots_highlighted(demo_data, tmp_path):
    config = RunConfig(year=YEAR)
    results = compute_year(demo_data, config)
    figures = tmp_path / "figures"
    block = Report(results, config, rpb="Gwent", figures_dir=figures, lang="cy").funnels()
    links = re.findall(r'<img src="([^"]+)" alt="([^"]*)"', block.html)
    assert len(links) >= 3
    for link, alt in links:
        assert re.fullmatch(r"figures/funnel_[a-z0-9_-]+_gwent\.cy\.svg", link), link
        assert (tmp_path / link).is_file()
        assert len(html.unescape(alt)) <= 250 and "Amlygir Gwent." in html.unescape(alt)
    assert sorted(p.name for p in figures.iterdir()) == sorted(
        link.removeprefix("figures/") for link, _ in links
    )
    assert block.html.count('<details class="figure-data">') == len(links)
