"""Names of the published files in each language.

English is published under the names the data contract fixes (``national.html``,
``rpb/<slug>.html``, ``tables/<name>.csv``); each Welsh twin sits beside its English page with
``.cy`` before the extension (``national.cy.html``, ``rpb/gwent.cy.html``), so both languages
keep the same relative links to figures and tables. CSV tables hold keys, not labels, and are
the same in both languages; each table's spreadsheets (ODS and XLSX) are published per language.

Links inside a page are written relative to the year folder (``figures/x.svg``,
``tables/access.csv``); the publisher rebases them for pages in sub-folders.

>>> localised("national.html", "cy"), localised("rpb/gwent.html", "en")
('national.cy.html', 'rpb/gwent.html')
>>> table_downloads("access", "cy")
{'csv': 'tables/access.csv', 'ods': 'tables/access.cy.ods', 'xlsx': 'tables/access.cy.xlsx'}
"""

from __future__ import annotations

from pathlib import PurePosixPath

from nest_eval.reference.messages import LANGUAGES

__all__ = ["SOURCE_LANGUAGE", "localised", "table_downloads", "twin_language"]

SOURCE_LANGUAGE = "en"
"""The language published under the contract's own names."""


def localised(path: str, lang: str) -> str:
    """The name of a published file in ``lang`` (POSIX path relative to the year folder)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    if lang == SOURCE_LANGUAGE:
        return path
    name = PurePosixPath(path)
    return str(name.with_name(f"{name.stem}.{lang}{name.suffix}"))


def twin_language(lang: str) -> str:
    """The other language of a bilingual pair."""
    return next(other for other in LANGUAGES if other != lang)


def table_downloads(table: str, lang: str) -> dict[str, str]:
    """The files a published table is downloaded as, for a page in ``lang``."""
    return {
        "csv": f"tables/{table}.csv",
        "ods": localised(f"tables/{table}.ods", lang),
        "xlsx": localised(f"tables/{table}.xlsx", lang),
    }
