"""Slow imports kept off a test's clock, and undone when a time limit lands inside one.

Some parts of torch are imported only when first used: the first fake tensor
imports ``torch._dynamo`` and sympy, about 1 s on a quiet machine and many on a
busy one. ``katas.toml`` names them per kata (``imports``); the plugin, the warm
runner's server and ``kata check``'s pool import them with ``import_all`` before
any test's limit starts.

A limit that still lands inside the top-level code of a library's module leaves
that import half done: importlib drops the module that raised, but the
submodules it had finished stay, bound to nothing, and the next import of the
package breaks (``module 'sympy' has no attribute 'printing'``). ``unload``
removes every module imported since the test began, so the next test imports
them afresh. No torch or pytest import here.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from types import TracebackType


def import_all(names: Iterable[str]) -> list[str]:
    """Import each of ``names``; the names that failed (their tests meet the same error)."""
    failed = []
    for name in names:
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except Exception:
            failed.append(name)
    return failed


def mark() -> str | None:
    """The module imported last, for ``unload`` (costs a tenth of a microsecond)."""
    return next(reversed(sys.modules), None)


def interrupted(tb: TracebackType | None, learner_files: str) -> str | None:
    """The module whose import ``tb`` shows cut short, unless it is the learner's.

    That is the innermost frame running a module's top-level code; ``None`` when
    there is none or its file starts with ``learner_files`` (the learner's tree).
    """
    found = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "<module>":
            found = frame
        tb = tb.tb_next
    if found is None or found.f_code.co_filename.startswith(learner_files):
        return None
    return str(found.f_globals.get("__name__", found.f_code.co_filename))


def unload(since: str | None, keep: str) -> list[str]:
    """Remove from ``sys.modules`` what was imported after ``since`` (a ``mark``).

    Modules of the package ``keep`` (the learner's) stay: the plugin's importer
    manages them. Returns the names removed, newest first; none when ``since``
    is gone (nothing can be told apart then).
    """
    names = list(sys.modules)  # in the order they were imported
    if since not in names:
        return []
    newer = names[: names.index(since) : -1]  # newest first
    removed = [n for n in newer if n != keep and not n.startswith(keep + ".")]
    for name in removed:
        sys.modules.pop(name, None)
    return removed
