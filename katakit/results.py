"""The learner's last results, kept in ``.kata/results.json`` (no torch import)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from katakit import outcomes
from katakit.catalog import Catalog, Kata

RESULTS_FILE = ".kata/results.json"


@dataclass
class KataResult:
    passed: int = 0
    total: int = 0
    error: str | None = None  # a one-line account of a collection error
    mtime: float = 0.0  # the learner module's mtime when it was last run
    where: str | None = None  # the learner function a failure pointed at, e.g. "`f` in src/x.py"
    detail: str | None = None  # what stands in the way: "import error", "timed out"

    @property
    def state(self) -> str:
        """done, in_progress or not_started (the rule lives in ``katakit.outcomes``)."""
        return outcomes.state(self.passed, self.total, self.error, self.detail)

    @property
    def words(self) -> str:
        """The state as ``kata status`` says it, e.g. ``in progress (timed out)``."""
        return outcomes.state_words(self.state, self.detail)


def path(root: Path) -> Path:
    return root / RESULTS_FILE


def load(root: Path) -> dict[str, KataResult]:
    """The saved results by kata id; empty when there are none (or they are unreadable)."""
    try:
        data = json.loads(path(root).read_text(encoding="utf-8"))
        known = set(KataResult.__dataclass_fields__)
        return {
            kid: KataResult(**{k: v for k, v in fields.items() if k in known})
            for kid, fields in data.get("katas", {}).items()
        }
    except (OSError, ValueError, TypeError):
        return {}


def save(root: Path, results: dict[str, KataResult]) -> dict[str, KataResult]:
    """Merge ``results`` into the saved ones (atomically); all of them, merged."""
    merged = load(root)
    merged.update(results)
    target = path(root)
    target.parent.mkdir(exist_ok=True)
    payload = {
        "updated": time.time(),
        "katas": {kid: vars(res) for kid, res in sorted(merged.items())},
    }
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    os.replace(tmp, target)
    return merged


def module_mtime(root: Path, kata: Kata) -> float:
    try:
        return (root / kata.module_file()).stat().st_mtime
    except OSError:
        return 0.0


def stale(root: Path, catalog: Catalog, saved: dict[str, KataResult]) -> list[Kata]:
    """Katas whose learner module changed since its results were saved."""
    return [
        k
        for k in catalog.katas
        if k.id in saved and module_mtime(root, k) > saved[k.id].mtime + 1e-6
    ]


def next_kata(catalog: Catalog, results: dict[str, KataResult]) -> Kata | None:
    """The first kata, in order, that is not done."""
    for kata in catalog.katas:
        res = results.get(kata.id)
        if res is None or res.state != "done":
            return kata
    return None
