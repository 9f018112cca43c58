"""Length-prefixed JSON messages over a Unix socket; a request also carries the
client's stdin, stdout and stderr as file descriptors (``SCM_RIGHTS``).

A message that is too big, not JSON, nested absurdly deep or not an object
raises ``BadMessage``; ``peer_uid`` says which user is at the other end.
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

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
    import os

    try:
        os.close(fd)
    except OSError:
        pass
