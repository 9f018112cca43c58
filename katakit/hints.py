"""``kata hint``: progressive hints from ``katas.toml``, one more level per call.

How many hints of each kata the learner has seen is kept in ``.kata/hints.json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from katakit.catalog import Kata

HINTS_FILE = ".kata/hints.json"


def available(kata: Kata) -> list[str]:
    """The kata's hints, without placeholders still waiting to be written."""
    return [h for h in kata.hints if h.strip() and h.strip().upper() != "TODO"]


def seen(root: Path) -> dict[str, int]:
    """How many hints of each kata (by id) have been shown."""
    try:
        data = json.loads((root / HINTS_FILE).read_text(encoding="utf-8"))
        return {str(k): int(v) for k, v in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def remember(root: Path, kata: Kata, level: int) -> None:
    """Record that ``level`` hints of ``kata`` have been shown."""
    levels = seen(root)
    levels[kata.id] = level
    target = root / HINTS_FILE
    target.parent.mkdir(exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(levels, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, target)


def _show(kata: Kata, hints: list[str], index: int) -> None:
    print(f"Hint {index + 1}/{len(hints)} for kata {kata.id} ({kata.title}):")
    print(f"  {hints[index]}")


def hint(root: Path, kata: Kata, *, show_all: bool = False) -> int:
    """Show the next hint of ``kata`` (or all of them) and say what to do next."""
    hints = available(kata)
    if not hints:
        print(f"Kata {kata.id} ({kata.title}) has no hints yet.")
        print(
            f"Next: read the docstrings in {kata.module_file()} and the failing test in "
            f"{kata.tests}; `kata solution {kata.id}` once it passes (or with --force)."
        )
        return 0
    shown = seen(root).get(kata.id, 0)
    if show_all:
        for index in range(len(hints)):
            _show(kata, hints, index)
        remember(root, kata, len(hints))
        print(
            f"\nNext: edit {kata.module_file()} and save. Still stuck? "
            f"`kata solution {kata.id} --force` shows the reference solution."
        )
        return 0
    index = min(shown, len(hints) - 1)
    _show(kata, hints, index)
    remember(root, kata, index + 1)
    print()
    if index + 1 < len(hints):
        print(
            f"Next: try it in {kata.module_file()}. Still stuck? "
            f"`kata hint {kata.id}` again for hint {index + 2}/{len(hints)}."
        )
    else:
        again = " (again)" if shown >= len(hints) else ""
        print(
            f"That was the last hint{again}. `kata hint {kata.id} --all` shows them all; "
            f"still stuck? `kata solution {kata.id}` shows the reference once the kata passes, "
            f"or now with --force."
        )
    return 0
