"""Warm notebook kernels: each a fresh process, forked from one that has already imported.

Starting a Jupyter kernel the usual way launches a new Python, which then imports IPython,
pandas, matplotlib and the workbench before the notebook's first cell can run: about three
seconds of every notebook, spent again in each of the year's notebooks. Here the run keeps one
*fork server* (:mod:`multiprocessing`, start method ``"forkserver"``) that has imported all of
that once (:mod:`nest_eval.pipeline.warm`); the run's worker processes are forked from it, and
each kernel is a fresh fork of it too, so its first cell runs within milliseconds. Every
notebook still gets its own kernel process, with its own namespace, working folder and
environment, shut down after the notebook: nothing one notebook does reaches another.

The kernel is an ordinary ``ipykernel`` kernel speaking the Jupyter protocol; Papermill drives
it through :class:`WarmKernelManager` (``kernel_manager_class``). A kernel specification that is
not this Python's ``ipykernel`` (another language or environment) is launched the usual way.
Its client (:class:`ReadyKernelClient`) knows the kernel ready as soon as it has answered,
where ``jupyter_client`` waited 0.2 s more for nothing in every notebook.
"""

from __future__ import annotations

import importlib
import math
import multiprocessing
import os
import signal
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Type

__all__ = [
    "LOG_ENV",
    "ReadyKernelClient",
    "WarmKernelManager",
    "fork_server_address",
    "kernel_arguments",
    "start_fork_server",
    "start_worker",
    "stop_fork_server",
]

PRELOAD = "nest_eval.pipeline.warm"
"""The module the fork server imports before forking kernels."""

LOG_ENV = "NEST_EVAL_KERNEL_LOG"
"""Environment variable naming the file a forked kernel writes its standard streams to."""

WORKER_NICENESS = 5
"""How much lower than the run's own process the fork server's priority is (so its workers'
and kernels')."""

SHUTDOWN_POLL = 0.005
"""Seconds between two looks at whether a kernel, or the fork server, asked to stop has ended."""

STOP_WAIT = 10.0
"""Seconds a run waits for its fork server to end once it has let go of it."""

BIND_WAIT = 30.0
"""Seconds a new kernel is given to bind its sockets before its client connects anyway.

A client that connects before the kernel has bound tries again only after ZeroMQ's reconnection
interval (0.1 s): waiting for the kernel to say it has bound (:func:`_serve`) lets the client
connect at the first try. A kernel that ends before binding ends the wait too."""

READY_ATTEMPT = 1.0
"""Seconds one ``kernel_info`` request is given to be answered on the shell channel."""

IOPUB_ATTEMPT = 0.2
"""Seconds the request's messages are given to arrive on IOPub before it is asked again."""

_LAUNCHER = "ipykernel_launcher"


def _fork_server() -> ForkServerContext:
    """The fork server context, preloading :data:`PRELOAD` (started on first use)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    return context


_HANDED: dict[str, int | None] = {}
"""The fork server this process uses that a child of it forked (:mod:`.handover`): ``fd``, the
pipe its process ID comes on, until read; then ``pid``, that ID (None: it was never forked)."""


def use_handed_server(address: str, alive_fd: int, pid_fd: int) -> None:
    """Use the fork server a child of this process forks (:class:`.handover.Handover`).

    Parameters
    ----------
    address : str
        The server's socket.
    alive_fd : int
        The write end of its keep-alive pipe: the server ends when every holder closes it.
    pid_fd : int
        The pipe the server's process ID comes on (read when it is needed).
    """
    from multiprocessing import forkserver, resource_tracker

    server = forkserver._forkserver
    server._forkserver_address, server._forkserver_alive_fd = address, alive_fd
    server._forkserver_pid = None
    server.ensure_running = resource_tracker.ensure_running  # running, or coming
    _HANDED.clear()
    _HANDED["fd"] = pid_fd


def _handed_pid() -> int | None:
    """The process ID of the server a child forked, waited for; None: none was forked."""
    pid_fd = _HANDED.pop("fd", None)
    if pid_fd is not None:
        with os.fdopen(pid_fd, "rb") as pipe:
            said = pipe.read()
        _HANDED["pid"] = int(said) if said else None
    return _HANDED.get("pid")


def _release_fork_server() -> None:
    """Let go of a fork server this process did not start: close its keep-alive pipe.

    A forked process inherits the ``multiprocessing`` fork server's state of its parent (or, in
    a kernel, the server's keep-alive pipe), but cannot use that server, which is not its child.
    Holding the pipe would keep the server alive as long as this process, and a kernel ends
    with its server: the pipe is closed, and the state dropped, so this process starts its own
    server when it needs one and the parent's ends with the parent.
    """
    from multiprocessing import forkserver

    server = forkserver._forkserver
    if getattr(server, "_forkserver_alive_fd", None) is not None:
        os.close(server._forkserver_alive_fd)
    server._forkserver_address = server._forkserver_alive_fd = server._forkserver_pid = None
    vars(server).pop("ensure_running", None)  # a handed or adopted server's stand-in
    pid_fd = _HANDED.pop("fd", None)
    if pid_fd is not None:
        os.close(pid_fd)
    _HANDED.clear()


os.register_at_fork(after_in_child=_release_fork_server)


def start_fork_server() -> None:
    """Start this process's fork server now, if not running; it imports :data:`PRELOAD`.

    The server is started as a new Python, which imports in the background: this call returns
    at once. It runs at a lower priority (:data:`WORKER_NICENESS`) than this process, and so do
    the workers and kernels it forks: while the year is computed, the server's imports take only the
    processor time the computation leaves free.
    """
    from multiprocessing import forkserver

    server = forkserver._forkserver
    running = server._forkserver_pid
    _fork_server()
    server.ensure_running()
    started = server._forkserver_pid
    if started is not None and started != running:
        niceness = min(os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS, 19)
        os.setpriority(os.PRIO_PROCESS, started, niceness)


def stop_fork_server(wait: float = STOP_WAIT) -> None:
    """Stop the fork server this process started, if any; the next one starts afresh.

    The server ends when the last holder of its keep-alive pipe lets go of it: this process,
    once its workers have ended (a kernel lets go as it starts). A server started again imports
    the code as it is then, so a run in a long-lived process (a notebook, a test session) never
    renders with the code of an earlier run. The server is waited for at most ``wait`` seconds;
    one still running then ends with this process.
    """
    from multiprocessing import forkserver

    pid = forkserver._forkserver._forkserver_pid or _handed_pid()
    _release_fork_server()
    deadline = time.monotonic() + wait
    while pid is not None and time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:  # already waited for elsewhere
            return
        time.sleep(SHUTDOWN_POLL)


def fork_server_address() -> str:
    """The address of this process's fork server, started if not running."""
    from multiprocessing import forkserver

    if _HANDED and _handed_pid() is None:  # the child that was to fork it could not
        _release_fork_server()
    start_fork_server()
    address: str = forkserver._forkserver._forkserver_address
    return address


