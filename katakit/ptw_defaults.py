"""Make plain ``ptw`` watch only ``src/`` and ``katas/``.

pytest-watch 4.2.0 reads its options from the ``[pytest-watch]`` section of
``pytest.ini``, but the folders to watch only from its command line: with no
arguments it watches the whole checkout, virtualenv and caches included. To
find that ini file, ``ptw`` runs pytest in its own process, which loads this
module (``-p katakit.ptw_defaults`` in ``addopts``); when it sees ``ptw``'s
command module loaded, it makes ``ptw`` watch ``src/`` and ``katas/`` of the
checkout it was started in, unless folders were named on the command line.
Anywhere else this module does nothing.

PYTEST_DONT_REWRITE: the warm runner imports this module before pytest runs.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

from katakit.console import WATCHED, clear_screen

POLL_INTERVAL = 0.01  # seconds between ptw's looks at its event queue


def watched_folders(cwd: str) -> list[str]:
    """The folders ``ptw`` should watch when started in ``cwd`` without any."""
    if not os.path.isfile(os.path.join(cwd, "katas.toml")):
        return []
    return [name for name in WATCHED if os.path.isdir(os.path.join(cwd, name))]


def wrap(watch: Callable[..., Any]) -> Callable[..., Any]:
    """``ptw``'s ``watch`` with the default folders replaced by ``WATCHED``."""
    if getattr(watch, "katas_folders", False):
        return watch

    def watch_katas(entries: list[str] | None = None, **options: Any) -> Any:
        if not entries:
            entries = watched_folders(os.getcwd()) or entries
        return watch(entries=entries, **options)

    watch_katas.katas_folders = True  # type: ignore[attr-defined]
    return watch_katas


class _QuickTime:
    """``time`` for ptw's watcher: its 0.1 s waits for a file event become 10 ms."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(min(seconds, POLL_INTERVAL))


def install() -> None:
    command = sys.modules.get("pytest_watch.command")
    if command is not None and callable(getattr(command, "watch", None)):
        command.watch = wrap(command.watch)
    watcher = sys.modules.get("pytest_watch.watcher")
    if watcher is not None and getattr(watcher, "time", None) is time:
        watcher.time = _QuickTime()
        if os.name != "nt":
            watcher.clear = clear_screen


install()
