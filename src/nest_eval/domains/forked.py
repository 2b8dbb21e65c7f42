"""Part of the year's computation in a forked child process, on the processor the rest leaves.

The year's tables are computed one after another in one process
(:func:`nest_eval.domains.year.compute_year`), but some rest only on what is built first (the
breakdowns on the intermediates) and on nothing the others compute. :func:`started` forks a
child that computes one of them while the parent goes on with the rest; the child writes its
result pickled to an unnamed temporary file and ends, giving back its memory at once. The child
is a copy of the parent at the fork, so its result is the one the parent would have computed,
value for value.

Forking is for a process that runs nothing else at the same time (the pipeline's own process);
a notebook computing its own results does not ask for it. Without ``os.fork`` (Windows) the
work is done in this process.

:func:`prepared` forks a child before the work is known: it imports what the work will need
while this process does something else (the pipeline ingests the data meanwhile), then waits
for the work, sent pickled, and sends its result back the same way.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
import traceback
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import BinaryIO, TypeVar

__all__ = ["Prepared", "import_available", "prepared", "started"]

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
        Returns the result, or raises what ``work`` raised: the child is waited for at the
        first call (make one in every case), and later calls give the same outcome again.
    """
    if not fork or not hasattr(os, "fork"):
        value = work()
        return lambda: value
    written = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the waiter
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's lines run in the child only
        _run_in_child(work, written.fileno())
    return _waiter(child, written)


def _waiter(child: int, written: BinaryIO) -> Callable[[], T]:
    """A function waiting for a child's outcome once, then giving that outcome every call.

    The child writes its outcome to a file, not a pipe, so that it ends as soon as it is done
    and gives back its memory, however long this process takes to ask for the outcome.
    """
    outcome: list[tuple[bool, object]] = []

    def wait() -> T:
        if not outcome:
            try:
                os.waitpid(child, 0)
                with written:
                    written.seek(0)
                    outcome.append((True, _outcome(written.read())))
            except BaseException as exc:
                outcome.append((False, exc))
        done, value = outcome[0]
        if not done:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]

    return wait


def _result(child: int, read_end: int) -> T:
    """Read a child's pickled outcome to the end, wait for the child, and return or raise it."""
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    os.waitpid(child, 0)
    return _outcome(payload)


def _outcome(payload: bytes) -> T:
    """A child's pickled outcome: its result, or what it raised, raised."""
    if not payload:
        raise RuntimeError("the forked computation ended without a result")
    done, value = pickle.loads(payload)
    if not done:
        raise value
    return value  # type: ignore[no-any-return]


class Prepared:
    """A forked child that has imported what some work needs, waiting to be given the work.

    Made by :func:`prepared`. Call :meth:`run` once, or :meth:`close` to let the child end
    unused; both wait for the child.
    """

    def __init__(self, child: int | None, work_end: int = -1, result_end: int = -1) -> None:
        self._child = child
        self._work_end = work_end
        self._result_end = result_end

    @property
    def pid(self) -> int | None:
        """The waiting child's process ID (None: no child, or it has been given its work)."""
        return self._child

    def run(self, work: Callable[[], T]) -> T:
        """Send ``work`` (picklable) to the child and return its result, or raise what it raised.

        Without a child (no ``os.fork``, or already used) the work is done in this process.
        """
        if self._child is None:
            return work()
        payload = pickle.dumps(work, protocol=5)  # raising here leaves the child to close()
        child, self._child = self._child, None
        try:
            with os.fdopen(self._work_end, "wb") as pipe:
                pipe.write(payload)
        except BrokenPipeError:
            pass  # the child has ended: its outcome (none) is read below
        return _result(child, self._result_end)

    def close(self) -> None:
        """Let an unused child end, and wait for it (nothing if :meth:`run` was called)."""
        child, self._child = self._child, None
        if child is None:
            return
        os.close(self._work_end)  # the child reads no work, and ends
        os.close(self._result_end)
        os.waitpid(child, 0)


def prepared(
    modules: Sequence[str], then: Callable[[Sequence[int]], object] | None = None
) -> Prepared:
    """Fork a child that imports ``modules`` now, then waits for work (:meth:`Prepared.run`).

    Parameters
    ----------
    modules : sequence of str
        Modules to import in the child, each one that can be; a module missing from the
        environment is left to the work.
    then : callable, optional
        Called in the child once it has imported, before it waits, with the child's own file
        descriptors (which a process it forks then must close).

    Returns
    -------
    Prepared
        The waiting child (without ``os.fork``: a handle that does the work in this process).
    """
    if not hasattr(os, "fork"):
        return Prepared(None)
    work_read, work_write = os.pipe()
    result_read, result_write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's lines run in the child only
        os.close(work_write)
        os.close(result_read)
        _serve(modules, work_read, result_write, then)
    os.close(work_read)
    os.close(result_write)
    return Prepared(child, work_write, result_read)


def import_available(modules: Sequence[str]) -> None:
    """Import each of ``modules`` that the environment has; a missing one is left out.

    For a process readied to be forked from, or to work: what it will need, imported now.
    """
    for module in modules:
        try:
            import_module(module)
        except ImportError:
            continue


def _serve(
    modules: Sequence[str], work_end: int, result_end: int,
    then: Callable[[Sequence[int]], object] | None,
) -> None:  # pragma: no cover  # fmt: skip
    """The prepared child: import, call ``then``, read the work (none: end), do it, and end."""
    try:
        import_available(modules)
        gc.freeze()  # what is imported lives on: no collection need walk it again
        if then is not None:
            then((work_end, result_end))
        with os.fdopen(work_end, "rb") as pipe:
            payload = pipe.read()
        if payload:
            _run_in_child(lambda: pickle.loads(payload)(), result_end)
    finally:
        os._exit(0)


def _run_in_child(work: Callable[[], object], write_end: int) -> None:
    """Compute, send ``(True, result)`` or ``(False, exception)`` back, and end at once.

    ``os._exit`` ends the child without the parent's exit handlers (its worker pool, its
    files): they are the parent's to run.
    """
    try:
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
