"""Publishing: atomic, reproducible, self-contained outputs.

Everything the yearly run publishes goes through here:

- :func:`atomic_write_bytes` / :func:`atomic_write_text`: a file appears whole or not at all
  (written to a temporary file in the same folder, then renamed), so an interrupted run never
  leaves a half-written report that looks complete;
- :func:`clean_notebook`: strips what varies between runs from an executed notebook (Papermill's
  timings, execution timestamps, random cell ids);
- :func:`page`: a page in one language with its chrome (``lang``, a skip link, a header linking
  to the index and to the twin page in the other language, a table of contents, ``main`` and
  ``footer`` landmarks), styles inline, no script, font or style fetched from anywhere, every
  relative link rebased for the folder the page is published in (:func:`rebase`);
- :func:`notebook_html`: the report HTML without code, in such a page;
- :func:`write_csv`: deterministic CSV;
- :func:`file_manifest`: every output file with its SHA-256.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from nest_eval.files import sha256_file
from nest_eval.reference.messages import HTML_LANG, LANGUAGES, label, messages
from nest_eval.reporting.outputs import localised

__all__ = [
    "EXTERNAL_REFERENCE",
    "clean_notebook",
    "file_manifest",
    "notebook_html",
    "page",
    "rebase",
    "sections",
]

EXTERNAL_REFERENCE = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}", re.IGNORECASE)
"""What an external reference looks like (``http://``, ``https://`` or ``//host``)."""

CSS = """
*,*::before,*::after{box-sizing:border-box}
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;max-width:72rem;margin:0 auto;
padding:0 1rem 2rem;color:#1b1b1b;background:#fff;line-height:1.45;overflow-wrap:break-word}
a{color:#0b4f8a}a:visited{color:#5b2a86}a:hover,a:focus{color:#062d4f}
a:focus{outline:3px solid #ffbf47;outline-offset:1px}
.skip-link{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem;z-index:2}
.skip-link:focus{left:.5rem}
header.page-header{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;
border-bottom:1px solid #b1b4b6;padding:.6rem 0;margin-bottom:1rem}
header.page-header .twin{margin-left:auto}
header a,nav a,footer a,li>a,.downloads a{display:inline-block;min-height:24px;min-width:24px;
padding:.15rem 0;vertical-align:top}
nav.toc{border-left:4px solid #0b4f8a;padding:.2rem 1rem;margin:1rem 0;background:#f3f6f9}
nav.toc .toc-title{font-weight:bold;margin:.4rem 0}
nav.toc ol{margin:.2rem 0 .6rem;padding-left:1.4rem}nav.toc li{margin:.15rem 0}
h1,h2,h3{line-height:1.2}h1{border-bottom:3px solid #0072B2;padding-bottom:.3rem}
h2{margin-top:2.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
h1,h2,h3,h4{overflow-wrap:anywhere}
.table-scroll{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;margin:.8rem 0;font-size:.88rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}img,svg,video{max-width:100%;height:auto}
figcaption{font-size:.9rem;color:#444}.note{font-size:.9rem;color:#444}
.flag{font-weight:bold}
.left-out{border:2px solid #D55E00;background:#FFF4EC;padding:.2rem 1rem;margin:1rem 0}
.synthetic{border:3px solid #7A2E00;background:#FFF4EC;padding:.2rem 1rem;margin:1rem 0}
.synthetic strong{text-transform:uppercase;letter-spacing:.04em}
.translation-review{border-left:4px solid #0072B2;background:#F0F4F8;padding:.4rem .8rem}
a.anchor-link{display:none}
pre{white-space:pre-wrap;overflow-wrap:anywhere;max-width:100%}
code{overflow-wrap:anywhere}
footer.page-footer{border-top:1px solid #b1b4b6;margin-top:2.5rem;padding-top:.6rem;
font-size:.9rem;color:#444}
@media print{
@page{size:A4;margin:18mm 15mm 20mm}
body{max-width:none;margin:0;padding:0;font-size:10.5pt;color:#000}
nav.toc,.skip-link,header.page-header,.downloads{display:none}
a{color:#000;text-decoration:underline}
h1,h2,h3,h4{break-after:avoid;page-break-after:avoid}
h2,h3{break-inside:avoid}
table{break-inside:auto}thead{display:table-header-group}
tr,figure,img{break-inside:avoid;page-break-inside:avoid}
.table-scroll{overflow:visible}
}
""".strip()
"""The pages' one stylesheet, inline in every page: readable at 320 px (text wraps, images
and preformatted text fit, wide tables scroll inside their own box), link colours of at least
7:1 contrast on white (WCAG 2.2 AA asks 4.5:1), link targets at least 24 by 24 px (WCAG 2.5.8)
and an A4 print layout (no navigation, table rows and figures kept whole, headings kept with
what follows them)."""


def clean_notebook(nb: Any) -> Any:
    """Remove what varies between runs from an executed notebook.

    Drops Papermill's timings and environment from the notebook and cell metadata, execution
    timestamps, and gives every cell a deterministic id (its position), so the same inputs
    give the same notebook bytes.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (modified in place and returned).

    Returns
    -------
    nbformat.NotebookNode
    """
    papermill = nb.metadata.get("papermill")
    if papermill is not None:
        nb.metadata["papermill"] = {
            key: papermill[key] for key in ("parameters", "default_parameters") if key in papermill
        }
    nb.metadata.pop("widgets", None)
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number:03d}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)
    return nb


