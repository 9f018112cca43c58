"""The server's one waiting child: forked before the request it will serve.

After each run (and at start) the server forks the next child at once. It
starts the devices the expected run would use and waits (see ``child.run``), so
a request costs neither a fork nor a CUDA initialisation; only learner code and
katas are imported after it arrives. The child is used only when its key (the
harness and installed packages, the client's environment, the ``--device``
values) matches the request's; otherwise it is killed and a fresh one forked
for the request. One waiting child at most: memory stays bounded.
"""

from __future__ import annotations

import gc
import os
import signal
import socket
from pathlib import Path
from typing import Any

from katakit.runner import child, preload, protocol
from katakit.runner.client import SERVER_ENV
from katakit.runner.freshness import fingerprint

Key = tuple[Any, ...]


def profile_of(request: dict[str, Any]) -> dict[str, Any]:
    """What a child needs to know to get ready for a request like ``request``."""
    env = dict(request["env"])
    return {"env": env, "devices": preload.requested_devices(request["args"], env)}


def key_of(root: Path, profile: dict[str, Any]) -> Key:
    """Everything a waiting child's readiness depends on.

    The variables the client adds for the server alone (``SERVER_ENV``) are left
    out, so the child forked at start matches the client that started the server.
    """
    env = tuple(sorted((k, v) for k, v in profile["env"].items() if k not in SERVER_ENV))
    return fingerprint(root), env, tuple(profile["devices"])


class Waiting:
    """A forked child waiting on its end of a socket pair for one request."""

    def __init__(self, pid: int, inbox: socket.socket, progress: child.Progress, key: Key) -> None:
        self.pid = pid
        self.inbox = inbox  # the server's end
        self.progress = progress
        self.key = key

    def alive(self) -> bool:
        try:
            return os.waitpid(self.pid, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return False

    def hand_over(self, request: dict[str, Any], fds: list[int]) -> None:
        """Send ``request`` and the client's descriptors; raises OSError if the child is gone.

        ``inbox`` stays open: the child says there when it has finished.
        """
        protocol.send(self.inbox, request, fds)

    def discard(self) -> None:
        """Kill the child (and anything it started); it is reaped once it has exited."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            os.kill(self.pid, signal.SIGKILL)  # before it made its own process group
        except ProcessLookupError:
            pass
        _dying.append(self.pid)  # waiting for its exit here would delay the run
        reap()
        self.release()

    def release(self) -> None:
        self.inbox.close()
        self.progress.close()


_dying: list[int] = []  # discarded children not reaped yet


def reap() -> None:
    """Collect the discarded children that have exited; never blocks."""
    for pid in list(_dying):
        try:
            done = os.waitpid(pid, os.WNOHANG)[0]
        except ChildProcessError:
            done = pid
        if done:
            _dying.remove(pid)


def fork(root: Path, profile: dict[str, Any], server_fds: list[int]) -> Waiting:
    """Fork a child that gets ready for a request like ``profile`` and waits for it."""
    reap()
    key = key_of(root, profile)
    progress = child.Progress()
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    me = os.getpid()
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        child.run(theirs, profile, progress, [*server_fds, ours.fileno()], me)
    theirs.close()
    return Waiting(pid, ours, progress, key)


def take(waiting: Waiting | None, root: Path, profile: dict[str, Any]) -> Waiting | None:
    """``waiting`` if it is alive and ready for ``profile``; otherwise discard it."""
    if waiting is None:
        return None
    if waiting.alive() and waiting.key == key_of(root, profile):
        return waiting
    waiting.discard()
    return None
