"""How a published change reads in a headline: improved, worsened, or why it cannot be said.

A headline calls a change *improved* or *worsened* only where its 95% interval excludes no
change, reading the direction from the row's ``better``. Everything else is said as it is:

- ``no_clear_change``: the interval includes no change;
- ``no_interval``: the change has no interval (journey ratings, a census of self-ratings;
  medians and counts), so the data cannot tell it from no change;
- ``not_comparable``: there is no change (a value missing in one of the two years);
- ``suppressed``: the change or its interval is withheld by disclosure control, so the reading
  is withheld with it.

A reading is taken from a disclosure-controlled row, so it never rests on a withheld value.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from nest_eval.reporting.labels import value_label

__all__ = ["READINGS", "reading", "reading_label"]

READINGS = (
    "improved",
    "worsened",
    "no_clear_change",
    "no_interval",
    "not_comparable",
    "suppressed",
)
"""Every reading of a change, in the order headlines show them (labels ``reading.<key>``)."""


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def reading(row: Mapping[str, object]) -> str:
    """How one row of the distance-travelled table reads (a key of :data:`READINGS`).

    Parameters
    ----------
    row : mapping
        A disclosure-controlled row: ``change``, ``ci_low``, ``ci_high`` (numbers, missing,
        or the run's shorthand where suppressed) and ``better`` (``higher`` or ``lower``).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When an interval excludes no change but ``better`` gives no direction.

    Examples
    --------
    >>> reading({"change": 0.14, "ci_low": 0.08, "ci_high": 0.20, "better": "higher"})
    'improved'
    >>> reading({"change": -3.0, "ci_low": None, "ci_high": None, "better": "lower"})
    'no_interval'
    >>> reading({"change": 0.05, "ci_low": "c", "ci_high": "c", "better": "higher"})
    'suppressed'
    """
    values = [row.get(c) for c in ("change", "ci_low", "ci_high")]
    if any(isinstance(v, str) for v in values):
        return "suppressed"
    change, low, high = values
    if _missing(change):
        return "not_comparable"
    if _missing(low) or _missing(high):
        return "no_interval"
    low, high = float(low), float(high)  # type: ignore[arg-type]
    if low <= 0 <= high:
        return "no_clear_change"
    better = row.get("better")
    if better not in ("higher", "lower"):
        raise ValueError(f"an interval excludes no change but better is {better!r}")
    up = low > 0
    return "improved" if up == (better == "higher") else "worsened"


def reading_label(row: Mapping[str, object], lang: str = "en") -> str:
    """How one row reads, in words of ``lang`` (message ``reading.<key>``, :func:`reading`).

    Examples
    --------
    >>> row = {"change": -0.2, "ci_low": -0.3, "ci_high": -0.1, "better": "lower"}
    >>> reading_label(row), reading_label(row, "cy")
    ('Improved', 'Wedi gwella')
    """
    return value_label("reading", reading(row), lang)
