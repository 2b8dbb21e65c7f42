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
