"""Publishing: atomic, reproducible, self-contained outputs.

Everything the yearly run publishes goes through here:

- :func:`atomic_write_bytes` / :func:`atomic_write_text`: a file appears whole or not at all
  (written to a temporary file in the same folder, then renamed), so an interrupted run never
  leaves a half-written report that looks complete;
- :func:`clean_notebook`: strips what varies between runs from an executed notebook (Papermill's
  timings, execution timestamps, random cell ids);
- :func:`notebook_html`: the report HTML without code, in a page whose styles are inline, with no
  script, font or style fetched from anywhere;
- :func:`write_csv`: deterministic CSV;
- :func:`file_manifest`: every output file with its SHA-256.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nest_eval.files import sha256_file
from nest_eval.reference.messages import HTML_LANG

if TYPE_CHECKING:  # imported lazily: nbformat and pandas are slow to import
    pass

__all__ = [
    "EXTERNAL_REFERENCE",
    "clean_notebook",
    "file_manifest",
    "notebook_html",
    "page",
]

EXTERNAL_REFERENCE = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}", re.IGNORECASE)
"""What an external reference looks like (``http://``, ``https://`` or ``//host``)."""

CSS = """
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;max-width:72rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1,h2,h3{line-height:1.2}h1{border-bottom:3px solid #0072B2;padding-bottom:.3rem}
h2{margin-top:2.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
.table-scroll{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;margin:.8rem 0;font-size:.88rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}
figcaption{font-size:.9rem;color:#444}.note{font-size:.9rem;color:#444}
.flag{font-weight:bold}nav a{margin-right:1rem}
.left-out{border:2px solid #D55E00;background:#FFF4EC;padding:.2rem 1rem;margin:1rem 0}
a.anchor-link{display:none}
pre{white-space:pre-wrap}
""".strip()


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


def page(title: str, body: str, lang: str = "en", style: str = "") -> str:
    """A complete, self-contained HTML page (inline styles, no external reference).

    ``lang``: the page's language (its ``<html lang>``); ``style``: styles of the page's own,
    after the common ones. The body is the page's ``<main>`` landmark.
    """
    styles = f"{CSS}\n{style}" if style else CSS
    return (
        f'<!DOCTYPE html>\n<html lang="{HTML_LANG[lang]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{styles}\n</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def notebook_html(nb: Any, title: str) -> str:
    """Render an executed notebook as a report page: narrative and outputs, no code.

    Uses nbconvert's ``basic`` template (body only, no script or CDN reference) with inputs
    and prompts excluded, inside :func:`page`.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    title : str
        The page title.

    Returns
    -------
    str
        The HTML page.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    return page(title, body.strip())


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