def _adopt_fork_server(address: str) -> None:
    """Start kernels from the fork server that forked this process, at ``address``.

    ``multiprocessing`` expects only the process that started a fork server to use it. A
    process the server forked holds its keep-alive pipe already; given its address too, it
    asks the same server for kernels, and never waits for it as for a child (it is not one).
    """
    from multiprocessing import forkserver, resource_tracker

    server = forkserver._forkserver
    server._forkserver_address = address
    server.ensure_running = resource_tracker.ensure_running


def start_worker(
    address: str,
    environment: Mapping[str, str],
    modules: Sequence[str] = (),
    unused: Sequence[str] = (),
) -> None:
    """Ready a worker process that the fork server forked, before its first task.

    A pool's ``initializer``: the worker starts its notebooks' kernels from the server that
    forked it (so no worker starts a server of its own and imports everything again), takes
    the environment of the run, then imports what its tasks will need.

    Parameters
    ----------
    address : str
        The fork server's address (:func:`fork_server_address`).
    environment : mapping of str to str
        The run's environment variables, which the worker's kernels inherit (the server has
        those of the moment it started).
    modules : sequence of str
        Modules to import now.
    unused : sequence of str
        Optional modules the worker's tasks never use, which a library imports when it can
        (each costly to import): marked as missing in this worker, so the library goes without.
    """
    _adopt_fork_server(address)
    os.environ.clear()
    os.environ.update(environment)
    for module in unused:
        sys.modules.setdefault(module, None)  # type: ignore[arg-type]
    for module in modules:
        importlib.import_module(module)


def kernel_arguments(argv: list[str]) -> list[str] | None:
    """The kernel's own arguments when a kernel command runs this Python's ``ipykernel``.

    A fork of the warm process can stand in for such a command (its interpreter options, such
    as ``-Xfrozen_modules=off``, only concern starting up); for any other command, None.

    Examples
    --------
    >>> kernel_arguments([sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
    ...                   "-f", "k.json"])
    ['-f', 'k.json']
    >>> kernel_arguments(["/usr/bin/R", "--slave", "-e", "IRkernel::main()", "--args", "k.json"])
    """
    if not argv or Path(argv[0]).resolve() != Path(sys.executable).resolve():
        return None
    for at in range(1, len(argv) - 1):
        if argv[at : at + 2] == ["-m", _LAUNCHER]:
            options = argv[1:at]
            return argv[at + 2 :] if all(o.startswith("-X") for o in options) else None
    return None


