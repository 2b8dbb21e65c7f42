"""The NYTH/NEST framework's vocabulary: RPBs, NEST elements, the journey scale, recommendations.

Read from the package's data files (``rpbs.toml``, ``framework.toml``, ``recommendations.toml``
in ``nest_eval/reference/data/``): keys, aliases and structure. Their display labels, English
and Welsh, come from the message catalogue (:mod:`nest_eval.reference.messages`), where a
translator corrects them; Welsh labels are working translations until a reviewer signs them off.

Sources
-------
- RPBs, health boards and local authorities: Welsh Government, Regional Partnership Boards;
  local authority to local health board lookup: ONS, "Local Authority District to Local Health
  Board (April 2019) Lookup in Wales".
- NEST elements, foundations and qualities: Welsh Government, *NEST/NYTH framework* (2021).
- Journey scale and 2024 ratings: Welsh Government, *NYTH/NEST implementation update* (2024).
- Recommendations A–L: T4CYP Programme, *Legacy Report* (October 2022); the indicators that
  evidence each, and what the workbench does not collect for it, in ``recommendations.toml``.
- Commissioner's asks: Children's Commissioner for Wales, *Making Wales a No Wrong Door Nation –
  how are we doing?* (February 2022).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nest_eval.reference.indicators import INDICATORS
from nest_eval.reference.loader import ReferenceFileError, read_data
from nest_eval.reference.messages import label

__all__ = [
    "COMMISSIONER_ASKS",
    "CORE_ELEMENTS",
    "ELEMENTS",
    "FOUNDATIONS",
    "JOURNEY_LEVELS",
    "RECOMMENDATIONS",
    "RPBS",
    "RPB_NAMES",
    "WALES",
    "Element",
    "JourneyLevel",
    "Recommendation",
    "Rpb",
    "UnknownNameError",
    "element_keys",
    "normalise_label",
    "recommendations_from",
    "resolve_element",
    "resolve_rpb",
    "rpb_slug",
]

_RPB_DATA = read_data("rpbs.toml")
_FRAMEWORK = read_data("framework.toml")

WALES: str = _RPB_DATA["wales"]
"""Name of the all-Wales aggregate in every published table."""


class UnknownNameError(ValueError):
    """A name that matches no entry of the vocabulary."""


@dataclass(frozen=True)
class Rpb:
    """A Regional Partnership Board.

    Attributes
    ----------
    name : str
        Canonical name, as published in every table (its key).
    health_board : str
        The local health board whose area the RPB covers.
    local_authorities : tuple of str
        The local authorities in the RPB's area.
    aliases : tuple of str
        Further spellings seen in submissions (abbreviations, former names).
    """

    name: str
    health_board: str
    local_authorities: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        """Lower-case name with hyphens, used for report file names."""
        return rpb_slug(self.name)

    def label(self, lang: str = "en") -> str:
        """The RPB's display name in ``lang`` (message ``rpb.<name>``)."""
        return label(f"rpb.{self.name}", lang)


RPBS: tuple[Rpb, ...] = tuple(
    Rpb(r["name"], r["health_board"], tuple(r["local_authorities"]), tuple(r["aliases"]))
    for r in _RPB_DATA["rpbs"]
)
"""The seven RPBs, in the order the published tables use."""

RPB_NAMES: tuple[str, ...] = tuple(rpb.name for rpb in RPBS)


def normalise_label(text: str) -> str:
    """Fold a name for matching: case, ``&`` = ``and``, punctuation and spacing ignored.

    Parameters
    ----------
    text : str
        A name as written in a submission.

    Returns
    -------
    str
        The folded name: lower case, ``&`` spelt ``and``, apostrophes dropped, every other run of
        non-alphanumeric characters a single space.

    Examples
    --------
    >>> normalise_label("  Cardiff & Vale ")
    'cardiff and vale'
    >>> normalise_label("Caerdydd a’r Fro")
    'caerdydd ar fro'
    """
    folded = text.strip().lower().replace("&", " and ")
    folded = re.sub(r"['’‘`]", "", folded)
    folded = re.sub(r"[^0-9a-zà-ÿŵŷ]+", " ", folded)
    return folded.strip()


def rpb_slug(name: str) -> str:
    """The file-name slug of an RPB or of ``Wales``: lower case with hyphens.

    >>> rpb_slug("Cardiff and Vale")
    'cardiff-and-vale'
    """
    return normalise_label(name).replace(" ", "-")


