"""The published year's index page, in each language: links to every page, table and notebook.

``index.html`` (English) and its Welsh twin ``index.cy.html`` each link to the pages published
in their own language (:func:`nest_eval.reporting.outputs.localised`): the national report and
each RPB's, their easy-read versions (``easy-read/<slug>.html``, slug ``wales`` for Wales), the
analyses, the executed notebooks, every table's downloads (the CSV, the same in both languages,
and the spreadsheets in the page's language) and ``manifest.json``; and to each other. Every word
comes from the message catalogue (``page.index.*``).

The links sit in tables, one link per cell, so each link is a target well apart from the next
(WCAG 2.5.8 Target Size, axe-core's ``target-size``), and each table scrolls inside its own
focusable box on a narrow screen.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nest_eval.config import RunConfig
from nest_eval.files import atomic_write_text
from nest_eval.pipeline.publish import page
from nest_eval.pipeline.steps import Task
from nest_eval.reference.messages import HTML_LANG, label, messages
from nest_eval.reference.vocabulary import RPB_NAMES, rpb_slug
from nest_eval.reporting.outputs import localised, table_downloads
from nest_eval.reporting.sections.front import synthetic_block

__all__ = ["index_body", "write_index"]

WALES = "Wales"
"""The national area's name (its catalogue key ``rpb.Wales``; its easy-read slug ``wales``)."""

FORMATS = ("csv", "ods", "xlsx")
"""The download formats of a published table, in the order shown."""


@dataclass(frozen=True)
class _Year:
    """What the index of one year links to, in one language."""

    folder: Path
    lang: str
    tasks: tuple[Task, ...]

    def file(self, path: str) -> str | None:
        """``path`` in the page's language when it is published, else None."""
        name = localised(path, self.lang)
        return name if (self.folder / name).is_file() else None


def _a(href: str, text: str, lang: str | None = None) -> str:
    extra = f' hreflang="{HTML_LANG[lang]}" lang="{HTML_LANG[lang]}"' if lang else ""
    return f'<a href="{html.escape(href, quote=True)}"{extra}>{html.escape(text)}</a>'


