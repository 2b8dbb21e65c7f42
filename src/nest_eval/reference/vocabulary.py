"""The NYTH/NEST framework's vocabulary: RPBs, NEST elements, the journey scale, recommendations.

Everything the workbench names comes from here, so a translator or an evaluator corrects a
label in one place. Welsh names of the RPBs and of the NEST elements are working translations
(marked ``translation_reviewed=False``) until a Welsh-language reviewer signs them off.

Sources
-------
- RPBs, health boards and local authorities: Welsh Government, Regional Partnership Boards;
  local authority to local health board lookup: ONS, "Local Authority District to Local Health
  Board (April 2019) Lookup in Wales".
- NEST elements, foundations and qualities: Welsh Government, *NEST/NYTH framework* (2021).
- Journey scale and 2024 ratings: Welsh Government, *NYTH/NEST implementation update* (2024).
- Recommendations A–L: T4CYP Programme, *Legacy Report* (October 2022).
- Commissioner's asks: Children's Commissioner for Wales, *Making Wales a No Wrong Door Nation –
  how are we doing?* (February 2022).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    "WALES_CY",
    "Element",
    "JourneyLevel",
    "Recommendation",
    "Rpb",
    "UnknownNameError",
    "element_keys",
    "normalise_label",
    "resolve_element",
    "resolve_rpb",
    "rpb_slug",
]

WALES = "Wales"
"""Name of the all-Wales aggregate in every published table."""
WALES_CY = "Cymru"


class UnknownNameError(ValueError):
    """A name that matches no entry of the vocabulary."""


@dataclass(frozen=True)
class Rpb:
    """A Regional Partnership Board.

    Attributes
    ----------
    name : str
        Canonical English name, as published.
    name_cy : str
        Welsh name (working translation).
    health_board : str
        The local health board whose area the RPB covers.
    local_authorities : tuple of str
        The local authorities in the RPB's area.
    aliases : tuple of str
        Further spellings seen in submissions (abbreviations, former names).
    """

    name: str
    name_cy: str
    health_board: str
    local_authorities: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        """Lower-case name with hyphens, used for report file names."""
        return rpb_slug(self.name)


RPBS: tuple[Rpb, ...] = (
    Rpb(
        "Cardiff and Vale",
        "Caerdydd a'r Fro",
        "Cardiff and Vale University Health Board",
        ("Cardiff", "Vale of Glamorgan"),
        (
            "C&V",
            "CAV",
            "Cardiff and Vale UHB",
            "Cardiff and Vale RPB",
            "Cardiff and the Vale",
            "Cardiff and Vale of Glamorgan",
            "Bro Morgannwg",
            "Caerdydd",
            "Caerdydd a'r Fro",
        ),
    ),
    Rpb(
        "Cwm Taf Morgannwg",
        "Cwm Taf Morgannwg",
        "Cwm Taf Morgannwg University Health Board",
        ("Bridgend", "Rhondda Cynon Taf", "Merthyr Tydfil"),
        (
            "CTM",
            "Cwm Taf",
            "Cwm Taf Morgannwg UHB",
            "Cwm Taf Morgannwg RPB",
            "RCT",
            "Pen-y-bont ar Ogwr",
            "Rhondda Cynon Taff",
            "Merthyr Tudful",
        ),
    ),
    Rpb(
        "Gwent",
        "Gwent",
        "Aneurin Bevan University Health Board",
        ("Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen"),
        (
            "Aneurin Bevan",
            "Aneurin Bevan UHB",
            "ABUHB",
            "Gwent RPB",
            "Caerffili",
            "Sir Fynwy",
            "Casnewydd",
            "Tor-faen",
        ),
    ),
    Rpb(
        "North Wales",
        "Gogledd Cymru",
        "Betsi Cadwaladr University Health Board",
        ("Isle of Anglesey", "Gwynedd", "Conwy", "Denbighshire", "Flintshire", "Wrexham"),
        (
            "Betsi",
            "Betsi Cadwaladr",
            "Betsi Cadwaladr UHB",
            "BCUHB",
            "North Wales RPB",
            "NW",
            "Anglesey",
            "Ynys Mon",
            "Ynys Môn",
            "Sir Ddinbych",
            "Sir y Fflint",
            "Wrecsam",
            "Gogledd Cymru",
        ),
    ),
    Rpb(
        "Powys",
        "Powys",
        "Powys Teaching Health Board",
        ("Powys",),
        ("Powys Teaching HB", "Powys THB", "PTHB", "Powys RPB"),
    ),
    Rpb(
        "West Glamorgan",
        "Gorllewin Morgannwg",
        "Swansea Bay University Health Board",
        ("Swansea", "Neath Port Talbot"),
        (
            "Swansea Bay",
            "Swansea Bay UHB",
            "SBUHB",
            "Western Bay",
            "West Glam",
            "West Glamorgan RPB",
            "NPT",
            "Abertawe",
            "Castell-nedd Port Talbot",
            "Bae Abertawe",
            "Gorllewin Morgannwg",
        ),
    ),
    Rpb(
        "West Wales",
        "Gorllewin Cymru",
        "Hywel Dda University Health Board",
        ("Carmarthenshire", "Ceredigion", "Pembrokeshire"),
        (
            "Hywel Dda",
            "Hywel Dda UHB",
            "HDUHB",
            "West Wales RPB",
            "WW",
            "Sir Gaerfyrddin",
            "Sir Benfro",
            "Gorllewin Cymru",
        ),
    ),
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
        names = (rpb.name, rpb.name_cy, rpb.health_board, *rpb.local_authorities, *rpb.aliases)
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
    label_en, label_cy : str
        English label and Welsh label (working translation).
    kind : str
        ``"core"`` for the six core elements rated in self-assessments, ``"foundation"`` for the
        five foundations.
    aliases : tuple of str
        Other spellings seen in documents (e.g. "Co-produced innovations").
    """

    key: str
    label_en: str
    label_cy: str
    kind: str
    aliases: tuple[str, ...] = ()


