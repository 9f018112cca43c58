"""``kata hint``: progressive hints from ``katas.toml``, one more level per call.

How many hints of each kata the learner has seen is kept in ``.kata/hints.json``.
"""

from __future__ import annotations

from pathlib import Path

from katakit import statefiles
from katakit.catalog import Kata

HINTS_FILE = ".kata/hints.json"
_NAME = "hints.json"
_MAX_LEVEL = 1000


def available(kata: Kata) -> list[str]:
    """The kata's hints, without placeholders still waiting to be written."""
    return [h for h in kata.hints if h.strip() and h.strip().upper() != "TODO"]


def seen(root: Path) -> dict[str, int]:
    """How many hints of each kata (by id) have been shown; empty when malformed."""
    data = statefiles.read_json(root, _NAME, "hint levels")
    if data is None:
        return {}
    if isinstance(data, dict) and all(
        isinstance(k, str)
        and isinstance(v, int)
        and not isinstance(v, bool)
        and 0 <= v <= _MAX_LEVEL
        for k, v in data.items()
    ):
        return dict(data)
    statefiles.warn(
        f"ignoring {HINTS_FILE}: it does not map kata ids to hint counts; "
        "hints start from the first",
        str(root),
    )
    return {}


def remember(root: Path, kata: Kata, level: int) -> None:
    """Record that ``level`` hints of ``kata`` have been shown (one line if it cannot)."""
    levels = seen(root)
    levels[kata.id] = level
    statefiles.write_json(root, _NAME, levels, "the next `kata hint` may repeat this one")


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
