"""Watching one run's child: interrupts passed on, a hard limit, what became of it."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import time
from pathlib import Path
from typing import Any

from katakit.runner import protocol

GRACE = 3.0  # seconds a child gets to stop after SIGINT before it is killed
RUN_LIMIT = 900.0  # hard limit on one run; per-test limits come from the plugin
EXIT_WAIT = 5.0  # seconds a child that said it finished gets to exit


def supervise(conn: socket.socket, pid: int, inbox: socket.socket) -> dict[str, Any]:
    """Wait for the child; pass on interrupts; kill it when it will not stop.

    ``inbox`` is the server's end of the child's socket pair: the child writes
    one byte there once pytest has finished and its output is flushed, so the
    answer need not wait for the exit of a large process (``{"finished": True}``;
    ``end`` then reaps it). Otherwise the result says how the child ended.
    """
    try:
        protocol.send(conn, {"event": protocol.STARTED, "pid": pid})
    except OSError:
        pass
    watch = selectors.DefaultSelector()
    try:
        pidfd = os.pidfd_open(pid)
        watch.register(pidfd, selectors.EVENT_READ, "child")
    except (AttributeError, OSError):
        pidfd = None
    conn.setblocking(False)
    watch.register(conn, selectors.EVENT_READ, "client")
    watch.register(inbox, selectors.EVENT_READ, "finished")
    reader = protocol.Reader()
    now = time.monotonic()
    limit, kill_at, killed = now + RUN_LIMIT, None, False
    try:
        while True:
            finished, status = os.waitpid(pid, os.WNOHANG)
            if finished:
                break
            now = time.monotonic()
            if kill_at is not None and now >= kill_at:
                _kill_group(pid, signal.SIGKILL)
                killed, kill_at = True, None
            elif kill_at is None and now >= limit:
                _interrupt(pid)
                kill_at = now + GRACE
            deadline = min(t for t in (limit, kill_at) if t is not None)
            timeout = max(0.0, deadline - now)
            if pidfd is None:
                timeout = min(timeout, 0.005)
            for key, _ in watch.select(timeout):
                if key.data == "finished":
                    watch.unregister(inbox)  # a byte, or the end of a child that died
                    if _said_finished(inbox) and not killed:
                        return {"finished": True}
                    continue
                if key.data != "client":
                    continue
                try:
                    data = conn.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                wants_stop = not data or any(m.get("interrupt") for m in reader.feed(data))
                if not data:
                    watch.unregister(conn)
                if wants_stop and kill_at is None and not killed:
                    _interrupt(pid)
                    kill_at = time.monotonic() + GRACE
    finally:
        watch.close()
        if pidfd is not None:
            os.close(pidfd)
        conn.setblocking(True)
    end(pid, status)
    if killed:
        return {"killed": True}
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return {"signal": signal.Signals(sig).name, "code": 128 + sig}
    return {"status": os.WEXITSTATUS(status), "code": os.WEXITSTATUS(status) or 1}


def kata_label(request: dict[str, Any], nodeid: str) -> str | None:
    """``03 attributes`` for a node id in that kata's test file."""
    from katakit.catalog import CatalogError, load

    root = Path(request.get("root", "."))
    try:
        test_file = (Path(request["cwd"]) / nodeid.split("::")[0]).resolve()
        kata = load(root).by_test_file(test_file.relative_to(root.resolve()).as_posix())
    except (CatalogError, ValueError, OSError):
        return None
    return kata.label if kata else None


def end(pid: int, status: int | None = None) -> None:
    """Kill whatever the run left behind; reap the child (``status``: already reaped)."""
    if status is None:
        deadline = time.monotonic() + EXIT_WAIT
        while not os.waitpid(pid, os.WNOHANG)[0]:
            if time.monotonic() > deadline:
                _kill_group(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.001)
    _kill_group(pid, signal.SIGKILL)


def _said_finished(inbox: socket.socket) -> bool:
    try:
        return inbox.recv(1) == b"\0"
    except OSError:
        return False


def _interrupt(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        pass


def _kill_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
