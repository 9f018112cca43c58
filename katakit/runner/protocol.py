"""Length-prefixed JSON messages over a Unix socket; a request also carries the
client's stdin, stdout and stderr as file descriptors (``SCM_RIGHTS``)."""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

_HEADER = struct.Struct("!I")
_MAX_FDS = 3


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
            end = _HEADER.size + size
            if len(self.buffer) < end:
                break
            out.append(json.loads(self.buffer[_HEADER.size : end]))
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
