"""Terminal helpers shared by the ``kata`` verbs: one-line errors, confirmations, marks.

Nothing here imports torch, numpy or pytest: ``kata status`` must start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

from katakit.catalog import Catalog, Kata, load
from katakit.checkout import NOT_A_CHECKOUT, find_root

WATCHED = ("src", "katas")  # the folders `ptw` and `kata watch` watch for saves


def clear_screen() -> None:
    """Home the cursor and clear the screen and its scrollback."""
    sys.stdout.write("\033[H\033[2J\033[3J")
    sys.stdout.flush()


class KataError(Exception):
    """A problem the learner can fix; ``kata`` prints it as one line and exits with 2."""


class Declined(Exception):
    """The learner answered no to a confirmation; ``kata`` exits with 1."""


def checkout() -> tuple[Path, Catalog]:
    """The checkout around the current folder and its catalogue."""
    root = find_root()
    if root is None:
        raise KataError(NOT_A_CHECKOUT)
    return root, load(root)


def confirm(question: str, *, yes: bool, refusal: str, declined: str = "nothing changed") -> None:
    """Ask ``question`` in a terminal; ``--yes`` skips it; without a terminal, refuse.

    Raises ``KataError(refusal)`` when stdin is not a terminal and ``Declined``
    on any answer but yes.
    """
    if yes:
        return
    if not sys.stdin.isatty():
        raise KataError(refusal)
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise Declined(declined)


def need_file(root: Path, kata: Kata, tree: str, remedy: str = "") -> Path:
    """``root/<tree>/<module>.py``, or a one-line error when the kata lacks it."""
    path = root / kata.module_file(tree)
    if not path.is_file():
        raise KataError(
            f"kata {kata.label} has no {kata.module_file(tree)}" + (f": {remedy}" if remedy else "")
        )
    return path


def utf8_stdout() -> bool:
    """Whether standard output can show Unicode marks."""
    return (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") == "utf8"


def marks() -> dict[str, str]:
    """Progress marks: Unicode where stdout speaks UTF-8, ASCII elsewhere."""
    if utf8_stdout():
        return {"done": "✔", "in_progress": "◐", "not_started": "·", "fill": "█", "empty": "░"}
    return {"done": "+", "in_progress": "~", "not_started": ".", "fill": "#", "empty": "-"}


def rel(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` where it lies inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
