"""Display labels of keys, in English or Welsh, from the message catalogue.

Every label the reports show is looked up here from a key (an indicator, a column, an RPB, an
element, a measure, a vocabulary value); nothing in the package decides anything from a label.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from nest_eval.reference.breakdowns import DIMENSIONS
from nest_eval.reference.messages import label

__all__ = [
    "OF_COLUMNS",
    "column_label",
    "free_text_label",
    "group_label",
    "indicator_label",
    "row_label",
    "value_label",
]

OF_COLUMNS = ("element", "measure", "respondent", "item", "organisation_type")
"""Columns saying what an indicator of a long table is of (blank where not applicable)."""

_VOCABULARY_OF = {
    "respondent": "respondent",
    "respondent_type": "respondent_type",
    "organisation_type": "organisation_type",
    "sex": "sex",
    "language": "language",
}
_KEYED = {
    "rpb": "rpb",
    "element": "element",
    "measure": "measure",
    "item": "experience_item",
    "domain": "domain",
    "dimension": "dimension",
    "indicator": "indicator",
    "direction": "direction",
    "better": "direction",
    "recommendation": "recommendation",
    "reading": "reading",
}


def _given(value: object) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


def value_label(column: str, value: object, lang: str = "en") -> str:
    """The display label of a key-valued cell (an RPB, element, measure, item, vocabulary value).

    Values of columns without labels (numbers, free text) are shown as given.

    Examples
    --------
    >>> value_label("respondent", "parent")
    'Parent or carer'
    >>> value_label("rpb", "Wales", "cy")
    'Cymru'
    """
    if not _given(value):
        return ""
    if column in _KEYED:
        return label(f"{_KEYED[column]}.{value}", lang)
    if column in _VOCABULARY_OF:
        return label(f"{_VOCABULARY_OF[column]}.{value}", lang)
    return str(value)


def free_text_label(value: str) -> str:
    """A free-text value as a reader sees it: words joined by underscores written apart.

    Free text (the route or service of a request) is shown as the data gives it, except that a
    value written as a code (``social_care``) is shown in words.

    Examples
    --------
    >>> free_text_label("social_care"), free_text_label("Early help")
    ('social care', 'Early help')
    """
    return " ".join(value.replace("_", " ").split())


def group_label(dimension: str, group: str, lang: str = "en") -> str:
    """The label of a group of a breakdown (free text as written, in words).

    Examples
    --------
    >>> group_label("age_band", "age_16_17"), group_label("route", "health_visitor")
    ('16–17', 'health visitor')
    """
    key = DIMENSIONS[dimension].label_key(group)
    return free_text_label(group) if key is None else label(key, lang)


def column_label(column: str, lang: str = "en") -> str:
    """The heading of a published column (message ``column.<key>``)."""
    return label(f"column.{column}", lang)


def indicator_label(
    indicator: str, of: Mapping[str, object] | None = None, lang: str = "en"
) -> str:
    """The label of an indicator, of an element, a measure and respondent, an item, ...

    Parameters
    ----------
    indicator : str
        The indicator's key.
    of : mapping, optional
        What it is of: values of :data:`OF_COLUMNS` (missing values are ignored).
    lang : str
        ``"en"`` or ``"cy"``.

    Examples
    --------
    >>> indicator_label("share_agreeing", {"item": "safe"})
    'Share agreeing: Safe'
    >>> indicator_label("mean_change", {"measure": "GBO", "respondent": "self"})
    'Goal Based Outcomes (Self-report): Mean change, first to last assessment'
    """
    text = label(f"indicator.{indicator}", lang)
    given = {k: v for k, v in (of or {}).items() if k in OF_COLUMNS and _given(v)}
    if "measure" in given:
        return label(
            "pattern.of_measure",
            lang,
            measure=value_label("measure", given["measure"], lang),
            respondent=value_label("respondent", given.get("respondent", "self"), lang),
            indicator=text,
        )
    for column in ("element", "item", "organisation_type"):
        if column in given:
            return label(
                f"pattern.of_{column}",
                lang,
                indicator=text,
                **{column: value_label(column, given[column], lang)},
            )
    return text


def row_label(row: Mapping[str, object], lang: str = "en") -> str:
    """The label of the indicator of one row of a long table (its ``indicator`` and what of)."""
    return indicator_label(str(row["indicator"]), row, lang)
