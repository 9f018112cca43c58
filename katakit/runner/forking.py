"""May this process fork a warm child, and plain pytest where it may not.

The client asks ``fork_unavailable`` (the platform, a switch) before it talks to
the server; the server asks ``fork_hazard`` (one thread, no CUDA context)
before every fork. Where either says no, ``run_plain`` runs plain pytest.
"""

from __future__ import annotations

import os
import socket
import sys

RUNNER_ENV = "KATA_RUNNER"  # "0" always runs plain pytest


def fork_unavailable() -> str | None:
    """Why this platform must not use the warm runner, or None when it may."""
    if os.environ.get(RUNNER_ENV) == "0":
        return f"the warm runner is turned off ({RUNNER_ENV}=0)"
    if sys.platform == "darwin":
        return "forking a process that imported torch is unsafe on macOS"
    if os.name != "posix" or not hasattr(os, "fork"):
        return "this platform cannot fork"
    if not hasattr(socket, "AF_UNIX") or not hasattr(socket, "send_fds"):
        return "this Python cannot pass file descriptors over Unix sockets"
    return None


def command(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "pytest", *args]


def run_plain(args: list[str], reason: str, *, replace_process: bool = False) -> int:
    """Say why in one line, then run plain pytest (in this process's place if asked)."""
    print(f"kata-run: {reason}; running plain pytest", file=sys.stderr, flush=True)
    cmd = command(args)
    if replace_process and os.name == "posix":
        sys.stdout.flush()
        os.execv(cmd[0], cmd)
    import subprocess

    return subprocess.call(cmd)


def thread_count() -> int:
    """Native threads of this process (Python threads where /proc is missing)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


def fork_hazard() -> str | None:
    """Why forking this process now would be unsafe, or None."""
    threads = thread_count()
    if threads != 1:
        return f"the warm runner has {threads} threads, so forking it is unsafe"
    torch = sys.modules.get("torch")
    cuda = getattr(torch, "cuda", None)
    if cuda is not None and cuda.is_initialized():
        return "CUDA was initialised in the warm runner, so forking it is unsafe"
    return None
