"""Front matter: the title, banners, main points and the publication's details, in two languages."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from nest_eval.config import ConfigError, Folders, RunConfig
from nest_eval.demo.fingerprints import demo_files_in, demo_fingerprints
from nest_eval.domains.year import compute_year, load_data
from nest_eval.files import sha256_file
from nest_eval.pipeline.runner import run_year
from nest_eval.reference.messages import Message, label, messages, using
from nest_eval.reference.publication import LICENCE, default_publication_date
from nest_eval.reporting.completeness import assess, banner
from nest_eval.reporting.report import Report
from nest_eval.reporting.sections.front import MAX_POINTS, point_sentence
from nest_eval.reporting.tables import controlled_tables
from small_pipelines import RAW, small_pipeline

CONFIG = RunConfig(year=2025)


@pytest.fixture(scope="module")
def results():
    """The demo year's results, with the ingest accounting (each file's SHA-256)."""
    return compute_year(load_data(RAW), CONFIG)


def not_demo(folder: Path) -> Path:
    """The demo data with every file changed (its last data row left out): no demo file in it."""
    folder.mkdir(parents=True)
    for path in sorted(RAW.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        with (folder / path.name).open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows[:-1])
    return folder


# --- main points ---------------------------------------------------------------------------


def clearest(results, rpb: str) -> list[tuple[str, float, float, float]]:
    """The area's changes whose interval excludes 0, by |change| over half-width, largest first.

    Read independently of the report: from the controlled distance table's numbers only.
    """
    table = controlled_tables(results, CONFIG).distance
    found = []
    for row in table[table["rpb"] == rpb].to_dict(orient="records"):
        values = [row["change"], row["ci_low"], row["ci_high"]]
        if any(isinstance(v, str) for v in values) or any(v != v for v in values):
            continue  # suppressed or missing: never used
        change, low, high = (float(v) for v in values)
        if low > 0 or high < 0:
            found.append((row["indicator"], change, low, high, abs(change) / ((high - low) / 2)))
    found.sort(key=lambda item: -item[4])
    return [item[:4] for item in found]


def test_main_points_are_the_clearest_changes_of_the_distance_table(results):
    block = Report(results, CONFIG).main_points()
    expected = clearest(results, "Wales")
    assert len(expected) > MAX_POINTS  # the demo data has more clear changes than are stated
    shown = block.frame
    columns = ("indicator", "change", "ci_low", "ci_high")
    stated = list(shown[list(columns)].itertuples(index=False, name=None))
    assert [tuple(s) for s in stated] == [tuple(e) for e in expected[:MAX_POINTS]]
    for _, change, low, high in stated:  # each stated interval excludes no change
        assert low > 0 or high < 0
        assert (change > 0) == (low > 0)
    weakest_stated = min(abs(c) / ((h - lo) / 2) for _, c, lo, h in expected[:MAX_POINTS])
    assert all(abs(c) / ((h - lo) / 2) <= weakest_stated for _, c, lo, h in expected[MAX_POINTS:])
    lines = [line for line in repr(block).splitlines() if line.startswith("- ")]
    assert len(lines) == MAX_POINTS
    assert all(" since 2024, " in line for line in lines)


def test_main_points_say_plainly_when_no_change_is_clear(results):
    assert clearest(results, "Gwent") == []
    report = Report(results, CONFIG, rpb="Gwent")
    assert "No change in Gwent since the baseline year is clear" in repr(report.main_points())
    assert report.main_points().frame.empty


def test_a_suppressed_change_is_never_a_main_point(results):
    controlled = controlled_tables(results, CONFIG)
    top = clearest(results, "Wales")[0]
    distance = controlled.distance.copy()
    distance["ci_low"] = distance["ci_low"].astype(object)
    at = distance.index[
        (distance["rpb"] == "Wales")
        & (distance["indicator"] == top[0])
        & (distance["change"] == top[1])
    ]
    assert len(at) == 1
    distance.loc[at, "ci_low"] = "c"  # as disclosure control writes a withheld bound
    report = Report(results, CONFIG)
    report.context.__dict__["tables"] = dataclasses.replace(controlled, distance=distance)
    shown = report.main_points().frame
    assert len(shown) == MAX_POINTS
    assert not ((shown["indicator"] == top[0]) & (shown["change"] == top[1])).any()


@pytest.mark.parametrize(
    ("change", "low", "high", "better", "reading", "expected"),
    [
        (0.05, 0.01, 0.09, "higher", "improved",
         "rose by 5.0 percentage points (1.0 to 9.0) since 2024, an improvement."),
        (-0.05, -0.09, -0.01, "higher", "worsened",
         "fell by 5.0 percentage points (1.0 to 9.0) since 2024, a change for the worse."),
    ],
)  # fmt: skip
def test_a_main_point_is_plain_words_with_its_interval(
    change, low, high, better, reading, expected
):
    record = {
        "indicator": "share_within_28_days",
        "change": change,
        "ci_low": low,
        "ci_high": high,
        "better": better,
        "baseline_year": 2024,
        "reading": reading,
    }
    sentence = point_sentence(record, "en")
    assert sentence == f"{label('indicator.share_within_28_days')} {expected}"
    welsh = point_sentence(record, "cy")
    assert "5.0 pwynt canran (1.0 i 9.0) ers 2024" in welsh


# --- the banners ---------------------------------------------------------------------------


def test_the_demo_fingerprints_are_those_of_the_committed_demo_data():
    assert demo_fingerprints() == {p.name: sha256_file(p) for p in sorted(RAW.glob("*.csv"))}


def test_the_synthetic_banner_is_on_demo_data_in_both_languages(results):
    for lang, heading in (("en", "SYNTHETIC DATA"), ("cy", "DATA SYNTHETIG")):
        title = Report(results, CONFIG, rpb="Powys", lang=lang).title()
        assert f'<div class="synthetic" role="note"><p><strong>{heading}</strong>' in title.html
        assert title.html.index("<h1>") < title.html.index('class="synthetic"')
    text = repr(Report(results, CONFIG).title())
    assert "Only the 2024 national averages of the journey ratings are the real" in text
    assert "every other figure, and every change, is synthetic" in text


def test_a_renamed_copy_of_the_demo_data_is_still_demo_data(tmp_path):
    for path in RAW.glob("*.csv"):  # other names, another folder, no truth file
        shutil.copy(path, tmp_path / f"{path.stem}_gwent_2025{path.suffix}")
    data = load_data(tmp_path)
    assert len(demo_files_in(data.accounting)) == 6
    assert "self_assessment_gwent_2025.csv" in demo_files_in(data.accounting)


def test_other_data_carries_no_synthetic_banner(tmp_path, results):
    data = load_data(not_demo(tmp_path / "raw"))
    assert demo_files_in(data.accounting) == ()
    other = compute_year(data, CONFIG)
    for lang in ("en", "cy"):
        report = Report(other, CONFIG, lang=lang)
        assert 'class="synthetic"' not in report.title().html
        assert report.banners() is None or 'class="synthetic"' not in report.banners().html
    assert 'class="synthetic"' in Report(results, CONFIG).banners().html


def test_welsh_reports_say_their_welsh_awaits_review(results):
    welsh = Report(results, CONFIG, rpb="Gwent", lang="cy")
    notice = label("front.translation_review", "cy")
    assert notice in repr(welsh.title()) and notice != label("front.translation_review")
    assert 'class="translation-review"' not in Report(results, CONFIG, lang="en").title().html
    reviewed = messages().rewritten(lambda m: Message(m.key, m.english, m.welsh, True))
    with using(reviewed):  # once a translator has reviewed every entry, no notice
        assert 'class="translation-review"' not in welsh.title().html


def test_the_left_out_banner_is_in_the_reports_language(tmp_path):
    accounting = {"datasets": {"training": {"status": "absent", "rows_read": 0}}}
    found = assess(accounting, {}, RunConfig(year=2025))
    english, welsh = banner(found, "en"), banner(found, "cy")
    assert (
        "training: absent, no file of it in the data; its part of the report is empty." in english
    )
    assert (
        "training: yn absennol, dim ffeil ohono yn y data; mae ei ran o'r adroddiad yn wag."
        in welsh
    )


# --- the title and about these statistics --------------------------------------------------


def test_the_title_names_the_area_in_both_languages(results):
    assert (
        Report(results, CONFIG, rpb="gwent")
        .title()
        .html.startswith("<h1>Gwent: NYTH/NEST evaluation 2025</h1>")
    )
    welsh = Report(results, CONFIG, rpb="Cardiff and Vale", lang="cy")
    assert welsh.title_text() == "Caerdydd a'r Fro: gwerthusiad NYTH/NEST 2025"
    assert Report(results, CONFIG).title_text() == "Wales: NYTH/NEST evaluation 2025"


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_status_licence_contact_citation_and_revisions_in_both_languages(results, lang):
    config = RunConfig(
        year=2025,
        published=dt.date(2026, 4, 30),
        status="official_statistics",
        contact_email="stats@example.gov.wales",
        contact_team="Health statistics",
        publisher="Welsh Government",
        revised=dt.date(2026, 5, 14),
    )
    front = Report(results, config, rpb="Powys", lang=lang).front_matter()
    month = {"en": ("April", "May"), "cy": ("Ebrill", "Mai")}[lang]
    for key in ("period", "published", "status", "contact", "licence", "cite", "revisions"):
        assert f"<dt>{label(f'front.about.{key}', lang)}</dt>" in front.html.replace("&#x27;", "'")
    assert f"30 {month[0]} 2026" in front.html
    assert label("front.status.official_statistics", lang) in front.html
    assert '<a href="mailto:stats@example.gov.wales">' in front.html
    assert "Health statistics" in front.html
    assert label("front.contact.placeholder", lang) not in repr(front)
    assert f'<a href="{LICENCE.url[lang]}" rel="license">' in front.html
    assert label("front.licence.ogl_v3", lang) in front.html
    citation = next(
        line
        for line in repr(front).splitlines()
        if line.startswith(label("front.about.cite", lang))
    )
    assert "Welsh Government (2026)." in citation
    assert Report(results, config, rpb="Powys", lang=lang).title_text() in citation
    assert f"30 {month[0]} 2026" in citation and "http" not in citation
    assert f"14 {month[1]} 2026" in repr(front)
    assert label("front.revisions.none", lang) not in repr(front)


def test_the_demo_contact_is_marked_as_a_placeholder(results):
    front = repr(Report(results, CONFIG).front_matter())
    assert "nest-eval@example.org" in front
    assert label("front.contact.placeholder") in front
    assert "(placeholder)" in front
    assert label("front.revisions.none") in front


# --- the publication date and the settings -------------------------------------------------


def test_the_publication_date_is_a_setting_derived_from_the_year_when_not_given():
    assert RunConfig(year=2025).publication_date() == dt.date(2026, 3, 31)
    assert RunConfig(year=2025, financial=True).publication_date() == dt.date(2026, 6, 30)
    assert default_publication_date(2024) == dt.date(2025, 3, 31)
    given = RunConfig.from_settings({"published": "2026-02-27"}, "test")
    assert given.publication_date() == dt.date(2026, 2, 27)
    assert given.parameters()["published"] == "2026-02-27"
    assert RunConfig.from_parameters(given.parameters()) == given


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"status": "national_statistics"}, "status must be one of"),
        ({"published": "31/03/2026"}, "published is not a date"),
        ({"published": "2026-03-31", "revised": "2026-03-01"}, "must be after the publication"),
        ({"contact_email": "statistics team"}, "contact_email must be an email address"),
        ({"contact_team": " "}, "contact_team must be a name"),
    ],
)
def test_bad_publication_settings_are_refused_by_name(settings, message):
    with pytest.raises(ConfigError, match=message):
        RunConfig.from_settings(settings, "pipelines/yearly.toml")


def test_publication_settings_never_change_what_the_results_rest_on():
    base = RunConfig(year=2025)
    other = RunConfig(
        year=2025, published=dt.date(2026, 7, 1), status="management_information",
        contact_email="a@b.org", contact_team="Team", publisher="P", revised=dt.date(2026, 8, 1),
    )  # fmt: skip
    assert other.computation() == base.computation()
    assert other.results_parameters() == base.results_parameters()
    assert other.parameters() != base.parameters()
    assert set(other.publication()) <= set(other.parameters())


def test_two_reports_with_other_publication_dates_differ_only_there(results):
    first = Report(results, RunConfig(year=2025, published=dt.date(2026, 4, 1)), lang="cy")
    second = Report(results, RunConfig(year=2025, published=dt.date(2026, 5, 12)), lang="cy")
    a = first.title().html + first.front_matter().html
    b = second.title().html + second.front_matter().html
    assert a != b
    assert a.replace("1 Ebrill 2026", "12 Mai 2026") == b


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The national report published, then published again with another publication date.

    The first publication is kept aside before the second run, which reuses the build.
    """
    base = tmp_path_factory.mktemp("published")
    steps = (
        '\n[[steps]]\nname = "national"\ntitle = "National report"\n'
        'notebook = "notebooks/national_report.ipynb"\noutput = "national"\n'
    )
    pipeline = small_pipeline(base / "project", steps)
    folders = Folders(RAW, base / "processed", base / "reports", base / "build")
    runs = []
    for published in (dt.date(2026, 4, 1), dt.date(2026, 5, 12)):
        config = RunConfig(year=2025, folders=folders, pipeline=pipeline, published=published)
        summary = run_year(config, progress=lambda _: None)
        kept = base / f"published-{published.isoformat()}"
        shutil.copytree(config.year_dir(), kept)
        runs.append((kept, summary))
    return runs


