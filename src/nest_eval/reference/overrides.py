"""The reference data in use: the package's defaults with an evaluator's overrides applied.

One overrides file (TOML, the shape of the package's data files; see
:mod:`nest_eval.reference.loader`) can correct figures of the measures catalogue and add codings
to the contract's vocabularies. :func:`load_reference` reads it once; ingest and the statistics
receive the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nest_eval.reference.codings import VOCABULARIES, Vocabularies, load_vocabularies
from nest_eval.reference.loader import read_overrides
from nest_eval.reference.measures import CATALOGUE, Catalogue, load_catalogue

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
    """

    catalogue: Catalogue = CATALOGUE
    vocabularies: Vocabularies = field(default_factory=lambda: VOCABULARIES)
    path: Path | None = None


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
    return Reference(load_catalogue(overrides), load_vocabularies(overrides), overrides.path)
