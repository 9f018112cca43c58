"""``kata reset``: put a kata's starting stub back, and ``--undo`` it; no work is ever lost.

Before anything overwrites a learner file it is copied to ``.kata/backups``.
"""

from __future__ import annotations

import os
from pathlib import Path

from katakit import backup, statefiles
from katakit.catalog import Kata
from katakit.console import KataError, confirm, need_file, rel
from katakit.stubs import stub_for


def reset(root: Path, kata: Kata, *, yes: bool = False) -> int:
    """Back up ``src/<module>.py`` and replace it with the kata's stub."""
    need_file(root, kata, "solutions", "its stub is made from a solution not written yet")
    relpath = kata.module_file()
    target = backup.inside(root, relpath)
    stub = stub_for(root, kata)
    if target.is_file() and _text(target) == stub:
        print(f"{relpath} is already the fresh stub of kata {kata.id}: nothing to reset.")
        print(f"Next: edit {relpath} and save; `kata hint {kata.id}` if you are stuck.")
        return 0
    if target.is_file():
        confirm(
            f"Replace your {relpath} with the starting stub? (Your version is backed up first.)",
            yes=yes,
            refusal=f"not resetting {relpath} without a confirmation: "
            f"no terminal to ask in, so add --yes (`kata reset {kata.id} --yes`)",
            declined=f"{relpath} is left as it was",
        )
    saved = backup.backup(root, relpath)
    _write(target, stub.encode("utf-8"), relpath)
    if saved is not None:
        print(f"Your {relpath} is saved as {rel(saved, root)}")
    print(f"{relpath} is back to the starting stub of kata {kata.id} ({kata.title}).")
    print(f"Next: edit {relpath} and save; `kata reset --undo {kata.id}` brings your version back.")
    return 0


def undo(root: Path, kata: Kata) -> int:
    """Bring the newest backup of ``src/<module>.py`` back, backing up the current file first."""
    relpath = kata.module_file()
    target = backup.inside(root, relpath)
    newest = backup.latest(root, relpath)
    if newest is None:
        raise KataError(f"no backup of {relpath} in {backup.BACKUP_DIR}: nothing to undo")
    try:
        data = statefiles.read_regular(newest, limit=64 << 20)
    except OSError as exc:
        raise KataError(f"cannot read {rel(newest, root)}: {exc.strerror or exc}") from None
    current = backup.backup(root, relpath)
    # a fresh file (not copy2): it gets a fresh mtime, so saved results count as stale
    _write(target, data, relpath)
    print(f"{relpath} is restored from {rel(newest, root)}")
    if current is not None:
        print(f"The file it replaced is saved as {rel(current, root)}")
    print(
        f"Next: carry on in {relpath}; `kata reset --undo {kata.id}` again swaps back, "
        "`kata status --run` rechecks it."
    )
    return 0


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _write(target: Path, data: bytes, relpath: str) -> None:
    """Replace ``target`` whole (temp file, fsync, rename), keeping its permissions."""
    try:
        mode = os.stat(target).st_mode & 0o777
    except OSError:
        mode = 0o644
    try:
        statefiles.atomic_write(target, data, mode)
    except OSError as exc:
        raise KataError(
            f"cannot write {relpath} ({exc.strerror or exc}): it is left as it was"
        ) from None
