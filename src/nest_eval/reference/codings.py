"""The vocabularies of the contract's categorical columns: canonical values and accepted codings.

Each vocabulary (sex, respondent, respondent type, access outcome, organisation type, language,
self-assessment level, yes/no) is defined once, in ``contract.toml`` beside the columns that use
it, and read by ingest (to resolve what RPBs send), the demo generator (to write canonical
values), the data dictionary (to document the codings) and the statistics (which compare
canonical values only). An evaluator adds codings in an overrides file, one line each, the value
as sent to its canonical value (``[codings.sex]`` ``"1" = "male"``; :func:`load_vocabularies`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from nest_eval.reference.distinct import per_distinct
from nest_eval.reference.loader import Overrides, ReferenceFileError, read_data

__all__ = [
    "VOCABULARIES",
    "UnknownCodingError",
    "Vocabularies",
    "Vocabulary",
    "fold_coding",
    "fold_series",
    "load_vocabularies",
]


class UnknownCodingError(ValueError):
    """A value that is no coding of its vocabulary."""


_SEPARATORS = r"[\s\-/_]+"
"""Runs of spaces, hyphens, slashes and underscores: alike when matching a coding."""

_APOSTROPHES = r"['’‘`]"
"""Apostrophes, straight or curly: ignored when matching a coding (``wedi'i gyfeirio``)."""


def fold_coding(text: object) -> str:
    """Fold a coding for matching: case, surrounding spaces, and ``-``, ``/``, ``_``, spaces alike.

    Apostrophes (straight or curly) are ignored.

    Examples
    --------
    >>> fold_coding(" Parent/Carer ")
    'parent carer'
    >>> fold_coding("young_person")
    'young person'
    >>> fold_coding("Wedi’i gyfeirio")
    'wedii gyfeirio'
    """
    folded = re.sub(_APOSTROPHES, "", str(text).strip().lower())
    return re.sub(_SEPARATORS, " ", folded).strip()


@dataclass(frozen=True)
class Vocabulary:
    """One vocabulary.

    Attributes
    ----------
    name : str
        Its key, e.g. ``"sex"``.
    values : tuple of str
        The canonical values, in display order.
    codings : Mapping of str to str
        Every accepted coding (folded with :func:`fold_coding`) to its canonical value; a
        canonical value is always one of its own codings.
    listed : tuple of (str, str)
        The codings of the contract as written there, each with its canonical value.
    added : Mapping of str to str
        The codings an evaluator added, as written, to their canonical values.
    """

    name: str
    values: tuple[str, ...]
    codings: Mapping[str, str]
    listed: tuple[tuple[str, str], ...] = ()
    added: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def resolve(self, text: object) -> str:
        """The canonical value of a coding.

        Raises
        ------
        UnknownCodingError
            When ``text`` is no coding of this vocabulary.

        Examples
        --------
        >>> VOCABULARIES["sex"].resolve("F")
        'female'
        """
        try:
            return self.codings[fold_coding(text)]
        except KeyError:
            raise UnknownCodingError(
                f"{text!r} is not a {self.name} value; expected one of {', '.join(self.values)}"
            ) from None

    def resolve_series(self, given: pd.Series) -> pd.Series:
        """Canonical values of a column of codings; missing where a value is no coding.

        Each distinct value is resolved once.
        """
        return per_distinct(given.astype("string"), self._resolve_each)

    def _resolve_each(self, given: pd.Series) -> pd.Series:
        return _fold_each(given).map(self.codings, na_action="ignore").astype("string")

    def codings_of(self, value: str) -> tuple[str, ...]:
        """The contract's codings of a canonical value, as written there."""
        return tuple(coding for coding, of in self.listed if of == value)

    def source_of(self, text: object) -> str:
        """Where the coding ``text`` comes from: ``"evaluator"`` or ``"contract"``."""
        evaluator = {fold_coding(c) for c in self.added}
        return "evaluator" if fold_coding(text) in evaluator else "contract"


def fold_series(given: pd.Series) -> pd.Series:
    """:func:`fold_coding` of every value of a column (missing stays missing).

    Each distinct value is folded once.
    """
    return per_distinct(given.astype("string"), _fold_each)


def _fold_each(given: pd.Series) -> pd.Series:
    """:func:`fold_coding` of every value of a text column, row by row."""
    folded = given.astype("string").str.strip().str.lower()
    folded = folded.str.replace(_APOSTROPHES, "", regex=True)
    return folded.str.replace(_SEPARATORS, " ", regex=True).str.strip()


class Vocabularies(Mapping[str, Vocabulary]):
    """The contract's vocabularies by name, with the overrides they were built with."""

    def __init__(self, vocabularies: Mapping[str, Vocabulary], source: str = "") -> None:
        self._items = dict(vocabularies)
        self.source = source

    def __getitem__(self, name: str) -> Vocabulary:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def _add(codings: dict[str, str], coding: str, value: str, fault: Callable[[str], Exception]):
    """Add one coding, refusing a coding that already codes another value."""
    folded = fold_coding(coding)
    if codings.get(folded, value) != value:
        raise fault(f"{coding!r} codes both {codings[folded]} and {value}")
    codings[folded] = value


def _vocabulary(
    name: str, spec: dict[str, Any], added: dict[str, str], overrides: Overrides
) -> Vocabulary:
    """A vocabulary of ``contract.toml`` with the codings an evaluator added."""
    values = tuple(spec["values"])
    codings = {fold_coding(value): value for value in values}
    listed = []
    where = f"contract.toml: vocabularies.{name}.codings"
    for value, given in spec.get("codings", {}).items():
        if value not in values:
            raise ReferenceFileError(
                f"{where}.{value}: not a value of {name} ({', '.join(values)})"
            )
        for coding in given:
            _add(codings, coding, value, lambda m: ReferenceFileError(f"{where}: {m}"))
            listed.append((coding, value))
    for coding, value in added.items():
        _add(
            codings, coding, value, lambda m, c=coding: overrides.error(f"codings.{name}.{c!r}", m)
        )
    return Vocabulary(
        name, values, MappingProxyType(codings), tuple(listed), MappingProxyType(dict(added))
    )


def _evaluator_codings(overrides: Overrides, known: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The ``[codings.<vocabulary>]`` tables of an overrides file, checked."""
    tables = overrides.section("codings")
    for name, table in tables.items():
        if name not in known:
            raise overrides.error(
                f"codings.{name}", f"unknown vocabulary; known: {', '.join(known)}"
            )
        if not isinstance(table, dict):
            raise overrides.error(f"codings.{name}", 'expected a table of codings: "1" = "male"')
        values = known[name]["values"]
        for coding, value in table.items():
            if value not in values:
                raise overrides.error(
                    f"codings.{name}.{coding!r}",
                    f"{value!r} is not a value of {name} ({', '.join(values)})",
                )
    return tables


def load_vocabularies(overrides: Overrides | None = None) -> Vocabularies:
    """The vocabularies of ``contract.toml``, with an evaluator's added codings.

    Parameters
    ----------
    overrides : Overrides, optional
        Its ``[codings.<vocabulary>]`` tables add codings, one line each, the value as sent
        to its canonical value (``"1" = "male"``); values cannot be added or removed.

    Returns
    -------
    Vocabularies

    Raises
    ------
    ReferenceFileError
        When an override names an unknown vocabulary or value, or a coding that already codes
        another value; the message names the file and key.
    """
    overrides = overrides or Overrides()
    raw = read_data("contract.toml")["vocabularies"]
    added = _evaluator_codings(overrides, raw)
    built = {
        name: _vocabulary(name, spec, added.get(name, {}), overrides) for name, spec in raw.items()
    }
    return Vocabularies(built, str(overrides.path or ""))


VOCABULARIES = load_vocabularies()
"""The contract's vocabularies, without overrides."""
