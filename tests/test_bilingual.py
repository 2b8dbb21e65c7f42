"""Welsh beside English: every message translated, the same values in both, no English left in a
Welsh report, numbers and dates written for each language."""

from __future__ import annotations

import datetime as dt
import html
import random
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from nest_eval.config import RunConfig
from nest_eval.domains.case_mix import ADJUSTED_CHANGE_SPECIFICATION, CHANGE_PER_YEAR_SPECIFICATION
from nest_eval.domains.year import LoadedData, compute_year
from nest_eval.ingest.validation import RULES
from nest_eval.reference import messages
from nest_eval.reference.contract import DATASET_NAMES
from nest_eval.reference.measures import CATALOGUE, SCALAR_FIGURES
from nest_eval.reporting.format import format_date, format_number, format_value
from nest_eval.reporting.report import Report
from nest_eval.reporting.sections.about import figure_label, setting_value

LOCALE = Path(messages.messages().source)
SECTIONS = ("report.about.", "report.evidence.", "report.outcomes.", "report.implementation.")
"""The report sections whose every word must be Welsh in a Welsh report."""

SHOWN = (
    "nest_profile", "implementation_changes", "voices", "foundations", "evidence", "outcomes",
    "paired_data", "outcomes_by_rpb", "change_per_year", "models", "quality", "recommendations",
    "methods", "reproducibility",
)  # fmt: skip
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _read(path: Path, locale: str | None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def catalogues():
    source = _read(LOCALE / "nest_eval.pot", None)
    welsh = _read(LOCALE / "cy" / "LC_MESSAGES" / "nest_eval.po", "cy")
    return source, welsh


def test_every_message_has_a_welsh_translation_awaiting_review(catalogues):
    source, welsh = catalogues
    translated = {m.context: m for m in welsh if m.id}
    untranslated, stale, unflagged = [], [], []
    for entry in source:
        if not entry.id:
            continue
        cy = translated.get(entry.context)
        if cy is None or not cy.string:
            untranslated.append(entry.context)
        elif cy.id != entry.id:
            stale.append(entry.context)  # translated from an older English text
        elif "fuzzy" not in cy.flags:
            unflagged.append(entry.context)
    assert untranslated == [], "messages with no Welsh translation"
    assert stale == [], "Welsh written for an older English text"
    assert unflagged == [], "Welsh written by the team must be flagged fuzzy (awaiting review)"
    assert len(translated) >= len([e for e in source if e.id])


def test_an_untranslated_message_is_caught(tmp_path, catalogues):
    base = LOCALE / "cy" / "LC_MESSAGES" / "nest_eval.po"
    text = base.read_text(encoding="utf-8")
    emptied = text.replace('msgstr "Cyfradd data pâr (plant ag asesiad dilynol)"', 'msgstr ""')
    assert emptied != text
    (tmp_path / "cy.po").write_text(emptied, encoding="utf-8")
    welsh = _read(tmp_path / "cy.po", "cy")
    empty = [m.context for m in welsh if m.id and not m.string]
    assert empty == ["indicator.paired_data_rate"]


def test_each_welsh_message_has_the_placeholders_of_its_english(catalogues):
    _, welsh = catalogues
    differ = {
        m.context: (sorted(PLACEHOLDER.findall(m.id)), sorted(PLACEHOLDER.findall(m.string)))
        for m in welsh
        if m.id and set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))
    }
    assert differ == {}


def test_the_model_specifications_shown_are_the_code_s(catalogues):
    catalogue = messages.messages()
    assert catalogue["report.about.adjusted_specification"].english == (
        ADJUSTED_CHANGE_SPECIFICATION
    )
    assert catalogue["report.outcomes.per_year_specification"].english == (
        CHANGE_PER_YEAR_SPECIFICATION
    )


