"""The warm server: imports once; a child forked ahead of each request serves it.

Started by the client (``python -m katakit.runner.server``) in its own session.
It serves one request at a time on a Unix socket, exits when idle, when every
client session it served has ended, or when the harness code or the installed
packages change (the client then starts a new one). Each run is served by the
child waiting for it (``standby``), forked after the previous run.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import selectors
import signal
import socket
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from katakit import catalog, lazyimports
from katakit.runner import (
    focus,
    forking,
    location,
    owners,
    preload,
    protocol,
    rewritten,
    standby,
    supervise,
)
from katakit.runner.freshness import fingerprint

_terminated = False  # SIGTERM arrived


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM: leave at once. Python drops the ``SystemExit`` when the signal lands
    in one of ``os.fork``'s at-fork hooks; the serve loop then sees the flag."""
    global _terminated
    _terminated = True
    sys.exit(0)


class Shutdown(Exception):
    """Leave the serve loop and exit."""


class Server:
    def __init__(self, root: Path, where: location.Location, idle: float) -> None:
        self.root = root
        self.where = where
        self.idle = idle
        self.selector = selectors.DefaultSelector()
        self.owners = owners.Owners(self.selector)
        self.listener: socket.socket | None = None
        self.fingerprint = fingerprint(root)
        self.waiting: standby.Waiting | None = None  # the child forked for the next request
        self.later = True  # the katas' imports not made yet: see ``_import_later``

    # -- lifecycle -----------------------------------------------------------

    def listen(self) -> None:
        """Bind the socket (0600 whatever the umask) and remember which inode is ours."""
        path = self.where.socket
        try:
            path.unlink()  # this server holds the lock: whatever is there is stale
        except FileNotFoundError:
            pass
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        umask = os.umask(0o177)
        try:
            self.listener.bind(str(path))
        finally:
            os.umask(umask)
        st = os.lstat(path)
        self.bound = (st.st_dev, st.st_ino)
        self.listener.listen(16)
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")

    def close(self) -> None:
        """Remove the socket, only if the path still holds the one this server bound."""
        if self.listener is not None:
            try:
                st = os.lstat(self.where.socket)
                if (st.st_dev, st.st_ino) == getattr(self, "bound", None):
                    self.where.socket.unlink()
            except OSError:
                pass
            self.listener.close()
        self.owners.close()

    def serve(self) -> None:
        self.prepare(standby.profile_of({"env": dict(os.environ), "args": []}))
        last = time.monotonic()
        while not _terminated:
            left = self.idle - (time.monotonic() - last)
            if left <= 0:
                return
            events = self.selector.select(min(left, 2.0))
            for key, _ in events:
                if key.data == "accept":
                    conn, _ = self.listener.accept()
                    try:
                        self.handle(conn)
                    finally:
                        conn.close()
                    last = time.monotonic()
                else:
                    self.owners.drop(key.data[1])
            self.owners.prune()
            if self.owners.all_gone():
                return

    # -- one request ---------------------------------------------------------

    def handle(self, conn: socket.socket) -> None:
        """Serve one connection: only from this user, only a well-formed request.

        Nothing a client sends and no state file can end the server: a bad
        request or a failure before the run is refused with a reason (the
        client then runs plain pytest) and written to the log.
        """
        conn.settimeout(10)
        peer = protocol.peer_uid(conn)
        if peer != os.geteuid():
            print(f"refused a connection from uid {peer}", file=sys.stderr, flush=True)
            return
        try:
            request, fds = protocol.receive_request(conn)
        except (OSError, ValueError):
            return
        try:
            if request.get("stop") is True:
                protocol.send(conn, {"event": protocol.STOPPED})
                raise Shutdown
            problem = protocol.problem(request, fds)
            if problem:
                print(f"refused a request: {problem}", file=sys.stderr, flush=True)
                _refuse(conn, f"the warm runner refused the request ({problem})")
                return
            self.owners.add(request["owner"])
            if fingerprint(self.root) != self.fingerprint:
                protocol.send(
                    conn,
                    {
                        "event": protocol.REFUSED,
                        "restart": True,
                        "reason": "the harness or installed packages changed",
                    },
                )
                raise Shutdown
            hazard = forking.fork_hazard()
            if hazard:
                protocol.send(conn, {"event": protocol.REFUSED, "restart": False, "reason": hazard})
                raise Shutdown
            changed = request.get("changed")
            request["args"] = focus.focus_args(
                Path(request["root"]),
                list(request["args"]),
                None if changed is None else [Path(p) for p in changed],
                Path(request["cwd"]),
            )
            self.run(conn, request, fds)
        except Shutdown:
            raise
        except Exception as exc:
            traceback.print_exc()
            _refuse(conn, f"the warm runner failed ({type(exc).__name__}: {exc})")
        finally:
            for fd in fds:
                try:
                    os.close(fd)
                except OSError:
                    pass

    def run(self, conn: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
        profile = standby.profile_of(request)
        waiting = standby.take(self.waiting, self.root, profile)
        self.waiting = None
        try:
            if waiting is not None:
                try:
                    waiting.hand_over(request, fds)
                except OSError:  # it died after all
                    waiting.discard()
                    waiting = None
            if waiting is None:
                fresh = standby.fork(self.root, profile, self._server_fds(conn))
                try:
                    fresh.hand_over(request, fds)
                except OSError:
                    fresh.discard()
                    raise
                waiting = fresh
            for fd in fds:
                os.close(fd)
            fds.clear()
            status = supervise.supervise(conn, waiting.pid, waiting.inbox)
            done, code, where = waiting.progress.read()
            reply: dict[str, Any] = {"event": protocol.DONE, "code": code}
            if status.get("killed"):
                reply = {"event": protocol.KILLED, "code": 2, "where": where}
            elif not done:
                reply = {
                    "event": protocol.CRASHED,
                    "where": where,
                    "kata": supervise.kata_label(request, where),
                    **status,
                }
            try:
                protocol.send(conn, reply)
            except OSError:
                pass
            if self.later:  # the first answer is out: the next child should have them
                self._import_later()
            if status.get("finished"):  # the client has its answer: fork the next child first
                self.prepare(profile, conn)
                supervise.end(waiting.pid)
        finally:
            if waiting is not None:
                waiting.release()
            self.prepare(profile, conn)

    def _import_later(self) -> None:
        """Import the katas' slow ``imports`` (once, after the first request is answered).

        Not before: the first run would wait for them even where its katas do
        not use them (a run whose katas do imports them itself, before its clock).
        """
        self.later = False
        started = time.monotonic()
        failed = lazyimports.import_all(preload.kata_imports(self.root))
        print(
            f"later imports in {time.monotonic() - started:.2f} s"
            + (f"; could not import {', '.join(failed)}" if failed else ""),
            file=sys.stderr,
            flush=True,
        )

    # -- the waiting child -----------------------------------------------------

    def prepare(self, profile: dict[str, Any], conn: socket.socket | None = None) -> None:
        """Fork the child that waits for the next request (unless forking is unsafe now)."""
        if self.waiting is None and forking.fork_hazard() is None:
            rewritten.refresh(self.root)
            with contextlib.suppress(Exception):  # whatever is wrong, the run reports it
                catalog.load(self.root)  # parsed here once, inherited by every child
            try:
                self.waiting = standby.fork(self.root, profile, self._server_fds(conn))
            except OSError:  # no fork now: the next request forks its own child
                self.waiting = None

    def _server_fds(self, conn: socket.socket | None) -> list[int]:
        """The server's descriptors, which a child closes first."""
        fds = [self.listener.fileno(), self.selector.fileno(), *_LOCK_FDS]
        fds += self.owners.fds()
        return fds + ([conn.fileno()] if conn is not None else [])


def _refuse(conn: socket.socket, reason: str) -> None:
    try:
        protocol.send(conn, {"event": protocol.REFUSED, "restart": False, "reason": reason[:300]})
    except OSError:
        pass


_LOCK_FDS: list[int] = []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m katakit.runner.server")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--socket", type=Path, required=True)
    parser.add_argument("--idle", type=float, default=location.DEFAULT_IDLE)
    parser.add_argument("--owner", type=int, default=0)
    ns = parser.parse_args(argv)
    where = location.Location(ns.socket)
    try:
        location.prepare(where)
        lock = location.try_lock(where.lock)
    except (location.Unsafe, OSError) as exc:
        print(f"not serving: {exc}", file=sys.stderr)
        return 1
    if lock is None:
        return protocol.EXIT_IN_USE
    _LOCK_FDS.append(lock)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    started = time.monotonic()
    failed = preload.preload()
    hazard = forking.fork_hazard()
    if hazard:
        print(f"not serving: {hazard}", file=sys.stderr)
        return 1
    gc.collect()
    gc.freeze()
    server = Server(ns.root.resolve(), where, ns.idle)
    server.owners.add(ns.owner)
    print(
        f"pid {os.getpid()} ready in {time.monotonic() - started:.2f} s"
        + (f"; could not import {', '.join(failed)}" if failed else ""),
        file=sys.stderr,
        flush=True,
    )
    try:
        server.listen()
        try:
            # written once listening: a live pid here with no socket means a lost socket
            location.write_pid(where, os.getpid())
        except OSError as exc:
            print(f"cannot write {where.pidfile}: {exc}", file=sys.stderr, flush=True)
        server.serve()
    except Shutdown:
        pass
    finally:
        server.close()
        if location.read_pid(where) == os.getpid():
            try:
                where.pidfile.unlink()
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
