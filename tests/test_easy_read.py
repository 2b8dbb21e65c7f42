"""The easy-read pages: readable, bilingual, under disclosure control, reproducible.

Readability is measured with textstat (an independent implementation of Flesch's reading ease,
Flesch 1948, counting syllables with the CMU Pronouncing Dictionary) on the prose of every
English page of the demo run: the paragraphs and list items a child reads, without the
headings, captions and bar labels (which are not sentences; leaving them out can only lengthen
the average sentence). Each chart's numbers are in the prose beside it, so they are measured.
"""

import dataclasses
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pandas as pd
import pytest
import textstat

from nest_eval.domains.year import read_results
from nest_eval.pipeline.easy_read import easy_read_name, write_easy_read
from nest_eval.pipeline.runner import run_year
from nest_eval.reference.messages import HTML_LANG, label, messages
from nest_eval.reference.vocabulary import RPB_NAMES
from nest_eval.reporting.context import Context
from nest_eval.reporting.easy_read import easy_read_page, easy_read_spec, said
from small_pipelines import config_for, small_pipeline

AREAS = (None, *RPB_NAMES)


class Prose(HTMLParser):
    """The text of each paragraph and list item, and each figure's parts."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self.figures: list[dict] = []
        self._open: list[str] = []

    VOID = frozenset({"meta", "link", "br", "img", "hr", "input", "source", "wbr"})

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:  # no end tag: never on the stack
            return
        attributes = dict(attrs)
        if tag == "figure":
            self.figures.append({"alt": None, "words": ""})
        if tag == "div" and attributes.get("role") == "img":
            self.figures[-1]["alt"] = attributes.get("aria-label")
            tag = "visual"
        if tag in ("p", "li") and "main" in self._open:  # the page's text, not its chrome
            self.blocks.append("")
        self._open.append(tag)

    def handle_endtag(self, tag):
        self._open.pop()

    def handle_data(self, data):
        if "visual" in self._open or "main" not in self._open or self._open[-1] not in ("p", "li"):
            return
        self.blocks[-1] += data
        if "figure" in self._open:
            self.figures[-1]["words"] += data


def prose(page: str) -> Prose:
    parser = Prose()
    parser.feed(page)
    return parser


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A run of the demo year with no notebook: tables and the easy-read pages."""
    base = tmp_path_factory.mktemp("easy")
    config = config_for(base, small_pipeline(base / "project", ""))
    summary = run_year(config, progress=lambda _: None)
    assert summary.ok
    assert config.languages == ("en", "cy")  # the run publishes both
    return config, read_results(config.build_dir() / "results.pkl")


def page_of(config, rpb, lang) -> str:
    return (config.year_dir() / easy_read_name(rpb, lang)).read_text(encoding="utf-8")


def test_the_run_publishes_an_easy_read_page_for_wales_and_every_rpb(run):
    config, _ = run
    names = sorted(p.relative_to(config.year_dir()).as_posix()
                   for p in (config.year_dir() / "easy-read").iterdir())  # fmt: skip
    assert "easy-read/wales.html" in names and "easy-read/gwent.html" in names
    assert {easy_read_name(r, "en") for r in AREAS} <= set(names)
    assert '<html lang="en-GB">' in page_of(config, None, "en")


@pytest.mark.parametrize("rpb", AREAS)
def test_english_pages_are_easy_to_read(run, rpb):
    config, _ = run
    text = " ".join(b.strip() for b in prose(page_of(config, rpb, "en")).blocks)
    assert textstat.flesch_reading_ease(text) >= 70
    assert textstat.words_per_sentence(text) <= 15
    assert max(textstat.lexicon_count(s) for s in sentences(text)) <= 20


def test_readability_is_measured_on_the_text_children_read(run):
    config, _ = run
    text = " ".join(prose(page_of(config, None, "en")).blocks)
    assert label("easy.help.adult") in text and label("easy.intro.for_you") in text
    hard = text + " " + "Notwithstanding considerable methodological heterogeneity, " * 4 + "."
    assert textstat.flesch_reading_ease(hard) < textstat.flesch_reading_ease(text)


@pytest.mark.parametrize("rpb", [None, "Gwent"])
def test_the_welsh_twin_is_in_welsh(run, rpb):
    config, _ = run
    english, welsh = page_of(config, rpb, "en"), page_of(config, rpb, "cy")
    assert f'<html lang="{HTML_LANG["cy"]}">' in welsh
    assert label("easy.heading.help", "cy") in welsh
    assert label("easy.heading.help", "en") not in welsh
    shared = {s for b in prose(english).blocks for s in sentences(b)} & {
        s for b in prose(welsh).blocks for s in sentences(b)
    }
    assert shared == set()


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_every_page_has_two_to_four_figures_each_with_a_text_alternative(run, lang):
    config, _ = run
    for rpb in AREAS:
        figures = prose(page_of(config, rpb, lang)).figures
        assert 2 <= len(figures) <= 4
        for figure in figures:
            assert figure["alt"] and len(figure["alt"]) < 200
            assert re.search(r"\d", figure["words"])  # the numbers in words beside it


def _allowed_numbers(results, config, rpb) -> set[str]:
    """Years, the catalogue's own numbers, and the area's values that are not withheld."""
    ctx = Context(results, config, rpb=rpb)
    rows = ctx.tables.distance[ctx.tables.distance["rpb"] == ctx.scope]
    wanted = {(s.row.indicator, s.row.item) for s in easy_read_spec().statements}
    allowed = {str(ctx.year), *(str(int(y)) for y in rows["baseline_year"].dropna())}
    for row in rows.to_dict(orient="records"):
        key = (row["indicator"], row["item"] if isinstance(row["item"], str) else None)
        if key in wanted:
            scale = "per_100" if row["indicator"].startswith("share") else "days"
            allowed |= {said(row[c], scale, "en") for c in ("baseline", "current")} - {None}
    for key in messages():
        if key.startswith("easy."):
            allowed |= set(re.findall(r"\d+", label(key)))
    return allowed


