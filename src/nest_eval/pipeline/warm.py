"""What a notebook kernel needs, imported once by the fork server kernels are forked from.

Importing this module is its purpose (:data:`nest_eval.pipeline.kernels.PRELOAD`): the kernel
machinery (``ipykernel``), the report's libraries and the workbench's reporting layer, and the
fonts figures are drawn with, loaded once so that every kernel forked afterwards starts with
them. Matplotlib's backend is chosen as a kernel's would be (the inline backend), before
matplotlib is imported.
"""

from __future__ import annotations

import io
import os

os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")

import ipykernel.ipkernel
import ipykernel.kernelapp  # noqa: F401
from matplotlib.figure import Figure

import nest_eval.reporting.report  # noqa: F401
from nest_eval.reporting.figures.render import style


def _load_fonts() -> None:
    """Draw one figure with text, so the fonts are found and opened once, here."""
    with style():
        figure = Figure()
        axes = figure.add_subplot()
        axes.set_title("Wales", fontweight="bold")
        axes.text(0.5, 0.5, "Cymru 0123456789%")
        figure.savefig(io.BytesIO(), format="svg")


_load_fonts()
