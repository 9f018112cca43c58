"""Where the checkout is: the nearest folder holding ``katas.toml``.

Kept to the standard library's ``pathlib``: ``kata-run`` imports it on every
save, before anything else.
"""

from __future__ import annotations

from pathlib import Path

CATALOG_FILE = "katas.toml"
NOT_A_CHECKOUT = (
    "not inside a torch-katas checkout (no katas.toml here or above): "
    "cd into the folder you cloned and try again"
)


def find_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: here) that holds ``katas.toml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CATALOG_FILE).is_file():
            return folder
    return None
