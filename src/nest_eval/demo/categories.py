"""The categories the demo data write, checked against the contract's vocabularies.

The generator defines no list of RPBs, elements, experience items, measures or vocabulary values
of its own: the model file keys its weights by canonical value, and every category it draws or
writes is checked here against the vocabulary of the column it is written to (the contract's
``[vocabularies.*]``, the RPBs and elements of :mod:`nest_eval.reference.vocabulary`, the measures
catalogue). A value that is not one is a :class:`DemoModelError` naming the value and the
vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable

from nest_eval.reference import contract, measures, vocabulary
from nest_eval.reference.codings import VOCABULARIES, UnknownCodingError

__all__ = [
    "CORE_ELEMENTS",
    "FOUNDATIONS",
    "DemoModelError",
    "VocabularyValues",
    "category",
    "check_codings",
    "check_names",
    "column_vocabulary",
]

VocabularyValues = tuple[str, tuple[str, ...]]
"""A vocabulary as the checks use it: its name and its canonical values."""

CORE_ELEMENTS: VocabularyValues = ("core element", vocabulary.element_keys("core"))
"""The core elements, rated in every self-assessment."""

FOUNDATIONS: VocabularyValues = ("foundation", vocabulary.element_keys("foundation"))
"""The NEST foundations, which a self-assessment may rate beside the core elements."""


class DemoModelError(ValueError):
    """A demo model file that cannot be read, or a category not in its column's vocabulary."""


def _column(dataset: str, column: str) -> contract.Column:
    for spec in contract.DATASETS:
        if spec.name == dataset:
            for found in spec.columns:
                if found.name == column:
                    return found
    raise KeyError(f"no column {dataset}.{column} in the contract")


def column_vocabulary(dataset: str, column: str) -> VocabularyValues:
    """The vocabulary of a contract column: its name and its canonical values.

    Parameters
    ----------
    dataset, column : str
        A dataset of the contract and one of its columns of kind ``rpb``, ``element``,
        ``measure``, ``category`` or ``yes_no``.

    Returns
    -------
    tuple of (str, tuple of str)
        The vocabulary's name and its values: RPB names, element keys, measure keys (with the
        raw-input codes), or the values of a vocabulary of ``contract.toml``.

    Raises
    ------
    KeyError
        When the column is not in the contract or has no vocabulary.

    Examples
    --------
    >>> column_vocabulary("outcomes", "sex")
    ('sex', ('female', 'male', 'other', 'unknown'))
    """
    spec = _column(dataset, column)
    if spec.kind == "rpb":
        return "RPB", vocabulary.RPB_NAMES
    if spec.kind == "element":
        return "element", vocabulary.element_keys()
    if spec.kind == "measure":
        return "measure", (*measures.MEASURE_KEYS, *measures.RAW_INPUT_CODES)
    if spec.vocabulary is None:
        raise KeyError(f"column {dataset}.{column} has no vocabulary")
    return spec.vocabulary, VOCABULARIES[spec.vocabulary].values


def _not_a_value(where: str, value: object, of: VocabularyValues) -> DemoModelError:
    name, values = of
    return DemoModelError(
        f"{where}: {value!r} is not a value of the {name} vocabulary ({', '.join(values)})"
    )


def check_names(
    where: str, names: Iterable[object], of: VocabularyValues, complete: bool = False
) -> None:
    """Check that names (keys of a table, or values of a list) are values of a vocabulary.

    Parameters
    ----------
    where : str
        Where the names stand, for the message (e.g. ``"model.toml: outcomes.sex"``).
    names : iterable
        The names given.
    of : tuple of (str, tuple of str)
        The vocabulary, e.g. from :func:`column_vocabulary`.
    complete : bool, default False
        Every value of the vocabulary must be given, too.

    Raises
    ------
    DemoModelError
        Naming the first name that is not a value (or the values missing) and the vocabulary.
    """
    given = list(names)
    for name in given:
        if name not in of[1]:
            raise _not_a_value(where, name, of)
    missing = [value for value in of[1] if value not in given]
    if complete and missing:
        raise DemoModelError(
            f"{where}: no value for {', '.join(missing)} of the {of[0]} vocabulary"
        )


def check_codings(where: str, texts: Iterable[str], dataset: str, column: str) -> None:
    """Check that texts written as given are codings of a column's vocabulary.

    For values deliberately written as a submission might (``Y``, the Welsh ``ie``), which ingest
    resolves to a canonical value.

    Raises
    ------
    DemoModelError
        Naming the first text that is no coding and the vocabulary.
    """
    name, values = column_vocabulary(dataset, column)
    for text in texts:
        try:
            VOCABULARIES[name].resolve(text)
        except UnknownCodingError:
            raise DemoModelError(
                f"{where}: {text!r} is not a coding of the {name} vocabulary (values "
                f"{', '.join(values)}, or a coding of one in contract.toml)"
            ) from None


def category(dataset: str, column: str, value: str) -> str:
    """A canonical value the generator writes into a column, checked against its vocabulary.

    Parameters
    ----------
    dataset, column : str
        The contract column written.
    value : str
        The value.

    Returns
    -------
    str
        ``value``.

    Raises
    ------
    DemoModelError
        When ``value`` is not a value of the column's vocabulary.

    Examples
    --------
    >>> category("access", "outcome", "waiting")
    'waiting'
    """
    check_names(f"{dataset}.{column}", [value], column_vocabulary(dataset, column))
    return value
