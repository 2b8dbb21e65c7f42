"""Publishing the easy-read pages: one per RPB and one for Wales, in each language of the run.

Each page (:func:`nest_eval.reporting.easy_read.easy_read_page`) is written to
``easy-read/<slug>.html`` (``slug`` ``wales`` for Wales), its Welsh twin beside it as
``easy-read/<slug>.cy.html`` (:func:`nest_eval.reporting.outputs.localised`), as a complete,
self-contained page (:func:`nest_eval.pipeline.publish.page`) with the easy-read styles.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from nest_eval.config import RunConfig
from nest_eval.files import atomic_write_text
from nest_eval.reference.vocabulary import RPB_NAMES, resolve_rpb, rpb_slug
from nest_eval.reporting.outputs import localised

if TYPE_CHECKING:
    from nest_eval.domains.year import YearResults

__all__ = ["easy_read_name", "easy_read_scopes", "write_easy_read"]


def easy_read_name(rpb: str | None, lang: str) -> str:
    """The published name of an easy-read page, relative to the year folder.

    >>> easy_read_name(None, "en"), easy_read_name("Cardiff and Vale", "cy")
    ('easy-read/wales.html', 'easy-read/cardiff-and-vale.cy.html')
    """
    return localised(f"easy-read/{rpb_slug(rpb or 'Wales')}.html", lang)


def easy_read_scopes(config: RunConfig) -> Iterator[str | None]:
    """The areas with an easy-read page: Wales (None), then the run's RPBs (default all)."""
    yield None
    yield from (resolve_rpb(r) for r in config.rpbs) if config.rpbs else RPB_NAMES


def write_easy_read(results: YearResults, config: RunConfig, rpb: str | None, lang: str) -> Path:
    """Write the easy-read page of an area (``rpb`` None: Wales) in ``lang``.

    Returns
    -------
    pathlib.Path
        The file written, under the run's year folder.
    """
    from nest_eval.pipeline.publish import page
    from nest_eval.reporting.context import Context
    from nest_eval.reporting.easy_read import CSS, easy_read_page

    title, body = easy_read_page(Context(results, config, rpb=rpb, lang=lang))
    target = config.year_dir() / easy_read_name(rpb, lang)
    path = easy_read_name(rpb, "en")
    atomic_write_text(target, page(title, body, lang, path, config.languages, style=CSS))
    return target
