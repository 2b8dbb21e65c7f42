"""Identifier checks: the workbench takes pseudonymous identifiers only.

An NHS number is ten digits whose last digit is a modulus-11 check digit (NHS Digital, *NHS
Number* data dictionary entry). A value that denotes such a number, however it is written, is
treated as a real NHS number and refused:

- in a column of the contract, the row is quarantined (rule ``nhs_number``) and the value is
  withheld from the quarantine record (:data:`WITHHELD`);
- in an extra column (one the contract does not name), the whole column is dropped before
  anything is parsed or written, and reported with its file and the number of values
  (:func:`drop_nhs_number_columns`), never the values.

A value is read as an NHS number after normalisation (:func:`nhs_digits`): Unicode compatibility
forms folded (NFKC: full-width digits, no-break spaces), an "NHS" / "NHS no" / "NHS number"
prefix removed in any case (the prefixes are reference data, ``screening.toml``), spaces of every
kind, dots, commas and dashes removed, and scientific notation expanded when it denotes a ten-digit
integer exactly (``9.434765919E9``). An NHS number inside longer free text is found by
:mod:`nest_eval.ingest.screening` and redacted there.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pandas as pd

from nest_eval.reference.loader import read_data

__all__ = [
    "COLUMN_DROPPED",
    "NHS_PREFIXES",
    "ROWS_QUARANTINED",
    "WITHHELD",
    "RefusedColumn",
    "drop_nhs_number_columns",
    "is_nhs_number",
    "looks_like_nhs_number",
    "nhs_check_digit",
    "nhs_digits",
    "refused_in_quarantine",
]

WITHHELD = "[withheld: looks like an NHS number]"
"""What is written in place of a refused identifier in quarantine records."""

COLUMN_DROPPED = "column dropped"
"""Outcome of an extra column holding NHS numbers: dropped, nothing of it written."""

ROWS_QUARANTINED = "rows quarantined"
"""Outcome of a contract column holding NHS numbers: those rows quarantined, values withheld."""

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


_NOT_IN_A_NUMBER = frozenset(string.ascii_lowercase) - set("e" + "".join(NHS_PREFIXES))
"""Latin letters that neither a prefix nor a number in scientific notation has."""


def _may_be(value: object) -> bool:
    """False for a value that :func:`is_nhs_number` cannot accept, told without normalising.

    An ASCII value (which normalising leaves as it is) needs ten digits, or scientific notation
    (``9.43E9``): an ``e`` and no Latin letter other than those of a prefix. A value with other
    characters is always checked.
    """
    text = str(value)
    if not text.isascii():
        return True
    lower = text.lower()
    digits = sum(map(text.count, string.digits))
    return digits >= 10 or ("e" in lower and _NOT_IN_A_NUMBER.isdisjoint(lower))


def _candidates(values: pd.Series) -> list[object]:
    """The distinct values of a column that :func:`_may_be` lets through, text columns at once."""
    distinct = pd.unique(values)
    distinct = distinct[~pd.isna(distinct)]
    if not isinstance(values.dtype, pd.StringDtype):
        return [value for value in distinct if _may_be(value)]
    text = pd.Series(distinct, dtype=values.dtype)
    return text[text.str.contains(_MAY_BE)].tolist()


_MAY_BE = "|".join(
    [
        "[^\\x00-\\x7f]",  # a character beyond ASCII
        "[0-9](?:[^0-9]*[0-9]){9}",  # ten digits
        "^[^{0}]*[eE][^{0}]*$".format(  # an e, and no other letter than a prefix's
            "".join(sorted(_NOT_IN_A_NUMBER)) + "".join(sorted(_NOT_IN_A_NUMBER)).upper()
        ),
    ]
)
"""What :func:`_may_be` lets through, as one regular expression."""


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
    found = [value for value in _candidates(values) if is_nhs_number(value)]
    return values.isin(found) if found else pd.Series(False, index=values.index)


@dataclass(frozen=True)
class RefusedColumn:
    """A column of one file in which values looking like real NHS numbers were refused.

    Attributes
    ----------
    file : str
        The file (with ``[sheet]`` for a worksheet).
    column : str
        The column, in contract spelling.
    values : int
        How many of its values looked like NHS numbers (the values are never kept).
    outcome : str
        :data:`COLUMN_DROPPED` or :data:`ROWS_QUARANTINED`.
    """

    file: str
    column: str
    values: int
    outcome: str

    def message(self) -> str:
        """A plain sentence naming the file, the column, the count and the outcome."""
        return (
            f"{self.file}, column {self.column}: {self.values} value(s) look like real NHS "
            f"numbers; {self.outcome}, the values are written nowhere"
        )


def drop_nhs_number_columns(
    raw: pd.DataFrame, columns: Iterable[str], files: pd.Series
) -> tuple[pd.DataFrame, list[RefusedColumn]]:
    """Drop every one of ``columns`` that holds a value looking like a real NHS number.

    Parameters
    ----------
    raw : pandas.DataFrame
        Text cells.
    columns : iterable of str
        The columns to check (the extra columns, which the contract does not name).
    files : pandas.Series
        The file each row of ``raw`` came from (same index).

    Returns
    -------
    tuple of (pandas.DataFrame, list of RefusedColumn)
        ``raw`` without the refused columns, and one record per file and refused column.
    """
    refused: list[RefusedColumn] = []
    for column in columns:
        found = looks_like_nhs_number(raw[column])
        per_file = found.groupby(files.to_numpy(), sort=True).sum()
        refused += [
            RefusedColumn(str(file), column, int(n), COLUMN_DROPPED)
            for file, n in per_file.items()
            if n
        ]
    dropped = sorted({r.column for r in refused})
    return raw.drop(columns=dropped), refused


def refused_in_quarantine(quarantine: pd.DataFrame) -> list[RefusedColumn]:
    """The contract columns whose NHS numbers quarantined rows, per file and column.

    Parameters
    ----------
    quarantine : pandas.DataFrame
        Quarantine records (``file``, ``column``, ``rule``).

    Returns
    -------
    list of RefusedColumn
        One per file and column with rule ``nhs_number`` problems, with their count.
    """
    refused = quarantine.loc[quarantine["rule"] == "nhs_number"]
    counts = refused.groupby(["file", "column"], sort=True).size()
    return [
        RefusedColumn(str(file), str(column), int(n), ROWS_QUARANTINED)
        for (file, column), n in counts.items()
    ]
