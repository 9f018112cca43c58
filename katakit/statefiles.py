"""Safe reads and atomic writes of the files the tooling keeps (``.kata/`` and learner files).

Anything under ``.kata/`` may have been edited by hand, truncated, replaced by a
folder, a FIFO or a symlink, or left behind by a full disk. Reads check the
file is a regular one of sane size and parse it strictly; callers validate the
shape and fall back to "no state" with one line on stderr (``warn``). Writes go
to a fresh temporary file (``O_EXCL | O_NOFOLLOW``) that is flushed to disk and
renamed over the old one, so a file is either whole or untouched. ``.kata/`` and
its folders are made private (0700, whatever the umask) and never followed
through a symlink. No torch import here.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import stat
import sys
from pathlib import Path

STATE_DIR = ".kata"
MAX_BYTES = 4 << 20  # a state file bigger than this was not written by the tooling
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_warned: set[tuple[int, str, str]] = set()


class UnsafeState(OSError):
    """A state folder is a symlink, not a folder, or belongs to someone else."""


def warn(message: str, key: str = "") -> None:
    """Print ``kata: message`` on stderr, once per process for each ``key``/message.

    Keyed by pid too: a child forked by the warm runner says it again, to its own stderr.
    """
    seen = (os.getpid(), key, message)
    if seen in _warned:
        return
    _warned.add(seen)
    print(f"kata: {message}", file=sys.stderr, flush=True)


def finite(value: object) -> bool:
    """A real int or float (not a bool) that is finite."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _private(folder: Path, shown: str) -> None:
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeState(f"{shown} is not a plain folder (a symlink or a file)")
    if st.st_uid != os.geteuid():
        raise UnsafeState(f"{shown} belongs to uid {st.st_uid}, not to you")
    if stat.S_IMODE(st.st_mode) != 0o700:
        os.chmod(folder, 0o700)  # ours: private whichever command created it


def private_dir(root: Path, *parts: str) -> Path:
    """``root/.kata[/parts]``, created or tightened to 0700; raises ``UnsafeState``/``OSError``."""
    folder = root / STATE_DIR
    _private(folder, STATE_DIR)
    for part in parts:
        folder = folder / part
        _private(folder, f"{STATE_DIR}/{part}")
    return folder


def _state_dir_usable(root: Path) -> bool:
    """Whether ``root/.kata`` is a real folder (absent or not: nothing to read)."""
    try:
        return stat.S_ISDIR(os.lstat(root / STATE_DIR).st_mode)
    except OSError:
        return False


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``, never through a final symlink, only from a regular file.

    Raises ``FileNotFoundError`` when absent and ``OSError`` (with a readable
    ``strerror``) when it is a symlink, a folder, a device or too big.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if os.path.islink(path):
            raise OSError(exc.errno, "it is a symlink") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "it is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(0, f"it is larger than {limit} bytes")
    return data


def no_constants(name: str) -> None:
    """``json.loads``'s ``parse_constant``: NaN and Infinity are not numbers here."""
    raise ValueError(f"{name} is not a number")


def read_json(root: Path, name: str, what: str) -> object | None:
    """The JSON value in ``.kata/<name>``; None when absent or unreadable (said in one line).

    JSON ``null`` counts as unreadable: no state file of the tooling holds it.
    """
    shown = f"{STATE_DIR}/{name}"
    if not _state_dir_usable(root):
        if os.path.lexists(root / STATE_DIR):
            warn(f"ignoring {STATE_DIR}: it is not a plain folder; {what} start empty")
        return None
    try:
        data = read_regular(root / STATE_DIR / name)
    except FileNotFoundError:
        return None
    except OSError as exc:
        warn(f"ignoring {shown} ({exc.strerror or exc}); {what} start empty", str(root))
        return None
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=no_constants)
    except (ValueError, RecursionError):
        value = None
    if value is None:
        warn(f"ignoring {shown}: it is not valid JSON; {what} start empty", str(root))
    return value


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` by ``data`` all at once: temp file, fsync, rename.

    ``path`` itself is replaced, never followed if it is a symlink. On any
    ``OSError`` the temp file is removed and the old file is left as it was.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    create_new(tmp, data, mode)
    try:
        os.chmod(tmp, mode)  # the umask may have taken bits away
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def create_new(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to a file that must not exist yet (``O_EXCL | O_NOFOLLOW``), synced.

    Raises ``FileExistsError`` when the name is taken; on any other error the
    partial file is removed.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _unlink(path)
        raise


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def write_json(root: Path, name: str, value: object, what: str) -> bool:
    """Save ``value`` as ``.kata/<name>`` atomically; on failure one line, and False."""
    try:
        data = json.dumps(value, indent=1, sort_keys=True, allow_nan=False).encode("utf-8")
        atomic_write(private_dir(root) / name, data)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        warn(f"could not save {STATE_DIR}/{name} ({reason}); {what}", str(root))
        return False
    return True
