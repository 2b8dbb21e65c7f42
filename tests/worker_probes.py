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


def _imported(queue: Any, module: str) -> None:
    queue.put(module in sys.modules)


def _asked_of_a_forked_process(probe: Any, *args: Any) -> Any:
    """What ``probe`` puts on its queue in a process this process starts from its fork server."""
    context = multiprocessing.get_context("forkserver")
    queue = context.SimpleQueue()
    child = context.Process(target=probe, args=(queue, *args))
    child.start()
    child.join()
    return queue.get()


def parent_of_a_forked_process() -> int:
    """The parent of a process this process starts from its fork server."""
    return int(_asked_of_a_forked_process(_parent))


def forked_process_has(module: str) -> bool:
    """Whether a process this process starts from its fork server has ``module`` as it starts."""
    return bool(_asked_of_a_forked_process(_imported, module))


def worker_state() -> dict[str, Any]:
    """What a worker is: its priority, parent, imports and environment, and its kernels' parent."""
    try:
        importlib.import_module(GONE_WITHOUT)
    except ImportError:
        missing = True
    else:
        missing = False
    return {
        "niceness": os.nice(0),
        "parent": os.getppid(),
        "imported": UNUSED_MODULE in sys.modules,
        "missing": missing,
        "probe": os.environ.get("NEST_EVAL_PROBE"),
        "child's parent": parent_of_a_forked_process(),
        "server started here": forkserver._forkserver._forkserver_pid is not None,
    }
