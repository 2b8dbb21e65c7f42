"""Content hashes: of files, and of the package's own source (the code version).

Kept free of heavy imports so that checking whether anything changed stays fast.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["code_fingerprint", "sha256_bytes", "sha256_file"]


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
    """SHA-256 of the package's source files: the code version the results depend on."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
