"""What every figure specification shares: its texts, its marks, and how values are written.

A figure specification is data only: the rows to draw and every text of the figure. The
classes here are the parts the families share (:class:`FigureTexts`, :class:`LegendEntry`,
:class:`Point`), and the functions turn table cells into numbers and numbers into the text of
labels and alt texts, the same way in every figure:

- a value withheld by disclosure control is the string :data:`SUPPRESSED` (``"c"``), read as
  absent (:func:`number`) and written ``c``;
- numbers carry thousands separators and the true minus sign (:func:`fmt_number`);
- shares are written as percentages (:func:`fmt_pct`).

Nothing here imports matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from nest_eval.config import SHORTHANDS, Disclosure
from nest_eval.reference.messages import label
from nest_eval.reference.vocabulary import WALES, normalise_label, resolve_rpb, rpb_slug

__all__ = [
    "SUPPRESSED",
    "FigureData",
    "FigureTexts",
    "LegendEntry",
    "Point",
    "canonical_rpb",
    "concise",
    "file_stem",
    "finite",
    "fmt_change",
    "fmt_count",
    "fmt_number",
    "fmt_pct",
    "is_suppressed",
    "number",
    "phrase",
    "place_name",
    "sentence",
    "signed",
    "suppressed_note",
]

SUPPRESSED = "c"
"""The value that disclosure control writes in place of a withheld figure."""


def phrase(key: str, lang: str = "en", **values: object) -> str:
    """A text of the figures from the catalogue: the entry ``figure.<key>`` in ``lang``.

    Parameters
    ----------
    key : str
        The key under ``figure.``, e.g. ``"funnel.xlabel"``.
    lang : str
        ``"en"`` or ``"cy"``.
    **values : object
        Values of the ``{name}`` placeholders.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> phrase("data", "cy")
    "Data'r ffigur"
    """
    return label(f"figure.{key}", lang, **values)


def place_name(name: str, lang: str = "en") -> str:
    """The name of an RPB (canonical) or of Wales in ``lang``.

    Examples
    --------
    >>> place_name("Cardiff and Vale", "cy"), place_name(WALES, "cy")
    ("Caerdydd a'r Fro", 'Cymru')
    """
    return label(f"rpb.{name}", lang)


def suppressed_note(disclosure: Disclosure, lang: str = "en") -> str:
    """The note a figure carries when any of its values is suppressed, from the run's settings.

    Examples
    --------
    >>> suppressed_note(Disclosure(threshold=5, shorthand="[c]"))
    '[c] = suppressed (fewer than 5)'
    """
    return phrase(
        "suppressed", lang, shorthand=disclosure.shorthand, threshold=disclosure.threshold
    )


ALT_LENGTH = 250
"""The longest alt text of a figure, in characters: the numbers go in the figure's table."""


def concise(parts: Sequence[str], optional: Sequence[str] = (), limit: int = ALT_LENGTH) -> str:
    """An alt text of the sentences given, within ``limit`` characters.

    The optional sentences are put first while they fit; a required one that does not fit is
    cut at a word, with an ellipsis.

    Parameters
    ----------
    parts : sequence of str
        Sentences, in order (empty ones left out).
    optional : sequence of str
        Sentences put before ``parts`` when the whole still fits.
    limit : int
        Longest text, in characters.

    Returns
    -------
    str
        The alt text.

    Examples
    --------
    >>> concise(["Bar chart.", "The numbers are in the table."], ["Of change."], limit=40)
    'Bar chart. The numbers are in the table.'
    """
    text = " ".join(p for p in parts if p)
    for extra in optional:
        longer = f"{extra} {text}" if extra else text
        if len(longer) <= limit:
            text = longer
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text


@dataclass(frozen=True)
class FigureData:
    """The numbers of a figure as a small table, shown beside it for every reader.

    Attributes
    ----------
    headings : tuple of str
        Column headings.
    rows : tuple of tuple of str
        The cells, already written as text (``c`` for a suppressed value).
    """

    headings: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


_MINUS = "\N{MINUS SIGN}"


@dataclass(frozen=True)
class LegendEntry:
    """One entry of a figure's legend.

    Attributes
    ----------
    key : str
        The mark the entry shows, as the figure family names it (e.g. ``"rpb"``,
        ``"wales"``, ``"baseline"``, or a reliable-change category); the drawing module of
        the family gives each key its marker, colour or hatching.
    label : str
        The text of the entry.
    """

    key: str
    label: str


@dataclass(frozen=True)
class FigureTexts:
    """The texts of a figure and its file name.

    Attributes
    ----------
    name : str
        File stem, e.g. ``"nest_profile_gwent"``.
    title : str
        Title drawn above the axes.
    alt : str
        Alt text: what the figure shows, with its key numbers.
    caption : str
        Caption for the report.
    xlabel, ylabel : str
        Axis labels; empty when the axis has none.
    legend : tuple of LegendEntry
        Legend entries, in order.
    notes : tuple of str
        Notes under the legend, one paragraph each.
    data : FigureData
        The numbers the figure draws, as a table.
    lang : str
        The language of the texts.
    """

    name: str
    title: str
    alt: str
    caption: str
    xlabel: str = ""
    ylabel: str = ""
    legend: tuple[LegendEntry, ...] = ()
    notes: tuple[str, ...] = ()
    data: FigureData = field(default_factory=FigureData)
    lang: str = "en"


