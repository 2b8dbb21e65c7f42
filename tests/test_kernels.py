"""Warm kernels: each notebook in a fresh kernel process, forked from one that has imported."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import multiprocessing
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver
from queue import Empty

import nbformat
import papermill
import pytest
from jupyter_client.manager import AsyncKernelManager

from nest_eval.pipeline.execute import ensure_kernel
from nest_eval.pipeline.kernels import (
    WORKER_NICENESS,
    ReadyKernelClient,
    WarmKernelManager,
    fork_server_address,
    kernel_arguments,
    start_worker,
    stop_fork_server,
)
from worker_probes import GONE_WITHOUT, UNUSED_MODULE, worker_state

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


def test_workers_and_their_kernels_are_forked_from_one_warm_server_that_yields_to_the_run():
    assert UNUSED_MODULE not in sys.modules and GONE_WITHOUT not in sys.modules
    assert importlib.util.find_spec(GONE_WITHOUT)  # installed: only the worker goes without it
    address = fork_server_address()
    server = forkserver._forkserver._forkserver_pid
    environment = {**os.environ, "NEST_EVAL_PROBE": "the run's"}
    initargs = (address, environment, (UNUSED_MODULE,), (GONE_WITHOUT,))
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(2, context, initializer=start_worker, initargs=initargs) as pool:
        states = [pool.submit(worker_state).result() for _ in range(2)]
    for state in states:
        assert state == {
            "niceness": min(os.nice(0) + WORKER_NICENESS, 19),
            "parent": server,
            "imported": True,
            "missing": True,
            "probe": "the run's",
            "child's parent": server,  # a kernel a worker starts comes from the same server
            "server started here": False,
        }
    assert fork_server_address() == address and forkserver._forkserver._forkserver_pid == server


KERNEL_START = """\
import json, sys
import nest_eval.pipeline.warm
before = set(sys.modules)
from ipykernel.kernelapp import IPKernelApp
app = IPKernelApp.instance()
app.initialize(["-f", sys.argv[1]])
new = sorted(set(sys.modules) - before)
print(json.dumps({"kernel": type(app.kernel).__name__, "new": new}), file=sys.__stdout__)
"""


def test_a_kernel_forked_from_the_warm_process_imports_nothing_as_it_starts(tmp_path):
    """Every module ``ipykernel`` imports while a kernel starts is already imported."""
    connection = tmp_path / "kernel.json"
    done = subprocess.run(
        [sys.executable, "-c", KERNEL_START, str(connection)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    started = json.loads(done.stdout.strip().splitlines()[-1])
    assert started == {"kernel": "IPythonKernel", "new": []}


async def _ready_then_run(code: str) -> tuple[list[str], dict]:
    manager = WarmKernelManager(kernel_name=KERNEL)
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        request = client.execute(code)
        kinds = []
        while True:
            message = await client.iopub_channel.get_msg(timeout=30)
            kinds.append(message["parent_header"].get("msg_type"))
            if message["parent_header"].get("msg_id") != request:
                continue
            if message["msg_type"] == "execute_result":
                result = message["content"]["data"]
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return kinds, result
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def test_a_kernel_is_ready_once_it_has_answered_in_full():
    """Nothing of the readiness request is left on IOPub for the first cell to meet."""
    kinds, result = asyncio.run(_ready_then_run("6 * 7"))
    assert isinstance(WarmKernelManager(kernel_name=KERNEL).client(), ReadyKernelClient)
    assert result["text/plain"] == "42"
    assert set(kinds) == {"execute_request"}


async def _listening_once_started() -> list[bool]:
    import socket

    manager = WarmKernelManager(kernel_name=KERNEL)
    await manager.start_kernel()
    try:
        listening = []
        for port in (manager.shell_port, manager.iopub_port, manager.control_port):
            try:
                socket.create_connection((manager.ip, port), timeout=1).close()
                listening.append(True)
            except ConnectionRefusedError:
                listening.append(False)
        return listening
    finally:
        await manager.shutdown_kernel(now=True)


def test_a_kernel_has_bound_its_sockets_when_its_start_returns():
    """So its client connects at the first try, not after ZeroMQ's reconnection interval."""
    assert asyncio.run(_listening_once_started()) == [True, True, True]


def test_what_a_kernel_inherits_is_out_of_the_garbage_collectors_reach():
    """The warm server's objects are frozen, so no collection in a kernel walks or copies them."""
    _, result = asyncio.run(_ready_then_run("import gc; gc.get_freeze_count() > 100_000"))
    assert result["text/plain"] == "True"


class _Channel:
    """A channel whose messages are given in advance."""

    def __init__(self, messages: list[dict]) -> None:
        self.messages = messages

    async def get_msg(self, timeout: float | None = None) -> dict:
        if not self.messages:
            raise Empty
        return self.messages.pop(0)


def _message(kind: str, parent: str, **content) -> dict:
    return {"msg_type": kind, "parent_header": {"msg_id": parent}, "content": content}


class _ScriptedClient(ReadyKernelClient):
    """A client whose kernel answers from a script: IOPub missed the first request."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []
        self.shell = _Channel([])
        self.iopub = _Channel([_message("iopub_welcome", "")])

    @property
    def shell_channel(self):
        return self.shell

    @property
    def iopub_channel(self):
        return self.iopub

    def kernel_info(self) -> str:
        request = f"request-{len(self.asked)}"
        self.asked.append(request)
        self.shell.messages.append(_message("kernel_info_reply", request, protocol_version="5.3"))
        if len(self.asked) > 1:  # IOPub connected after the first request had been answered
            self.iopub.messages += [
                _message("status", request, execution_state="busy"),
                _message("status", request, execution_state="idle"),
            ]
        return request

    async def _async_is_alive(self) -> bool:
        return True


def test_a_request_whose_messages_iopub_missed_is_asked_again():
    client = _ScriptedClient()
    asyncio.run(client.wait_for_ready(timeout=10))
    assert client.asked == ["request-0", "request-1"]
    assert client.iopub.messages == [] and client.shell.messages == []


def test_a_kernel_that_never_answers_times_out():
    client = _ScriptedClient()
    client.kernel_info = lambda: "unanswered"  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="didn't respond"):
        asyncio.run(client.wait_for_ready(timeout=0.3))


def test_a_stopped_fork_server_has_ended_and_the_next_starts_afresh():
    first = fork_server_address()
    pid = forkserver._forkserver._forkserver_pid
    stop_fork_server()
    assert forkserver._forkserver._forkserver_pid is None
    with pytest.raises(ChildProcessError):  # ended, and waited for
        os.waitpid(pid, os.WNOHANG)
    assert fork_server_address() != first
    assert forkserver._forkserver._forkserver_pid not in (None, pid)
