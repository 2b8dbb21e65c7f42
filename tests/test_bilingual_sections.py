"""The access, breakdowns, comparisons, distance, experiences and partnership sections in
English and Welsh: every word from the catalogue, plain labels, whole counts.

Each section is rendered on the demo data, nationally and for one RPB, in both languages, while
the catalogue records which messages the section looked up. The English rendering must show the
section's own messages; the Welsh one none of the English of any message it used (figures
aside: their text belongs to the figures); neither shows a code name (``snake_case``); counts
are whole numbers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest

from nest_eval.config import RunConfig
from nest_eval.domains.year import compute_year
from nest_eval.reference import messages
from nest_eval.reference.breakdowns import DOMAIN_DIMENSIONS
from nest_eval.reporting.blocks import Block
from nest_eval.reporting.labels import column_label
from nest_eval.reporting.report import Report

DOMAINS = ("implementation", "outcomes", "experiences", "access")
AREAS = (None, "Powys")
LONG = 25
"""Shorter English fragments (a heading such as "Indicator") may be words shared with Welsh."""

SECTIONS: dict[str, tuple[str, Callable[[Report], list[Block]]]] = {
    "access": ("report.access.", lambda r: [r.access()]),
    "breakdowns": ("report.breakdowns.", lambda r: [r.breakdowns(d) for d in DOMAIN_DIMENSIONS]),
    "comparisons": ("report.comparisons.", lambda r: [r.funnels()]),
    "distance": (
        "report.distance.",
        lambda r: (
            [r.distance(d) for d in DOMAINS]
            + ([r.change_by_rpb(d) for d in DOMAINS] if r.context.rpb is None else [])
        ),
    ),
    "experiences": ("report.experiences.", lambda r: [r.experiences()]),
    "partnership": ("report.partnership.", lambda r: [r.enablers(), r.enablers_change()]),
}
"""Each section: the catalogue area of its own messages, and its blocks in a report."""

MUST_USE = {
    "report.access.census",
    "report.access.caption",
    "report.breakdowns.how_read",
    "report.breakdowns.caption",
    "report.comparisons.how_placed",
    "report.comparisons.overdispersion_not_estimated",
    "report.comparisons.caption",
    "report.comparisons.caption_rpb",
    "report.distance.caption",
    "report.distance.caption_every",
    "report.experiences.caption",
    "report.experiences.caption_by_type",
    "report.partnership.caption",
    "report.partnership.training_caption",
    "report.partnership.of_rpbs",
    "report.partnership.change_caption",
}
"""Messages the demo data must bring out, so the checks below cannot pass on notes alone."""

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


class Recording(messages.Messages):
    """The package's catalogue, noting every key looked up."""

    def __init__(self) -> None:
        catalogue = messages.messages()
        super().__init__(dict(catalogue.items()), catalogue.source)
        self.used: set[str] = set()

    def label(self, key: str, lang: str = "en", **values: object) -> str:
        self.used.add(key)
        return super().label(key, lang, **values)


def _text(markup: str, figures: bool = True) -> str:
    """The words of some HTML a reader sees (and hears: alt text and region names)."""
    if not figures:
        markup = re.sub(r"<figure\b.*?</figure>", " ", markup, flags=re.S)
    spoken = " ".join(re.findall(r'(?:alt|aria-label)="([^"]*)"', markup))
    words = re.sub(r"<[^>]+>", " ", markup)
    return html.unescape(f"{words} {spoken}")


def _fragments(text: str) -> list[str]:
    """The literal pieces of a message between its placeholders, long enough to be telling."""
    return [part.strip() for part in PLACEHOLDER.split(text) if len(part.strip()) > LONG]


@pytest.fixture(scope="module")
def results(demo_data):
    return compute_year(demo_data, RunConfig(year=2025))


@pytest.fixture(scope="module")
def rendered(results):
    """Every section's HTML and the keys it used, by (section, language, area)."""
    config = RunConfig(year=2025)
    out: dict[tuple[str, str, str | None], tuple[str, set[str]]] = {}
    for lang in ("en", "cy"):
        for area in AREAS:
            report = Report(results, config, rpb=area, lang=lang)
            for name, (_, blocks) in SECTIONS.items():
                recording = Recording()
                with messages.using(recording):
                    markup = "\n".join(b.html for b in blocks(report))
                out[(name, lang, area)] = (markup, recording.used)
    return out