def test_every_setting_rule_and_catalogue_figure_has_plain_words():
    catalogue = messages.messages()
    settings = RunConfig(year=2025).parameters()
    assert {f"report.about.setting.{k}" for k in settings} <= set(catalogue)
    assert {f"report.about.rule.{k}" for k in RULES} <= set(catalogue)
    assert {f"report.about.dataset.{k}" for k in DATASET_NAMES} <= set(catalogue)
    for lang in ("en", "cy"):
        shown = [setting_value(k, v, lang) for k, v in settings.items()]
        assert not any(x in ("None", "False", "True", "['en']") for x in shown)
        for figures in CATALOGUE.figures_table()["figure"]:
            text = figure_label(figures, lang)
            assert "_" not in text and "cut-off:" not in text
    assert setting_value("as_of", dt.date(2025, 10, 31), "cy") == "31 Hydref 2025"
    assert [figure_label(f) for f in SCALAR_FIGURES][:2] == ["Reliability", "Reference mean"]
    assert figure_label("cut-off: very high, teacher", "cy") == "Pwynt torri uchel iawn, athro"


class Recording(messages.Messages):
    """A catalogue noting every key looked up."""

    def __init__(self, base: messages.Messages) -> None:
        super().__init__(dict(base.items()), base.source)
        self.used: set[str] = set()

    def __getitem__(self, key: str) -> messages.Message:
        self.used.add(key)
        return super().__getitem__(key)


@pytest.fixture(scope="module")
def results(demo_ingest, demo_data):
    data = LoadedData(demo_data, demo_ingest.accounting(), "data/raw")
    return compute_year(data, RunConfig(year=2025))


def _render(results, lang: str) -> tuple[str, set[str]]:
    """The sections' text and HTML (unescaped), national and for Powys, and the keys used."""
    recording = Recording(messages.messages())
    with messages.using(recording):
        pieces = []
        for rpb in (None, "Powys"):
            report = Report(results, RunConfig(year=2025), rpb=rpb, lang=lang)
            for name in SHOWN:
                block = getattr(report, name)()
                pieces += [block.text, html.unescape(block.html)]
    return "\n".join(pieces), recording.used


def _sentences(text: str) -> list[str]:
    """The literal runs of a message between its placeholders, long enough to be a sentence."""
    return [run for run in PLACEHOLDER.split(text)[::2] if len(run.strip()) > 25]


def test_a_welsh_report_shows_no_english_sentence_of_its_sections(results):
    english, used_en = _render(results, "en")
    welsh, used_cy = _render(results, "cy")
    catalogue = messages.messages()
    ours = sorted(k for k in used_en if k.startswith(SECTIONS))
    assert len(ours) > 80 and set(ours) <= used_cy
    sentences = {k: _sentences(catalogue[k].english) for k in ours}
    assert sum(map(len, sentences.values())) > 60
    missing = [s for runs in sentences.values() for s in runs if s not in english]
    assert missing == []  # the English report shows them ...
    left = [s for runs in sentences.values() for s in runs if s in welsh]
    assert left == []  # ... and the Welsh report none of them
    assert "31 Rhagfyr 2025" in welsh and "31 December 2025" not in welsh
    for code in ("baseline_year", "share_within_28_days", "= None", "= False", "SDQ_TOTAL"):
        assert code not in english and code not in welsh
    assert 'href="tables/outcomes_change.cy.ods"' in welsh
    assert 'href="tables/paired_data.xlsx"' in english


def test_numbers_and_dates_are_written_for_welsh():
    assert format_date(dt.date(2025, 12, 31), "cy") == "31 Rhagfyr 2025"
    assert format_date("2026-03-01", "cy") == "1 Mawrth 2026"
    assert format_date("2025-12-31") == "31 December 2025"
    assert format_value(-1234.5, "score", lang="cy") == "\N{MINUS SIGN}1,234.50"
    assert format_value(0.012, "share", signed=True, lang="cy") == "+1.2 pwynt canran"
    assert format_value(0.4953, "share", lang="cy") == "49.5%"
    assert format_value(True, "flag", lang="cy") == "Ie"
    assert format_value(float("inf"), "days", lang="cy") == messages.label("word.not_reached", "cy")


def test_english_numbers_are_rounded_as_python_formats_them():
    draw = random.Random(20251231)
    values = [draw.uniform(-5000, 5000) for _ in range(2000)]
    values += [0.125, 2.675, -0.004, 0.0, -0.0, 1e6 + 0.5, 0.005]
    for value in values:
        for decimals in (0, 1, 2, 4):
            expected = f"{value:+,.{decimals}f}".replace("-", "\N{MINUS SIGN}")
            assert format_number(value, decimals, signed=True) == expected, (value, decimals)
            assert format_number(value, decimals) == expected.removeprefix("+")