def _rpb_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for rpb in RPBS:
        names = (
            rpb.name,
            rpb.label("en"),
            rpb.label("cy"),
            rpb.health_board,
            *rpb.local_authorities,
            *rpb.aliases,
        )
        for name in names:
            key = normalise_label(name)
            if lookup.get(key, rpb.name) != rpb.name:
                raise RuntimeError(f"alias {name!r} names two RPBs")
            lookup[key] = rpb.name
        # "X UHB", "X University Health Board", "X Health Board", "X RPB", "X region"
        for suffix in (" rpb", " region", " regional partnership board"):
            lookup.setdefault(normalise_label(rpb.name) + suffix, rpb.name)
        board = normalise_label(rpb.health_board)
        for long, short in (
            ("university health board", "uhb"),
            ("university health board", "health board"),
            ("teaching health board", "thb"),
            ("teaching health board", "health board"),
        ):
            if long in board:
                lookup.setdefault(board.replace(long, short), rpb.name)
    return lookup


_RPB_LOOKUP = _rpb_lookup()


def resolve_rpb(name: str) -> str:
    """Resolve an RPB as written in a submission to its canonical name.

    Accepts the canonical name, the Welsh name, the health board (full or abbreviated), any of
    the 22 local authorities (English or Welsh), and the common abbreviations of ``domain.md``;
    case-insensitive, ``&`` = ``and``.

    Parameters
    ----------
    name : str
        The name as written.

    Returns
    -------
    str
        One of :data:`RPB_NAMES`.

    Raises
    ------
    UnknownNameError
        When the name matches no RPB.

    Examples
    --------
    >>> resolve_rpb("Betsi")
    'North Wales'
    >>> resolve_rpb("cardiff & vale")
    'Cardiff and Vale'
    """
    key = normalise_label(str(name))
    try:
        return _RPB_LOOKUP[key]
    except KeyError:
        raise UnknownNameError(f"{name!r} is not an RPB, health board or local authority") from None


@dataclass(frozen=True)
class Element:
    """A part of the NEST framework: a core element (rated) or a foundation.

    Attributes
    ----------
    key : str
        Stable key used in data and tables.
    kind : str
        ``"core"`` for the six core elements rated in self-assessments, ``"foundation"`` for the
        five foundations.
    aliases : tuple of str
        Other spellings seen in documents (e.g. "Co-produced innovations").
    """

    key: str
    kind: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = "en") -> str:
        """The element's display label in ``lang`` (message ``element.<key>``)."""
        return label(f"element.{self.key}", lang)

    @property
    def label_en(self) -> str:
        """The English label."""
        return self.label("en")


ELEMENTS: tuple[Element, ...] = tuple(
    Element(e["key"], e["kind"], tuple(e["aliases"])) for e in _FRAMEWORK["elements"]
)
"""The six core elements then the five foundations, in published order."""

CORE_ELEMENTS: tuple[Element, ...] = tuple(e for e in ELEMENTS if e.kind == "core")
"""The six core elements rated in NEST self-assessments, in published order."""

FOUNDATIONS: tuple[Element, ...] = tuple(e for e in ELEMENTS if e.kind == "foundation")
"""The five foundations: core training and values for all professionals."""


def element_keys(kind: str | None = None) -> tuple[str, ...]:
    """Keys of the elements, optionally of one kind (``"core"`` or ``"foundation"``)."""
    return tuple(e.key for e in ELEMENTS if kind is None or e.kind == kind)


def _element_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for element in ELEMENTS:
        for name in (element.key, element.label("en"), element.label("cy"), *element.aliases):
            lookup[normalise_label(name)] = element.key
    return lookup


_ELEMENT_LOOKUP = _element_lookup()


def resolve_element(name: str) -> str:
    """Resolve an element from its key, English label or Welsh label.

    Raises
    ------
    UnknownNameError
        When the name matches no element.

    Examples
    --------
    >>> resolve_element("Co-produced innovations")
    'coproduced_innovation'
    >>> resolve_element("Dim drws anghywir")
    'no_wrong_door'
    """
    key = normalise_label(str(name))
    key_underscored = normalise_label(str(name).replace("_", " "))
    for candidate in (key, key_underscored):
        if candidate in _ELEMENT_LOOKUP:
            return _ELEMENT_LOOKUP[candidate]
    raise UnknownNameError(f"{name!r} is not a NEST core element or foundation")


