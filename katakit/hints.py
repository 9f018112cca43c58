"""``kata hint``: progressive hints from ``katas.toml``, one more level per call.

A kata's hints may be keyed per learner function (``[kata.function_hints]``);
``kata hint`` follows the function the last run pointed at and falls back to
the kata's own list. How many hints of each kata (``"01"``) or function
(``"01:from_list"``) the learner has seen is kept in ``.kata/hints.json``.
"""

from __future__ import annotations

from pathlib import Path

from katakit import statefiles
from katakit.catalog import Kata

HINTS_FILE = ".kata/hints.json"
_NAME = "hints.json"
_MAX_LEVEL = 1000


def _usable(hints: list[str] | tuple[str, ...]) -> list[str]:
    return [h for h in hints if isinstance(h, str) and h.strip() and h.strip().upper() != "TODO"]


def available(kata: Kata) -> list[str]:
    """The kata's hints, without placeholders still waiting to be written."""
    return _usable(kata.hints)


def function_hints(root: Path, kata: Kata) -> dict[str, list[str]]:
    """The kata's hints per learner function (empty when the catalogue has none)."""
    found = {name: _usable(hints) for name, hints in kata.function_hints}
    return {name: hints for name, hints in found.items() if hints}


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


def remember(root: Path, kata: Kata, level: int, *, function: str | None = None) -> None:
    """Record that ``level`` hints of ``kata`` (or of its ``function``) have been shown.

    Says so in one line when the state file cannot be written.
    """
    levels = seen(root)
    levels[_key(kata, function)] = level
    statefiles.write_json(root, _NAME, levels, "the next `kata hint` may repeat this one")


def _key(kata: Kata, function: str | None) -> str:
    return f"{kata.id}:{function}" if function else kata.id


def _subject(kata: Kata, function: str | None) -> str:
    if function:
        return f"`{function}` (kata {kata.id}, {kata.title})"
    return f"kata {kata.id} ({kata.title})"


def _show(subject: str, hints: list[str], index: int) -> None:
    from katakit.view import cli_width, wrap

    print(f"Hint {index + 1}/{len(hints)} for {subject}:")
    print("\n".join(wrap("  " + hints[index], cli_width(), "  ")))


def _say(text: str) -> None:
    from katakit.view import cli_width, wrap

    print("\n".join(wrap(text, cli_width(), "  ")))


def hint(root: Path, kata: Kata, *, show_all: bool = False, function: str | None = None) -> int:
    """Show the next hint for ``function`` of ``kata`` (or all of them) and what to do next.

    Without per-function hints for ``function`` the kata's own list is used.
    """
    per_function = function_hints(root, kata)
    if function not in per_function:
        function = None
    hints = per_function[function] if function else available(kata)
    where = f"`{function}` in {kata.module_file()}" if function else kata.module_file()
    if not hints:
        print(f"Kata {kata.id} ({kata.title}) has no hints yet.")
        _say(
            f"Next: read the docstrings in {kata.module_file()} and the failing test in "
            f"{kata.tests}; `kata solution {kata.id}` once it passes (or with --force)."
        )
        return 0
    subject = _subject(kata, function)
    shown = seen(root).get(_key(kata, function), 0)
    if show_all:
        for index in range(len(hints)):
            _show(subject, hints, index)
        remember(root, kata, len(hints), function=function)
        print()
        _say(
            f"Next: edit {where} and save. Still stuck? "
            f"`kata solution {kata.id} --force` shows the reference solution."
        )
        return 0
    index = min(shown, len(hints) - 1)
    _show(subject, hints, index)
    remember(root, kata, index + 1, function=function)
    print()
    if index + 1 < len(hints):
        _say(
            f"Next: try it in {where} and save. Still stuck? "
            f"`kata hint {kata.id}` again for hint {index + 2}/{len(hints)}."
        )
    else:
        again = " (again)" if shown >= len(hints) else ""
        _say(
            f"That was the last hint{again} for {subject}. `kata hint {kata.id} --all` shows "
            f"them all; still stuck? `kata solution {kata.id}` shows the reference once the "
            f"kata passes, or now with --force."
        )
    return 0


def done(root: Path, kata: Kata, passed: int, *, show_all: bool = False) -> int:
    """``kata hint`` on a finished kata: say so; with ``show_all``, every hint it has."""
    _say(
        f"Kata {kata.id} ({kata.title}) is done: all {passed} tests pass. "
        f"Compare your code with the reference: `kata solution {kata.id}`."
    )
    if show_all:
        for index in range(len(available(kata))):
            _show(_subject(kata, None), available(kata), index)
        for function, hints in function_hints(root, kata).items():
            for index in range(len(hints)):
                _show(_subject(kata, function), hints, index)
    else:
        _say(f"Its hints, for a look back: `kata hint {kata.id} --all`.")
    return 0