CORE_ELEMENTS: tuple[Element, ...] = (
    Element("trusted_adults", "Trusted adults", "Oedolion y gellir ymddiried ynddynt", "core"),
    Element(
        "wellbeing_across_education",
        "Wellbeing across education",
        "Llesiant ar draws addysg",
        "core",
    ),
    Element(
        "coproduced_innovation",
        "Co-produced innovation",
        "Arloesi wedi'i gydgynhyrchu",
        "core",
        ("Co-produced innovations", "Coproduced innovation", "Co-production and innovation"),
    ),
    Element(
        "easy_access_to_expertise",
        "Easy access to expertise",
        "Mynediad hawdd at arbenigedd",
        "core",
        ("Easy access to expert help",),
    ),
    Element(
        "safe_supportive_communities",
        "Safe and supportive communities",
        "Cymunedau diogel a chefnogol",
        "core",
        ("Safe supportive communities",),
    ),
    Element("no_wrong_door", "No wrong door", "Dim drws anghywir", "core"),
)
"""The six core elements rated in NEST self-assessments, in published order."""

FOUNDATIONS: tuple[Element, ...] = (
    Element("rights_based", "Rights based approach", "Dull seiliedig ar hawliau", "foundation"),
    Element(
        "equity_diversity_inclusion",
        "Equity, diversity and inclusion",
        "Tegwch, amrywiaeth a chynhwysiant",
        "foundation",
    ),
    Element("values_led", "Values led", "Wedi'i arwain gan werthoedd", "foundation"),
    Element("child_development", "Child development", "Datblygiad plant", "foundation"),
    Element(
        "psychologically_informed",
        "Psychologically informed",
        "Wedi'i lywio'n seicolegol",
        "foundation",
    ),
)
"""The five foundations: core training and values for all professionals."""

ELEMENTS: tuple[Element, ...] = CORE_ELEMENTS + FOUNDATIONS


def element_keys(kind: str | None = None) -> tuple[str, ...]:
    """Keys of the elements, optionally of one kind (``"core"`` or ``"foundation"``)."""
    return tuple(e.key for e in ELEMENTS if kind is None or e.kind == kind)


def _element_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for element in ELEMENTS:
        for name in (element.key, element.label_en, element.label_cy, *element.aliases):
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
    name: str
    definition: str


