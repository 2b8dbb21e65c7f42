"""Reading numbers as written: decimal marks and thousands separators, never guessed.

A file's locale (:class:`nest_eval.reference.reading.Locale`) gives its decimal mark (``.`` by
default) and the thousands separator declared (none by default). A value is read only when it
has one reading:

- ``12.5`` (or ``12,5`` in a file declared ``decimal = ","``) is read as written;
- ``1,234,567`` and ``1,234.5`` can only be grouped in thousands: read, and counted;
- ``1,5`` uses a comma as the decimal mark in a file whose mark is ``.``: it is never read as
  15, and never as 1.5 unless the file's locale says so (rule ``decimal_comma``);
- ``1,234`` could be 1234 or 1.234: read only when the file's thousands separator or decimal
  mark is declared (rule ``ambiguous_separator``);
- in a file declared ``decimal = ","``, ``1.5`` (a number cell of a workbook, say) can only
  use a decimal point: read, and counted.

A leading ``£`` is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["NUMBER_RULES", "Number", "read_number", "read_numbers"]

NUMBER_RULES = ("not_a_number", "decimal_comma", "ambiguous_separator")
"""The rules a number can break, most general first."""

_SPACES = " \u00a0\u202f"
"""A declared thousands separator ``" "`` also matches the no-break spaces spreadsheets write."""

_EXPONENT = r"(?:[eE][+-]?\d+)?"


@dataclass(frozen=True)
class Number:
    """How one value reads as a number.

    Attributes
    ----------
    value : float
        The number; NaN when it is not read.
    rule : str or None
        The rule it breaks (:data:`NUMBER_RULES`), or None when read.
    reading : str or None
        How it was read when not plainly: ``thousands_separator`` (grouped in thousands),
        ``decimal_comma`` (a comma, as the file's locale declares) or ``decimal_point`` (a
        point in a file whose mark is a comma); None for a plain number.
    """

    value: float
    rule: str | None = None
    reading: str | None = None


def _mark(character: str) -> str:
    """A regular-expression class matching a separator (any space for ``" "``)."""
    return f"[{re.escape(_SPACES)}]" if character == " " else re.escape(character)


def _plain(body: str, decimal: str) -> float | None:
    """The number ``body`` writes with ``decimal`` and no grouping, or None."""
    point = re.escape(decimal)
    if re.fullmatch(rf"(?:\d+(?:{point}\d*)?|{point}\d+){_EXPONENT}", body):
        return float(body.replace(decimal, "."))
    return None


def _grouped(body: str, separator: str, decimal: str, groups: str = "+") -> float | None:
    """The number ``body`` writes in thousands grouped by ``separator``, or None."""
    mark, point = _mark(separator), re.escape(decimal)
    if re.fullmatch(rf"[1-9]\d{{0,2}}(?:{mark}\d{{3}}){groups}(?:{point}\d+)?", body):
        digits = re.sub(mark, "", body)
        return float(digits.replace(decimal, "."))
    return None


def _undeclared(body: str, decimal: str, thousands: str) -> Number:
    """A value using the mark that is not the file's decimal mark, as no declaration reads it."""
    other = "," if decimal == "." else "."
    mark = re.escape(other)
    groups = "+" if decimal in body else "{2,}"  # 1,234.5 or 1,234,567: grouped, nothing else
    grouped = _grouped(body, other, decimal, groups)
    if grouped is not None:
        return Number(grouped, reading="thousands_separator")
    if re.fullmatch(rf"[1-9]\d{{0,2}}{mark}\d{{3}}", body):
        return Number(np.nan, rule="ambiguous_separator")
    if re.fullmatch(rf"\d*{mark}\d+", body):
        if other == ",":
            return Number(np.nan, rule="decimal_comma")
        if thousands != ".":
            return Number(float(body), reading="decimal_point")
    if other == "," and re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+,\d+", body):
        return Number(np.nan, rule="decimal_comma")  # 1.234,5: grouped, with a decimal comma
    return Number(np.nan, rule="not_a_number")


def read_number(text: str, decimal: str = ".", thousands: str = "") -> Number:
    """Read one value as a number, in a file with the given decimal mark and separator.

    Parameters
    ----------
    text : str
        The value as written (surrounding spaces and a leading ``£`` ignored).
    decimal : str
        The file's decimal mark, ``.`` or ``,``.
    thousands : str
        The file's declared thousands separator (``""``: none declared).

    Returns
    -------
    Number

    Examples
    --------
    >>> read_number("1,5").rule
    'decimal_comma'
    >>> read_number("1,5", decimal=",").value
    1.5
    >>> read_number("1,234").rule
    'ambiguous_separator'
    >>> read_number("1,234", thousands=",").value
    1234.0
    >>> read_number("£1,250,000")
    Number(value=1250000.0, rule=None, reading='thousands_separator')
    """
    body = text.strip().removeprefix("£").strip()
    sign = -1.0 if body.startswith("-") else 1.0
    if body[:1] in ("+", "-"):
        body = body[1:]
    value = _plain(body, decimal)
    if value is not None:
        return Number(sign * value, reading="decimal_comma" if "," in body else None)
    if thousands:
        value = _grouped(body, thousands, decimal)
        if value is not None:
            return Number(sign * value, reading="thousands_separator")
    number = _undeclared(body, decimal, thousands)
    return Number(sign * number.value, number.rule, number.reading)


def read_numbers(given: pd.Series, decimal: str = ".", thousands: str = "") -> pd.DataFrame:
    """:func:`read_number` of every value of a column (each distinct value read once).

    Returns
    -------
    pandas.DataFrame
        ``value`` (float), ``rule`` and ``reading`` (text or None), indexed as ``given``.
    """
    codes, distinct = pd.factorize(given, use_na_sentinel=False)
    read = [read_number(text, decimal, thousands) for text in distinct]
    value = np.array([number.value for number in read], dtype="float64")
    rule = np.array([number.rule for number in read], dtype=object)
    reading = np.array([number.reading for number in read], dtype=object)
    return pd.DataFrame(
        {
            "value": pd.Series(value[codes], index=given.index, dtype="float64"),
            "rule": pd.Series(rule[codes], index=given.index, dtype=object),
            "reading": pd.Series(reading[codes], index=given.index, dtype=object),
        },
        index=given.index,
    )
