"""How raw files are written, and which dates are plausible: defaults and declarations.

A file's *locale* says how its values are written: the decimal mark, the thousands separator,
the order of day and month in dates written with slashes, and the cells that mean "missing"
(``NA`` as R and SPSS write it). The defaults are in ``contract.toml`` (``[locale]``); an
evaluator declares otherwise in the overrides file, for every file, the files of one dataset
or one file::

    [locale]                          # every file
    decimal = ","
    [locale.datasets.outcomes]        # the files of one dataset
    thousands = "."
    [locale.files."access_gwent.csv"] # one file (a worksheet: "book.xlsx[Sheet1]" or the book)
    dates = "month-first"

A file's settings are its own, then its dataset's, then ``[locale]``'s, then the defaults.

The window of plausible dates (``[dates]``, by default 2000-01-01 to 2099-12-31) can be
narrowed, never widened.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from nest_eval.reference.contract import DATASET_NAMES
from nest_eval.reference.loader import Overrides, ReferenceFileError, read_data

__all__ = [
    "DATE_ORDERS",
    "DECIMAL_MARKS",
    "DEFAULT_READING",
    "THOUSANDS_SEPARATORS",
    "DateWindow",
    "Locale",
    "Reading",
    "file_name",
    "load_reading",
]

DECIMAL_MARKS = (".", ",")
"""Decimal marks a file may be declared to use."""

THOUSANDS_SEPARATORS = ("", ",", ".", " ", "'")
"""Thousands separators a file may be declared to use (``""``: none declared; ``" "`` also
matches the no-break spaces spreadsheets write)."""

DATE_ORDERS = ("detect", "day-first", "month-first")
"""Orders of day and month in dates written with slashes: ``detect`` reads each file as its
dates show (day-first, the UK convention, when they do not tell)."""


@dataclass(frozen=True)
class Locale:
    """How one file is written.

    Attributes
    ----------
    decimal : str
        The decimal mark (:data:`DECIMAL_MARKS`).
    thousands : str
        The thousands separator declared (:data:`THOUSANDS_SEPARATORS`; ``""``: none declared,
        so a value such as ``1,234`` that could be either is quarantined).
    dates : str
        The order of day and month (:data:`DATE_ORDERS`).
    missing : tuple of str
        Cells read as missing, matched exactly as written (case matters: ``NA`` is missing,
        Welsh ``na`` is no).
    """

    decimal: str
    thousands: str
    dates: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class DateWindow:
    """The plausible dates: a date outside ``[earliest, latest]`` is quarantined."""

    earliest: dt.date
    latest: dt.date

    def __str__(self) -> str:
        return f"{self.earliest.isoformat()} to {self.latest.isoformat()}"


@dataclass(frozen=True)
class Reading:
    """The locales of the raw files and the plausible dates.

    Attributes
    ----------
    default : Locale
        Every file's locale unless declared otherwise.
    datasets, files : Mapping of str to Mapping
        The settings declared for the files of a dataset, and for one file, by name.
    window : DateWindow
        The plausible dates.
    declared : bool
        Whether an evaluator declared anything (locale or window).
    """

    default: Locale
    window: DateWindow
    datasets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    files: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    declared: bool = False

    def locale(self, dataset: str, source: str) -> Locale:
        """The locale of a file of ``dataset`` (``source``: its name, or ``book.xlsx[sheet]``).

        Examples
        --------
        >>> DEFAULT_READING.locale("outcomes", "outcomes.csv").decimal
        '.'
        """
        settings = {f.name: getattr(self.default, f.name) for f in fields(Locale)}
        settings.update(self.datasets.get(dataset, {}))
        settings.update(self.files.get(file_name(source), {}))
        settings.update(self.files.get(source, {}))
        return Locale(**settings)


def file_name(source: str) -> str:
    """The file of a source: ``book.xlsx`` of ``book.xlsx[Sheet1]``; a file name unchanged.

    >>> file_name("outcomes_gwent.xlsx[2025]")
    'outcomes_gwent.xlsx'
    """
    found = re.fullmatch(r"(.+\.xlsx)\[[^\]]*\]", source, flags=re.IGNORECASE)
    return found.group(1) if found else source


def _checked(settings: dict[str, Any], fault: Any, where: str) -> dict[str, Any]:
    """Locale settings with every name and value checked; ``fault`` builds the error."""
    allowed = {f.name for f in fields(Locale)}
    for name in settings:
        if name not in allowed:
            raise fault(f"{where}.{name}", f"unknown setting; a locale sets {', '.join(allowed)}")
    choices = {"decimal": DECIMAL_MARKS, "thousands": THOUSANDS_SEPARATORS, "dates": DATE_ORDERS}
    for name, options in choices.items():
        if name in settings and settings[name] not in options:
            raise fault(f"{where}.{name}", f"{settings[name]!r} is not one of {options}")
    checked = dict(settings)
    if "missing" in settings:
        missing = settings["missing"]
        if not isinstance(missing, list) or not all(isinstance(m, str) and m for m in missing):
            raise fault(f"{where}.missing", 'expected a list of text, e.g. ["NA", "N/A"]')
        checked["missing"] = tuple(missing)
    return checked


def _date(value: Any, fault: Any, where: str) -> dt.date:
    """A TOML date (or ISO text) as a date; ``fault`` builds the error."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise fault(where, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _window(spec: dict[str, Any], within: DateWindow | None, fault: Any) -> DateWindow:
    """The window of plausible dates of ``spec``, narrower than ``within`` when given."""
    unknown = sorted(set(spec) - {"earliest", "latest"})
    if unknown:
        raise fault(f"dates.{unknown[0]}", "unknown setting; [dates] sets earliest, latest")
    earliest = _date(spec.get("earliest", within and within.earliest), fault, "dates.earliest")
    latest = _date(spec.get("latest", within and within.latest), fault, "dates.latest")
    if earliest > latest:
        raise fault("dates", f"earliest {earliest} is after latest {latest}")
    if within is not None and (earliest < within.earliest or latest > within.latest):
        raise fault("dates", f"the window can be narrowed within {within}, not widened")
    return DateWindow(earliest, latest)


