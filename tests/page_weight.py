"""The weight of a published page: the page and every file it loads (not the files it links to).

A page loads what its ``<img src>``, ``<source src>``, ``<script src>``, ``<link href>`` (for
stylesheets and icons), ``<iframe src>`` and ``<object data>`` name; ``<a href>`` downloads are
not loaded. Links are written relative to the year folder and rebased for pages in
sub-folders by the publisher, so a link is looked up beside the page first and then in the
year folder.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

_LOADED = re.compile(
    r"<(?:img|source|script|iframe|embed)\b[^>]*?\bsrc=\"([^\"]+)\""
    r"|<link\b[^>]*?\bhref=\"([^\"]+)\""
    r"|<object\b[^>]*?\bdata=\"([^\"]+)\"",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PageWeight:
    """A page's own size and the files it loads.

    Attributes
    ----------
    page : int
        Bytes of the HTML file.
    loaded : dict of str to int
        Bytes of each file loaded, by the link as written.
    missing : tuple of str
        Links to files that do not exist.
    """

    page: int
    loaded: dict[str, int]
    missing: tuple[str, ...]

    @property
    def total(self) -> int:
        """The page and every file it loads, in bytes."""
        return self.page + sum(self.loaded.values())


def loaded_links(text: str) -> list[str]:
    """The links a page loads (``data:`` URIs excluded: they are in the page's own bytes)."""
    links = [next(g for g in m.groups() if g) for m in _LOADED.finditer(text)]
    return [html.unescape(link) for link in links if not link.startswith("data:")]


def page_weight(page: Path, year_dir: Path) -> PageWeight:
    """Measure a published page and the files it loads."""
    loaded, missing = {}, []
    for link in dict.fromkeys(loaded_links(page.read_text(encoding="utf-8"))):
        found = next(
            (p for p in (page.parent / link, year_dir / link) if p.is_file()),
            None,
        )
        if found is None:
            missing.append(link)
        else:
            loaded[link] = found.stat().st_size
    return PageWeight(page.stat().st_size, loaded, tuple(missing))
