"""The fork server forked from the computation's child, which has imported most of what it needs.

A run that ingests data forks a child at once to import the year's computation (pandas, SciPy,
the workbench's domains: :func:`nest_eval.domains.forked.prepared`), and starts the fork server
its kernels are forked from (:mod:`nest_eval.pipeline.kernels`), which imports much the same
again in a new Python before adding IPython and Matplotlib. With a :class:`Handover`, the
computation's child forks the fork server as soon as its imports are done: the server starts
with them, imports only the rest, and serves as one started by :mod:`multiprocessing` would
(its ``forkserver.main``), on a socket and a keep-alive pipe this process made, so that this
process and its workers ask it for processes the same way.

The server is this process's grandchild. So that this process can wait for it when it ends, as
for a server it started itself, this process takes the orphans of its children
(``PR_SET_CHILD_SUBREAPER``, Linux): the server becomes its child when the computation's child
ends. Where that cannot be done, there is no handover and the server is started the usual way.
"""

from __future__ import annotations

import ctypes
import os
import socket
import sys
from collections.abc import Sequence

from nest_eval.pipeline.kernels import PRELOAD, WORKER_NICENESS, use_handed_server

__all__ = ["Handover", "handover"]

_PR_SET_CHILD_SUBREAPER = 36
"""``prctl`` option making a process the parent of its descendants' orphans (Linux)."""


class Handover:
    """A fork server one child of this process forks (:meth:`fork`), and this process uses.

    Made by :func:`handover`, before the child is forked; then :meth:`fork` is called in the
    child and :meth:`adopt` in this process.
    """

    def __init__(self) -> None:
        from multiprocessing import connection, spawn, util

        self.listener = socket.socket(socket.AF_UNIX)
        self.address = connection.arbitrary_address("AF_UNIX")
        self.listener.bind(self.address)
        if not util.is_abstract_socket_namespace(self.address):
            os.chmod(self.address, 0o600)
        self.listener.listen()
        self.alive_r, self.alive_w = os.pipe()  # the server ends when every holder lets go
        self.pid_r, self.pid_w = os.pipe()  # the child says the server's process ID on it
        data = spawn.get_preparation_data("ignore")
        self.paths = {k: v for k, v in data.items() if k in ("main_path", "sys_path")}

    def fork(self, keep_out: Sequence[int] = ()) -> None:
        """In the child: fork the fork server, say its process ID, and let go of the rest.

        Parameters
        ----------
        keep_out : sequence of int
            The child's own file descriptors, which the server must not hold.
        """
        server = os.fork()
        if server == 0:  # pragma: no cover - the server's lines run in the server only
            self._serve(keep_out)
        os.write(self.pid_w, str(server).encode())
        for fd in (self.pid_r, self.pid_w, self.alive_r, self.alive_w):
            os.close(fd)
        self.listener.close()

    def _serve(self, keep_out: Sequence[int]) -> None:  # pragma: no cover - in the server
        """Become the fork server: import :data:`~.kernels.PRELOAD`, then serve until let go."""
        from multiprocessing import forkserver

        try:
            for fd in (*keep_out, self.pid_r, self.pid_w, self.alive_w):
                os.close(fd)
            niceness = min(os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS, 19)
            os.setpriority(os.PRIO_PROCESS, 0, niceness)
            forkserver.main(self.listener.detach(), self.alive_r, [PRELOAD], **self.paths)
        finally:
            os._exit(0)

    def adopt(self) -> None:
        """In this process, once the child is forked: use the server the child forks."""
        self.listener.close()
        for fd in (self.alive_r, self.pid_w):
            os.close(fd)
        use_handed_server(self.address, self.alive_w, self.pid_r)


def handover() -> Handover | None:
    """A fork server for a child of this process to fork; None where it cannot be handed over.

    Returns
    -------
    Handover or None
        None off Linux, or when this process cannot take its children's orphans.
    """
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            return None
    except (OSError, AttributeError):
        return None
    return Handover()
