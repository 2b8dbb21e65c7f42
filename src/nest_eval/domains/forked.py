"""Part of the year's computation in a forked child process, on the processor the rest leaves.

The year's tables are computed one after another in one process
(:func:`nest_eval.domains.year.compute_year`), but some rest only on what is built first (the
breakdowns on the intermediates) and on nothing the others compute. :func:`started` forks a
child that computes one of them while the parent goes on with the rest; the child sends its
result back pickled through a pipe and ends. The child is a copy of the parent at the fork, so
its result is the one the parent would have computed, value for value.

Forking is for a process that runs nothing else at the same time (the pipeline's own process);
a notebook computing its own results does not ask for it. Without ``os.fork`` (Windows) the
work is done in this process.
"""

from __future__ import annotations

import os
import pickle
import traceback
from collections.abc import Callable
from typing import TypeVar

__all__ = ["started"]

T = TypeVar("T")


def started(work: Callable[[], T], fork: bool = True) -> Callable[[], T]:
    """Start ``work`` in a forked child; returns a function that waits for its result.

    Parameters
    ----------
    work : callable
        Computes a picklable result from what this process holds now.
    fork : bool, default True
        False: compute it here, now.

    Returns
    -------
    callable
        Returns the result (once; call it in every case, so that the child is waited for), or
        raises what ``work`` raised.
    """
    if not fork or not hasattr(os, "fork"):
        value = work()
        return lambda: value
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's lines run in the child only
        _run_in_child(work, read_end, write_end)
    os.close(write_end)

    def result() -> T:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(child, 0)
        if not payload:
            raise RuntimeError("the forked computation ended without a result")
        done, value = pickle.loads(payload)
        if not done:
            raise value
        return value  # type: ignore[no-any-return]

    return result


def _run_in_child(work: Callable[[], object], read_end: int, write_end: int) -> None:
    """Compute, send ``(True, result)`` or ``(False, exception)`` back, and end at once.

    ``os._exit`` ends the child without the parent's exit handlers (its worker pool, its
    files): they are the parent's to run.
    """
    try:
        os.close(read_end)
        try:
            payload = pickle.dumps((True, work()), protocol=5)
        except BaseException as exc:  # every failure goes back to the parent
            payload = _failure(exc)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)


def _failure(exc: BaseException) -> bytes:
    """The exception pickled with its traceback as a note; a RuntimeError if it cannot be."""
    where = "".join(traceback.format_exception(exc))
    exc.add_note(f"raised in the forked computation:\n{where}")
    try:
        return pickle.dumps((False, exc), protocol=5)
    except Exception:  # an exception holding what pickle cannot take
        return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}\n{where}")))
