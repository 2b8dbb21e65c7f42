"""How a run reports its progress: a bar on a terminal, plain lines everywhere else.

A run reports events as lines (``ingest: unchanged, skipped``) to a callable. The notebooks,
the long part of a run, are also counted: :func:`steps` gives a counter that, for a
:class:`Bar` reporter (stderr is a terminal), advances a progress bar on stderr with the lines
printed above it, and for any other callable (a log, a pipe, CI, a test's list) passes each
line on unchanged, so what is logged never holds a bar's control characters.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

__all__ = ["Bar", "Lines", "reporter", "steps"]


class Lines:
    """Plain lines, one per event, on a stream (default: standard output)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def __call__(self, line: str) -> None:
        """Report one event."""
        print(line, file=self.stream or sys.stdout, flush=True)


class Bar(Lines):
    """Lines, and a progress bar on stderr while notebooks run (for a terminal)."""

    def start(self, total: int) -> _BarCounter:
        """A counter of ``total`` steps drawn as a bar."""
        return _BarCounter(self, total)


class _LineCounter:
    """Counts steps by passing each step's line on."""

    def __init__(self, progress: Callable[[str], None]) -> None:
        self.progress = progress

    def advance(self, line: str) -> None:
        """One more step done, described by ``line``."""
        self.progress(line)

    def close(self) -> None:
        """No more steps."""


class _BarCounter(_LineCounter):
    def __init__(self, progress: Bar, total: int) -> None:
        from tqdm import tqdm

        super().__init__(progress)
        self.bar = tqdm(
            total=total, unit="notebook", file=sys.stderr, leave=False, mininterval=0, miniters=1
        )

    def advance(self, line: str) -> None:
        self.bar.write(line, file=self.progress.stream or sys.stdout)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def steps(progress: Callable[[str], None], total: int) -> _LineCounter:
    """A counter of ``total`` steps for a run's ``progress``: a bar if it draws one, else lines.

    Parameters
    ----------
    progress : callable
        The run's progress reporter.
    total : int
        How many steps.

    Returns
    -------
    object
        With ``advance(line)`` and ``close()``.
    """
    if isinstance(progress, Bar):
        return progress.start(total)
    return _LineCounter(progress)


def reporter(stream: TextIO | None = None) -> Lines:
    """The reporter for a run: a :class:`Bar` when stderr is a terminal, else :class:`Lines`.

    Parameters
    ----------
    stream : file, optional
        Where the lines go (default standard output).

    Returns
    -------
    Lines
    """
    return Bar(stream) if sys.stderr.isatty() else Lines(stream)
