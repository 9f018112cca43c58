"""Backups of learner files, taken before anything overwrites them.

Backups are regular files in ``.kata/backups`` (a private folder, never a
symlink), created with ``O_EXCL | O_NOFOLLOW``; only regular files found there
count as backups. Learner files are written only where they resolve inside
the checkout.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from katakit import statefiles
from katakit.console import KataError

BACKUP_DIR = ".kata/backups"


def inside(root: Path, relpath: str) -> Path:
    """``root/relpath`` resolved; a one-line ``KataError`` when it leads out of the checkout."""
    resolved = (root / relpath).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise KataError(
            f"{relpath} leads outside the checkout (to {resolved}): not writing through "
            "that link; replace it with a plain file"
        )
    return resolved


def backup(root: Path, relpath: str) -> Path | None:
    """Copy ``root/relpath`` to a timestamped file under ``.kata/backups``; its path.

    None when there is no regular file to back up. Raises ``KataError`` (one
    line) when the backup cannot be written whole, so nothing is overwritten.
    """
    source = inside(root, relpath)
    try:
        data = statefiles.read_regular(source, limit=64 << 20)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if os.path.isdir(source):
            return None
        raise KataError(f"cannot read {relpath} to back it up: {exc.strerror or exc}") from None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    name = relpath.replace("/", "__")
    try:
        folder = statefiles.private_dir(root, "backups")
        n = 1
        while True:
            target = folder / (f"{stamp}--{name}" if n == 1 else f"{stamp}-{n}--{name}")
            try:
                statefiles.create_new(target, data)
                return target
            except FileExistsError:
                n += 1
    except OSError as exc:
        raise KataError(
            f"cannot back up {relpath} in {BACKUP_DIR} ({exc.strerror or exc}): nothing was changed"
        ) from None


def latest(root: Path, relpath: str) -> Path | None:
    """The newest backup of ``relpath``: regular files in a real ``.kata/backups`` only."""
    suffix = "--" + relpath.replace("/", "__")
    folder = root / BACKUP_DIR
    try:
        for part in (folder.parent, folder):
            if not stat.S_ISDIR(os.lstat(part).st_mode):
                return None
        found = []
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(suffix) and entry.is_file(follow_symlinks=False):
                    found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name))
    except OSError:
        return None
    return folder / max(found)[1] if found else None
