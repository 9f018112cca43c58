"""Where a checkout's warm runner listens, locks, logs and records its pid."""

from __future__ import annotations

import os
from pathlib import Path

SOCKET_ENV = "KATA_RUNNER_SOCKET"  # override the socket path (tests use their own)
IDLE_ENV = "KATA_RUNNER_IDLE"  # seconds without a request before the server exits
DEFAULT_IDLE = 1800.0
_MAX_SOCKET_PATH = 100  # AF_UNIX paths are limited to 107 bytes on Linux


class Location:
    """The socket path; the lock, pid and log files sit beside it."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    @property
    def lock(self) -> Path:
        return self.socket.with_name(self.socket.name + ".lock")

    @property
    def pidfile(self) -> Path:
        return self.socket.with_name(self.socket.name + ".pid")

    @property
    def log(self) -> Path:
        return self.socket.with_name(self.socket.name + ".log")


def for_root(root: Path) -> Location:
    """The runner's files for the checkout at ``root``: ``.kata/runner.sock`` and friends."""
    given = os.environ.get(SOCKET_ENV)
    if given:
        return Location(Path(given).absolute())
    path = root / ".kata" / "runner.sock"
    if len(os.fsencode(path)) > _MAX_SOCKET_PATH:
        import hashlib
        import tempfile

        digest = hashlib.sha1(os.fsencode(root)).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / f"torch-katas-{os.getuid()}"
        path = folder / f"{digest}.sock"
    return Location(path)


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``katas.toml`` (no toml parsing)."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / "katas.toml").is_file():
            return folder
    return None


def idle_timeout() -> float:
    try:
        return float(os.environ.get(IDLE_ENV, DEFAULT_IDLE))
    except ValueError:
        return DEFAULT_IDLE


def prepare(location: Location) -> None:
    """Create the socket's folder, private to this user."""
    location.socket.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
