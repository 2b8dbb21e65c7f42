"""Published pages: chrome, links, narrative in both languages, and the run's command line."""

import re
from pathlib import Path

import nbformat
import pytest

from nest_eval.pipeline import narrative
from nest_eval.pipeline.progress import Lines, steps
from nest_eval.pipeline.publish import CSS, NO_ALT_TEXT, notebook_html, page, rebase, sections
from nest_eval.pipeline.steps import Task, load_pipeline
from nest_eval.reference.messages import label, messages
from small_pipelines import ROOT

NOTEBOOKS = sorted({s.notebook for s in load_pipeline(ROOT / "pipelines" / "yearly.toml").steps})
"""The notebooks the pipeline publishes (start_here.ipynb, for the lab only, is not)."""
POT = ROOT / "src" / "nest_eval" / "reference" / "locale" / "nest_eval.pot"

BODY = (
    '<h1>Report</h1><p><a href="tables/access.csv">CSV</a></p>'
    '<h2>Wales</h2><figure><img src="figures/p.svg" alt="x"></figure>'
    '<h2 id="kept">Access &amp; waits</h2><p><a href="#kept">up</a> '
    '<a href="mailto:a@b.c">mail</a> <img src="data:image/png;base64,AAA=" alt=""></p>'
    "<h2>Wales</h2>"
)


