"""Screening free text for personal data: found, redacted, counted, never kept.

Free-text columns (contract kinds ``text`` and ``comment``: evidence, project, service, route,
comment) and the extra columns the contract passes through are screened before anything is
parsed or written. Each match is replaced by a fixed marker naming its kind (``[redacted:
email]``; the markers are reference data, ``screening.toml``), the row is kept, and the number of
matches is counted per column and kind for the accounting. The matched text itself is kept
nowhere. Kinds, in the order they are looked for:

``email``
    An email address: ``local@domain.tld``.
``nhs_number``
    Ten digits, together or grouped 3-3-4 by one space (of any kind), dot or dash, or a number in
    scientific notation, that pass the NHS modulus-11 check
    (:func:`nest_eval.ingest.identifiers.is_nhs_number`).
``phone``
    A UK telephone number (Ofcom, National Telephone Numbering Plan): ``0`` and a national
    significant number of 9 or 10 digits starting 1, 2, 3, 5, 7, 8 or 9, or the same after
    ``+44`` / ``0044`` (with an optional ``(0)``); written together or in two or three groups
    of at least 3 digits (the area code may be in brackets), one separator between groups.
``postcode``
    A full UK postcode (Royal Mail, Postcode Address File; ONS Postcode Directory): outward code
    ``A9``, ``A99``, ``A9A``, ``AA9``, ``AA99`` or ``AA9A`` whose letters are a postcode area,
    an optional space, and inward code ``9AA`` (the inward letters never C, I, K, M, O or V); in
    any case, except a lower-case ordinal (``M1 1st``, ``B12 3rd``), which is ordinary text.
    An outward code alone (``CF10``) covers thousands of addresses and is kept.

A cell that is, as a whole, an NHS number is not redacted here: validation refuses it
(:mod:`nest_eval.ingest.identifiers`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

import pandas as pd

from nest_eval.ingest.identifiers import WITHHELD, is_nhs_number, looks_like_nhs_number
from nest_eval.reference.loader import read_data

__all__ = [
    "FREE_TEXT_KINDS",
    "KINDS",
    "MARKERS",
    "POSTCODE_AREAS",
    "mask",
    "redact",
    "screen_columns",
]

_DATA = read_data("screening.toml")

FREE_TEXT_KINDS = ("text", "comment")
"""Contract column kinds holding free text, which is screened."""

KINDS = ("email", "nhs_number", "phone", "postcode")
"""Kinds of personal data redacted from free text, in the order they are looked for."""

MARKERS: dict[str, str] = dict(_DATA["redaction"]["markers"])
"""The fixed text written in place of each kind found (reference data, ``screening.toml``)."""

POSTCODE_AREAS: frozenset[str] = frozenset(_DATA["postcode"]["areas"])
"""The UK postcode areas (reference data, ``screening.toml``)."""

# One separator inside a number: a space of any kind (not a line break), a dot or a dash.
_SEP = r"(?:[^\S\r\n]|[.\-\u2010-\u2015\u2212])"

_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@(?:[\w-]+\.)+[^\W\d_]{2,}(?![\w-])")

_NHS_IN_TEXT = re.compile(
    rf"(?<!\d)\d{{3}}{_SEP}?\d{{3}}{_SEP}?\d{{4}}(?!\d)"  # 9434765919, 943 476 5919
    r"|(?<![\w.])\d(?:\.\d+)?[eE]\+?\d{1,2}(?![\w.])"  # 9.434765919E9
)


def _groupings(total: int, first: range, later: range) -> list[tuple[int, ...]]:
    """Ways of writing ``total`` digits: together, or in two or three groups."""
    found = {(total,)}
    for a in first:
        for b in later:
            if a + b == total:
                found.add((a, b))
            found |= {(a, b, c) for c in later if a + b + c == total}
    return sorted(found, key=lambda g: (-sum(g), g))


def _phone_alternative(groups: tuple[int, ...], national: bool) -> str:
    """The pattern of one grouping, the first group holding the trunk 0 when ``national``."""
    head, *rest = groups
    if national:
        first = rf"0[1235789]\d{{{head - 2}}}"
        first = rf"(?:\({first}\)|{first})" if rest else first
    else:
        first = rf"[1235789]\d{{{head - 1}}}"
    return first + "".join(rf"{_SEP}?\d{{{n}}}" for n in rest)


def _phone_pattern() -> re.Pattern[str]:
    """UK numbers: 0 + 9 or 10 digits, or +44 / 0044 (and an optional "(0)") + 9 or 10 digits."""
    national = [
        _phone_alternative(g, national=True)
        for total in (11, 10)
        for g in _groupings(total, range(3, 7), range(3, 9))
    ]
    international = [
        _phone_alternative(g, national=False)
        for total in (10, 9)
        for g in _groupings(total, range(2, 6), range(3, 9))
    ]
    prefix = rf"(?:\+|00)44{_SEP}?(?:\(0\){_SEP}?)?"
    return re.compile(
        r"(?<![\w+])(?<!\d[.,])"
        rf"(?:{prefix}(?:{'|'.join(international)})|(?:{'|'.join(national)}))"
        r"(?!\w)(?![.,]\d)"
    )


_PHONE = _phone_pattern()

_POSTCODE = re.compile(
    r"(?<!\w)(?P<area>[A-Z]{1,2})(?P<district>\d[A-Z\d]?)[^\S\r\n]?"
    r"(?P<inward>\d[ABD-HJLNP-UW-Z]{2})(?!\w)",
    re.IGNORECASE,
)

_ORDINALS = ("st", "nd", "rd", "th")


def _is_nhs(match: re.Match[str]) -> bool:
    return is_nhs_number(match.group())


def _is_postcode(match: re.Match[str]) -> bool:
    inward = match["inward"]
    return match["area"].upper() in POSTCODE_AREAS and inward[1:] not in _ORDINALS


def _always(match: re.Match[str]) -> bool:
    return True


_FINDERS: dict[str, tuple[re.Pattern[str], Callable[[re.Match[str]], bool]]] = {
    "email": (_EMAIL, _always),
    "nhs_number": (_NHS_IN_TEXT, _is_nhs),
    "phone": (_PHONE, _always),
    "postcode": (_POSTCODE, _is_postcode),
}


def _substitute(kind: str, text: str) -> tuple[str, int]:
    """Replace the matches of one kind in a text by its marker; the text and the count."""
    pattern, accept = _FINDERS[kind]
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if not accept(match):
            return match.group()
        count += 1
        return MARKERS[kind]

    return pattern.sub(replace, text), count


def redact(text: str) -> tuple[str, Counter[str]]:
    """Replace every email, NHS number, UK phone number and UK postcode in a text by its marker.

    Parameters
    ----------
    text : str
        Free text.

    Returns
    -------
    tuple of (str, collections.Counter)
        The text with each match replaced by :data:`MARKERS` of its kind, and the number of
        matches of each kind.

    Examples
    --------
    >>> redact("Call 07700 900123 or write to CF10 1AA.")[0]
    'Call [redacted: phone number] or write to [redacted: postcode].'
    >>> redact("Scores rose from 12 to 18 in 2019-2020.")[0]
    'Scores rose from 12 to 18 in 2019-2020.'
    """
    found: Counter[str] = Counter()
    for kind in KINDS:
        text, found[kind] = _substitute(kind, text)
    return text, +found


def mask(value: object) -> str:
    """A value as a quarantine record may show it.

    A value that is, as a whole, an NHS number is withheld; personal data in it are redacted.

    Parameters
    ----------
    value : object
        A cell or a value as given.

    Returns
    -------
    str
        :data:`nest_eval.ingest.identifiers.WITHHELD`, or the text with its matches redacted.
    """
    text = "" if value is None else str(value)
    return WITHHELD if is_nhs_number(text) else redact(text)[0]


def _screen(values: pd.Series) -> tuple[pd.Series, Counter[str]]:
    """One column screened: its cells with their matches redacted, and the count per kind."""
    text = values.astype("string").fillna("")
    todo = text[text.str.contains(r"[\d@]", regex=True) & ~looks_like_nhs_number(text)]
    found: Counter[str] = Counter()
    replaced: dict[str, str] = {}
    for value, n in todo.value_counts(sort=False).items():
        new, kinds = redact(str(value))
        if kinds:
            replaced[str(value)] = new
            found.update({kind: count * n for kind, count in kinds.items()})
    hit = todo.index[todo.isin(list(replaced)).to_numpy()]
    screened = values.copy()
    screened[hit] = todo[hit].map(replaced).to_numpy()
    return screened, found


def screen_columns(
    raw: pd.DataFrame, columns: Iterable[str]
) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """Redact personal data from the free-text cells of ``columns``.

    Parameters
    ----------
    raw : pandas.DataFrame
        Text cells.
    columns : iterable of str
        The free-text columns and the extra columns present in ``raw``.

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        ``raw`` with the matches redacted, and per column the number of matches of each kind
        (only columns with a match; never the values).
    """
    screened = raw.copy()
    counts: dict[str, dict[str, int]] = {}
    for column in columns:
        screened[column], found = _screen(raw[column])
        if found:
            counts[column] = {kind: found[kind] for kind in KINDS if found[kind]}
    return screened, counts