@pytest.mark.parametrize("rpb", AREAS)
def test_every_number_shown_is_a_published_value(run, rpb):
    config, results = run
    body = page_of(config, rpb, "en").split("<body>")[-1]
    shown = set(re.findall(r"\d+", re.sub(r"<[^>]+>", " ", body)))
    assert shown - _allowed_numbers(results, config, rpb) == set()


def test_a_withheld_value_is_said_to_be_hidden_never_shown(run):
    """The page reads the controlled table: a value withheld there is not shown, though the
    unsuppressed results hold it."""
    config, results = run
    ctx = Context(results, config, rpb="Gwent")
    table = ctx.tables.distance.copy()
    quick = (table["rpb"] == "Gwent") & (table["indicator"] == "share_within_28_days")
    table.loc[quick, ["current", "change", "ci_low", "ci_high"]] = config.disclosure.shorthand
    raw = results.distance.copy()
    raw.loc[(raw["rpb"] == "Gwent") & (raw["indicator"] == "share_within_28_days"),
            "current"] = 0.777  # fmt: skip
    ctx = Context(dataclasses.replace(results, distance=raw), config, rpb="Gwent")
    ctx.__dict__["tables"] = dataclasses.replace(ctx.tables, distance=table)
    _, body = easy_read_page(ctx)
    assert "78" not in body
    assert label("easy.value.hidden") in body
    assert label("easy.hidden_year", year=2025) in body
    topic = label("easy.topic.quick_help")
    assert label("easy.hidden_change", topic=topic) in body
    assert label("easy.hidden_note") in body


def _page_for(rows: list[dict], lang: str = "en") -> str:
    """A page from a hand-made controlled table of Wales."""
    columns = ["rpb", "indicator", "item", "baseline_year", "baseline", "current", "change",
               "ci_low", "ci_high", "better"]  # fmt: skip
    table = pd.DataFrame([{"rpb": "Wales", "item": None, "baseline_year": 2024, **r}
                          for r in rows], columns=columns)  # fmt: skip
    ctx = SimpleNamespace(lang=lang, scope="Wales", year=2025,
                          tables=SimpleNamespace(distance=table),
                          results=SimpleNamespace(accounting={}))  # fmt: skip
    return easy_read_page(ctx)[1]


QUICK = {"indicator": "share_within_28_days", "baseline": 0.30, "current": 0.40, "better": "higher"}
WAIT = {"indicator": "median_wait_days", "baseline": 40.0, "current": 20.0, "better": "lower"}


@pytest.mark.parametrize(
    ("interval", "said_key"),
    [
        ((0.10, 0.02, 0.18), "easy.change.quick_help.improved"),
        ((-0.10, -0.18, -0.02), "easy.change.quick_help.worsened"),
        ((0.10, -0.01, 0.21), "easy.change.quick_help.same"),  # the interval includes 0
        ((0.10, None, None), "easy.change.quick_help.same"),  # no interval
    ],
)
def test_only_a_change_whose_interval_excludes_no_change_is_said_to_change(interval, said_key):
    change, low, high = interval
    body = _page_for([{**QUICK, "change": change, "ci_low": low, "ci_high": high}, WAIT])
    assert label(said_key) in body
    others = {f"easy.change.quick_help.{k}" for k in ("improved", "worsened", "same")}
    assert not any(label(k) in body for k in others - {said_key})


def test_a_shorter_wait_is_better_and_a_large_change_without_interval_stays_the_same():
    wait = {**WAIT, "change": -20.0, "ci_low": -30.0, "ci_high": -10.0}
    body = _page_for([wait, {**QUICK, "change": 0.1, "ci_low": 0.02, "ci_high": 0.18}])
    assert label("easy.change.wait.improved") in body
    assert label("easy.means.nothing_worse") in body
    body = _page_for([{**WAIT, "change": -20.0, "ci_low": None, "ci_high": None}, QUICK])
    assert label("easy.change.wait.same") in body
    assert label("easy.means.no_clear_change") in body
    assert label("easy.figure.wait.words", year=2024, value="40") in body
    assert label("easy.figure.wait.words", year=2025, value="20") in body


def test_every_word_the_pages_can_show_is_in_the_catalogue_in_both_languages():
    spec = easy_read_spec()
    keys = [f"easy.change.{s.key}.{how}" for s in spec.statements
            for how in ("improved", "worsened", "same")]  # fmt: skip
    keys += [f"easy.topic.{s.key}" for s in spec.statements]
    for figure in spec.figures:
        keys += [f"easy.figure.{figure.key}.title", f"easy.figure.{figure.key}.alt"]
        keys += [f"easy.value.{figure.scale}"]
        if figure.kind == "years":
            keys.append(f"easy.figure.{figure.key}.words")
        else:
            keys += [f"easy.{part}.{row.item}" for row in figure.rows for part in ("item", "said")]
    catalogue = messages()
    for key in keys:
        assert catalogue[key].english and catalogue[key].welsh, key


def test_pages_are_byte_reproducible(run):
    config, _ = run
    before = {rpb: page_of(config, rpb, "en").encode() for rpb in AREAS}
    results = read_results(config.build_dir() / "results.pkl")
    results.derived.clear()  # the disclosure decision taken anew
    for rpb in AREAS:
        write_easy_read(results, config, rpb, "en")
        assert page_of(config, rpb, "en").encode() == before[rpb]