@dataclass(frozen=True)
class Point:
    """A value drawn as a marker with its label, or written as absent.

    Attributes
    ----------
    value : float
        Where the marker goes; NaN when the value is absent (missing or suppressed).
    text : str
        The label beside the marker or, when the value is absent, the text written in its
        place (e.g. ``"Gwent: not rated"``).
    low, high : float
        Interval around the value; NaN when there is none.
    """

    value: float
    text: str
    low: float = math.nan
    high: float = math.nan

    @property
    def drawn(self) -> bool:
        """Whether the value is drawn (finite) rather than written as absent."""
        return math.isfinite(self.value)


def is_suppressed(value: object) -> bool:
    """Whether a cell is withheld by disclosure control.

    Parameters
    ----------
    value : object
        A table cell.

    Returns
    -------
    bool
        True for a suppression shorthand (``c`` or ``[c]``; any case, spaces ignored).

    Examples
    --------
    >>> is_suppressed(" C "), is_suppressed("[c]"), is_suppressed(3), is_suppressed("")
    (True, True, False, False)
    """
    return isinstance(value, str) and value.strip().lower() in SHORTHANDS


def number(value: object) -> float:
    """A cell as a float: NaN for missing, blank, suppressed or unreadable values.

    Parameters
    ----------
    value : object
        A table cell.

    Returns
    -------
    float
        The value, or NaN.

    Examples
    --------
    >>> number("12"), number("c"), number(None)
    (12.0, nan, nan)
    """
    if value is None or is_suppressed(value):
        return math.nan
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return math.nan
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return result


def finite(*values: float) -> bool:
    """Whether every value is finite (none missing).

    Parameters
    ----------
    *values : float
        Numbers.

    Returns
    -------
    bool
        True when all are finite (also when none is given).
    """
    return all(math.isfinite(v) for v in values)


def signed(text: str) -> str:
    """A text with every hyphen-minus replaced by the true minus sign.

    Parameters
    ----------
    text : str
        A formatted number.

    Returns
    -------
    str
        The text with ``−`` (U+2212) for ``-``.
    """
    return text.replace("-", _MINUS)


def fmt_number(value: float, decimals: int | None = None) -> str:
    """A number for a label: thousands separated, 0–2 decimals by size, true minus sign.

    Whole numbers (counts, journey ratings) are written without decimals.

    Parameters
    ----------
    value : float
        The number.
    decimals : int, optional
        Decimals to write; by size when omitted.

    Returns
    -------
    str
        The number as text.

    Examples
    --------
    >>> fmt_number(-2.3456), fmt_number(44.0), fmt_number(93.6), fmt_number(1234.6)
    ('−2.35', '44', '93.6', '1,235')
    """
    if decimals is None:
        size = abs(value)
        whole = float(value).is_integer() or size >= 100
        decimals = 0 if whole else 1 if size >= 10 else 2
    return signed(f"{value:,.{decimals}f}")


def fmt_change(value: float, decimals: int | None = None) -> str:
    """A change for a label: as :func:`fmt_number`, with ``+`` before a positive change.

    Parameters
    ----------
    value : float
        The change.
    decimals : int, optional
        Decimals to write; by size when omitted.

    Returns
    -------
    str
        The change as text.

    Examples
    --------
    >>> fmt_change(1.5), fmt_change(-1.5), fmt_change(0.0)
    ('+1.50', '−1.50', '0')
    """
    text = fmt_number(value, decimals)
    return text if text.startswith(_MINUS) or value == 0 else "+" + text


def fmt_pct(share: float, decimals: int = 0) -> str:
    """A share (0–1) as a percentage with the true minus sign.

    Parameters
    ----------
    share : float
        The share.
    decimals : int
        Decimals of the percentage.

    Returns
    -------
    str
        For example ``"47%"``.

    Examples
    --------
    >>> fmt_pct(0.466), fmt_pct(-0.0312, 1)
    ('47%', '−3.1%')
    """
    return signed(f"{100 * share:.{decimals}f}%")


def fmt_count(value: object) -> str:
    """A count cell as text: thousands separated, ``c`` when suppressed, else ``unknown``.

    Parameters
    ----------
    value : object
        A table cell.

    Returns
    -------
    str
        The count as text.

    Examples
    --------
    >>> fmt_count(1234), fmt_count("c"), fmt_count(None)
    ('1,234', 'c', 'unknown')
    """
    if is_suppressed(value):
        return SUPPRESSED
    value = number(value)
    return f"{value:,.0f}" if math.isfinite(value) else "unknown"


def file_stem(kind: str, *parts: str) -> str:
    """File stem: the figure kind, then each part folded to lower case with hyphens, by ``_``.

    Parameters
    ----------
    kind : str
        The figure kind, e.g. ``"nest_profile"``.
    *parts : str
        Further parts (an RPB, a domain); empty parts are left out.

    Returns
    -------
    str
        At most 150 characters.

    Examples
    --------
    >>> file_stem("nest_profile", "Cardiff and Vale")
    'nest_profile_cardiff-and-vale'
    """
    folded = [rpb_slug(part) for part in parts if part]
    return "_".join([kind, *(p for p in folded if p)])[:150].rstrip("_-")


def sentence(text: str) -> str:
    """A text with its first letter in upper case.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    str
        The text as the start of a sentence.
    """
    return text[:1].upper() + text[1:] if text else text


def canonical_rpb(name: str) -> str:
    """The canonical name of an RPB (any alias), or :data:`WALES` for Wales or Cymru.

    Parameters
    ----------
    name : str
        An RPB name or alias, ``"Wales"``, ``"Cymru"`` or ``"All Wales"``.

    Returns
    -------
    str
        The canonical name.
    """
    if normalise_label(str(name)) in {normalise_label(WALES), "cymru", "all wales"}:
        return WALES
    return resolve_rpb(name)
