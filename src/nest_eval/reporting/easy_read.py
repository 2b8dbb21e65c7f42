"""The easy-read page for children and young people: one page per RPB and for Wales.

What the page shows is reference data (``reference/data/easy_read.toml``): a few sentences on
what changed, two to four large bar charts, what it means, and who to talk to for help. Every
value is read from the year's disclosure-controlled distance-travelled table
(:attr:`nest_eval.reporting.context.Context.tables`), so a withheld value is never shown: its
bar and its words say it is hidden. A change is said to have gone up or down only where its
95% interval excludes no change (:func:`nest_eval.reporting.readings.reading`); every other
change "stayed about the same". Every word comes from the message catalogue (keys
``easy.<...>``) in the page's language; numbers are formatted by
:mod:`nest_eval.reporting.format`.

The page is written for a reading age of about 9 to 11: short sentences (at most about 15
words on average), everyday words, and each chart's numbers also said in words beside it
(Flesch reading ease of the English text at least 70; Flesch, R. (1948). A new readability
yardstick. *Journal of Applied Psychology*, 32(3), 221-233).
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from functools import cache

import pandas as pd

from nest_eval.reference.indicators import Unit
from nest_eval.reference.loader import ReferenceFileError, read_data
from nest_eval.reference.messages import label
from nest_eval.reporting.context import Context
from nest_eval.reporting.format import format_value
from nest_eval.reporting.labels import value_label
from nest_eval.reporting.readings import reading
from nest_eval.reporting.sections.front import on_demo_data, synthetic_block

__all__ = [
    "CSS",
    "EasyFigure",
    "EasyRead",
    "EasyRow",
    "Statement",
    "easy_read_page",
    "easy_read_spec",
    "said",
]

CSS = """
.easy-read{font-size:1.25rem;line-height:1.6;color:#0b0c0c;background:#fff;max-width:44rem}
.easy-read h1{font-size:2rem}.easy-read h2{font-size:1.6rem}
.easy-read li{margin:.4rem 0}
.easy-figure{border:2px solid #0b0c0c;border-radius:.4rem;padding:1rem;margin:1.5rem 0}
.easy-figure figcaption{font-size:1.4rem;font-weight:bold;color:#0b0c0c;margin-bottom:.6rem}
.easy-bar-row{display:flex;align-items:center;gap:.6rem;margin:.5rem 0;flex-wrap:wrap}
.easy-bar-label{flex:0 0 100%;font-weight:bold}
.easy-bar-track{flex:1 1 8rem;min-width:8rem;background:#f3f2f1;height:2.2rem}
.easy-bar{display:block;height:100%;background:#1d4f91}
.easy-bar-value{font-weight:bold;min-width:7rem}
.easy-words{font-size:1.25rem;color:#0b0c0c}
.easy-help{border-left:.4rem solid #1d4f91;padding:.2rem 1rem;background:#f3f8fc}
""".strip()
"""Styles of the easy-read page: large type, high contrast (text #0b0c0c on white, 19:1)."""

_WHOLE = Unit("whole_number", "count", decimals=0)
"""A whole number, for the numbers the page says in words (formatted per language)."""

_SCALES = ("per_100", "days")
_KINDS = ("years", "items")
_HELP = tuple(f"easy.help.{k}" for k in ("adult", "who", "gp", "meic", "meic_about", "danger"))
"""Who to talk to for help, in this order."""
_SAME = ("no_clear_change", "no_interval")
"""Readings said as "stayed about the same": the data cannot tell them from no change."""


@dataclass(frozen=True)
class EasyRow:
    """One row of the distance-travelled table: an indicator, and the item of a question."""

    indicator: str
    item: str | None = None


@dataclass(frozen=True)
class Statement:
    """One sentence of what changed (labels ``easy.change.<key>.<improved|worsened|same>``)."""

    key: str
    row: EasyRow


@dataclass(frozen=True)
class EasyFigure:
    """One large bar chart (labels ``easy.figure.<key>.<title|alt|words>``).

    ``kind``: ``years`` (one row, its baseline and reporting years) or ``items`` (one bar per
    row, reporting year). ``scale``: ``per_100`` (a share as a whole number in every 100) or
    ``days``.
    """

    key: str
    kind: str
    scale: str
    rows: tuple[EasyRow, ...]


@dataclass(frozen=True)
class EasyRead:
    """What the easy-read pages show (``easy_read.toml``)."""

    statements: tuple[Statement, ...]
    figures: tuple[EasyFigure, ...]


def _row(entry: dict) -> EasyRow:
    return EasyRow(str(entry["indicator"]), entry.get("item"))


@cache
def easy_read_spec() -> EasyRead:
    """What the easy-read pages show, read once from ``reference/data/easy_read.toml``.

    Raises
    ------
    ReferenceFileError
        When the file names an unknown kind or scale, or has fewer than 2 or more than 4
        figures.
    """
    data = read_data("easy_read.toml")
    statements = tuple(Statement(s["key"], _row(s)) for s in data["statements"])
    figures = tuple(
        EasyFigure(f["key"], f["kind"], f["scale"], tuple(_row(r) for r in f["rows"]))
        for f in data["figures"]
    )
    for figure in figures:
        if figure.kind not in _KINDS or figure.scale not in _SCALES:
            raise ReferenceFileError(
                f"easy_read.toml: figure {figure.key!r}: kind must be one of {_KINDS} and "
                f"scale one of {_SCALES}"
            )
        if figure.kind == "years" and len(figure.rows) != 1:
            raise ReferenceFileError(f"easy_read.toml: figure {figure.key!r} takes one row")
    if not 2 <= len(figures) <= 4:
        raise ReferenceFileError("easy_read.toml: an easy-read page has 2 to 4 figures")
    return EasyRead(statements, figures)


def _find(rows: pd.DataFrame, wanted: EasyRow) -> dict | None:
    """The area's row of the table for ``wanted``; None when the area has none."""
    if rows.empty:
        return None
    match = rows["indicator"] == wanted.indicator
    if wanted.item is not None:
        match &= rows["item"] == wanted.item
    found = rows[match].to_dict(orient="records")
    return found[0] if found else None


def _hidden(value: object) -> bool:
    """A value withheld by disclosure control (its shorthand) or absent."""
    return isinstance(value, str) or value is None or bool(pd.isna(value))


def said(value: object, scale: str, lang: str) -> str | None:
    """A value as the page says it: a share as a whole number in every 100, or whole days.

    None when the value is withheld or absent.

    Examples
    --------
    >>> said(0.4016, "per_100", "en"), said(34.0, "days", "en"), said("c", "days", "en")
    ('40', '34', None)
    """
    if _hidden(value):
        return None
    number = 100 * float(value) if scale == "per_100" else float(value)  # type: ignore[arg-type]
    return format_value(float(round(number)), _WHOLE, lang=lang)


def _year(value: object) -> int | None:
    return None if _hidden(value) else int(float(value))  # type: ignore[arg-type]


def _sentence_of(statement: Statement, row: dict | None, lang: str) -> tuple[str, str] | None:
    """The statement's sentence and how its change reads; None when the area has no row."""
    if row is None:
        return None
    how = reading(row)
    if how in ("improved", "worsened"):
        return label(f"easy.change.{statement.key}.{how}", lang), how
    if how in _SAME:
        return label(f"easy.change.{statement.key}.same", lang), "same"
    topic = label(f"easy.topic.{statement.key}", lang)
    key = "easy.hidden_change" if how == "suppressed" else "easy.no_numbers"
    return label(key, lang, topic=topic), how


def _bar(name: str, value: object, scale: str, top: float, lang: str) -> str:
    """One bar with its label and its value (or "hidden")."""
    shown = said(value, scale, lang)
    if shown is None:
        width, text = 0.0, label("easy.value.hidden", lang)
    else:
        width = 100 * float(value) / top if top > 0 else 0.0  # type: ignore[arg-type]
        text = label(f"easy.value.{scale}", lang, value=shown)
    return (
        f'<div class="easy-bar-row"><span class="easy-bar-label">{_text(name)}</span>'
        f'<span class="easy-bar-track"><span class="easy-bar" style="width:{width:.0f}%">'
        f'</span></span><span class="easy-bar-value">{_text(text)}</span></div>'
    )


def _top(values: list[object], scale: str) -> float:
    """The length of a full bar: 100 in every 100, or the longest wait shown."""
    if scale == "per_100":
        return 1.0
    shown = [float(v) for v in values if not _hidden(v)]  # type: ignore[arg-type]
    return max(shown, default=0.0)


def _text(value: str) -> str:
    """Text of an element (quotes left as they are: they are not in an attribute)."""
    return html.escape(value, quote=False)


def _figure_html(figure: EasyFigure, key: str, alt: str, bars: list[str], words: list[str],
                 lang: str) -> str:  # fmt: skip
    title = _text(label(f"easy.figure.{key}.title", lang))
    said_words = " ".join(_text(w) for w in words)
    return (
        f'<figure class="easy-figure" id="easy-{figure.key}"><figcaption>{title}</figcaption>'
        f'<div class="easy-bars" role="img" aria-label="{html.escape(alt)}">{"".join(bars)}'
        f'</div><p class="easy-words">{said_words}</p></figure>'
    )


def _years_figure(figure: EasyFigure, row: dict, lang: str) -> str:
    """A row's baseline year and reporting year as two bars, and in words."""
    years = [_year(row.get("baseline_year")), _year(row.get("year"))]
    values = [row.get("baseline"), row.get("current")]
    top = _top(values, figure.scale)
    bars, words = [], []
    for year, value in zip(years, values, strict=True):
        shown = said(value, figure.scale, lang)
        bars.append(_bar(str(year), value, figure.scale, top, lang))
        words.append(
            label("easy.hidden_year", lang, year=year)
            if shown is None
            else label(f"easy.figure.{figure.key}.words", lang, year=year, value=shown)
        )
    alt = label(f"easy.figure.{figure.key}.alt", lang, first=years[0], second=years[1])
    return _figure_html(figure, figure.key, alt, bars, words, lang)


def _items_figure(figure: EasyFigure, rows: list[dict], lang: str) -> str:
    """One bar per question children answered, in the reporting year, and in words."""
    values = [row.get("current") for row in rows]
    top = _top(values, figure.scale)
    bars, words = [], []
    for row, value in zip(rows, values, strict=True):
        item = row["item"]
        shown = said(value, figure.scale, lang)
        bars.append(_bar(label(f"easy.item.{item}", lang), value, figure.scale, top, lang))
        words.append(
            label("easy.hidden_item", lang, item=label(f"easy.item.{item}", lang))
            if shown is None
            else label(f"easy.said.{item}", lang, value=shown)
        )
    year = _year(rows[0].get("year"))
    alt = label(f"easy.figure.{figure.key}.alt", lang, year=year)
    return _figure_html(figure, figure.key, alt, bars, words, lang)


def _figures(rows: pd.DataFrame, year: int, lang: str) -> tuple[list[str], bool]:
    """The page's bar charts that the area has rows for, and whether a value is hidden."""
    shown, hidden = [], False
    for figure in easy_read_spec().figures:
        found = [_find(rows, wanted) for wanted in figure.rows]
        present = [{**row, "year": year} for row in found if row is not None]
        if not present:
            continue
        if figure.kind == "years":
            shown.append(_years_figure(figure, present[0], lang))
            values = [present[0].get("baseline"), present[0].get("current")]
        else:
            shown.append(_items_figure(figure, present, lang))
            values = [row.get("current") for row in present]
        hidden |= any(_hidden(value) for value in values)
    return shown, hidden


def _paragraph(sentences: list[str], css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f"<p{klass}>{_text(' '.join(sentences))}</p>"


def _items(sentences: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{_text(s)}</li>" for s in sentences) + "</ul>"


def _meaning(counts: Counter, area: str, lang: str) -> list[str]:
    """What the changes mean, from how many read each way."""
    said_ = [
        label(f"easy.means.{how}", lang) for how in ("improved", "worsened", "same") if counts[how]
    ]
    if counts["improved"] and not counts["worsened"]:
        said_.append(label("easy.means.nothing_worse", lang))
    if not counts["improved"] and not counts["worsened"]:
        said_.append(label("easy.means.no_clear_change", lang))
    return [*said_, *(label(f"easy.means.{k}", lang, area=area) for k in ("plan", "voice"))]


def _baseline(rows: pd.DataFrame) -> int | None:
    """The baseline year most of the page's rows compare with."""
    wanted = [s.row for s in easy_read_spec().statements]
    years = [_year(r.get("baseline_year")) for r in (_find(rows, w) for w in wanted) if r]
    counted = Counter(y for y in years if y is not None)
    return max(counted, key=lambda y: (counted[y], y)) if counted else None


def _intro(rows: pd.DataFrame, area: str, year: int, lang: str) -> str:
    """Who the page is for, what it is about, and the years it compares."""
    intro = [label("easy.intro.for_you", lang), label("easy.intro.about", lang, area=area)]
    baseline = _baseline(rows)
    if baseline is not None:
        intro.append(label("easy.intro.compare", lang, year=year, baseline=baseline))
    intro.append(label("easy.intro.asked", lang))
    return _paragraph(intro)


def _help(lang: str) -> str:
    """Who to talk to for help."""
    return '<div class="easy-help">' + _items([label(k, lang) for k in _HELP]) + "</div>"


def _heading(key: str, lang: str) -> str:
    return f"<h2>{_text(label(key, lang))}</h2>"


def easy_read_page(ctx: Context) -> tuple[str, str]:
    """The easy-read page of the area, in the context's language.

    Parameters
    ----------
    ctx : Context
        The report being written: the area (``ctx.rpb``, None for Wales), the year's results
        and the run's settings, and the language (``ctx.lang``).

    Returns
    -------
    tuple of str
        The page's title and its body (HTML, inside ``<div class="easy-read">``; styles in
        :data:`CSS`).
    """
    lang = ctx.lang
    area = value_label("rpb", ctx.scope, lang)
    table = ctx.tables.distance
    rows = table[table["rpb"] == ctx.scope] if not table.empty else table
    title = label("easy.title", lang, area=area, year=ctx.year)
    found = [_sentence_of(s, _find(rows, s.row), lang) for s in easy_read_spec().statements]
    changes = [f for f in found if f is not None]
    counts = Counter(how for _, how in changes)
    figures, hidden = _figures(rows, ctx.year, lang)
    synthetic = on_demo_data(ctx.results.accounting)
    parts = [
        f"<h1>{_text(title)}</h1>",
        synthetic_block(lang, "easy.synthetic").html if synthetic else "",
        _intro(rows, area, ctx.year, lang),
        _heading("easy.heading.changed", lang),
        _items([sentence for sentence, _ in changes])
        if changes
        else _paragraph([label("easy.no_numbers_at_all", lang)]),
        *figures,
        _heading("easy.heading.means", lang),
        _paragraph(_meaning(counts, area, lang)),
        _heading("easy.heading.help", lang),
        _help(lang),
    ]
    if counts["suppressed"] or hidden:
        parts.append(_paragraph([label("easy.hidden_note", lang)], "note"))
    return title, '<div class="easy-read">\n' + "\n".join(parts) + "\n</div>"
