"""When the server must restart: installed packages or the harness code changed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

Fingerprint = tuple[tuple[str, int, int], ...]

HARNESS_FILES = ("conftest.py", "pytest.ini")


def _watched(root: Path) -> list[str]:
    import katakit

    package = Path(katakit.__file__).resolve().parent
    files = sorted(str(p) for p in package.rglob("*.py"))
    files += [str(root / name) for name in HARNESS_FILES]
    files += sorted(
        {p for p in sys.path if p.endswith(("site-packages", "dist-packages")) and os.path.isdir(p)}
    )
    return files


def fingerprint(root: Path) -> Fingerprint:
    """(path, mtime, size) of the harness code, root conftest and package folders."""
    out = []
    for path in _watched(root):
        try:
            st = os.stat(path)
            out.append((path, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((path, 0, -1))
    return tuple(out)