def _table(caption: str, headings: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A table of links (cells are markup; the first is the row's heading).

    A column with nothing in it (no easy-read page published, say) is left out.
    """
    rows = list(rows)
    if not rows:
        return []
    kept = [0, *(i for i in range(1, len(headings)) if any(row[i] for row in rows))]
    head = "".join(f'<th scope="col">{html.escape(headings[i])}</th>' for i in kept)
    body = [
        f'<tr><th scope="row">{row[0]}</th>'
        + "".join(f"<td>{row[i]}</td>" for i in kept[1:])
        + "</tr>"
        for row in rows
    ]
    name = html.escape(caption, quote=True)
    return [
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{name}">',
        f"<table><caption>{html.escape(caption)}</caption>",
        f"<thead><tr>{head}</tr></thead><tbody>",
        *body,
        "</tbody></table></div>",
    ]


def _section(heading: str, content: list[str]) -> list[str]:
    return [f"<h2>{html.escape(heading)}</h2>", *content] if content else []


def _link_cell(year: _Year, path: str, text: str) -> str:
    found = year.file(path)
    return _a(found, text) if found else ""


def _notebook_cell(year: _Year, task: Task | None) -> str:
    if task is None:
        return ""
    return _link_cell(year, f"notebooks/{task.output}.ipynb", label("page.index.ipynb", year.lang))


def _reports(year: _Year) -> list[str]:
    lang = year.lang
    by_area = {WALES: None} | {rpb: None for rpb in RPB_NAMES}
    for task in year.tasks:
        if task.output == "national":
            by_area[WALES] = task
        elif task.output.startswith("rpb/"):
            by_area[dict(task.parameters)["rpb"]] = task
    rows = [r for area, task in by_area.items() if (r := _reports_row(year, area, task))]
    headings = [label(f"page.index.{k}", lang) for k in ("area", "report", "easy", "notebook")]
    return _table(label("page.index.reports_caption", lang), headings, rows)


def _reports_row(year: _Year, area: str, task: Task | None) -> list[str] | None:
    lang = year.lang
    name = label(f"rpb.{area}", lang)
    slug = "wales" if area == WALES else rpb_slug(area)
    cells = [
        _link_cell(year, f"{task.output}.html", label("page.index.report_for", lang, area=name))
        if task
        else "",
        _link_cell(year, f"easy-read/{slug}.html", label("page.index.easy_for", lang, area=name)),
        _notebook_cell(year, task),
    ]
    return [html.escape(name), *cells] if any(cells) else None


def _analysis_name(task: Task, lang: str) -> str:
    key = f"page.index.analysis.{Path(task.output).name}"
    return label(key, lang) if key in messages() else task.title


def _task_name(task: Task, lang: str) -> str:
    if task.output == "national" or task.output.startswith("rpb/"):
        area = dict(task.parameters).get("rpb", WALES)
        return label("page.index.report_for", lang, area=label(f"rpb.{area}", lang))
    return _analysis_name(task, lang)


def _analyses(year: _Year) -> list[str]:
    lang = year.lang
    rows = []
    for task in year.tasks:
        if task.output == "national" or task.output.startswith(("rpb/", "easy-read/")):
            continue
        name = _analysis_name(task, lang)
        page_file = year.file(f"{task.output}.html")
        notebook = _notebook_cell(year, task)
        if page_file or notebook:
            rows.append([_a(page_file, name) if page_file else html.escape(name), notebook])
    headings = [label(f"page.index.{k}", lang) for k in ("analysis", "notebook")]
    return _table(label("page.index.analyses_caption", lang), headings, rows)


def _table_name(name: str, lang: str) -> str:
    key = f"page.index.table.{name}"
    return label(key, lang) if key in messages() else name


def _downloads(year: _Year) -> list[str]:
    lang = year.lang
    rows = []
    for csv in sorted((year.folder / "tables").glob("*.csv")):
        files = table_downloads(csv.stem, lang)
        cells = [
            _a(files[f], label(f"page.download.{f}", lang))
            if (year.folder / files[f]).is_file()
            else ""
            for f in FORMATS
        ]
        rows.append([html.escape(_table_name(csv.stem, lang)), *cells])
    headings = [label("page.index.table", lang)] + [
        label(f"page.download.{f}", lang) for f in FORMATS
    ]
    return _table(label("page.index.tables_caption", lang), headings, rows)


def _review_note(lang: str) -> list[str]:
    """Says so when the page's words in ``lang`` await a translator's review."""
    pending = messages().awaiting_review(lang)
    if not any(key.startswith("page.index.") for key in pending):
        return []
    return [f'<p class="note">{html.escape(label("page.index.awaiting_review", lang))}</p>']


def index_body(
    config: RunConfig,
    tasks: Sequence[Task],
    available: set[Task],
    failed: Sequence[Task],
    lang: str,
    synthetic: bool = False,
) -> str:
    """The body of the index page in ``lang`` (what :func:`nest_eval.pipeline.publish.page` wraps).

    Parameters
    ----------
    config : RunConfig
        The run (its year, folders and disclosure settings).
    tasks : sequence of Task
        Every task of the run, in pipeline order.
    available : set of Task
        The tasks whose output is published.
    failed : sequence of Task
        The tasks that failed in this run.
    lang : str
        The page's language.
    synthetic : bool
        Whether the run is on the demo data (the page then carries the SYNTHETIC DATA banner).

    Returns
    -------
    str
        HTML.
    """
    year = _Year(config.year_dir(), lang, tuple(t for t in tasks if t in available))
    body = [
        f"<h1>{html.escape(label('page.index.heading', lang, year=config.year))}</h1>",
        synthetic_block(lang).html if synthetic else "",
        '<p class="note">'
        + html.escape(
            label(
                "page.index.about",
                lang,
                largest=config.disclosure.threshold - 1,
                shorthand=config.disclosure.shorthand,
            )
        )
        + "</p>",
        *_review_note(lang),
        *_section(label("page.index.reports", lang), _reports(year)),
        *_section(label("page.index.analyses", lang), _analyses(year)),
        *_section(label("page.index.tables", lang), _downloads(year)),
        f"<h2>{html.escape(label('page.index.provenance', lang))}</h2>",
        f"<p>{_a('manifest.json', 'manifest.json')}: "
        f"{html.escape(label('page.index.manifest', lang))}</p>",
    ]
    if failed:
        body += [
            f"<h2>{html.escape(label('page.index.not_produced', lang))}</h2>",
            "<ul>",
            *(f"<li>{html.escape(_task_name(t, lang))}</li>" for t in failed),
            "</ul>",
        ]
    return "\n".join(body)


def write_index(
    config: RunConfig,
    tasks: Sequence[Task],
    available: set[Task],
    failed: Sequence[Task],
    synthetic: bool = False,
) -> list[Path]:
    """Write the index page of the published year in each language of the run.

    Parameters
    ----------
    config : RunConfig
        The run (its year, folders, languages and disclosure settings).
    tasks : sequence of Task
        Every task of the run, in pipeline order.
    available : set of Task
        The tasks whose output is published.
    failed : sequence of Task
        The tasks that failed in this run.
    synthetic : bool
        Whether the run is on the demo data (the SYNTHETIC DATA banner).

    Returns
    -------
    list of pathlib.Path
        The files written: ``index.html``, then ``index.cy.html`` when Welsh is published.
    """
    written = []
    for lang in config.languages:
        target = config.year_dir() / localised("index.html", lang)
        title = label("page.index.title", lang, year=config.year)
        body = index_body(config, tasks, available, failed, lang, synthetic)
        atomic_write_text(target, page(title, body, lang, "index.html", config.languages))
        written.append(target)
    return written
