"""Warm kernels: each notebook in a fresh kernel process, forked from one that has imported."""

from __future__ import annotations

import importlib
import importlib.util
import json
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

import nbformat
import papermill
import pytest
from jupyter_client.manager import AsyncKernelManager

from nest_eval.pipeline.execute import ensure_kernel
from nest_eval.pipeline.kernels import (
    WORKER_NICENESS,
    WarmKernelManager,
    kernel_arguments,
    start_worker,
)

KERNEL = "nest-eval"

PROBE = """\
import json, os, sys
print(json.dumps({
    "pid": os.getpid(),
    "cwd": os.getcwd(),
    "value": os.environ.get("NEST_EVAL_PROBE"),
    "left_over": "left_over" in globals(),
    "warm": "nest_eval.reporting.report" in sys.modules,
    "names": sorted(k for k in globals() if not k.startswith("_")),
}))
left_over = 1
"""


@pytest.fixture(scope="module", autouse=True)
def kernel():
    ensure_kernel(KERNEL)


def _run(tmp_path, name, manager, monkeypatch, value):
    source = tmp_path / "probe.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(PROBE)]
    nbformat.write(nb, source)
    work = tmp_path / name
    work.mkdir()
    monkeypatch.setenv("NEST_EVAL_PROBE", value)
    out = papermill.execute_notebook(
        str(source),
        str(tmp_path / f"{name}.ipynb"),
        kernel_name=KERNEL,
        kernel_manager_class=manager,
        progress_bar=False,
        cwd=str(work),
    )
    return json.loads(out.cells[0].outputs[0]["text"]), work


def test_each_notebook_gets_a_fresh_process_with_its_folder_and_environment(tmp_path, monkeypatch):
    first, work1 = _run(tmp_path, "one", WarmKernelManager, monkeypatch, "first")
    second, work2 = _run(tmp_path, "two", WarmKernelManager, monkeypatch, "second")
    assert first["pid"] != second["pid"]
    assert (first["cwd"], second["cwd"]) == (str(work1), str(work2))
    assert (first["value"], second["value"]) == ("first", "second")
    assert not first["left_over"] and not second["left_over"]
    assert first["warm"] and second["warm"]


def test_a_warm_kernel_starts_with_the_namespace_of_a_usual_one(tmp_path, monkeypatch):
    warm, _ = _run(tmp_path, "warm", WarmKernelManager, monkeypatch, "x")
    usual, _ = _run(tmp_path, "usual", AsyncKernelManager, monkeypatch, "x")
    assert warm["names"] == usual["names"]
    assert not usual["warm"]


def test_only_this_pythons_ipykernel_is_forked():
    assert kernel_arguments([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]) == [
        "-f",
        "k.json",
    ]
    assert kernel_arguments([sys.executable, "-I", "-m", "ipykernel_launcher", "-f", "k"]) is None
    assert kernel_arguments(["/opt/other/python", "-m", "ipykernel_launcher", "-f", "k"]) is None
    assert kernel_arguments([sys.executable, "-m", "other_kernel", "-f", "k.json"]) is None
    assert kernel_arguments([]) is None


UNUSED_MODULE = "tabnanny"
"""A module nothing here imports: a worker has it only if it imported it as it started."""


GONE_WITHOUT = "pickletools"
"""An installed module nothing here imports, which a worker is asked to go without."""


def _worker_state() -> tuple[int, bool, bool]:
    try:
        importlib.import_module(GONE_WITHOUT)
    except ImportError:
        missing = True
    else:
        missing = False
    return os.nice(0), UNUSED_MODULE in sys.modules, missing


def test_a_worker_is_ready_before_its_first_task_and_yields_to_the_run():
    assert UNUSED_MODULE not in sys.modules and GONE_WITHOUT not in sys.modules
    assert importlib.util.find_spec(GONE_WITHOUT)  # installed: only the worker goes without it
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        1, context, initializer=start_worker, initargs=((UNUSED_MODULE,), (GONE_WITHOUT,))
    ) as pool:
        niceness, imported, missing = pool.submit(_worker_state).result()
    assert imported and missing
    released, stopping = context.Event(), context.Event()
    released.set()
    stopping.set()  # a run that needs no notebook: the worker readies nothing
    initargs = ((UNUSED_MODULE,), (), released, stopping)
    with ProcessPoolExecutor(1, context, initializer=start_worker, initargs=initargs) as pool:
        assert pool.submit(_worker_state).result()[:2] == (os.nice(0), False)
    assert niceness == min(os.nice(0) + WORKER_NICENESS, 19)
