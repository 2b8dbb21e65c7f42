"""The vocabularies of the contract's categorical columns: canonical values and accepted codings.

Each vocabulary (sex, respondent, respondent type, access outcome, organisation type, language,
self-assessment level, yes/no) is defined once, in ``contract.toml`` beside the columns that use
it, and read by ingest (to resolve what RPBs send), the demo generator (to write canonical
values), the data dictionary (to document the codings) and the statistics (which compare
canonical values only). An evaluator adds codings through an overrides file of the same shape
(:func:`load_vocabularies`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from nest_eval.reference.loader import Overrides, read_data

__all__ = [
    "VOCABULARIES",
    "UnknownCodingError",
    "Vocabularies",
    "Vocabulary",
    "fold_coding",
    "load_vocabularies",
]


class UnknownCodingError(ValueError):
    """A value that is no coding of its vocabulary."""


def fold_coding(text: object) -> str:
    """Fold a coding for matching: case, surrounding spaces, and ``-``, ``/``, ``_``, spaces alike.

    Examples
    --------
    >>> fold_coding(" Parent/Carer ")
    'parent carer'
    >>> fold_coding("young_person")
    'young person'
    """
    return re.sub(r"[\s\-/_]+", " ", str(text).strip().lower()).strip()


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
    """

    name: str
    values: tuple[str, ...]
    codings: Mapping[str, str]

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
        """Canonical values of a column of codings; missing where a value is no coding."""
        folded = given.astype("string").str.strip().str.lower()
        folded = folded.str.replace(r"[\s\-/_]+", " ", regex=True).str.strip()
        return folded.map(self.codings, na_action="ignore").astype("string")

    def codings_of(self, value: str) -> tuple[str, ...]:
        """The codings accepted for a canonical value, other than the value itself."""
        own = fold_coding(value)
        return tuple(c for c, v in self.codings.items() if v == value and c != own)


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


def _vocabulary(name: str, spec: dict[str, Any], where: str) -> Vocabulary:
    values = tuple(spec["values"])
    codings: dict[str, str] = {}
    for value in values:
        codings[fold_coding(value)] = value
    for value, given in spec.get("codings", {}).items():
        if value not in values:
            raise ValueError(
                f"{where}.codings.{value}: not a value of {name} ({', '.join(values)})"
            )
        for coding in given:
            folded = fold_coding(coding)
            if codings.get(folded, value) != value:
                raise ValueError(
                    f"{where}.codings: {coding!r} codes both {codings[folded]} and {value}"
                )
            codings[folded] = value
    return Vocabulary(name, values, MappingProxyType(codings))


def _merged(spec: dict[str, Any], extra: dict[str, Any], overrides: Overrides, name: str):
    unknown = sorted(set(extra) - {"codings"})
    if unknown:
        raise overrides.error(f"vocabularies.{name}", f"only codings can be added, not {unknown}")
    codings = {v: list(c) for v, c in spec.get("codings", {}).items()}
    for value, given in extra.get("codings", {}).items():
        if not isinstance(given, list) or not all(isinstance(g, str) for g in given):
            raise overrides.error(f"vocabularies.{name}.codings.{value}", "expected a list of text")
        codings.setdefault(value, []).extend(given)
    return {**spec, "codings": codings}


def load_vocabularies(overrides: Overrides | None = None) -> Vocabularies:
    """The vocabularies of ``contract.toml``, with an evaluator's added codings.

    Parameters
    ----------
    overrides : Overrides, optional
        Its ``[vocabularies.<name>.codings]`` tables add codings (``male = ["1"]``); values
        cannot be added or removed.

    Returns
    -------
    Vocabularies

    Raises
    ------
    ValueError
        When an override names an unknown vocabulary or value, or a coding that already codes
        another value; the message names the file and key.
    """
    overrides = overrides or Overrides()
    raw = read_data("contract.toml")["vocabularies"]
    extra = overrides.section("vocabularies")
    for name in extra:
        if name not in raw:
            raise overrides.error(
                f"vocabularies.{name}", f"unknown vocabulary; known: {', '.join(raw)}"
            )
    built = {}
    for name, spec in raw.items():
        where = f"contract.toml: vocabularies.{name}"
        if name in extra:
            spec = _merged(spec, extra[name], overrides, name)
            where = f"{overrides.path}: vocabularies.{name}"
        built[name] = _vocabulary(name, spec, where)
    return Vocabularies(built, str(overrides.path or ""))


VOCABULARIES = load_vocabularies()
"""The contract's vocabularies, without overrides."""
