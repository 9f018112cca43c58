"""Where a checkout's warm runner listens, locks, logs and records its pid.

Only in folders the user owns and nobody else can write: ``.kata/`` in the
checkout (made 0700), else ``$XDG_RUNTIME_DIR/torch-katas``, else a
``torch-katas-<uid>`` temp folder created 0700. A folder that is a symlink,
belongs to someone else or is group/world-writable is refused (``Unsafe``:
one line, and the client runs plain pytest). The lock, pid and log files are
opened with ``O_NOFOLLOW``, so a planted symlink cannot redirect them. The pid
file also tells which server holds the lock when its socket was deleted
(``stop_orphan``).
"""

from __future__ import annotations

import os
import signal
import stat

TYPE_CHECKING = False  # typing's own flag: the client finds its server without pathlib
if TYPE_CHECKING:
    from pathlib import Path

SOCKET_ENV = "KATA_RUNNER_SOCKET"  # override the socket path (tests use their own)
IDLE_ENV = "KATA_RUNNER_IDLE"  # seconds without a request before the server exits
DEFAULT_IDLE = 1800.0
_MAX_SOCKET_PATH = 100  # AF_UNIX paths are limited to 107 bytes on Linux
_OPEN = os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class Unsafe(Exception):
    """The runner's folder or files cannot be trusted; the message is one line."""


class Location:
    """The socket path; the lock, pid and log files sit beside it."""

    def __init__(self, socket: str | os.PathLike[str]) -> None:
        self.address = os.fspath(socket)  # what the client connects to, as a string

    @property
    def socket(self) -> Path:
        return _path(self.address)

    @property
    def lock(self) -> Path:
        return _path(self.address + ".lock")

    @property
    def pidfile(self) -> Path:
        return _path(self.address + ".pid")

    @property
    def log(self) -> Path:
        return _path(self.address + ".log")


def _path(name: str) -> Path:
    from pathlib import Path

    return Path(name)


def for_root(root: str | os.PathLike[str]) -> Location:
    """The runner's files for the checkout at ``root``: ``.kata/runner.sock`` and friends."""
    given = os.environ.get(SOCKET_ENV)
    if given:
        return Location(os.path.join(os.getcwd(), given))
    path = os.path.join(root, ".kata", "runner.sock")
    if len(os.fsencode(path)) > _MAX_SOCKET_PATH:
        import hashlib

        digest = hashlib.sha1(os.fsencode(root)).hexdigest()[:16]
        path = os.path.join(_short_folder(), f"{digest}.sock")
    return Location(path)


def _short_folder() -> str:
    """A private folder with a short path: the user's runtime folder, else a temp folder."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime):
        try:
            st = os.lstat(runtime)
        except OSError:
            st = None
        if (
            st is not None
            and stat.S_ISDIR(st.st_mode)
            and st.st_uid == os.geteuid()
            and not st.st_mode & 0o022
        ):
            return os.path.join(runtime, "torch-katas")
    import tempfile

    return os.path.join(tempfile.gettempdir(), f"torch-katas-{os.geteuid()}")


def idle_timeout() -> float:
    try:
        value = float(os.environ.get(IDLE_ENV, DEFAULT_IDLE))
    except ValueError:
        return DEFAULT_IDLE
    return value if 0 < value < 1e9 else DEFAULT_IDLE


def prepare(location: Location) -> None:
    """Make sure the socket's folder exists and is private to this user; else ``Unsafe``.

    ``.kata/`` (the checkout's own) is tightened to 0700 whoever created it; any
    other folder must already be the user's and not writable by others.
    """
    folder = location.socket.parent
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise Unsafe(f"cannot create {folder}: {exc.strerror or exc}") from None
    try:
        st = os.lstat(folder)
    except OSError as exc:
        raise Unsafe(f"cannot use {folder}: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise Unsafe(f"{folder} is not a plain folder (a symlink or a file)")
    if st.st_uid != os.geteuid():
        raise Unsafe(f"{folder} belongs to uid {st.st_uid}, not to you")
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o022 and folder.name != ".kata":
        raise Unsafe(f"{folder} is writable by other users (mode {mode:o}): remove it")
    if mode != 0o700:
        try:
            os.chmod(folder, 0o700)
        except OSError as exc:
            raise Unsafe(f"cannot make {folder} private: {exc.strerror or exc}") from None


def open_private(path: Path, flags: int) -> int:
    """Open (creating, 0600) a runner file, never through a symlink, only a regular file
    of this user's; raises ``OSError``."""
    fd = os.open(path, flags | _OPEN, 0o600)
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
        os.close(fd)
        raise OSError(0, f"{path} is not a plain file of yours")
    return fd


def open_log(location: Location) -> int:
    """The log, opened for appending."""
    return open_private(location.log, os.O_WRONLY | os.O_APPEND)


def write_pid(location: Location, pid: int) -> None:
    fd = open_private(location.pidfile, os.O_WRONLY | os.O_TRUNC)
    try:
        os.write(fd, str(pid).encode())
    finally:
        os.close(fd)


def read_pid(location: Location) -> int | None:
    """The pid in the pid file, if it is a plain small file holding a number."""
    try:
        fd = os.open(location.pidfile, os.O_RDONLY | os.O_NONBLOCK | _OPEN & ~os.O_CREAT)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        text = os.read(fd, 32).decode("ascii", "replace").strip()
    finally:
        os.close(fd)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def stop_orphan(where: Location, server_module: str) -> None:
    """Stop the lock holder if it is a server of ours that listened but lost its socket.

    A server records its pid only once it listens, so a pid file naming a live
    server while no socket exists means the socket was deleted under it.
    """
    if os.path.lexists(where.socket):
        return
    pid = read_pid(where)
    if pid is None or pid <= 1:
        return
    try:
        if os.stat(f"/proc/{pid}").st_uid != os.geteuid():
            return
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            argv = handle.read().split(b"\0")
    except OSError:
        return
    if server_module.encode() in argv and os.fsencode(where.socket) in argv:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass


def try_lock(path: Path) -> int | None:
    """The descriptor of ``path`` locked for this process (``flock``), or None if another holds it.

    The lock ends when the descriptor is closed, at the latest when the process exits.
    """
    import fcntl

    fd = open_private(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def lock_is_free(where: Location) -> bool:
    """Whether no server holds ``where``'s lock right now."""
    try:
        fd = try_lock(where.lock)
    except OSError:
        return False
    if fd is None:
        return False
    os.close(fd)
    return True
