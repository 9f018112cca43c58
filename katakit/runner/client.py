"""``kata-run``: run pytest through the warm server; the same output and exit status.

The client never imports torch. It starts the server on first use, hands it
this process's stdin/stdout/stderr (so the child writes straight to the
terminal), waits for the exit status, and passes Ctrl-C on. Where forking is
unsafe or the server cannot start it runs plain pytest, saying so in one line.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import sys
import time

from katakit.checkout import NOT_A_CHECKOUT, find_root_str
from katakit.runner import forking, location, protocol

TYPE_CHECKING = False  # typing's own flag: pathlib and typing stay out of every save
if TYPE_CHECKING:
    from pathlib import Path

START_TIMEOUT = 120.0  # the first import of torch on a cold disk can be slow
SERVER_MODULE = "katakit.runner.server"
SERVER_ENV = {"OPENBLAS_NUM_THREADS": "1"}  # numpy's BLAS must not start threads


class Unavailable(Exception):
    """The warm runner cannot serve this request; run plain pytest."""


class Restart(Exception):
    """The server went away or is out of date; start a fresh one and ask again."""


def main(argv: list[str] | None = None) -> int:
    """The ``kata-run`` command: pytest's arguments in, pytest's exit status out."""
    args = list(sys.argv[1:] if argv is None else argv)
    code = run(args, owner=os.getsid(0), replace_process=True)
    if argv is None:  # the command itself: end without the interpreter's teardown
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    return code


def run(
    args: list[str],
    *,
    owner: int,
    changed: list[Path] | None = None,
    replace_process: bool = False,
    reraise_interrupt: bool = False,
) -> int:
    """Run pytest with ``args`` (focused on what changed) and return its exit status.

    ``owner`` is the process whose end lets the server exit (for ``kata-run``, the
    leader of its session: the terminal's shell); ``changed`` the files
    a watcher saw change, if it knows them.
    """
    root = find_root_str()
    reason = forking.fork_unavailable()
    if root is None:
        reason = reason or NOT_A_CHECKOUT
    elif reason is None:
        where = location.for_root(root)
        try:
            for _attempt in range(3):
                try:
                    return _serve(root, where, args, owner, changed, reraise_interrupt)
                except Restart:
                    continue
            raise Unavailable("the warm runner keeps restarting")
        except (Unavailable, location.Unsafe) as exc:
            reason = str(exc)
        except OSError as exc:  # a read-only or full disk, a socket that broke
            reason = f"the warm runner failed ({exc.strerror or exc})"
    if root is not None:
        from pathlib import Path

        from katakit.runner import focus

        args = focus.focus_args(Path(root), args, changed)  # as the server does for a warm run
    return forking.run_plain(args, reason, replace_process=replace_process)


def stop(where: location.Location) -> bool:
    """Ask the server at ``where`` to exit; whether one was there."""
    try:
        sock = _connect(where)
    except (OSError, Unavailable):
        return False
    with sock:
        protocol.send(sock, {"stop": True})
        try:
            sock.recv(4096)
        except OSError:
            pass
    return True


# -- talking to the server ----------------------------------------------------


def _connect(where: location.Location) -> socket.socket:
    """A connection to the server at ``where``; ``Unavailable`` if another user serves it."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(where.address)
    except OSError:
        sock.close()
        raise
    uid = protocol.peer_uid(sock)
    if uid != os.geteuid():
        sock.close()
        whose = "an unknown user" if uid is None else f"uid {uid}"
        raise Unavailable(f"{where.address} is served by {whose}, not by you: not using it")
    return sock


def _start(root: str, where: location.Location, owner: int) -> socket.socket:
    """Start a server (unless another is starting) and connect once it listens."""
    location.prepare(where)
    if sys.stderr.isatty():
        print("kata-run: starting the warm runner (imports torch once)...", file=sys.stderr)
    deadline = time.monotonic() + START_TIMEOUT
    proc, spawned = _spawn(root, where, owner), time.monotonic()
    while time.monotonic() < deadline:
        try:
            return _connect(where)
        except OSError:
            pass
        code = proc.poll()
        if code == protocol.EXIT_IN_USE:
            # another server holds the lock: it is starting, exiting right now, or
            # lost its socket (someone deleted it) and must make way
            location.stop_orphan(where, SERVER_MODULE)
            if location.lock_is_free(where) or time.monotonic() - spawned > 0.5:
                proc, spawned = _spawn(root, where, owner), time.monotonic()
        elif code is not None and code != protocol.EXIT_IN_USE:
            raise Unavailable(f"the warm runner could not start (see {where.log})")
        time.sleep(0.02)
    proc.kill()
    raise Unavailable(f"the warm runner did not start in {START_TIMEOUT:g} s")


def _spawn(root: str, where: location.Location, owner: int):
    import subprocess

    try:
        log = location.open_log(where)
    except OSError as exc:
        raise Unavailable(
            f"the warm runner cannot write {where.log} ({exc.strerror or exc})"
        ) from None
    with os.fdopen(log, "ab") as log_file:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                SERVER_MODULE,
                "--root",
                root,
                "--socket",
                where.address,
                "--idle",
                str(location.idle_timeout()),
                "--owner",
                str(owner),
            ],
            cwd=root,
            env={**os.environ, **SERVER_ENV},
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stdio() -> list[int]:
    fds = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            fds.append(os.open(os.devnull, os.O_RDWR))
    return fds


