"""The kata catalogue, read from ``katas.toml`` (no torch import here)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from katakit.checkout import CATALOG_FILE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_TIMEOUT = 5.0
MAX_ID_DIGITS = 6  # longer numbers are not kata ids (and int() of them is slow)


class CatalogError(Exception):
    """The catalogue is missing, malformed, or an id does not name a kata."""


@dataclass(frozen=True)
class Kata:
    id: str
    name: str
    title: str
    module: str
    tests: str
    section: str
    hints: tuple[str, ...]
    timeout: float = DEFAULT_TIMEOUT
    # (learner function, its hints) pairs from ``[kata.function_hints]``
    function_hints: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # modules its tests need that torch imports lazily: imported before any test's clock
    imports: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}"

    def module_file(self, tree: str = "src") -> str:
        """Path of the kata's module inside ``tree``, relative to the repo root."""
        return f"{tree}/{self.module}.py"


@dataclass(frozen=True)
class Catalog:
    root: Path
    katas: tuple[Kata, ...]

    def find(self, key: str) -> Kata:
        """The kata named by ``key``: its number (``3``, ``03``: ASCII digits) or its name.

        Anything else (other digits such as ``²``, a number longer than
        ``MAX_ID_DIGITS``) raises ``CatalogError`` with a one-line message.
        """
        key = key.strip()
        number = int(key) if key.isascii() and key.isdigit() and len(key) <= MAX_ID_DIGITS else None
        for kata in self.katas:
            if key == kata.name or (number is not None and number == int(kata.id)):
                return kata
        shown = key if len(key) <= 30 else f"{key[:30]}... ({len(key)} characters)"
        choices = ", ".join(k.label for k in self.katas)
        raise CatalogError(f"no kata {shown!r}; choose one of: {choices}")

    def by_test_file(self, relpath: str) -> Kata | None:
        for kata in self.katas:
            if kata.tests == relpath:
                return kata
        return None

    def imports(self, katas: Iterable[Kata] | None = None) -> list[str]:
        """The ``imports`` of ``katas`` (default: every kata), once each, in catalogue order."""
        chosen = set(self.katas if katas is None else katas)
        return list(dict.fromkeys(n for k in self.katas if k in chosen for n in k.imports))


_loaded: dict[Path, tuple[tuple[int, ...], Catalog]] = {}  # path -> (file stamp, catalogue)


def load(root: Path) -> Catalog:
    """Read and validate ``root/katas.toml``.

    A catalogue read before is reused while the file is unchanged (same size,
    inode and modification and change times): the warm runner's server reads it
    once and every forked child inherits it.
    """
    path = root / CATALOG_FILE
    try:
        st = path.stat()
    except FileNotFoundError:
        raise CatalogError(f"{path} not found: run this inside a torch-katas checkout") from None
    stamp = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    cached = _loaded.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    catalog = _read(path)
    _loaded[path] = (stamp, catalog)
    return catalog


def _read(path: Path) -> Catalog:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"{path} not found: run this inside a torch-katas checkout") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: {exc}") from None
    katas = []
    for n, entry in enumerate(data.get("kata", []), start=1):
        try:
            katas.append(
                Kata(
                    id=str(entry["id"]),
                    name=entry["name"],
                    title=entry["title"],
                    module=entry["module"],
                    tests=entry["tests"],
                    section=entry["section"],
                    hints=tuple(entry.get("hints", ())),
                    timeout=float(entry.get("timeout", DEFAULT_TIMEOUT)),
                    function_hints=_function_hints(entry.get("function_hints", {})),
                    imports=_imports(path, entry),
                )
            )
        except KeyError as exc:
            raise CatalogError(f"{path}: kata #{n} lacks the key {exc.args[0]!r}") from None
    if not katas:
        raise CatalogError(f"{path} lists no [[kata]] entries")
    return Catalog(root=path.parent, katas=tuple(katas))


def _imports(path: Path, entry: dict) -> tuple[str, ...]:
    """A kata's ``imports``: dotted module names (``CatalogError`` otherwise)."""
    names = entry.get("imports", [])
    if not isinstance(names, list) or not all(
        isinstance(n, str) and all(part.isidentifier() for part in n.split(".")) for n in names
    ):
        raise CatalogError(f"{path}: kata {entry.get('id')!r}: imports must list module names")
    return tuple(names)


def _function_hints(table: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(table, dict):
        return ()
    return tuple(
        (str(name), tuple(h for h in hints if isinstance(h, str)))
        for name, hints in table.items()
        if isinstance(hints, list)
    )