def _contract_fault(where: str, message: str) -> ReferenceFileError:
    return ReferenceFileError(f"contract.toml: {where}: {message}")


def _defaults() -> tuple[Locale, DateWindow]:
    """The contract's default locale and window of plausible dates."""
    contract = read_data("contract.toml")
    settings = _checked(contract["locale"], _contract_fault, "locale")
    return Locale(**settings), _window(contract["dates"], None, _contract_fault)


def _scopes(overrides: Overrides, kind: str, tables: Any) -> dict[str, Mapping[str, Any]]:
    """The declared settings of each dataset or file (``kind``) of ``[locale.<kind>]``."""
    if not isinstance(tables, dict):
        raise overrides.error(f"locale.{kind}", "expected a table per name")
    scopes = {}
    for name, settings in tables.items():
        if kind == "datasets" and name not in DATASET_NAMES:
            raise overrides.error(
                f"locale.datasets.{name}", f"not a dataset; known: {', '.join(DATASET_NAMES)}"
            )
        if not isinstance(settings, dict):
            raise overrides.error(f"locale.{kind}.{name}", "expected a table of settings")
        where = f"locale.{kind}.{name}"
        scopes[name] = MappingProxyType(_checked(settings, overrides.error, where))
    return scopes


def load_reading(overrides: Overrides | None = None) -> Reading:
    """The contract's locale and window of plausible dates, with an evaluator's declarations.

    Parameters
    ----------
    overrides : Overrides, optional
        Its ``[locale]`` table (settings for every file, ``datasets.<name>`` and
        ``files."<name>"`` tables for some) and its ``[dates]`` table (a narrower window).

    Returns
    -------
    Reading

    Raises
    ------
    ReferenceFileError
        When a setting is unknown or takes a value it cannot; the message names the file and
        key.
    """
    default, window = _defaults()
    overrides = overrides or Overrides()
    locale = dict(overrides.section("locale"))
    datasets = _scopes(overrides, "datasets", locale.pop("datasets", {}))
    files = _scopes(overrides, "files", locale.pop("files", {}))
    settings = {f.name: getattr(default, f.name) for f in fields(Locale)}
    settings.update(_checked(locale, overrides.error, "locale"))
    dates = overrides.section("dates")
    if dates:
        window = _window(dates, window, overrides.error)
    reading = Reading(
        Locale(**settings), window, datasets, files, bool(locale or datasets or files or dates)
    )
    _check_separators(reading, overrides)
    return reading


def _check_separators(reading: Reading, overrides: Overrides) -> None:
    """Refuse a declaration whose thousands separator is its decimal mark."""
    for dataset in DATASET_NAMES:
        for source in ("", *reading.files):
            locale = reading.locale(dataset, source)
            if locale.thousands == locale.decimal:
                where = f"locale.files.{source}" if source else f"locale (dataset {dataset})"
                raise overrides.error(
                    where, f"the thousands separator cannot be the decimal mark {locale.decimal!r}"
                )


_DEFAULT_LOCALE, _DEFAULT_WINDOW = _defaults()

DEFAULT_READING = Reading(_DEFAULT_LOCALE, _DEFAULT_WINDOW)
"""The contract's locale and plausible dates, with nothing declared."""
