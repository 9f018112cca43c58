"""Run what matters first: which kata files a watch-triggered run should test.

A change to a learner module runs its kata; a change elsewhere runs the
learner's current kata. The plugin's progress summary still covers every kata,
from the results saved by earlier runs. No torch import here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the client imports this module: keep it light
    from katakit.catalog import Catalog, Kata

FOCUS_ENV = "KATA_FOCUS"  # "0" turns focusing off: the args go to pytest as given

# pytest options whose value may be an existing path, so it is not a test path
_TAKES_VALUE = {
    "-c",
    "--config-file",
    "--rootdir",
    "--basetemp",
    "--confcutdir",
    "-p",
    "--ignore",
    "--ignore-glob",
    "--deselect",
    "--junitxml",
    "--junit-xml",
    "--log-file",
    "--impl",
    "-k",
    "-m",
    "-o",
    "--override-ini",
    "--tb",
    "-W",
    "--pythonwarnings",
    "--device",
    "--kata-timeout",
    "--maxfail",
    "-r",
    "--durations",
    "--capture",
    "--import-mode",
}
_OTHER_TREES = ("--solutions", "--impl")


def wants_focus(args: list[str]) -> bool:
    """True when ``args`` name no test paths and run the learner's own code."""
    if os.environ.get(FOCUS_ENV, "1") == "0":
        return False
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg.split("=", 1)[0] in _OTHER_TREES:
            return False  # another tree: run exactly what plain pytest would
        if arg in _TAKES_VALUE:
            skip = True
            continue
        if not arg.startswith("-"):
            return False  # a test path (or something pytest will complain about)
    return True


def choose(root: Path, catalog: Catalog, changed: Iterable[Path] | None = None) -> list[Kata]:
    """The katas to run; empty means the whole suite.

    ``changed`` are the files a watcher saw change; without them (``ptw`` does not
    say) the learner modules newer than their saved results are the changed ones.
    """
    from katakit import results

    present = [k for k in catalog.katas if (root / k.tests).is_file()]
    saved = results.load(root)
    if changed is not None:
        touched = {_relative(root, path) for path in changed}
        picked = [k for k in present if k.module_file() in touched or k.tests in touched]
        if picked:
            return _and_next(present, saved, picked)
    stale = {k.id for k in results.stale(root, catalog, saved)}
    picked = [k for k in present if k.id in stale or k.id not in saved]
    if picked:
        return _and_next(present, saved, picked)
    current = [k for k in present if saved[k.id].state != "done"]
    return current[:1]


def _and_next(present: list[Kata], saved: dict, picked: list[Kata]) -> list[Kata]:
    """``picked``, plus the kata after the current one when the current one is picked.

    Should the current kata pass, the same run then shows the next kata's first
    failure at once, instead of only after the learner saves its file.
    """
    unfinished = [k for k in present if k.id not in saved or saved[k.id].state != "done"]
    if len(unfinished) < 2 or unfinished[0] not in picked or unfinished[1] in picked:
        return picked
    return picked + [unfinished[1]]


def focus_args(
    root: Path, args: list[str], changed: Iterable[Path] | None = None, cwd: Path | None = None
) -> list[str]:
    """``args`` with the chosen kata files (relative to ``cwd``) appended."""
    if not wants_focus(args):
        return args
    from katakit.catalog import CatalogError, load

    try:
        catalog = load(root)
    except CatalogError:
        return args
    katas = choose(root, catalog, changed)
    return args + [os.path.relpath(root / k.tests, cwd or Path.cwd()) for k in katas]


def _relative(root: Path, path: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return str(path)
