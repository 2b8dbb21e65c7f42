"""One loader for the reference data: the package's data files and an evaluator's overrides.

The reference data (the data contract and its vocabularies, the RPBs and their aliases, the NEST
framework's parts, the recommendations, the measures catalogue, the indicators and the SWEMWBS
conversion table) lives in TOML and CSV files in ``nest_eval/reference/data/``, so a
statistician or translator corrects a file, not code. :func:`read_data` reads one of them.

An evaluator's overrides come in one TOML file (:data:`OVERRIDABLE`): ``[measures.<key>]`` of
the shape of ``measures.toml``; ``[codings.<vocabulary>]``, one line per coding as sent
(``"1" = "male"``); ``[locale]`` and ``[dates]`` of the shape of ``contract.toml``'s.
:func:`read_overrides` reads it and checks that it names only what may be overridden. Each
reference module merges its own part through the same schema it reads its defaults with.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "OVERRIDABLE",
    "Overrides",
    "ReferenceFileError",
    "data_text",
    "read_csv",
    "read_data",
    "read_overrides",
]

OVERRIDABLE: dict[str, str] = {
    "measures": "figures of the measures catalogue (measures.toml)",
    "codings": 'further codings of the contract\'s vocabularies ([codings.sex] "1" = "male")',
    "locale": "how the raw files are written: decimal mark, thousands separator, date order, "
    "missing-value markers (contract.toml [locale]), for all files, a dataset or a file",
    "dates": "a narrower window of plausible dates (contract.toml [dates])",
}
"""Top-level tables an overrides file may hold, and what each overrides."""

_WRITTEN_NOW: dict[str, str] = {
    "vocabularies": 'codings are added as [codings.<vocabulary>], one line each: "1" = "male"',
}
"""Tables an overrides file no longer holds, with how to write what they said."""


class ReferenceFileError(ValueError):
    """A reference or overrides file that cannot be read, named with the place of the fault."""


def data_text(name: str) -> str:
    """The text of a data file of the package (``nest_eval/reference/data/<name>``)."""
    return resources.files("nest_eval.reference").joinpath("data", name).read_text("utf-8")


def read_data(name: str) -> dict[str, Any]:
    """Read a TOML data file of the package.

    Parameters
    ----------
    name : str
        File name under ``nest_eval/reference/data/``, e.g. ``"measures.toml"``.

    Returns
    -------
    dict
        The parsed TOML.
    """
    try:
        return tomllib.loads(data_text(name))
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceFileError(f"reference data {name}: not valid TOML: {exc}") from None


def read_csv(name: str) -> list[dict[str, str]]:
    """Read a CSV data file of the package as a list of rows (column name to text)."""
    return list(csv.DictReader(io.StringIO(data_text(name))))


@dataclass(frozen=True)
class Overrides:
    """An evaluator's overrides of the reference data, read from one TOML file.

    Attributes
    ----------
    path : pathlib.Path or None
        The file; None when there are no overrides.
    tables : dict
        Its top-level tables, each one of :data:`OVERRIDABLE`.
    """

    path: Path | None = None
    tables: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        """The file's table ``name`` (empty when absent)."""
        return self.tables.get(name, {})

    def error(self, where: str, message: str) -> ReferenceFileError:
        """An error naming the file and the key at fault."""
        return ReferenceFileError(f"{self.path}: {where}: {message}")


def read_overrides(path: str | Path | None) -> Overrides:
    """Read an evaluator's overrides file (None: no overrides).

    Parameters
    ----------
    path : str, pathlib.Path or None
        A TOML file whose top-level tables are among :data:`OVERRIDABLE`.

    Returns
    -------
    Overrides

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    ReferenceFileError
        When it is not valid TOML, or holds a table that cannot be overridden.
    """
    if path is None:
        return Overrides()
    file = Path(path)
    with file.open("rb") as handle:
        try:
            tables = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ReferenceFileError(f"{file}: not valid TOML: {exc}") from None
    overrides = Overrides(file, tables)
    for name, table in tables.items():
        if name in _WRITTEN_NOW:
            raise overrides.error(name, _WRITTEN_NOW[name])
        if name not in OVERRIDABLE:
            known = "; ".join(f"[{k}]: {v}" for k, v in OVERRIDABLE.items())
            raise overrides.error(name, f"cannot be overridden; an overrides file holds {known}")
        if not isinstance(table, dict):
            raise overrides.error(name, "expected a table")
    return overrides
