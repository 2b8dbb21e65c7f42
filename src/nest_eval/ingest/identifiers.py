"""Identifier checks: the workbench takes pseudonymous identifiers only.

An NHS number is ten digits whose last digit is a modulus-11 check digit (NHS Digital, *NHS
Number* data dictionary entry). A value of that shape with a valid check digit is treated as a
real NHS number and refused.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["WITHHELD", "is_nhs_number", "looks_like_nhs_number"]

WITHHELD = "[withheld: looks like an NHS number]"
"""What is written in place of a refused identifier in quarantine records."""

_NHS_SHAPE = re.compile(r"^\s*(\d{3})[ -]?(\d{3})[ -]?(\d{4})\s*$")
_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def is_nhs_number(value: object) -> bool:
    """Whether a value is a ten-digit number with a valid NHS modulus-11 check digit.

    Spaces or hyphens in the 3-3-4 grouping are allowed (``943 476 5919``).

    Parameters
    ----------
    value : object
        The identifier as given.

    Returns
    -------
    bool
        True when the value has the shape of an NHS number and its check digit is valid.

    Notes
    -----
    The first nine digits are weighted 10 down to 2 and summed; the check digit is
    ``11 − (sum mod 11)``, with 11 read as 0; a result of 10 means the number is invalid.

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
    match = _NHS_SHAPE.match(str(value))
    if not match:
        return False
    digits = [int(ch) for ch in "".join(match.groups())]
    total = sum(d * w for d, w in zip(digits[:9], _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == digits[9]


def looks_like_nhs_number(values: pd.Series) -> pd.Series:
    """Vectorised :func:`is_nhs_number` over a Series of identifiers (as text).

    Parameters
    ----------
    values : pandas.Series
        Identifiers as strings.

    Returns
    -------
    pandas.Series of bool
        True where the identifier is a valid NHS number.
    """
    text = values.astype("string").fillna("")
    shaped = text.str.match(_NHS_SHAPE.pattern)
    result = pd.Series(False, index=values.index)
    if shaped.any():
        result[shaped] = text[shaped].map(is_nhs_number).astype(bool)
    return result
