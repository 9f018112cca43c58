"""The kata test files as pytest's assertion rewriting turns them into code, made ahead.

Rewriting a kata file (parse, rewrite every ``assert``, compile) costs a few
milliseconds per file in every run, ~0.1 s for the whole catalogue. The server
rewrites the files under ``katas/`` between requests (``refresh``: only files
whose bytes changed) and a child hands pytest the result (``use``) only when the
file it is about to import holds exactly the same bytes: the same input to the
same compiler, so never stale, whatever the file's timestamps say. Nothing is
executed here, and nothing is written to disk.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

# str(path) -> (the source it was made from, what pytest's _rewrite_test returned)
_MADE: dict[str, tuple[bytes, Any]] = {}


def _pytest_rewrite() -> types.ModuleType | None:
    from _pytest.assertion import rewrite

    return rewrite if callable(getattr(rewrite, "_rewrite_test", None)) else None


def refresh(root: Path) -> None:
    """In the server: rewrite each ``katas/*.py`` whose bytes are new (no config: the defaults)."""
    rewrite = _pytest_rewrite()
    if rewrite is None:
        return
    seen = set()
    for path in sorted((root / "katas").glob("*.py")):
        key = str(path)
        seen.add(key)
        try:
            source = path.read_bytes()
            if key in _MADE and _MADE[key][0] == source:
                continue
            _MADE[key] = (source, rewrite._rewrite_test(path, None))
        except (OSError, SyntaxError, ValueError):
            _MADE.pop(key, None)  # pytest reports it in the run
    for key in set(_MADE) - seen:
        del _MADE[key]


def use() -> None:
    """In a child: let pytest take a file's ready rewrite when its bytes are unchanged."""
    rewrite = _pytest_rewrite()
    if rewrite is None or not _MADE:
        return
    original = rewrite._rewrite_test

    def rewrite_test(fn: Path, config: Any) -> Any:
        made = _MADE.get(str(fn))
        if made is not None and not _pass_hook(config):
            try:
                if fn.read_bytes() == made[0]:
                    return made[1]
            except OSError:
                pass
        return original(fn, config)

    rewrite._rewrite_test = rewrite_test


def _pass_hook(config: Any) -> bool:
    """Whether this run rewrites differently from the defaults (``enable_assertion_pass_hook``)."""
    try:
        return bool(config.getini("enable_assertion_pass_hook"))
    except (AttributeError, ValueError):
        return True