JOURNEY_LEVELS: tuple[JourneyLevel, ...] = (
    JourneyLevel(1, "basic level", "principle accepted and commitment to action"),
    JourneyLevel(2, "early progress", "first stage development and action planning"),
    JourneyLevel(3, "substantial progress", "first stage actions done with good outcomes"),
    JourneyLevel(
        4,
        "embedded",
        "cycle of reflection and improvement; embedded good practice, keep reviewing, "
        "learn from research",
    ),
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
        The document it comes from.
    text : str
        Its wording, shortened where long.
    domains : tuple of str
        The evaluation domains whose evidence can answer it (``implementation``, ``outcomes``,
        ``experiences``, ``access``, ``partnership``, ``training``).
    """

    key: str
    source: str
    text: str
    domains: tuple[str, ...]


_LEGACY = "T4CYP Legacy Report (2022)"
_CCFW = "Children's Commissioner for Wales, No Wrong Door (2022)"

RECOMMENDATIONS: tuple[Recommendation, ...] = (
    Recommendation(
        "A",
        _LEGACY,
        "A systematic approach to co-production agreed and implemented across the whole system.",
        ("implementation", "partnership"),
    ),
    Recommendation(
        "B",
        _LEGACY,
        "A co-production Maturity Matrix to monitor progress at local, regional and national "
        "level.",
        ("partnership",),
    ),
    Recommendation(
        "C",
        _LEGACY,
        "Parents and carers as equal partners in planning and developing services.",
        ("implementation", "experiences"),
    ),
    Recommendation(
        "D",
        _LEGACY,
        "Support for Parent and Carer Networks; parent/carer contribution to individual care "
        "planning.",
        ("experiences",),
    ),
    Recommendation(
        "E",
        _LEGACY,
        "Structured support for RPBs to build on the developmental approach.",
        ("implementation", "training"),
    ),
    Recommendation(
        "F",
        _LEGACY,
        "A co-produced Evaluation Framework focused on the outcomes and experiences of children, "
        "young people and families, shared transparently at regional and national level.",
        ("outcomes", "experiences"),
    ),
    Recommendation(
        "G",
        _LEGACY,
        "Partnership enablers in the evaluation: use of core and Regional Integration Fund "
        "resources, workforce plans, effectiveness of multi-agency team working.",
        ("partnership",),
    ),
    Recommendation(
        "H",
        _LEGACY,
        "Partnerships with academia advanced as a priority.",
        (),
    ),
    Recommendation(
        "I",
        _LEGACY,
        "Digital access to assessment, advice and support (Neurodiversity Wales Shared Platform).",
        ("access",),
    ),
    Recommendation(
        "J",
        _LEGACY,
        "Services for 18–25 year olds and a national approach to transition.",
        ("outcomes", "access"),
    ),
    Recommendation(
        "K",
        _LEGACY,
        "Cross-government policy on neurodiversity.",
        (),
    ),
    Recommendation(
        "L",
        _LEGACY,
        "An 'engine room' (NHS Executive / National Social Care Office) for outcomes and "
        "experience.",
        ("outcomes", "experiences"),
    ),
)
"""Legacy Report recommendations A–L."""

COMMISSIONER_ASKS: tuple[Recommendation, ...] = (
    Recommendation(
        "CCfW-outcomes",
        _CCFW,
        "Measurable outcomes covering early help and prevention, the 'missing middle' and "
        "children with the most complex needs.",
        ("outcomes",),
    ),
    Recommendation(
        "CCfW-experiences",
        _CCFW,
        "Continually track the current experiences of children and families who need support.",
        ("experiences",),
    ),
    Recommendation(
        "CCfW-actions",
        _CCFW,
        "Turn plans into tangible actions.",
        ("implementation", "access"),
    ),
    Recommendation(
        "CCfW-transitions",
        _CCFW,
        "Transitions protocols for children with learning disabilities, well advertised.",
        (),
    ),
    Recommendation(
        "CCfW-monitoring",
        _CCFW,
        "A robust monitoring framework from Welsh Government that holds every RPB to account.",
        ("implementation", "outcomes", "experiences", "access", "partnership"),
    ),
)
"""The Children's Commissioner's asks of RPBs and of Welsh Government (2022)."""
