"""Backups of learner files, taken before anything overwrites them."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

BACKUP_DIR = ".kata/backups"


def backup(root: Path, relpath: str) -> Path | None:
    """Copy ``root/relpath`` to a timestamped file under ``.kata/backups``; its path."""
    source = root / relpath
    if not source.is_file():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = root / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = relpath.replace("/", "__")
    target = folder / f"{stamp}--{name}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stamp}-{n}--{name}"
    shutil.copyfile(source, target)  # the backup's mtime is when it was taken
    return target


def latest(root: Path, relpath: str) -> Path | None:
    """The newest backup of ``relpath``, if any."""
    name = relpath.replace("/", "__")
    found = sorted(
        (root / BACKUP_DIR).glob(f"*--{name}"), key=lambda p: (p.stat().st_mtime_ns, p.name)
    )
    return found[-1] if found else None