def _streams() -> dict[str, tuple[str, str]]:
    out = {}
    for name in ("stdin", "stdout", "stderr"):
        stream = getattr(sys, name)
        out[name] = (
            getattr(stream, "encoding", None) or "utf-8",
            getattr(stream, "errors", None) or "strict",
        )
    return out


def _serve(
    root: str,
    where: location.Location,
    args: list[str],
    owner: int,
    changed: list[Path] | None,
    reraise: bool,
) -> int:
    try:
        sock = _connect(where)
    except OSError:
        sock = _start(root, where, owner)
    request: protocol.Request = {
        "args": args,
        "changed": None if changed is None else [str(p) for p in changed],
        "root": root,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "owner": owner,
        "streams": _streams(),
        "argv0": sys.argv[0] if sys.argv and sys.argv[0] else "pytest",
    }
    with sock:
        try:
            protocol.send(sock, request, _stdio())
        except OSError:
            raise Restart from None
        sys.stdout.flush()
        return _wait(sock, reraise)


def _wait(sock: socket.socket, reraise: bool) -> int:
    """Wait for the server's answer; Ctrl-C (or SIGTERM/SIGHUP) stops the run."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    caught: list[int] = []

    def on_signal(signum: int, _frame) -> None:
        caught.append(signum)

    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, on_signal) for sig in handled}
    previous_wakeup = signal.set_wakeup_fd(wake_w)
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    reader = protocol.Reader()
    started = interrupted = False
    try:
        while True:
            for key, _ in selector.select():
                if key.fileobj == wake_r:
                    try:
                        os.read(wake_r, 512)
                    except BlockingIOError:
                        pass
                    continue
                data = sock.recv(1 << 16)
                if not data:
                    if started:
                        raise Unavailable("the warm runner stopped during the run")
                    raise Restart
                try:
                    messages = reader.feed(data)
                except protocol.BadMessage as exc:
                    raise Unavailable(f"the warm runner answered nonsense ({exc})") from None
                for message in messages:
                    event = message.get("event")
                    if event == protocol.STARTED:
                        started = True
                    elif event == protocol.REFUSED:
                        if message.get("restart"):
                            raise Restart
                        raise Unavailable(str(message.get("reason", "it refused the request")))
                    else:
                        return _finish(message, interrupted, reraise)
            while caught:
                signum = caught.pop()
                if signum != signal.SIGINT or interrupted:
                    # a second Ctrl-C, or the terminal went away: leave now; the
                    # server stops the child (SIGINT, then SIGKILL after a grace period)
                    if reraise:
                        raise KeyboardInterrupt
                    return 2 if signum == signal.SIGINT else 128 + signum
                interrupted = True
                try:
                    protocol.send(sock, {"interrupt": True})
                except OSError:
                    pass
    finally:
        selector.close()
        signal.set_wakeup_fd(previous_wakeup)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        os.close(wake_r)
        os.close(wake_w)


def _finish(message: dict, interrupted: bool, reraise: bool) -> int:
    event, code = message.get("event"), message.get("code")
    if isinstance(code, bool) or not isinstance(code, int):
        code = 1
    if event == protocol.KILLED:
        print(
            "kata-run: the test run did not stop when asked, so it was killed"
            + _where(message.get("where", "")),
            file=sys.stderr,
            flush=True,
        )
    elif event == protocol.CRASHED:
        how = (
            f"was killed by {message['signal']}"
            if message.get("signal")
            else f"exited with status {message.get('status')} before pytest finished"
        )
        from katakit import timeouts  # not on every save: it imports threading and typing

        if timeouts.WATCHDOG_SIGNAL and message.get("signal") == timeouts.WATCHDOG_SIGNAL.name:
            how = timeouts.WATCHDOG_ENDED
        where = message.get("where", "")
        subject = f"kata {message['kata']}" if message.get("kata") else "the test run"
        print(
            f"{subject} crashed: the test process {how}{_where(where)}",
            file=sys.stderr,
            flush=True,
        )
    if interrupted and reraise:
        raise KeyboardInterrupt
    return code


def _where(nodeid: str) -> str:
    return f" (in {nodeid})" if nodeid else ""


if __name__ == "__main__":
    raise SystemExit(main())
