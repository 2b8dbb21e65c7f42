"""Files: content hashes, and writes that appear whole or not at all.

- :func:`sha256_file`, :func:`sha256_bytes`: content hashes;
- :func:`code_fingerprint`: the hash of the package's own source (the code version);
- :func:`atomic_write_bytes` / :func:`atomic_write_text`: a file appears whole or not at all
  (written to a temporary file in the same folder, then renamed), so an interrupted run never
  leaves a half-written file that looks complete;
- :func:`spreadsheet_safe`: a table whose text cells a spreadsheet would run as a formula are
  escaped, for every CSV written for people to open;
- :func:`write_csv`: a deterministic, spreadsheet-safe CSV, written atomically.

Kept free of heavy imports so that checking whether anything changed stays fast.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily: pandas is slow to import
    import pandas as pd

__all__ = [
    "ZIP_TIME",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "code_fingerprint",
    "reproducible_zip",
    "sha256_bytes",
    "sha256_file",
    "spreadsheet_safe",
    "write_csv",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, CSV Injection)."""

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def code_fingerprint() -> str:
    """SHA-256 of the package's files: its code and its reference data (TOML, CSV, catalogues).

    The code version the results depend on; compiled bytecode is left out.
    """
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    files = (p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(files):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def atomic_write(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Write a file so it appears complete or not at all.

    ``write`` receives a temporary path in the target's folder; what it writes is flushed to
    disk and renamed over the target. On any error (or interruption) the temporary file is
    removed and the old target, if any, is left as it was.

    Parameters
    ----------
    path : str or pathlib.Path
        The target file (its folder is created if missing).
    write : callable
        Writes the content to the path it is given.

    Returns
    -------
    pathlib.Path
        The target.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    tmp = Path(name)
    try:
        write(tmp)
        with tmp.open("rb") as written:
            os.fsync(written.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes so the file appears complete or not at all."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: str | Path, text: str) -> Path:
    r"""Write UTF-8 text (``\\n`` line ends) atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _escaped(value: object) -> object:
    """A text value a spreadsheet would run as a formula, with a leading ``'``; others as given."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table whose text cells a spreadsheet would run as a formula are escaped.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading ``'`` (OWASP, *CSV Injection*), so that Excel or LibreOffice shows it as text
    instead of running it. Numbers stay numbers, whether typed (``-1.5``) or written as text
    (``"-1.5"``, a value as given): a plain number runs nothing, and machines still read it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (not modified).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"value": ["=1+1", "-2+3", "-1.5", "Gwent"], "n": [-1, 2, 3, 4]})
    >>> spreadsheet_safe(table).to_dict("list")
    {'value': ["'=1+1", "'-2+3", '-1.5', 'Gwent'], 'n': [-1, 2, 3, 4]}
    """
    safe = frame.copy()
    for column in safe.columns[[dtype.kind in "OSU" for dtype in safe.dtypes]]:
        # cell by cell into an object column: a mapping would infer a dtype, and a column of
        # whole and decimal numbers would come back all floats ("53.0")
        series = safe[column]
        escaped = [_escaped(value) for value in series]
        safe[column] = type(series)(escaped, index=series.index, dtype=object)
    return safe


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    r"""Write a published table as CSV: UTF-8, ``\\n`` line ends, no index, atomically.

    Text cells a spreadsheet would run as a formula are escaped (:func:`spreadsheet_safe`).
    """
    text = spreadsheet_safe(frame).to_csv(index=False, lineterminator="\n")
    return atomic_write_text(path, text)


ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The time every entry of a reproducible archive records (the earliest a zip entry can)."""


def reproducible_zip(archive: bytes, stored: Collection[str] = ()) -> bytes:
    """A zip archive (XLSX, ODS) rewritten so that equal content gives equal bytes.

    Every entry gets the same time (:data:`ZIP_TIME`) and permissions, in the archive's order;
    entries named in ``stored`` are left uncompressed (an ODS file's ``mimetype``).
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            fixed.compress_type = (
                zipfile.ZIP_STORED if entry.filename in stored else zipfile.ZIP_DEFLATED
            )
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(entry.filename))
    return out.getvalue()