_LINK = re.compile(r"""(?<![\w:-])(href|src)=(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_NOT_RELATIVE = re.compile(r"^(?:#|/|[A-Za-z][A-Za-z0-9+.-]*:)")
_H2 = re.compile(r"<h2(\s[^>]*)?>(.*?)</h2>", re.IGNORECASE | re.DOTALL)
_ID = re.compile(r"""\sid=(["'])(.*?)\1""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_ID_VALUES = re.compile(r"""\sid=["']([^"']*)["']""", re.IGNORECASE)


def rebase(document: str, path: str) -> str:
    """Rewrite every relative link of a page for where the page is published.

    Pages are written with links relative to the year folder (``figures/x.svg``,
    ``tables/access.csv``, ``national.cy.html``); a page published in a sub-folder
    (``rpb/gwent.html``) needs them one level up (``../figures/x.svg``). Links to an anchor
    (``#main``), absolute paths, and links with a scheme (``data:``, ``mailto:``, ``https:``)
    are left as they are.

    Parameters
    ----------
    document : str
        The HTML, its ``href`` and ``src`` attributes relative to the year folder.
    path : str
        Where the page is published, a POSIX path relative to the year folder.

    Returns
    -------
    str

    Examples
    --------
    >>> rebase('<a href="tables/a.csv">a</a> <a href="#x">x</a>', "rpb/gwent.cy.html")
    '<a href="../tables/a.csv">a</a> <a href="#x">x</a>'
    >>> rebase('<img src="figures/p.svg">', "national.html")
    '<img src="figures/p.svg">'
    """
    prefix = "../" * PurePosixPath(path).as_posix().count("/")
    if not prefix:
        return document

    def rewrite(match: re.Match) -> str:
        attribute, quote, target = match.groups()
        if not target or _NOT_RELATIVE.match(target):
            return match.group(0)
        return f"{attribute}={quote}{prefix}{target}{quote}"

    return _LINK.sub(rewrite, document)


def _slug(text: str) -> str:
    folded = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")
    return folded or "section"


def sections(body: str) -> tuple[str, list[tuple[str, str]]]:
    """Give every ``h2`` of a page body an id, and list them for the table of contents.

    An ``h2`` keeps the id it has (nbconvert gives markdown headings one from their text);
    one without gets a slug of its text, made unique within the page.

    Parameters
    ----------
    body : str
        The page body.

    Returns
    -------
    tuple
        The body with ids, and ``(id, text)`` of each ``h2`` in order (text without markup).

    Examples
    --------
    >>> sections('<h2>Wales</h2><h2 id="a-b">A b</h2><h2>Wales</h2>')[1]
    [('wales', 'Wales'), ('a-b', 'A b'), ('wales-2', 'Wales')]
    """
    taken = set(_ID_VALUES.findall(body))
    found: list[tuple[str, str]] = []

    def identify(match: re.Match) -> str:
        attributes, inner = match.group(1) or "", match.group(2)
        text = " ".join(html.unescape(_TAG.sub("", inner)).split())
        given = _ID.search(attributes)
        if given:
            found.append((html.unescape(given.group(2)), text))
            return match.group(0)
        anchor, number = _slug(text), 1
        while anchor in taken:
            number += 1
            anchor = f"{_slug(text)}-{number}"
        taken.add(anchor)
        found.append((anchor, text))
        return f'<h2 id="{anchor}"{attributes}>{inner}</h2>'

    return _H2.sub(identify, body), found


def _contents(found: list[tuple[str, str]], lang: str) -> str:
    if not found:
        return ""
    heading = label("page.contents", lang)
    items = "".join(
        f'<li><a href="#{html.escape(anchor)}">{html.escape(text)}</a></li>'
        for anchor, text in found
    )
    return (
        f'<nav class="toc" aria-label="{html.escape(heading)}">\n'
        f'<p class="toc-title">{html.escape(heading)}</p>\n<ol>{items}</ol>\n</nav>'
    )


def _with_contents(body: str, contents: str) -> str:
    """The body with its table of contents before its first section (the first ``h2``).

    What comes before it (the title, and banners such as SYNTHETIC DATA) stays first.
    """
    if not contents:
        return body
    start = body.find("<h2")
    if start < 0:
        return f"{body}\n{contents}"
    return f"{body[:start]}{contents}\n{body[start:]}"


def _header(path: str, lang: str, languages: Sequence[str]) -> str:
    links = [
        f'<a href="{localised("index.html", lang)}">{html.escape(label("page.index", lang))}</a>'
    ]
    for other in languages:
        if other == lang:
            continue
        twin = localised(path, other)
        name = label("page.language", other)
        links.append(
            f'<a class="twin" href="{twin}" hreflang="{HTML_LANG[other]}" '
            f'lang="{HTML_LANG[other]}">{html.escape(name)}</a>'
        )
    return '<header class="page-header">\n' + "\n".join(links) + "\n</header>"


def _footer(lang: str) -> str:
    lines = [
        f'<p><a href="#main">{html.escape(label("page.top", lang))}</a> · '
        f'<a href="{localised("index.html", lang)}">{html.escape(label("page.index", lang))}</a>'
        "</p>"
    ]
    if messages().awaiting_review(lang):
        lines.append(f"<p>{html.escape(label('page.awaiting_review', lang))}</p>")
    return '<footer class="page-footer">\n' + "\n".join(lines) + "\n</footer>"


def page(
    title: str,
    body: str,
    lang: str = "en",
    path: str = "index.html",
    languages: Sequence[str] = LANGUAGES,
    style: str = "",
) -> str:
    """A complete, self-contained HTML page in ``lang``, with its chrome.

    The page has ``<html lang>`` set for its language, a skip link, a ``<header>`` linking
    back to the index in the same language and to the twin page in each other language
    published (``hreflang`` and ``lang`` set, its name in that language), the body in
    ``<main id="main">`` with a ``<nav>`` table of contents of its ``h2`` sections (each given
    an id) after its title, and a ``<footer>``. Styles are inline (:data:`CSS`); nothing is
    fetched from anywhere. Every relative link, written relative to the year folder, is
    rebased for where the page is published (:func:`rebase`).

    Parameters
    ----------
    title : str
        The page title (already in ``lang``).
    body : str
        The page body, its links relative to the year folder.
    lang : str
        The page's language, ``"en"`` or ``"cy"``.
    path : str
        The page's name in the source language, relative to the year folder
        (``rpb/gwent.html``); the page itself is published as ``localised(path, lang)``.
    languages : sequence of str
        The languages published in the run (a twin is linked only when published).
    style : str
        Styles of the page's own, after the common ones (:data:`CSS`).

    Returns
    -------
    str
    """
    body, found = sections(body)
    styles = f"{CSS}\n{style}" if style else CSS
    document = (
        f'<!DOCTYPE html>\n<html lang="{HTML_LANG[lang]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{styles}\n</style>\n</head>\n<body>\n"
        f'<a class="skip-link" href="#main">{html.escape(label("page.skip", lang))}</a>\n'
        f"{_header(path, lang, languages)}\n"
        f'<main id="main">\n{_with_contents(body, _contents(found, lang))}\n</main>\n'
        f"{_footer(lang)}\n</body>\n</html>\n"
    )
    return rebase(document, localised(path, lang))


def notebook_html(
    nb: Any, title: str, lang: str = "en", path: str = "index.html",
    languages: Sequence[str] = LANGUAGES,
) -> str:  # fmt: skip
    """Render an executed notebook as a report page: narrative and outputs, no code.

    Uses nbconvert's ``basic`` template (body only, no script or CDN reference) with inputs
    and prompts excluded, inside :func:`page`.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    title : str
        The page title.
    lang, path, languages
        The page's language, its name in the source language and the languages published
        (:func:`page`).

    Returns
    -------
    str
        The HTML page.
    """
    body, _ = _exporter().from_notebook_node(nb)
    return page(title, body.strip(), lang, path, languages)


_NO_ALT = re.compile(r"<img(?![^>]*\salt=)", re.IGNORECASE)
"""An image tag with no ``alt`` attribute."""

NO_ALT_TEXT = "No description has been provided for this image"
"""The alternative text nbconvert gives an image that has none (a plot shown by a notebook)."""


@cache
def _exporter() -> Any:
    """The HTML exporter of report pages (nbconvert's), made once per process with its templates.

    nbconvert's :class:`~nbconvert.exporters.HTMLExporter` ends by parsing the whole page with
    BeautifulSoup to give images without one an alternative text and input and output areas a
    ``tabindex``, and writing it out again: about 0.2 s a report page, most of the time it
    takes. A report page has no input area and the basic template's outputs no such area, so
    this exporter renders the template as nbconvert does and gives the images their text
    itself (:data:`NO_ALT_TEXT`).
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):  # type: ignore[misc]
        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            resources = self._init_resources(resources)
            self.register_filter(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources
                ),
            )
            body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _NO_ALT.sub(f'<img alt="{NO_ALT_TEXT}"', body), resources

    return PageExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )


def file_manifest(root: str | Path, exclude: Iterable[str] = ()) -> list[dict[str, str]]:
    """Every file under ``root`` (sorted, POSIX paths) with its SHA-256 and size.

    Parameters
    ----------
    root : str or pathlib.Path
        The folder.
    exclude : iterable of str
        Relative paths (or leading folder names) to leave out.

    Returns
    -------
    list of dict
        ``{"path", "sha256", "bytes"}`` per file.
    """
    base = Path(root)
    skipped = tuple(exclude)
    entries = []
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        relative = path.relative_to(base).as_posix()
        if relative.startswith(skipped) or "/." in f"/{relative}":
            continue
        entries.append(
            {"path": relative, "sha256": sha256_file(path), "bytes": str(path.stat().st_size)}
        )
    return entries
