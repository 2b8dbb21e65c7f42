"""Breakdowns that serve equity: the dimensions each domain is broken down by, and their groups.

Read from ``nest_eval/reference/data/breakdowns.toml``: the age bands (defined once, there), the
dimensions (age band, sex, WIMD quintile, language of response, route and service of a request)
with the contract's column each reads, and the dimensions of each domain. Keys only: the labels
are in the message catalogue (``dimension.<key>``, ``age_band.<key>``,
``wimd_quintile.<value>``, ``group.not_recorded``, ``group.other``).

Sources
-------
- Age bands 16–17 and 18–25: T4CYP Programme, *Legacy Report* (October 2022), recommendation J
  (services for 18–25 year olds; a national approach to transition).
- WIMD quintiles: Welsh Government, *Welsh Index of Multiple Deprivation* (1 = most deprived).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from nest_eval.reference.codings import VOCABULARIES
from nest_eval.reference.loader import ReferenceFileError, read_data

__all__ = [
    "AGE_BANDS",
    "DIMENSIONS",
    "DOMAIN_DIMENSIONS",
    "KINDS",
    "NOT_RECORDED",
    "OTHER",
    "AgeBand",
    "Dimension",
    "age_band",
]

NOT_RECORDED = "not_recorded"
"""The group of the rows whose value is blank (every dimension has it)."""

OTHER = "other"
"""The group pooling the free-text values too rare to be a group of their own."""

KINDS = ("bands", "vocabulary", "levels", "text")
"""Kinds of dimension (``breakdowns.toml``)."""

_AGES = (0, 25)
"""The contract's ages (``contract.toml``: age 0–25), which the bands must cover."""


@dataclass(frozen=True)
class AgeBand:
    """An age band, in completed years.

    Attributes
    ----------
    key : str
        Stable key, e.g. ``"age_16_17"``.
    lowest, highest : int
        The first and last completed year of age in the band.
    """

    key: str
    lowest: int
    highest: int


@dataclass(frozen=True)
class Dimension:
    """A dimension a domain's indicators are broken down by.

    Attributes
    ----------
    key : str
        Stable key, e.g. ``"age_band"``.
    column : str
        The contract's column it reads.
    kind : str
        One of :data:`KINDS`.
    groups : tuple of str
        Its groups in display order, :data:`NOT_RECORDED` last; for ``text``, only
        :data:`OTHER` and :data:`NOT_RECORDED` (the other groups are the values found).
    vocabulary : str or None
        For ``vocabulary``, the contract's vocabulary of its values.
    """

    key: str
    column: str
    kind: str
    groups: tuple[str, ...]
    vocabulary: str | None = None

    def label_key(self, group: str) -> str | None:
        """The message key of a group's label; None for free text (shown as written).

        Examples
        --------
        >>> DIMENSIONS["sex"].label_key("female"), DIMENSIONS["wimd_quintile"].label_key("1")
        ('sex.female', 'wimd_quintile.1')
        >>> DIMENSIONS["route"].label_key("gp") is None, DIMENSIONS["route"].label_key("other")
        (True, 'group.other')
        """
        if group in (NOT_RECORDED, OTHER):
            return f"group.{group}"
        if self.kind == "text":
            return None
        if self.kind == "bands":
            return f"age_band.{group}"
        return f"{self.vocabulary or self.key}.{group}"


def _age_bands(raw: list[dict]) -> tuple[AgeBand, ...]:
    bands = tuple(AgeBand(b["key"], int(b["lowest"]), int(b["highest"])) for b in raw)
    expected = _AGES[0]
    for band in bands:
        if band.lowest != expected or band.highest < band.lowest:
            raise ReferenceFileError(
                f"breakdowns.toml: age band {band.key!r} must start at {expected} "
                "(the bands cover ages 0-25 in order, without gap or overlap)"
            )
        expected = band.highest + 1
    if expected != _AGES[1] + 1:
        raise ReferenceFileError(f"breakdowns.toml: the age bands end at {expected - 1}, not 25")
    return bands


def _groups(key: str, spec: Mapping, bands: tuple[AgeBand, ...]) -> tuple[str, ...]:
    kind = spec["kind"]
    if kind == "bands":
        found: tuple[str, ...] = tuple(b.key for b in bands)
    elif kind == "vocabulary":
        found = VOCABULARIES[spec["vocabulary"]].values
    elif kind == "levels":
        found = tuple(str(int(v)) for v in spec["levels"])
    elif kind == "text":
        found = (OTHER,)
    else:
        raise ReferenceFileError(f"breakdowns.toml: dimensions.{key}: unknown kind {kind!r}")
    return (*found, NOT_RECORDED)


def _load() -> tuple[
    tuple[AgeBand, ...], Mapping[str, Dimension], Mapping[str, tuple[Dimension, ...]]
]:
    raw = read_data("breakdowns.toml")
    bands = _age_bands(raw["age_bands"])
    dimensions = {
        key: Dimension(
            key, spec["column"], spec["kind"], _groups(key, spec, bands), spec.get("vocabulary")
        )
        for key, spec in raw["dimensions"].items()
    }
    domains = {}
    for domain, spec in raw["domains"].items():
        unknown = [d for d in spec["dimensions"] if d not in dimensions]
        if unknown:
            raise ReferenceFileError(f"breakdowns.toml: domains.{domain}: unknown {unknown}")
        domains[domain] = tuple(dimensions[d] for d in spec["dimensions"])
    return bands, MappingProxyType(dimensions), MappingProxyType(domains)


AGE_BANDS, DIMENSIONS, DOMAIN_DIMENSIONS = _load()
"""The age bands in order, the dimensions by key, and each domain's dimensions in order."""


def age_band(age: float) -> str | None:
    """The key of the age band of an age in years (completed years); None outside 0–25.

    Examples
    --------
    >>> age_band(16.9), age_band(18), age_band(4.99)
    ('age_16_17', 'age_18_25', 'age_0_4')
    """
    whole = int(age // 1)
    return next((b.key for b in AGE_BANDS if b.lowest <= whole <= b.highest), None)