def _serve(argv: list[str], cwd: str | None, env: dict[str, str], bound: Connection) -> None:
    """In the forked process: become the kernel, as ``python -m ipykernel_launcher`` would.

    Once the kernel has bound its sockets, says so on ``bound`` (see :data:`BIND_WAIT`).
    """
    _release_fork_server()
    os.environ.clear()
    os.environ.update(env)
    log = os.environ.pop(LOG_ENV, None)
    if log:
        handle = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(handle, 1)
        os.dup2(handle, 2)
        os.close(handle)
    if cwd:
        os.chdir(cwd)
    if sys.path and sys.path[0] in ("", os.path.dirname(sys.argv[0] or "")):
        del sys.path[0]  # as ipykernel_launcher does: the kernel imports nothing from its cwd
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from ipykernel.kernelapp import IPKernelApp

    # End with the fork server (which ends with the process that started it), as a kernel
    # launched the usual way ends with its parent.
    watch = f"--IPKernelApp.parent_handle={os.getppid()}"
    app = IPKernelApp.instance()
    app.initialize([*argv, watch])  # binds the kernel's sockets
    bound.send_bytes(b"")
    bound.close()
    app.start()


class _Forked:
    """A forked kernel process, with the part of :class:`subprocess.Popen` a provisioner uses."""

    stdin = stdout = stderr = None

    def __init__(self, process: multiprocessing.process.BaseProcess) -> None:
        self.process = process
        self.pid = process.pid

    def poll(self) -> int | None:
        return self.process.exitcode

    def wait(self, timeout: float | None = None) -> int | None:
        self.process.join(timeout)
        return self.process.exitcode

    def send_signal(self, signum: int) -> None:
        if self.process.exitcode is None and self.pid is not None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class _ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
    """Launches an ``ipykernel`` kernel by forking the warm fork server; others as usual."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        arguments = kernel_arguments(cmd)
        if arguments is None:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = kwargs.get("cwd")
        env = dict(kwargs.get("env") or os.environ)
        start_fork_server()
        context = _fork_server()
        waiting, bound = context.Pipe(duplex=False)
        process = context.Process(
            target=_serve, args=(arguments, str(cwd) if cwd else None, env, bound), daemon=False
        )
        process.start()
        bound.close()  # the kernel's copy alone is left: it ends with the kernel
        waiting.poll(BIND_WAIT)  # bound, or ended: the client then connects at once either way
        waiting.close()
        self.process = _Forked(process)
        self.pid = process.pid
        self.pgid = None  # signal the kernel alone, never a process group it shares
        self.cwd = cwd or Path.cwd()
        return self.connection_info


class ReadyKernelClient(AsyncKernelClient):  # type: ignore[misc]
    """A kernel client whose wait for a new kernel ends when the kernel has answered in full.

    ``jupyter_client`` waits for a kernel by asking for its ``kernel_info`` until it replies
    and IOPub (the channel outputs come on) carries a message, then reads IOPub until nothing
    has come for 0.2 s, to drop what the request published: every notebook waited 0.2 s, idle.
    Here the wait ends as soon as IOPub has carried the request's ``idle`` status, the last
    message the kernel publishes for a request, which also shows IOPub connected. A request
    whose messages IOPub did not carry (it connected too late to see them) is asked again.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Wait until the kernel answers a ``kernel_info`` request in full.

        Parameters
        ----------
        timeout : float, optional
            Seconds to wait in all; None waits as long as the kernel lives.

        Raises
        ------
        RuntimeError
            When the kernel dies, or has not answered within ``timeout``.
        """
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while not await self._answered(self.kernel_info(), deadline):
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    async def _answered(self, request: str, deadline: float) -> bool:
        """Whether the kernel replied to ``request`` and IOPub carried its ``idle`` status."""
        reply = await self._message(self.shell_channel, request, READY_ATTEMPT, deadline)
        if reply is None or reply["msg_type"] != "kernel_info_reply":
            return False
        self._handle_kernel_info_reply(reply)
        while True:
            status = await self._message(self.iopub_channel, request, IOPUB_ATTEMPT, deadline)
            if status is None:
                return False
            if status["msg_type"] == "status" and status["content"]["execution_state"] == "idle":
                return True

    @staticmethod
    async def _message(
        channel: Any, request: str, seconds: float, deadline: float
    ) -> dict[str, Any] | None:
        """The next message on ``channel`` answering ``request`` within ``seconds``, or None.

        Messages answering anything else (an earlier request, IOPub's welcome) are dropped.
        """
        until = min(deadline, time.monotonic() + seconds)
        while (left := until - time.monotonic()) > 0:
            try:
                message: dict[str, Any] = await channel.get_msg(timeout=left)
            except Empty:
                return None
            if message["parent_header"].get("msg_id") == request:
                return message
        return None


class WarmKernelManager(AsyncKernelManager):  # type: ignore[misc]
    """A kernel manager whose kernels are forked from a warm process (see the module)."""

    client_factory = Type(ReadyKernelClient, klass=AsyncKernelClient, config=True)

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = _ForkProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)

    async def _async_finish_shutdown(
        self, waittime: float | None = None, pollinterval: float = 0.1, restart: bool = False
    ) -> None:
        """Wait for the kernel to end, looking every :data:`SHUTDOWN_POLL` seconds.

        jupyter_client looks every 0.1 s; a forked kernel ends within milliseconds of its
        shutdown request, so the usual interval would leave each notebook's worker idle for
        most of 0.1 s.
        """
        await super()._async_finish_shutdown(waittime, SHUTDOWN_POLL, restart)