def test_the_demo_data_brings_out_every_section_s_main_messages(rendered):
    used = set().union(*(keys for _, keys in rendered.values()))
    assert MUST_USE - used == set()


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("section", SECTIONS)
def test_english_shows_the_section_s_messages_and_welsh_none_of_their_english(
    rendered, section, area
):
    catalogue = messages.messages()
    own = SECTIONS[section][0]
    english_html, english_keys = rendered[(section, "en", area)]
    welsh_html, welsh_keys = rendered[(section, "cy", area)]
    assert english_keys == welsh_keys  # the same messages, in each language
    english, welsh = _text(english_html), _text(welsh_html, figures=False)
    for key in sorted(k for k in english_keys if k.startswith(own)):
        for fragment in _fragments(catalogue[key].english):
            assert fragment in english, (key, fragment)
    for key in sorted(welsh_keys):
        message = catalogue[key]
        for fragment in _fragments(message.english):
            if fragment not in message.welsh:  # a name or a reference cited alike
                assert fragment not in welsh, (key, fragment)
    for key in sorted(k for k in welsh_keys if k.startswith(own)):
        for fragment in _fragments(catalogue[key].welsh):
            assert fragment in _text(welsh_html), (key, fragment)


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("section", SECTIONS)
def test_no_code_name_is_shown(rendered, section, lang):
    for area in AREAS:
        text = _text(rendered[(section, lang, area)][0])
        shown = sorted(set(SNAKE.findall(text)))
        assert shown == [], (section, lang, area)


def _tables(markup: str) -> list[tuple[list[str], list[list[str]]]]:
    """Each table's headings and rows of cell texts."""
    out = []
    for table in re.findall(r"<table>.*?</table>", markup, flags=re.S):
        headings = [_text(h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
        rows = [
            [_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
        ]
        out.append((headings, [r for r in rows if r]))
    return out


def _count_headings(lang: str) -> set[str]:
    keys = (
        "report.access.based_on",
        "report.breakdowns.based_on",
        "report.partnership.based_on",
        "report.experiences.answers",
        "report.experiences.responses",
    )
    return {column_label("n", lang), *(messages.label(k, lang) for k in keys)}


WHOLE = re.compile(r"^(\d{1,3}(,\d{3})*|c|–)$")
"""A count as published: a whole number with thousands separated, suppressed, or missing."""


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_counts_are_whole_numbers(rendered, lang):
    counted = 0
    for (section, in_lang, area), (markup, _) in rendered.items():
        if in_lang != lang:
            continue
        for headings, rows in _tables(markup):
            columns = [i for i, h in enumerate(headings) if h in _count_headings(lang)]
            for row in rows:
                for i in columns:
                    assert WHOLE.match(row[i]), (section, area, headings[i], row[i])
                    counted += 1
        paragraphs = " ".join(re.findall(r"<p[^>]*>(.*?)</p>", markup, flags=re.S))
        assert not re.search(r"\b\d+\.0+\b(?!%)", _text(paragraphs)), (section, area)
    assert counted > 100


def test_the_wales_row_counts_the_rpbs_with_a_panel_in_words_of_the_language(rendered):
    english = _text(rendered[("partnership", "en", None)][0])
    welsh = _text(rendered[("partnership", "cy", None)][0])
    assert re.search(r"\b\d of \d RPBs\b", english)
    assert re.search(r"\b\d o \d BPR\b", welsh)
    assert "RPBs" not in re.sub(r"\bBPRau\b", "", welsh)


@pytest.mark.parametrize("section", SECTIONS)
def test_every_welsh_caption_and_heading_is_welsh(rendered, section):
    catalogue = messages.messages()
    alike = {m.english for m in catalogue.values() if m.english == m.welsh}
    for area in AREAS:
        english = _tables(rendered[(section, "en", area)][0])
        welsh = _tables(rendered[(section, "cy", area)][0])
        assert len(english) == len(welsh)
        captions = [
            re.findall(r"<caption>(.*?)</caption>", rendered[(section, lang, area)][0])
            for lang in ("en", "cy")
        ]
        for en, cy in zip(*captions, strict=True):
            assert en != cy, (section, area, en)
        for (en_headings, _), (cy_headings, _) in zip(english, welsh, strict=True):
            same = [h for h, w in zip(en_headings, cy_headings, strict=True) if h == w]
            assert set(same) <= alike, (section, area, same)
