"""What a forked child does: get ready, wait for a request, run pytest, and exit.

The server forks the child before the request it will serve arrives: the child
starts the devices the run will use (see ``preload.warm_devices``), names itself
``kata-waiting`` and waits on its end of a socket pair. Nothing of the learner's
or the katas' is imported before the request. The request brings the client's
stdin/stdout/stderr, working directory, environment and arguments, which the
child takes over, so its output goes straight to the client's terminal (colours,
width and all). It never reads or writes bytecode caches: ``sys.dont_write_bytecode``
plus a ``sys.pycache_prefix`` that cannot exist (a folder inside ``/dev/null``)
cover learner modules, katas and pytest's assertion-rewrite cache alike.
"""

from __future__ import annotations

import io
import mmap
import os
import signal
import socket
import struct
import sys
import traceback
from typing import Any, NoReturn

from katakit.runner import preload, protocol, rehearsal, rewritten

NO_BYTECODE = os.path.join(os.devnull, "kata-no-bytecode")  # never a folder, so never a cache
_SHARED = struct.Struct("!BiI")  # finished flag, exit code, length of the current node id
SHARED_SIZE = 4096


class Progress:
    """Shared memory the child writes its state to, so a crash can be located."""

    def __init__(self) -> None:
        self.memory = mmap.mmap(-1, SHARED_SIZE)

    def note(self, nodeid: str) -> None:
        data = nodeid.encode("utf-8", "replace")[: SHARED_SIZE - _SHARED.size]
        self.memory[_SHARED.size : _SHARED.size + len(data)] = data
        _SHARED.pack_into(self.memory, 0, 0, 0, len(data))

    def finish(self, code: int) -> None:
        _, _, size = _SHARED.unpack_from(self.memory, 0)
        _SHARED.pack_into(self.memory, 0, 1, code, size)

    def read(self) -> tuple[bool, int, str]:
        """(finished, exit code, the node id last started)."""
        done, code, size = _SHARED.unpack_from(self.memory, 0)
        where = bytes(self.memory[_SHARED.size : _SHARED.size + size]).decode("utf-8", "replace")
        return bool(done), code, where

    def close(self) -> None:
        self.memory.close()


class Tracker:
    """A pytest plugin that records which file or test the child is working on."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def pytest_collectstart(self, collector) -> None:
        if collector.nodeid:
            self.progress.note(collector.nodeid)

    def pytest_runtest_logstart(self, nodeid: str, location) -> None:
        self.progress.note(nodeid)


def run(
    inbox: socket.socket,
    profile: dict[str, Any],
    progress: Progress,
    server_fds: list[int],
    server_pid: int,
) -> NoReturn:
    """Warm the devices ``profile`` names, wait for a request on ``inbox``, run it.

    ``profile`` holds the environment and ``--device`` values of the request the
    server expects (the last one it served); it only decides what to warm: the
    request that arrives brings its own. Never returns.
    """
    code = 1
    try:
        _detach(server_fds, server_pid)
        _name(b"kata-warming")
        os.environ.clear()
        os.environ.update(profile["env"])
        preload.warm_devices(profile["devices"])
        rehearsal.rehearse()  # pytest's pages become this process's own before the request
        _name(b"kata-waiting")
        try:
            request, fds = protocol.receive_request(inbox)
        except (OSError, ValueError):  # the server went away or discarded this child
            os._exit(0)
        _name(b"kata-run")
        _adopt(request, fds)
        sys.dont_write_bytecode = True
        sys.pycache_prefix = NO_BYTECODE
        _forget_harness()
        rewritten.use()
        import pytest

        code = int(pytest.main(list(request["args"]), plugins=[Tracker(progress)]))
    except KeyboardInterrupt:
        code = 2
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        progress.finish(code)
        try:
            inbox.send(b"\0")  # the server may answer now, before this process has exited
        except OSError:
            pass
        os._exit(code)


def _name(name: bytes) -> None:
    """Set this process's name as ``ps`` and ``/proc/PID/comm`` show it (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(15, name, 0, 0, 0)  # PR_SET_NAME
    except (OSError, AttributeError):
        pass


def _detach(server_fds: list[int], server_pid: int) -> None:
    """Own process group, die with the server, default signal handlers."""
    os.setpgid(0, 0)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != server_pid:
        os._exit(1)
    for fd in server_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGALRM):
        signal.signal(sig, signal.SIG_DFL)


def _adopt(request: dict[str, Any], fds: list[int]) -> None:
    """Take the client's descriptors, directory, environment and arguments."""
    for target, fd in enumerate(fds):
        if fd != target:
            os.dup2(fd, target)
            os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    streams = request.get("streams", {})

    def text(fd: int, mode: str, name: str) -> io.TextIOWrapper:
        encoding, errors = streams.get(name, ("utf-8", "strict"))
        tty = os.isatty(fd)
        buffered = open(fd, mode + "b", closefd=False)
        return io.TextIOWrapper(
            buffered,
            encoding=encoding,
            errors=errors,
            line_buffering=tty or name == "stderr",
        )

    sys.stdin = sys.__stdin__ = text(0, "r", "stdin")
    sys.stdout = sys.__stdout__ = text(1, "w", "stdout")
    sys.stderr = sys.__stderr__ = text(2, "w", "stderr")
    sys.argv = [request.get("argv0", "pytest"), *request["args"]]
    sys.path[0] = request["cwd"]  # as ``python -m pytest`` would have it


def _forget_harness() -> None:
    """Drop modules pytest must import afresh: learner code and conftest files."""
    for name in list(sys.modules):
        if name.split(".", 1)[0] in ("learner", "conftest"):
            del sys.modules[name]
