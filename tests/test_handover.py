"""The fork server forked from the computation's child: it serves the run, and ends with it."""

from __future__ import annotations

import os
import sys
import threading
from functools import partial
from multiprocessing import forkserver

import pytest

from nest_eval.domains.forked import prepared
from nest_eval.pipeline import kernels
from nest_eval.pipeline.handover import handover
from nest_eval.pipeline.kernels import WORKER_NICENESS, fork_server_address, stop_fork_server
from worker_probes import UNUSED_MODULE, forked_process_has, parent_of_a_forked_process

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


@pytest.fixture(autouse=True)
def no_server_before_or_after():
    stop_fork_server()
    yield
    stop_fork_server()


def test_a_server_a_child_forked_serves_this_process_and_is_waited_for_when_stopped():
    server = handover()
    assert server is not None
    child = prepared([UNUSED_MODULE], then=server.fork)
    server.adopt()
    address = fork_server_address()
    pid = kernels._handed_pid()
    assert address == server.address and pid not in (None, child.pid, os.getpid())
    assert parent_of_a_forked_process() == pid  # this process's processes come from it
    assert os.getpriority(os.PRIO_PROCESS, pid) == min(os.nice(0) + WORKER_NICENESS, 19)
    child.close()  # the child ends; the server lives on, this process's child now
    stop_fork_server()
    with pytest.raises(ChildProcessError):  # ended, and waited for
        os.waitpid(pid, os.WNOHANG)
    assert fork_server_address() != address  # the next starts afresh, the usual way


def test_a_server_the_child_never_forked_is_replaced_by_one_started_the_usual_way():
    server = handover()
    assert server is not None
    child = prepared([], then=lambda fds: os._exit(0))  # the child ends before forking it
    server.adopt()
    address = fork_server_address()
    started = forkserver._forkserver._forkserver_pid
    assert address != server.address and started is not None
    assert parent_of_a_forked_process() == started
    child.close()


def test_the_server_has_the_kernels_imports_and_holds_none_of_the_childs_pipes():
    server = handover()
    assert server is not None
    child = prepared([], then=server.fork)
    server.adopt()
    fork_server_address()
    assert forked_process_has("nest_eval.reporting.report")  # the kernels' modules, preloaded
    outcome: list[int] = []
    waiting = threading.Thread(target=lambda: outcome.append(child.run(partial(int, "7"))))
    waiting.start()
    waiting.join(timeout=60)  # a server holding the child's result pipe would keep it open
    assert not waiting.is_alive() and outcome == [7]
