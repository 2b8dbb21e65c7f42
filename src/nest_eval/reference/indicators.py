"""What the published numbers mean: units, indicators and table columns, by stable key.

Read from ``nest_eval/reference/data/indicators.toml``. Disclosure control, formatting,
figures, headlines and the recommendations map dispatch on these keys and units, never on a
label; labels come from the message catalogue (:mod:`nest_eval.reference.messages`), under the
keys ``unit.<key>``, ``indicator.<key>`` and ``column.<key>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from nest_eval.reference.loader import ReferenceFileError, read_data

__all__ = [
    "COLUMNS",
    "DIRECTIONS",
    "DISCLOSIVE_COUNTS",
    "INDICATORS",
    "UNITS",
    "ColumnSpec",
    "Indicator",
    "Unit",
    "column",
    "indicator",
    "unit_of",
]

DIRECTIONS = ("higher", "lower", "none", "measure")
"""Which way is better: higher, lower, neither, or the outcome measure's own direction."""

DISCLOSIVE_COUNTS = frozenset({"people", "responses", "requests", "learners"})
"""What a count may count for disclosure control to apply to it: individuals' records."""

_KINDS = (
    "count",
    "share",
    "percent",
    "mean",
    "days",
    "money",
    "level",
    "flag",
    "year",
    "statistic",
    "text",
)


@dataclass(frozen=True)
class Unit:
    """A unit of published values.

    Attributes
    ----------
    key : str
        Stable key, e.g. ``"count_people"``, ``"share"``, ``"days"``.
    kind : str
        ``count``, ``share`` (0–1), ``percent`` (0–100), ``mean``, ``days``, ``money``,
        ``level``, ``flag``, ``year``, ``statistic`` or ``text``.
    counts : str or None
        For counts, what is counted (``people``, ``responses``, ``requests``, ...).
    scale : str or None
        For means, the scale (``journey``, ``agreement``, ``measure``).
    decimals : int
        Decimal places shown in reports.
    """

    key: str
    kind: str
    counts: str | None = None
    scale: str | None = None
    decimals: int = 2

    @property
    def is_disclosive_count(self) -> bool:
        """A count of people, responses, requests or learners: disclosure control applies."""
        return self.kind == "count" and self.counts in DISCLOSIVE_COUNTS

    @property
    def is_share(self) -> bool:
        """A share 0–1 (shown as a percentage; its change in percentage points)."""
        return self.kind == "share"


@dataclass(frozen=True)
class Indicator:
    """A published indicator: a row of ``distance_travelled``, ``access``, ``training``, ...

    or a column of ``enablers`` (partnership indicators, whose key is the column's).

    Attributes
    ----------
    key : str
        Stable key, spelt in full where the indicator is computed.
    domain : str
        ``implementation``, ``outcomes``, ``experiences``, ``access``, ``training`` or
        ``partnership`` (the enablers, one value per RPB's return).
    unit : Unit
        The unit of its value.
    direction : str
        One of :data:`DIRECTIONS`.
    basis : Unit
        The unit of its ``n`` (what the value is based on).
    headline : bool
        Shown in each report's *At a glance*.
    """

    key: str
    domain: str
    unit: Unit
    direction: str
    basis: Unit
    headline: bool = False


@dataclass(frozen=True)
class ColumnSpec:
    """A published table column.

    Attributes
    ----------
    key : str
        The column name.
    unit : Unit
        Its unit; the unit ``indicator`` means the unit of the row's indicator.
    direction : str
        One of :data:`DIRECTIONS`.
    """

    key: str
    unit: Unit
    direction: str


def _direction(where: str, value: str) -> str:
    if value not in DIRECTIONS:
        raise ReferenceFileError(
            f"indicators.toml: {where}: direction {value!r} not in {DIRECTIONS}"
        )
    return value


def _load() -> tuple[Mapping[str, Unit], Mapping[str, Indicator], Mapping[str, ColumnSpec]]:
    raw = read_data("indicators.toml")
    units = {}
    for key, spec in raw["units"].items():
        if spec["kind"] not in _KINDS:
            raise ReferenceFileError(f"indicators.toml: units.{key}: unknown kind {spec['kind']!r}")
        units[key] = Unit(
            key, spec["kind"], spec.get("counts"), spec.get("scale"), spec["decimals"]
        )

    def unit(where: str, key: str) -> Unit:
        if key not in units:
            raise ReferenceFileError(f"indicators.toml: {where}: unknown unit {key!r}")
        return units[key]

    indicators = {
        key: Indicator(
            key,
            spec["domain"],
            unit(f"indicators.{key}", spec["unit"]),
            _direction(f"indicators.{key}", spec["direction"]),
            unit(f"indicators.{key}.basis", spec["basis"]),
            bool(spec.get("headline", False)),
        )
        for key, spec in raw["indicators"].items()
    }
    columns = {
        key: ColumnSpec(
            key,
            unit(f"columns.{key}", spec["unit"]),
            _direction(f"columns.{key}", spec["direction"]),
        )
        for key, spec in raw["columns"].items()
    }
    return (
        MappingProxyType(units),
        MappingProxyType(indicators),
        MappingProxyType(columns),
    )


UNITS, INDICATORS, COLUMNS = _load()
"""The units, indicators and table columns, by key."""


def indicator(key: str) -> Indicator:
    """The indicator ``key``.

    Examples
    --------
    >>> indicator("share_within_28_days").unit.is_share
    True
    """
    try:
        return INDICATORS[key]
    except KeyError:
        raise KeyError(f"{key!r} is not an indicator of indicators.toml") from None


def column(key: str) -> ColumnSpec:
    """The published column ``key``.

    Examples
    --------
    >>> column("n_pairs").unit.is_disclosive_count
    True
    """
    try:
        return COLUMNS[key]
    except KeyError:
        raise KeyError(f"{key!r} is not a column of indicators.toml") from None


def unit_of(column_key: str, indicator_key: str | None = None) -> Unit:
    """The unit of a value: its column's, or its row's indicator's where the column says so.

    Parameters
    ----------
    column_key : str
        The column holding the value.
    indicator_key : str, optional
        The row's indicator, for columns whose unit is ``indicator``.

    Returns
    -------
    Unit

    Examples
    --------
    >>> unit_of("current", "median_wait_days").key
    'days'
    >>> unit_of("n", "share_agreeing").key
    'count_responses'
    """
    spec = column(column_key)
    if spec.unit.key != "indicator":
        return spec.unit
    if indicator_key is None:
        raise ValueError(f"column {column_key!r} takes the unit of its row's indicator")
    found = indicator(indicator_key)
    return found.basis if column_key in ("n", "count", "x") else found.unit
