"""Where the checkout is: the nearest folder holding ``katas.toml``.

``kata-run`` looks on every save, before anything else, so the search itself
uses ``os.path`` only (importing ``pathlib`` costs a save several milliseconds).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing's own flag, without importing typing on every save
if TYPE_CHECKING:
    from pathlib import Path

CATALOG_FILE = "katas.toml"
NOT_A_CHECKOUT = (
    "not inside a torch-katas checkout (no katas.toml here or above): "
    "cd into the folder you cloned and try again"
)


def find_root_str(start: str | os.PathLike[str] | None = None) -> str | None:
    """The nearest folder at or above ``start`` (default: here) that holds ``katas.toml``."""
    here = os.path.realpath(os.fspath(start) if start is not None else os.getcwd())
    while True:
        if os.path.isfile(os.path.join(here, CATALOG_FILE)):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def find_root(start: Path | None = None) -> Path | None:
    """``find_root_str`` as a ``Path``."""
    from pathlib import Path

    found = find_root_str(start)
    return None if found is None else Path(found)