@dataclass(frozen=True)
class JourneyLevel:
    """A level of the 1–4 NEST journey rating scale."""

    level: int

    def label(self, lang: str = "en") -> str:
        """The level's name, e.g. "early progress" (message ``journey_level.<n>``)."""
        return label(f"journey_level.{self.level}", lang)

    def definition(self, lang: str = "en") -> str:
        """What the level means (message ``journey_level_definition.<n>``)."""
        return label(f"journey_level_definition.{self.level}", lang)


JOURNEY_LEVELS: tuple[JourneyLevel, ...] = tuple(
    JourneyLevel(int(level["level"])) for level in _FRAMEWORK["journey_levels"]
)
"""The NEST self-assessment journey scale (NYTH/NEST implementation update, 2024)."""


@dataclass(frozen=True)
class Recommendation:
    """A recommendation or ask that the reports map their evidence to.

    Attributes
    ----------
    key : str
        ``"A"``–``"L"`` for the Legacy Report; ``"CCfW-…"`` for the Commissioner's asks.
    source : str
        Key of the document it comes from (``legacy_report`` or ``commissioner``; its title is
        the message ``document.<source>``).
    indicators : tuple of str
        Keys of the indicators (:data:`nest_eval.reference.indicators.INDICATORS`) whose
        published values evidence it; empty when no indicator of the workbench does.
    gap : bool
        The workbench does not collect (all of) what it asks for; what is missing is the
        message ``recommendation_gap.<key>``.
    """

    key: str
    source: str
    indicators: tuple[str, ...]
    gap: bool = False

    @property
    def domains(self) -> tuple[str, ...]:
        """The evaluation domains of its indicators, in the order first met."""
        return tuple(dict.fromkeys(INDICATORS[k].domain for k in self.indicators))

    def text(self, lang: str = "en") -> str:
        """Its wording, shortened where long (message ``recommendation.<key>``)."""
        return label(f"recommendation.{self.key}", lang)

    def document(self, lang: str = "en") -> str:
        """The title of the document it comes from."""
        return label(f"document.{self.source}", lang)

    def gap_text(self, lang: str = "en") -> str:
        """What the workbench does not collect for it; empty when nothing is missing."""
        return label(f"recommendation_gap.{self.key}", lang) if self.gap else ""


_SOURCES = ("legacy_report", "commissioner")


def recommendations_from(raw: dict) -> tuple[Recommendation, ...]:
    """The recommendations of a parsed ``recommendations.toml``, checked.

    Parameters
    ----------
    raw : dict
        The parsed file: a list ``recommendations`` of tables with ``key``, ``source``,
        ``indicators`` and, optionally, ``gap``.

    Returns
    -------
    tuple of Recommendation

    Raises
    ------
    ReferenceFileError
        When a key is repeated, a source is unknown, an indicator is not a key of
        ``indicators.toml``, or a recommendation lists no indicator without ``gap = true``.
    """
    found: list[Recommendation] = []
    for entry in raw["recommendations"]:
        where = f"recommendations.toml: {entry.get('key')!r}"
        rec = Recommendation(
            entry["key"], entry["source"], tuple(entry["indicators"]), bool(entry.get("gap"))
        )
        if rec.key in {r.key for r in found}:
            raise ReferenceFileError(f"{where}: key given twice")
        if rec.source not in _SOURCES:
            raise ReferenceFileError(f"{where}: source {rec.source!r} not in {_SOURCES}")
        unknown = [k for k in rec.indicators if k not in INDICATORS]
        if unknown:
            raise ReferenceFileError(f"{where}: {unknown} are not indicators of indicators.toml")
        if len(set(rec.indicators)) != len(rec.indicators):
            raise ReferenceFileError(f"{where}: an indicator is listed twice")
        if not rec.indicators and not rec.gap:
            raise ReferenceFileError(f"{where}: no indicator listed; say what is missing (gap)")
        found.append(rec)
    return tuple(found)


_RECOMMENDATIONS = recommendations_from(read_data("recommendations.toml"))

RECOMMENDATIONS: tuple[Recommendation, ...] = tuple(
    r for r in _RECOMMENDATIONS if r.source == "legacy_report"
)
"""Legacy Report recommendations A–L."""

COMMISSIONER_ASKS: tuple[Recommendation, ...] = tuple(
    r for r in _RECOMMENDATIONS if r.source == "commissioner"
)
"""The Children's Commissioner's asks of RPBs and of Welsh Government (2022)."""