def _links(document: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', document)


def test_a_page_in_a_subfolder_has_every_relative_link_rebased_and_no_other():
    document = page("Gwent", BODY, "cy", "rpb/gwent.html")
    links = _links(document)
    assert "../tables/access.csv" in links and "../figures/p.svg" in links
    assert "../index.cy.html" in links  # the index in the page's own language
    assert "../rpb/gwent.html" in links  # the twin, from rpb/gwent.cy.html
    assert {"#main", "#kept", "mailto:a@b.c", "data:image/png;base64,AAA="} <= set(links)
    relative = [x for x in links if not re.match(r"^(#|[a-z]+:)", x)]
    assert relative and all(x.startswith("../") for x in relative)
    top = page("Wales", BODY, "en", "national.html")
    assert "tables/access.csv" in _links(top) and not any(x.startswith("../") for x in _links(top))


def test_rebase_leaves_what_is_not_relative():
    html = '<a href="https://x.org/a">a</a><a href="/abs">b</a><a href="#m">c</a><a href="">d</a>'
    assert rebase(html, "analysis/outcomes.html") == html


def test_a_page_has_its_language_landmarks_and_a_table_of_contents():
    document = page("Adroddiad", BODY, "cy", "rpb/gwent.html")
    assert '<html lang="cy-GB">' in document
    body = document.split("<body>", 1)[1]
    assert body.lstrip().startswith('<a class="skip-link" href="#main">')
    order = [body.index(tag) for tag in ("<header", '<main id="main">', "<h1>", "<nav", "<footer")]
    assert order == sorted(order)
    pattern = r'class="twin" href="([^"]+)" hreflang="([^"]+)" lang="([^"]+)">([^<]+)<'
    twin = re.search(pattern, body)
    assert twin.groups() == ("../rpb/gwent.html", "en-GB", "en-GB", "English")
    nav = re.search(r'<nav class="toc" aria-label="([^"]+)">(.*?)</nav>', body, re.S)
    assert nav.group(1) == label("page.contents", "cy") == "Cynnwys"
    anchors = re.findall(r'href="#([^"]+)"', nav.group(2))
    ids = re.findall(r'<h2 id="([^"]+)"', body)
    assert anchors == ids == ["wales", "kept", "wales-2"]
    assert len(set(re.findall(r'\sid="([^"]+)"', body))) == len(re.findall(r'\sid="', body))
    english = page("Report", BODY, "en", "rpb/gwent.html")
    assert '<html lang="en-GB">' in english and ">Cymraeg</a>" in english
    assert 'hreflang="cy-GB" lang="cy-GB"' in english


def test_a_page_links_no_twin_in_a_language_not_published():
    document = page("Report", BODY, "en", "national.html", languages=("en",))
    assert 'class="twin"' not in document and "national.cy.html" not in document


def test_sections_keep_given_ids_and_list_headings_without_markup():
    body, found = sections('<h2 class="x"><em>One</em> &amp; two</h2><h2 id="given">Three</h2>')
    assert found == [("one-two", "One & two"), ("given", "Three")]
    assert '<h2 id="one-two" class="x">' in body


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_ratio_matches_the_wcag_worked_values():
    assert _contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert _contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # AA's lightest grey


def test_text_and_link_colours_meet_wcag_aa_on_every_background_of_the_stylesheet():
    screen = CSS.split("@media print", 1)[0]
    foregrounds = set(re.findall(r"(?<![-\w])color:(#[0-9A-Fa-f]{6})", screen))
    backgrounds = set(re.findall(r"background:(#[0-9A-Fa-f]{6})", screen)) | {"#ffffff"}
    assert {"#0b4f8a", "#1b1b1b"} <= {c.lower() for c in foregrounds}
    for fg in foregrounds:
        for bg in backgrounds:
            assert _contrast(fg, bg) >= 4.5, (fg, bg)


def test_the_stylesheet_prints_on_a4_and_fits_a_narrow_screen():
    printed = CSS.split("@media print", 1)[1]
    assert "@page{size:A4;" in printed
    assert re.search(r"nav\.toc[^{]*\{display:none", printed)
    assert re.search(r"tr[^{]*\{break-inside:avoid", printed)
    assert "break-after:avoid" in printed
    screen = CSS.split("@media print", 1)[0]
    assert "pre{white-space:pre-wrap" in screen and "img,svg,video{max-width:100%" in screen
    assert "overflow-wrap:break-word" in screen
    assert re.search(r"li>a[^{]*\{display:inline-block;min-height:24px;min-width:24px", screen)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_markdown_cell_is_keyed_and_its_catalogue_english_is_the_cell(path):
    nb = nbformat.read(path, as_version=4)
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    entries = narrative.narrative(nb, path.stem)  # raises for a cell without a key
    assert len(entries) == len(markdown) > 0
    catalogue = messages()
    for (key, english), cell in zip(entries, markdown, strict=True):
        assert key.startswith(f"notebook.{path.stem}.")
        assert catalogue[key].english == english == cell.source, key
        assert catalogue[key].welsh and catalogue[key].welsh != english, key


def test_the_english_source_holds_the_notebooks_narrative_as_extracted():
    assert narrative.source_block(NOTEBOOKS) in POT.read_text(encoding="utf-8")


def test_an_edited_cell_is_caught_and_written_into_the_source(tmp_path):
    nb = nbformat.read(ROOT / "notebooks" / "analysis_access.ipynb", as_version=4)
    cell = next(c for c in nb.cells if narrative.cell_name(c) == "wales")
    cell.source = "## Wales, edited"
    copy = tmp_path / "analysis_access.ipynb"
    nbformat.write(nb, copy)
    with pytest.raises(ValueError, match="differs from the catalogue"):
        narrative.translated(nb, "analysis_access", "cy")
    pot = tmp_path / "nest_eval.pot"
    pot.write_text('msgctxt "a"\nmsgid "A"\nmsgstr ""\n', encoding="utf-8")
    assert narrative.update_source(pot, [copy])
    text = pot.read_text(encoding="utf-8")
    assert text.startswith('msgctxt "a"') and '"## Wales, edited"' in text
    assert not narrative.update_source(pot, [copy])  # the block is replaced, not appended again
    assert text.count(narrative.BEGIN) == 1


def test_an_unkeyed_markdown_cell_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title")])
    with pytest.raises(ValueError, match="markdown cell 0 has no text:<name> tag"):
        narrative.narrative(nb, "x")


def test_the_welsh_notebook_has_welsh_markdown_and_the_same_code():
    nb = nbformat.read(ROOT / "notebooks" / "rpb_report.ipynb", as_version=4)
    welsh = narrative.translated(nb, "rpb_report", "cy")
    for before, after in zip(nb.cells, welsh.cells, strict=True):
        if before.cell_type == "markdown":
            name = narrative.cell_name(before)
            assert after.source == label(f"notebook.rpb_report.{name}", "cy") != before.source
        else:
            assert after.source == before.source
    intro = next(c for c in nb.cells if narrative.cell_name(c) == "intro")
    assert intro.source.startswith("The distance travelled")  # the original is unchanged


def test_step_titles_come_from_the_catalogue_in_each_language():
    task = Task("rpb", "Other", Path("rpb_report.ipynb"), "rpb/x", (("rpb", "Cardiff and Vale"),))
    assert task.title_in("en") == "NYTH/NEST evaluation: Cardiff and Vale regional report"
    assert task.title_in("cy") == "Gwerthusiad NYTH/NEST: adroddiad rhanbarthol Caerdydd a'r Fro"
    custom = Task("custom", "A step of my own", Path("x.ipynb"), "x")
    assert custom.title_in("cy") == "A step of my own"


@pytest.mark.parametrize(
    ("given", "suggested"),
    [
        ("Gwnet", "'Gwent'"),
        ("Caerdyd a'r Fro", '"Caerdydd a\'r Fro"'),
        ("Cardif and Vale", "'Cardiff and Vale'"),
        ("Gorllewin Cymur", "'Gorllewin Cymru'"),
    ],
)
def test_a_misspelt_rpb_gets_did_you_mean(given, suggested, capsys):
    from nest_eval.cli import EXIT_USAGE, main

    assert main(["run", "--year", "2025", "--rpb", "Gwent", given]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"did you mean {suggested}" in err, err
    assert err.count("error:") == 1  # Gwent itself is fine


def test_a_name_like_no_rpb_gets_no_suggestion(capsys):
    from nest_eval.cli import EXIT_USAGE, main

    assert main(["run", "--year", "2025", "--rpb", "Zanzibar"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "'Zanzibar' is not an RPB" in err and "did you mean" not in err


def test_progress_off_a_terminal_is_plain_lines(capsys):
    lines: list[str] = []
    counter = steps(lines.append, 2)
    counter.advance("  [1/2] a: done")
    counter.advance("  [2/2] b: done")
    counter.close()
    assert lines == ["  [1/2] a: done", "  [2/2] b: done"]
    plain = steps(Lines(), 1)
    plain.advance("one")
    plain.close()
    captured = capsys.readouterr()
    assert captured.out == "one\n" and captured.err == ""


def test_progress_on_a_terminal_draws_a_bar_on_stderr(monkeypatch, capsys):
    import sys

    from nest_eval.pipeline import progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    reporter = progress.reporter()
    assert isinstance(reporter, progress.Bar)
    counter = steps(reporter, 2)
    counter.advance("  [1/2] a: done")
    counter.close()
    captured = capsys.readouterr()
    assert "  [1/2] a: done" in captured.out
    assert "1/2" in captured.err and "notebook" in captured.err


def test_a_notebook_page_shows_outputs_only_and_every_image_has_a_text():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    png = new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    described = '<img src="figures/a.svg" alt="Waits by RPB">'
    nb = new_notebook(
        cells=[
            new_markdown_cell("## Waits"),
            new_code_cell("secret_variable = 1", outputs=[png]),
            new_code_cell("x", outputs=[new_output("display_data", data={"text/html": described})]),
        ]
    )
    page_html = notebook_html(nb, "Waits", "en", "national.html", ("en",))
    images = re.findall(r"<img[^>]*>", page_html)
    assert len(images) == 2
    assert f'alt="{NO_ALT_TEXT}"' in images[0] and 'alt="Waits by RPB"' in images[1]
    assert images[1].count("alt=") == 1
    assert "secret_variable" not in page_html and 'id="waits"' in page_html