def test_runs_with_other_publication_dates_differ_only_in_the_date(two_runs):
    (first, one), (second, other) = two_runs
    assert one.ok and other.ok
    assert one.compute_ran and not other.compute_ran  # the results are not recomputed
    a = {p.relative_to(first).as_posix(): p for p in first.rglob("*")}
    b = {p.relative_to(second).as_posix(): p for p in second.rglob("*")}
    assert a.keys() == b.keys()
    differ = sorted(n for n in a if a[n].is_file() and a[n].read_bytes() != b[n].read_bytes())
    pages = ["national.cy.html", "national.html", "notebooks/national.cy.ipynb",
             "notebooks/national.ipynb"]  # fmt: skip
    covers = [n for n in differ if n.startswith("tables/")]  # the spreadsheets' cover sheets
    assert covers and all(n.endswith((".ods", ".xlsx")) for n in covers)
    assert [n for n in differ if n not in covers] == ["manifest.json", *pages]
    html_a = a["national.html"].read_text(encoding="utf-8")
    html_b = b["national.html"].read_text(encoding="utf-8")
    assert "<h1>Wales: NYTH/NEST evaluation 2025</h1>" in html_a
    assert 'class="synthetic"' in html_a
    assert "1 April 2026" in html_a and "12 May 2026" in html_b
    assert html_a.replace("1 April 2026", "12 May 2026") == html_b
    manifests = [json.loads(m.read_text()) for m in (a["manifest.json"], b["manifest.json"])]
    assert [m["parameters"]["published"] for m in manifests] == ["2026-04-01", "2026-05-12"]
    assert manifests[0]["parameters"]["status"] == "official_statistics_in_development"
    assert manifests[0]["parameters"]["contact_email"] is None  # the placeholder, as given
