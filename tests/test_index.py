"""The index page in each language: every published page of its language linked, and its twin."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from nest_eval.config import Folders, RunConfig
from nest_eval.pipeline.index import write_index
from nest_eval.pipeline.steps import expand_tasks, load_pipeline
from nest_eval.reference.messages import label, messages
from nest_eval.reference.vocabulary import RPB_NAMES, rpb_slug
from small_pipelines import RAW, ROOT


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.html_lang = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.hrefs.append(attrs["href"])
        if tag == "html":
            self.html_lang = attrs.get("lang")

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


TABLES = ("access", "distance_travelled", "self_assessment_national")


@pytest.fixture
def year(tmp_path):
    """A published year laid out as a bilingual run leaves it (empty files), minus Powys."""
    pipeline = load_pipeline(ROOT / "pipelines" / "yearly.toml")
    tasks = expand_tasks(pipeline)
    config = RunConfig(
        year=2025,
        languages=("en", "cy"),
        folders=Folders(RAW, tmp_path / "processed", tmp_path / "reports", tmp_path / "build"),
        pipeline=ROOT / "pipelines" / "yearly.toml",
    )
    folder = config.year_dir()
    files = ["manifest.json"]
    for lang_suffix in ("", ".cy"):
        for task in tasks:
            if task.output == "rpb/powys":
                continue
            files += [
                f"{task.output}{lang_suffix}.html",
                f"notebooks/{task.output}{lang_suffix}.ipynb",
            ]
        for slug in ["wales", *(rpb_slug(r) for r in RPB_NAMES if r != "Powys")]:
            files.append(f"easy-read/{slug}{lang_suffix}.html")
        for table in TABLES:
            files += [f"tables/{table}{lang_suffix}.ods", f"tables/{table}{lang_suffix}.xlsx"]
    files += [f"tables/{table}.csv" for table in TABLES]
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x")
    available = {t for t in tasks if t.output != "rpb/powys"}
    failed = [t for t in tasks if t.output == "rpb/powys"]
    written = write_index(config, tasks, available, failed)
    return folder, files, written


def test_an_index_per_language_each_in_its_language(year):
    folder, _, written = year
    assert written == [folder / "index.html", folder / "index.cy.html"]
    assert parse(folder / "index.html").html_lang == "en-GB"
    assert parse(folder / "index.cy.html").html_lang == "cy-GB"


@pytest.mark.parametrize(("name", "suffix"), [("index.html", ""), ("index.cy.html", ".cy")])
def test_the_index_links_every_page_of_its_language_and_nothing_else(year, name, suffix):
    folder, files, _ = year
    links = parse(folder / name)
    twin = "index.cy.html" if suffix == "" else "index.html"
    expected = {
        f
        for f in files
        if f.endswith(".csv")
        or f == "manifest.json"
        or re.fullmatch(rf"[^.]+{re.escape(suffix)}\.(html|ipynb|ods|xlsx)", f)
    }
    files_linked = [h for h in links.hrefs if not h.startswith("#")]  # not the page's anchors
    assert set(files_linked) == expected | {twin, name}  # the header links itself and its twin
    assert all((folder / href).is_file() for href in files_linked)
    assert files_linked[:2] == [name, twin]  # the header's links come first, before the heading
    anchors = {h[1:] for h in links.hrefs if h.startswith("#")}
    page = (folder / name).read_text(encoding="utf-8")
    assert all(f'id="{anchor}"' in page for anchor in anchors)


def test_the_index_says_it_in_its_language_with_plain_labels(year):
    folder, _, _ = year
    for lang, name in (("en", "index.html"), ("cy", "index.cy.html")):
        text = " ".join(parse(folder / name).text)
        assert label("page.index.heading", lang, year=2025) in text
        assert label("rpb.Cardiff and Vale", lang) in text
        assert label("page.index.table.distance_travelled", lang) in text
        assert label("page.index.analysis.outcomes", lang) in text
        # a failed report is named, not linked
        assert label("page.index.report_for", lang, area=label("rpb.Powys", lang)) in text
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "a code name on the index"
    assert label("page.index.language", "cy") in " ".join(parse(folder / "index.html").text)


def test_every_step_of_the_pipeline_has_an_index_label():
    pipeline = load_pipeline(ROOT / "pipelines" / "yearly.toml")
    analyses = [s for s in pipeline.steps if s.name not in ("national", "rpb")]
    assert analyses
    missing = [
        s.name for s in analyses if f"page.index.analysis.{Path(s.output).name}" not in messages()
    ]
    assert missing == []


def test_a_column_with_no_file_is_left_out(tmp_path):
    pipeline = load_pipeline(ROOT / "pipelines" / "yearly.toml")
    tasks = expand_tasks(pipeline, ["Gwent"])
    config = RunConfig(
        year=2025,
        folders=Folders(RAW, tmp_path / "p", tmp_path / "reports", tmp_path / "b"),
        pipeline=ROOT / "pipelines" / "yearly.toml",
    )
    folder = config.year_dir()
    for name in ("national.html", "rpb/gwent.html", "tables/access.csv"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x")
    index = write_index(config, tasks, set(tasks), [])[0]  # English, then Welsh
    text = index.read_text(encoding="utf-8")
    assert label("page.index.report", "en") in text
    for absent in ("page.index.easy", "page.index.notebook", "page.download.ods"):
        assert f">{label(absent, 'en')}<" not in text
    assert ">Gwent<" in text and "Powys" not in text


def test_the_welsh_index_says_its_welsh_awaits_review(year):
    folder, _, _ = year
    note = label("page.index.awaiting_review", "cy")
    assert note in " ".join(parse(folder / "index.cy.html").text)
    assert "page.index.heading" in messages().awaiting_review("cy")  # the catalogue's own flag
    english = (folder / "index.html").read_text(encoding="utf-8")
    assert label("page.index.awaiting_review", "en") not in english
