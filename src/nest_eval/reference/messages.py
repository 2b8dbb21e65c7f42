"""The message catalogue: every label the workbench displays, in English and Welsh.

Meaning lives in keys (an indicator's key, a column's name, a vocabulary's canonical value);
the words shown for them live here only, in gettext catalogues a translator corrects with the
usual tools (Poedit, Weblate, ``pybabel``) without touching code:

- ``nest_eval/reference/locale/nest_eval.pot``: the English source. Each entry's context
  (``msgctxt``) is its key, e.g. ``indicator.share_within_28_days``, and its ``msgid`` the
  English label;
- ``nest_eval/reference/locale/cy/LC_MESSAGES/nest_eval.po``: the Welsh translation. An entry
  flagged ``fuzzy`` is a working translation awaiting review by a translator; reports using
  it say so. ``make messages`` merges a changed English source into it (``pybabel update``),
  which flags every entry whose English changed.

Labels are for display only: no code decides anything from a label.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = [
    "HTML_LANG",
    "LANGUAGES",
    "LOCALES",
    "Message",
    "Messages",
    "MissingMessageError",
    "label",
    "load_messages",
    "messages",
    "using",
]

LANGUAGES: tuple[str, ...] = ("en", "cy")
"""Languages of the catalogue: English (the source) and Welsh."""

LOCALES: dict[str, str] = {"en": "en_GB", "cy": "cy_GB"}
"""Each language's Babel locale (numbers and dates are formatted for it)."""

HTML_LANG: dict[str, str] = {"en": "en-GB", "cy": "cy-GB"}
"""Each language's tag in a page's ``lang`` attribute (BCP 47)."""

DOMAIN = "nest_eval"
"""The gettext domain: the catalogues' file name."""


class MissingMessageError(KeyError):
    """A key with no entry in the message catalogue."""


@dataclass(frozen=True)
class Message:
    """One entry of the catalogue.

    Attributes
    ----------
    key : str
        The stable key (the entry's ``msgctxt``).
    english : str
        The English label (the ``msgid``).
    welsh : str
        The Welsh label; empty when untranslated.
    welsh_reviewed : bool
        False while the Welsh is a working translation (flagged ``fuzzy``).
    """

    key: str
    english: str
    welsh: str = ""
    welsh_reviewed: bool = False

    def text(self, lang: str) -> str:
        """The label in ``lang`` (``"en"`` or ``"cy"``); English where Welsh is missing."""
        if lang == "cy" and self.welsh:
            return self.welsh
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
        return self.english


class Messages(Mapping[str, Message]):
    """The catalogue: messages by key."""

    def __init__(self, entries: Mapping[str, Message], source: str = "") -> None:
        self._entries = dict(entries)
        self.source = source

    def __getitem__(self, key: str) -> Message:
        try:
            return self._entries[key]
        except KeyError:
            raise MissingMessageError(
                f"no message {key!r} in the catalogue {self.source}".rstrip()
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def label(self, key: str, lang: str = "en", **values: object) -> str:
        """The label of ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``.

        Examples
        --------
        >>> messages().label("domain.access")
        'Access'
        """
        text = self[key].text(lang)
        return text.format(**values) if values else text

    def awaiting_review(self, lang: str = "cy") -> tuple[str, ...]:
        """Keys whose translation into ``lang`` is missing or not yet reviewed."""
        if lang == "en":
            return ()
        return tuple(k for k, m in self._entries.items() if not (m.welsh and m.welsh_reviewed))

    def rewritten(self, rewrite: Callable[[Message], Message]) -> Messages:
        """A copy with every message passed through ``rewrite``.

        Used to check that no code reads meaning from a label.
        """
        return Messages({k: rewrite(m) for k, m in self._entries.items()}, self.source)


def _read_catalogue(path: Path, locale: str | None):  # -> babel Catalog
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def load_messages(locale_dir: str | Path | None = None) -> Messages:
    """Read the English source and the Welsh translation.

    Parameters
    ----------
    locale_dir : str or pathlib.Path, optional
        A folder laid out as the package's ``locale/`` (``nest_eval.pot`` and
        ``cy/LC_MESSAGES/nest_eval.po``); default the package's own.

    Returns
    -------
    Messages
    """
    folder = (
        Path(locale_dir)
        if locale_dir is not None
        else Path(str(resources.files("nest_eval.reference").joinpath("locale")))
    )
    source = _read_catalogue(folder / f"{DOMAIN}.pot", None)
    welsh = _read_catalogue(folder / "cy" / "LC_MESSAGES" / f"{DOMAIN}.po", "cy")
    translated = {m.context: m for m in welsh if m.id and m.context}
    entries = {}
    for entry in source:
        if not entry.id:
            continue
        if not entry.context:
            raise ValueError(f"{folder}: message {entry.id!r} has no key (msgctxt)")
        cy = translated.get(entry.context)
        same = cy is not None and cy.id == entry.id  # a Welsh entry for an older English
        entries[entry.context] = Message(
            entry.context,
            entry.id,
            cy.string if same and cy.string else "",
            bool(same and "fuzzy" not in cy.flags),
        )
    return Messages(entries, str(folder))


_ACTIVE: list[Messages] = []


@cache
def _package_messages() -> Messages:
    return load_messages()


def messages() -> Messages:
    """The catalogue in use: the package's, or the one given to :func:`using`."""
    return _ACTIVE[-1] if _ACTIVE else _package_messages()


@contextlib.contextmanager
def using(catalogue: Messages) -> Iterator[Messages]:
    """Use another catalogue (a translator's draft, a test's rewrite) inside a ``with`` block."""
    _ACTIVE.append(catalogue)
    try:
        yield catalogue
    finally:
        _ACTIVE.pop()


def label(key: str, lang: str = "en", **values: object) -> str:
    """The label of ``key`` in ``lang`` from the catalogue in use (:meth:`Messages.label`).

    Examples
    --------
    >>> label("rpb.Cardiff and Vale", "cy")
    "Caerdydd a'r Fro"
    """
    return messages().label(key, lang, **values)
