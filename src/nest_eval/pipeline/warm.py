"""What a notebook kernel needs, imported once by the fork server kernels are forked from.

Importing this module is its purpose (:data:`nest_eval.pipeline.kernels.PRELOAD`): the kernel
machinery (``ipykernel``), the report's libraries and the workbench's reporting layer, and the
fonts figures are drawn with, loaded once so that every kernel forked afterwards starts with
them. Matplotlib's backend is chosen as a kernel's would be (the inline backend), before
matplotlib is imported.

Last, every object made so far is moved out of the garbage collector's reach
(:func:`gc.freeze`): the modules live as long as the process, so the collector would find
nothing among them, yet a full collection in a forked kernel walked all of them (about 180,000
objects, 0.09 s a time) and wrote to each one's header, copying the server's memory page by
page into every kernel. Any other process importing this module (a test session collecting
doctests) has its objects of that moment frozen too.
"""

from __future__ import annotations

import gc
import io
import os

os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
# The debugger's check for frozen modules, which ipykernel's own kernel specification turns off
# the same way for an interpreter that has them; otherwise it warns on this process's stderr.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import ipykernel.ipkernel
import ipykernel.kernelapp  # noqa: F401
from matplotlib.figure import Figure

import nest_eval.reporting.report  # noqa: F401
from nest_eval.domains.forked import import_available
from nest_eval.reporting.figures.render import style

KERNEL_IMPORTS = (
    "faulthandler",
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.logger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "IPython.utils.wildcard",
    "psutil",
    "sqlite3",
    "tornado.platform.asyncio",
    "tornado.queues",
    "pandas.core.methods.to_dict",
    "pyarrow.pandas_compat",
)
"""What a kernel imports as it starts, or as it shows its first table, not when ``ipykernel``
is imported: imported here, so that no forked kernel imports them again. A module missing from
the environment (these come with ``ipykernel`` and ``pandas``) is left to the kernel."""


def _load_fonts() -> None:
    """Draw one figure with text, so the fonts are found and opened once, here."""
    with style():
        figure = Figure()
        axes = figure.add_subplot()
        axes.set_title("Wales", fontweight="bold")
        axes.text(0.5, 0.5, "Cymru 0123456789%")
        figure.savefig(io.BytesIO(), format="svg")


import_available(KERNEL_IMPORTS)
_load_fonts()
gc.collect()  # what the imports left as garbage is freed, not frozen
gc.freeze()
