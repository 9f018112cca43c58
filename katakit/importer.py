"""The stable import path ``learner``: ``from learner import creation``.

Whichever tree is selected (``src/``, ``solutions/`` or ``--impl DIR``), the
katas import it as the package ``learner``. Its modules are always compiled
from source and never cached as bytecode: CPython validates a ``.pyc`` by the
source's mtime in whole seconds plus its size, so two same-size edits within
one second could otherwise run stale code.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from pathlib import Path

PACKAGE = "learner"


class _SourceOnlyLoader(importlib.machinery.SourceFileLoader):
    """Compile from source every time; never read or write ``__pycache__``."""

    def get_code(self, fullname: str) -> types.CodeType:
        path = self.get_filename(fullname)
        return compile(self.get_data(path), path, "exec", dont_inherit=True)


class _LearnerFinder(importlib.abc.MetaPathFinder):
    def __init__(self, root: Path) -> None:
        self.root = root

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001 (importlib API)
        if not fullname.startswith(PACKAGE + "."):
            return None
        leaf = fullname[len(PACKAGE) + 1 :]
        if "." in leaf:
            return None
        file = self.root / f"{leaf}.py"
        if not file.is_file():
            return None
        loader = _SourceOnlyLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def install(root: Path) -> None:
    """Make ``learner.<module>`` import ``root/<module>.py``."""
    uninstall()
    package = types.ModuleType(PACKAGE, f"Learner modules from {root}")
    package.__path__ = []  # a package, but only our finder resolves its modules
    package.__file__ = None
    package.__katas_root__ = str(root)
    sys.modules[PACKAGE] = package
    sys.meta_path.insert(0, _LearnerFinder(root))


def uninstall() -> None:
    """Forget the ``learner`` package and everything imported from it."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _LearnerFinder)]
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]
