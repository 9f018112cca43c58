"""Length-prefixed JSON messages over a Unix socket; a request also carries the
client's stdin, stdout and stderr as file descriptors (``SCM_RIGHTS``).

A message that is too big, not JSON, nested absurdly deep or not an object
raises ``BadMessage``; ``peer_uid`` says which user is at the other end.
"""

from __future__ import annotations

import json
import os
import socket
import struct

TYPE_CHECKING = False  # typing's own flag, without importing typing on every save
if TYPE_CHECKING:
    from typing import Any, TypedDict

EXIT_IN_USE = 75  # a server's exit status when another one holds the lock

# replies, in a message's "event"
STARTED = "started"  # the child runs: {"pid"}
DONE = "done"  # pytest finished: {"code"}
KILLED = "killed"  # the run would not stop when asked: {"code", "where"}
CRASHED = "crashed"  # the child died before pytest finished: {"code", "where", "kata", ...}
REFUSED = "refused"  # not served: {"restart", "reason"}; the client restarts or runs plain
STOPPED = "stopped"  # the answer to {"stop": true}


if TYPE_CHECKING:

    class Request(TypedDict):
        """A run request: the client's pytest arguments and its context.

        The server chooses the kata files to run (``focus.focus_args``), so the
        client, started on every save, imports nothing to decide it.

        stdin, stdout and stderr travel beside it as file descriptors.
        """

        args: list[str]  # pytest's arguments as the client got them
        changed: list[str] | None  # the files a watcher saw change, if it knows them
        root: str  # the checkout (absolute)
        cwd: str  # the client's working directory (absolute)
        env: dict[str, str]  # the client's environment
        owner: int  # the process whose end lets the server exit
        streams: dict[str, list[str]]  # stdin/stdout/stderr -> [encoding, errors]
        argv0: str  # how the client was called, for pytest's sys.argv


_HEADER = struct.Struct("!I")
_MAX_FDS = 3
MAX_MESSAGE = 16 << 20  # bytes; a request carries the environment, never this much


class BadMessage(ValueError):
    """The bytes on the socket are not a message of this protocol."""


def peer_uid(sock: socket.socket) -> int | None:
    """The user id of the process at the other end (``SO_PEERCRED``); None where unknown."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    except OSError:
        return None
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid


def pack(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return _HEADER.pack(len(body)) + body


def send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    data = pack(message)
    if fds:
        sent = socket.send_fds(sock, [data], fds)
        data = data[sent:]
    if data:
        sock.sendall(data)


class Reader:
    """Splits a byte stream into messages; keeps partial data between reads."""

    def __init__(self) -> None:
        self.buffer = b""

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        self.buffer += data
        out = []
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            if size > MAX_MESSAGE:
                raise BadMessage(f"a message of {size} bytes is too big")
            end = _HEADER.size + size
            if len(self.buffer) < end:
                break
            try:
                message = json.loads(self.buffer[_HEADER.size : end])
            except (ValueError, RecursionError):
                raise BadMessage("a message is not valid JSON") from None
            if not isinstance(message, dict):
                raise BadMessage("a message is not a JSON object")
            out.append(message)
            self.buffer = self.buffer[end:]
        return out


def receive_request(sock: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """The first message on ``sock`` and the descriptors that came with it."""
    reader = Reader()
    data, fds, _flags, _addr = socket.recv_fds(sock, 1 << 16, _MAX_FDS)
    try:
        while True:
            if not data:
                raise ConnectionError("the client closed the connection")
            messages = reader.feed(data)
            if messages:
                return messages[0], fds
            data = sock.recv(1 << 16)
    except BaseException:
        for fd in fds:
            _close(fd)
        raise


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _strings(value: object, limit: int) -> bool:
    return (
        isinstance(value, list)
        and len(value) <= limit
        and all(isinstance(v, str) and "\0" not in v for v in value)
    )


def problem(request: dict[str, Any], fds: list[int]) -> str | None:
    """What is wrong with a run request (its shape, its folders; see ``Request``), or None."""
    if "stop" in request:
        return "stop is not true"
    if len(fds) != 3:
        return "it did not pass stdin, stdout and stderr"
    if not _strings(request.get("args"), 10_000):
        return "args is not a list of strings"
    owner = request.get("owner")
    if isinstance(owner, bool) or not isinstance(owner, int) or not 0 <= owner < 1 << 31:
        return "owner is not a process id"
    env = request.get("env")
    if not isinstance(env, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k and "=" not in k and "\0" not in k + v
        for k, v in env.items()
    ):
        return "env is not a map of names to strings"
    streams = request.get("streams", {})
    if not isinstance(streams, dict) or not all(
        k in ("stdin", "stdout", "stderr") and _strings(v, 2) and len(v) == 2
        for k, v in streams.items()
    ):
        return "streams is not a map of stream names to encodings"
    if not isinstance(request.get("argv0", ""), str):
        return "argv0 is not a string"
    changed = request.get("changed")
    if changed is not None and not _strings(changed, 100_000):
        return "changed is not a list of paths"
    for key in ("root", "cwd"):
        value = request.get(key)
        if not isinstance(value, str) or "\0" in value or not os.path.isabs(value):
            return f"{key} is not an absolute path"
        if not os.path.isdir(value):
            return f"{key} is not a folder"
    return None
