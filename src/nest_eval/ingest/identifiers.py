"""Identifier checks: the workbench takes pseudonymous identifiers only.

An NHS number is ten digits whose last digit is a modulus-11 check digit (NHS Digital, *NHS
Number* data dictionary entry). A value that denotes such a number, however it is written, is
treated as a real NHS number and refused: in a column of the contract, of any kind, the row is
quarantined (rule ``nhs_number``) and the value is withheld from the quarantine record
(:data:`WITHHELD`).

A value is read as an NHS number after normalisation (:func:`nhs_digits`): Unicode compatibility
forms folded (NFKC: full-width digits, no-break spaces), an "NHS" / "NHS no" / "NHS number"
prefix removed in any case (the prefixes are reference data, ``screening.toml``), spaces of every
kind, dots, commas and dashes removed, and scientific notation expanded when it denotes a ten-digit
integer exactly (``9.434765919E9``).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

import pandas as pd

from nest_eval.reference.loader import read_data

__all__ = [
    "NHS_PREFIXES",
    "WITHHELD",
    "is_nhs_number",
    "looks_like_nhs_number",
    "nhs_check_digit",
    "nhs_digits",
]

WITHHELD = "[withheld: looks like an NHS number]"
"""What is written in place of a refused identifier in quarantine records."""

NHS_PREFIXES: tuple[str, ...] = tuple(read_data("screening.toml")["nhs_number"]["prefixes"])
"""Words that may be written before an NHS number (reference data, ``screening.toml``)."""

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)

# A prefix of NHS_PREFIXES at the start of the (case-folded) value: its words separated by
# spaces, dots, hyphens, underscores or nothing; then any of ":", "#", ".", "-" and spaces.
_PREFIX = re.compile(
    r"^(?:"
    + "|".join(
        r"[\s._-]*".join(re.escape(word) for word in prefix.split())
        for prefix in sorted(NHS_PREFIXES, key=len, reverse=True)
    )
    + r")[\s.:#_-]*"
)

# Separators inside a written number: whitespace of every kind (including the no-break spaces
# U+00A0 and U+202F), invisible format characters (zero-width spaces and joiners, soft hyphen,
# word joiner, byte-order mark), dots, commas, hyphens and the Unicode dashes and minus sign.
_SEPARATORS = re.compile(r"[\s\u00ad\u200b-\u200d\u2060\ufeff.,\-\u2010-\u2015\u2212]+")

# Quotes and brackets around a value (a spreadsheet's leading apostrophe, "(943 476 5919)").
_WRAPPING = "'\"()[]"

_TEN_DIGITS = re.compile(r"\d{10}")
_DIGIT = re.compile(r"\d")


def nhs_check_digit(nine: str) -> int | None:
    """The modulus-11 check digit of the first nine digits of an NHS number.

    Parameters
    ----------
    nine : str
        Nine digits.

    Returns
    -------
    int or None
        The check digit 0–9, or None when the remainder gives 10 (no valid number starts so).

    Notes
    -----
    The nine digits are weighted 10 down to 2 and summed; the check digit is
    ``11 − (sum mod 11)``, with 11 read as 0.

    References
    ----------
    NHS Digital, NHS Data Model and Dictionary, "NHS Number" (modulus 11 algorithm).

    Examples
    --------
    >>> nhs_check_digit("943476591")
    9
    """
    total = sum(int(d) * w for d, w in zip(nine, _WEIGHTS, strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def _scientific_digits(text: str) -> str | None:
    """The ten digits a number in plain or scientific notation denotes exactly, if it does."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    if not Decimal(10**9) <= number < Decimal(10**10):
        return None
    return str(int(number))


def nhs_digits(value: object) -> str | None:
    """The ten digits a value denotes when it is written as a ten-digit number, else None.

    Parameters
    ----------
    value : object
        A cell as given (any type; read as text).

    Returns
    -------
    str or None
        Ten ASCII digits, or None when the value is not a ten-digit number.

    Examples
    --------
    >>> nhs_digits("NHS no: 943.476.5919")
    '9434765919'
    >>> nhs_digits("9.434765919E9")
    '9434765919'
    >>> nhs_digits("P123") is None
    True
    """
    text = str(value)
    if len(_DIGIT.findall(text)) < 10 and "e" not in text.lower():  # quick test
        return None
    text = unicodedata.normalize("NFKC", text).casefold().strip().strip(_WRAPPING)
    text = _PREFIX.sub("", text.strip())
    compact = _SEPARATORS.sub("", text)
    if _TEN_DIGITS.fullmatch(compact):
        return "".join(str(int(ch)) for ch in compact)  # ASCII, whatever the script
    return _scientific_digits(re.sub(r"\s+", "", text))


def is_nhs_number(value: object) -> bool:
    """Whether a value denotes a ten-digit number with a valid NHS modulus-11 check digit.

    The value is normalised first (:func:`nhs_digits`): ``943 476 5919``, ``943-476-5919``,
    ``943.476.5919``, ``NHS 9434765919``, ``9.434765919E9`` and the same with no-break spaces
    are all the number ``9434765919``.

    Parameters
    ----------
    value : object
        The value as given.

    Returns
    -------
    bool
        True when the value denotes ten digits whose check digit is valid.

    References
    ----------
    NHS Digital, NHS Data Model and Dictionary, "NHS Number" (modulus 11 algorithm).

    Examples
    --------
    >>> is_nhs_number("943 476 5919")
    True
    >>> is_nhs_number("9434765910")
    False
    """
    digits = nhs_digits(value)
    return digits is not None and nhs_check_digit(digits[:9]) == int(digits[9])


def looks_like_nhs_number(values: pd.Series) -> pd.Series:
    """Vectorised :func:`is_nhs_number` over a Series of cells (read as text).

    Parameters
    ----------
    values : pandas.Series
        Cells as given.

    Returns
    -------
    pandas.Series of bool
        True where the cell denotes a valid NHS number; same index.
    """
    found = [value for value in pd.unique(values.dropna()) if is_nhs_number(value)]
    return values.isin(found) if found else pd.Series(False, index=values.index)
