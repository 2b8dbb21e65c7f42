"""What a notebook worker is, asked from inside it (a module the worker can import by name)."""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from multiprocessing import forkserver
from typing import Any

UNUSED_MODULE = "tabnanny"
"""A module nothing here imports: a worker has it only if it imported it as it started."""


GONE_WITHOUT = "pickletools"
"""An installed module nothing here imports, which a worker is asked to go without."""


def _parent(queue: Any) -> None:
    queue.put(os.getppid())


def worker_state() -> dict[str, Any]:
    """What a worker is: its priority, parent, imports and environment, and its kernels' parent."""
    try:
        importlib.import_module(GONE_WITHOUT)
    except ImportError:
        missing = True
    else:
        missing = False
    context = multiprocessing.get_context("forkserver")
    queue = context.SimpleQueue()
    child = context.Process(target=_parent, args=(queue,))
    child.start()
    child.join()
    return {
        "niceness": os.nice(0),
        "parent": os.getppid(),
        "imported": UNUSED_MODULE in sys.modules,
        "missing": missing,
        "probe": os.environ.get("NEST_EVAL_PROBE"),
        "child's parent": queue.get(),
        "server started here": forkserver._forkserver._forkserver_pid is not None,
    }


def _imported(queue: Any, module: str) -> None:
    queue.put(module in sys.modules)


def parent_of_a_forked_process() -> int:
    """The parent of a process this process starts from its fork server."""
    context = multiprocessing.get_context("forkserver")
    queue = context.SimpleQueue()
    child = context.Process(target=_parent, args=(queue,))
    child.start()
    child.join()
    return int(queue.get())


def forked_process_has(module: str) -> bool:
    """Whether a process this process starts from its fork server has ``module`` as it starts."""
    context = multiprocessing.get_context("forkserver")
    queue = context.SimpleQueue()
    child = context.Process(target=_imported, args=(queue, module))
    child.start()
    child.join()
    return bool(queue.get())
