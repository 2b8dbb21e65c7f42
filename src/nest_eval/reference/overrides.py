"""The reference data in use: the package's defaults with an evaluator's overrides applied.

One overrides file (TOML; see :mod:`nest_eval.reference.loader`) can correct figures of the
measures catalogue, add codings to the contract's vocabularies, declare how the raw files are
written (their locale) and narrow the window of plausible dates. :func:`load_reference` reads it
once; ingest and the statistics receive the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nest_eval.reference.codings import VOCABULARIES, Vocabularies, load_vocabularies
from nest_eval.reference.loader import Overrides, read_overrides
from nest_eval.reference.measures import CATALOGUE, Catalogue, load_catalogue
from nest_eval.reference.reading import DEFAULT_READING, Reading, load_reading

__all__ = ["DEFAULT_REFERENCE", "Reference", "load_reference"]


@dataclass(frozen=True, eq=False)
class Reference:
    """The reference data a run uses.

    Attributes
    ----------
    catalogue : Catalogue
        The measures catalogue, with any overridden figures.
    vocabularies : Vocabularies
        The contract's vocabularies, with any added codings.
    path : pathlib.Path or None
        The overrides file; None for the package's defaults.
    reading : Reading
        How the raw files are written (their locales) and the plausible dates.
    """

    catalogue: Catalogue = CATALOGUE
    vocabularies: Vocabularies = field(default_factory=lambda: VOCABULARIES)
    path: Path | None = None
    reading: Reading = DEFAULT_READING


DEFAULT_REFERENCE = Reference()
"""The package's reference data, without overrides."""


def load_reference(path: str | Path | None = None) -> Reference:
    """The reference data with the overrides of ``path`` applied (None: the defaults).

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    ValueError
        When it holds anything that cannot be overridden, or a bad value; the message names
        the file and key.
    """
    if path is None:
        return DEFAULT_REFERENCE
    overrides = read_overrides(path)
    vocabularies, reading = load_vocabularies(overrides), load_reading(overrides)
    _check_codings_are_read(vocabularies, reading, overrides)
    return Reference(load_catalogue(overrides), vocabularies, overrides.path, reading)


def _check_codings_are_read(
    vocabularies: Vocabularies, reading: Reading, overrides: Overrides
) -> None:
    """Refuse an added coding that every file reads as missing (it would never apply)."""
    for name, vocabulary in vocabularies.items():
        for coding in vocabulary.added:
            if coding in reading.default.missing:
                raise overrides.error(
                    f"codings.{name}.{coding!r}",
                    f"{coding!r} is read as missing ([locale] missing); to read it as a "
                    "coding, leave it out of missing",
                )
